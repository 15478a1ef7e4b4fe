//! Need-to-know: who may read a case's personal fields, and the way in for those who may not
//! (breaking the glass, with a reason, for a limited time, audited and reviewed).
//!
//! Counselors see the personal fields (names, numbers, text, notes, attachments, safe-contact
//! details) of the cases they hold, held or opened; of any other case only an outline
//! (reference, urgency, flags, channel, country, status, times). Supervisors and admins see
//! every case in full: supervising is their purpose, and every read they make is audited.
//! The rule for each API route is written down in `rules::RULES`, and a test fails when a route
//! has none.

pub mod access;
pub mod break_glass;
pub mod lookups;
pub mod outline;
pub mod restricted;
pub mod rules;
pub mod sealed;

pub use access::{Access, Purpose, access_to_case, access_to_cases, require_full};
pub use outline::{CaseOutline, load_outline};

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error("case not found")]
    NotFound,
    #[error("you may only see this case's outline; break the glass on the case first")]
    NeedToKnow,
    #[error("{0}")]
    Invalid(crate::domain::FieldError),
    #[error("too many phone-number lookups; try again later")]
    TooManyLookups,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<PrivacyError> for crate::error::ApiError {
    fn from(e: PrivacyError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            PrivacyError::NotFound => ApiError::NotFound("case"),
            e @ PrivacyError::NeedToKnow => ApiError::NeedToKnow(e.to_string()),
            PrivacyError::Invalid(f) => ApiError::field(f),
            PrivacyError::TooManyLookups => ApiError::TooManyRequests,
            PrivacyError::Database(db) => db.into(),
        }
    }
}
