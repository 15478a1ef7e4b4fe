//! Steps staff record by hand: a partner's acknowledgement by phone (for a partner that is
//! closed now or uses no link), acceptance, a decline, the outcome, cancelling a referral
//! (which revokes its link), a failed delivery. Revoking a link alone is here too.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::ReferralError;
use super::status::{Outcome, ReferralStatus, Step};
use super::steps::{self, By, Details};
use crate::auth::{Actor, audit};
use crate::crypto::KeyRing;
use crate::domain::CaseId;
use crate::domain::report::FreeText;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReferralStep)]
pub struct StepForm {
    pub status: ReferralStatus,
    /// Why the partner declined (with `rejected`).
    #[serde(default)]
    pub reason: Option<String>,
    /// With `completed`.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub note: Option<String>,
}

async fn case_of(db: &sqlx::PgPool, id: Uuid) -> Result<CaseId, ReferralError> {
    let row: Option<(CaseId,)> = sqlx::query_as("SELECT case_id FROM referrals WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(|(c,)| c).ok_or(ReferralError::NotFound("referral"))
}

/// Records a step; repeating one changes nothing; an impossible one is refused.
pub async fn record_step(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    actor: Actor,
    referral_id: Uuid,
    form: StepForm,
    now: DateTime<Utc>,
) -> Result<(), ReferralError> {
    let case_id = case_of(db, referral_id).await?;
    let text = |field: &str, v: Option<&str>, max| {
        FreeText::parse(field, v.unwrap_or(""), max).map(|t| t.map(|t| t.as_str().to_owned()))
    };
    let details = Details {
        reason: text("reason", form.reason.as_deref(), 1000)?,
        outcome: form.outcome,
        note: text("note", form.note.as_deref(), 2000)?,
    };
    let mut tx = db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case_id, actor, now).await?;
    let applied = steps::apply(
        &mut tx,
        keys,
        referral_id,
        form.status,
        By::Staff(actor.id),
        details,
        now,
    )
    .await?;
    if applied.step == Step::Refused {
        return Err(ReferralError::InvalidTransition {
            from: applied.from.to_string(),
            to: form.status.to_string(),
        });
    }
    tx.commit().await?;
    Ok(())
}

/// Stops the partner's link working (a wrong address, a leaked email). Audited.
pub async fn revoke_link(
    db: &sqlx::PgPool,
    actor: Actor,
    referral_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ReferralError> {
    let case_id = case_of(db, referral_id).await?;
    let mut tx = db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case_id, actor, now).await?;
    sqlx::query(
        "UPDATE referrals SET link_version = link_version + 1, link_revoked_at = $2, updated_at = $2 WHERE id = $1",
    )
    .bind(referral_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "referral.link_revoked",
        Some(case_id),
        json!({ "referral_id": referral_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

impl std::fmt::Debug for StepForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepForm")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
