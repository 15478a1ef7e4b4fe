//! Keeping and giving back a claim.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};

use super::{QueueError, lease_duration, live_holder};
use crate::auth::Actor;
use crate::auth::audit;
use crate::domain::{CaseId, UserId};
use crate::settings::QueueSettings;

/// Extends the caller's lease. Fails if the lease was lost (expired and taken, or released).
pub async fn renew(
    db: impl PgExecutor<'_>,
    settings: &QueueSettings,
    counselor: UserId,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, QueueError> {
    let until = now + lease_duration(settings);
    let res = sqlx::query(
        "UPDATE cases SET lease_expires_at = $4, updated_at = $3
         WHERE id = $1 AND holder_id = $2 AND lease_expires_at > $3",
    )
    .bind(case_id)
    .bind(counselor)
    .bind(now)
    .bind(until)
    .execute(db)
    .await?;
    if res.rows_affected() == 1 {
        Ok(until)
    } else {
        Err(QueueError::NotHolder)
    }
}

/// Gives a case back to the queue. A supervisor may release a case someone else holds.
pub async fn release(
    db: &PgPool,
    actor: Actor,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), QueueError> {
    let mut tx = db.begin().await?;
    let row: Option<(Option<UserId>, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT holder_id, lease_expires_at FROM cases WHERE id = $1 FOR UPDATE")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (holder, expires) = row.ok_or(QueueError::NotFound)?;
    let held_by = live_holder(holder, expires, now);
    match held_by {
        Some(h) if h == actor.id || actor.is_supervisor => {}
        _ => return Err(QueueError::NotHolder),
    }
    sqlx::query(
        "UPDATE cases SET holder_id = NULL, lease_expires_at = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(case_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let details = json!({ "holder": held_by });
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.released",
        Some(case_id),
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
