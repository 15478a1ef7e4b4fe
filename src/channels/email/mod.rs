//! Email: the hotline's mailbox read over IMAP, one node at a time (`reading`), each message
//! parsed by the adapter and recorded by intake (`receive`), replies sent by SMTP in the
//! sender's thread (`send`).

mod reading;
mod receive;
mod send;

pub use reading::{EmailFailpoint, EmailReader, ReadOutcome, read_mailbox_once, run_email_reading};
pub use receive::receive;

pub(crate) use send::send;

use hotline_email::imap::{ImapSettings, ImapTls};
use hotline_email::mailer::{Mailer, SmtpConfig, SmtpTls};

use crate::settings::{EmailSettings, MailTls, MailerKind};

/// The hotline's mailbox and how it sends mail.
pub struct EmailChannel {
    pub mailer: Mailer,
    pub imap: ImapSettings,
    /// The hotline's own address: the From of every reply, never a reporter.
    pub from: String,
    /// The part after '@', for the Message-IDs of what hotline sends.
    pub domain: String,
}

fn mailer(s: &EmailSettings) -> anyhow::Result<Mailer> {
    Ok(match s.mailer {
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
            send_timeout: std::time::Duration::from_secs(s.smtp_timeout_seconds.max(1)),
        })
        .map_err(|e| anyhow::anyhow!("channels.email: {e}"))?,
    })
}

/// The part after '@' of the hotline's address, for the Message-IDs of what it sends.
fn domain_of(from: &str) -> String {
    from.rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default()
}

/// Sending only, for mail that answers no reporter (referrals to partners). Built from the
/// SMTP settings (or the file mailer) alone, whether or not the hotline reads a mailbox.
pub struct OutboundMail {
    mailer: Mailer,
    from: String,
    /// The part after '@', for Message-IDs.
    pub domain: String,
}

impl OutboundMail {
    /// `None` when no mailer is configured (no `from`, or smtp without a host).
    pub fn from_settings(s: &EmailSettings) -> anyhow::Result<Option<OutboundMail>> {
        if s.from.trim().is_empty() || (s.mailer == MailerKind::Smtp && s.smtp_host.is_empty()) {
            return Ok(None);
        }
        Ok(Some(OutboundMail {
            mailer: mailer(s)?,
            from: s.from.clone(),
            domain: domain_of(&s.from),
        }))
    }

    /// One plain-text message to a partner, with a stable Message-ID (a retry sends the same).
    pub async fn send_to_partner(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        message_id: &str,
        date: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), hotline_contract::SendError> {
        self.mailer
            .send(&hotline_email::mailer::OutgoingEmail {
                from: self.from.clone(),
                to: to.to_owned(),
                subject: subject.to_owned(),
                text: text.to_owned(),
                message_id: message_id.to_owned(),
                in_reply_to: None,
                references: vec![],
                auto: false,
                date,
            })
            .await
            .map_err(hotline_contract::SendError::from)
    }
}

impl EmailChannel {
    pub fn from_settings(s: &EmailSettings) -> anyhow::Result<EmailChannel> {
        let mailer = mailer(s)?;
        let domain = domain_of(&s.from);
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
}
