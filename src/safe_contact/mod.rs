//! Safe contact: how, where and when the hotline may contact a person first, and the one gate
//! every outbound contact passes at the moment it is made.
//!
//! - `rules.rs`: the rules as a value (channels, numbers, safe windows in the person's time
//!   zone, never-contact-first, no voicemail, code word, cover story, their own words);
//! - `words.rs`: safe times read from what the person typed;
//! - `gate.rs`: `decide(rules, channel, purpose, moment)` → allowed, forbidden (with a reason a
//!   counselor reads) or not before a moment; pure, with property tests;
//! - `store.rs`: the current rules and every earlier version (who, how, when), sealed;
//! - `update.rs`: a counselor changes the rules of a case they hold;
//! - `view.rs`: the rules as the API and the console show them (code word and cover story only
//!   to whoever may act on the case).

pub mod gate;
pub mod rules;
pub mod store;
mod update;
pub mod view;
pub mod words;

pub use gate::{Decision, Forbidden, Moment, Purpose, Windows, decide};
pub use rules::{ClockTime, Day, SafeContactRules, SafeWindow, Source, time_zone_of_country};
pub use store::{Current, load, load_for_case, record, seal_plaintext_safe_hours};
pub use update::update_for_case;
pub use view::{SafeContactView, VersionView};

#[derive(Debug, thiserror::Error)]
pub enum SafeContactError {
    #[error("case not found")]
    NotFound,
    #[error("stored safe-contact rules could not be decrypted")]
    Undecryptable,
    #[error(transparent)]
    Case(#[from] crate::cases::CaseError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SafeContactError> for crate::error::ApiError {
    fn from(e: SafeContactError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            SafeContactError::NotFound => ApiError::NotFound("case"),
            SafeContactError::Undecryptable => ApiError::Internal(anyhow::anyhow!(
                "safe-contact rules hold data the current keys cannot open"
            )),
            SafeContactError::Case(c) => c.into(),
            SafeContactError::Database(db) => db.into(),
        }
    }
}
