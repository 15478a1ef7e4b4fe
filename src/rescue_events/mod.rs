//! Mass rescue events (issue 18): one raid on a scam compound, one boat intercepted, brings
//! many people at once. A counselor or supervisor registers the event once (name, place,
//! country, date, how many people are expected) and links each person's case to it, existing
//! cases or new phone cases entered in bulk, so a hundred survivors of one compound reach the
//! queue as one event, not a hundred strangers.
//!
//! Need-to-know: the event and its list show only the outline of each case (reference, status,
//! urgency, country, holder, times), whoever asks; reading a case in full still goes through
//! the case route's rules. The event's own name and place are operational facts, not any
//! person's data.

mod create;
mod link;
mod view;

pub use create::{NewEvent, create_event};
pub use link::{LinkRequest, link_cases};
pub use view::{EventBadge, EventCase, EventView, list_events, load_event};

use crate::domain::CaseId;

/// Most cases one request may link or create.
pub const MAX_CASES_PER_REQUEST: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("rescue event not found")]
    NotFound,
    #[error("case {0} does not exist")]
    UnknownCase(CaseId),
    #[error("case {0} already belongs to another rescue event")]
    InAnotherEvent(CaseId),
    #[error("this Idempotency-Key was used with a different request body")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Intake(#[from] crate::intake::phone_report::IntakeError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<EventError> for crate::error::ApiError {
    fn from(e: EventError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            EventError::NotFound => ApiError::NotFound("rescue event"),
            e @ EventError::UnknownCase(_) => ApiError::BadRequest {
                code: "invalid_field",
                message: e.to_string(),
                field: Some("case_ids".into()),
            },
            e @ EventError::InAnotherEvent(_) => {
                ApiError::conflict("in_another_event", e.to_string())
            }
            e @ EventError::IdempotencyKeyReused => ApiError::Unprocessable {
                code: "idempotency_key_reused",
                message: e.to_string(),
            },
            EventError::Intake(i) => i.into(),
            EventError::Database(db) => db.into(),
        }
    }
}
