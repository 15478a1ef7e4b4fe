//! Counselor notes on a case (encrypted; they often repeat what the reporter said).

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::{CaseError, ensure_may_change};
use crate::auth::Actor;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::CaseId;
use crate::domain::report::FreeText;
use crate::settings::QueueSettings;

pub async fn add_note(
    db: &PgPool,
    keys: &KeyRing,
    queue: &QueueSettings,
    author: Actor,
    case_id: CaseId,
    text: &FreeText,
    now: DateTime<Utc>,
) -> Result<Uuid, CaseError> {
    let mut tx = db.begin().await?;
    ensure_may_change(&mut tx, case_id, author, now).await?;
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO notes (id, case_id, author_id, text_enc, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(case_id)
    .bind(author.id)
    .bind(keys.seal_at(text.as_str(), "notes", "text_enc", id))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Activity keeps the holder's lease alive; a supervisor's note does not take the case.
    let _ = crate::queue::renew(&mut *tx, queue, author.id, case_id, now).await;
    audit::record(
        &mut *tx,
        Some(author.id),
        "case.note_added",
        Some(case_id),
        json!({ "note_id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
