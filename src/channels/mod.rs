//! The one place the app calls channel adapters (`integrations/*`): building their clients
//! from settings, and sending an outbound message on the right one.

mod telegram_polling;
mod telegram_updates;

pub use telegram_polling::{PollOutcome, Poller, poll_telegram_once, run_telegram_polling};
pub use telegram_updates::{Received, receive_telegram_update};

use hotline_contract::{ChannelKind, Delivered, OutboundMessage, SendError};
use hotline_telegram::TelegramClient;

use crate::settings::ChannelSettings;

/// A Telegram bot as the app uses it.
pub struct TelegramChannel {
    pub client: TelegramClient,
    /// Part of every event id, so two bots sharing a database never collide.
    pub bot_id: i64,
    pub webhook_secret: String,
}

/// The enabled channels. A disabled channel is `None`; sending on it fails permanently.
#[derive(Default)]
pub struct Channels {
    pub telegram: Option<TelegramChannel>,
}

impl Channels {
    pub fn from_settings(settings: &ChannelSettings) -> anyhow::Result<Channels> {
        let tg = &settings.telegram;
        let telegram = if tg.enabled {
            let bot_id = hotline_telegram::bot_id_from_token(&tg.bot_token).ok_or_else(|| {
                anyhow::anyhow!(
                    "channels.telegram.bot_token: not a bot token (expected <digits>:<secret>)"
                )
            })?;
            let client = TelegramClient::new(&tg.bot_token, &tg.api_url)
                .map_err(|e| anyhow::anyhow!("channels.telegram: {e}"))?;
            Some(TelegramChannel {
                client,
                bot_id,
                webhook_secret: tg.webhook_secret.clone(),
            })
        } else {
            None
        };
        Ok(Channels { telegram })
    }

    pub async fn send(&self, message: &OutboundMessage) -> Result<Delivered, SendError> {
        match message.channel {
            ChannelKind::Telegram => match &self.telegram {
                Some(tg) => tg.client.send(message).await,
                None => Err(disabled()),
            },
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
            (ChannelKind::Telegram, Some(tg)) => tg.client.answer_choice(ack_id).await,
            _ => Ok(()),
        }
    }
}

fn disabled() -> SendError {
    SendError::Permanent {
        reason: "the channel is not enabled on this hotline".into(),
    }
}
