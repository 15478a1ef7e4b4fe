//! Turns for webhooks (`server.intake_concurrency`): at most that many webhook bodies are worked
//! on at once by this node, across its HTTP workers and the inbox reader, so under a flood a
//! counselor's claim competes with a handful of intake transactions, not with every webhook
//! that arrived (`scripts/faults/flood`, docs/reliability.md).
//!
//! A chat webhook (Telegram, LINE) that gets no turn within `server.intake_inbox_after_ms` goes
//! to the inbox (`channels::inbox`): sealed, committed, answered 200, read when a turn is free.
//! While the inbox may hold bodies, every chat webhook goes there too, so no message overtakes
//! an older one of its chat. A call event (or a chat webhook with the inbox off) waits up to
//! `server.intake_wait_ms` and is then answered 503 `busy` before anything is read or written.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::settings::ServerSettings;

/// The node's webhook turns and what it knows of the inbox, shared by the HTTP workers and
/// the inbox reader (`AppContext::turns`).
pub struct IntakeTurns {
    /// None: no limit (and no inbox: nothing ever waits).
    turns: Option<Arc<Semaphore>>,
    wait: Duration,
    /// None: the inbox is off.
    inbox_after: Option<Duration>,
    /// Set while the inbox may hold bodies (this node put one, or its reader saw some): chat
    /// webhooks then go to the inbox without asking for a turn. Cleared only by the reader,
    /// after it found the inbox empty with no put in flight.
    inbox_in_use: AtomicBool,
    /// Puts begun and not yet committed or failed.
    putting: AtomicUsize,
    /// Wakes the reader when a body was put.
    put_done: Notify,
}

/// What a webhook got.
pub enum Turn {
    /// Worked on now; the turn is given back when the permit drops.
    Taken(OwnedSemaphorePermit),
    /// No limit configured.
    Unlimited,
    /// Put the body in the inbox and answer 200.
    Inbox,
    /// No turn in time: 503 `busy`.
    Busy,
}

/// Marks a request whose body goes to the inbox (a request extension set by the turn
/// middleware, read by the chat webhook routes).
#[derive(Clone, Copy)]
pub struct ToInbox;

impl IntakeTurns {
    pub fn from_settings(s: &ServerSettings) -> IntakeTurns {
        let limited = s.intake_concurrency > 0;
        IntakeTurns {
            turns: limited.then(|| Arc::new(Semaphore::new(s.intake_concurrency))),
            wait: Duration::from_millis(s.intake_wait_ms),
            inbox_after: (limited && s.intake_inbox)
                .then(|| Duration::from_millis(s.intake_inbox_after_ms)),
            inbox_in_use: AtomicBool::new(false),
            putting: AtomicUsize::new(0),
            put_done: Notify::new(),
        }
    }

    /// A turn for a webhook; `chat` is true for Telegram and LINE (whose bodies may go to the
    /// inbox).
    pub async fn take(&self, chat: bool) -> Turn {
        let Some(turns) = &self.turns else {
            return Turn::Unlimited;
        };
        match (chat, self.inbox_after) {
            (true, Some(after)) => {
                if self.inbox_in_use.load(Ordering::SeqCst) {
                    return Turn::Inbox;
                }
                match tokio::time::timeout(after, turns.clone().acquire_owned()).await {
                    Ok(Ok(turn)) => Turn::Taken(turn),
                    _ => Turn::Inbox,
                }
            }
            _ => match tokio::time::timeout(self.wait, turns.clone().acquire_owned()).await {
                Ok(Ok(turn)) => Turn::Taken(turn),
                // Timed out (or, never in practice, the semaphore closed).
                _ => Turn::Busy,
            },
        }
    }

    /// A turn for the inbox reader: it waits as long as it takes.
    pub async fn take_for_reader(&self) -> Option<OwnedSemaphorePermit> {
        match &self.turns {
            Some(turns) => turns.clone().acquire_owned().await.ok(),
            None => None,
        }
    }

    /// Called before a body is put in the inbox; the guard ends the put.
    pub fn putting(&self) -> PutGuard<'_> {
        self.putting.fetch_add(1, Ordering::SeqCst);
        self.inbox_in_use.store(true, Ordering::SeqCst);
        PutGuard { turns: self }
    }

    /// The reader found nothing to read: clears the in-use mark unless a put is in flight or
    /// `still_holds` (asked after the put count was read) says bodies remain. The order of the
    /// steps is what makes this safe: a put that began before the count was read keeps the
    /// mark; one that began after it set the mark after this cleared it.
    pub async fn clear_unless<F, Fut>(&self, still_holds: F) -> Result<bool, sqlx::Error>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<bool, sqlx::Error>>,
    {
        self.inbox_in_use.store(false, Ordering::SeqCst);
        let in_flight = self.putting.load(Ordering::SeqCst) > 0;
        let holds = match still_holds().await {
            Ok(holds) => holds,
            Err(e) => {
                self.inbox_in_use.store(true, Ordering::SeqCst);
                return Err(e);
            }
        };
        if in_flight || holds {
            self.inbox_in_use.store(true, Ordering::SeqCst);
        }
        Ok(in_flight || holds)
    }

    /// Marks the inbox as in use (the reader saw bodies another node put).
    pub fn mark_in_use(&self) {
        self.inbox_in_use.store(true, Ordering::SeqCst);
    }

    /// Waits until a body is put on this node (or returns at once if one was since the last
    /// wait).
    pub async fn put_done(&self) {
        self.put_done.notified().await;
    }
}

/// A put in flight (see `IntakeTurns::putting`).
pub struct PutGuard<'a> {
    turns: &'a IntakeTurns,
}

impl Drop for PutGuard<'_> {
    fn drop(&mut self) {
        self.turns.putting.fetch_sub(1, Ordering::SeqCst);
        self.turns.put_done.notify_one();
    }
}
