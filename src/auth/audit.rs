//! The audit log: every state change writes who, what and when, in the same transaction as the
//! change. `details` carries ids, statuses and levels only, never personal data.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;

use crate::domain::{CaseId, UserId};

pub async fn record(
    db: impl PgExecutor<'_>,
    actor: Option<UserId>,
    action: &str,
    case: Option<CaseId>,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (actor_id, action, case_id, details, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(actor)
        .bind(action)
        .bind(case)
        .bind(details)
        .bind(at)
        .execute(db)
        .await?;
    Ok(())
}

/// One line of a case's history, as the API shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct HistoryEntry {
    pub action: String,
    pub actor: Option<String>,
    pub details: serde_json::Value,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

pub async fn history(
    db: impl PgExecutor<'_>,
    case: CaseId,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.action, u.email AS actor, a.details, a.at FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_id WHERE a.case_id = $1 ORDER BY a.at, a.id",
    )
    .bind(case)
    .fetch_all(db)
    .await
}
