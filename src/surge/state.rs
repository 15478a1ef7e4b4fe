//! The state of surge mode and switching it: one row per switch, the latest in force. Two
//! switches at once (two supervisors, or a supervisor and the automatic check on another node)
//! are serialised by a transaction-scoped advisory lock, so each sees the state the other left.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::auth::audit;
use crate::domain::UserId;

/// Longest reason a supervisor may give.
const REASON_CHARS: usize = 200;
/// The advisory lock that serialises switching (any constant unique in the app).
const SWITCH_LOCK: i64 = 0x5352_4745; // "SRGE"

#[derive(Debug, thiserror::Error)]
pub enum SurgeError {
    #[error("reason must be at most {REASON_CHARS} characters")]
    ReasonTooLong,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SurgeError> for crate::error::ApiError {
    fn from(e: SurgeError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            e @ SurgeError::ReasonTooLong => ApiError::BadRequest {
                code: "invalid_field",
                message: e.to_string(),
                field: Some("reason".into()),
            },
            SurgeError::Database(db) => db.into(),
        }
    }
}

/// Surge mode now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurgeState {
    pub on: bool,
    /// The hotline switched itself (and will switch itself off after a quiet period).
    pub automatic: bool,
    pub reason: Option<String>,
    /// When the state in force began; `None` when surge was never switched.
    #[serde(with = "crate::domain::time::option")]
    pub since: Option<DateTime<Utc>>,
    /// Who switched it (email), `None` when the hotline did.
    pub switched_by: Option<String>,
}

impl SurgeState {
    pub fn off() -> SurgeState {
        SurgeState {
            on: false,
            automatic: false,
            reason: None,
            since: None,
            switched_by: None,
        }
    }
}

/// One switch, as the dashboard lists them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SurgeSwitch {
    pub on: bool,
    pub automatic: bool,
    pub reason: Option<String>,
    pub switched_by: Option<String>,
    pub arrivals_per_hour: Option<i64>,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

const LATEST: &str = "SELECT s.surge_on AS on, s.automatic, s.reason, u.email AS switched_by,
        s.arrivals_per_hour, s.at
     FROM surge_switches s LEFT JOIN users u ON u.id = s.switched_by
     ORDER BY s.at DESC, s.seq DESC";

/// The state in force.
pub async fn current<'e>(db: impl sqlx::PgExecutor<'e>) -> Result<SurgeState, sqlx::Error> {
    let latest: Option<SurgeSwitch> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{LATEST} LIMIT 1")))
            .fetch_optional(db)
            .await?;
    Ok(latest.map_or_else(SurgeState::off, |s| SurgeState {
        on: s.on,
        automatic: s.automatic,
        reason: s.reason,
        since: Some(s.at),
        switched_by: s.switched_by,
    }))
}

/// The latest switches, newest first.
pub async fn recent_switches(db: &PgPool, limit: i64) -> Result<Vec<SurgeSwitch>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{LATEST} LIMIT $1")))
        .bind(limit)
        .fetch_all(db)
        .await
}

/// A supervisor switches surge on or off. Switching to the state already in force by hand
/// changes nothing, except that a surge the hotline started becomes the supervisor's (it then
/// ends only by hand).
pub async fn switch_by_hand(
    db: &PgPool,
    supervisor: UserId,
    on: bool,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<SurgeState, SurgeError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > REASON_CHARS) {
        return Err(SurgeError::ReasonTooLong);
    }
    let mut tx = locked(db).await?;
    let before = current(&mut *tx).await?;
    if before.on != on || before.automatic {
        record_switch(
            &mut tx,
            on,
            Switcher::Supervisor(supervisor),
            reason,
            None,
            now,
        )
        .await?;
    }
    let after = current(&mut *tx).await?;
    tx.commit().await?;
    Ok(after)
}

/// Begins a transaction holding the switch lock.
pub(super) async fn locked(db: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SWITCH_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

pub(super) enum Switcher {
    Supervisor(UserId),
    Automatic,
}

/// Writes the switch and its audit entry (no reason text in the audit: a supervisor's words
/// stay in the switch row, the audit carries facts only).
pub(super) async fn record_switch(
    tx: &mut Transaction<'_, Postgres>,
    on: bool,
    by: Switcher,
    reason: Option<&str>,
    arrivals_per_hour: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (automatic, actor) = match by {
        Switcher::Supervisor(id) => (false, Some(id)),
        Switcher::Automatic => (true, None),
    };
    sqlx::query(
        "INSERT INTO surge_switches (id, surge_on, automatic, reason, switched_by, arrivals_per_hour, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::new_v4())
    .bind(on)
    .bind(automatic)
    .bind(reason)
    .bind(actor.map(|a| a.0))
    .bind(arrivals_per_hour)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    audit::record(
        &mut **tx,
        actor,
        if on { "surge.on" } else { "surge.off" },
        None,
        json!({ "automatic": automatic, "arrivals_per_hour": arrivals_per_hour }),
        now,
    )
    .await?;
    tracing::info!(surge = on, automatic, "surge mode switched");
    Ok(())
}
