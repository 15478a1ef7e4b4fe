//! Status changes along the allowed transitions; closing needs a reason.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use super::{CaseError, ensure_may_change};
use crate::auth::Actor;
use crate::auth::audit;
use crate::domain::{CaseId, CaseStatus, ClosingReason, FieldError};
use crate::settings::QueueSettings;

/// Why a case was closed (`ClosingReason`), as the strings the API takes.
pub const CLOSING_REASONS: &[&str] = &[
    ClosingReason::Resolved.as_str(),
    ClosingReason::ReferredElsewhere.as_str(),
    ClosingReason::NoFurtherContact.as_str(),
    ClosingReason::NotTrafficking.as_str(),
    ClosingReason::Duplicate.as_str(),
    ClosingReason::TestOrPrank.as_str(),
    ClosingReason::ReporterWithdrew.as_str(),
];

/// The closing rule: closing needs a reason from `CLOSING_REASONS`, and only closing takes one.
/// A blank reason counts as none.
pub fn closing_reason(
    next: CaseStatus,
    raw: Option<&str>,
) -> Result<Option<&'static str>, FieldError> {
    let given = raw.map(str::trim).filter(|r| !r.is_empty());
    match (next, given) {
        (CaseStatus::Closed, None) => Err(FieldError::new(
            "closing_reason",
            format!(
                "is required to close a case: one of {}",
                CLOSING_REASONS.join(", ")
            ),
        )),
        (CaseStatus::Closed, Some(r)) => CLOSING_REASONS
            .iter()
            .find(|known| **known == r)
            .map(|known| Some(*known))
            .ok_or_else(|| {
                FieldError::new(
                    "closing_reason",
                    format!("must be one of {}", CLOSING_REASONS.join(", ")),
                )
            }),
        (_, Some(_)) => Err(FieldError::new(
            "closing_reason",
            "is only for closing a case",
        )),
        (_, None) => Ok(None),
    }
}

/// Moves a case along an allowed transition (see `CaseStatus::can_become`), under the closing
/// rule. The holder (or a supervisor) may do it.
pub async fn change_status(
    db: &PgPool,
    queue: &QueueSettings,
    actor: Actor,
    case_id: CaseId,
    next: CaseStatus,
    closing_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), CaseError> {
    let closing_reason = self::closing_reason(next, closing_reason).map_err(CaseError::Invalid)?;
    let mut tx = db.begin().await?;
    let current = ensure_may_change(&mut tx, case_id, actor, now).await?;
    let from = CaseStatus::parse("status", &current).map_err(|_| CaseError::NotFound)?;
    if !from.can_become(next) {
        return Err(CaseError::InvalidTransition {
            from: from.as_str().into(),
            to: next.as_str().into(),
        });
    }
    // Referred and closed cases leave the queue and their holder; `waiting` means the
    // counselor has answered and waits for the reporter.
    let releases = matches!(next, CaseStatus::Referred | CaseStatus::Closed);
    sqlx::query(
        "UPDATE cases SET status = $2, closing_reason = $3, updated_at = $4,
             awaiting_reply = CASE WHEN $2 = 'waiting' THEN FALSE ELSE awaiting_reply END,
             holder_id = CASE WHEN $5 THEN NULL ELSE holder_id END,
             lease_expires_at = CASE WHEN $5 THEN NULL ELSE lease_expires_at END
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(next.as_str())
    .bind(closing_reason)
    .bind(now)
    .bind(releases)
    .execute(&mut *tx)
    .await?;
    if releases {
        // Closed or referred before anyone answered: no answer time, perhaps a breach.
        crate::supervisor::answer_clock::end_unanswered(
            &mut tx,
            case_id,
            &queue.answer_target_seconds,
            now,
        )
        .await?;
    } else {
        let _ = crate::queue::renew(&mut *tx, queue, actor.id, case_id, now).await;
    }
    let details = json!({ "from": from, "to": next, "closing_reason": closing_reason });
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.status_changed",
        Some(case_id),
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
