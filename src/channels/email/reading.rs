//! Reading the hotline's mailbox: fetch new messages over IMAP (without marking them seen),
//! record each in its own transaction, and only then mark it `\Seen` and remember its UID. A
//! crash or a database outage between fetch and commit loses nothing (the message is fetched
//! again); one between commit and `\Seen` duplicates nothing (the second recording is refused
//! by the channel-event keys).
//!
//! With several nodes only one reads, by a PostgreSQL advisory lock held on a connection kept
//! for as long as it reads. IDLE wakes the reader at once where the server has it;
//! `channels.email.poll_seconds` is the fallback and the safety net.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use hotline_email::imap::{IdleOutcome, MailboxReader};

use crate::channels::leader_lock::{LeaderLock, TAKE_OVER_EVERY};
use crate::context::AppContext;
use crate::intake::MailboxPlace;

/// `pg_try_advisory_lock` key for "this node reads the mailbox".
const READING_LOCK: i64 = 0x6d61_696c_626f_7831; // "mailbox1"

/// At most this many messages per round, so a full mailbox is read in steps.
const BATCH: usize = 50;

/// A deliberate stop inside a round, for tests that prove nothing is lost or duplicated when
/// the process dies there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmailFailpoint {
    #[default]
    None,
    /// After fetching, before anything is recorded.
    AfterFetch,
    /// After the first message is committed, before it is marked seen.
    AfterCommit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Another node holds the reading lock.
    NotLeader,
    /// Messages fetched and handled (possibly none).
    Read(usize),
}

/// The reader's state between rounds: the lock's connection and the IMAP session.
#[derive(Default)]
pub struct EmailReader {
    lock: Option<LeaderLock>,
    imap: Option<MailboxReader>,
}

impl EmailReader {
    /// Drops the IMAP session and lets go of the lock.
    pub async fn release(&mut self) {
        if let Some(imap) = self.imap.take() {
            let _ = imap.logout().await;
        }
        if let Some(lock) = self.lock.take() {
            lock.release().await;
        }
    }
}

/// One round: take (or keep) the lock, connect, fetch what is new, record it.
pub async fn read_mailbox_once(
    ctx: &AppContext,
    reader: &mut EmailReader,
    failpoint: EmailFailpoint,
) -> anyhow::Result<ReadOutcome> {
    let Some(channel) = &ctx.channels.email else {
        return Ok(ReadOutcome::NotLeader);
    };
    if !LeaderLock::keep_or_take(&ctx.db, READING_LOCK, &mut reader.lock).await? {
        // Another node reads the mailbox now: this node's IMAP session has nothing to do.
        if let Some(imap) = reader.imap.take() {
            let _ = imap.logout().await;
        }
        return Ok(ReadOutcome::NotLeader);
    }
    if reader.imap.is_none() {
        reader.imap = Some(
            MailboxReader::connect(&channel.imap)
                .await
                .map_err(|e| anyhow::anyhow!("imap: {e}"))?,
        );
    }
    let Some(imap) = reader.imap.as_mut() else {
        return Ok(ReadOutcome::Read(0));
    };
    let folder = channel.imap.folder.as_str();
    let state = imap
        .select()
        .await
        .map_err(|e| anyhow::anyhow!("imap select: {e}"))?;
    let stored: Option<(i64, i64)> =
        sqlx::query_as("SELECT uid_validity, last_uid FROM email_mailboxes WHERE mailbox = $1")
            .bind(folder)
            .fetch_optional(&ctx.db)
            .await?;
    let last_uid = match stored {
        Some((validity, last)) if validity == i64::from(state.uid_validity) => {
            u32::try_from(last).unwrap_or(0)
        }
        // First run, or the server renumbered the folder: start at the first unseen message
        // (never the years of mail already read by people), else after the newest.
        _ => {
            let unseen = imap
                .unseen_uids()
                .await
                .map_err(|e| anyhow::anyhow!("imap search: {e}"))?;
            match unseen.iter().min() {
                Some(first) => first.saturating_sub(1),
                None => state.uid_next.unwrap_or(1).saturating_sub(1),
            }
        }
    };
    let mails = imap
        .fetch_after(last_uid, BATCH)
        .await
        .map_err(|e| anyhow::anyhow!("imap fetch: {e}"))?;
    if failpoint == EmailFailpoint::AfterFetch {
        anyhow::bail!("failpoint: stopped after fetching");
    }
    let mut handled = 0;
    for mail in &mails {
        let place = MailboxPlace {
            mailbox: folder,
            uid_validity: state.uid_validity,
            uid: mail.uid,
        };
        super::receive(ctx, channel, place, &mail.raw).await?;
        // Committed: open consoles re-read.
        ctx.live.announce(&ctx.redis, None);
        if failpoint == EmailFailpoint::AfterCommit {
            anyhow::bail!("failpoint: stopped after committing, before marking seen");
        }
        imap.mark_seen(mail.uid)
            .await
            .map_err(|e| anyhow::anyhow!("imap store: {e}"))?;
        sqlx::query(
            "INSERT INTO email_mailboxes (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mailbox) DO UPDATE SET uid_validity = $2, last_uid = $3, updated_at = $4",
        )
        .bind(folder)
        .bind(i64::from(state.uid_validity))
        .bind(i64::from(mail.uid))
        .bind(ctx.now())
        .execute(&ctx.db)
        .await?;
        handled += 1;
    }
    if mails.is_empty() && stored.is_none() {
        // Remember where reading starts, so mail arriving later is not mistaken for old mail.
        sqlx::query(
            "INSERT INTO email_mailboxes (mailbox, uid_validity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mailbox) DO NOTHING",
        )
        .bind(folder)
        .bind(i64::from(state.uid_validity))
        .bind(i64::from(last_uid))
        .bind(ctx.now())
        .execute(&ctx.db)
        .await?;
    }
    Ok(ReadOutcome::Read(handled))
}

/// The reading loop inside `hotline serve`, until `stop` fires. A round under way is finished
/// (each message it recorded is marked seen), then the session and the lock are let go so
/// another node can take over at once.
pub async fn run_email_reading(ctx: AppContext, stop: CancellationToken) {
    let poll = Duration::from_secs(ctx.settings.channels.email.poll_seconds.max(5));
    let mut reader = EmailReader::default();
    while !stop.is_cancelled() {
        let pause = match read_mailbox_once(&ctx, &mut reader, EmailFailpoint::None).await {
            Ok(ReadOutcome::Read(n)) if n >= BATCH => continue,
            Ok(ReadOutcome::Read(_)) => {
                let idle = match reader.imap.as_mut() {
                    Some(imap) if imap.supports_idle() => tokio::select! {
                        () = stop.cancelled() => break,
                        idle = imap.idle_wait(poll) => idle,
                    },
                    _ => {
                        tokio::select! {
                            () = stop.cancelled() => break,
                            () = tokio::time::sleep(poll) => {}
                        }
                        Ok(IdleOutcome::Timeout)
                    }
                };
                if let Err(e) = idle {
                    tracing::warn!(error = %e, "mailbox IDLE failed; reconnecting");
                    reader.release().await;
                }
                continue;
            }
            Ok(ReadOutcome::NotLeader) => TAKE_OVER_EVERY,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "reading the mailbox failed; trying again");
                reader.release().await;
                Duration::from_secs(10)
            }
        };
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    reader.release().await;
}
