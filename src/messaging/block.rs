//! A supervisor blocks (or unblocks) the chat behind a case: a blocked chat's messages are still
//! stored on the case, but the bot does not answer and counselors cannot write to it.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::auth::audit;
use crate::domain::{CaseId, UserId};

#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error("case not found")]
    NotFound,
    #[error("this case did not come by chat")]
    NoChat,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<BlockError> for crate::error::ApiError {
    fn from(e: BlockError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            BlockError::NotFound => ApiError::NotFound("case"),
            e @ BlockError::NoChat => ApiError::conflict("no_chat_channel", e.to_string()),
            BlockError::Database(db) => db.into(),
        }
    }
}

pub async fn set_blocked(
    db: &sqlx::PgPool,
    supervisor: UserId,
    case_id: CaseId,
    blocked: bool,
    now: DateTime<Utc>,
) -> Result<(), BlockError> {
    let mut tx = db.begin().await?;
    let row: Option<(Option<uuid::Uuid>,)> =
        sqlx::query_as("SELECT channel_identity_id FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    let identity = row
        .ok_or(BlockError::NotFound)?
        .0
        .ok_or(BlockError::NoChat)?;
    sqlx::query(
        "UPDATE channel_identities SET blocked_at = CASE WHEN $2 THEN $3 END,
                                       blocked_by = CASE WHEN $2 THEN $4 END
         WHERE id = $1",
    )
    .bind(identity)
    .bind(blocked)
    .bind(now)
    .bind(supervisor)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(supervisor),
        if blocked {
            "chat.blocked"
        } else {
            "chat.unblocked"
        },
        Some(case_id),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
