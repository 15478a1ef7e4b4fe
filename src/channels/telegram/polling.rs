//! Long polling for hotlines without a public HTTPS address (`channels.telegram.mode:
//! polling`). Every update goes through the same `receive` as the webhook.
//!
//! With several nodes only one polls: it holds a PostgreSQL advisory lock on a connection kept
//! for as long as it polls; the others try again later. Telegram keeps unconfirmed updates, so
//! the offset lives in memory: after a restart the same updates come again and are recorded
//! once (the channel-event key).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::channels::leader_lock::{LeaderLock, TAKE_OVER_EVERY};
use crate::context::AppContext;

/// `pg_try_advisory_lock` key for "this node polls Telegram".
const POLLING_LOCK: i64 = 0x7465_6c65_6772_616d; // "telegram"

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// Another node holds the polling lock.
    NotLeader,
    /// Updates received and recorded (possibly none).
    Received(usize),
}

/// The poller's state between calls: the lock's connection and the next offset.
#[derive(Default)]
pub struct Poller {
    lock: Option<LeaderLock>,
    offset: Option<i64>,
}

impl Poller {
    /// Lets go of the polling lock and closes its connection (returned to the pool, the session,
    /// and with it the lock, would stay alive).
    pub async fn release(&mut self) {
        if let Some(lock) = self.lock.take() {
            lock.release().await;
        }
    }
}

/// One round: take (or keep) the lock, fetch updates, record each, move the offset past those
/// recorded. An update whose recording fails stops the round, so it is fetched again.
pub async fn poll_telegram_once(
    ctx: &AppContext,
    poller: &mut Poller,
    timeout_secs: u32,
) -> anyhow::Result<PollOutcome> {
    let Some(tg) = &ctx.channels.telegram else {
        return Ok(PollOutcome::NotLeader);
    };
    if !LeaderLock::keep_or_take(&ctx.db, POLLING_LOCK, &mut poller.lock).await? {
        return Ok(PollOutcome::NotLeader);
    }
    let updates = tg
        .client
        .get_updates(poller.offset, timeout_secs)
        .await
        .map_err(|e| anyhow::anyhow!("getUpdates: {e}"))?;
    let mut recorded = 0;
    for update in updates {
        super::receive(ctx, tg, &update.body).await?;
        // Committed: open consoles re-read (the webhook's middleware does this for webhooks).
        ctx.live.announce(&ctx.redis, None);
        poller.offset = Some(update.update_id + 1);
        recorded += 1;
    }
    Ok(PollOutcome::Received(recorded))
}

/// The polling loop inside `hotline serve`, until `stop` fires. A round cut short by the stop
/// loses nothing: updates not yet confirmed come again from Telegram.
pub async fn run_telegram_polling(ctx: AppContext, stop: CancellationToken) {
    let timeout = ctx.settings.channels.telegram.poll_timeout_seconds;
    let mut poller = Poller::default();
    while !stop.is_cancelled() {
        let pause = tokio::select! {
            () = stop.cancelled() => break,
            outcome = poll_telegram_once(&ctx, &mut poller, timeout) => match outcome {
                Ok(PollOutcome::Received(_)) => continue,
                Ok(PollOutcome::NotLeader) => TAKE_OVER_EVERY,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "telegram polling failed; trying again");
                    // Start over with a fresh lock connection next round.
                    poller.release().await;
                    Duration::from_secs(5)
                }
            },
        };
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(pause) => {}
        }
    }
    // Another node may take over at once.
    poller.release().await;
}
