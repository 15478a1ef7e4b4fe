//! A counselor raises or lowers a case's urgency, with a reason. The choice is audited, and an
//! automatic re-assessment may raise the level again only on new evidence (a level above the
//! one the rules gave when the counselor decided), never lower it silently.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use super::{CaseError, ensure_may_change};
use crate::auth::Actor;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, Level};

pub async fn override_urgency(
    db: &PgPool,
    keys: &KeyRing,
    actor: Actor,
    case_id: CaseId,
    level: Level,
    reason: &FreeText,
    now: DateTime<Utc>,
) -> Result<(), CaseError> {
    let mut tx = db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let row: Option<(String, i16)> = sqlx::query_as(
        "SELECT urgency_level, COALESCE(
             CASE urgency_auto_level WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 WHEN 'low' THEN 0 END,
             urgency_rank)::int2
         FROM cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (from, auto_rank) = row.ok_or(CaseError::NotFound)?;
    sqlx::query(
        "UPDATE cases SET urgency_auto_level = COALESCE(urgency_auto_level, urgency_level),
                          urgency_level = $2, urgency_rank = $3,
                          urgency_override_level = $2, urgency_override_reason_enc = $4,
                          urgency_override_by = $5, urgency_override_at = $6,
                          urgency_override_auto_rank = $7, updated_at = $6
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(level.as_str())
    .bind(level.rank())
    .bind(keys.seal_at(
        reason.as_str(),
        "cases",
        "urgency_override_reason_enc",
        case_id,
    ))
    .bind(actor.id)
    .bind(now)
    .bind(auto_rank)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.urgency_overridden",
        Some(case_id),
        json!({ "from": from, "to": level }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The level a case shows after an automatic assessment, given a counselor's earlier choice:
/// the choice stands unless the rules now give more than they did when the counselor decided
/// and more than the choice (new evidence of danger).
pub fn level_after_reassessment(automatic: Level, chosen: Option<(Level, Level)>) -> (Level, bool) {
    match chosen {
        None => (automatic, false),
        Some((choice, auto_when_chosen)) => {
            if automatic > auto_when_chosen && automatic > choice {
                (automatic, true)
            } else {
                (choice, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counselors_lowering_stands_until_new_evidence_scores_higher() {
        use Level::*;
        // Lowered from high to medium; the same evidence scores high again: stays medium.
        assert_eq!(
            level_after_reassessment(High, Some((Medium, High))),
            (Medium, false)
        );
        // New danger scores critical: raised, and the choice is superseded.
        assert_eq!(
            level_after_reassessment(Critical, Some((Medium, High))),
            (Critical, true)
        );
        // Raised by the counselor to critical: a lower automatic level never lowers it.
        assert_eq!(
            level_after_reassessment(Medium, Some((Critical, Medium))),
            (Critical, false)
        );
        assert_eq!(level_after_reassessment(Low, None), (Low, false));
    }
}
