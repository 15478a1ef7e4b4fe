//! The case a chat talks on: finding the chat's open case, opening one, and triaging it again
//! as messages and answers arrive.

use chrono::{DateTime, Utc};
use hotline_contract::ChannelKind;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::chat::Identity;
use crate::auth::audit;
use crate::context::AppContext;
use crate::domain::{Answers, CaseId, Level, MessageId, Reference};
use crate::triage::{ReportForTriage, assess};

/// The chat's case that is not closed, as this transaction sees it (locked).
pub struct OpenCase {
    pub id: CaseId,
    pub level: Level,
    pub country: Option<String>,
}

pub async fn open_case_of(
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
    Ok(row.map(|(id, rank, country)| OpenCase {
        id,
        level: Level::from_rank(rank),
        country,
    }))
}

/// Opens a case for the chat, queued at once; the bot's earlier messages to this chat (the
/// greeting before the person wrote) join it.
pub async fn open_case(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &Identity,
    channel: ChannelKind,
    language: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OpenCase, sqlx::Error> {
    let id = CaseId::new();
    // Scored properly by `reassess` once the first message is stored.
    let level = Level::Medium;
    for _ in 0..5 {
        let reference = Reference::random(&mut rand::thread_rng());
        let inserted = sqlx::query(
            "INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                                urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc, rules_version,
                                waiting_since, awaiting_reply, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'new', $5, 'anonymous', $6, $7, $8, '{}', $9, $10, $11, TRUE, $11, $11)
             ON CONFLICT (reference) DO NOTHING",
        )
        .bind(id)
        .bind(&reference.0)
        .bind(identity.reporter_id)
        .bind(identity.id)
        .bind(channel.as_str())
        .bind(language)
        .bind(level.as_str())
        .bind(level.rank())
        .bind(ctx.keys.seal("[]"))
        .bind(&ctx.rules().version)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            sqlx::query(
                "UPDATE messages SET case_id = $2 WHERE channel_identity_id = $1 AND case_id IS NULL",
            )
            .bind(identity.id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            audit::record(
                &mut **tx,
                None,
                "case.opened",
                Some(id),
                json!({ "channel": channel.as_str() }),
                now,
            )
            .await?;
            return Ok(OpenCase {
                id,
                level,
                country: None,
            });
        }
    }
    Err(sqlx::Error::Protocol(
        "could not draw a unique case reference".into(),
    ))
}

/// Scores the case again from all its inbound messages and quick answers, and records a change
/// of level in the audit log. Messages accumulate, so the level only rises this way.
pub async fn reassess(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    case: &mut OpenCase,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sealed: Vec<(MessageId, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT id, text_enc FROM messages WHERE case_id = $1 AND direction = 'inbound' AND kind NOT IN ('choice', 'left')
         ORDER BY at, seq",
    )
    .bind(case.id)
    .fetch_all(&mut **tx)
    .await?;
    let texts: Vec<(MessageId, String)> = sealed
        .into_iter()
        .filter_map(|(id, text)| Some((id, ctx.keys.open(&text?).ok()?)))
        .collect();
    let (answers_json, override_level, override_auto_rank): (
        serde_json::Value,
        Option<String>,
        Option<i16>,
    ) = sqlx::query_as(
        "SELECT answers, urgency_override_level, urgency_override_auto_rank FROM cases WHERE id = $1",
    )
    .bind(case.id)
    .fetch_one(&mut **tx)
    .await?;
    let chosen = override_level
        .and_then(|l| Level::parse("urgency_override_level", &l).ok())
        .map(|l| (l, Level::from_rank(override_auto_rank.unwrap_or(0))));
    let pairs: Vec<(String, String)> = answers_json
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let answers =
        Answers::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap_or_default();
    let assessment = assess(
        &ReportForTriage {
            messages: texts.iter().map(|(id, t)| (*id, t.as_str())).collect(),
            answers: &answers,
        },
        &ctx.rules(),
        now,
    );
    let reasons = serde_json::to_string(&crate::triage::without_quotes(&assessment.reasons))
        .unwrap_or_else(|_| "[]".into());
    let (level, superseded) = crate::cases::level_after_reassessment(assessment.level, chosen);
    sqlx::query(
        "UPDATE cases SET urgency_level = $2, urgency_rank = $3, urgency_flags = $4, urgency_reasons_enc = $5,
                          rules_version = $6, updated_at = $7, urgency_auto_level = $8,
                          urgency_override_level = CASE WHEN $9 THEN NULL ELSE urgency_override_level END
         WHERE id = $1",
    )
    .bind(case.id)
    .bind(level.as_str())
    .bind(level.rank())
    .bind(&assessment.flags)
    .bind(ctx.keys.seal(&reasons))
    .bind(&assessment.rules_version)
    .bind(now)
    .bind(assessment.level.as_str())
    .bind(superseded)
    .execute(&mut **tx)
    .await?;
    if level != case.level {
        audit::record(
            &mut **tx,
            None,
            "case.reassessed",
            Some(case.id),
            json!({
                "from": case.level,
                "to": level,
                "counselor_choice_superseded": superseded,
                "flags": assessment.flags,
                "rules_version": assessment.rules_version,
            }),
            now,
        )
        .await?;
        case.level = level;
    }
    Ok(())
}

/// A new message from the person puts the case back in the queue. The wait counts from the
/// first unanswered message, so a flood from one chat cannot push anyone else down.
pub async fn mark_awaiting_reply(
    tx: &mut Transaction<'_, Postgres>,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET waiting_since = CASE WHEN awaiting_reply THEN waiting_since ELSE $2 END,
                          awaiting_reply = TRUE, updated_at = $2
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
