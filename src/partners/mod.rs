//! The partner directory: police units, shelters, social-welfare offices, labour inspectors,
//! embassies, health and legal-aid services, NGOs. Entries say what a partner covers (provinces,
//! the whole country, origin → destination pairs across borders), what it does, which languages
//! it speaks, when it is open and how referrals reach it. Entries not verified for
//! `referrals.stale_after_days` are flagged. A shelter's street address is confidential.

pub mod demo;
pub mod exchange;
pub mod model;
pub mod store;

pub use model::{Hours, Partner, PartnerInput, PartnerPatch, PartnerType, Service};
pub use store::View;

#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    #[error("partner not found")]
    NotFound,
    #[error("{0}")]
    Invalid(#[from] crate::domain::FieldError),
    #[error("stored data could not be decrypted")]
    Undecryptable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<PartnerError> for crate::error::ApiError {
    fn from(e: PartnerError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            PartnerError::NotFound => ApiError::NotFound("partner"),
            PartnerError::Invalid(f) => ApiError::field(f),
            PartnerError::Undecryptable => {
                ApiError::Internal(anyhow::anyhow!("a partner's address cannot be opened"))
            }
            PartnerError::Database(db) => db.into(),
            PartnerError::Internal(e) => ApiError::Internal(e),
        }
    }
}
