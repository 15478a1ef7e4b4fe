//! Reads the hotline's mailbox over IMAP (async-imap on tokio), by UID.
//!
//! The reader never marks a message seen on its own: [`MailboxReader::fetch_after`] uses
//! `BODY.PEEK[]`, and the app calls [`MailboxReader::mark_seen`] once what it made of the
//! message is committed, so a crash in between loses nothing. The dedup key is
//! `(folder, UIDVALIDITY, UID)`; [`MailboxReader::select`] reports UIDVALIDITY.
//!
//! New mail is waited for with IDLE ([`MailboxReader::idle_wait`]), which is only a wake-up
//! hint: whatever it returns, fetch after it. Keep a periodic poll as a safety net.
//!
//! [`ImapError`] never carries the password or message content (async-imap's own errors can
//! quote server data, so they are not passed through).

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::imap_proto::{MailboxDatum, Response, Status};
use async_imap::types::UnsolicitedResponse;
use async_imap::{Client, Session};
use futures_util::TryStreamExt as _;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

/// How long connecting (TCP, TLS, greeting, login) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one command (search, fetch, store, ...) may take before the connection is given up.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest single IDLE: RFC 2177 asks clients to re-issue IDLE at least every 29 minutes.
pub const MAX_IDLE: Duration = Duration::from_secs(28 * 60);

/// How to protect the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImapTls {
    /// Plain TCP. Only for a server on loopback (tests, a local relay).
    None,
    /// Plain TCP upgraded with STARTTLS before LOGIN (usually port 143).
    StartTls,
    /// TLS from the first byte (usually port 993).
    Tls,
}

/// Where the mailbox is. Server certificates are checked against the Mozilla roots
/// (webpki-roots) and `host`.
#[derive(Clone, Deserialize)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub tls: ImapTls,
    /// The folder to read, e.g. `INBOX`.
    pub folder: String,
}

impl fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tls", &self.tls)
            .field("folder", &self.folder)
            .finish()
    }
}

/// What went wrong. None of the texts holds the password or any message content; server texts
/// are cut short and stripped of control characters.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached, TLS failed, or it greeted with something else than OK.
    #[error("cannot connect to the IMAP server: {0}")]
    Connect(String),
    /// The server refused the login (wrong user or password, or login not allowed).
    #[error("the IMAP server refused the login: {0}")]
    Auth(String),
    /// The server answered NO or BAD, or something we cannot use.
    #[error("IMAP protocol error: {0}")]
    Protocol(String),
    /// The connection broke or stalled; the reader is unusable after this: connect again.
    #[error("IMAP connection error: {0}")]
    Io(String),
}

impl ImapError {
    /// True for errors after which the reader can no longer be used (connect again).
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, ImapError::Io(_) | ImapError::Connect(_))
    }
}

/// The selected folder, as SELECT reported it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailboxState {
    /// Changes only when the server renumbers the folder; UIDs from another UIDVALIDITY mean
    /// nothing.
    pub uid_validity: u32,
    /// The UID the next message will get (a prediction; servers may omit it).
    pub uid_next: Option<u32>,
    /// How many messages the folder holds.
    pub exists: u32,
}

/// One message, exactly as the server stores it (RFC 5322 bytes).
#[derive(Clone, PartialEq, Eq)]
pub struct FetchedMail {
    pub uid: u32,
    pub raw: Vec<u8>,
}

impl fmt::Debug for FetchedMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the content.
        f.debug_struct("FetchedMail")
            .field("uid", &self.uid)
            .field("bytes", &self.raw.len())
            .finish()
    }
}

/// How [`MailboxReader::idle_wait`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The server announced new messages (or may have: fetch to find out).
    NewMail,
    /// Nothing new within the time given.
    Timeout,
}

/// A logged-in IMAP connection to one mailbox.
pub struct MailboxReader {
    /// None once the connection broke (or while IDLE runs).
    session: Option<Session<MailStream>>,
    folder: String,
    selected: bool,
    idle: bool,
}

impl fmt::Debug for MailboxReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxReader")
            .field("folder", &self.folder)
            .field("connected", &self.session.is_some())
            .field("selected", &self.selected)
            .field("idle", &self.idle)
            .finish()
    }
}

impl MailboxReader {
    /// Connects (TLS or STARTTLS as set), reads the greeting and logs in.
    pub async fn connect(settings: &ImapSettings) -> Result<MailboxReader, ImapError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, Self::connect_inner(settings)).await {
            Ok(result) => result,
            Err(_) => Err(ImapError::Connect(format!(
                "no answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }

    async fn connect_inner(settings: &ImapSettings) -> Result<MailboxReader, ImapError> {
        let tcp = TcpStream::connect((settings.host.as_str(), settings.port))
            .await
            .map_err(|e| ImapError::Connect(format!("{}:{}: {e}", settings.host, settings.port)))?;
        let stream = match settings.tls {
            ImapTls::None => {
                let mut client = Client::new(MailStream::Plain(tcp));
                read_greeting(&mut client).await?;
                client
            }
            ImapTls::Tls => {
                let tls = tls_handshake(&settings.host, tcp).await?;
                let mut client = Client::new(MailStream::Tls(Box::new(tls)));
                read_greeting(&mut client).await?;
                client
            }
            ImapTls::StartTls => {
                let mut client = Client::new(MailStream::Plain(tcp));
                read_greeting(&mut client).await?;
                // Never falls back to plain text: a server without STARTTLS fails here.
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| ImapError::Connect(format!("STARTTLS: {}", describe(&e, None))))?;
                let MailStream::Plain(tcp) = client.into_inner() else {
                    return Err(ImapError::Connect("STARTTLS on a TLS stream".to_owned()));
                };
                let tls = tls_handshake(&settings.host, tcp).await?;
                Client::new(MailStream::Tls(Box::new(tls)))
            }
        };
        let password = Some(settings.password.as_str());
        let (mut session, capabilities) = match stream
            .login_with_capabilities(&settings.user, &settings.password)
            .await
        {
            Ok(logged_in) => logged_in,
            Err((e, _client)) => {
                return Err(match e {
                    async_imap::error::Error::No(_) => ImapError::Auth(describe(&e, password)),
                    async_imap::error::Error::Validate(_) => ImapError::Auth(
                        "the user name or password holds a character IMAP cannot send".to_owned(),
                    ),
                    async_imap::error::Error::Io(_) | async_imap::error::Error::ConnectionLost => {
                        ImapError::Connect(format!("during login: {}", describe(&e, password)))
                    }
                    _ => ImapError::Protocol(format!("LOGIN: {}", describe(&e, password))),
                });
            }
        };
        let idle = match capabilities {
            Some(capabilities) => capabilities.has_str("IDLE"),
            None => session
                .capabilities()
                .await
                .map_err(|e| map_command_error("CAPABILITY", &e))?
                .has_str("IDLE"),
        };
        Ok(MailboxReader {
            session: Some(session),
            folder: settings.folder.clone(),
            selected: false,
            idle,
        })
    }

    /// Whether the server offers IDLE (otherwise poll with [`MailboxReader::fetch_after`]).
    pub fn supports_idle(&self) -> bool {
        self.idle
    }

    /// Selects the configured folder (read-write, so that flags can be set).
    pub async fn select(&mut self) -> Result<MailboxState, ImapError> {
        let folder = self.folder.clone();
        // A failed SELECT leaves no folder selected.
        self.selected = false;
        let mailbox = self
            .command("SELECT", |s| {
                Box::pin(async move { s.select(&folder).await })
            })
            .await?;
        self.drain_unsolicited();
        let uid_validity = mailbox
            .uid_validity
            .ok_or_else(|| ImapError::Protocol("SELECT reported no UIDVALIDITY".to_owned()))?;
        self.selected = true;
        Ok(MailboxState {
            uid_validity,
            uid_next: mailbox.uid_next,
            exists: mailbox.exists,
        })
    }

    /// Up to `limit` messages with a UID above `uid`, oldest first, without marking them seen
    /// (`UID FETCH (UID BODY.PEEK[])`). `fetch_after(0, n)` starts from the beginning.
    pub async fn fetch_after(
        &mut self,
        uid: u32,
        limit: usize,
    ) -> Result<Vec<FetchedMail>, ImapError> {
        self.require_selected()?;
        let Some(first) = uid.checked_add(1) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.sync().await?;
        // This fetch sees everything announced so far.
        self.drain_unsolicited();
        // `n:*` always matches the highest UID, even below n: search, then keep those above.
        let range = format!("{first}:*");
        let found = self
            .command("UID SEARCH", |s| {
                Box::pin(async move { s.uid_search(format!("UID {range}")).await })
            })
            .await?;
        let mut uids: Vec<u32> = found.into_iter().filter(|u| *u >= first).collect();
        uids.sort_unstable();
        uids.truncate(limit);
        let Some(&last) = uids.last() else {
            return Ok(Vec::new());
        };
        let set = format!("{first}:{last}");
        let fetches = self
            .command("UID FETCH", |s| {
                Box::pin(async move {
                    s.uid_fetch(set, "(UID BODY.PEEK[])")
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                })
            })
            .await?;
        let mut mails: Vec<FetchedMail> = fetches
            .iter()
            .filter_map(|fetch| {
                // Unsolicited FETCH responses (flag changes) carry no body: skip them.
                let uid = fetch.uid?;
                let raw = fetch.body()?;
                (first..=last).contains(&uid).then(|| FetchedMail {
                    uid,
                    raw: raw.to_vec(),
                })
            })
            .collect();
        mails.sort_by_key(|m| m.uid);
        mails.dedup_by_key(|m| m.uid);
        Ok(mails)
    }

    /// Sets `\Seen` on one message (`UID STORE +FLAGS (\Seen)`). Call it once the message is
    /// committed. A UID that no longer exists is not an error.
    pub async fn mark_seen(&mut self, uid: u32) -> Result<(), ImapError> {
        self.require_selected()?;
        self.command("UID STORE", |s| {
            Box::pin(async move {
                s.uid_store(uid.to_string(), "+FLAGS (\\Seen)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
        })
        .await?;
        Ok(())
    }

    /// The UIDs of the messages without `\Seen`, ascending.
    pub async fn unseen_uids(&mut self) -> Result<Vec<u32>, ImapError> {
        self.require_selected()?;
        self.sync().await?;
        let found = self
            .command("UID SEARCH", |s| {
                Box::pin(async move { s.uid_search("UNSEEN").await })
            })
            .await?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// Waits with IDLE until the server announces new messages or `timeout` passes (at most
    /// [`MAX_IDLE`]; call it again in a loop). New mail announced during earlier commands
    /// returns at once. Either way, fetch afterwards: the outcome is only a hint.
    pub async fn idle_wait(&mut self, timeout: Duration) -> Result<IdleOutcome, ImapError> {
        self.require_selected()?;
        if !self.idle {
            return Err(ImapError::Protocol(
                "the server does not support IDLE".to_owned(),
            ));
        }
        if self.drain_unsolicited() {
            return Ok(IdleOutcome::NewMail);
        }
        let timeout = timeout.min(MAX_IDLE);
        let session = self.session.take().ok_or_else(lost)?;
        let mut handle = session.idle();
        // Any failure from here on leaves the session gone: the reader must reconnect.
        match tokio::time::timeout(COMMAND_TIMEOUT, handle.init()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(map_command_error("IDLE", &e)),
            Err(_) => return Err(stalled("IDLE")),
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let outcome = loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                break IdleOutcome::Timeout;
            }
            let (wait, _stop) = handle.wait_with_timeout(left);
            match tokio::time::timeout(left, wait).await {
                Err(_) => break IdleOutcome::Timeout,
                Ok(Err(e)) => return Err(map_command_error("IDLE", &e)),
                Ok(Ok(async_imap::extensions::idle::IdleResponse::Timeout))
                | Ok(Ok(async_imap::extensions::idle::IdleResponse::ManualInterrupt)) => {
                    break IdleOutcome::Timeout;
                }
                Ok(Ok(async_imap::extensions::idle::IdleResponse::NewData(data))) => {
                    match data.parsed() {
                        Response::MailboxData(MailboxDatum::Exists(_))
                        | Response::MailboxData(MailboxDatum::Recent(_)) => {
                            break IdleOutcome::NewMail;
                        }
                        Response::Data {
                            status: Status::Bye,
                            ..
                        } => {
                            return Err(ImapError::Io(
                                "the server closed the connection during IDLE".to_owned(),
                            ));
                        }
                        // Flag changes, expunges: not new mail; keep waiting.
                        _ => continue,
                    }
                }
            }
        };
        let session = match tokio::time::timeout(COMMAND_TIMEOUT, handle.done()).await {
            Ok(Ok(session)) => session,
            Ok(Err(e)) => return Err(map_command_error("DONE", &e)),
            Err(_) => return Err(stalled("DONE")),
        };
        self.session = Some(session);
        // EXISTS that arrived while IDLE was being ended counts too.
        if self.drain_unsolicited() {
            return Ok(IdleOutcome::NewMail);
        }
        Ok(outcome)
    }

    /// Appends a message to `folder` with the given flags (e.g. `\Seen`). For tests and tools:
    /// the adapter itself only reads.
    pub async fn append(
        &mut self,
        folder: &str,
        raw: &[u8],
        flags: &[&str],
    ) -> Result<(), ImapError> {
        let ok_flag = |f: &&str| {
            let name = f.strip_prefix('\\').unwrap_or(f);
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'$')
        };
        if !flags.iter().all(ok_flag) {
            return Err(ImapError::Protocol("not a flag name".to_owned()));
        }
        let flags = (!flags.is_empty()).then(|| format!("({})", flags.join(" ")));
        let folder = folder.to_owned();
        let raw = raw.to_vec();
        self.command("APPEND", |s| {
            Box::pin(async move { s.append(&folder, flags.as_deref(), None, &raw).await })
        })
        .await
    }

    /// Creates a folder (tests give each case its own). An existing folder is an error.
    pub async fn create_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        let folder = folder.to_owned();
        self.command("CREATE", |s| {
            Box::pin(async move { s.create(&folder).await })
        })
        .await
    }

    /// Deletes a folder and what it holds.
    pub async fn delete_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        let folder = folder.to_owned();
        self.command("DELETE", |s| {
            Box::pin(async move { s.delete(&folder).await })
        })
        .await
    }

    /// Logs out and closes the connection.
    pub async fn logout(mut self) -> Result<(), ImapError> {
        self.command("LOGOUT", |s| Box::pin(async move { s.logout().await }))
            .await
    }

    /// NOOP: lets the server bring this session up to date with changes made by other
    /// sessions (Dovecot answers a SEARCH from the state before such changes otherwise).
    async fn sync(&mut self) -> Result<(), ImapError> {
        self.command("NOOP", |s| Box::pin(async move { s.noop().await }))
            .await
    }

    fn require_selected(&self) -> Result<(), ImapError> {
        if self.selected {
            Ok(())
        } else {
            Err(ImapError::Protocol(
                "no folder selected (call select first)".to_owned(),
            ))
        }
    }

    /// Empties the unsolicited-response queue; true if it announced new messages.
    fn drain_unsolicited(&mut self) -> bool {
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let mut new_mail = false;
        while let Ok(response) = session.unsolicited_responses.try_recv() {
            if matches!(
                response,
                UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
            ) {
                new_mail = true;
            }
        }
        new_mail
    }

    /// Runs one command with a time limit. A broken or stalled connection drops the session,
    /// so later calls fail fast with [`ImapError::Io`].
    async fn command<R>(
        &mut self,
        name: &str,
        run: impl for<'a> FnOnce(
            &'a mut Session<MailStream>,
        ) -> Pin<
            Box<dyn Future<Output = async_imap::error::Result<R>> + Send + 'a>,
        >,
    ) -> Result<R, ImapError> {
        let session = self.session.as_mut().ok_or_else(lost)?;
        let result = tokio::time::timeout(COMMAND_TIMEOUT, run(session)).await;
        match result {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                let error = map_command_error(name, &e);
                if error.is_connection_lost() {
                    self.session = None;
                }
                Err(error)
            }
            Err(_) => {
                self.session = None;
                Err(stalled(name))
            }
        }
    }
}

fn lost() -> ImapError {
    ImapError::Io("the connection was lost earlier; connect again".to_owned())
}

fn stalled(command: &str) -> ImapError {
    ImapError::Io(format!(
        "{command}: no answer within {} s",
        COMMAND_TIMEOUT.as_secs()
    ))
}

async fn read_greeting(client: &mut Client<MailStream>) -> Result<(), ImapError> {
    let greeting = client
        .read_response()
        .await
        .map_err(|e| ImapError::Connect(format!("reading the greeting: {}", describe_io(&e))))?
        .ok_or_else(|| ImapError::Connect("closed before the greeting".to_owned()))?;
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok, ..
        } => Ok(()),
        Response::Data {
            status: Status::Bye,
            outcome,
            ..
        } => Err(ImapError::Connect(format!(
            "the server said BYE: {}",
            clean(outcome.information.as_deref().unwrap_or(""))
        ))),
        Response::Data {
            status: Status::PreAuth,
            ..
        } => Err(ImapError::Connect(
            "the server greeted PREAUTH; a login is expected".to_owned(),
        )),
        _ => Err(ImapError::Connect(
            "the server's greeting is not IMAP".to_owned(),
        )),
    }
}

async fn tls_handshake(host: &str, tcp: TcpStream) -> Result<TlsStream<TcpStream>, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // An explicit provider: with more than one rustls backend in the build, the process-wide
    // default cannot be chosen automatically (and rustls panics).
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| ImapError::Connect(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|_| ImapError::Connect(format!("not a host name for TLS: {host}")))?;
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| ImapError::Connect(format!("TLS with {host}: {e}")))
}

/// async-imap's error, told without what it may quote (server data, the password).
fn map_command_error(command: &str, e: &async_imap::error::Error) -> ImapError {
    use async_imap::error::Error;
    let text = format!("{command}: {}", describe(e, None));
    match e {
        // Also unparsable data: the stream cannot be trusted after it.
        Error::Io(_) | Error::ConnectionLost => ImapError::Io(text),
        _ => ImapError::Protocol(text),
    }
}

fn describe(e: &async_imap::error::Error, password: Option<&str>) -> String {
    use async_imap::error::Error;
    let text = match e {
        Error::Io(io) => describe_io(io),
        Error::Bad(info) => format!("BAD {}", clean(info)),
        Error::No(info) => format!("NO {}", clean(info)),
        Error::ConnectionLost => "connection lost".to_owned(),
        Error::Parse(_) => "unparsable server response".to_owned(),
        Error::Validate(_) => "an argument holds a character IMAP cannot send".to_owned(),
        Error::Append => "the server did not accept the message".to_owned(),
        _ => "unexpected error".to_owned(),
    };
    match password {
        Some(p) if !p.is_empty() => text.replace(p, "<redacted>"),
        _ => text,
    }
}

fn describe_io(e: &std::io::Error) -> String {
    // async-imap reports unparsable data as an `Other` error quoting it.
    if e.kind() == std::io::ErrorKind::Other {
        "unparsable or oversized server response".to_owned()
    } else {
        e.kind().to_string()
    }
}

/// A server text cut to 200 characters, without control characters.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The connection under async-imap: plain TCP (loopback, tests) or TLS.
#[derive(Debug)]
pub(crate) enum MailStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
