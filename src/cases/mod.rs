//! A case as staff work with it: the full view, notes, status changes, and the supervisor's
//! filtered list of all cases.

mod attachments;
mod links;
mod list;
mod notes;
mod status;
mod urgency;
pub mod view;

pub use attachments::{Download, MetadataWarning, attachment_case, download_attachment};
pub use links::{LinkError, case_with_reference, link_cases, unlink_cases};
pub use list::{CaseFilter, list_cases};
pub use notes::add_note;

pub use status::{CLOSING_REASONS, change_status, closing_reason};
pub use urgency::{level_after_reassessment, override_urgency};
pub use view::{CaseView, load_case, load_case_on};

use crate::auth::Actor;
use crate::domain::CaseId;

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("case not found")]
    NotFound,
    #[error("you must hold this case to change it")]
    NotHolder,
    #[error("a case cannot go from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    #[error("{0}")]
    Invalid(crate::domain::FieldError),
    #[error("stored data could not be decrypted")]
    Undecryptable(CaseId),
    #[error("this file's metadata could not be removed")]
    MetadataKept,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<CaseError> for crate::error::ApiError {
    fn from(e: CaseError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            CaseError::NotFound => ApiError::NotFound("case"),
            CaseError::NotHolder => ApiError::conflict(
                "not_holder",
                "you must hold this case to change it (claim it first)",
            ),
            e @ CaseError::InvalidTransition { .. } => {
                ApiError::conflict("invalid_transition", e.to_string())
            }
            CaseError::Invalid(field) => ApiError::field(field),
            CaseError::MetadataKept => ApiError::conflict(
                "metadata_kept",
                "this file's metadata could not be removed: it may say where and on which \
                 device it was made, which can identify the reporter; download it with \
                 ?acknowledge=metadata once the person downloading has been warned",
            ),
            CaseError::Undecryptable(id) => ApiError::Internal(anyhow::anyhow!(
                "case {id} holds data that the current keys cannot open"
            )),
            CaseError::Database(db) => db.into(),
        }
    }
}

/// Checks that the actor holds the case's live lease (supervisors may act on any case).
pub(crate) async fn ensure_may_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    case_id: CaseId,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, CaseError> {
    let row: Option<(
        String,
        Option<crate::domain::UserId>,
        Option<chrono::DateTime<chrono::Utc>>,
    )> = sqlx::query_as(
        "SELECT status, holder_id, lease_expires_at FROM cases WHERE id = $1 FOR UPDATE",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (status, holder, expires) = row.ok_or(CaseError::NotFound)?;
    let holds = crate::queue::live_holder(holder, expires, now) == Some(actor.id);
    if holds || actor.is_supervisor {
        Ok(status)
    } else {
        Err(CaseError::NotHolder)
    }
}
