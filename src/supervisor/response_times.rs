//! The response-time report: answer times of the people who first wrote (or wrote again)
//! within a period, grouped by channel, urgency level or hour of the day, as p50/p90/p95/max
//! and the share within target.
//!
//! One pass over the `answer_clocks_started_idx` index hands each group its answer seconds
//! already sorted (`array_agg … ORDER BY`), so a year costs one index range scan and the
//! percentile arithmetic stays in `percentiles.rs`. Clocks still running are few (a partial
//! index) and read apart, to count those already past their target.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;

use super::answer_clock::waited_seconds;
use super::percentiles::{Summary, met, summarize};
use super::period::Period;
use crate::domain::{Channel, FieldError, Level};
use crate::settings::AnswerTargets;

/// How the report groups answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Channel,
    Urgency,
    /// Hour of the day the wait started, in the hotline's time zone ("00" to "23").
    Hour,
}

impl GroupBy {
    pub fn parse(raw: Option<&str>) -> Result<GroupBy, FieldError> {
        match raw.map(str::trim).unwrap_or("urgency") {
            "channel" => Ok(GroupBy::Channel),
            "urgency" | "level" => Ok(GroupBy::Urgency),
            "hour" => Ok(GroupBy::Hour),
            _ => Err(FieldError::new(
                "group_by",
                "must be one of: channel, urgency, hour",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Channel => "channel",
            GroupBy::Urgency => "urgency",
            GroupBy::Hour => "hour",
        }
    }

    /// Every key the grouping can have, in display order, so empty groups show as zero.
    fn keys(self) -> Vec<String> {
        match self {
            GroupBy::Channel => Channel::ALL.iter().map(|c| c.as_str().to_owned()).collect(),
            GroupBy::Urgency => [Level::Critical, Level::High, Level::Medium, Level::Low]
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect(),
            GroupBy::Hour => (0..24).map(|h| format!("{h:02}")).collect(),
        }
    }

    /// The SQL for a clock's group key (`a` is the clock, `$3` the time zone name).
    fn key_sql(self, level: &str) -> String {
        match self {
            GroupBy::Channel => "a.channel".to_owned(),
            GroupBy::Urgency => level.to_owned(),
            // extract() costs about half of to_char() over a year of rows.
            GroupBy::Hour => {
                "lpad(extract(hour FROM a.started_at AT TIME ZONE $3)::int::text, 2, '0')"
                    .to_owned()
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct StoppedGroup {
    key: Option<String>,
    answered: Option<Vec<i32>>,
    within: i64,
    closed_breaches: i64,
}

#[derive(sqlx::FromRow)]
struct RunningClock {
    key: Option<String>,
    started_at: DateTime<Utc>,
    paused_seconds: i32,
    paused_since: Option<DateTime<Utc>>,
    urgency_rank: i16,
}

/// The report for `period`, by `group_by`. Phone-form cases are left out (see
/// `answer_clock::answered_by_phone`). A wait still running counts as past its target if it
/// is at `now`.
pub async fn response_times(
    db: &PgPool,
    targets: &AnswerTargets,
    zone: Tz,
    period: Period,
    group_by: GroupBy,
    now: DateTime<Utc>,
) -> Result<Vec<Summary>, sqlx::Error> {
    response_times_for(db, targets, zone, period, group_by, None, now).await
}

/// `response_times` for one level only (`None`: every level).
pub async fn response_times_for(
    db: &PgPool,
    targets: &AnswerTargets,
    zone: Tz,
    period: Period,
    group_by: GroupBy,
    level: Option<Level>,
    now: DateTime<Utc>,
) -> Result<Vec<Summary>, sqlx::Error> {
    let level = level.map(Level::as_str);
    let mut tx = super::report_transaction(db).await?;
    // Both statements bind the same four parameters whatever the grouping; `$3::text IS NOT
    // NULL` only names the time zone where the key does not use it, so PostgreSQL knows its
    // type.
    let stopped_sql = format!(
        "SELECT {key} AS key,
                array_agg(a.answer_seconds ORDER BY a.answer_seconds)
                    FILTER (WHERE a.stopped_by IN ('message', 'call')) AS answered,
                count(*) FILTER (WHERE a.stopped_by IN ('message', 'call') AND a.within_target) AS within,
                count(*) FILTER (WHERE a.stopped_by = 'closed' AND a.within_target = FALSE) AS closed_breaches
         FROM answer_clocks a
         WHERE a.started_at >= $1 AND a.started_at < $2 AND a.started_by <> 'phone_form'
           AND a.stopped_at IS NOT NULL AND $3::text IS NOT NULL
           AND ($4::text IS NULL OR a.level = $4)
         GROUP BY 1",
        key = group_by.key_sql("a.level"),
    );
    let stopped: Vec<StoppedGroup> = sqlx::query_as(sqlx::AssertSqlSafe(stopped_sql))
        .bind(period.from)
        .bind(period.to)
        .bind(zone.name())
        .bind(level)
        .fetch_all(&mut *tx)
        .await?;
    let running_sql = format!(
        "SELECT {key} AS key, a.started_at, a.paused_seconds, a.paused_since, c.urgency_rank
         FROM answer_clocks a JOIN cases c ON c.id = a.case_id
         WHERE a.stopped_at IS NULL AND a.started_at >= $1 AND a.started_at < $2
           AND $3::text IS NOT NULL AND ($4::text IS NULL OR c.urgency_level = $4)",
        key = group_by.key_sql("c.urgency_level"),
    );
    let running: Vec<RunningClock> = sqlx::query_as(sqlx::AssertSqlSafe(running_sql))
        .bind(period.from)
        .bind(period.to)
        .bind(zone.name())
        .bind(level)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(assemble(group_by, stopped, &running, targets, now))
}

fn assemble(
    group_by: GroupBy,
    stopped: Vec<StoppedGroup>,
    running: &[RunningClock],
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Vec<Summary> {
    let mut keys = group_by.keys();
    let mut rows: Vec<(String, Vec<i64>, usize, usize)> = vec![];
    for g in stopped {
        let key = g.key.unwrap_or_else(|| "unknown".to_owned());
        let seconds = g
            .answered
            .unwrap_or_default()
            .into_iter()
            .map(i64::from)
            .collect();
        rows.push((
            key,
            seconds,
            usize::try_from(g.within).unwrap_or(0),
            usize::try_from(g.closed_breaches).unwrap_or(0),
        ));
    }
    for r in running {
        let level = Level::from_rank(r.urgency_rank);
        let waited = waited_seconds(
            r.started_at,
            now,
            i64::from(r.paused_seconds),
            r.paused_since,
        );
        if met(waited, targets.for_level(level)) {
            continue;
        }
        let key = r.key.clone().unwrap_or_else(|| "unknown".to_owned());
        match rows.iter_mut().find(|(k, ..)| *k == key) {
            Some(row) => row.3 += 1,
            None => rows.push((key, vec![], 0, 1)),
        }
    }
    for (key, ..) in &rows {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    keys.into_iter()
        .map(|key| match rows.iter().position(|(k, ..)| *k == key) {
            Some(i) => {
                let (key, seconds, within, past) = rows.swap_remove(i);
                summarize(key, &seconds, within, past)
            }
            None => summarize(key, &[], 0, 0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn targets() -> AnswerTargets {
        AnswerTargets {
            critical: 120,
            high: 600,
            medium: 3600,
            low: 86400,
        }
    }

    #[test]
    fn every_level_is_listed_in_order_even_without_answers() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
            .single()
            .unwrap_or_default();
        let stopped = vec![StoppedGroup {
            key: Some("high".into()),
            answered: Some(vec![60, 700]),
            within: 1,
            closed_breaches: 0,
        }];
        let running = vec![RunningClock {
            key: Some("critical".into()),
            started_at: now - chrono::Duration::seconds(121),
            paused_seconds: 0,
            paused_since: None,
            urgency_rank: 3,
        }];
        let groups = assemble(GroupBy::Urgency, stopped, &running, &targets(), now);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["critical", "high", "medium", "low"]);
        assert_eq!(groups[0].count, 0);
        assert_eq!(groups[0].waiting_past_target, 1);
        assert_eq!(groups[0].within_target, Some(0.0));
        assert_eq!(groups[1].p90, Some(700));
        assert_eq!(groups[1].within_target, Some(0.5));
        assert_eq!(groups[2].within_target, None);
    }

    #[test]
    fn a_wait_still_within_its_target_is_not_counted_yet() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
            .single()
            .unwrap_or_default();
        let running = vec![RunningClock {
            key: Some("critical".into()),
            started_at: now - chrono::Duration::seconds(120),
            paused_seconds: 0,
            paused_since: None,
            urgency_rank: 3,
        }];
        let groups = assemble(GroupBy::Urgency, vec![], &running, &targets(), now);
        assert_eq!(groups[0].waiting_past_target, 0);
        assert_eq!(groups[0].within_target, None);
    }
}
