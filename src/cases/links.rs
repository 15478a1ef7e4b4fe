//! A counselor's decision that two cases concern the same person, and taking it back. Never
//! made automatically: the same LINE and Telegram accounts, or the same phone number, may be
//! held by a trafficker, so only a person who has read both cases links them. Both directions
//! are stored; the audit log keeps who linked and unlinked, and when.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use super::{CaseError, ensure_may_change};
use crate::auth::Actor;
use crate::auth::audit;
use crate::domain::CaseId;
use crate::settings::QueueSettings;

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("a case cannot be linked to itself")]
    SameCase,
    #[error("the other case was not found")]
    OtherNotFound,
    #[error("the cases are not linked")]
    NotLinked,
}

impl From<sqlx::Error> for LinkError {
    fn from(e: sqlx::Error) -> LinkError {
        LinkError::Case(CaseError::Database(e))
    }
}

impl From<LinkError> for crate::error::ApiError {
    fn from(e: LinkError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            LinkError::Case(c) => c.into(),
            e @ LinkError::SameCase => ApiError::bad_request("same_case", e.to_string()),
            LinkError::OtherNotFound => ApiError::NotFound("linked case"),
            e @ LinkError::NotLinked => ApiError::conflict("not_linked", e.to_string()),
        }
    }
}

/// The case a counselor means by its reference ("H-…"), if there is one.
pub async fn case_with_reference(
    db: &PgPool,
    reference: &str,
) -> Result<Option<CaseId>, sqlx::Error> {
    let found: Option<(CaseId,)> = sqlx::query_as("SELECT id FROM cases WHERE reference = $1")
        .bind(reference)
        .fetch_optional(db)
        .await?;
    Ok(found.map(|(id,)| id))
}

/// Links `case_id` (which the actor must hold) and `other`. Linking twice changes nothing and
/// is not an error.
pub async fn link_cases(
    db: &PgPool,
    queue: &QueueSettings,
    actor: Actor,
    case_id: CaseId,
    other: CaseId,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    if case_id == other {
        return Err(LinkError::SameCase);
    }
    let mut tx = db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let exists: Option<(CaseId,)> = sqlx::query_as("SELECT id FROM cases WHERE id = $1")
        .bind(other)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(LinkError::OtherNotFound);
    }
    let added = sqlx::query(
        "INSERT INTO case_links (case_id, linked_case_id, linked_by, at) VALUES ($1, $2, $3, $4), ($2, $1, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(case_id)
    .bind(other)
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        audit_both(&mut tx, actor, "case.linked", case_id, other, now).await?;
    }
    let _ = crate::queue::renew(&mut *tx, queue, actor.id, case_id, now).await;
    tx.commit().await?;
    Ok(())
}

/// Removes the link between `case_id` (which the actor must hold) and `other`, both ways.
pub async fn unlink_cases(
    db: &PgPool,
    queue: &QueueSettings,
    actor: Actor,
    case_id: CaseId,
    other: CaseId,
    now: DateTime<Utc>,
) -> Result<(), LinkError> {
    let mut tx = db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let removed = sqlx::query(
        "DELETE FROM case_links WHERE (case_id = $1 AND linked_case_id = $2)
                                  OR (case_id = $2 AND linked_case_id = $1)",
    )
    .bind(case_id)
    .bind(other)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(LinkError::NotLinked);
    }
    audit_both(&mut tx, actor, "case.unlinked", case_id, other, now).await?;
    let _ = crate::queue::renew(&mut *tx, queue, actor.id, case_id, now).await;
    tx.commit().await?;
    Ok(())
}

/// Records the change in both cases' history, each naming the other.
async fn audit_both(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    actor: Actor,
    action: &str,
    case_id: CaseId,
    other: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for (this, that) in [(case_id, other), (other, case_id)] {
        audit::record(
            &mut **tx,
            Some(actor.id),
            action,
            Some(this),
            json!({ "linked_case_id": that }),
            now,
        )
        .await?;
    }
    Ok(())
}
