//! Sending a referral: check consent (or an override with its reason), build the packet for
//! the partner's type, and in one transaction store the referral, its first step, the email
//! in the outbox and the job that escalates it if nobody acknowledges in time. A preview runs
//! the same steps and writes nothing, so the counselor sees the exact packet.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::consent::{self, Override};
use super::rules::ReferralRules;
use super::{ReferralError, delivery, escalation, facts, link, packet};
use crate::auth::{Actor, audit};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, FieldError, Level};
use crate::partners::{PartnerError, PartnerType, View, store};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewReferral)]
pub struct ReferralForm {
    #[schema(format = Uuid)]
    pub partner_id: Uuid,
    /// The counselor's summary: the only narrative a partner receives.
    #[schema(max_length = 2000)]
    pub summary: String,
    /// Send without consent, for a reason from the fixed list (audited).
    #[serde(rename = "override", default)]
    pub override_consent: Option<Override>,
}

impl std::fmt::Debug for ReferralForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferralForm")
            .field("partner_id", &self.partner_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PartnerRef {
    pub id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
}

/// What sending (or previewing) gives back.
#[derive(Debug, Serialize)]
pub struct Sent {
    /// Absent for a preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub reference: String,
    pub status: &'static str,
    pub partner: PartnerRef,
    /// `granted`, `override`, or (preview only) `missing` / `refused`.
    pub consent: &'static str,
    pub packet: Value,
    /// The partner's link (staff may give it by phone); absent for a preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Whether an email was queued (a partner without an address is called instead).
    pub email_queued: bool,
    /// The partner is closed now (its hours): call it, and record the call as the
    /// acknowledgement (`POST /api/v1/referrals/{id}/status` with `received`).
    pub closed_now: bool,
    /// The partner's phone, for urgent calls.
    pub phone: Option<String>,
    pub preview: bool,
}

pub async fn send_referral(
    ctx: &AppContext,
    actor: Actor,
    case_id: CaseId,
    form: ReferralForm,
    preview: bool,
) -> Result<Sent, ReferralError> {
    let summary = FreeText::parse("summary", &form.summary, 2000)?
        .ok_or_else(|| FieldError::new("summary", "is required"))?;
    let override_text = form
        .override_consent
        .as_ref()
        .map(|o| FreeText::parse("override.text", &o.text, 2000))
        .transpose()?
        .flatten();
    let rules = ReferralRules::load(&ctx.settings.referrals.rules_path)?;
    let settings = &ctx.settings.referrals;
    let home = ctx.settings.conversation.home_country.as_str();
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case_id, actor, now).await?;
    let view = View {
        reveal_address: false,
        stale_after_days: settings.stale_after_days,
        now,
    };
    let partner = match store::get(&mut *tx, &ctx.keys, form.partner_id, view).await {
        Ok(p) if p.active => p,
        Ok(_) => return Err(FieldError::new("partner_id", "this partner is retired").into()),
        Err(PartnerError::NotFound) => {
            return Err(FieldError::new("partner_id", "no partner has this id").into());
        }
        Err(e) => return Err(e.into()),
    };
    let decision = consent::decision(&mut tx, case_id, partner.id, partner.partner_type).await?;
    let (consent_id, consent_word) = match (decision, &form.override_consent) {
        (Some((id, true)), _) => (Some(id), "granted"),
        (_, Some(_)) => (None, "override"),
        (Some((_, false)), None) if preview => (None, "refused"),
        (None, None) if preview => (None, "missing"),
        _ => return Err(ReferralError::ConsentRequired),
    };
    let facts = facts::case_facts(&ctx.db, &ctx.keys, case_id).await?;
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM referrals WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
    let reference = format!("{}-R{}", facts.reference, n + 1);
    let packet = packet::build(
        rules.fields(partner.partner_type),
        &facts,
        &reference,
        summary.as_str(),
        home,
    );
    let partner_ref = PartnerRef {
        id: partner.id,
        name: partner.name.clone(),
        partner_type: partner.partner_type,
    };
    if preview {
        return Ok(Sent {
            id: None,
            reference,
            status: "draft",
            partner: partner_ref,
            consent: consent_word,
            packet,
            link: None,
            email_queued: partner.referral_email.is_some(),
            closed_now: !partner.hours.is_open(now),
            phone: partner.phone.clone(),
            preview: true,
        });
    }
    let id = Uuid::new_v4();
    let level = facts.level.unwrap_or(Level::Medium);
    let expires_at = now + chrono::Duration::days(settings.link_days);
    sqlx::query(
        "INSERT INTO referrals (id, reference, case_id, partner_id, status, urgency_level, consent_id,
                                override_reason, override_text_enc, packet_enc, link_expires_at,
                                created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(id)
    .bind(&reference)
    .bind(case_id)
    .bind(partner.id)
    .bind(level.as_str())
    .bind(consent_id)
    .bind(form.override_consent.as_ref().map(|o| o.reason.as_str()))
    .bind(ctx.keys.seal_opt_at(
        override_text.as_ref().map(FreeText::as_str),
        "referrals",
        "override_text_enc",
        id,
    ))
    .bind(
        ctx.keys
            .seal_at(&packet.to_string(), "referrals", "packet_enc", id),
    )
    .bind(expires_at)
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO referral_steps (referral_id, status, by_user, by_kind, at) VALUES ($1, 'requested', $2, 'staff', $3)",
    )
    .bind(id)
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::supervisor::action_clock::observe(&mut tx, case_id, "requested").await?;
    let token = link::sign(
        &ctx.keys,
        link::LinkClaims {
            referral_id: id,
            partner_id: partner.id,
            version: 1,
            expires_at,
        },
    );
    let url = format!("{}/r/{token}", settings.public_base_url);
    let email_queued = match &partner.referral_email {
        Some(to) => {
            delivery::queue_email(
                &mut tx,
                ctx,
                delivery::ReferralEmail {
                    referral_id: id,
                    reference: &reference,
                    to,
                    partner_type: partner.partner_type,
                    partner_languages: &partner.languages,
                    link: &url,
                    expires_at,
                },
                &rules,
                now,
            )
            .await?;
            true
        }
        None => false,
    };
    let closed_now = !partner.hours.is_open(now);
    // A partner closed now, or without an address, is reached by phone: the referral carries
    // the task until the call is recorded as the acknowledgement.
    let call_reason = if closed_now {
        Some("closed_now")
    } else if !email_queued {
        Some("no_email")
    } else {
        None
    };
    if let Some(reason) = call_reason {
        sqlx::query("UPDATE referrals SET call_reason = $2 WHERE id = $1")
            .bind(id)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
    }
    escalation::schedule(
        &mut *tx,
        id,
        now + chrono::Duration::seconds(settings.ack_target_seconds.for_level(level)),
    )
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "referral.requested",
        Some(case_id),
        json!({ "referral_id": id, "partner_id": partner.id, "partner_type": partner.partner_type,
                "consent_id": consent_id, "email_queued": email_queued }),
        now,
    )
    .await?;
    if let Some(o) = &form.override_consent {
        audit::record(
            &mut *tx,
            Some(actor.id),
            "referral.consent_overridden",
            Some(case_id),
            json!({ "referral_id": id, "reason": o.reason }),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Sent {
        id: Some(id),
        reference,
        status: "requested",
        partner: partner_ref,
        consent: consent_word,
        packet,
        link: Some(url),
        email_queued,
        closed_now,
        phone: partner.phone.clone(),
        preview: false,
    })
}
