//! A message on a chat channel (Telegram, LINE) becomes part of a case, in one transaction, in
//! four steps a reader can follow:
//!
//! 1. `record_event`: the platform's event is recorded once (a redelivery hits the
//!    `channel_events` primary key and changes nothing), under the lock of the person's channel
//!    identity, so two deliveries from one chat are serialised.
//! 2. `attach_to_case`: what the person said is stored on their open case, or opens one at the
//!    first message with content (triaged before the insert), and the case is triaged again.
//! 3. `run_conversation`: the bot's script answers (unless a counselor, a block or standby
//!    means it must not) and what it learned is stored.
//! 4. `queue_replies`: the bot's replies go to the outbox, sent by a job after the commit.
//!
//! Nothing is answered 2xx before this commits.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_contract::{InboundContent, InboundMessage};

use super::conversation::{self, Reply, Situation};
use super::conversation_effects::store_effects;
use super::inbound_content::{StoredContent, said, typed_text};
use super::inbound_message::{NewAttachment, NewInbound, store_attachment, store_inbound};
use super::open_case::{NewCase, OpenCase, open_case, open_case_of_identity};
use super::reporter_identity::{ChannelIdentity, lock_channel_identity, record_presence};
use super::retriage::retriage;
use crate::context::AppContext;
use crate::domain::{Answers, CaseId, Channel, Level, MessageId};
use crate::messaging::outbox::{
    self, Author, Outgoing, Recipient, ReplyGrant, enqueue_choice_acknowledgement,
};
use crate::triage::{assess_readings, read_message};

/// What recording one channel event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOutcome {
    /// The event was recorded before; nothing changed.
    pub duplicate: bool,
    pub case_id: Option<CaseId>,
    /// Bot replies queued for sending.
    pub replies: usize,
}

impl ChannelOutcome {
    fn duplicate() -> ChannelOutcome {
        ChannelOutcome {
            duplicate: true,
            case_id: None,
            replies: 0,
        }
    }
}

/// Records one inbound channel event and runs the conversation. Safe to call twice with the
/// same event: the second call is a duplicate and changes nothing.
pub async fn record_channel_message(
    ctx: &AppContext,
    message: &InboundMessage,
) -> Result<ChannelOutcome, sqlx::Error> {
    let now = ctx.now();
    let seen_key = format!("seen:{}:{}", message.channel.as_str(), message.event_id);
    // Redis may only say "probably seen"; PostgreSQL's primary key alone may say duplicate.
    // After a restore or a failover to a standby that missed the last commits, Redis remembers
    // events the database lost: trusting it would drop each redelivery of them for good. A hit
    // costs one primary-key read instead of the locked transaction below; a miss (or Redis
    // down) goes straight on, and the primary key still catches a duplicate.
    if let Ok(Some(_)) = ctx.redis.get(&seen_key).await
        && event_recorded(&ctx.db, message).await?
    {
        return Ok(ChannelOutcome::duplicate());
    }

    // The typed text is read before the transaction (`reading`): the identity row's lock is not
    // held while triage runs, and the HTTP worker is free meanwhile.
    let rules = ctx.rules();
    let read_before = match super::inbound_content::typed_text(&message.content) {
        Some(text) => Some((
            text.to_owned(),
            super::reading::read_off_worker(text.to_owned(), rules.clone()).await,
        )),
        None => None,
    };
    let mut tx = ctx.db.begin().await?;
    let Some(mut identity) = record_event(&mut tx, ctx, message, now).await? else {
        tx.rollback().await?;
        let _ = ctx.redis.set_ex(&seen_key, "1", 86_400).await;
        return Ok(ChannelOutcome::duplicate());
    };
    // "Forget me" and its confirmation are handled before anything is stored on a case: the
    // request's own words are not kept (`crate::retention::chat`).
    if !identity.blocked && message.bot_may_answer {
        let step = crate::retention::chat::decide(
            &identity.conversation,
            &message.content,
            &ctx.conversation,
        );
        if step != crate::retention::chat::ForgetStep::NotAsked {
            let open_case = open_case_of_identity(&mut tx, identity.id)
                .await?
                .map(|c| c.id);
            crate::retention::chat::carry_out(
                &mut tx,
                ctx,
                crate::retention::chat::Chat {
                    identity: identity.id,
                    reporter: identity.reporter_id,
                    channel: message.channel.as_str(),
                    conversation: &mut identity.conversation,
                    open_case,
                },
                &step,
                now,
            )
            .await?;
            if step != crate::retention::chat::ForgetStep::BackedOut {
                tx.commit().await?;
                let _ = ctx.redis.set_ex(&seen_key, "1", 86_400).await;
                crate::metrics::chat_message(message.channel.as_str(), "forget_me");
                return Ok(ChannelOutcome {
                    duplicate: false,
                    case_id: open_case,
                    replies: usize::from(step != crate::retention::chat::ForgetStep::Confirmed),
                });
            }
        }
    }
    // Surge mode changes which events open a case and what the bot asks (`crate::surge`).
    let surge_on = crate::surge::current(&mut *tx).await?.on;
    let (mut case, read) = attach_to_case(
        &mut tx,
        ctx,
        &mut identity,
        message,
        &Reading {
            rules,
            before: read_before,
        },
        surge_on,
        now,
    )
    .await?;
    let replies = run_conversation(
        &mut tx,
        ctx,
        &mut identity,
        case.as_mut(),
        message,
        &Attached {
            surge_on,
            read: read.as_ref(),
        },
        now,
    )
    .await?;
    let queued = queue_replies(
        &mut tx,
        ctx,
        &identity,
        case.as_ref().map(|c| c.id),
        message,
        &replies,
        now,
    )
    .await?;
    tx.commit().await?;
    let _ = ctx.redis.set_ex(&seen_key, "1", 86_400).await;
    crate::metrics::chat_message(
        message.channel.as_str(),
        if identity.blocked {
            "blocked"
        } else {
            "recorded"
        },
    );
    Ok(ChannelOutcome {
        duplicate: false,
        case_id: case.map(|c| c.id),
        replies: queued,
    })
}

/// Whether PostgreSQL holds the event: the only answer to "was this delivered before?".
async fn event_recorded(db: &sqlx::PgPool, message: &InboundMessage) -> Result<bool, sqlx::Error> {
    let found: Option<(i32,)> =
        sqlx::query_as("SELECT 1 FROM channel_events WHERE channel = $1 AND event_id = $2")
            .bind(message.channel.as_str())
            .bind(&message.event_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// Step 1: records the event once, under the person's locked identity. `None` when it was
/// recorded before.
async fn record_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &AppContext,
    message: &InboundMessage,
    now: DateTime<Utc>,
) -> Result<Option<ChannelIdentity>, sqlx::Error> {
    let channel = message.channel.as_str();
    let mut identity = lock_channel_identity(tx, ctx, channel, &message.sender, now).await?;
    let inserted = sqlx::query(
        "INSERT INTO channel_events (channel, event_id, identity_id, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(channel)
    .bind(&message.event_id)
    .bind(identity.id)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    let left = matches!(message.content, InboundContent::Left);
    record_presence(tx, &mut identity, left, now).await?;
    if let InboundContent::Start {
        source: Some(source),
    } = &message.content
    {
        let source: String = source.chars().take(64).collect();
        sqlx::query("UPDATE channel_identities SET source_enc = $2, source = NULL WHERE id = $1")
            .bind(identity.id)
            .bind(ctx.keys.seal_bound(
                &source,
                &crate::privacy::sealed::source_binding(identity.id),
            ))
            .execute(&mut **tx)
            .await?;
    }
    if let InboundContent::Choice {
        ack_id: Some(ack), ..
    } = &message.content
    {
        enqueue_choice_acknowledgement(&mut **tx, channel, ack, now).await?;
    }
    Ok(Some(identity))
}

/// Step 2: stores what the person said on their open case (opening one at the first message
/// with content), triages the case again and puts it back in the queue.
async fn attach_to_case(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &AppContext,
    identity: &mut ChannelIdentity,
    message: &InboundMessage,
    read: &Reading,
    surge_on: bool,
    now: DateTime<Utc>,
) -> Result<(Option<OpenCase>, Option<ReadText>), sqlx::Error> {
    let stored = StoredContent::of(&message.content, &identity.conversation, surge_on);
    let mut case = open_case_of_identity(tx, identity.id).await?;
    let Some(text) = &stored.text else {
        return Ok((case, None));
    };
    if case.is_none() && !stored.opens_case {
        return Ok((None, None));
    }
    let rules = &read.rules;
    let message_id = MessageId::new();
    // What is stored is the typed text, read before the transaction; anything else (a button's
    // words) is read here.
    let reading = match &read.before {
        Some((typed, reading)) if typed == text => reading.clone(),
        _ => read_message(text, rules),
    };
    let opened_now = case.is_none();
    if case.is_none() {
        let language = identity.conversation.language.clone().or_else(|| {
            typed_text(&message.content)
                .and_then(super::language::detect_script_language)
                .map(str::to_owned)
        });
        // A returning person whose earlier case was closed starts a new conversation round.
        identity.conversation.start_new_round();
        let assessment = assess_readings(&[(message_id, &reading)], &Answers::default(), rules);
        case = Some(
            open_case(
                tx,
                &ctx.keys,
                &NewCase::written(
                    identity,
                    Channel::from(message.channel),
                    language.as_deref(),
                    &assessment,
                ),
                now,
            )
            .await?,
        );
    }
    let Some(open) = case.as_mut() else {
        return Ok((None, None));
    };
    let version_of = edited_original(tx, identity, &message.content).await?;
    store_inbound(
        tx,
        &ctx.keys,
        rules,
        &NewInbound {
            id: message_id,
            case_id: open.id,
            channel: message.channel.as_str(),
            channel_identity: Some(identity.id),
            external_event_id: Some(&message.event_id),
            text,
            reading: &reading,
            kind: stored.kind,
            author: None,
            version_of,
            platform_message_id: message.platform_message_id.as_deref(),
            email: None,
        },
        now,
    )
    .await?;
    if let InboundContent::Attachment(file) = &message.content {
        let unknown_type = format!("{}/unknown", file.kind.as_str());
        store_attachment(
            tx,
            &ctx.keys,
            message_id,
            &NewAttachment {
                content_type: file.mime_type.as_deref().unwrap_or(&unknown_type),
                byte_size: file.byte_size.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                file_name: file.file_name.as_deref(),
                content: None,
                sha256: None,
                external_ref: Some(&file.file_ref),
            },
            now,
        )
        .await?;
    }
    // A case opened by this very message is already awaiting a reply since now (`open_case`),
    // and was never waiting on the person: marking it again would change nothing (issue 18:
    // two statements fewer for every new chat).
    if !identity.unreachable && !opened_now {
        retriage(tx, ctx, open, now).await?;
        crate::queue::mark_awaiting_reply(tx, open.id, now).await?;
    }
    Ok((case, Some((text.clone(), reading))))
}

/// A text triage read while attaching the message, and its reading (the conversation's danger
/// check uses it instead of reading the same text again).
type ReadText = (String, crate::triage::MessageReading);

/// The rules a message is read with, and its typed text's reading made before the transaction.
struct Reading {
    rules: std::sync::Arc<crate::triage::TriageRules>,
    before: Option<ReadText>,
}

/// What the conversation needs to know from attaching the message: whether the hotline is in
/// surge, and the text triage read with its reading.
struct Attached<'a> {
    surge_on: bool,
    read: Option<&'a ReadText>,
}

/// The message an edit replaces, if this event is an edit of one we have.
async fn edited_original(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    identity: &ChannelIdentity,
    content: &InboundContent,
) -> Result<Option<MessageId>, sqlx::Error> {
    let InboundContent::Edited {
        original_message_id,
        ..
    } = content
    else {
        return Ok(None);
    };
    let found: Option<(MessageId,)> = sqlx::query_as(
        "SELECT id FROM messages WHERE channel_identity_id = $1 AND platform_message_id = $2
         AND direction = 'inbound' AND version_of IS NULL ORDER BY at LIMIT 1",
    )
    .bind(identity.id)
    .bind(original_message_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|(id,)| id))
}

/// Step 3: the bot's script answers, unless it must stay silent (a blocked chat, standby, a
/// person who left), and what it learned is stored. Returns the replies to send.
async fn run_conversation(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &AppContext,
    identity: &mut ChannelIdentity,
    case: Option<&mut OpenCase>,
    message: &InboundMessage,
    attached: &Attached<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Reply>, sqlx::Error> {
    let surge_on = attached.surge_on;
    // In standby another system answers the chat; after an unfollow nobody can.
    if identity.blocked || !message.bot_may_answer || identity.unreachable {
        return Ok(Vec::new());
    }
    // Danger words in this very message bring the emergency numbers at once.
    let danger = typed_text(&message.content)
        .map(|t| match attached.read {
            // The text triage read a moment ago: its reading holds the same findings.
            Some((text, reading)) if text == t => {
                !ctx.rules().danger_in_reading(reading).is_empty()
            }
            _ => !ctx.rules().danger_in(t).is_empty(),
        })
        .unwrap_or(false);
    let level = case.as_ref().map_or(Level::Medium, |c| c.level);
    // What the case already knows is not asked again.
    let known_flags: Vec<String> = match case.as_ref() {
        Some(c) => {
            sqlx::query_as::<_, (Vec<String>,)>("SELECT urgency_flags FROM cases WHERE id = $1")
                .bind(c.id)
                .fetch_one(&mut **tx)
                .await?
                .0
        }
        None => Vec::new(),
    };
    let surge_wait = if surge_on {
        Some(
            ctx.surge_waits
                .expected_wait(&mut **tx, &ctx.settings.queue, level, now)
                .await?,
        )
    } else {
        None
    };
    let advance = conversation::advance(
        &identity.conversation,
        said(&message.content),
        &Situation {
            texts: &ctx.conversation,
            language_hint: message.language_hint.as_deref(),
            country: case.as_ref().and_then(|c| c.country.as_deref()),
            danger,
            expected_wait: answer_target(ctx, level),
            known_flags: &known_flags,
            surge_wait,
        },
    );
    let answered = store_effects(tx, ctx, identity, case.as_deref(), &advance.effects, now).await?;
    if answered && let Some(case) = case {
        retriage(tx, ctx, case, now).await?;
    }
    identity.conversation = advance.next;
    sqlx::query(
        "UPDATE channel_identities SET conversation = $2, language = COALESCE($3, language) WHERE id = $1",
    )
    .bind(identity.id)
    .bind(serde_json::to_value(&identity.conversation).unwrap_or_default())
    .bind(identity.conversation.language.as_deref())
    .execute(&mut **tx)
    .await?;
    let mut replies = advance.replies;
    if !replies.is_empty() && !within_reply_rate(ctx, identity).await {
        crate::metrics::bot_replies_suppressed(message.channel.as_str());
        replies.clear();
    }
    Ok(replies)
}

/// Step 4: the replies go to the outbox, with the event's reply token while it is fresh.
async fn queue_replies(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    ctx: &AppContext,
    identity: &ChannelIdentity,
    case_id: Option<CaseId>,
    message: &InboundMessage,
    replies: &[Reply],
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    if replies.is_empty() {
        return Ok(0);
    }
    let reply_grant = message.reply_token.as_ref().map(|token| ReplyGrant {
        token: token.clone(),
        until: now + chrono::Duration::seconds(ctx.settings.channels.line.reply_token_seconds),
    });
    let outgoing: Vec<Outgoing<'_>> = replies
        .iter()
        .map(|r| Outgoing {
            text: &r.text,
            choices: &r.choices,
            request_contact: r.request_contact.as_deref(),
        })
        .collect();
    let ids = outbox::queue_messages(
        tx,
        &ctx.keys,
        Recipient {
            case_id,
            channel_identity: identity.id,
            channel: message.channel.as_str(),
        },
        Author::Bot,
        &outgoing,
        reply_grant.as_ref(),
        now,
    )
    .await?;
    Ok(ids.len())
}

/// Per-chat reply budget in Redis. Without Redis the bot still answers: a lost counter must
/// not silence a person in danger.
async fn within_reply_rate(ctx: &AppContext, identity: &ChannelIdentity) -> bool {
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

/// How long the person may wait for a counselor: the answer target of the case's level.
fn answer_target(ctx: &AppContext, level: Level) -> Duration {
    let seconds = ctx.settings.queue.answer_target_seconds.for_level(level);
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}
