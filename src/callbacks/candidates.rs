//! A missed call's candidate waits for a counselor: a hang-up is not consent to be called back
//! (the phone may be shared or borrowed). Approving schedules it at the first moment the
//! person's rules allow; dismissing closes it with the counselor's reason.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::CallbackError;
use super::schedule::check;
use crate::auth::{Actor, audit};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, Channel};
use crate::safe_contact::{self, Purpose};

async fn lock_candidate(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    id: Uuid,
) -> Result<(CaseId, String), CallbackError> {
    let row: Option<(CaseId, String, String)> =
        sqlx::query_as("SELECT case_id, status, channel FROM callbacks WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let (case_id, status, channel) = row.ok_or(CallbackError::NotFound)?;
    if status != "candidate" {
        return Err(CallbackError::NotCandidate(status));
    }
    Ok((case_id, channel))
}

pub async fn approve(
    ctx: &AppContext,
    actor: Actor,
    id: Uuid,
    reason: Option<&FreeText>,
    now: DateTime<Utc>,
) -> Result<(), CallbackError> {
    let mut tx = ctx.db.begin().await?;
    let (case_id, channel) = lock_candidate(&mut tx, id).await?;
    let rules = safe_contact::load_for_case(&mut *tx, &ctx.keys, case_id)
        .await?
        .rules;
    let channel = Channel::parse("channel", &channel)?;
    let due = match check(&rules, channel, Purpose::Callback, now) {
        Ok(()) => now,
        Err(CallbackError::OutsideSafeWindow { next_allowed }) => next_allowed,
        Err(e) => return Err(e),
    };
    sqlx::query(
        "UPDATE callbacks SET status = 'scheduled', due_from = $2, owner_id = $3, updated_at = $4,
                              reason_enc = COALESCE($5, reason_enc)
         WHERE id = $1",
    )
    .bind(id)
    .bind(due)
    .bind(actor.id)
    .bind(now)
    .bind(
        ctx.keys
            .seal_opt_at(reason.map(FreeText::as_str), "callbacks", "reason_enc", id),
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "callback.approved",
        Some(case_id),
        json!({ "callback_id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn dismiss(
    ctx: &AppContext,
    actor: Actor,
    id: Uuid,
    reason: &FreeText,
    now: DateTime<Utc>,
) -> Result<(), CallbackError> {
    let mut tx = ctx.db.begin().await?;
    let (case_id, _) = lock_candidate(&mut tx, id).await?;
    sqlx::query(
        "UPDATE callbacks SET status = 'dismissed', closed_reason = 'dismissed', reason_enc = $2, updated_at = $3
         WHERE id = $1",
    )
    .bind(id)
    .bind(ctx.keys.seal_at(reason.as_str(), "callbacks", "reason_enc", id))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "callback.dismissed",
        Some(case_id),
        json!({ "callback_id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
