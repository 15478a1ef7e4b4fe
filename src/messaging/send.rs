//! The `send_messages` job: delivers queued outbound messages, in order, on the reporter's
//! channel, and records each one's delivery state.
//!
//! Messages already sent are skipped, so a retry after a partial failure resumes where it
//! stopped. A temporary failure (rate limit, 5xx, network) retries the job, after the
//! platform's `retry_after` when it gives one; a permanent failure marks that message and the
//! rest failed with the reason and stops; an unreachable person (blocked the bot, the chat is
//! gone) also marks the chat unreachable, so nothing more is sent there. When
//! the job gives up, the messages it could not send stay `pending` with the last error, so
//! the console shows them as not delivered.

use std::future::Future;
use std::pin::Pin;

use hotline_contract::{ChannelKind, Choice, OutboundMessage, SendError};
use uuid::Uuid;

use crate::context::AppContext;
use crate::domain::MessageId;
use crate::jobs::{JobHandler, RetryAfter};

pub struct SendMessages;

impl JobHandler for SendMessages {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let ids: Vec<MessageId> = serde_json::from_value(payload["message_ids"].clone())?;
            for (i, id) in ids.iter().enumerate() {
                match send_one(ctx, *id).await? {
                    Sent::Done => {}
                    Sent::Failed(reason) => {
                        mark_failed(ctx, &ids[i..], &reason).await?;
                        return Ok(());
                    }
                    Sent::Retry(e) => {
                        sqlx::query("UPDATE messages SET delivery_error = $2 WHERE id = $1")
                            .bind(id)
                            .bind(e.to_string())
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
            Ok(())
        })
    }
}

enum Sent {
    Done,
    Failed(String),
    Retry(SendError),
}

#[derive(sqlx::FromRow)]
struct Pending {
    delivery: String,
    channel: String,
    text_enc: Option<Vec<u8>>,
    choices: Option<serde_json::Value>,
    request_contact: Option<String>,
    identity_id: Option<Uuid>,
    external_id_enc: Option<Vec<u8>>,
    unreachable: bool,
}

async fn send_one(ctx: &AppContext, id: MessageId) -> anyhow::Result<Sent> {
    let row: Option<Pending> = sqlx::query_as(
        "SELECT m.delivery, m.channel, m.text_enc, m.choices, m.request_contact,
                i.id AS identity_id, i.external_id_enc, (i.unreachable_at IS NOT NULL) AS unreachable
         FROM messages m
         LEFT JOIN cases c ON c.id = m.case_id
         LEFT JOIN channel_identities i ON i.id = COALESCE(m.channel_identity_id, c.channel_identity_id)
         WHERE m.id = $1 AND m.direction = 'outbound'",
    )
    .bind(id)
    .fetch_optional(&ctx.db)
    .await?;
    let Some(row) = row else {
        return Ok(Sent::Done);
    };
    if row.delivery != "pending" {
        return Ok(Sent::Done);
    }
    let (Some(_), Some(external)) = (row.identity_id, row.external_id_enc.clone()) else {
        return Ok(Sent::Failed("the case has no chat to answer on".into()));
    };
    if row.unreachable {
        return Ok(Sent::Failed(
            "the person blocked the bot or left the chat".into(),
        ));
    }
    let channel: ChannelKind = serde_json::from_value(serde_json::Value::String(row.channel))?;
    let text = match row.text_enc {
        Some(sealed) => ctx.keys.open(&sealed)?,
        None => String::new(),
    };
    let choices: Vec<Vec<Choice>> = row
        .choices
        .map(serde_json::from_value)
        .transpose()?
        .unwrap_or_default();
    let message = OutboundMessage {
        channel,
        recipient: ctx.keys.open(&external)?,
        text,
        choices,
        request_contact: row.request_contact,
    };
    match ctx.channels.send(&message).await {
        Ok(delivered) => {
            sqlx::query(
                "UPDATE messages SET delivery = 'sent', delivery_error = NULL, sent_at = $2,
                                     platform_message_id = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(ctx.now())
            .bind(delivered.platform_message_id)
            .execute(&ctx.db)
            .await?;
            crate::metrics::outbound(channel.as_str(), "sent");
            Ok(Sent::Done)
        }
        Err(SendError::Permanent { reason }) => {
            crate::metrics::outbound(channel.as_str(), "failed");
            Ok(Sent::Failed(reason))
        }
        Err(SendError::Unreachable { reason }) => {
            // Nothing more goes to this chat, from the bot or a counselor, until the person
            // writes again.
            sqlx::query("UPDATE channel_identities SET unreachable_at = $2 WHERE id = $1")
                .bind(row.identity_id)
                .bind(ctx.now())
                .execute(&ctx.db)
                .await?;
            crate::metrics::outbound(channel.as_str(), "unreachable");
            Ok(Sent::Failed(reason))
        }
        Err(e) => {
            crate::metrics::outbound(channel.as_str(), "retrying");
            Ok(Sent::Retry(e))
        }
    }
}

async fn mark_failed(ctx: &AppContext, ids: &[MessageId], reason: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE messages SET delivery = 'failed', delivery_error = $2 WHERE id = ANY($1) AND delivery = 'pending'",
    )
    .bind(ids)
    .bind(reason)
    .execute(&ctx.db)
    .await?;
    Ok(())
}
