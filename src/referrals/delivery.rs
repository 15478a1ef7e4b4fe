//! The referral email: queued in the referral's transaction (the outbox), sent by the
//! `send_referral_email` job through the hotline's mailer, which needs only SMTP settings. It
//! carries no personal data: the reference, the partner type's request in the partner's
//! language, and the partner's link. An SMTP outage delays it (the job retries); a permanent
//! refusal marks the referral failed, so the counselor calls instead.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use hotline_contract::SendError;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::ReferralError;
use super::rules::ReferralRules;
use super::status::ReferralStatus;
use super::steps::{self, By, Details};
use crate::context::AppContext;
use crate::jobs::JobHandler;
use crate::partners::PartnerType;

pub const SEND_REFERRAL_EMAIL_JOB: &str = "send_referral_email";

pub struct ReferralEmail<'a> {
    pub referral_id: Uuid,
    pub reference: &'a str,
    pub to: &'a str,
    pub partner_type: PartnerType,
    pub partner_languages: &'a [String],
    pub link: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Subject and body. Only the reference, the request and the link: nothing about the person.
pub fn compose(e: &ReferralEmail<'_>, rules: &ReferralRules) -> (String, String) {
    let (lang, request) = rules.request(e.partner_type, e.partner_languages);
    let until = e.expires_at.format("%Y-%m-%d");
    let subject = if lang == "th" {
        format!("การส่งต่อจากสายด่วน {0} / Hotline referral {0}", e.reference)
    } else {
        format!("Hotline referral {}", e.reference)
    };
    let body = format!(
        "Referral {reference}\n\n{request}\n\n\
         Open the referral to see what the person agreed to share, and to acknowledge, accept or decline it:\n\
         {link}\n\n\
         The link works until {until} and only for your organisation; please do not forward it.\n\
         If you cannot open it, reply to this email quoting {reference}.\n",
        reference = e.reference,
        link = e.link,
    );
    (subject, body)
}

pub async fn queue_email(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: ReferralEmail<'_>,
    rules: &ReferralRules,
    now: DateTime<Utc>,
) -> Result<Uuid, ReferralError> {
    let (subject, body) = compose(&email, rules);
    let id = Uuid::new_v4();
    let domain = ctx
        .channels
        .outbound_mail
        .as_ref()
        .map_or("hotline.invalid", |m| m.domain.as_str());
    sqlx::query(
        "INSERT INTO referral_emails (id, referral_id, to_address, subject, body_enc, message_id, delivery, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(id)
    .bind(email.referral_id)
    .bind(email.to)
    .bind(&subject)
    // The body holds the link, a credential: sealed like personal data.
    .bind(ctx.keys.seal_at(&body, "referral_emails", "body_enc", id))
    .bind(format!("referral.{id}@{domain}"))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::jobs::enqueue(
        &mut **tx,
        SEND_REFERRAL_EMAIL_JOB,
        &serde_json::json!({ "email_id": id }),
        Some(&format!("referral-email:{id}")),
        now,
    )
    .await?;
    Ok(id)
}

pub struct SendReferralEmail;

#[derive(sqlx::FromRow)]
struct Pending {
    referral_id: Option<Uuid>,
    to_address: String,
    subject: String,
    body_enc: Vec<u8>,
    message_id: String,
    delivery: String,
}

impl JobHandler for SendReferralEmail {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let id: Uuid = serde_json::from_value(payload["email_id"].clone())?;
            let Some(email) = sqlx::query_as::<_, Pending>(
                "SELECT referral_id, to_address, subject, body_enc, message_id, delivery
                 FROM referral_emails WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&ctx.db)
            .await?
            else {
                return Ok(());
            };
            if email.delivery != "pending" {
                return Ok(());
            }
            let Some(mail) = ctx.channels.outbound_mail.as_ref() else {
                anyhow::bail!("no mailer is configured (channels.email.smtp_host and from)");
            };
            let body = ctx.keys.open_bound(
                &email.body_enc,
                &crate::crypto::Binding::new("referral_emails", "body_enc", id),
            )?;
            match mail
                .send_to_partner(
                    &email.to_address,
                    &email.subject,
                    &body,
                    &email.message_id,
                    ctx.now(),
                )
                .await
            {
                Ok(()) => {
                    sqlx::query(
                        "UPDATE referral_emails SET delivery = 'sent', sent_at = $2, last_error = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(ctx.now())
                    .execute(&ctx.db)
                    .await?;
                    crate::metrics::outbound("referral_email", "sent");
                    Ok(())
                }
                Err(SendError::Permanent { reason } | SendError::Unreachable { reason }) => {
                    let mut tx = ctx.db.begin().await?;
                    sqlx::query(
                        "UPDATE referral_emails SET delivery = 'failed', last_error = $2 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&reason)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(referral_id) = email.referral_id {
                        steps::apply(
                            &mut tx,
                            &ctx.keys,
                            referral_id,
                            ReferralStatus::Failed,
                            By::System,
                            Details::default(),
                            ctx.now(),
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!("marking the referral failed: {e}"))?;
                    }
                    tx.commit().await?;
                    crate::metrics::outbound("referral_email", "failed");
                    Ok(())
                }
                Err(e) => {
                    sqlx::query("UPDATE referral_emails SET last_error = $2 WHERE id = $1")
                        .bind(id)
                        .bind(e.to_string())
                        .execute(&ctx.db)
                        .await?;
                    crate::metrics::outbound("referral_email", "retrying");
                    Err(anyhow::Error::new(e))
                }
            }
        })
    }
}
