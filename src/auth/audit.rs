//! The audit log: every state change writes who, what and when, in the same transaction as the
//! change. `details` carries ids, statuses and levels only, never personal data. Entries are
//! chained with a keyed hash and can be neither changed nor deleted (`crate::audit::chain`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{CaseId, UserId};

/// Appends an entry to the chained, append-only log (see `crate::audit::chain`), inside the
/// caller's transaction when given one (`&mut *tx`) or on its own (`&pool`).
pub async fn record<'c, A>(
    db: A,
    actor: Option<UserId>,
    action: &str,
    case: Option<CaseId>,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error>
where
    A: sqlx::Acquire<'c, Database = sqlx::Postgres> + Send + 'c,
{
    crate::audit::chain::append(
        db,
        actor.map(|a| a.0),
        action,
        case.map(|c| c.0),
        details,
        at,
    )
    .await
}

/// One line of a case's history, as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub action: String,
    pub actor: Option<String>,
    pub details: serde_json::Value,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}
