//! Telegram: a bot, by webhook (`verify` then `receive`) or by long polling (`polling`, one
//! node at a time), answered through the Bot API (`send`).

mod polling;
mod receive;
pub(crate) mod send;
pub mod verify;

pub use polling::{PollOutcome, Poller, poll_telegram_once, run_telegram_polling};
pub use receive::receive;
pub use send::{delete_webhook, set_name, set_webhook};
pub use verify::verify;

use hotline_telegram::TelegramClient;

use crate::settings::TelegramSettings;

/// A Telegram bot as the app uses it.
pub struct TelegramChannel {
    pub client: TelegramClient,
    /// Part of every event id, so two bots sharing a database never collide.
    pub bot_id: i64,
    pub webhook_secret: String,
}

impl TelegramChannel {
    pub fn from_settings(tg: &TelegramSettings) -> anyhow::Result<TelegramChannel> {
        let bot_id = hotline_telegram::bot_id_from_token(&tg.bot_token).ok_or_else(|| {
            anyhow::anyhow!(
                "channels.telegram.bot_token: not a bot token (expected <digits>:<secret>)"
            )
        })?;
        let client = TelegramClient::new(&tg.bot_token, &tg.api_url)
            .map_err(|e| anyhow::anyhow!("channels.telegram: {e}"))?;
        Ok(TelegramChannel {
            client,
            bot_id,
            webhook_secret: tg.webhook_secret.clone(),
        })
    }
}
