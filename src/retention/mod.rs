//! Retention and "forget me" (issue 17): personal data is kept only as long as it is needed.
//!
//! - `sweep`: the schedules of `retention.*`: chat contacts that never became a case are
//!   purged, closed cases' personal fields erased, attachments deleted, each after its number of
//!   days; run daily by a job (`RetentionSweep`) and by `hotline retention [--dry-run]`.
//! - `legal_hold`: a supervisor puts a case on hold (with a reason, audited); nothing here
//!   touches a held case.
//! - `forget_me`: a reporter asks, in the chat or through a counselor, that their data be
//!   erased: outbound stops at once, the bot's messages are deleted from the chat where the
//!   platform allows it (`platform_deletions`), personal fields are erased unless a hold
//!   applies; statistics stay.
//! - `chat`: the stop words and the second confirmation in the chat.
//! - `erase`: the erasing itself, shared by all of the above.

pub mod chat;
pub mod erase;
pub mod forget_me;
pub mod legal_hold;
pub mod platform_deletions;
pub mod sweep;

pub use forget_me::{ForgetOutcome, forget_reporter};
pub use platform_deletions::{DELETE_PLATFORM_MESSAGES_JOB, DeletePlatformMessages};
pub use sweep::{RETENTION_SWEEP_JOB, RetentionSweep, SweepCounts, schedule_next_sweep, sweep};

use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("case not found")]
    NotFound,
    #[error("the case is not under legal hold")]
    NotHeld,
    #[error("{0}")]
    Invalid(FieldError),
    #[error(transparent)]
    Case(#[from] crate::cases::CaseError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<RetentionError> for crate::error::ApiError {
    fn from(e: RetentionError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            RetentionError::NotFound => ApiError::NotFound("case"),
            RetentionError::NotHeld => ApiError::NotFound("legal hold"),
            RetentionError::Invalid(f) => ApiError::field(f),
            RetentionError::Case(c) => c.into(),
            RetentionError::Database(db) => db.into(),
        }
    }
}
