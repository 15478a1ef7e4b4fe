//! The one place the app calls channel adapters (`integrations/*`): building their clients
//! from settings, and sending an outbound message on the right one.

mod email_reader;
mod leader_lock;
mod line_events;
mod telegram_polling;
mod telegram_updates;
mod unreadable;

pub use email_reader::{
    EmailFailpoint, EmailReader, ReadOutcome, read_mailbox_once, run_email_reading,
};
pub use line_events::{LineReceived, receive_line_webhook};
pub use telegram_polling::{PollOutcome, Poller, poll_telegram_once, run_telegram_polling};
pub use telegram_updates::{Received, receive_telegram_update};

use hotline_contract::{ChannelKind, Delivered, OutboundMessage, SendError};
use hotline_email::imap::{ImapSettings, ImapTls};
use hotline_email::mailer::{Mailer, OutgoingEmail, SmtpConfig, SmtpTls};
use hotline_line::LineClient;
use hotline_telegram::TelegramClient;

use crate::settings::ChannelSettings;

/// A Telegram bot as the app uses it.
pub struct TelegramChannel {
    pub client: TelegramClient,
    /// Part of every event id, so two bots sharing a database never collide.
    pub bot_id: i64,
    pub webhook_secret: String,
}

/// A LINE Official Account as the app uses it.
pub struct LineChannel {
    pub client: LineClient,
    /// Signs every webhook body; checked before anything is read.
    pub channel_secret: String,
}

/// The hotline's mailbox and how it sends mail.
pub struct EmailChannel {
    pub mailer: Mailer,
    pub imap: ImapSettings,
    /// The hotline's own address: the From of every reply, never a reporter.
    pub from: String,
    /// The part after '@', for the Message-IDs of what hotline sends.
    pub domain: String,
}

/// The enabled channels. A disabled channel is `None`; sending on it fails permanently.
#[derive(Default)]
pub struct Channels {
    pub telegram: Option<TelegramChannel>,
    pub line: Option<LineChannel>,
    pub email: Option<EmailChannel>,
}

/// A reply token that came with the event the bot is answering.
#[derive(Debug, Clone, Copy)]
pub struct ReplyToken<'a> {
    pub token: &'a str,
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
        let line_settings = &settings.line;
        let line = if line_settings.enabled {
            let client =
                LineClient::new(&line_settings.channel_access_token, &line_settings.api_url)
                    .map_err(|e| anyhow::anyhow!("channels.line: {e}"))?;
            Some(LineChannel {
                client,
                channel_secret: line_settings.channel_secret.clone(),
            })
        } else {
            None
        };
        let email = if settings.email.enabled {
            Some(email_channel(&settings.email)?)
        } else {
            None
        };
        Ok(Channels {
            telegram,
            line,
            email,
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
        match first.channel {
            ChannelKind::Line => match &self.line {
                Some(line) => {
                    line.client
                        .send(
                            &first.recipient,
                            messages,
                            reply_token.map(|r| r.token),
                            retry_key,
                        )
                        .await
                }
                None => Err(disabled()),
            },
            ChannelKind::Email => match &self.email {
                Some(email) => {
                    let mut delivered = Vec::with_capacity(messages.len());
                    for message in messages {
                        delivered.push(send_email(email, message).await?);
                    }
                    Ok(delivered)
                }
                None => Err(disabled()),
            },
            _ => {
                let mut delivered = Vec::with_capacity(messages.len());
                for message in messages {
                    delivered.push(self.send(message).await?);
                }
                Ok(delivered)
            }
        }
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

fn email_channel(s: &crate::settings::EmailSettings) -> anyhow::Result<EmailChannel> {
    use crate::settings::{MailTls, MailerKind};
    let mailer = match s.mailer {
        MailerKind::File => Mailer::file(&s.file_dir),
        MailerKind::Smtp => Mailer::smtp(&SmtpConfig {
            host: s.smtp_host.clone(),
            port: s.smtp_port,
            tls: match s.smtp_tls {
                MailTls::None => SmtpTls::None,
                MailTls::Starttls => SmtpTls::Starttls,
                MailTls::Tls => SmtpTls::Tls,
            },
            username: (!s.smtp_user.is_empty()).then(|| s.smtp_user.clone()),
            password: (!s.smtp_password.is_empty()).then(|| s.smtp_password.clone()),
            connect_timeout: std::time::Duration::from_secs(20),
        })
        .map_err(|e| anyhow::anyhow!("channels.email: {e}"))?,
    };
    let domain = s
        .from
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    Ok(EmailChannel {
        mailer,
        imap: ImapSettings {
            host: s.imap_host.clone(),
            port: s.imap_port,
            user: s.imap_user.clone(),
            password: s.imap_password.clone(),
            tls: match s.imap_tls {
                MailTls::None => ImapTls::None,
                MailTls::Starttls => ImapTls::StartTls,
                MailTls::Tls => ImapTls::Tls,
            },
            folder: s.imap_folder.clone(),
        },
        from: s.from.clone(),
        domain,
    })
}

async fn send_email(
    email: &EmailChannel,
    message: &OutboundMessage,
) -> Result<Delivered, SendError> {
    let Some(thread) = &message.email else {
        return Err(SendError::Permanent {
            reason: "an email without its thread".into(),
        });
    };
    email
        .mailer
        .send(&OutgoingEmail {
            from: email.from.clone(),
            to: message.recipient.clone(),
            subject: thread.subject.clone(),
            text: message.text.clone(),
            message_id: thread.message_id.clone(),
            in_reply_to: thread.in_reply_to.clone(),
            references: thread.references.clone(),
            auto: thread.automatic,
            date: thread.date,
        })
        .await
        .map_err(SendError::from)?;
    Ok(Delivered {
        platform_message_id: Some(thread.message_id.clone()),
    })
}

fn disabled() -> SendError {
    SendError::Permanent {
        reason: "the channel is not enabled on this hotline".into(),
    }
}
