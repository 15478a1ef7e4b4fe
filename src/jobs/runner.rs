//! Claims and runs due jobs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

use super::JobHandler;
use crate::context::AppContext;

/// Job kinds and their handlers. Kinds without a handler stay in the table untouched, so a
/// node running older code never fails a newer node's jobs.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn with(mut self, kind: &str, handler: impl JobHandler) -> Registry {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
        self
    }

    /// The same handlers, for `kinds` only.
    pub fn only(&self, kinds: &[&str]) -> Registry {
        Registry {
            handlers: (self.handlers.iter())
                .filter(|(kind, _)| kinds.contains(&kind.as_str()))
                .map(|(kind, handler)| (kind.clone(), handler.clone()))
                .collect(),
        }
    }

    /// The same handlers, without `kinds`.
    pub fn without(&self, kinds: &[&str]) -> Registry {
        Registry {
            handlers: (self.handlers.iter())
                .filter(|(kind, _)| !kinds.contains(&kind.as_str()))
                .map(|(kind, handler)| (kind.clone(), handler.clone()))
                .collect(),
        }
    }

    pub fn kinds(&self) -> Vec<String> {
        self.handlers.keys().cloned().collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// No due job of a known kind.
    Idle,
    Succeeded,
    /// Failed; will run again after the back-off.
    Retrying,
    /// Failed for the last time; kept with `failed_at` set.
    GaveUp,
}

/// How long a claimed job is hidden from other runners. The runner renews it every
/// `RENEW_LEASE_EVERY` while the job runs, so a long send keeps its job, and a job whose node
/// died (`kill -9`, power lost) is run by another node within this lease rather than minutes
/// later: a reply to a frightened person should not wait five minutes for a crash to expire.
pub const LEASE_SECONDS: i64 = 30;

/// How often a running job's lease is pushed forward: three renewals fit in one lease, so one
/// slow or failed renewal does not hand a live job to another node.
const RENEW_LEASE_EVERY: Duration = Duration::from_secs(10);

/// Runs at most one due job. Tests call this until it returns `Idle` instead of sleeping.
pub async fn run_pending_once(
    ctx: &AppContext,
    registry: &Registry,
    backoff_base_seconds: i64,
) -> anyhow::Result<JobOutcome> {
    let now = ctx.now();
    let claimed: Option<(i64, String, serde_json::Value, i32, i32)> = sqlx::query_as(
        "UPDATE jobs SET attempts = attempts + 1, locked_until = $1 + make_interval(secs => $3)
         WHERE id = (
             SELECT id FROM jobs
             WHERE failed_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
               AND kind = ANY ($2)
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, payload, attempts, max_attempts",
    )
    .bind(now)
    .bind(registry.kinds())
    .bind(LEASE_SECONDS as f64)
    .fetch_optional(&ctx.db)
    .await?;
    let Some((id, kind, payload, attempts, max_attempts)) = claimed else {
        return Ok(JobOutcome::Idle);
    };
    let Some(handler) = registry.handlers.get(&kind) else {
        return Ok(JobOutcome::Idle);
    };
    let result = {
        let work = handler.run(ctx, &payload);
        tokio::pin!(work);
        loop {
            tokio::select! {
                result = &mut work => break result,
                () = tokio::time::sleep(RENEW_LEASE_EVERY) => {
                    if let Err(e) = renew_lease(ctx, id, attempts).await {
                        tracing::warn!(job.id = id, error = %e, "job lease could not be renewed");
                    }
                }
            }
        }
    };
    // Every write below names the attempt this runner claimed: a runner that lost its lease
    // (stalled past it while another node took the job) changes nothing when it wakes.
    match result {
        Ok(()) => {
            sqlx::query("DELETE FROM jobs WHERE id = $1 AND attempts = $2")
                .bind(id)
                .bind(attempts)
                .execute(&ctx.db)
                .await?;
            crate::metrics::job(&kind, "succeeded");
            ctx.live.announce(&ctx.redis, None); // a delivery state changed: pages re-read
            Ok(JobOutcome::Succeeded)
        }
        Err(e) => {
            // The error text is ours (contexts), never payload content.
            let error = format!("{e:#}");
            tracing::warn!(job.id = id, job.kind = %kind, attempts, error = %error, "job failed");
            if attempts >= max_attempts {
                sqlx::query("UPDATE jobs SET failed_at = $2, last_error = $3, locked_until = NULL WHERE id = $1 AND attempts = $4")
                    .bind(id)
                    .bind(ctx.now())
                    .bind(&error)
                    .bind(attempts)
                    .execute(&ctx.db)
                    .await?;
                crate::metrics::job(&kind, "gave_up");
                ctx.live.announce(&ctx.redis, None);
                Ok(JobOutcome::GaveUp)
            } else {
                let delay = match e.downcast_ref::<super::RetryAfter>() {
                    Some(asked) => chrono::Duration::from_std(asked.after)
                        .unwrap_or_else(|_| backoff(backoff_base_seconds, attempts)),
                    None => backoff(backoff_base_seconds, attempts),
                };
                sqlx::query("UPDATE jobs SET run_at = $2, last_error = $3, locked_until = NULL WHERE id = $1 AND attempts = $4")
                    .bind(id)
                    .bind(ctx.now() + delay)
                    .bind(&error)
                    .bind(attempts)
                    .execute(&ctx.db)
                    .await?;
                crate::metrics::job(&kind, "retrying");
                Ok(JobOutcome::Retrying)
            }
        }
    }
}

/// Pushes a running job's lease `LEASE_SECONDS` past now, if this runner's claim still holds.
/// Public so a test can stand in for the renewal timer without waiting ten seconds.
pub async fn renew_lease(ctx: &AppContext, id: i64, attempts: i32) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET locked_until = $3 + make_interval(secs => $4)
         WHERE id = $1 AND attempts = $2 AND failed_at IS NULL",
    )
    .bind(id)
    .bind(attempts)
    .bind(ctx.now())
    .bind(LEASE_SECONDS as f64)
    .execute(&ctx.db)
    .await?;
    Ok(())
}

/// `base * 2^(attempts-1)`, capped at one hour.
fn backoff(base_seconds: i64, attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    chrono::Duration::seconds(base_seconds.saturating_mul(1 << exp).min(3600))
}

/// The runner loop inside `hotline serve`: drain due jobs, then wait for the poll interval.
/// Runs jobs until `stop` fires. A job under way is finished first: stopping never leaves one
/// half done (and a job cut short by a crash is run again by the next node, once its lease of
/// `LEASE_SECONDS` ends).
pub async fn run_until_stopped(
    ctx: AppContext,
    registry: Registry,
    poll: Duration,
    backoff_base_seconds: i64,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        let outcome = run_pending_once(&ctx, &registry, backoff_base_seconds).await;
        let pause = match outcome {
            Ok(JobOutcome::Idle) => poll,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "job runner could not reach the database");
                poll
            }
        };
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(pause) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        assert_eq!(backoff(5, 1), chrono::Duration::seconds(5));
        assert_eq!(backoff(5, 3), chrono::Duration::seconds(20));
        assert_eq!(backoff(5, 40), chrono::Duration::seconds(3600));
    }
}
