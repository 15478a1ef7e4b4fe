//! The one place the app calls the channel adapters (`integrations/*`). One folder per channel,
//! each with the same steps:
//!
//! - `verify`: is this really the platform calling? (a secret token, a signature over the raw
//!   bytes), checked before anything is parsed; a failure is counted and refused;
//! - `receive`: raw bytes → the adapter's parse → intake, one event at a time, each recorded
//!   once, or kept for review when it cannot be read; every channel answers with `Received`;
//! - `send`: outbound messages on the platform, called by the send job (`messaging::send`).
//!
//! Channels that pull instead of being called (Telegram long polling, the mailbox) do it on one
//! node at a time, under a PostgreSQL advisory lock (`leader_lock`). A new channel (a phone
//! system, say) gets a folder of its own with the same three steps.

pub mod email;
pub mod inbox;
mod leader_lock;
pub mod line;
pub mod phone;
pub mod telegram;
mod turns;
mod unreadable;

pub use email::{
    EmailChannel, EmailFailpoint, EmailReader, OutboundMail, ReadOutcome, read_mailbox_once,
};
pub use leader_lock::LeaderLock;
pub use line::LineChannel;
pub use telegram::{PollOutcome, Poller, TelegramChannel, poll_telegram_once};
pub use turns::{IntakeTurns, ToInbox, Turn};

use hotline_contract::{ChannelKind, Delivered, OutboundMessage, SendError};

use crate::settings::ChannelSettings;

/// What a channel made of one delivery (a webhook body, a polled update, a mail).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// Events recorded for the first time.
    pub recorded: usize,
    /// Events recorded before: nothing changed.
    pub duplicates: usize,
    /// Deliberately not acted on (a group chat, another bot, a bounce).
    pub ignored: usize,
    /// Readable as the platform's format but not by us: stored encrypted for a person to review.
    pub for_review: usize,
    /// Put in the webhook inbox, to be read when a turn is free (`inbox`).
    pub in_inbox: usize,
    /// Not the platform's format at all: the sender should hear why (400).
    pub refused: Option<String>,
}

impl Received {
    pub fn refused(why: impl Into<String>) -> Received {
        Received {
            refused: Some(why.into()),
            ..Received::default()
        }
    }

    fn count(&mut self, duplicate: bool) {
        if duplicate {
            self.duplicates += 1;
        } else {
            self.recorded += 1;
        }
    }
}

/// Why a call was refused before its body was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The secret or signature does not match.
    BadSignature,
}

/// The enabled channels. A disabled channel is `None`; sending on it fails permanently.
#[derive(Default)]
pub struct Channels {
    pub telegram: Option<TelegramChannel>,
    pub line: Option<LineChannel>,
    pub email: Option<EmailChannel>,
    /// Mail to partners (referrals): needs only the SMTP settings and `from`.
    pub outbound_mail: Option<OutboundMail>,
}

/// A reply token that came with the event the bot is answering.
#[derive(Debug, Clone, Copy)]
pub struct ReplyToken<'a> {
    pub token: &'a str,
}

impl Channels {
    pub fn from_settings(settings: &ChannelSettings) -> anyhow::Result<Channels> {
        Ok(Channels {
            telegram: settings
                .telegram
                .enabled
                .then(|| TelegramChannel::from_settings(&settings.telegram))
                .transpose()?,
            line: settings
                .line
                .enabled
                .then(|| LineChannel::from_settings(&settings.line))
                .transpose()?,
            email: settings
                .email
                .enabled
                .then(|| EmailChannel::from_settings(&settings.email))
                .transpose()?,
            outbound_mail: OutboundMail::from_settings(&settings.email)?,
        })
    }

    /// How many messages one call to the channel may carry (LINE sends up to five at once,
    /// with one reply token).
    pub fn batch_limit(&self, channel: ChannelKind) -> usize {
        match channel {
            ChannelKind::Line => hotline_line::MAX_MESSAGES_PER_CALL,
            _ => 1,
        }
    }

    /// Sends messages to one person, all or nothing. `reply_token` is used where the channel
    /// has them; `retry_key` (a UUID, the same on every retry of the same messages) keeps a
    /// retried send from being delivered twice where the channel supports it.
    pub async fn send_batch(
        &self,
        messages: &[OutboundMessage],
        reply_token: Option<ReplyToken<'_>>,
        retry_key: &str,
    ) -> Result<Vec<Delivered>, SendError> {
        let Some(first) = messages.first() else {
            return Ok(Vec::new());
        };
        match (first.channel, &self.telegram, &self.line, &self.email) {
            (ChannelKind::Telegram, Some(tg), _, _) => telegram::send::send(tg, messages).await,
            (ChannelKind::Line, _, Some(line), _) => {
                line::send(line, messages, reply_token, retry_key).await
            }
            (ChannelKind::Email, _, _, Some(email)) => email::send(email, messages).await,
            _ => Err(disabled()),
        }
    }

    /// Stops a pressed button's spinner (Telegram) where the channel has one.
    pub async fn acknowledge_choice(
        &self,
        channel: ChannelKind,
        ack_id: &str,
    ) -> Result<(), SendError> {
        match (channel, &self.telegram) {
            (ChannelKind::Telegram, Some(tg)) => {
                telegram::send::acknowledge_choice(tg, ack_id).await
            }
            _ => Ok(()),
        }
    }
}

impl Channels {
    /// Deletes a message from a person's chat where the channel allows it (Telegram, for 48
    /// hours). LINE and email cannot take a message back: `Ok(false)`.
    pub async fn delete_message(
        &self,
        channel: ChannelKind,
        chat: &str,
        message_id: &str,
    ) -> Result<bool, SendError> {
        match (channel, &self.telegram) {
            (ChannelKind::Telegram, Some(tg)) => {
                telegram::send::delete_message(tg, chat, message_id)
                    .await
                    .map(|()| true)
            }
            (ChannelKind::Telegram, None) => Err(disabled()),
            _ => Ok(false),
        }
    }
}

fn disabled() -> SendError {
    SendError::Permanent {
        reason: "the channel is not enabled on this hotline".into(),
    }
}
