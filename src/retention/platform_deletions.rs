//! Deleting the hotline's conversation from a person's chat after they asked to be forgotten
//! (someone else may pick up their phone). Telegram lets a bot delete messages in a private chat,
//! its own and the person's, for 48 hours; LINE and email cannot take a message back, and the
//! bot's confirmation tells the person so before they decide.
//!
//! The request is a row (the chat id sealed) and a job carrying only the row's id; the job asks
//! the platform message by message and deletes the row when done, so nothing of the person
//! stays. A message the platform will not delete (too old, already gone) is skipped; a
//! temporary failure retries the job, which starts again from the ids still listed.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use hotline_contract::{ChannelKind, SendError};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::context::AppContext;
use crate::jobs::{JobHandler, RetryAfter};

pub const DELETE_PLATFORM_MESSAGES_JOB: &str = "delete_platform_messages";

/// Queues the deletion of `message_ids` from the chat `chat` on `channel` (the chat id is
/// sealed, bound to the request's row). Returns how many messages will be asked for.
pub async fn queue(
    tx: &mut Transaction<'_, Postgres>,
    keys: &crate::crypto::KeyRing,
    channel: &str,
    chat: &str,
    message_ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    if message_ids.is_empty() {
        return Ok(0);
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO platform_deletions (id, channel, chat_enc, message_ids, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(channel)
    .bind(keys.seal_at(chat, "platform_deletions", "chat_enc", id))
    .bind(message_ids)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::jobs::enqueue(
        &mut **tx,
        DELETE_PLATFORM_MESSAGES_JOB,
        &serde_json::json!({ "deletion_id": id }),
        Some(&format!("delete:{id}")),
        now,
    )
    .await?;
    Ok(message_ids.len())
}

pub struct DeletePlatformMessages;

impl JobHandler for DeletePlatformMessages {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let id: Uuid = serde_json::from_value(payload["deletion_id"].clone())?;
            let row: Option<(String, Vec<u8>, Vec<String>)> = sqlx::query_as(
                "SELECT channel, chat_enc, message_ids FROM platform_deletions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&ctx.db)
            .await?;
            let Some((channel, chat_enc, message_ids)) = row else {
                return Ok(());
            };
            let channel: ChannelKind = serde_json::from_value(serde_json::Value::String(channel))?;
            let chat = ctx.keys.open_bound(
                &chat_enc,
                &crate::crypto::Binding::new("platform_deletions", "chat_enc", id),
            )?;
            let mut deleted = 0u64;
            for (done, message_id) in message_ids.iter().enumerate() {
                match ctx
                    .channels
                    .delete_message(channel, &chat, message_id)
                    .await
                {
                    Ok(true) => deleted += 1,
                    Ok(false)
                    | Err(SendError::Permanent { .. })
                    | Err(SendError::Unreachable { .. }) => {}
                    Err(e) => {
                        // Keep only what is left, and try again later.
                        sqlx::query("UPDATE platform_deletions SET message_ids = $2 WHERE id = $1")
                            .bind(id)
                            .bind(&message_ids[done..])
                            .execute(&ctx.db)
                            .await?;
                        return Err(match e {
                            SendError::Temporary {
                                reason,
                                retry_after: Some(after),
                            } => RetryAfter { after, reason }.into(),
                            other => anyhow::Error::new(other),
                        });
                    }
                }
            }
            sqlx::query("DELETE FROM platform_deletions WHERE id = $1")
                .bind(id)
                .execute(&ctx.db)
                .await?;
            crate::metrics::retention("platform_messages_deleted", deleted);
            Ok(())
        })
    }
}
