//! Figures that come from the callbacks (issue 13) and referrals (issue 14) features: callbacks
//! due and overdue and referrals past their acknowledgement target for the dashboard, and each
//! counselor's callbacks done and referrals made for the activity report.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::percentiles::Summary;
use super::period::Period;

/// The callbacks and referrals figures are real (kept so the JSON says so to older readers).
pub const WIRED: bool = true;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CallbackFigures {
    /// Callbacks and missed calls' candidates whose window has opened and that nobody has
    /// finished yet.
    pub due: i64,
    /// Of those, the ones whose window passed more than `callbacks.overdue_after_seconds` ago
    /// (the same rule as the queue's overdue flag and the metric).
    pub overdue: i64,
    pub wired: bool,
}

/// Callbacks due and overdue at `now`.
pub async fn callbacks_due(
    db: &PgPool,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<CallbackFigures, sqlx::Error> {
    let (due, overdue): (i64, i64) = sqlx::query_as(
        "SELECT count(*),
                count(*) FILTER (WHERE COALESCE(due_to, due_from) + make_interval(secs => $2) < $1)
         FROM callbacks
         WHERE status IN ('scheduled', 'candidate') AND due_from <= $1",
    )
    .bind(now)
    .bind(overdue_after as f64)
    .fetch_one(db)
    .await?;
    Ok(CallbackFigures {
        due,
        overdue,
        wired: WIRED,
    })
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReferralFigures {
    /// Referrals requested and not acknowledged by the partner within its target: the open
    /// escalations the referrals feature raised (`referral_escalations`).
    pub past_acknowledgement_target: i64,
    pub wired: bool,
}

/// Referrals past their acknowledgement target and not yet resolved at `now`.
pub async fn referrals_past_target(
    db: &PgPool,
    now: DateTime<Utc>,
) -> Result<ReferralFigures, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM referral_escalations e JOIN referrals r ON r.id = e.referral_id
         WHERE e.resolved_at IS NULL AND e.at <= $1 AND r.status = 'requested'",
    )
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(ReferralFigures {
        past_acknowledgement_target: n,
        wired: WIRED,
    })
}

/// The action clock for a period (from a case becoming critical or high to its first referral
/// requested or acknowledged). Not measured yet: the dashboard and reports show none.
pub async fn action_times(
    _db: &PgPool,
    _period: Period,
    _to: &str,
) -> Result<Vec<Summary>, sqlx::Error> {
    Ok(vec![])
}

/// Per counselor for the activity report: (callback attempts logged, referrals requested) in
/// the period.
pub async fn counselor_callbacks_and_referrals(
    db: &PgPool,
    counselor: crate::domain::UserId,
    period: Period,
) -> Result<(i64, i64), sqlx::Error> {
    let (callbacks, referrals): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM callback_attempts
                 WHERE by_id = $1 AND at >= $2 AND at < $3),
                (SELECT count(*) FROM referrals
                 WHERE created_by = $1 AND status <> 'draft' AND created_at >= $2 AND created_at < $3)",
    )
    .bind(counselor)
    .bind(period.from)
    .bind(period.to)
    .fetch_one(db)
    .await?;
    Ok((callbacks, referrals))
}
