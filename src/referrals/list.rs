//! Referrals as staff see them: each with its packet, every step (when, by whom), the email's
//! delivery, an escalation, and for a declined one the partner to try next.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::ReferralError;
use super::create::PartnerRef;
use crate::context::AppContext;
use crate::crypto::KeyRing;
use crate::domain::CaseId;
use crate::partners::PartnerType;

#[derive(Debug, Serialize)]
pub struct StepView {
    pub status: String,
    /// `staff`, `partner` or `system`.
    pub by: String,
    /// The staff member's email, for staff steps.
    pub by_user: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct EmailView {
    pub delivery: String,
    pub last_error: Option<String>,
    #[serde(with = "crate::domain::time::option")]
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct NextPartner {
    pub id: Uuid,
    pub name: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ReferralView {
    pub id: Uuid,
    pub reference: String,
    pub case_id: CaseId,
    pub partner: PartnerRef,
    pub status: String,
    pub urgency: String,
    pub consent_id: Option<Uuid>,
    /// The override reason when sent without consent.
    pub override_reason: Option<String>,
    pub packet: Value,
    pub decline_reason: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub steps: Vec<StepView>,
    pub email: Option<EmailView>,
    #[serde(with = "crate::domain::time::option")]
    pub escalated_at: Option<DateTime<Utc>>,
    #[serde(with = "crate::domain::time")]
    pub link_expires_at: DateTime<Utc>,
    pub link_revoked: bool,
    /// For a declined referral: refer again, to this partner.
    pub re_referral: Option<NextPartner>,
    /// The partner is to be called (closed now, or no referral address); done once a step
    /// past `requested` is recorded (`POST /api/v1/referrals/{id}/status` with `received`).
    pub phone_task: Option<PhoneTask>,
    /// The partner's replies by email that quote the reference, oldest first.
    pub replies: Vec<ReplyView>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct PhoneTask {
    /// `closed_now` or `no_email`.
    pub reason: String,
    pub phone: Option<String>,
    #[serde(with = "crate::domain::time::option")]
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct ReplyView {
    pub subject: String,
    pub text: String,
    #[serde(with = "crate::domain::time")]
    pub received_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    reference: String,
    case_id: CaseId,
    partner_id: Uuid,
    partner_name: String,
    partner_type: String,
    status: String,
    urgency_level: String,
    consent_id: Option<Uuid>,
    override_reason: Option<String>,
    packet_enc: Vec<u8>,
    decline_reason_enc: Option<Vec<u8>>,
    outcome: Option<String>,
    outcome_note_enc: Option<Vec<u8>>,
    escalated_at: Option<DateTime<Utc>>,
    link_expires_at: DateTime<Utc>,
    link_revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    email_delivery: Option<String>,
    email_error: Option<String>,
    email_sent_at: Option<DateTime<Utc>>,
    call_reason: Option<String>,
    call_done_at: Option<DateTime<Utc>>,
    partner_phone: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.reference, r.case_id, r.partner_id, p.name AS partner_name, p.type AS partner_type,
        r.status, r.urgency_level, r.consent_id, r.override_reason, r.packet_enc, r.decline_reason_enc,
        r.outcome, r.outcome_note_enc, r.escalated_at, r.link_expires_at, r.link_revoked_at, r.created_at,
        e.delivery AS email_delivery, e.last_error AS email_error, e.sent_at AS email_sent_at,
        r.call_reason, r.call_done_at, p.phone AS partner_phone
    FROM referrals r JOIN partners p ON p.id = r.partner_id
    LEFT JOIN LATERAL (SELECT delivery, last_error, sent_at FROM referral_emails
                       WHERE referral_id = r.id ORDER BY created_at DESC LIMIT 1) e ON TRUE";

/// A step row: referral, status, by kind, by user's email, when.
type StepRow = (Uuid, String, String, Option<String>, DateTime<Utc>);

async fn steps(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, StepView)>, sqlx::Error> {
    let rows: Vec<StepRow> = sqlx::query_as(
        "SELECT s.referral_id, s.status, s.by_kind, u.email, s.at FROM referral_steps s
         LEFT JOIN users u ON u.id = s.by_user WHERE s.referral_id = ANY($1) ORDER BY s.at, s.id",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, status, by, by_user, at)| {
            (
                id,
                StepView {
                    status,
                    by,
                    by_user,
                    at,
                },
            )
        })
        .collect())
}

/// A reply row: its id, referral, sealed subject, sealed text, when.
type ReplyRow = (Uuid, Uuid, Vec<u8>, Vec<u8>, DateTime<Utc>);

async fn replies(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, ReplyView)>, ReferralError> {
    let rows: Vec<ReplyRow> = sqlx::query_as(
        "SELECT id, referral_id, subject_enc, body_enc, received_at FROM referral_replies
         WHERE referral_id = ANY($1) ORDER BY received_at, id",
    )
    .bind(ids)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(reply, id, subject, body, received_at)| {
            let open = |s: &[u8], column: &'static str| {
                keys.open_bound(
                    s,
                    &crate::crypto::Binding::new("referral_replies", column, reply),
                )
                .map_err(|_| ReferralError::Undecryptable)
            };
            Ok((
                id,
                ReplyView {
                    subject: open(&subject, "subject_enc")?,
                    text: open(&body, "body_enc")?,
                    received_at,
                },
            ))
        })
        .collect()
}

fn view(keys: &KeyRing, row: Row, steps: Vec<StepView>) -> Result<ReferralView, ReferralError> {
    let open = |s: Option<Vec<u8>>, column: &'static str| {
        s.map(|s| {
            keys.open_bound(
                &s,
                &crate::crypto::Binding::new("referrals", column, row.id),
            )
            .map_err(|_| ReferralError::Undecryptable)
        })
        .transpose()
    };
    let packet = serde_json::from_str(
        &keys
            .open_bound(
                &row.packet_enc,
                &crate::crypto::Binding::new("referrals", "packet_enc", row.id),
            )
            .map_err(|_| ReferralError::Undecryptable)?,
    )
    .map_err(|e| ReferralError::Internal(anyhow::Error::new(e)))?;
    Ok(ReferralView {
        id: row.id,
        reference: row.reference,
        case_id: row.case_id,
        partner: PartnerRef {
            id: row.partner_id,
            name: row.partner_name,
            partner_type: PartnerType::parse("type", &row.partner_type)?,
        },
        status: row.status,
        urgency: row.urgency_level,
        consent_id: row.consent_id,
        override_reason: row.override_reason,
        packet,
        decline_reason: open(row.decline_reason_enc, "decline_reason_enc")?,
        outcome: row.outcome,
        outcome_note: open(row.outcome_note_enc, "outcome_note_enc")?,
        steps,
        email: row.email_delivery.map(|delivery| EmailView {
            delivery,
            last_error: row.email_error,
            sent_at: row.email_sent_at,
        }),
        escalated_at: row.escalated_at,
        link_expires_at: row.link_expires_at,
        link_revoked: row.link_revoked_at.is_some(),
        re_referral: None,
        phone_task: row.call_reason.map(|reason| PhoneTask {
            reason,
            phone: row.partner_phone,
            done_at: row.call_done_at,
        }),
        replies: vec![],
        created_at: row.created_at,
    })
}

async fn load(ctx: &AppContext, rows: Vec<Row>) -> Result<Vec<ReferralView>, ReferralError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut all_steps = steps(&ctx.db, &ids).await?;
    let mut all_replies = replies(&ctx.db, &ctx.keys, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let mine = all_steps
            .extract_if(.., |(rid, _)| *rid == id)
            .map(|(_, s)| s)
            .collect();
        let mut v = view(&ctx.keys, row, mine)?;
        v.replies = all_replies
            .extract_if(.., |(rid, _)| *rid == id)
            .map(|(_, r)| r)
            .collect();
        if v.status == "rejected" {
            v.re_referral = super::escalation::next_partner(ctx, v.case_id)
                .await?
                .map(|(id, name, reasons)| NextPartner { id, name, reasons });
        }
        out.push(v);
    }
    Ok(out)
}

pub async fn case_referrals(
    ctx: &AppContext,
    case_id: CaseId,
) -> Result<Vec<ReferralView>, ReferralError> {
    sqlx::query("SELECT 1 FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(&ctx.db)
        .await?
        .ok_or(ReferralError::NotFound("case"))?;
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.case_id = $1 ORDER BY r.created_at, r.id"
    )))
    .bind(case_id)
    .fetch_all(&ctx.db)
    .await?;
    load(ctx, rows).await
}

pub async fn one(ctx: &AppContext, id: Uuid) -> Result<ReferralView, ReferralError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(id)
        .fetch_all(&ctx.db)
        .await?;
    load(ctx, rows)
        .await?
        .pop()
        .ok_or(ReferralError::NotFound("referral"))
}

/// Referrals sent without consent, newest first, for supervisors: the reason from the fixed
/// list, the words the sender gave (opened for supervisors only), who and when.
#[derive(Debug, Serialize)]
pub struct OverrideView {
    pub referral_id: Uuid,
    pub reference: String,
    pub case_id: Uuid,
    pub reason: String,
    pub text: Option<String>,
    pub by: String,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

type OverrideRow = (
    Uuid,
    String,
    Uuid,
    String,
    Option<Vec<u8>>,
    String,
    DateTime<Utc>,
);

pub async fn overrides(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
) -> Result<Vec<OverrideView>, ReferralError> {
    let rows: Vec<OverrideRow> = sqlx::query_as(
        "SELECT r.id, r.reference, r.case_id, r.override_reason, r.override_text_enc, u.email, r.created_at
         FROM referrals r JOIN users u ON u.id = r.created_by
         WHERE r.override_reason IS NOT NULL ORDER BY r.created_at DESC, r.id",
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(referral_id, reference, case_id, reason, text, by, at)| {
            Ok(OverrideView {
                referral_id,
                reference,
                case_id,
                reason,
                text: text
                    .map(|t| {
                        keys.open_bound(
                            &t,
                            &crate::crypto::Binding::new(
                                "referrals",
                                "override_text_enc",
                                referral_id,
                            ),
                        )
                        .map_err(|_| ReferralError::Undecryptable)
                    })
                    .transpose()?,
                by,
                at,
            })
        })
        .collect()
}
