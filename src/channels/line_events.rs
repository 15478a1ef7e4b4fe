//! One LINE webhook body, already checked against its signature, from raw bytes to the
//! database: read by the adapter, each event recorded by chat intake on its own, or kept for
//! review when it cannot be read.

use hotline_contract::InboundContent;
use hotline_line::{Event, WebhookError, parse_webhook};

use super::LineChannel;
use crate::context::AppContext;
use crate::intake::record_chat_message;

/// What became of a webhook body.
#[derive(Debug, PartialEq, Eq)]
pub enum LineReceived {
    /// Every event was recorded, ignored on purpose, or stored for review.
    Handled { recorded: usize, duplicates: usize },
    /// Not JSON, or JSON without an events array: the sender should hear about it (400).
    Refused(String),
}

pub async fn receive_line_webhook(
    ctx: &AppContext,
    line: &LineChannel,
    body: &[u8],
) -> Result<LineReceived, sqlx::Error> {
    let webhook = match parse_webhook(body) {
        Ok(webhook) => webhook,
        Err(e @ (WebhookError::NotJson(_) | WebhookError::NotAWebhook(_))) => {
            crate::metrics::webhook_event("line", "refused");
            return Ok(LineReceived::Refused(e.to_string()));
        }
    };
    let (mut recorded, mut duplicates) = (0, 0);
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
                let outcome = record_chat_message(ctx, &message).await?;
                if outcome.duplicate {
                    duplicates += 1;
                    crate::metrics::webhook_event("line", "duplicate");
                } else {
                    recorded += 1;
                    crate::metrics::webhook_event("line", "recorded");
                }
            }
            Event::Ignored { what: _ } => crate::metrics::webhook_event("line", "ignored"),
            Event::Unreadable { key, reason, raw } => {
                super::unreadable::store_for_review(ctx, "line", &key, &reason, raw.as_bytes())
                    .await?;
            }
        }
    }
    Ok(LineReceived::Handled {
        recorded,
        duplicates,
    })
}
