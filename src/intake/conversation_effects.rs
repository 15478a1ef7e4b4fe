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
                    .bind(ctx.keys.seal(area))
                    .execute(&mut **tx)
                    .await?;
            }
            (Effect::Contact(preference), _) => {
                let channel = identity.channel.clone();
                let (allowed, never_first): (Vec<String>, bool) = match preference {
                    ContactPreference::ThisChatOnly => (vec![channel], false),
                    ContactPreference::Phone => (vec![channel, "phone".into()], false),
                    ContactPreference::NeverFirst => (vec![channel], true),
                };
                sqlx::query(
                    "UPDATE reporters SET allowed_channels = $2, never_contact_first = $3 WHERE id = $1",
                )
                .bind(identity.reporter_id)
                .bind(allowed)
                .bind(never_first)
                .execute(&mut **tx)
                .await?;
            }
            (Effect::Phone(phone), _) => {
                sqlx::query("UPDATE reporters SET phone_enc = $2, phone_hash = $3 WHERE id = $1")
                    .bind(identity.reporter_id)
                    .bind(ctx.keys.seal(phone))
                    .bind(ctx.keys.index_hash("phone", phone))
                    .execute(&mut **tx)
                    .await?;
            }
            (Effect::SafeHours(hours), _) => {
                sqlx::query("UPDATE reporters SET safe_hours = $2 WHERE id = $1")
                    .bind(identity.reporter_id)
                    .bind(hours)
                    .execute(&mut **tx)
                    .await?;
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
    Ok(answered)
}
