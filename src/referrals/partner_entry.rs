//! A partner confirms or corrects its own directory entry through a signed link, sent on a
//! supervisor's request to the partner's referral address (through the same outbox as
//! referrals). The link works once: confirming sets `verified_at`; a correction is kept for
//! supervisors (`GET /api/v1/partner-corrections`). A used, expired or tampered link changes
//! nothing.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::ReferralError;
use super::link::{self, LinkClaims, Purpose};
use super::partner_page::Unusable;
use crate::auth::audit;
use crate::context::AppContext;
use crate::domain::{FieldError, UserId};
use crate::partners::{Partner, View, store};

/// Sends the partner its link; returns the link (supervisors may also give it by phone).
pub async fn request(
    ctx: &AppContext,
    by: UserId,
    partner_id: Uuid,
) -> Result<String, ReferralError> {
    let now = ctx.now();
    let view = View {
        reveal_address: false,
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now,
    };
    let mut tx = ctx.db.begin().await?;
    let partner = store::get(&mut *tx, &ctx.keys, partner_id, view).await?;
    let to = partner.referral_email.clone().ok_or_else(|| {
        FieldError::new(
            "referral_email",
            "the partner has no address to send the link to",
        )
    })?;
    let (version,): (i32,) =
        sqlx::query_as("SELECT verify_version FROM partners WHERE id = $1 FOR UPDATE")
            .bind(partner_id)
            .fetch_one(&mut *tx)
            .await?;
    let expires_at = now + chrono::Duration::days(ctx.settings.referrals.link_days);
    let token = link::sign_for(
        &ctx.keys,
        Purpose::PartnerEntry,
        LinkClaims {
            referral_id: partner_id,
            partner_id,
            version,
            expires_at,
        },
    );
    let url = format!("{}/p/{token}", ctx.settings.referrals.public_base_url);
    let subject = "Please confirm your entry in the hotline's referral directory".to_owned();
    let body = format!(
        "The hotline keeps a directory of the organisations it refers people to.\n\n\
         Please check your organisation's entry, and confirm it or tell us what changed:\n{url}\n\n\
         The link works once, until {}.\n",
        expires_at.format("%Y-%m-%d")
    );
    let id = Uuid::new_v4();
    let domain = ctx
        .channels
        .outbound_mail
        .as_ref()
        .map_or("hotline.invalid", |m| m.domain.as_str());
    sqlx::query(
        "INSERT INTO referral_emails (id, partner_id, to_address, subject, body_enc, message_id, delivery, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(id)
    .bind(partner_id)
    .bind(&to)
    .bind(&subject)
    .bind(ctx.keys.seal_at(&body, "referral_emails", "body_enc", id))
    .bind(format!("partner-entry.{id}@{domain}"))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::jobs::enqueue(
        &mut *tx,
        super::SEND_REFERRAL_EMAIL_JOB,
        &json!({ "email_id": id }),
        Some(&format!("referral-email:{id}")),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        Some(by),
        "partner.entry_link_sent",
        None,
        json!({ "partner_id": partner_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(url)
}

/// The entry the link is for, or why the link does not work.
pub async fn open(
    ctx: &AppContext,
    token: &str,
) -> Result<Result<Partner, Unusable>, ReferralError> {
    let now = ctx.now();
    let Some(claims) = link::verify_for(&ctx.keys, Purpose::PartnerEntry, token) else {
        return Ok(Err(Unusable::Invalid));
    };
    let row: Option<(i32,)> = sqlx::query_as("SELECT verify_version FROM partners WHERE id = $1")
        .bind(claims.partner_id)
        .fetch_optional(&ctx.db)
        .await?;
    let Some((version,)) = row else {
        return Ok(Err(Unusable::Invalid));
    };
    if version != claims.version {
        return Ok(Err(Unusable::Revoked));
    }
    if now >= claims.expires_at {
        return Ok(Err(Unusable::Expired));
    }
    let view = View {
        reveal_address: false,
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now,
    };
    Ok(Ok(
        store::get(&ctx.db, &ctx.keys, claims.partner_id, view).await?
    ))
}

/// Confirms the entry (`None`) or records a correction; the link is used up either way.
pub async fn answer(
    ctx: &AppContext,
    token: &str,
    correction: Option<String>,
) -> Result<Result<(), Unusable>, ReferralError> {
    let partner = match open(ctx, token).await? {
        Ok(p) => p,
        Err(u) => return Ok(Err(u)),
    };
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    // Used once: a second answer through the same link finds the version moved on.
    let used = sqlx::query(
        "UPDATE partners SET verify_version = verify_version + 1,
                verified_at = CASE WHEN $3 THEN $2 ELSE verified_at END, updated_at = $2
         WHERE id = $1 AND verify_version = $4",
    )
    .bind(partner.id)
    .bind(now)
    .bind(correction.is_none())
    .bind(link::verify_for(&ctx.keys, Purpose::PartnerEntry, token).map_or(0, |c| c.version))
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() == 0 {
        return Ok(Err(Unusable::Revoked));
    }
    if let Some(text) = &correction {
        sqlx::query(
            "INSERT INTO partner_corrections (id, partner_id, text, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(Uuid::new_v4())
        .bind(partner.id)
        .bind(text)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut *tx,
        None,
        if correction.is_some() {
            "partner.entry_corrected"
        } else {
            "partner.entry_confirmed"
        },
        None,
        json!({ "partner_id": partner.id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Correction {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub text: String,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

/// What partners said was wrong, newest first.
pub async fn corrections(db: &sqlx::PgPool) -> Result<Vec<Correction>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.partner_id, p.name AS partner_name, c.text, c.at FROM partner_corrections c
         JOIN partners p ON p.id = c.partner_id ORDER BY c.at DESC, c.id",
    )
    .fetch_all(db)
    .await
}
