//! The read audit: every time someone sees personal data (a case in full, on the API or the
//! console; a file; a phone lookup; an export) an entry says who, when, what and why.
//!
//! The console re-reads an open case on every live update, so one person looking at one case
//! for the same purpose is written once per `privacy.view_audit_seconds`, not once per refresh:
//! the log answers "who looked at this case, when, and why" without drowning in repeats.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::auth::audit;
use crate::domain::{CaseId, UserId};
use crate::privacy::Purpose;

/// Where a read happened.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Api,
    Console,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Console => "console",
        }
    }
}

/// Records `case.viewed`, unless the same person read the same case for the same purpose
/// within `window_seconds`.
pub async fn case_viewed(
    db: &PgPool,
    who: UserId,
    case_id: CaseId,
    purpose: &Purpose,
    via: Via,
    window_seconds: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let purpose = purpose.as_str();
    let recent: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM audit_log WHERE case_id = $1 AND actor_id = $2 AND action = 'case.viewed'
           AND details->>'purpose' = $3 AND details->>'via' = $4 AND at > $5 LIMIT 1",
    )
    .bind(case_id)
    .bind(who)
    .bind(&purpose)
    .bind(via.as_str())
    .bind(now - Duration::seconds(window_seconds))
    .fetch_optional(db)
    .await?;
    if recent.is_some() {
        return Ok(());
    }
    audit::record(
        db,
        Some(who),
        "case.viewed",
        Some(case_id),
        json!({ "purpose": purpose, "via": via.as_str() }),
        now,
    )
    .await
}
