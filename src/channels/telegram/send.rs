//! Sending on Telegram: messages one by one through the Bot API, stopping a pressed button's
//! spinner, and setting or removing the webhook (the `hotline telegram` command).

use hotline_contract::{Delivered, OutboundMessage, SendError};
use hotline_telegram::TelegramClient;

use super::TelegramChannel;
use crate::settings::TelegramSettings;

pub(crate) async fn send(
    tg: &TelegramChannel,
    messages: &[OutboundMessage],
) -> Result<Vec<Delivered>, SendError> {
    let mut delivered = Vec::with_capacity(messages.len());
    for message in messages {
        delivered.push(tg.client.send(message).await?);
    }
    Ok(delivered)
}

pub(crate) async fn acknowledge_choice(
    tg: &TelegramChannel,
    ack_id: &str,
) -> Result<(), SendError> {
    tg.client.answer_choice(ack_id).await
}

pub(crate) async fn delete_message(
    tg: &TelegramChannel,
    chat: &str,
    message_id: &str,
) -> Result<(), SendError> {
    tg.client.delete_message(chat, message_id).await
}

fn client(tg: &TelegramSettings) -> anyhow::Result<TelegramClient> {
    if tg.bot_token.is_empty() {
        anyhow::bail!(
            "channels.telegram.bot_token: required (HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN)"
        );
    }
    TelegramClient::new(&tg.bot_token, &tg.api_url)
        .map_err(|e| anyhow::anyhow!("channels.telegram: {e}"))
}

/// Tells Telegram to POST updates to `url` with the webhook secret.
pub async fn set_webhook(tg: &TelegramSettings, url: &str) -> anyhow::Result<()> {
    let client = client(tg)?;
    if tg.webhook_secret.is_empty() {
        anyhow::bail!(
            "channels.telegram.webhook_secret: required (HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET; 1-256 of A-Z a-z 0-9 _ -)"
        );
    }
    if !url.starts_with("https://")
        && !url.starts_with("http://127.0.0.1")
        && !url.starts_with("http://localhost")
    {
        anyhow::bail!("--url must be an https:// address (Telegram calls only HTTPS webhooks)");
    }
    client
        .set_webhook(url, &tg.webhook_secret)
        .await
        .map_err(|e| anyhow::anyhow!("Telegram refused the webhook: {e}"))
}

/// Gives the bot the name notifications show (`channels.telegram.display_name`, or `name`).
pub async fn set_name(tg: &TelegramSettings, name: Option<&str>) -> anyhow::Result<String> {
    let name = name.unwrap_or(&tg.display_name).trim().to_owned();
    if name.is_empty() {
        anyhow::bail!(
            "channels.telegram.display_name: empty (set it, or pass --name): a neutral name such as \"Help desk\" keeps lock-screen notifications safe"
        );
    }
    client(tg)?
        .set_name(&name)
        .await
        .map_err(|e| anyhow::anyhow!("Telegram refused the name: {e}"))?;
    Ok(name)
}

/// Removes the webhook (for long polling, or to stop).
pub async fn delete_webhook(tg: &TelegramSettings) -> anyhow::Result<()> {
    client(tg)?
        .delete_webhook()
        .await
        .map_err(|e| anyhow::anyhow!("Telegram refused: {e}"))
}
