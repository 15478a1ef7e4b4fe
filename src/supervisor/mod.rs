//! What supervisors see: how long people wait for a human (the answer clock of each case,
//! reported as percentiles against the targets), the live state of the hotline (the
//! dashboard), and the statistics agencies publish, with small cells suppressed.
//!
//! The answer targets are the queue's (`queue.answer_target_seconds`): one source of truth for
//! when a case ages up the queue and when its answer is late.

pub mod action_clock;
pub mod activity;
pub mod answer_clock;
pub mod breaches;
pub mod callbacks_and_referrals;
pub mod charts;
pub mod dashboard;
pub mod dimensions;
pub mod export;
pub mod export_command;
pub mod percentiles;
pub mod period;
pub mod response_times;
pub mod suppression;

pub use action_clock::{ActionClockTargets, ActionStep, action_times};
pub use answer_clock::{AnsweredBy, Start};
pub use dashboard::{Dashboard, dashboard};
pub use percentiles::Summary;
pub use period::Period;
pub use response_times::{GroupBy, response_times, response_times_for};

use crate::domain::FieldError;

/// A read-only transaction for a period report, with room to sort a year of rows in memory
/// (PostgreSQL's default 4 MB spills a year's answer times to disk).
pub(crate) async fn report_transaction(
    db: &sqlx::PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("SET TRANSACTION READ ONLY")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL work_mem = '64MB'")
        .execute(&mut *tx)
        .await?;
    // A year's scan is estimated expensive enough to JIT-compile, which took 0.4 s of a 1.2 s
    // query at 200,000 cases and saves less than it costs on queries this simple.
    sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await?;
    Ok(tx)
}

#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SupervisorError> for crate::error::ApiError {
    fn from(e: SupervisorError) -> crate::error::ApiError {
        match e {
            SupervisorError::Invalid(f) => crate::error::ApiError::field(f),
            SupervisorError::Database(db) => db.into(),
        }
    }
}
