//! Channel-neutral message types shared by hotline and its channel adapters.
//!
//! Adapters (Telegram, LINE, email, phone systems) turn their wire formats into these types and
//! back; the app never sees a platform's payload, and adapters never see the database. Plain
//! data only: no I/O, no app types.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which outside party a message crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    Telegram,
    Line,
    Email,
    Phone,
}

/// A message as it arrived, before the app parses it into domain types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    pub channel: ChannelKind,
    /// Unique per event on its channel (e.g. `bot_id:update_id`); makes redelivery idempotent.
    pub event_id: String,
    /// Who wrote, as the platform names them (a chat id, a LINE user id, an address).
    pub sender: String,
    pub text: Option<String>,
    pub sent_at: DateTime<Utc>,
}

/// Something to send to a reporter through a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundMessage {
    pub channel: ChannelKind,
    pub recipient: String,
    pub text: String,
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
    }
}
