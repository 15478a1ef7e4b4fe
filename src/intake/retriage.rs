//! Triage a case again when a message or an answer arrives, cheaply: each inbound message keeps
//! the reading triage made of it (flags with offsets, never the words), so a new message costs
//! one reading and the rest is a fold over the stored ones. A reading made under other rules is
//! read again from the message (and stored), so a rules reload gives the same result as reading
//! every message afresh.
//!
//! `StoredUrgency` is the one place that decides what of an assessment is written on the case
//! row; `open_case` inserts it and `retriage` updates it.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};

use super::open_case::OpenCase;
use crate::auth::audit;
use crate::context::AppContext;
use crate::crypto::KeyRing;
use crate::domain::{Answers, Level, MessageId};
use crate::triage::{
    Assessment, MessageReading, TriageRules, assess_readings, read_message, reading_version,
    without_quotes,
};

/// An assessment as the case row stores it.
pub struct StoredUrgency {
    /// The level in force (the rules' level, or a counselor's choice that still stands).
    pub level: Level,
    /// What the rules said.
    pub automatic_level: Level,
    pub flags: Vec<String>,
    /// The reasons without quotes, encrypted (they point into what the person said).
    pub reasons_enc: Vec<u8>,
    pub rules_version: String,
    /// A counselor's choice was superseded by a higher level from the rules.
    pub override_superseded: bool,
}

impl StoredUrgency {
    pub fn new(
        keys: &KeyRing,
        case_id: crate::domain::CaseId,
        assessment: &Assessment,
        level: Level,
        override_superseded: bool,
    ) -> StoredUrgency {
        let reasons = serde_json::to_string(&without_quotes(&assessment.reasons))
            .unwrap_or_else(|_| "[]".into());
        StoredUrgency {
            level,
            automatic_level: assessment.level,
            flags: assessment.flags.clone(),
            reasons_enc: keys.seal_at(&reasons, "cases", "urgency_reasons_enc", case_id),
            rules_version: assessment.rules_version.clone(),
            override_superseded,
        }
    }
}

/// Scores the case again from the readings of its inbound messages and its quick answers, writes
/// the result, and records a change of level in the audit log. Messages accumulate, so the level
/// only rises this way; a counselor's choice stands until the rules score above it.
pub async fn retriage(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    case: &mut OpenCase,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let rules = ctx.rules();
    let readings = readings_of(tx, ctx, &rules, case).await?;
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
    let answers = answers_from_json(&answers_json);
    let borrowed: Vec<(MessageId, &MessageReading)> =
        readings.iter().map(|(id, r)| (*id, r)).collect();
    let assessment = assess_readings(&borrowed, &answers, &rules);
    let (level, superseded) = crate::cases::level_after_reassessment(assessment.level, chosen);
    let urgency = StoredUrgency::new(&ctx.keys, case.id, &assessment, level, superseded);
    sqlx::query(
        "UPDATE cases SET urgency_level = $2, urgency_rank = $3, urgency_flags = $4, urgency_reasons_enc = $5,
                          rules_version = $6, updated_at = $7, urgency_auto_level = $8,
                          urgency_override_level = CASE WHEN $9 THEN NULL ELSE urgency_override_level END
         WHERE id = $1",
    )
    .bind(case.id)
    .bind(urgency.level.as_str())
    .bind(urgency.level.rank())
    .bind(&urgency.flags)
    .bind(&urgency.reasons_enc)
    .bind(&urgency.rules_version)
    .bind(now)
    .bind(urgency.automatic_level.as_str())
    .bind(urgency.override_superseded)
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
                "flags": urgency.flags,
                "rules_version": urgency.rules_version,
            }),
            now,
        )
        .await?;
        case.level = level;
    }
    Ok(())
}

/// The readings of the case's inbound messages, in the order they were written. Readings made
/// under other rules (or never made) are made again from the decrypted text and stored.
async fn readings_of(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    rules: &TriageRules,
    case: &OpenCase,
) -> Result<Vec<(MessageId, MessageReading)>, sqlx::Error> {
    let version = reading_version(rules);
    // The text is fetched only where the stored reading is stale.
    let rows: Vec<(MessageId, Option<serde_json::Value>, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT id, CASE WHEN triage_reading_version = $2 THEN triage_reading END,
                CASE WHEN triage_reading_version IS DISTINCT FROM $2 THEN text_enc END
         FROM messages WHERE case_id = $1 AND direction = 'inbound' AND kind NOT IN ('choice', 'left')
         ORDER BY at, seq",
    )
    .bind(case.id)
    .bind(&version)
    .fetch_all(&mut **tx)
    .await?;
    let mut readings = Vec::with_capacity(rows.len());
    for (id, stored, sealed) in rows {
        if let Some(reading) = stored.and_then(|v| serde_json::from_value(v).ok()) {
            readings.push((id, reading));
            continue;
        }
        let Some(text) = sealed.and_then(|s| {
            ctx.keys
                .open_bound(
                    &s,
                    &crate::crypto::Binding::new("messages", "text_enc", id.0),
                )
                .ok()
        }) else {
            continue;
        };
        let reading = read_message(&text, rules);
        sqlx::query(
            "UPDATE messages SET triage_reading = $2, triage_reading_version = $3 WHERE id = $1",
        )
        .bind(id)
        .bind(serde_json::to_value(&reading).unwrap_or_default())
        .bind(&version)
        .execute(&mut **tx)
        .await?;
        readings.push((id, reading));
    }
    Ok(readings)
}

fn answers_from_json(answers: &serde_json::Value) -> Answers {
    let pairs: Vec<(String, String)> = answers
        .as_object()
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    Answers::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap_or_default()
}
