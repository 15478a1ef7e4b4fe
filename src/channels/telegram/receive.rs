//! One Telegram update, however it arrived (webhook or long polling), from raw bytes to the
//! database: parsed by the adapter, each message recorded by intake, or kept for review when it
//! cannot be read.

use super::TelegramChannel;
use crate::channels::{Received, unreadable};
use crate::context::AppContext;
use crate::intake::record_channel_message;

pub async fn receive(
    ctx: &AppContext,
    tg: &TelegramChannel,
    body: &[u8],
) -> Result<Received, sqlx::Error> {
    let bot_id = tg.bot_id;
    match hotline_telegram::parse_update(bot_id, body) {
        Ok(hotline_telegram::ParsedUpdate::Messages(messages)) => {
            let mut received = Received::default();
            for message in &messages {
                let outcome = record_channel_message(ctx, message).await?;
                received.count(outcome.duplicate);
            }
            crate::metrics::webhook_event("telegram", "recorded");
            Ok(received)
        }
        Ok(hotline_telegram::ParsedUpdate::Ignored { .. }) => {
            crate::metrics::webhook_event("telegram", "ignored");
            Ok(Received {
                ignored: 1,
                ..Received::default()
            })
        }
        Err(hotline_telegram::UpdateError::NotJson(_)) => {
            crate::metrics::webhook_event("telegram", "not_json");
            Ok(Received::refused("the body is not a JSON Telegram update"))
        }
        Err(hotline_telegram::UpdateError::NotAnUpdate { update_id, reason }) => {
            // Keyed by update id and content, so a retry of the same body is stored once.
            let key = format!(
                "{bot_id}:{}",
                update_id.map_or_else(|| "none".to_owned(), |u| u.to_string())
            );
            unreadable::store_for_review(ctx, "telegram", &key, &reason, body).await?;
            Ok(Received {
                for_review: 1,
                ..Received::default()
            })
        }
    }
}
