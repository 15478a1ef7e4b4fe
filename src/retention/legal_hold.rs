//! A legal hold on a case: an investigation, a court order or a duty to keep records means the
//! case must stay whole. Retention and forget-me leave a held case untouched. Placing and
//! lifting a hold are a supervisor's acts, audited (the reason is sealed: it may name an
//! investigation; the audit entry holds none of it).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::{PgExecutor, PgPool};

use super::RetentionError;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, FieldError, UserId};

/// A parsed reason for a hold.
pub fn parse_reason(raw: Option<&str>) -> Result<FreeText, RetentionError> {
    FreeText::parse("reason", raw.unwrap_or(""), 500)
        .map_err(RetentionError::Invalid)?
        .ok_or_else(|| {
            RetentionError::Invalid(FieldError::new(
                "reason",
                "is required: say why the case must be kept (an investigation, a court order)",
            ))
        })
}

/// The hold on a case, as the case view shows it.
#[derive(Debug, Clone, Serialize)]
pub struct LegalHold {
    pub reason: String,
    pub placed_by: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub placed_at: DateTime<Utc>,
}

/// Places a hold (or replaces its reason). Audited as `case.legal_hold_placed`.
pub async fn place(
    db: &PgPool,
    keys: &KeyRing,
    by: UserId,
    case: CaseId,
    reason: &FreeText,
    now: DateTime<Utc>,
) -> Result<(), RetentionError> {
    let mut tx = db.begin().await?;
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE")
        .bind(case)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Err(RetentionError::NotFound);
    }
    sqlx::query(
        "INSERT INTO legal_holds (case_id, reason_enc, placed_by, placed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id) DO UPDATE SET reason_enc = $2, placed_by = $3, placed_at = $4",
    )
    .bind(case)
    .bind(keys.seal_at(reason.as_str(), "legal_holds", "reason_enc", case))
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(by),
        "case.legal_hold_placed",
        Some(case),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::metrics::retention("legal_hold_placed", 1);
    Ok(())
}

/// Lifts the hold. Audited as `case.legal_hold_lifted`.
pub async fn lift(
    db: &PgPool,
    by: UserId,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<(), RetentionError> {
    let mut tx = db.begin().await?;
    let lifted = sqlx::query("DELETE FROM legal_holds WHERE case_id = $1")
        .bind(case)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if lifted == 0 {
        return Err(RetentionError::NotHeld);
    }
    audit::record(
        &mut *tx,
        Some(by),
        "case.legal_hold_lifted",
        Some(case),
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::metrics::retention("legal_hold_lifted", 1);
    Ok(())
}

/// The hold on a case, if any (the reason opened for who may read the case in full).
pub async fn of_case(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    case: CaseId,
) -> Result<Option<LegalHold>, sqlx::Error> {
    let row: Option<(Vec<u8>, Option<String>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT h.reason_enc, u.email, h.placed_at FROM legal_holds h
         LEFT JOIN users u ON u.id = h.placed_by WHERE h.case_id = $1",
    )
    .bind(case)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(reason, placed_by, placed_at)| opened(keys, case, &reason, placed_by, placed_at)))
}

/// A hold read with its case (`cases::load_case` joins it), its reason opened.
pub fn opened(
    keys: &KeyRing,
    case: CaseId,
    reason_enc: &[u8],
    placed_by: Option<String>,
    placed_at: DateTime<Utc>,
) -> LegalHold {
    LegalHold {
        reason: keys
            .open_bound(
                reason_enc,
                &crate::crypto::Binding::new("legal_holds", "reason_enc", case.into()),
            )
            .unwrap_or_default(),
        placed_by,
        placed_at,
    }
}
