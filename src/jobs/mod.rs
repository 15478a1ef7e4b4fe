//! Background jobs in a PostgreSQL table (the crates.io pattern).
//!
//! A job is a kind plus a JSON payload of ids; handlers reload state from the database and
//! must be safe to run twice. The runner claims due jobs with `FOR UPDATE SKIP LOCKED` and a
//! short lock lease, so two nodes never run the same job at once and a node that dies mid-job
//! only delays it. Failures retry with exponential back-off until `max_attempts`, then the job
//! is kept, marked failed, for a person to look at. Every outbound send is a job
//! (`messaging::outbox`).

mod runner;

pub use runner::{
    JobOutcome, LEASE_SECONDS, Registry, renew_lease, run_pending_once, run_until_stopped,
};

/// A handler's error that names when to try again (e.g. a platform's `retry_after`), instead
/// of the runner's exponential back-off.
#[derive(Debug, thiserror::Error)]
#[error("{reason} (retry after {after:?})")]
pub struct RetryAfter {
    pub after: std::time::Duration,
    pub reason: String,
}

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;

use crate::context::AppContext;

/// A job handler: reload what the ids point at, do the work, return an error to retry.
pub trait JobHandler: Send + Sync + 'static {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// Enqueues a job in the caller's transaction, so the job exists exactly when the change that
/// needs it is committed. With a `dedupe_key`, a second enqueue of the same job is a no-op.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    kind: &str,
    payload: &serde_json::Value,
    dedupe_key: Option<&str>,
    run_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .bind(run_at)
    .execute(db)
    .await?;
    Ok(())
}
