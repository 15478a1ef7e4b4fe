//! The live dashboard's figures, read from PostgreSQL (the shared truth of every node) in one
//! go: queue depth, the oldest wait per level and whether it breaches now, counselors on shift
//! with what they hold, breaches, arrivals against the same hour last week, and the two
//! 24-hour series the charts draw. Each query reads a partial or period index (see
//! docs/performance.md), so the whole set stays cheap at a year of data.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use sqlx::PgPool;

use super::action_clock::{ActionClockTargets, ActionStep, action_times};
use super::answer_clock::waited_seconds;
use super::breaches::{breaches_last_hour, breaching_now};
use super::callbacks_and_referrals::{self, CallbackFigures, ReferralFigures};
use super::percentiles::met;
use super::period::Period;
use super::response_times::{GroupBy, response_times_for};
use crate::domain::{CaseId, Channel, Level};
use crate::queue::{HELD, OPEN};
use crate::settings::AnswerTargets;

/// Someone counts as on shift when they hold a case or did something recorded this recently.
const ACTIVE_MINUTES: i64 = 15;

const LEVELS: [Level; 4] = [Level::Critical, Level::High, Level::Medium, Level::Low];

#[derive(Debug, Serialize)]
pub struct Dashboard {
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
    pub queue_depth: QueueDepth,
    pub oldest_waiting: Vec<OldestWaiting>,
    pub breaching_now: BTreeMap<&'static str, i64>,
    pub breaches_last_hour: BTreeMap<&'static str, i64>,
    pub counselors: Vec<OnShift>,
    pub arrivals: Arrivals,
    pub callbacks: CallbackFigures,
    pub referrals: ReferralFigures,
    /// Answer-time percentiles per hour over the last 24 hours, oldest hour first, for the
    /// critical and high levels, with their targets.
    pub answer_times_24h: Vec<LevelSeries>,
    /// People waiting for a human at each of the last 25 hour marks, oldest first.
    pub waiting_24h: Vec<DepthPoint>,
    /// The action clock of the cases that became critical or high in the last 24 hours.
    pub action_24h: ActionFigures,
    /// Chat messages acknowledged under a flood and not yet read (the webhook inbox).
    pub unread_messages: UnreadMessages,
}

/// The webhook inbox's backlog (`channels::inbox`): messages stored and acknowledged but not
/// yet triaged, so not yet in the queue.
#[derive(Debug, Serialize)]
pub struct UnreadMessages {
    /// How many, counted up to `channels::inbox::WAITING_COUNT_CAP` (`at_least` says the count
    /// stopped there).
    pub count: i64,
    pub at_least: bool,
    /// How long the oldest has waited, in seconds.
    pub oldest_seconds: Option<i64>,
}

/// The action clock on the dashboard: per level (critical, high), the time from becoming
/// urgent to the first referral requested and to the first partner acknowledgement.
#[derive(Debug, Serialize)]
pub struct ActionFigures {
    pub requested: Vec<super::percentiles::Summary>,
    pub acknowledged: Vec<super::percentiles::Summary>,
    /// Targets per level and step (`None`: not judged).
    pub targets: BTreeMap<&'static str, (Option<i64>, Option<i64>)>,
}

#[derive(Debug, Serialize)]
pub struct QueueDepth {
    /// Open cases nobody holds.
    pub total: i64,
    pub by_level: BTreeMap<&'static str, i64>,
    pub by_channel: BTreeMap<&'static str, i64>,
}

#[derive(Debug, Serialize)]
pub struct OldestWaiting {
    pub level: Level,
    pub case_id: CaseId,
    pub reference: String,
    pub waited_seconds: i64,
    pub target_seconds: i64,
    pub breaching: bool,
    /// A counselor holds the case but has not answered yet.
    pub held: bool,
}

#[derive(Debug, Serialize)]
pub struct OnShift {
    pub id: uuid::Uuid,
    pub email: String,
    pub role: String,
    pub holds: Vec<Holding>,
}

#[derive(Debug, Serialize)]
pub struct Holding {
    pub case_id: CaseId,
    pub reference: String,
    pub level: String,
    pub held_seconds: i64,
}

#[derive(Debug, Serialize)]
pub struct Arrivals {
    /// New cases in the hour up to now.
    pub last_hour: i64,
    /// New cases in the same hour a week ago.
    pub same_hour_last_week: i64,
}

#[derive(Debug, Serialize)]
pub struct LevelSeries {
    pub level: Level,
    pub target_seconds: i64,
    pub hours: Vec<super::percentiles::Summary>,
}

#[derive(Debug, Serialize)]
pub struct DepthPoint {
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
    pub waiting: i64,
}

fn by_level(rows: &[(String, i64)]) -> BTreeMap<&'static str, i64> {
    LEVELS
        .iter()
        .map(|l| {
            let n = rows
                .iter()
                .filter(|(k, _)| k == l.as_str())
                .map(|(_, n)| n)
                .sum();
            (l.as_str(), n)
        })
        .collect()
}

/// Every figure of the dashboard at `now`.
pub async fn dashboard(
    db: &PgPool,
    targets: &AnswerTargets,
    zone: Tz,
    callbacks_overdue_after: i64,
    action: ActionClockTargets<'_>,
    now: DateTime<Utc>,
) -> Result<Dashboard, sqlx::Error> {
    let (depth, oldest, breaching, late, counselors, arrivals, waiting, unread) = tokio::try_join!(
        queue_depth(db, now),
        oldest_waiting(db, targets, now),
        breaching_now(db, targets, now),
        breaches_last_hour(db, targets, now),
        on_shift(db, now),
        arrivals(db, now),
        waiting_24h(db, now),
        unread_messages(db, now),
    )?;
    let day = Period::last_hours(now, 24);
    let (callbacks, referrals, critical, high, requested, acknowledged) = tokio::try_join!(
        callbacks_and_referrals::callbacks_due(db, callbacks_overdue_after, now),
        callbacks_and_referrals::referrals_past_target(db, now),
        hourly(db, targets, zone, Level::Critical, now),
        hourly(db, targets, zone, Level::High, now),
        action_times(
            db,
            action,
            zone,
            day,
            GroupBy::Urgency,
            ActionStep::Requested,
            now
        ),
        action_times(
            db,
            action,
            zone,
            day,
            GroupBy::Urgency,
            ActionStep::Acknowledged,
            now
        ),
    )?;
    let action_targets = [Level::Critical, Level::High]
        .iter()
        .map(|l| {
            (
                l.as_str(),
                (
                    action.for_step(*l, ActionStep::Requested),
                    action.for_step(*l, ActionStep::Acknowledged),
                ),
            )
        })
        .collect();
    Ok(Dashboard {
        at: now,
        queue_depth: depth,
        oldest_waiting: oldest,
        breaching_now: by_level(&breaching),
        breaches_last_hour: by_level(&late),
        counselors,
        arrivals,
        callbacks,
        referrals,
        answer_times_24h: vec![critical, high],
        waiting_24h: waiting,
        action_24h: ActionFigures {
            requested,
            acknowledged,
            targets: action_targets,
        },
        unread_messages: unread,
    })
}

async fn unread_messages(db: &PgPool, now: DateTime<Utc>) -> Result<UnreadMessages, sqlx::Error> {
    let backlog = crate::channels::inbox::backlog(db).await?;
    Ok(UnreadMessages {
        count: backlog.waiting,
        at_least: backlog.at_least(),
        oldest_seconds: backlog.oldest.map(|at| (now - at).num_seconds().max(0)),
    })
}

async fn queue_depth(db: &PgPool, now: DateTime<Utc>) -> Result<QueueDepth, sqlx::Error> {
    let sql = format!(
        "SELECT c.urgency_level, c.channel, count(*) FROM cases c
         WHERE {OPEN} AND NOT {HELD} GROUP BY 1, 2"
    );
    let rows: Vec<(String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .fetch_all(db)
        .await?;
    let levels: Vec<(String, i64)> = rows.iter().map(|(l, _, n)| (l.clone(), *n)).collect();
    let by_channel = Channel::ALL
        .iter()
        .map(|c| {
            let n = rows
                .iter()
                .filter(|(_, ch, _)| ch == c.as_str())
                .map(|(.., n)| n)
                .sum();
            (c.as_str(), n)
        })
        .collect();
    Ok(QueueDepth {
        total: rows.iter().map(|(.., n)| n).sum(),
        by_level: by_level(&levels),
        by_channel,
    })
}

#[derive(sqlx::FromRow)]
struct OldestRow {
    urgency_rank: i16,
    id: CaseId,
    reference: String,
    started_at: DateTime<Utc>,
    paused_seconds: i32,
    paused_since: Option<DateTime<Utc>>,
    held: bool,
}

/// The person who has waited longest for a human, per level (running clocks only).
async fn oldest_waiting(
    db: &PgPool,
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Result<Vec<OldestWaiting>, sqlx::Error> {
    let rows: Vec<OldestRow> = sqlx::query_as(
        "SELECT DISTINCT ON (c.urgency_rank) c.urgency_rank, c.id, c.reference, a.started_at,
                a.paused_seconds, a.paused_since,
                (c.holder_id IS NOT NULL AND c.lease_expires_at > $1) AS held
         FROM answer_clocks a JOIN cases c ON c.id = a.case_id
         WHERE a.stopped_at IS NULL
         ORDER BY c.urgency_rank DESC, a.started_at",
    )
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let level = Level::from_rank(r.urgency_rank);
            let waited = waited_seconds(
                r.started_at,
                now,
                i64::from(r.paused_seconds),
                r.paused_since,
            );
            let target = targets.for_level(level);
            OldestWaiting {
                level,
                case_id: r.id,
                reference: r.reference,
                waited_seconds: waited,
                target_seconds: target,
                breaching: r.paused_since.is_none() && !met(waited, target),
                held: r.held,
            }
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct HeldRow {
    holder_id: uuid::Uuid,
    id: CaseId,
    reference: String,
    urgency_level: String,
    since: Option<DateTime<Utc>>,
}

/// Staff on shift (holding a case, or active in the last minutes) with what each holds.
async fn on_shift(db: &PgPool, now: DateTime<Utc>) -> Result<Vec<OnShift>, sqlx::Error> {
    let people: Vec<(uuid::Uuid, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, u.role FROM users u
         WHERE u.active AND (
             EXISTS (SELECT 1 FROM cases c WHERE c.holder_id = u.id AND c.lease_expires_at > $1
                                             AND c.status <> 'closed')
             OR EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_id = u.id AND a.at > $2))
         ORDER BY u.email",
    )
    .bind(now)
    .bind(now - Duration::minutes(ACTIVE_MINUTES))
    .fetch_all(db)
    .await?;
    // When each holder claimed the case: their latest claim of it (the audit log's case index).
    let held: Vec<HeldRow> = sqlx::query_as(
        "SELECT c.holder_id, c.id, c.reference, c.urgency_level,
                (SELECT max(a.at) FROM audit_log a
                  WHERE a.case_id = c.id AND a.action = 'case.claimed' AND a.actor_id = c.holder_id) AS since
         FROM cases c
         WHERE c.holder_id IS NOT NULL AND c.lease_expires_at > $1 AND c.status <> 'closed'
         ORDER BY c.urgency_rank DESC, c.reference",
    )
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(people
        .into_iter()
        .map(|(id, email, role)| OnShift {
            holds: held
                .iter()
                .filter(|h| h.holder_id == id)
                .map(|h| Holding {
                    case_id: h.id,
                    reference: h.reference.clone(),
                    level: h.urgency_level.clone(),
                    held_seconds: h.since.map_or(0, |s| (now - s).num_seconds().max(0)),
                })
                .collect(),
            id,
            email,
            role,
        })
        .collect())
}

async fn arrivals(db: &PgPool, now: DateTime<Utc>) -> Result<Arrivals, sqlx::Error> {
    let week_ago = now - Duration::days(7);
    let hour = Duration::hours(1);
    let (last_hour, same_hour_last_week): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE created_at > $1 AND created_at <= $2),
                count(*) FILTER (WHERE created_at > $3 AND created_at <= $4)
         FROM cases
         WHERE (created_at > $1 AND created_at <= $2) OR (created_at > $3 AND created_at <= $4)",
    )
    .bind(now - hour)
    .bind(now)
    .bind(week_ago - hour)
    .bind(week_ago)
    .fetch_one(db)
    .await?;
    Ok(Arrivals {
        last_hour,
        same_hour_last_week,
    })
}

/// Answer times per hour of the last 24 hours for one level, oldest hour first.
async fn hourly(
    db: &PgPool,
    targets: &AnswerTargets,
    zone: Tz,
    level: Level,
    now: DateTime<Utc>,
) -> Result<LevelSeries, sqlx::Error> {
    let groups = response_times_for(
        db,
        targets,
        zone,
        Period::last_hours(now, 24),
        GroupBy::Hour,
        Some(level),
        now,
    )
    .await?;
    Ok(LevelSeries {
        level,
        target_seconds: targets.for_level(level),
        hours: last_24_hours_in_order(groups, zone, now),
    })
}

/// Hour-of-day groups reordered so the series runs from 23 hours ago to the current hour.
pub fn last_24_hours_in_order(
    mut groups: Vec<super::percentiles::Summary>,
    zone: Tz,
    now: DateTime<Utc>,
) -> Vec<super::percentiles::Summary> {
    let mut ordered = Vec::with_capacity(24);
    for back in (0..24).rev() {
        let key = (now - Duration::hours(back))
            .with_timezone(&zone)
            .format("%H")
            .to_string();
        if let Some(i) = groups.iter().position(|g| g.key == key) {
            ordered.push(groups.swap_remove(i));
        }
    }
    ordered
}

/// How many people were waiting for a human at each hour mark of the last day.
async fn waiting_24h(db: &PgPool, now: DateTime<Utc>) -> Result<Vec<DepthPoint>, sqlx::Error> {
    let first = now - Duration::hours(24);
    // Running clocks (their partial index) and clocks stopped within the day (their index).
    let spans: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT started_at, stopped_at FROM answer_clocks
         WHERE stopped_at IS NULL AND started_at <= $2
         UNION ALL
         SELECT started_at, stopped_at FROM answer_clocks
         WHERE stopped_at > $1 AND started_at <= $2 AND started_by <> 'phone_form'",
    )
    .bind(first)
    .bind(now)
    .fetch_all(db)
    .await?;
    let marks: Vec<DateTime<Utc>> = (0..=24).map(|h| first + Duration::hours(h)).collect();
    Ok(waiting_at(&marks, &spans)
        .into_iter()
        .zip(marks)
        .map(|(waiting, at)| DepthPoint { at, waiting })
        .collect())
}

/// For each mark, how many spans (start, end or still open) contain it. Pure.
pub fn waiting_at(
    marks: &[DateTime<Utc>],
    spans: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
) -> Vec<i64> {
    marks
        .iter()
        .map(|m| {
            spans
                .iter()
                .filter(|(start, end)| start <= m && end.is_none_or(|e| e > *m))
                .count() as i64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_wait_counts_at_the_marks_it_spans_and_not_at_the_moment_it_ended() {
        let spans = [(at(1), Some(at(3))), (at(2), None)];
        assert_eq!(
            waiting_at(&[at(0), at(1), at(2), at(3), at(4)], &spans),
            [0, 1, 2, 1, 1]
        );
    }

    #[test]
    fn the_24_hour_series_ends_with_the_current_hour() {
        let groups: Vec<_> = (0..24)
            .map(|h| super::super::percentiles::summarize(format!("{h:02}"), &[], 0, 0))
            .collect();
        // 10:30 UTC is 17:30 in Bangkok: the series runs 18, 19, … 23, 00, … 17.
        let now = at(10) + Duration::minutes(30);
        let ordered = last_24_hours_in_order(groups, chrono_tz::Asia::Bangkok, now);
        assert_eq!(ordered.len(), 24);
        assert_eq!(ordered[0].key, "18");
        assert_eq!(ordered[23].key, "17");
    }
}
