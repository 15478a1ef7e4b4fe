//! A counselor records what happened when they tried a callback; `retry::after_attempt`
//! decides what follows (done, rescheduled into the next safe window, escalated, closed). A
//! wrong number is marked on the person's rules, so nobody dials it again.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::CallbackError;
use super::retry::{Attempted, Next, Outcome, after_attempt};
use crate::auth::{Actor, audit};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, Channel, Level};
use crate::safe_contact::{self, Source};

#[derive(sqlx::FromRow)]
struct Locked {
    case_id: CaseId,
    status: String,
    channel: String,
    phone_enc: Option<Vec<u8>>,
    #[sqlx(rename = "urgency_level")]
    level: String,
    due_to: Option<DateTime<Utc>>,
    due_from: DateTime<Utc>,
}

pub async fn record_attempt(
    ctx: &AppContext,
    actor: Actor,
    callback_id: Uuid,
    outcome: Outcome,
    note: Option<&FreeText>,
    now: DateTime<Utc>,
) -> Result<(), CallbackError> {
    let mut tx = ctx.db.begin().await?;
    let row: Option<Locked> =
        sqlx::query_as(
            "SELECT cb.case_id, cb.status, cb.channel, cb.phone_enc, c.urgency_level, cb.due_to, cb.due_from
             FROM callbacks cb JOIN cases c ON c.id = cb.case_id WHERE cb.id = $1 FOR UPDATE OF cb",
        )
        .bind(callback_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Locked {
        case_id,
        status,
        channel,
        phone_enc,
        level,
        due_to,
        due_from,
    } = row.ok_or(CallbackError::NotFound)?;
    if status != "scheduled" {
        return Err(CallbackError::NotScheduled(status));
    }
    let attempt_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO callback_attempts (id, callback_id, outcome, note_enc, by_id, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(attempt_id)
    .bind(callback_id)
    .bind(outcome.as_str())
    .bind(ctx.keys.seal_opt_at(
        note.map(FreeText::as_str),
        "callback_attempts",
        "note_enc",
        attempt_id,
    ))
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let (attempts,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM callback_attempts WHERE callback_id = $1")
            .bind(callback_id)
            .fetch_one(&mut *tx)
            .await?;
    let current = safe_contact::load_for_case(&mut *tx, &ctx.keys, case_id).await?;
    let channel = Channel::parse("channel", &channel)?;
    let settings = &ctx.settings.callbacks;
    let next = after_attempt(&Attempted {
        outcome,
        attempts,
        max_attempts: settings.max_attempts,
        level: Level::parse("level", &level).unwrap_or(Level::Medium),
        rules: &current.rules,
        channel,
        retry_after: chrono::Duration::seconds(settings.retry_after_seconds),
        now,
    });
    if outcome == Outcome::WrongNumber
        && let Some(sealed) = &phone_enc
    {
        let number = ctx
            .keys
            .open_bound(
                sealed,
                &crate::crypto::Binding::new("callbacks", "phone_enc", callback_id),
            )
            .map_err(|_| CallbackError::Undecryptable)?;
        let mut rules = current.rules.clone();
        rules.mark_wrong(&number);
        safe_contact::record(
            &mut tx,
            &ctx.keys,
            current.reporter_id,
            &rules,
            Source::CallbackAttempt,
            Some(actor.id),
            now,
        )
        .await?;
    }
    let (status, closed_reason, new_from, new_to) = match next {
        Next::Done => ("done", None, due_from, due_to),
        // The window keeps its length.
        Next::Reschedule(at) => ("scheduled", None, at, due_to.map(|to| at + (to - due_from))),
        Next::Escalate => ("escalated", None, due_from, due_to),
        Next::Close(reason) => ("closed", Some(reason), due_from, due_to),
    };
    sqlx::query(
        "UPDATE callbacks SET status = $2, closed_reason = $3, due_from = $4, due_to = $5, updated_at = $6
         WHERE id = $1",
    )
    .bind(callback_id)
    .bind(status)
    .bind(closed_reason)
    .bind(new_from)
    .bind(new_to)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "callback.attempted",
        Some(case_id),
        json!({ "callback_id": callback_id, "outcome": outcome.as_str(), "status": status }),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::metrics::callback_attempt(outcome.as_str(), status);
    Ok(())
}
