//! The action clock of a case: from the moment it became critical or high (`cases.urgent_since`,
//! kept by a trigger wherever the level is written) to its first referral **requested**, and to
//! the first partner **acknowledgement** (a referral `received`, or any later step a partner
//! only reaches after receiving it: accepted, rejected, completed).
//!
//! Targets: `targets.action_seconds.critical` (and `.high` if configured) for the request; the
//! acknowledgement is held to that plus the partner's `referrals.ack_target_seconds` of the
//! level (the hotline's time to refer, then the partner's time to answer). A case closed without
//! any referral is not counted (no referral was wanted); an urgent case still open without one
//! counts as past its target once the target has passed, as a wait for a human does.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};

use super::percentiles::{Summary, met, summarize};
use super::period::Period;
use super::response_times::GroupBy;
use crate::domain::{CaseId, Channel, FieldError, Level};
use crate::settings::{ActionTargets, AnswerTargets};

/// Which stop of the action clock a report measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStep {
    /// The first referral requested.
    Requested,
    /// The first acknowledgement by a partner (`received` or later).
    Acknowledged,
}

/// Referral steps that stop each clock.
const REQUESTED: &[&str] = &["requested"];
const ACKNOWLEDGED: &[&str] = &["received", "accepted", "rejected", "completed"];

impl ActionStep {
    pub fn parse(raw: Option<&str>) -> Result<ActionStep, FieldError> {
        match raw.map(str::trim).unwrap_or("requested") {
            "requested" => Ok(ActionStep::Requested),
            "acknowledged" | "received" => Ok(ActionStep::Acknowledged),
            _ => Err(FieldError::new("step", "must be requested or acknowledged")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStep::Requested => "requested",
            ActionStep::Acknowledged => "acknowledged",
        }
    }

    fn statuses(self) -> &'static [&'static str] {
        match self {
            ActionStep::Requested => REQUESTED,
            ActionStep::Acknowledged => ACKNOWLEDGED,
        }
    }

    /// The step a referral status stops, if any.
    pub fn stopped_by(status: &str) -> Option<ActionStep> {
        if REQUESTED.contains(&status) {
            Some(ActionStep::Requested)
        } else if ACKNOWLEDGED.contains(&status) {
            Some(ActionStep::Acknowledged)
        } else {
            None
        }
    }
}

/// The targets of the action clock, both steps.
#[derive(Debug, Clone, Copy)]
pub struct ActionClockTargets<'a> {
    pub action: &'a ActionTargets,
    /// `referrals.ack_target_seconds`.
    pub acknowledgement: &'a AnswerTargets,
}

impl ActionClockTargets<'_> {
    /// The target for a case that became `level` urgent (`None`: measured, not judged).
    pub fn for_step(&self, level: Level, step: ActionStep) -> Option<i64> {
        let to_request = self.action.for_level(level)?;
        Some(match step {
            ActionStep::Requested => to_request,
            ActionStep::Acknowledged => to_request + self.acknowledgement.for_level(level),
        })
    }
}

/// One urgent case's clock, as read for a report.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UrgentCase {
    pub key: Option<String>,
    pub urgent_level: String,
    pub urgent_since: DateTime<Utc>,
    pub closed: bool,
    /// When the step was first reached (`None`: not yet).
    pub reached_at: Option<DateTime<Utc>>,
}

/// The action-clock report for urgent cases that became urgent within `period`, by
/// `group_by` (urgency: the level reached; channel; hour the case became urgent).
pub async fn action_times(
    db: &PgPool,
    targets: ActionClockTargets<'_>,
    zone: Tz,
    period: Period,
    group_by: GroupBy,
    step: ActionStep,
    now: DateTime<Utc>,
) -> Result<Vec<Summary>, sqlx::Error> {
    let key = match group_by {
        GroupBy::Channel => "c.channel",
        GroupBy::Urgency => "c.urgent_level",
        GroupBy::Hour => {
            "lpad(extract(hour FROM c.urgent_since AT TIME ZONE $3)::int::text, 2, '0')"
        }
    };
    let sql = format!(
        "SELECT {key} AS key, c.urgent_level, c.urgent_since, c.status = 'closed' AS closed,
                (SELECT min(s.at) FROM referrals r JOIN referral_steps s ON s.referral_id = r.id
                 WHERE r.case_id = c.id AND s.status = ANY($4)) AS reached_at
         FROM cases c
         WHERE c.urgent_since >= $1 AND c.urgent_since < $2 AND $3::text IS NOT NULL"
    );
    let statuses: Vec<&str> = step.statuses().to_vec();
    let mut tx = super::report_transaction(db).await?;
    let rows: Vec<UrgentCase> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(period.from)
        .bind(period.to)
        .bind(zone.name())
        .bind(&statuses)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(assemble(group_by, &rows, targets, step, now))
}

fn keys(group_by: GroupBy) -> Vec<String> {
    match group_by {
        GroupBy::Channel => Channel::ALL.iter().map(|c| c.as_str().to_owned()).collect(),
        GroupBy::Urgency => vec!["critical".to_owned(), "high".to_owned()],
        GroupBy::Hour => (0..24).map(|h| format!("{h:02}")).collect(),
    }
}

/// The figures per group. Pure.
pub fn assemble(
    group_by: GroupBy,
    rows: &[UrgentCase],
    targets: ActionClockTargets<'_>,
    step: ActionStep,
    now: DateTime<Utc>,
) -> Vec<Summary> {
    // key → (seconds, within, past, judged: measured against a target)
    let mut groups: Vec<(String, Vec<i64>, usize, usize, usize)> = keys(group_by)
        .into_iter()
        .map(|k| (k, vec![], 0, 0, 0))
        .collect();
    for row in rows {
        let level = Level::parse("urgent_level", &row.urgent_level).unwrap_or(Level::High);
        let target = targets.for_step(level, step);
        let key = row.key.clone().unwrap_or_else(|| "unknown".to_owned());
        let i = match groups.iter().position(|(k, ..)| *k == key) {
            Some(i) => i,
            None => {
                groups.push((key, vec![], 0, 0, 0));
                groups.len() - 1
            }
        };
        match row.reached_at {
            Some(at) => {
                let seconds = (at - row.urgent_since).num_seconds().max(0);
                groups[i].1.push(seconds);
                if let Some(t) = target {
                    groups[i].4 += 1;
                    if met(seconds, t) {
                        groups[i].2 += 1;
                    }
                }
            }
            None if !row.closed => {
                let waited = (now - row.urgent_since).num_seconds().max(0);
                if target.is_some_and(|t| !met(waited, t)) {
                    groups[i].3 += 1;
                }
            }
            None => {}
        }
    }
    groups
        .into_iter()
        .map(|(key, mut seconds, within, past, judged)| {
            seconds.sort_unstable();
            let mut summary = summarize(key, &seconds, within, past);
            // The share counts only cases held to a target (high has none unless configured).
            let people = judged + past;
            summary.within_target = (people > 0).then(|| within as f64 / people as f64);
            summary
        })
        .collect()
}

/// (when the case became urgent, its level, how many steps of the kind, the first one's time)
type FirstStep = (
    Option<DateTime<Utc>>,
    Option<String>,
    i64,
    Option<DateTime<Utc>>,
);

/// Records the action time in the metrics when a referral step is the case's first of its
/// kind (the first request, the first acknowledgement). Runs in the step's transaction, after
/// the step is written; labels are the level and the step only (the targets fall on bucket
/// edges, so the share within target is read from the histogram).
pub async fn observe(
    conn: &mut PgConnection,
    case_id: CaseId,
    status: &str,
) -> Result<(), sqlx::Error> {
    let Some(step) = ActionStep::stopped_by(status) else {
        return Ok(());
    };
    let statuses: Vec<&str> = step.statuses().to_vec();
    let row: Option<FirstStep> = sqlx::query_as(
        "SELECT c.urgent_since, c.urgent_level,
                    (SELECT count(*) FROM referrals r JOIN referral_steps s ON s.referral_id = r.id
                     WHERE r.case_id = c.id AND s.status = ANY($2)),
                    (SELECT min(s.at) FROM referrals r JOIN referral_steps s ON s.referral_id = r.id
                     WHERE r.case_id = c.id AND s.status = ANY($2))
             FROM cases c WHERE c.id = $1",
    )
    .bind(case_id)
    .bind(&statuses)
    .fetch_optional(conn)
    .await?;
    let Some((Some(since), Some(level), 1, Some(at))) = row else {
        return Ok(());
    };
    let level = Level::parse("urgent_level", &level).unwrap_or(Level::High);
    let seconds = (at - since).num_seconds().max(0);
    crate::metrics::action_time(level.as_str(), step.as_str(), seconds);
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::minutes(minute)
    }

    fn case(level: &str, reached: Option<i64>, closed: bool) -> UrgentCase {
        UrgentCase {
            key: Some(level.to_owned()),
            urgent_level: level.to_owned(),
            urgent_since: at(0),
            closed,
            reached_at: reached.map(at),
        }
    }

    fn answer(critical: i64, high: i64) -> AnswerTargets {
        AnswerTargets {
            critical,
            high,
            medium: 86_400,
            low: 259_200,
        }
    }

    #[test]
    fn a_referral_on_the_target_is_met_and_one_a_second_later_is_not() {
        let action = ActionTargets {
            critical: 900,
            high: None,
        };
        let ack = answer(900, 3600);
        let targets = ActionClockTargets {
            action: &action,
            acknowledgement: &ack,
        };
        let mut late = case("critical", None, false);
        late.reached_at = Some(at(15) + chrono::Duration::seconds(1));
        let rows = vec![case("critical", Some(15), false), late];
        let g = assemble(
            GroupBy::Urgency,
            &rows,
            targets,
            ActionStep::Requested,
            at(60),
        );
        assert_eq!(g[0].key, "critical");
        assert_eq!((g[0].count, g[0].p50, g[0].max), (2, Some(900), Some(901)));
        assert_eq!(g[0].within_target, Some(0.5));
    }

    #[test]
    fn high_cases_without_a_target_are_measured_but_never_counted_as_past_it() {
        let action = ActionTargets {
            critical: 900,
            high: None,
        };
        let ack = answer(900, 3600);
        let targets = ActionClockTargets {
            action: &action,
            acknowledgement: &ack,
        };
        let rows = vec![case("high", Some(30), false), case("high", None, false)];
        let g = assemble(
            GroupBy::Urgency,
            &rows,
            targets,
            ActionStep::Requested,
            at(600),
        );
        assert_eq!((g[1].count, g[1].waiting_past_target), (1, 0));
        assert_eq!(g[1].within_target, None);
    }

    #[test]
    fn the_acknowledgement_has_the_partners_time_on_top_and_closed_cases_wait_for_nothing() {
        let action = ActionTargets {
            critical: 900,
            high: Some(3600),
        };
        let ack = answer(900, 3600);
        let targets = ActionClockTargets {
            action: &action,
            acknowledgement: &ack,
        };
        assert_eq!(
            targets.for_step(Level::Critical, ActionStep::Acknowledged),
            Some(1800)
        );
        let rows = vec![
            case("critical", Some(30), false),
            case("critical", None, false),
            case("critical", None, true),
        ];
        let g = assemble(
            GroupBy::Urgency,
            &rows,
            targets,
            ActionStep::Acknowledged,
            at(31),
        );
        assert_eq!((g[0].count, g[0].waiting_past_target), (1, 1));
        assert_eq!(g[0].within_target, Some(0.5));
    }
}
