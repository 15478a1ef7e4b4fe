//! Callbacks: the hotline's promise "we will call you back", kept without endangering anyone.
//! A callback is scheduled by a counselor within the person's safe-contact rules (the gate
//! decides), owned, attempted, retried with back-off into the next safe window, and escalated
//! or closed after `callbacks.max_attempts`. Missed calls from the phone system become
//! candidates a counselor approves or dismisses.
//!
//! - `schedule.rs`: a counselor schedules one (or a follow-up plan);
//! - `attempt.rs`: an attempt's outcome, applied (`retry.rs` decides, pure);
//! - `candidates.rs`: approving or dismissing a missed call's candidate;
//! - `missed_call.rs`: a call event from the phone system;
//! - `view.rs`: loading and listing callbacks as the API shows them.

mod attempt;
mod candidates;
pub mod missed_call;
pub mod retry;
mod schedule;
pub mod view;

pub use attempt::record_attempt;
pub use candidates::{approve, dismiss};
pub use retry::Outcome;
pub use schedule::{NewCallback, Owner, plan_follow_ups, schedule};
pub use view::{CallbackFilter, CallbackView, DueCallback, for_case, list, load, overdue_count};

use chrono::{DateTime, Utc};

use crate::cases::CaseError;
use crate::safe_contact::SafeContactError;

#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    #[error("callback not found")]
    NotFound,
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("{0}")]
    Invalid(crate::domain::FieldError),
    /// The person's rules forbid this contact (the reason a counselor reads).
    #[error("{0}")]
    SafeContactForbids(&'static str),
    #[error("outside the person's safe times")]
    OutsideSafeWindow { next_allowed: DateTime<Utc> },
    #[error("this callback is {0}; only a scheduled callback can be attempted")]
    NotScheduled(String),
    #[error("this callback is {0}, not a candidate")]
    NotCandidate(String),
    #[error("stored data could not be decrypted")]
    Undecryptable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SafeContactError> for CallbackError {
    fn from(e: SafeContactError) -> CallbackError {
        match e {
            SafeContactError::NotFound => CallbackError::Case(CaseError::NotFound),
            SafeContactError::Undecryptable => CallbackError::Undecryptable,
            SafeContactError::Case(c) => CallbackError::Case(c),
            SafeContactError::Database(db) => CallbackError::Database(db),
        }
    }
}

impl From<crate::domain::FieldError> for CallbackError {
    fn from(e: crate::domain::FieldError) -> CallbackError {
        CallbackError::Invalid(e)
    }
}

impl From<CallbackError> for crate::error::ApiError {
    fn from(e: CallbackError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            CallbackError::NotFound => ApiError::NotFound("callback"),
            CallbackError::Case(c) => c.into(),
            CallbackError::Invalid(f) => ApiError::field(f),
            CallbackError::SafeContactForbids(why) => {
                ApiError::conflict("safe_contact_forbids", why)
            }
            e @ CallbackError::OutsideSafeWindow { next_allowed } => {
                let mut details = serde_json::Map::new();
                details.insert(
                    "next_allowed".into(),
                    serde_json::Value::String(crate::domain::time::format(&next_allowed)),
                );
                ApiError::ConflictWith {
                    code: "outside_safe_window",
                    message: format!(
                        "{e}; the next safe moment is {}",
                        crate::domain::time::format(&next_allowed)
                    ),
                    details,
                }
            }
            e @ CallbackError::NotScheduled(_) => {
                ApiError::conflict("not_scheduled", e.to_string())
            }
            e @ CallbackError::NotCandidate(_) => {
                ApiError::conflict("not_candidate", e.to_string())
            }
            CallbackError::Undecryptable => ApiError::Internal(anyhow::anyhow!(
                "a callback holds data the current keys cannot open"
            )),
            CallbackError::Database(db) => db.into(),
        }
    }
}
