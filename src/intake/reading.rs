//! Reading a message (triage's CPU-heavy part, about a millisecond for 2 KB) off the HTTP
//! workers and outside any transaction, a bounded number at a time.
//!
//! Inline, a flood's readings ran on the two actix workers that also serve the console: a
//! counselor's claim waited behind them, and a chat's reading held its identity row locked while
//! it ran. Here each reading runs on tokio's blocking pool, at most one fewer at once than the
//! machine has cores (at least one), so intake cannot take every core from the claims and the
//! database; what waits for a turn waits without a thread.

use std::sync::{Arc, LazyLock};

use tokio::sync::Semaphore;

use crate::triage::{MessageReading, TriageRules, read_message};

static TURNS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    Semaphore::new(cores.saturating_sub(1).max(1))
});

/// `read_message` on the blocking pool, when a turn is free.
pub async fn read_off_worker(text: String, rules: Arc<TriageRules>) -> MessageReading {
    // The semaphore is never closed, so a turn always comes.
    let _turn = TURNS.acquire().await.ok();
    match tokio::task::spawn_blocking(move || read_message(&text, &rules)).await {
        Ok(reading) => reading,
        // A panic inside the reading is the request's, as it was inline.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}
