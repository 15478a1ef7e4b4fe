//! Pure value types shared by every feature. Parsing happens here, once, at the edge; after
//! that the rest of the code trusts the types. Types holding personal data redact `Debug`.

pub mod case;
pub mod contact;
pub mod ids;
pub mod report;
pub mod time;
pub mod urgency;

pub use case::{CaseStatus, ClosingReason, Reference};
pub use contact::{PersonName, PhoneNumber, SafeContact};
pub use ids::{CaseId, MessageId, ReporterId, UserId};
pub use report::{Answer, Answers, Caller, Channel, CountryCode, LanguageTag, NewReport};
pub use urgency::Level;

/// A field-level parse failure: which field, and why, in words safe to show the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}
