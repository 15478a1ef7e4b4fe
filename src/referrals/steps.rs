//! Moving a referral to a new status: one function for staff, partners (through the link) and
//! the system, so every step is recorded the same way (the time, who, and the audit line).

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::ReferralError;
use super::status::{Outcome, ReferralStatus, Step};
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, UserId};

/// Who set a step.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Staff(UserId),
    /// The partner, through its signed link.
    Partner,
    /// The hotline itself (an undeliverable email).
    System,
}

impl By {
    fn kind(self) -> &'static str {
        match self {
            By::Staff(_) => "staff",
            By::Partner => "partner",
            By::System => "system",
        }
    }

    fn user(self) -> Option<UserId> {
        match self {
            By::Staff(id) => Some(id),
            _ => None,
        }
    }
}

/// What comes with a step: a reason to decline, an outcome and its note.
#[derive(Default)]
pub struct Details {
    pub reason: Option<String>,
    pub outcome: Option<Outcome>,
    pub note: Option<String>,
}

pub struct Applied {
    pub step: Step,
    pub from: ReferralStatus,
    pub case_id: CaseId,
}

/// Locks the referral and applies the step if it is one; repeating a step changes nothing.
pub async fn apply(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    referral_id: Uuid,
    to: ReferralStatus,
    by: By,
    details: Details,
    now: DateTime<Utc>,
) -> Result<Applied, ReferralError> {
    let row: Option<(String, CaseId)> =
        sqlx::query_as("SELECT status, case_id FROM referrals WHERE id = $1 FOR UPDATE")
            .bind(referral_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (from, case_id) = row.ok_or(ReferralError::NotFound("referral"))?;
    let from = ReferralStatus::parse("status", &from)?;
    let step = from.step_to(to);
    if step != Step::Moves {
        return Ok(Applied {
            step,
            from,
            case_id,
        });
    }
    if to == ReferralStatus::Rejected && details.reason.is_none() {
        return Err(crate::domain::FieldError::new("reason", "is required to decline").into());
    }
    if to == ReferralStatus::Completed && details.outcome.is_none() {
        return Err(crate::domain::FieldError::new("outcome", "is required to complete").into());
    }
    sqlx::query(
        "UPDATE referrals SET status = $2, updated_at = $3,
             decline_reason_enc = COALESCE($4, decline_reason_enc),
             outcome = COALESCE($5, outcome),
             outcome_note_enc = COALESCE($6, outcome_note_enc),
             link_revoked_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE link_revoked_at END
         WHERE id = $1",
    )
    .bind(referral_id)
    .bind(to.as_str())
    .bind(now)
    .bind(keys.seal_opt_at(
        details.reason.as_deref(),
        "referrals",
        "decline_reason_enc",
        referral_id,
    ))
    .bind(details.outcome.map(|o| o.as_str()))
    .bind(keys.seal_opt_at(
        details.note.as_deref(),
        "referrals",
        "outcome_note_enc",
        referral_id,
    ))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO referral_steps (referral_id, status, by_user, by_kind, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(referral_id)
    .bind(to.as_str())
    .bind(by.user())
    .bind(by.kind())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::supervisor::action_clock::observe(tx, case_id, to.as_str()).await?;
    if to != ReferralStatus::Requested {
        // The partner answered (by itself or on the phone): a phone task is done.
        sqlx::query(
            "UPDATE referrals SET call_done_at = $2 WHERE id = $1 AND call_reason IS NOT NULL AND call_done_at IS NULL",
        )
        .bind(referral_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        // Someone answered: an escalation about silence is settled.
        sqlx::query(
            "UPDATE referral_escalations SET resolved_at = $2 WHERE referral_id = $1 AND resolved_at IS NULL",
        )
        .bind(referral_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    audit::record(
        &mut **tx,
        by.user(),
        &format!("referral.{to}"),
        Some(case_id),
        json!({ "referral_id": referral_id, "from": from, "by": by.kind(), "outcome": details.outcome }),
        now,
    )
    .await?;
    Ok(Applied {
        step: Step::Moves,
        from,
        case_id,
    })
}
