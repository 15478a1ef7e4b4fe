//! Sending mail: counselor replies to reporters, and (later) referrals to police and shelters.
//!
//! One [`Mailer`] with three backends: SMTP submission for real use, `.eml` files in a
//! directory for demos, and memory for tests. All three build the same message with lettre's
//! builder, so what a test inspects is what a server would receive.
//!
//! Every message carries:
//! * the caller's explicit Message-ID (lettre adds none by default), so answers from police or
//!   shelters thread back to the case by `In-Reply-To`/`References`;
//! * `X-Hotline-Loop: 1`, so the parser recognises the hotline's own mail if it comes back
//!   (a forward rule, an auto-responder quoting headers) and never opens a case for it;
//! * `Auto-Submitted: auto-replied` only when [`OutgoingEmail::auto`] says a machine answered
//!   (an acknowledgement), as RFC 3834 asks, so other systems' auto-responders stay quiet.
//!
//! [`MailError`] reasons name what failed and the SMTP code, never an address, a subject or
//! message text: they are stored in the outbox and shown to counselors. A server's own reply
//! text is dropped for that reason (it often quotes the recipient address).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use hotline_contract::SendError;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// The loop header's name (its value is always `1`). Same name the parser looks for.
const LOOP_HEADER: HeaderName = HeaderName::new_from_ascii_str("X-Hotline-Loop");
const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingEmail {
    /// `hotline@example.org` or `Hotline <hotline@example.org>`.
    pub from: String,
    /// One recipient, in the same forms as `from`.
    pub to: String,
    /// One line; line breaks are replaced by spaces. Non-ASCII is encoded (RFC 2047).
    pub subject: String,
    /// The plain-text body, UTF-8.
    pub text: String,
    /// The Message-ID, with or without `<>` (`referral-H-1.0001@hotline.example`). Chosen by
    /// the caller and kept in the outbox, so a retried send carries the same id.
    pub message_id: String,
    /// The id this answers, with or without `<>`.
    pub in_reply_to: Option<String>,
    /// The thread's earlier ids, oldest first. `in_reply_to` is appended when missing, as
    /// RFC 5322 asks.
    pub references: Vec<String>,
    /// True when no person wrote this (an automatic acknowledgement): adds
    /// `Auto-Submitted: auto-replied`.
    pub auto: bool,
    /// The Date header: when the outbox worker sends it.
    pub date: DateTime<Utc>,
}

/// Why a message was not sent. Reasons never contain addresses, subjects or text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Try again later: the server could not be reached, timed out, or answered 4xx.
    #[error("temporary mail failure: {0}")]
    Temporary(String),
    /// Retrying will not help: the server answered 5xx, or the message or an address is not
    /// valid.
    #[error("permanent mail failure: {0}")]
    Permanent(String),
}

impl From<MailError> for SendError {
    fn from(e: MailError) -> Self {
        match e {
            MailError::Temporary(reason) => SendError::Temporary {
                reason,
                retry_after: None,
            },
            MailError::Permanent(reason) => SendError::Permanent { reason },
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text: only for a relay on loopback (tests, a local MTA).
    None,
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where and how to submit mail.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    /// Never printed (see the `Debug` impl).
    pub password: Option<String>,
    /// Longest wait for the TCP connection.
    pub connect_timeout: Duration,
    /// Longest one whole exchange may take (connect, TLS, auth, the message and the server's
    /// final answer), after which the send is a temporary failure. lettre bounds only the
    /// connect step; a server that takes the message and never answers would otherwise hold
    /// the send for ever.
    pub send_timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username.as_ref().map(|_| "<set>"))
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .field("connect_timeout", &self.connect_timeout)
            .field("send_timeout", &self.send_timeout)
            .finish()
    }
}

/// Sends mail through one of three backends. An enum rather than a trait, so `send` can be an
/// `async fn` without boxing.
#[derive(Debug, Clone)]
pub enum Mailer {
    Smtp(SmtpMailer),
    File(FileMailer),
    Memory(MemoryMailer),
}

impl Mailer {
    /// An SMTP mailer; fails only when the settings cannot work (a password without a user
    /// name, a host TLS cannot be set up for). Nothing is connected until the first send.
    pub fn smtp(config: &SmtpConfig) -> Result<Self, MailError> {
        SmtpMailer::new(config).map(Self::Smtp)
    }

    /// A mailer that writes each message as a `.eml` file into `dir`, for demos.
    pub fn file(dir: impl AsRef<Path>) -> Self {
        Self::File(FileMailer::new(dir))
    }

    /// Sends one message. Each backend builds it the same way; see the module doc.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), MailError> {
        let message = build_message(email)?;
        match self {
            Self::Smtp(smtp) => smtp.send(message).await,
            Self::File(file) => file.send(message).await,
            Self::Memory(memory) => memory.send(email, message),
        }
    }
}

/// SMTP submission with lettre. One connection per message: referrals and replies are few,
/// and a fresh connection never trips over a server that dropped an idle one.
#[derive(Clone)]
pub struct SmtpMailer {
    /// Boxed: the transport is large, and `Mailer`'s variants should stay close in size.
    transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
    send_timeout: Duration,
    host: String,
    port: u16,
    tls: SmtpTls,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, MailError> {
        if config.host.trim().is_empty() {
            return Err(MailError::Permanent("the SMTP host is empty".into()));
        }
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(tls_parameters(&config.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls_parameters(&config.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.connect_timeout));
        match (&config.username, &config.password) {
            (Some(user), password) => {
                builder = builder.credentials(Credentials::new(
                    user.clone(),
                    password.clone().unwrap_or_default(),
                ));
            }
            (None, Some(_)) => {
                return Err(MailError::Permanent(
                    "an SMTP password is set without a user name".into(),
                ));
            }
            (None, None) => {}
        }
        Ok(Self {
            transport: Box::new(builder.build()),
            send_timeout: config.send_timeout,
            host: config.host.clone(),
            port: config.port,
            tls: config.tls,
        })
    }

    async fn send(&self, message: Message) -> Result<(), MailError> {
        match tokio::time::timeout(self.send_timeout, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(smtp_error(&e)),
            Err(_) => Err(MailError::Temporary(
                "the mail server took too long to accept the message".into(),
            )),
        }
    }
}

fn tls_parameters(host: &str) -> Result<TlsParameters, MailError> {
    TlsParameters::new(host.to_owned())
        .map_err(|_| MailError::Permanent("TLS cannot be set up for the SMTP host".into()))
}

/// Maps lettre's error to ours, keeping only the kind and the SMTP code: the server's reply
/// text and lettre's messages can quote the recipient's address.
fn smtp_error(e: &lettre::transport::smtp::Error) -> MailError {
    let code = e
        .status()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "?".into());
    if e.is_permanent() {
        MailError::Permanent(format!("the mail server refused the message (SMTP {code})"))
    } else if e.is_transient() {
        MailError::Temporary(format!(
            "the mail server deferred the message (SMTP {code})"
        ))
    } else if e.is_timeout() {
        MailError::Temporary("timed out talking to the mail server".into())
    } else if e.is_tls() {
        MailError::Temporary("the TLS connection to the mail server failed".into())
    } else if e.is_response() {
        MailError::Temporary("the mail server's answer could not be read".into())
    } else if e.is_client() {
        MailError::Permanent("the SMTP client could not send this message".into())
    } else {
        MailError::Temporary("the mail server could not be reached".into())
    }
}

/// Writes each message into a directory as `<random id>.eml`, for demos: open the files in a
/// mail client, or feed them back to the parser.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: impl AsRef<Path>) -> Self {
        Self {
            dir: dir.as_ref().to_path_buf(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    async fn send(&self, message: Message) -> Result<(), MailError> {
        AsyncFileTransport::<Tokio1Executor>::new(&self.dir)
            .send(message)
            .await
            .map(|_| ())
            .map_err(|_| MailError::Temporary("the message file could not be written".into()))
    }
}

/// A sent message as the memory backend keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentEmail {
    pub email: OutgoingEmail,
    /// The message exactly as a server would have received it (RFC 5322, CRLF line ends).
    pub raw: Vec<u8>,
}

/// Keeps sent messages in memory, for tests. Clones share the same store, so a test keeps one
/// clone and hands the other to the code under test.
#[derive(Debug, Clone, Default)]
pub struct MemoryMailer {
    inner: Arc<Mutex<MemoryStore>>,
}

#[derive(Debug, Default)]
struct MemoryStore {
    sent: Vec<SentEmail>,
    failures: Vec<MailError>,
}

impl MemoryMailer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything sent so far, oldest first.
    pub fn sent(&self) -> Vec<SentEmail> {
        self.store().sent.clone()
    }

    /// Makes the next send fail with `error` (queued: several calls fail several sends).
    pub fn fail_next(&self, error: MailError) {
        self.store().failures.push(error);
    }

    fn send(&self, email: &OutgoingEmail, message: Message) -> Result<(), MailError> {
        let mut store = self.store();
        if !store.failures.is_empty() {
            return Err(store.failures.remove(0));
        }
        store.sent.push(SentEmail {
            email: email.clone(),
            raw: message.formatted(),
        });
        Ok(())
    }

    fn store(&self) -> std::sync::MutexGuard<'_, MemoryStore> {
        // A test that panicked while holding the lock leaves plain data behind: still usable.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Builds the RFC 5322 message every backend sends.
fn build_message(email: &OutgoingEmail) -> Result<Message, MailError> {
    let from: Mailbox = email
        .from
        .trim()
        .parse()
        .map_err(|_| MailError::Permanent("the From address is not valid".into()))?;
    let to: Mailbox = email
        .to
        .trim()
        .parse()
        .map_err(|_| MailError::Permanent("the recipient address is not valid".into()))?;
    let message_id = angle_id(&email.message_id)
        .ok_or_else(|| MailError::Permanent("the Message-ID is not valid".into()))?;

    let mut references = Vec::new();
    for id in &email.references {
        references.push(
            angle_id(id)
                .ok_or_else(|| MailError::Permanent("a References id is not valid".into()))?,
        );
    }

    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(one_line(&email.subject))
        .date(SystemTime::from(email.date))
        .message_id(Some(message_id))
        .header(ContentType::TEXT_PLAIN)
        .raw_header(HeaderValue::new(LOOP_HEADER, "1".into()));
    if let Some(parent) = &email.in_reply_to {
        let parent = angle_id(parent)
            .ok_or_else(|| MailError::Permanent("the In-Reply-To id is not valid".into()))?;
        if !references.contains(&parent) {
            references.push(parent.clone());
        }
        builder = builder.in_reply_to(parent);
    }
    if !references.is_empty() {
        builder = builder.references(references.join(" "));
    }
    if email.auto {
        builder = builder.raw_header(HeaderValue::new(AUTO_SUBMITTED, "auto-replied".into()));
    }
    builder
        .body(email.text.clone())
        .map_err(|_| MailError::Permanent("the message could not be built".into()))
}

/// `id` as `<id>`, if it is a usable message id: printable ASCII without spaces or angle
/// brackets inside, with an `@`.
fn angle_id(id: &str) -> Option<String> {
    let id = id.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix('>'))
        .unwrap_or(id);
    let valid = !id.is_empty()
        && id.len() <= 250
        && id.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    valid.then(|| format!("<{id}>"))
}

/// A subject on one line: line breaks and other control characters become spaces.
fn one_line(subject: &str) -> String {
    subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_get_angle_brackets_once() {
        assert_eq!(
            angle_id("a.1@x.example").as_deref(),
            Some("<a.1@x.example>")
        );
        assert_eq!(
            angle_id(" <a.1@x.example> ").as_deref(),
            Some("<a.1@x.example>")
        );
        assert_eq!(angle_id(""), None);
        assert_eq!(angle_id("<>"), None);
        assert_eq!(angle_id("no-at-sign"), None);
        assert_eq!(angle_id("a b@x"), None);
        assert_eq!(angle_id("a\r\nBcc: x@y"), None);
        assert_eq!(angle_id("<a<b@x>"), None);
    }

    #[test]
    fn subjects_stay_on_one_line() {
        assert_eq!(
            one_line(" Re: x\r\nBcc: evil@example.org "),
            "Re: x  Bcc: evil@example.org"
        );
    }

    #[test]
    fn mail_errors_become_send_errors() {
        assert!(matches!(
            SendError::from(MailError::Temporary("t".into())),
            SendError::Temporary {
                retry_after: None,
                ..
            }
        ));
        assert!(matches!(
            SendError::from(MailError::Permanent("p".into())),
            SendError::Permanent { .. }
        ));
    }

    #[test]
    fn the_password_is_never_printed() {
        let config = SmtpConfig {
            host: "smtp.example.org".into(),
            port: 587,
            tls: SmtpTls::Starttls,
            username: Some("hotline".into()),
            password: Some("hunter2".into()),
            connect_timeout: Duration::from_secs(5),
            send_timeout: Duration::from_secs(60),
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("\"hotline\""));
    }
}
