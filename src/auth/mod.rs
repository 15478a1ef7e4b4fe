//! Staff accounts, roles, sessions, API tokens, and the audit log.

pub mod audit;
pub mod identity;
pub mod passwords;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
pub mod throttle;
pub mod tokens;
pub mod users;

pub use identity::{Actor, Identity};
pub use users::{Role, User};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("a user with this email already exists")]
    DuplicateEmail,
    #[error("no such user")]
    UnknownUser,
    #[error("{0}")]
    Invalid(crate::domain::FieldError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<AuthError> for crate::error::ApiError {
    fn from(e: AuthError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            AuthError::DuplicateEmail => {
                ApiError::conflict("duplicate_email", "a user with this email already exists")
            }
            AuthError::UnknownUser => ApiError::NotFound("user"),
            AuthError::Invalid(f) => ApiError::field(f),
            AuthError::Database(db) => db.into(),
        }
    }
}
