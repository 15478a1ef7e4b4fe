//! What a partner without an account does through its link: see the packet (every view
//! audited), acknowledge, accept, decline with a reason, and report the outcome. A tampered,
//! expired, revoked or foreign link changes nothing; each step is accepted once.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::ReferralError;
use super::link;
use super::status::{Outcome, ReferralStatus, Step};
use super::steps::{self, By, Details};
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, FieldError};

/// A link that works, and what it shows.
pub struct Linked {
    pub referral_id: Uuid,
    pub case_id: CaseId,
    pub reference: String,
    pub partner_name: String,
    pub status: ReferralStatus,
    pub outcome: Option<String>,
    pub packet: Value,
    pub expires_at: DateTime<Utc>,
}

/// Why a link does not work (the page says which, and nothing else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unusable {
    /// Not a link we signed, or not for this referral and partner.
    Invalid,
    Expired,
    Revoked,
}

#[derive(sqlx::FromRow)]
struct Row {
    case_id: CaseId,
    reference: String,
    partner_name: String,
    status: String,
    outcome: Option<String>,
    packet_enc: Vec<u8>,
    link_expires_at: DateTime<Utc>,
    link_version: i32,
    link_revoked_at: Option<DateTime<Utc>>,
}

async fn check(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<Linked, Unusable>, ReferralError> {
    let Some(claims) = link::verify(keys, token) else {
        return Ok(Err(Unusable::Invalid));
    };
    let row: Option<Row> = sqlx::query_as(
        "SELECT r.case_id, r.reference, p.name AS partner_name, r.status, r.outcome, r.packet_enc,
                r.link_expires_at, r.link_version, r.link_revoked_at
         FROM referrals r JOIN partners p ON p.id = r.partner_id
         WHERE r.id = $1 AND r.partner_id = $2",
    )
    .bind(claims.referral_id)
    .bind(claims.partner_id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(Err(Unusable::Invalid));
    };
    if row.link_revoked_at.is_some() || claims.version != row.link_version {
        return Ok(Err(Unusable::Revoked));
    }
    if now >= claims.expires_at.min(row.link_expires_at) {
        return Ok(Err(Unusable::Expired));
    }
    let packet = serde_json::from_str(
        &keys
            .open_bound(
                &row.packet_enc,
                &crate::crypto::Binding::new("referrals", "packet_enc", claims.referral_id),
            )
            .map_err(|_| ReferralError::Undecryptable)?,
    )
    .map_err(|e| ReferralError::Internal(anyhow::Error::new(e)))?;
    Ok(Ok(Linked {
        referral_id: claims.referral_id,
        case_id: row.case_id,
        reference: row.reference,
        partner_name: row.partner_name,
        status: ReferralStatus::parse("status", &row.status)?,
        outcome: row.outcome,
        packet,
        expires_at: row.link_expires_at,
    }))
}

/// The page's content for a working link; the view is audited.
pub async fn view(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<Linked, Unusable>, ReferralError> {
    let linked = check(db, keys, token, now).await?;
    if let Ok(l) = &linked {
        audit::record(
            db,
            None,
            "referral.viewed_by_partner",
            Some(l.case_id),
            json!({ "referral_id": l.referral_id }),
            now,
        )
        .await?;
    }
    Ok(linked)
}

/// What the partner's form asks for.
#[derive(Debug, Clone)]
pub enum PartnerAction {
    Acknowledge,
    Accept,
    Decline {
        reason: String,
    },
    Outcome {
        outcome: Outcome,
        note: Option<String>,
    },
}

impl PartnerAction {
    /// Parses the form fields `action`, `reason`, `outcome` (and an optional `note`).
    pub fn parse(
        action: &str,
        reason: Option<&str>,
        outcome: Option<&str>,
        note: Option<&str>,
    ) -> Result<PartnerAction, FieldError> {
        let text = |field: &str, v: Option<&str>, max| {
            crate::domain::report::FreeText::parse(field, v.unwrap_or(""), max)
                .map(|t| t.map(|t| t.as_str().to_owned()))
        };
        Ok(match action {
            "acknowledge" => PartnerAction::Acknowledge,
            "accept" => PartnerAction::Accept,
            "decline" => PartnerAction::Decline {
                reason: text("reason", reason, 1000)?
                    .ok_or_else(|| FieldError::new("reason", "is required to decline"))?,
            },
            "outcome" => PartnerAction::Outcome {
                outcome: Outcome::parse("outcome", outcome.unwrap_or(""))?,
                note: text("note", note, 2000)?,
            },
            _ => {
                return Err(FieldError::new(
                    "action",
                    "must be one of: acknowledge, accept, decline, outcome",
                ));
            }
        })
    }
}

/// What became of the partner's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Done(ReferralStatus),
    /// Recorded before: nothing changed.
    AlreadyDone,
    /// Not possible now (declined, cancelled, or an outcome before accepting).
    NotPossible,
    Unusable(Unusable),
}

pub async fn act(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    token: &str,
    action: PartnerAction,
    now: DateTime<Utc>,
) -> Result<Acted, ReferralError> {
    let linked = match check(db, keys, token, now).await? {
        Ok(l) => l,
        Err(u) => return Ok(Acted::Unusable(u)),
    };
    let (to, details) = match action {
        PartnerAction::Acknowledge => (ReferralStatus::Received, Details::default()),
        PartnerAction::Accept => (ReferralStatus::Accepted, Details::default()),
        PartnerAction::Decline { reason } => (
            ReferralStatus::Rejected,
            Details {
                reason: Some(reason),
                ..Details::default()
            },
        ),
        PartnerAction::Outcome { outcome, note } => (
            ReferralStatus::Completed,
            Details {
                outcome: Some(outcome),
                note,
                ..Details::default()
            },
        ),
    };
    let mut tx = db.begin().await?;
    let applied = steps::apply(
        &mut tx,
        keys,
        linked.referral_id,
        to,
        By::Partner,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(match applied.step {
        Step::Moves => Acted::Done(to),
        Step::AlreadyDone => Acted::AlreadyDone,
        Step::Refused => Acted::NotPossible,
    })
}
