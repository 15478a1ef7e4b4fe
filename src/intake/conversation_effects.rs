//! Storing what the conversation learned: the chat's language, quick answers, where the person
//! is, and how and when they may be contacted back.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};

use super::conversation::{ContactPreference, Effect};
use super::open_case::OpenCase;
use super::reporter_identity::ChannelIdentity;
use crate::auth::audit;
use crate::context::AppContext;
use crate::domain::{Channel, ReporterId};
use crate::safe_contact::{self, SafeContactRules, Source};

/// Stores the conversation's effects. Returns whether a quick answer changed (so triage runs
/// again).
pub async fn store_effects(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &ChannelIdentity,
    case: Option<&OpenCase>,
    effects: &[Effect],
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut answered = false;
    // The rules the person's answers change, recorded once as one new version.
    let mut rules: Option<(ReporterId, SafeContactRules)> = None;
    for effect in effects {
        match (effect, case) {
            (Effect::Language(language), Some(case)) => {
                sqlx::query("UPDATE cases SET language = $2 WHERE id = $1")
                    .bind(case.id)
                    .bind(language)
                    .execute(&mut **tx)
                    .await?;
            }
            (Effect::Answer { question, value }, Some(case)) => {
                sqlx::query(
                    "UPDATE cases SET answers = answers || jsonb_build_object($2::text, $3::text) WHERE id = $1",
                )
                .bind(case.id)
                .bind(question)
                .bind(value)
                .execute(&mut **tx)
                .await?;
                answered = true;
            }
            (Effect::Country(country), Some(case)) => {
                sqlx::query("UPDATE cases SET country = $2 WHERE id = $1")
                    .bind(case.id)
                    .bind(country)
                    .execute(&mut **tx)
                    .await?;
            }
            (Effect::Area(area), Some(case)) => {
                sqlx::query("UPDATE cases SET area_enc = $2 WHERE id = $1")
                    .bind(case.id)
                    .bind(ctx.keys.seal_at(area, "cases", "area_enc", case.id))
                    .execute(&mut **tx)
                    .await?;
            }
            (Effect::Contact(preference), _) => {
                let rules = changed_rules(tx, ctx, identity, &mut rules).await?;
                let channel = Channel::parse("channel", &identity.channel).ok();
                rules.allowed_channels = channel.into_iter().collect();
                rules.never_contact_first = false;
                match preference {
                    ContactPreference::ThisChatOnly => {}
                    ContactPreference::Phone => rules.allowed_channels.push(Channel::Phone),
                    ContactPreference::NeverFirst => rules.never_contact_first = true,
                }
            }
            (Effect::Phone(phone), _) => {
                sqlx::query("UPDATE reporters SET phone_enc = $2, phone_hash = $3 WHERE id = $1")
                    .bind(identity.reporter_id)
                    .bind(
                        ctx.keys
                            .seal_at(phone, "reporters", "phone_enc", identity.reporter_id),
                    )
                    .bind(ctx.keys.index_hash("phone", phone))
                    .execute(&mut **tx)
                    .await?;
                changed_rules(tx, ctx, identity, &mut rules)
                    .await?
                    .add_phone(phone);
            }
            (Effect::SafeHours(hours), _) => {
                // The person's words are kept as they said them; windows are read from them
                // where they can be.
                changed_rules(tx, ctx, identity, &mut rules)
                    .await?
                    .set_own_words(Some(hours));
            }
            (Effect::Stopped, case) => {
                audit::record(
                    &mut **tx,
                    None,
                    "chat.stopped",
                    case.map(|c| c.id),
                    json!({}),
                    now,
                )
                .await?;
            }
            // Facts about a case that does not exist yet cannot arise: questions about the
            // situation come only after the person has written something.
            (_, None) => {}
        }
    }
    if let Some((reporter, rules)) = rules {
        safe_contact::record(tx, &ctx.keys, reporter, &rules, Source::Chat, None, now).await?;
    }
    Ok(answered)
}

/// The rules being changed in this turn, loaded on first use.
async fn changed_rules<'r>(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &ChannelIdentity,
    rules: &'r mut Option<(ReporterId, SafeContactRules)>,
) -> Result<&'r mut SafeContactRules, sqlx::Error> {
    if rules.is_none() {
        let current = safe_contact::load(&mut **tx, &ctx.keys, identity.reporter_id)
            .await
            .map_err(|e| match e {
                safe_contact::SafeContactError::Database(db) => db,
                other => sqlx::Error::Protocol(other.to_string()),
            })?;
        *rules = Some((identity.reporter_id, current.rules));
    }
    Ok(&mut rules
        .get_or_insert_with(|| (identity.reporter_id, SafeContactRules::answer_only(None)))
        .1)
}
