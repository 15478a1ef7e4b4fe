//! Opening a case: the one INSERT every channel uses (phone form, chat, email), with the first
//! urgency assessment computed before it, so a case is never queued at a placeholder level.
//! Also finding the case a new message belongs to.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::reporter_identity::ChannelIdentity;
use super::retriage::StoredUrgency;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Channel, Level, Reference, ReporterId, UserId};
use crate::triage::Assessment;

/// A case that is not closed, locked by this transaction.
pub struct OpenCase {
    pub id: CaseId,
    pub level: Level,
    pub country: Option<String>,
}

/// Everything a new case starts with.
pub struct NewCase<'a> {
    pub reporter: ReporterId,
    /// The chat or mailbox identity the case talks on; `None` for a phone report.
    pub channel_identity: Option<Uuid>,
    pub channel: Channel,
    /// Who called (the phone form's `caller`); chats and emails are "anonymous".
    pub caller: &'a str,
    pub language: Option<&'a str>,
    pub country: Option<&'a str>,
    pub area: Option<&'a str>,
    /// The quick answers as stored: `{"minor": "yes", ...}`.
    pub answers: serde_json::Value,
    /// The first assessment, of the first message and the answers.
    pub assessment: &'a Assessment,
    /// The counselor who filed it (phone form); `None` when the reporter wrote.
    pub opened_by: Option<UserId>,
    /// Extra facts for the `case.opened` audit entry (ids and codes only).
    pub audit_details: serde_json::Value,
}

impl<'a> NewCase<'a> {
    /// A case opened by a person writing on a channel (a chat or an email): anonymous, with
    /// nothing known yet but the first message and perhaps its language.
    pub fn written(
        identity: &ChannelIdentity,
        channel: Channel,
        language: Option<&'a str>,
        assessment: &'a Assessment,
    ) -> NewCase<'a> {
        NewCase {
            reporter: identity.reporter_id,
            channel_identity: Some(identity.id),
            channel,
            caller: "anonymous",
            language,
            country: None,
            area: None,
            answers: serde_json::json!({}),
            assessment,
            opened_by: None,
            audit_details: serde_json::json!({}),
        }
    }
}

/// Opens a case, queued at once. A chat's earlier messages (the bot's greeting before the person
/// wrote) join it.
pub async fn open_case(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    new: &NewCase<'_>,
    now: DateTime<Utc>,
) -> Result<OpenCase, sqlx::Error> {
    let id = CaseId::new();
    let urgency = StoredUrgency::new(keys, id, new.assessment, new.assessment.level, false);
    // References are random; on the rare collision, draw again.
    for _ in 0..5 {
        let reference = Reference::random(&mut rand::thread_rng());
        let inserted = sqlx::query(
            "INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                                country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                                rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                                updated_at, answers)
             VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, TRUE, $16, $16, $17)
             ON CONFLICT (reference) DO NOTHING",
        )
        .bind(id)
        .bind(&reference.0)
        .bind(new.reporter)
        .bind(new.channel_identity)
        .bind(new.channel.as_str())
        .bind(new.caller)
        .bind(new.language)
        .bind(new.country)
        .bind(keys.seal_opt_at(new.area, "cases", "area_enc", id))
        .bind(urgency.level.as_str())
        .bind(urgency.level.rank())
        .bind(&urgency.flags)
        .bind(&urgency.reasons_enc)
        .bind(&urgency.rules_version)
        .bind(urgency.automatic_level.as_str())
        .bind(now)
        .bind(&new.answers)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            continue;
        }
        if let Some(identity) = new.channel_identity {
            sqlx::query(
                "UPDATE messages SET case_id = $2 WHERE channel_identity_id = $1 AND case_id IS NULL",
            )
            .bind(identity)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
        let mut details = json!({
            "channel": new.channel.as_str(),
            "level": urgency.level,
            "flags": urgency.flags,
            "rules_version": urgency.rules_version,
        });
        if let (Some(details), Some(extra)) =
            (details.as_object_mut(), new.audit_details.as_object())
        {
            details.extend(extra.clone());
        }
        // The answer clock: a person who wrote waits for a human from now; a counselor who
        // files a phone call is that human already.
        match new.opened_by {
            Some(counselor) => {
                crate::supervisor::answer_clock::answered_by_phone(
                    tx,
                    id,
                    counselor,
                    urgency.level,
                    now,
                )
                .await?
            }
            None => {
                crate::supervisor::answer_clock::start(
                    tx,
                    id,
                    new.channel.as_str(),
                    crate::supervisor::Start::FirstContact,
                    now,
                )
                .await?
            }
        }
        audit::record(
            &mut **tx,
            new.opened_by,
            "case.opened",
            Some(id),
            details,
            now,
        )
        .await?;
        return Ok(OpenCase {
            id,
            level: urgency.level,
            country: new.country.map(str::to_owned),
        });
    }
    Err(sqlx::Error::Protocol(
        "could not draw a unique case reference".into(),
    ))
}

/// The newest case of this channel identity that is not closed, locked.
pub async fn open_case_of_identity(
    tx: &mut Transaction<'_, Postgres>,
    identity_id: Uuid,
) -> Result<Option<OpenCase>, sqlx::Error> {
    let row: Option<(CaseId, i16, Option<String>)> = sqlx::query_as(
        "SELECT id, urgency_rank, country FROM cases
         WHERE channel_identity_id = $1 AND status <> 'closed'
         ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
    )
    .bind(identity_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(into_open_case))
}

/// This case, locked, if it is not closed.
pub async fn open_case_by_id(
    tx: &mut Transaction<'_, Postgres>,
    id: CaseId,
) -> Result<Option<OpenCase>, sqlx::Error> {
    let row: Option<(CaseId, i16, Option<String>)> = sqlx::query_as(
        "SELECT id, urgency_rank, country FROM cases WHERE id = $1 AND status <> 'closed' FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(into_open_case))
}

fn into_open_case((id, rank, country): (CaseId, i16, Option<String>)) -> OpenCase {
    OpenCase {
        id,
        level: Level::from_rank(rank),
        country,
    }
}
