//! Figures that depend on the callbacks (issue 13) and referrals (issue 14) features, which
//! are built on other branches. Each is one small function with its final signature that
//! answers "nothing" until the integrator fills in its query; the dashboard and the reports
//! already show what they return, marked `wired: false` so nobody reads a zero as a fact.
//!
//! Integrator: replace each body with the query named in its comment and set `WIRED` to true.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::percentiles::Summary;
use super::period::Period;

/// False until the callbacks and referrals queries below are filled in.
pub const WIRED: bool = false;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CallbackFigures {
    /// Callbacks whose safe window is open now and that nobody has made yet.
    pub due: i64,
    /// Callbacks whose safe window closed without a logged attempt.
    pub overdue: i64,
    pub wired: bool,
}

/// Callbacks due and overdue at `now`.
/// Integrator: count the callbacks table's scheduled, unattempted rows by window
/// (`window_start <= now < window_end` → due, `window_end <= now` → overdue).
pub async fn callbacks_due(
    _db: &PgPool,
    _now: DateTime<Utc>,
) -> Result<CallbackFigures, sqlx::Error> {
    Ok(CallbackFigures::default())
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReferralFigures {
    /// Referrals requested and not acknowledged by the partner within its target.
    pub past_acknowledgement_target: i64,
    pub wired: bool,
}

/// Referrals past their acknowledgement target at `now`.
/// Integrator: count referrals in `requested` whose `requested_at + ack target < now`.
pub async fn referrals_past_target(
    _db: &PgPool,
    _now: DateTime<Utc>,
) -> Result<ReferralFigures, sqlx::Error> {
    Ok(ReferralFigures::default())
}

/// The action clock for a period: from a case becoming critical or high to its first referral
/// requested (`to = "requested"`) or to the partner's acknowledgement (`"acknowledged"`),
/// grouped by level, measured against `targets.action_seconds`.
/// Integrator: the moment a case became critical/high is its `case.opened` audit entry or the
/// `case.urgency_*` entry that raised it; the referral times come from the referrals table.
/// Feed the seconds to `percentiles::summarize` as `response_times` does.
pub async fn action_times(
    _db: &PgPool,
    _period: Period,
    _to: &str,
) -> Result<Vec<Summary>, sqlx::Error> {
    Ok(vec![])
}

/// Per counselor for the activity report: (callbacks done, referrals made) in the period.
/// Integrator: count logged callback attempts and requested referrals by their author.
pub async fn counselor_callbacks_and_referrals(
    _db: &PgPool,
    _counselor: crate::domain::UserId,
    _period: Period,
) -> Result<(i64, i64), sqlx::Error> {
    Ok((0, 0))
}
