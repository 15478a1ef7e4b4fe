//! One Telegram update, however it arrived (webhook or long polling), from raw bytes to the
//! database: parsed by the adapter, recorded by chat intake, or kept for review when it cannot
//! be read.

use crate::context::AppContext;
use crate::intake::{ChatOutcome, record_chat_message};

/// What became of an update.
#[derive(Debug)]
pub enum Received {
    Recorded(Vec<ChatOutcome>),
    /// Deliberately not acted on (a group chat, another bot).
    Ignored(&'static str),
    /// Valid JSON we cannot read: stored raw (encrypted) and flagged for review.
    StoredForReview,
    /// Not JSON at all: the sender should hear about it (400).
    NotJson,
}

pub async fn receive_telegram_update(
    ctx: &AppContext,
    bot_id: i64,
    body: &[u8],
) -> Result<Received, sqlx::Error> {
    match hotline_telegram::parse_update(bot_id, body) {
        Ok(hotline_telegram::ParsedUpdate::Messages(messages)) => {
            let mut outcomes = Vec::with_capacity(messages.len());
            for message in &messages {
                outcomes.push(record_chat_message(ctx, message).await?);
            }
            crate::metrics::webhook_event("telegram", "recorded");
            Ok(Received::Recorded(outcomes))
        }
        Ok(hotline_telegram::ParsedUpdate::Ignored { what }) => {
            crate::metrics::webhook_event("telegram", "ignored");
            Ok(Received::Ignored(what))
        }
        Err(hotline_telegram::UpdateError::NotJson(_)) => {
            crate::metrics::webhook_event("telegram", "not_json");
            Ok(Received::NotJson)
        }
        Err(hotline_telegram::UpdateError::NotAnUpdate { update_id, reason }) => {
            // Keyed by update id and content, so a retry of the same body is stored once.
            let key = format!(
                "{bot_id}:{}",
                update_id.map_or_else(|| "none".to_owned(), |u| u.to_string())
            );
            super::unreadable::store_for_review(ctx, "telegram", &key, &reason, body).await?;
            Ok(Received::StoredForReview)
        }
    }
}
