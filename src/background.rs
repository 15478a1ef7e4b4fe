//! The work `serve` does beside answering HTTP: the job runner, Telegram long polling, the
//! mailbox reader, reloading rules on SIGHUP. Each runs supervised: a task that ends or panics
//! is logged and started again after a pause, so one bad moment never silently stops replies
//! from going out. On shutdown every task is told to stop, finishes what it is doing (the
//! current job, the current mailbox round), lets go of its leader lock, and `serve` waits for it
//! (up to a limit) before exiting.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// How long a task that stopped on its own waits before it is started again; doubled each time
/// it stops again quickly, up to `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const MAX_PAUSE: Duration = Duration::from_secs(60);
/// A task that ran this long before stopping starts again after `FIRST_PAUSE`.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// Supervised background tasks and the signal that stops them.
pub struct Supervisor {
    stop: CancellationToken,
    tasks: JoinSet<()>,
}

impl Default for Supervisor {
    fn default() -> Supervisor {
        Supervisor {
            stop: CancellationToken::new(),
            tasks: JoinSet::new(),
        }
    }
}

impl Supervisor {
    /// Runs `task` until shutdown, starting it again whenever it ends or panics. `task` gets the
    /// stop signal and must return soon after it fires, with its work in a consistent state.
    pub fn spawn<F, Fut>(&mut self, name: &'static str, task: F)
    where
        F: Fn(CancellationToken) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stop = self.stop.clone();
        self.tasks.spawn(async move {
            let mut pause = FIRST_PAUSE;
            loop {
                let started = tokio::time::Instant::now();
                let run = tokio::spawn(task(stop.clone())).await;
                if stop.is_cancelled() {
                    return;
                }
                match run {
                    Ok(()) => {
                        tracing::error!(task = name, "background task stopped; starting it again")
                    }
                    Err(e) if e.is_panic() => {
                        tracing::error!(task = name, "background task panicked; starting it again")
                    }
                    Err(_) => tracing::error!(
                        task = name,
                        "background task was cancelled; starting it again"
                    ),
                }
                crate::metrics::background_task_restarted(name);
                if started.elapsed() >= HEALTHY_RUN {
                    pause = FIRST_PAUSE;
                }
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(MAX_PAUSE);
            }
        });
    }

    /// Tells every task to stop and waits for them, at most `grace`.
    pub async fn shutdown(mut self, grace: Duration) {
        self.stop.cancel();
        let all_done = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all_done).await.is_err() {
            tracing::warn!("background tasks did not stop in time; exiting anyway");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_started_again() {
        let runs = Arc::new(AtomicUsize::new(0));
        let mut supervisor = Supervisor::default();
        let counted = runs.clone();
        supervisor.spawn("flaky", move |stop| {
            let runs = counted.clone();
            async move {
                let n = runs.fetch_add(1, Ordering::SeqCst);
                if n < 2 {
                    panic!("a bad moment");
                }
                stop.cancelled().await;
            }
        });
        // Paused time: the pauses between restarts pass at once.
        while runs.load(Ordering::SeqCst) < 3 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        supervisor.shutdown(Duration::from_secs(5)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_waits_for_the_current_piece_of_work() {
        let finished = Arc::new(AtomicUsize::new(0));
        let mut supervisor = Supervisor::default();
        let done = finished.clone();
        supervisor.spawn("worker", move |stop| {
            let done = done.clone();
            async move {
                while !stop.is_cancelled() {
                    // One job: not interrupted by the stop signal.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    done.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        supervisor.shutdown(Duration::from_secs(30)).await;
        assert_eq!(
            finished.load(Ordering::SeqCst),
            1,
            "the job under way was finished"
        );
    }
}
