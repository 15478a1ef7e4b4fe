//! A partner's reply by email: a message that quotes a referral's reference **and** comes from
//! the address the referral went to is attached to that referral (sealed), shown with it on the
//! case, and counted as the partner's acknowledgement of a referral still `requested`. It never
//! joins the reporter's conversation. A reference from anyone else proves nothing: that mail is
//! handled like any other email, and nothing tells its sender whether the reference exists.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::ReferralError;
use super::status::ReferralStatus;
use super::steps::{self, By, Details};
use crate::auth::audit;
use crate::context::AppContext;

/// What became of a mail that quoted referral references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyOutcome {
    /// Attached to the referral.
    Attached,
    /// Read before (the same mailbox place).
    Duplicate,
    /// No referral with such a reference went to this sender: handle it as any email.
    NotAPartnerReply,
}

/// The mail, as the email channel parsed it.
pub struct PartnerReply<'a> {
    /// `mailbox:uidvalidity:uid`.
    pub place_key: &'a str,
    pub references: &'a [String],
    pub from_address: &'a str,
    pub subject: &'a str,
    /// What the partner newly wrote (quotes and signature cut).
    pub text: &'a str,
}

pub async fn attach(
    ctx: &AppContext,
    reply: &PartnerReply<'_>,
    now: DateTime<Utc>,
) -> Result<ReplyOutcome, ReferralError> {
    if reply.references.is_empty() {
        return Ok(ReplyOutcome::NotAPartnerReply);
    }
    let mut tx = ctx.db.begin().await?;
    // The sender must be the address this very referral was sent to (the directory's address
    // now, or the one the email went to).
    let found: Option<(Uuid, crate::domain::CaseId, String)> = sqlx::query_as(
        "SELECT r.id, r.case_id, r.status FROM referrals r JOIN partners p ON p.id = r.partner_id
         WHERE r.reference = ANY($1)
           AND (lower(p.referral_email) = lower($2)
                OR EXISTS (SELECT 1 FROM referral_emails e
                           WHERE e.referral_id = r.id AND lower(e.to_address) = lower($2)))
         ORDER BY r.created_at DESC LIMIT 1
         FOR UPDATE OF r",
    )
    .bind(reply.references)
    .bind(reply.from_address.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((referral_id, case_id, status)) = found else {
        return Ok(ReplyOutcome::NotAPartnerReply);
    };
    let reply_id = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO referral_replies (id, referral_id, place_key, subject_enc, body_enc, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (place_key) DO NOTHING",
    )
    .bind(reply_id)
    .bind(referral_id)
    .bind(reply.place_key)
    .bind(ctx.keys.seal_at(reply.subject, "referral_replies", "subject_enc", reply_id))
    .bind(ctx.keys.seal_at(reply.text, "referral_replies", "body_enc", reply_id))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(ReplyOutcome::Duplicate);
    }
    // A reply is the partner answering: a referral still waiting counts as received.
    if status == ReferralStatus::Requested.as_str() {
        steps::apply(
            &mut tx,
            &ctx.keys,
            referral_id,
            ReferralStatus::Received,
            By::Partner,
            Details::default(),
            now,
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        None,
        "referral.reply_received",
        Some(case_id),
        json!({ "referral_id": referral_id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ReplyOutcome::Attached)
}
