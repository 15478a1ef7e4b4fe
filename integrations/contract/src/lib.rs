//! Channel-neutral message types shared by hotline and its channel adapters.
//!
//! Adapters (Telegram, LINE, email, phone systems) turn their wire formats into these types and
//! back; the app never sees a platform's payload, and adapters never see the database. Plain
//! data only: no I/O, no app types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Which outside party a message crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Telegram,
    Line,
    Email,
    Phone,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Telegram => "telegram",
            Self::Line => "line",
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }
}

/// A message as it arrived, before the app parses it into domain types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundMessage {
    pub channel: ChannelKind,
    /// Unique per event on its channel (e.g. `bot_id:update_id:date`); makes redelivery
    /// idempotent.
    pub event_id: String,
    /// Who wrote, as the platform names them (a Telegram chat id, a LINE user id, an address).
    /// Replies go back to this address.
    pub sender: String,
    /// The language the person's app is set to, if the platform says (a BCP 47 tag); a hint only.
    pub language_hint: Option<String>,
    pub sent_at: DateTime<Utc>,
    /// The platform's id of the message itself (for edits and threading), if any.
    pub platform_message_id: Option<String>,
    pub content: InboundContent,
    /// A short-lived, single-use token for answering this event (LINE's `replyToken`). Bot
    /// answers sent with it do not count against the platform's push quota.
    #[serde(default)]
    pub reply_token: Option<String>,
    /// False when another system is answering this chat for now (LINE's `standby` mode): the
    /// event is recorded, and the bot says nothing.
    #[serde(default = "yes")]
    pub bot_may_answer: bool,
}

fn yes() -> bool {
    true
}

/// What the person sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundContent {
    /// Free text the person typed.
    Text {
        text: String,
    },
    /// The person opened the bot (Telegram `/start`, LINE follow). `source` is a deep-link
    /// parameter or campaign, if any.
    Start {
        source: Option<String>,
    },
    /// A button the bot offered was pressed. `data` is what the bot put on the button;
    /// `ack_id` lets the adapter stop the button's spinner (Telegram callback query id).
    Choice {
        data: String,
        ack_id: Option<String>,
    },
    /// The person shared a phone contact (their own when `own` is true).
    Contact {
        phone: String,
        name: Option<String>,
        own: bool,
    },
    Location {
        latitude: f64,
        longitude: f64,
    },
    /// A file the platform holds: photo, voice, video, document, sticker. Content is never
    /// fetched automatically; only the platform's reference and metadata are kept.
    Attachment(AttachmentRef),
    /// The person edited an earlier message; `text` is the new version.
    Edited {
        original_message_id: String,
        text: String,
    },
    /// Something this adapter does not handle (a poll, a game...). `what` names the kind, never
    /// the content.
    Unsupported {
        what: String,
    },
    /// The person blocked or unfollowed the bot (LINE `unfollow`): nothing may be sent to them
    /// until they come back.
    Left,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Voice,
    Audio,
    Video,
    Document,
    Sticker,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Voice => "voice",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Document => "document",
            Self::Sticker => "sticker",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub kind: AttachmentKind,
    /// The platform's handle for fetching the file later (Telegram `file_id`).
    pub file_ref: String,
    pub mime_type: Option<String>,
    pub byte_size: Option<u64>,
    pub file_name: Option<String>,
    /// Text sent with the file, if any.
    pub caption: Option<String>,
}

/// Something to send to a reporter through a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    pub channel: ChannelKind,
    pub recipient: String,
    pub text: String,
    /// Buttons under the message, in rows. Empty: none.
    #[serde(default)]
    pub choices: Vec<Vec<Choice>>,
    /// Offer a button that shares the person's phone number (Telegram `request_contact`).
    #[serde(default)]
    pub request_contact: Option<String>,
    /// For email: the thread this message continues.
    #[serde(default)]
    pub email: Option<EmailThread>,
}

/// What an email needs besides its text, so the reply lands in the sender's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailThread {
    pub subject: String,
    /// This message's own Message-ID (without <>), fixed before the first attempt so every
    /// retry sends the same one.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// Written by the hotline, not a person (an acknowledgement): marked `Auto-Submitted`.
    pub automatic: bool,
    pub date: DateTime<Utc>,
}

/// One button: what the person sees, and what comes back as [`InboundContent::Choice`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    /// At most 64 bytes (Telegram's limit for callback data).
    pub data: String,
}

/// What the platform said about a message it accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    /// The platform's id of the sent message, if it gives one.
    pub platform_message_id: Option<String>,
}

/// Why a send failed. Reasons never carry message text or personal data: they are stored and
/// shown to counselors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later: rate limited (with the wait the platform asked for), a 5xx, a network
    /// failure.
    #[error("temporary failure: {reason}")]
    Temporary {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Retrying will not help: the request was refused (a bad request, a bad token).
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
    /// The person can no longer be reached on this channel (they blocked the bot, deleted their
    /// account, the chat is gone): nothing more should be sent there.
    #[error("unreachable: {reason}")]
    Unreachable { reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_kinds_serialise_as_lowercase_words() {
        assert_eq!(
            serde_json::to_string(&ChannelKind::Telegram)
                .ok()
                .as_deref(),
            Some("\"telegram\"")
        );
        assert_eq!(ChannelKind::Line.as_str(), "line");
    }

    #[test]
    fn inbound_content_is_tagged_by_type() {
        let json = serde_json::to_value(InboundContent::Choice {
            data: "lang:th".into(),
            ack_id: None,
        })
        .ok();
        assert_eq!(
            json.as_ref()
                .and_then(|v| v.get("type"))
                .and_then(|v| v.as_str()),
            Some("choice")
        );
    }
}
