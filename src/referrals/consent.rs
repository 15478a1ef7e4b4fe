//! Consent to a referral: who gave it (the person, a parent or guardian), how, for which
//! partner or partner type and purpose, and whether it was granted. The person may refuse one
//! partner and accept another: a decision about a partner outweighs one about its type, and
//! the latest decision counts. Without consent a referral needs an override with a reason from
//! a fixed list, audited and listed for supervisors.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::ReferralError;
use crate::auth::{Actor, audit};
use crate::crypto::KeyRing;
use crate::domain::report::string_enum;
use crate::domain::{CaseId, FieldError};
use crate::partners::PartnerType;

string_enum!(
    /// Who consented.
    GivenBy { Person = "person", Parent = "parent", Guardian = "guardian" }
);

string_enum!(
    /// How consent was given.
    ConsentHow { Phone = "phone", Chat = "chat", InPerson = "in_person" }
);

string_enum!(
    /// Why a referral may go without consent.
    OverrideReason {
        MinorAtRisk = "minor_at_risk",
        ImminentDanger = "imminent_danger",
        LegalDuty = "legal_duty",
    }
);

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Consent)]
pub struct ConsentForm {
    #[schema(format = Uuid)]
    pub partner_id: Option<Uuid>,
    pub partner_type: Option<PartnerType>,
    pub given_by: GivenBy,
    pub how: ConsentHow,
    /// What the person agreed to (or refused), in the counselor's words.
    #[schema(max_length = 1000)]
    pub purpose: String,
    pub granted: bool,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub reason: OverrideReason,
    #[schema(max_length = 2000)]
    #[serde(default)]
    pub text: String,
}

impl std::fmt::Debug for Override {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Override")
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

pub async fn record_consent(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    actor: Actor,
    case_id: CaseId,
    form: ConsentForm,
    now: DateTime<Utc>,
) -> Result<Uuid, ReferralError> {
    if form.partner_id.is_none() && form.partner_type.is_none() {
        return Err(FieldError::new("partner_id", "give partner_id or partner_type").into());
    }
    let purpose = crate::domain::report::FreeText::parse("purpose", &form.purpose, 1000)?
        .ok_or_else(|| FieldError::new("purpose", "is required"))?;
    let mut tx = db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case_id, actor, now).await?;
    if let Some(partner) = form.partner_id {
        sqlx::query("SELECT 1 FROM partners WHERE id = $1")
            .bind(partner)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| FieldError::new("partner_id", "no partner has this id"))?;
    }
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO consents (id, case_id, partner_id, partner_type, given_by, how, purpose_enc, granted, recorded_by, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(case_id)
    .bind(form.partner_id)
    .bind(form.partner_type.map(|t| t.as_str()))
    .bind(form.given_by.as_str())
    .bind(form.how.as_str())
    .bind(keys.seal_at(purpose.as_str(), "consents", "purpose_enc", id))
    .bind(form.granted)
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        if form.granted {
            "consent.granted"
        } else {
            "consent.refused"
        },
        Some(case_id),
        json!({ "consent_id": id, "partner_id": form.partner_id, "partner_type": form.partner_type,
                "given_by": form.given_by, "how": form.how }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The consent decision that governs a referral to this partner: its own, else its type's.
/// `Some((id, granted))`, or `None` when nobody asked.
pub async fn decision(
    tx: &mut Transaction<'_, Postgres>,
    case_id: CaseId,
    partner_id: Uuid,
    partner_type: PartnerType,
) -> Result<Option<(Uuid, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, granted FROM consents
         WHERE case_id = $1 AND (partner_id = $2 OR (partner_id IS NULL AND partner_type = $3))
         ORDER BY (partner_id IS NOT NULL) DESC, at DESC, id LIMIT 1",
    )
    .bind(case_id)
    .bind(partner_id)
    .bind(partner_type.as_str())
    .fetch_optional(&mut **tx)
    .await
}
