//! One LINE webhook body, already verified, from raw bytes to the database: read by the
//! adapter, each event recorded by intake on its own, or kept for review when it cannot be
//! read.

use hotline_contract::InboundContent;
use hotline_line::{Event, WebhookError, parse_webhook};

use super::LineChannel;
use crate::channels::{Received, unreadable};
use crate::context::AppContext;
use crate::intake::record_channel_message;

pub async fn receive(
    ctx: &AppContext,
    line: &LineChannel,
    body: &[u8],
) -> Result<Received, sqlx::Error> {
    let webhook = match parse_webhook(body) {
        Ok(webhook) => webhook,
        Err(e @ (WebhookError::NotJson(_) | WebhookError::NotAWebhook(_))) => {
            crate::metrics::webhook_event("line", "refused");
            return Ok(Received::refused(e.to_string()));
        }
    };
    let mut received = Received::default();
    // One event after another, each in its own transaction: an error stops here with the
    // earlier events committed, LINE redelivers the body, and those come back as duplicates.
    for event in webhook.events {
        match event {
            Event::Inbound(mut message) => {
                if matches!(message.content, InboundContent::Start { .. })
                    && message.language_hint.is_none()
                {
                    // LINE events do not carry the person's language; their profile does, and
                    // the greeting should be in it.
                    message.language_hint = line.client.profile_language(&message.sender).await;
                }
                let outcome = record_channel_message(ctx, &message).await?;
                received.count(outcome.duplicate);
                crate::metrics::webhook_event(
                    "line",
                    if outcome.duplicate {
                        "duplicate"
                    } else {
                        "recorded"
                    },
                );
            }
            Event::Ignored { what: _ } => {
                received.ignored += 1;
                crate::metrics::webhook_event("line", "ignored");
            }
            Event::Unreadable { key, reason, raw } => {
                unreadable::store_for_review(ctx, "line", &key, &reason, raw.as_bytes()).await?;
                received.for_review += 1;
            }
        }
    }
    Ok(received)
}
