//! Referrals that close the loop: the case record, suggestions from the partner directory,
//! consent, minimal packets per partner type, delivery by email from the outbox, a signed link
//! through which partners without an account acknowledge, accept or decline and report the
//! outcome, and escalation when a partner does not answer in time.

pub mod consent;
pub mod create;
pub mod delivery;
pub mod escalation;
pub mod facts;
pub mod follow_up;
pub mod link;
pub mod list;
pub mod packet;
pub mod partner_entry;
pub mod partner_page;
pub mod record;
pub mod replies;
pub mod rules;
pub mod status;
pub mod steps;
pub mod suggestions;

pub use delivery::{SEND_REFERRAL_EMAIL_JOB, SendReferralEmail};
pub use escalation::{ESCALATE_REFERRAL_JOB, EscalateReferral};
pub use record::{CaseRecord, load_record, save_record};

use crate::cases::CaseError;
use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ReferralError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Partner(#[from] crate::partners::PartnerError),
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error(
        "the person has not consented to this referral; record consent, or an override with its reason"
    )]
    ConsentRequired,
    #[error("a referral cannot go from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    #[error("stored data could not be decrypted")]
    Undecryptable,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ReferralError> for crate::error::ApiError {
    fn from(e: ReferralError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            ReferralError::NotFound(what) => ApiError::NotFound(what),
            ReferralError::Case(c) => c.into(),
            ReferralError::Partner(p) => p.into(),
            ReferralError::Invalid(f) => ApiError::field(f),
            e @ ReferralError::ConsentRequired => {
                ApiError::conflict("consent_required", e.to_string())
            }
            e @ ReferralError::InvalidTransition { .. } => {
                ApiError::conflict("invalid_transition", e.to_string())
            }
            ReferralError::Undecryptable => ApiError::Internal(anyhow::anyhow!(
                "referral data cannot be opened with the current keys"
            )),
            ReferralError::Database(db) => db.into(),
            ReferralError::Internal(e) => ApiError::Internal(e),
        }
    }
}
