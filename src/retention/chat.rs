//! "Forget me" in the chat: a message that is only a forget word (`forget_me.words` of any
//! language: "forget me", "ลบข้อมูล"...) makes the bot ask once more, in words safe on a lock
//! screen, with two buttons: "Yes, delete" erases (`forget_me::forget_reporter`) and nothing is
//! sent after it; "Keep" keeps everything and says so; anything else the person writes backs out
//! silently and is handled as usual. On LINE the question says the hotline cannot remove the
//! chat's messages, so the person knows to delete the chat themselves.
//!
//! `decide` is pure; `carry_out` stores what it means inside the message's transaction.

use chrono::{DateTime, Utc};
use hotline_contract::{Choice, InboundContent};
use sqlx::{Postgres, Transaction};

use super::forget_me::{ForgetOutcome, Via, forget_reporter};
use crate::context::AppContext;
use crate::intake::ConversationTexts;
use crate::intake::conversation::Conversation;

pub const CONFIRM: &str = "forget:yes";
pub const KEEP: &str = "forget:no";

/// What an inbound event means for "forget me".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForgetStep {
    /// Nothing to do with it: the usual flow.
    NotAsked,
    /// The person asked: ask them to confirm, in this language (when the words tell).
    Ask { language: Option<String> },
    /// The person confirmed: erase.
    Confirmed,
    /// The person chose to keep their data.
    Keep,
    /// The question was pending and the person wrote something else: forget the question and
    /// go on as usual.
    BackedOut,
}

fn normalise(text: &str) -> String {
    text.trim()
        .trim_end_matches(['.', '!', '?', '。', '！'])
        .trim()
        .to_lowercase()
}

/// What `content` means, given whether the bot has just asked to confirm.
pub fn decide(
    conversation: &Conversation,
    content: &InboundContent,
    texts: &ConversationTexts,
) -> ForgetStep {
    let asked = conversation.forget_asked;
    match content {
        InboundContent::Choice { data, .. } if data == CONFIRM => {
            if asked {
                ForgetStep::Confirmed
            } else {
                // A button from an older question: ask again rather than erase unasked.
                ForgetStep::Ask { language: None }
            }
        }
        InboundContent::Choice { data, .. } if data == KEEP => ForgetStep::Keep,
        InboundContent::Text { text } => {
            let said = normalise(text);
            if let Some(pack) = texts
                .packs()
                .find(|p| p.forget_me.words.iter().any(|w| normalise(w) == said))
            {
                return ForgetStep::Ask {
                    language: Some(pack.language.clone()),
                };
            }
            // Where buttons come back as text (a LINE quick reply), the labels count.
            if asked {
                if texts
                    .packs()
                    .any(|p| normalise(&p.forget_me.erase_button) == said)
                {
                    return ForgetStep::Confirmed;
                }
                if texts
                    .packs()
                    .any(|p| normalise(&p.forget_me.keep_button) == said)
                {
                    return ForgetStep::Keep;
                }
                return ForgetStep::BackedOut;
            }
            ForgetStep::NotAsked
        }
        _ if asked => ForgetStep::BackedOut,
        _ => ForgetStep::NotAsked,
    }
}

/// The person's chat, as `carry_out` needs it.
pub struct Chat<'a> {
    pub identity: uuid::Uuid,
    pub reporter: crate::domain::ReporterId,
    pub channel: &'a str,
    pub conversation: &'a mut Conversation,
    pub open_case: Option<crate::domain::CaseId>,
}

/// Stores what `step` means (not for `NotAsked`). Returns the erasure's outcome when the person
/// confirmed, and the bot's reply, if any, is queued.
pub async fn carry_out(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    chat: Chat<'_>,
    step: &ForgetStep,
    now: DateTime<Utc>,
) -> Result<Option<ForgetOutcome>, sqlx::Error> {
    let reply: Option<(String, Vec<Vec<Choice>>)> = match step {
        ForgetStep::NotAsked => return Ok(None),
        ForgetStep::Confirmed => {
            chat.conversation.forget_asked = false;
            save(tx, chat.identity, chat.conversation).await?;
            let outcome = forget_reporter(
                tx,
                &ctx.keys,
                &ctx.settings.queue.answer_target_seconds,
                chat.reporter,
                Via::Chat,
                now,
            )
            .await?;
            return Ok(Some(outcome));
        }
        ForgetStep::BackedOut => {
            chat.conversation.forget_asked = false;
            None
        }
        ForgetStep::Keep => {
            chat.conversation.forget_asked = false;
            let pack = ctx
                .conversation
                .pack(chat.conversation.language.as_deref().unwrap_or("en"));
            Some((pack.forget_me.kept.clone(), Vec::new()))
        }
        ForgetStep::Ask { language } => {
            chat.conversation.forget_asked = true;
            let language = chat
                .conversation
                .language
                .clone()
                .or_else(|| language.clone())
                .unwrap_or_else(|| "en".to_owned());
            let pack = ctx.conversation.pack(&language);
            let text = if chat.channel == "telegram" {
                &pack.forget_me.ask
            } else {
                &pack.forget_me.ask_cannot_delete
            };
            let buttons = vec![vec![
                Choice {
                    label: pack.forget_me.erase_button.clone(),
                    data: CONFIRM.to_owned(),
                },
                Choice {
                    label: pack.forget_me.keep_button.clone(),
                    data: KEEP.to_owned(),
                },
            ]];
            Some((text.clone(), buttons))
        }
    };
    save(tx, chat.identity, chat.conversation).await?;
    if let Some((text, choices)) = reply {
        crate::messaging::outbox::queue_messages(
            tx,
            &ctx.keys,
            crate::messaging::outbox::Recipient {
                case_id: chat.open_case,
                channel_identity: chat.identity,
                channel: chat.channel,
            },
            crate::messaging::outbox::Author::Bot,
            &[crate::messaging::outbox::Outgoing {
                text: &text,
                choices: &choices,
                request_contact: None,
            }],
            None,
            now,
        )
        .await?;
    }
    Ok(None)
}

async fn save(
    tx: &mut Transaction<'_, Postgres>,
    identity: uuid::Uuid,
    conversation: &Conversation,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE channel_identities SET conversation = $2 WHERE id = $1")
        .bind(identity)
        .bind(serde_json::to_value(conversation).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
