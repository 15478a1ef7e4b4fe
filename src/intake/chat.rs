//! A chat message (Telegram now, LINE next) becomes part of a case, in one transaction:
//! recorded once per channel event, joined to the chat's open case (or opening one at the first
//! message with content), triaged, and answered by the conversation, whose replies are queued
//! as jobs. Nothing is answered 2xx before this commits.
//!
//! Two deliveries from the same chat are serialised by locking the chat's identity row; a
//! redelivered event hits the `channel_events` primary key and changes nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_contract::{ChannelKind, InboundContent, InboundMessage};
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::chat_case;
use super::conversation::{self, ContactPreference, Conversation, Effect, Said, Situation};
use crate::context::AppContext;
use crate::domain::{CaseId, Channel, MessageId, ReporterId};
use crate::jobs;

/// What recording one chat event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatOutcome {
    /// The event was recorded before; nothing changed.
    pub duplicate: bool,
    pub case_id: Option<CaseId>,
    /// Bot replies queued for sending.
    pub replies: usize,
}

impl ChatOutcome {
    fn duplicate() -> ChatOutcome {
        ChatOutcome {
            duplicate: true,
            case_id: None,
            replies: 0,
        }
    }
}

/// The chat's identity row, locked for this transaction.
pub(crate) struct Identity {
    pub id: Uuid,
    pub reporter_id: ReporterId,
    pub conversation: Conversation,
    pub blocked: bool,
    pub unreachable: bool,
}

/// Job kind that sends queued outbound messages, in order, on their channel.
pub const SEND_MESSAGES_JOB: &str = "send_messages";
/// Job kind that stops a pressed button's spinner.
pub const ACKNOWLEDGE_CHOICE_JOB: &str = "acknowledge_choice";

/// Records one inbound chat event and runs the conversation. Safe to call twice with the same
/// event: the second call is a duplicate and changes nothing.
pub async fn record_chat_message(
    ctx: &AppContext,
    message: &InboundMessage,
) -> Result<ChatOutcome, sqlx::Error> {
    let now = ctx.now();
    let channel = message.channel.as_str();
    let seen_key = format!("seen:{channel}:{}", message.event_id);
    // Fast path only: the primary key below is the truth, and this key is set after commit.
    if let Ok(Some(_)) = ctx.redis.get(&seen_key).await {
        return Ok(ChatOutcome::duplicate());
    }

    let mut tx = ctx.db.begin().await?;
    let mut identity = lock_identity(&mut tx, ctx, channel, &message.sender, now).await?;
    let inserted = sqlx::query(
        "INSERT INTO channel_events (channel, event_id, identity_id, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(channel)
    .bind(&message.event_id)
    .bind(identity.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        let _ = ctx.redis.set_ex(&seen_key, "1", 86_400).await;
        return Ok(ChatOutcome::duplicate());
    }
    let left = matches!(message.content, InboundContent::Left);
    if left {
        // Nothing more goes to this chat, from the bot or a counselor, until they come back.
        sqlx::query("UPDATE channel_identities SET unreachable_at = $2 WHERE id = $1")
            .bind(identity.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    } else {
        // Writing again means the person can be reached again (they unblocked the bot).
        sqlx::query(
            "UPDATE channel_identities SET last_inbound_at = $2, unreachable_at = NULL WHERE id = $1",
        )
        .bind(identity.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    identity.unreachable = left;
    if let InboundContent::Start {
        source: Some(source),
    } = &message.content
    {
        sqlx::query("UPDATE channel_identities SET source = $2 WHERE id = $1")
            .bind(identity.id)
            .bind(source.chars().take(64).collect::<String>())
            .execute(&mut *tx)
            .await?;
    }
    if let InboundContent::Choice {
        ack_id: Some(ack), ..
    } = &message.content
    {
        jobs::enqueue(
            &mut *tx,
            ACKNOWLEDGE_CHOICE_JOB,
            &json!({ "channel": channel, "ack_id": ack }),
            Some(&format!("ack:{channel}:{ack}")),
            now,
        )
        .await?;
    }

    let stored = StoredContent::from(&message.content, &identity.conversation);
    let mut case = chat_case::open_case_of(&mut tx, identity.id).await?;
    if case.is_none() && stored.opens_case {
        let language = identity.conversation.language.clone().or_else(|| {
            text_of(&message.content)
                .and_then(super::language::detect_script_language)
                .map(str::to_owned)
        });
        // A returning person whose earlier case was closed starts a new conversation round.
        if matches!(
            identity.conversation.step,
            conversation::Step::WithCounselor | conversation::Step::HandedOff
        ) {
            identity.conversation.step = conversation::Step::Paused;
            identity.conversation.told = false;
            identity.conversation.danger_shown = false;
        }
        case = Some(
            chat_case::open_case(
                &mut tx,
                ctx,
                &identity,
                message.channel,
                language.as_deref(),
                now,
            )
            .await?,
        );
    }
    let mut message_id = None;
    if let (Some(case), Some(text)) = (&case, &stored.text) {
        message_id = Some(
            insert_inbound(
                &mut tx, ctx, &identity, case.id, message, &stored, text, now,
            )
            .await?,
        );
    }

    // Danger words in this very message bring the emergency numbers at once.
    let danger = text_of(&message.content)
        .map(|t| !ctx.rules().danger_in(t).is_empty())
        .unwrap_or(false);
    if let Some(case) = case.as_mut()
        && message_id.is_some()
        && !left
    {
        chat_case::reassess(&mut tx, ctx, case, now).await?;
        chat_case::mark_awaiting_reply(&mut tx, case.id, now).await?;
    }

    let mut replies = Vec::new();
    // In standby another system answers the chat; after an unfollow nobody can.
    if !identity.blocked && message.bot_may_answer && !left {
        let expected_wait = case
            .as_ref()
            .map(|c| answer_target(ctx, c.level))
            .unwrap_or_else(|| answer_target(ctx, crate::domain::Level::Medium));
        let said = said_of(&message.content);
        let advance = conversation::advance(
            &identity.conversation,
            said,
            &Situation {
                texts: &ctx.conversation,
                language_hint: message.language_hint.as_deref(),
                country: case.as_ref().and_then(|c| c.country.as_deref()),
                danger,
                expected_wait,
            },
        );
        let answered =
            apply_effects(&mut tx, ctx, &identity, case.as_ref(), &advance.effects).await?;
        if answered && let Some(case) = case.as_mut() {
            chat_case::reassess(&mut tx, ctx, case, now).await?;
        }
        identity.conversation = advance.next;
        sqlx::query(
            "UPDATE channel_identities SET conversation = $2, language = COALESCE($3, language) WHERE id = $1",
        )
        .bind(identity.id)
        .bind(serde_json::to_value(&identity.conversation).unwrap_or_default())
        .bind(identity.conversation.language.as_deref())
        .execute(&mut *tx)
        .await?;
        replies = advance.replies;
        if !replies.is_empty() && !identity.unreachable && !within_reply_rate(ctx, &identity).await
        {
            crate::metrics::bot_replies_suppressed(channel);
            replies.clear();
        }
        if identity.unreachable {
            replies.clear();
        }
    }
    let reply_grant = message.reply_token.as_ref().map(|token| ReplyGrant {
        token: token.clone(),
        until: now + chrono::Duration::seconds(ctx.settings.channels.line.reply_token_seconds),
    });
    let queued = queue_bot_replies(
        &mut tx,
        ctx,
        &identity,
        case.as_ref().map(|c| c.id),
        message.channel,
        &replies,
        reply_grant.as_ref(),
        now,
    )
    .await?;
    tx.commit().await?;
    let _ = ctx.redis.set_ex(&seen_key, "1", 86_400).await;
    crate::metrics::chat_message(
        channel,
        if identity.blocked {
            "blocked"
        } else {
            "recorded"
        },
    );
    Ok(ChatOutcome {
        duplicate: false,
        case_id: case.map(|c| c.id),
        replies: queued,
    })
}

/// Finds or creates the identity (and its reporter) of whoever writes from `sender` on
/// `channel` (a chat id, an email address) and locks it for this transaction.
pub(crate) async fn lock_identity(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    channel: &str,
    sender: &str,
    now: DateTime<Utc>,
) -> Result<Identity, sqlx::Error> {
    let hash = ctx.keys.index_hash(&format!("chat:{channel}"), sender);
    for _ in 0..2 {
        let row: Option<(Uuid, ReporterId, serde_json::Value, bool, bool)> = sqlx::query_as(
            "SELECT id, reporter_id, conversation, blocked_at IS NOT NULL, unreachable_at IS NOT NULL
             FROM channel_identities WHERE channel = $1 AND external_id_hash = $2 FOR UPDATE",
        )
        .bind(channel)
        .bind(&hash)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((id, reporter_id, conversation, blocked, unreachable)) = row {
            return Ok(Identity {
                id,
                reporter_id,
                conversation: serde_json::from_value(conversation).unwrap_or_default(),
                blocked,
                unreachable,
            });
        }
        let reporter = ReporterId::new();
        sqlx::query(
            "INSERT INTO reporters (id, allowed_channels, created_at) VALUES ($1, ARRAY[$2], $3)",
        )
        .bind(reporter)
        .bind(channel)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO channel_identities (id, reporter_id, channel, external_id_hash, external_id_enc, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, external_id_hash) DO NOTHING",
        )
        .bind(Uuid::new_v4())
        .bind(reporter)
        .bind(channel)
        .bind(&hash)
        .bind(ctx.keys.seal(sender))
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Another delivery from this chat created it first; use theirs.
            sqlx::query("DELETE FROM reporters WHERE id = $1")
                .bind(reporter)
                .execute(&mut **tx)
                .await?;
        }
    }
    Err(sqlx::Error::RowNotFound)
}

/// What of an inbound event is kept as a message on the case.
struct StoredContent {
    kind: &'static str,
    /// The text stored (encrypted) as the message; `None` stores nothing.
    text: Option<String>,
    /// Whether this event, arriving first, opens a case.
    opens_case: bool,
}

impl StoredContent {
    fn from(content: &InboundContent, conversation: &Conversation) -> StoredContent {
        let (kind, text, opens_case) = match content {
            InboundContent::Text { text } => ("text", Some(text.clone()), true),
            InboundContent::Start { .. } => ("start", None, false),
            InboundContent::Choice { data, .. } => (
                "choice",
                Some(super::choice_description::describe(conversation.step, data)),
                false,
            ),
            InboundContent::Contact { phone, name, own } => (
                "contact",
                Some(format!(
                    "Shared a phone number{}: {phone}{}",
                    if *own { " (their own)" } else { "" },
                    name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
                )),
                true,
            ),
            InboundContent::Location {
                latitude,
                longitude,
            } => (
                "location",
                Some(format!("Shared a location: {latitude:.5}, {longitude:.5}")),
                true,
            ),
            InboundContent::Attachment(file) => (
                "attachment",
                Some(match &file.caption {
                    Some(caption) => caption.clone(),
                    None => format!("[{}]", file.kind.as_str()),
                }),
                true,
            ),
            InboundContent::Edited { text, .. } => ("edit", Some(text.clone()), true),
            InboundContent::Unsupported { what } => (
                "unsupported",
                Some(format!("[a {what} message the hotline cannot show]")),
                true,
            ),
            InboundContent::Left => (
                "left",
                Some(
                    "[The person blocked or unfollowed the hotline's account: nothing can be sent to them until they come back]"
                        .to_owned(),
                ),
                false,
            ),
        };
        StoredContent {
            kind,
            text,
            opens_case,
        }
    }
}

fn text_of(content: &InboundContent) -> Option<&str> {
    match content {
        InboundContent::Text { text } | InboundContent::Edited { text, .. } => Some(text),
        InboundContent::Attachment(file) => file.caption.as_deref(),
        _ => None,
    }
}

fn said_of(content: &InboundContent) -> Said<'_> {
    match content {
        InboundContent::Text { text } => Said::Text(text),
        InboundContent::Start { .. } => Said::Start,
        InboundContent::Choice { data, .. } => Said::Choice(data),
        InboundContent::Contact { phone, .. } => Said::Contact { phone },
        InboundContent::Location { .. }
        | InboundContent::Attachment(_)
        | InboundContent::Edited { .. } => Said::OtherContent,
        InboundContent::Unsupported { .. } => Said::Unsupported,
        // Never reaches the conversation: nobody can be answered after leaving.
        InboundContent::Left => Said::OtherContent,
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one transaction's worth of context"
)]
async fn insert_inbound(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &Identity,
    case_id: CaseId,
    message: &InboundMessage,
    stored: &StoredContent,
    text: &str,
    now: DateTime<Utc>,
) -> Result<MessageId, sqlx::Error> {
    let id = MessageId::new();
    let version_of: Option<MessageId> = match &message.content {
        InboundContent::Edited {
            original_message_id,
            ..
        } => sqlx::query_as::<_, (MessageId,)>(
            "SELECT id FROM messages WHERE channel_identity_id = $1 AND platform_message_id = $2
             AND direction = 'inbound' AND version_of IS NULL ORDER BY at LIMIT 1",
        )
        .bind(identity.id)
        .bind(original_message_id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|(id,)| id),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                               kind, author_kind, version_of, platform_message_id, delivery, at, text_converted_enc)
         VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, 'reporter', $8, $9, 'received', $10, $11)",
    )
    .bind(id)
    .bind(case_id)
    .bind(identity.id)
    .bind(message.channel.as_str())
    .bind(&message.event_id)
    .bind(ctx.keys.seal(text))
    .bind(stored.kind)
    .bind(version_of)
    .bind(message.platform_message_id.as_deref())
    .bind(now)
    .bind(
        ctx.keys
            .seal_opt(crate::triage::normalize::zawgyi_conversion(text).as_deref()),
    )
    .execute(&mut **tx)
    .await?;
    if let InboundContent::Attachment(file) = &message.content {
        sqlx::query(
            "INSERT INTO attachments (id, message_id, content_type, byte_size, file_name_enc, external_ref_enc, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::new_v4())
        .bind(id)
        .bind(
            file.mime_type
                .clone()
                .unwrap_or_else(|| format!("{}/unknown", file.kind.as_str())),
        )
        .bind(file.byte_size.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
        .bind(ctx.keys.seal_opt(file.file_name.as_deref()))
        .bind(ctx.keys.seal(&file.file_ref))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Stores what the conversation learned. Returns whether an answer changed (so triage runs
/// again).
async fn apply_effects(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &Identity,
    case: Option<&chat_case::OpenCase>,
    effects: &[Effect],
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
                let channel = identity_channel(tx, identity).await?;
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
                crate::auth::audit::record(
                    &mut **tx,
                    None,
                    "chat.stopped",
                    case.map(|c| c.id),
                    json!({}),
                    ctx.now(),
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

async fn identity_channel(
    tx: &mut Transaction<'_, Postgres>,
    identity: &Identity,
) -> Result<String, sqlx::Error> {
    let (channel,): (String,) =
        sqlx::query_as("SELECT channel FROM channel_identities WHERE id = $1")
            .bind(identity.id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(channel)
}

/// Per-chat reply budget in Redis. Without Redis the bot still answers: a lost counter must
/// not silence a person in danger.
async fn within_reply_rate(ctx: &AppContext, identity: &Identity) -> bool {
    let limit = ctx.settings.conversation.bot_replies_per_minute;
    match ctx
        .redis
        .incr_window(&format!("chat-replies:{}", identity.id), 60)
        .await
    {
        Ok(count) => count <= limit,
        Err(_) => true,
    }
}

fn answer_target(ctx: &AppContext, level: crate::domain::Level) -> Duration {
    let t = &ctx.settings.queue.answer_target_seconds;
    let seconds = match level {
        crate::domain::Level::Critical => t.critical,
        crate::domain::Level::High => t.high,
        crate::domain::Level::Medium => t.medium,
        crate::domain::Level::Low => t.low,
    };
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

/// The reply token of the event being answered, and until when the bot uses it. It travels
/// in the send job's payload: it is a short-lived platform credential, not personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyGrant {
    pub token: String,
    pub until: DateTime<Utc>,
}

/// Stores the bot's replies as pending outbound messages and queues one job that sends them in
/// order.
#[allow(
    clippy::too_many_arguments,
    reason = "one transaction's worth of context"
)]
async fn queue_bot_replies(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &Identity,
    case_id: Option<CaseId>,
    channel: ChannelKind,
    replies: &[conversation::Reply],
    reply_grant: Option<&ReplyGrant>,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    if replies.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(replies.len());
    for reply in replies {
        let id = MessageId::new();
        // Replies share the moment; `seq` keeps their order.
        let at = now;
        sqlx::query(
            "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, text_enc, kind,
                                   author_kind, choices, request_contact, delivery, at)
             VALUES ($1, $2, $3, 'outbound', $4, $5, 'text', 'bot', $6, $7, 'pending', $8)",
        )
        .bind(id)
        .bind(case_id)
        .bind(identity.id)
        .bind(channel.as_str())
        .bind(ctx.keys.seal(&reply.text))
        .bind((!reply.choices.is_empty()).then(|| serde_json::to_value(&reply.choices).unwrap_or_default()))
        .bind(reply.request_contact.as_deref())
        .bind(at)
        .execute(&mut **tx)
        .await?;
        ids.push(id);
    }
    enqueue_send_with(&mut **tx, &ids, reply_grant, now).await?;
    Ok(ids.len())
}

/// Queues the sending of outbound messages, in the given order.
pub async fn enqueue_send(
    db: impl sqlx::PgExecutor<'_>,
    ids: &[MessageId],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    enqueue_send_with(db, ids, None, now).await
}

/// Queues the sending of outbound messages answering an event that came with a reply token.
async fn enqueue_send_with(
    db: impl sqlx::PgExecutor<'_>,
    ids: &[MessageId],
    reply_grant: Option<&ReplyGrant>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(first) = ids.first() else {
        return Ok(());
    };
    let mut payload = json!({ "message_ids": ids });
    if let (Some(grant), Some(object)) = (reply_grant, payload.as_object_mut()) {
        object.insert("reply".into(), json!(grant));
    }
    jobs::enqueue(
        db,
        SEND_MESSAGES_JOB,
        &payload,
        Some(&format!("send:{first}")),
        now,
    )
    .await
}

impl From<ChannelKind> for Channel {
    fn from(c: ChannelKind) -> Channel {
        match c {
            ChannelKind::Telegram => Channel::Telegram,
            ChannelKind::Line => Channel::Line,
            ChannelKind::Email => Channel::Email,
            ChannelKind::Phone => Channel::Phone,
        }
    }
}
