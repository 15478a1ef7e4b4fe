//! The second factor for staff sign-in: TOTP from an authenticator app, with single-use
//! recovery codes. Required for the roles in `auth.totp_required_roles` (supervisors and admins
//! by default), optional for everyone else. `codes` is the pure arithmetic, `store` keeps it in
//! PostgreSQL; signing in asks for a code in a second step (`auth::sign_in`), and a person who
//! must have one but has none can reach nothing but enrolment (`auth::identity`).

pub mod codes;
pub mod store;

use crate::auth::{Role, User};
use crate::settings::AuthSettings;

/// Whether this person's role must sign in with a second factor.
pub fn required_for(settings: &AuthSettings, user: &User) -> bool {
    settings.totp_required_roles.contains(&user.role)
}

/// Whether a role must (for the settings page and the CLI's messages).
pub fn required_for_role(settings: &AuthSettings, role: Role) -> bool {
    settings.totp_required_roles.contains(&role)
}

#[derive(Debug, thiserror::Error)]
pub enum SecondFactorError {
    #[error(
        "a second factor is already set up; remove it (with your password and a code) to set up another"
    )]
    AlreadyEnabled,
    #[error("no second factor is being set up; start again")]
    NotStarted,
    #[error("no second factor is set up")]
    NotEnabled,
    #[error("the code is not right")]
    WrongCode,
    #[error("the password or code is not right")]
    WrongCredentials,
    #[error("the stored seed cannot be opened with the current keys")]
    Unreadable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SecondFactorError> for crate::error::ApiError {
    fn from(e: SecondFactorError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            SecondFactorError::AlreadyEnabled => {
                ApiError::conflict("second_factor_enabled", e.to_string())
            }
            SecondFactorError::NotStarted => {
                ApiError::conflict("second_factor_not_started", e.to_string())
            }
            SecondFactorError::NotEnabled => {
                ApiError::conflict("second_factor_not_enabled", e.to_string())
            }
            SecondFactorError::WrongCode => ApiError::Unprocessable {
                code: "wrong_code",
                message: e.to_string(),
            },
            SecondFactorError::WrongCredentials => ApiError::Unprocessable {
                code: "wrong_credentials",
                message: e.to_string(),
            },
            SecondFactorError::Unreadable => ApiError::Internal(anyhow::anyhow!(
                "a second-factor seed cannot be opened with the current keys"
            )),
            SecondFactorError::Database(db) => db.into(),
        }
    }
}
