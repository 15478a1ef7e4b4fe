//! The `send_messages` job: delivers queued outbound messages, in order, on the reporter's
//! channel, and records each one's delivery state.
//!
//! Messages already sent are skipped, so a retry after a partial failure resumes where it
//! stopped. Consecutive messages to the same person go out in one call where the channel allows
//! (LINE: five), all or nothing, answering with the event's reply token while it is fresh and
//! by push otherwise; the first message's id is the push's retry key, so a retried batch is
//! never delivered twice. A temporary failure (rate limit, 5xx, network) retries the job, after
//! the platform's `retry_after` when it gives one; a permanent failure marks that message and
//! the rest failed with the reason and stops; an unreachable person (blocked the bot, the chat
//! is gone) also marks the chat unreachable, so nothing more is sent there. When the job gives
//! up, the messages it could not send stay `pending` with the last error, so the console shows
//! them as not delivered.

use std::future::Future;
use std::pin::Pin;

use hotline_contract::{ChannelKind, Choice, EmailThread, OutboundMessage, SendError};
use uuid::Uuid;

use super::outbox::ReplyGrant;
use crate::channels::ReplyToken;
use crate::context::AppContext;
use crate::domain::{CaseId, MessageId, ReporterId};
use crate::jobs::{JobHandler, RetryAfter};
use crate::safe_contact::{self, Decision, Moment, Purpose, Windows};
use chrono::{DateTime, Utc};

pub struct SendMessages;

impl JobHandler for SendMessages {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let ids: Vec<MessageId> = serde_json::from_value(payload["message_ids"].clone())?;
            // The reply token of the event these messages answer, while it is still fresh; a
            // retry after it has gone stale sends by push instead.
            let mut reply: Option<ReplyGrant> = payload
                .get("reply")
                .and_then(|r| serde_json::from_value(r.clone()).ok())
                .filter(|grant: &ReplyGrant| ctx.now() < grant.until);
            let mut next = 0;
            while next < ids.len() {
                let batch = match load_batch(ctx, &ids[next..]).await? {
                    Batch::Skip(n) => {
                        next += n;
                        continue;
                    }
                    Batch::Failed(reason) => {
                        mark_failed(ctx, &ids[next..], &reason).await?;
                        return Ok(());
                    }
                    Batch::Cancelled(reason) => {
                        mark_cancelled(ctx, &ids[next..], &reason).await?;
                        return Ok(());
                    }
                    Batch::Held(until) => {
                        hold(ctx, &ids[next..], until).await?;
                        return Ok(());
                    }
                    Batch::Send(batch) => batch,
                };
                match send_batch(ctx, &batch, reply.as_ref()).await? {
                    Sent::Done => {
                        // A reply token is single-use.
                        reply = None;
                        next += batch.ids.len();
                    }
                    Sent::Failed(reason) => {
                        mark_failed(ctx, &ids[next..], &reason).await?;
                        return Ok(());
                    }
                    Sent::Retry(e) => {
                        sqlx::query("UPDATE messages SET delivery_error = $2 WHERE id = ANY($1)")
                            .bind(&batch.ids)
                            .bind(e.to_string())
                            .execute(&ctx.db)
                            .await?;
                        return Err(match e {
                            SendError::Temporary {
                                reason,
                                retry_after: Some(after),
                            } => RetryAfter { after, reason }.into(),
                            other => anyhow::Error::new(other),
                        });
                    }
                }
            }
            Ok(())
        })
    }
}

enum Sent {
    Done,
    Failed(String),
    Retry(SendError),
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: MessageId,
    case_id: Option<CaseId>,
    author_kind: String,
    delivery: String,
    channel: String,
    text_enc: Option<Vec<u8>>,
    choices: Option<serde_json::Value>,
    request_contact: Option<String>,
    identity_id: Option<Uuid>,
    external_id_enc: Option<Vec<u8>>,
    unreachable: bool,
    /// The person asked to be forgotten and has not written since.
    forgotten: bool,
    reporter_id: Option<ReporterId>,
    last_inbound_at: Option<DateTime<Utc>>,
}

/// Messages that go out in one call: to one person, on one channel.
struct ReadyBatch {
    ids: Vec<MessageId>,
    identity_id: Uuid,
    channel: ChannelKind,
    messages: Vec<OutboundMessage>,
}

enum Batch {
    /// The first `n` messages need nothing (already sent, failed or gone).
    Skip(usize),
    /// The first message cannot be sent, and so neither can those after it.
    Failed(String),
    /// The safe-contact gate forbids sending now (the reason, for the counselor).
    Cancelled(String),
    /// Outside the person's safe times: wait until this moment.
    Held(DateTime<Utc>),
    Send(ReadyBatch),
}

/// The next messages to send together, from the front of `ids`: as many as the channel takes in
/// one call, while they are pending and go to the same person.
async fn load_batch(ctx: &AppContext, ids: &[MessageId]) -> anyhow::Result<Batch> {
    let Some(first) = ids.first() else {
        return Ok(Batch::Skip(0));
    };
    let window: Vec<MessageId> = ids.iter().copied().take(MAX_BATCH).collect();
    let mut rows: Vec<Pending> = sqlx::query_as(
        "SELECT m.id, m.case_id, m.author_kind, m.delivery, m.channel, m.text_enc, m.choices, m.request_contact,
                i.id AS identity_id, i.external_id_enc, (i.unreachable_at IS NOT NULL) AS unreachable,
                (i.forgotten_at IS NOT NULL AND (i.last_inbound_at IS NULL OR i.last_inbound_at <= i.forgotten_at))
                    IS TRUE AS forgotten,
                COALESCE(c.reporter_id, i.reporter_id) AS reporter_id, i.last_inbound_at
         FROM messages m
         LEFT JOIN cases c ON c.id = m.case_id
         LEFT JOIN channel_identities i ON i.id = COALESCE(m.channel_identity_id, c.channel_identity_id)
         WHERE m.id = ANY($1) AND m.direction = 'outbound'",
    )
    .bind(&window)
    .fetch_all(&ctx.db)
    .await?;
    // In the job's order, not the database's.
    rows.sort_by_key(|r| window.iter().position(|id| *id == r.id));
    let head = rows.iter().position(|r| r.id == *first);
    let Some(head) = head.map(|i| &rows[i]).filter(|r| r.delivery == "pending") else {
        return Ok(Batch::Skip(1));
    };
    // "Forget me": nothing more goes to this person unless they write again.
    if head.forgotten {
        return Ok(Batch::Cancelled(
            "not sent: the person asked to be forgotten".into(),
        ));
    }
    let (Some(identity_id), Some(external)) = (head.identity_id, head.external_id_enc.clone())
    else {
        return Ok(Batch::Failed("the case has no chat to answer on".into()));
    };
    if head.unreachable {
        return Ok(Batch::Failed(
            "the person blocked the bot or left the chat".into(),
        ));
    }
    let channel: ChannelKind =
        serde_json::from_value(serde_json::Value::String(head.channel.clone()))?;
    // The gate, now: the rules may have changed since the message was queued.
    match gate(ctx, head, channel).await? {
        Decision::Allowed => {}
        Decision::Forbidden(why) => {
            return Ok(Batch::Cancelled(format!("not sent: {}", why.reason())));
        }
        Decision::NotBefore(until) => return Ok(Batch::Held(until)),
    }
    let recipient = ctx.keys.open_bound(
        &external,
        &crate::crypto::Binding::new("channel_identities", "external_id_enc", identity_id),
    )?;
    let limit = ctx.channels.batch_limit(channel);
    let mut batch = ReadyBatch {
        ids: Vec::new(),
        identity_id,
        channel,
        messages: Vec::new(),
    };
    for (expected, row) in window.iter().zip(rows.iter()) {
        let together = row.id == *expected
            && row.delivery == "pending"
            && row.identity_id == Some(identity_id)
            && row.channel == head.channel;
        if !together || batch.ids.len() == limit {
            break;
        }
        let text = match &row.text_enc {
            Some(sealed) => ctx.keys.open_bound(
                sealed,
                &crate::crypto::Binding::new("messages", "text_enc", row.id.0),
            )?,
            None => String::new(),
        };
        let choices: Vec<Vec<Choice>> = row
            .choices
            .clone()
            .map(serde_json::from_value)
            .transpose()?
            .unwrap_or_default();
        let email = match channel {
            ChannelKind::Email => Some(email_thread(ctx, row).await?),
            _ => None,
        };
        batch.ids.push(row.id);
        batch.messages.push(OutboundMessage {
            channel,
            recipient: recipient.clone(),
            text,
            choices,
            request_contact: row.request_contact.clone(),
            email,
        });
    }
    Ok(Batch::Send(batch))
}

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: Uuid,
    email_message_id_enc: Option<Vec<u8>>,
    subject_enc: Option<Vec<u8>>,
    direction: String,
}

/// An email reply continues the case's thread: the subject of the person's first email with
/// the case reference, In-Reply-To their latest email, References the thread so far. Its own
/// Message-ID comes from the message id, so a retry sends the same one.
async fn email_thread(ctx: &AppContext, row: &Pending) -> anyhow::Result<EmailThread> {
    let domain = ctx
        .channels
        .email
        .as_ref()
        .map(|e| e.domain.as_str())
        .unwrap_or("hotline.invalid");
    let (reference,): (String,) = sqlx::query_as("SELECT reference FROM cases WHERE id = $1")
        .bind(row.case_id)
        .fetch_one(&ctx.db)
        .await?;
    let thread: Vec<ThreadRow> = sqlx::query_as(
        "SELECT id, email_message_id_enc, subject_enc, direction FROM messages
         WHERE case_id = $1 AND channel = 'email' AND email_message_id_enc IS NOT NULL
         ORDER BY at, seq",
    )
    .bind(row.case_id)
    .fetch_all(&ctx.db)
    .await?;
    let mut references = Vec::new();
    let mut subject = None;
    let mut last_inbound = None;
    for row in &thread {
        let Some(id) = row
            .email_message_id_enc
            .as_deref()
            .map(|s| {
                ctx.keys.open_bound(
                    s,
                    &crate::crypto::Binding::new("messages", "email_message_id_enc", row.id),
                )
            })
            .transpose()?
        else {
            continue;
        };
        if row.direction == "inbound" {
            if subject.is_none() {
                subject = row
                    .subject_enc
                    .as_deref()
                    .map(|s| {
                        ctx.keys.open_bound(
                            s,
                            &crate::crypto::Binding::new("messages", "subject_enc", row.id),
                        )
                    })
                    .transpose()?;
            }
            last_inbound = Some(id.clone());
        }
        references.push(id);
    }
    // Long threads keep the first and the latest ids, as mail clients do.
    if references.len() > 10 {
        let first = references[0].clone();
        references.drain(..references.len() - 9);
        references.insert(0, first);
    }
    let subject = subject
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "Your message to the hotline".to_owned());
    let subject = if subject.contains(&format!("[{reference}]")) {
        subject
    } else {
        format!("{subject} [{reference}]")
    };
    let subject = if subject.to_lowercase().starts_with("re:") {
        subject
    } else {
        format!("Re: {subject}")
    };
    Ok(EmailThread {
        subject,
        message_id: format!("hl.{}@{domain}", row.id),
        in_reply_to: last_inbound,
        references,
        automatic: row.author_kind == "bot",
        date: ctx.now(),
    })
}

/// Most messages one channel call carries (LINE's five).
const MAX_BATCH: usize = 5;

async fn send_batch(
    ctx: &AppContext,
    batch: &ReadyBatch,
    reply: Option<&ReplyGrant>,
) -> anyhow::Result<Sent> {
    let channel = batch.channel;
    // The first message's id names this batch on every retry, so a push retried after a lost
    // answer is recognised by the platform and not delivered twice.
    let retry_key = batch
        .ids
        .first()
        .map(|id| id.to_string())
        .unwrap_or_default();
    let reply_token = reply.map(|grant| ReplyToken {
        token: grant.token.as_str(),
    });
    match ctx
        .channels
        .send_batch(&batch.messages, reply_token, &retry_key)
        .await
    {
        Ok(delivered) => {
            for ((id, delivered), message) in batch.ids.iter().zip(delivered).zip(&batch.messages) {
                // A reply to this email finds its case by the Message-ID it was sent with.
                let email_id = message.email.as_ref().map(|t| t.message_id.as_str());
                sqlx::query(
                    "UPDATE messages SET delivery = 'sent', delivery_error = NULL, sent_at = $2,
                                         platform_message_id = $3,
                                         email_message_id_enc = COALESCE($4, email_message_id_enc),
                                         email_message_id_hash = COALESCE($5, email_message_id_hash)
                     WHERE id = $1",
                )
                .bind(id)
                .bind(ctx.now())
                .bind(delivered.platform_message_id)
                .bind(
                    ctx.keys
                        .seal_opt_at(email_id, "messages", "email_message_id_enc", *id),
                )
                .bind(email_id.map(|m| crate::intake::email::message_id_hash(ctx, m)))
                .execute(&ctx.db)
                .await?;
                crate::metrics::outbound(channel.as_str(), "sent");
            }
            Ok(Sent::Done)
        }
        Err(SendError::Permanent { reason }) => {
            crate::metrics::outbound(channel.as_str(), "failed");
            Ok(Sent::Failed(reason))
        }
        Err(SendError::Unreachable { reason }) => {
            // Nothing more goes to this chat, from the bot or a counselor, until the person
            // writes again.
            sqlx::query("UPDATE channel_identities SET unreachable_at = $2 WHERE id = $1")
                .bind(batch.identity_id)
                .bind(ctx.now())
                .execute(&ctx.db)
                .await?;
            crate::metrics::outbound(channel.as_str(), "unreachable");
            Ok(Sent::Failed(reason))
        }
        Err(e) => {
            crate::metrics::outbound(channel.as_str(), "retrying");
            Ok(Sent::Retry(e))
        }
    }
}

/// The safe-contact gate for the first message of a batch, at the moment of sending.
async fn gate(ctx: &AppContext, head: &Pending, channel: ChannelKind) -> anyhow::Result<Decision> {
    let Some(reporter) = head.reporter_id else {
        return Ok(Decision::Allowed);
    };
    let rules = safe_contact::load(&ctx.db, &ctx.keys, reporter)
        .await?
        .rules;
    let purpose = match (head.author_kind.as_str(), channel) {
        ("counselor", _) => Purpose::CounselorMessage,
        // The bot writes email only to acknowledge a new one: the hotline writes first.
        (_, ChannelKind::Email) => Purpose::EmailAcknowledgement,
        _ => Purpose::BotMessage,
    };
    let moment = Moment {
        at: ctx.now(),
        last_inbound_at: head.last_inbound_at,
    };
    let windows = Windows::new(ctx.settings.conversation.reply_window_hours);
    let decision = safe_contact::decide(&rules, channel.into(), purpose, moment, windows);
    if decision != Decision::Allowed {
        crate::metrics::outbound(channel.as_str(), "held_by_safe_contact");
    }
    Ok(decision)
}

/// Keeps the messages pending with the reason, and sends them again when the window opens.
async fn hold(ctx: &AppContext, ids: &[MessageId], until: DateTime<Utc>) -> anyhow::Result<()> {
    let reason = format!(
        "held until {} (outside the person's safe times)",
        crate::domain::time::format(&until)
    );
    let mut tx = ctx.db.begin().await?;
    sqlx::query(
        "UPDATE messages SET delivery_error = $2 WHERE id = ANY($1) AND delivery = 'pending'",
    )
    .bind(ids)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    if let Some(first) = ids.first() {
        let (channel,): (String,) = sqlx::query_as("SELECT channel FROM messages WHERE id = $1")
            .bind(first)
            .fetch_one(&mut *tx)
            .await?;
        crate::jobs::enqueue(
            &mut *tx,
            super::outbox::send_job_for(&channel),
            &serde_json::json!({ "message_ids": ids }),
            Some(&format!("send:{first}:held:{}", until.timestamp())),
            until,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn mark_cancelled(ctx: &AppContext, ids: &[MessageId], reason: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE messages SET delivery = 'cancelled', delivery_error = $2 WHERE id = ANY($1) AND delivery = 'pending'",
    )
    .bind(ids)
    .bind(reason)
    .execute(&ctx.db)
    .await?;
    Ok(())
}

async fn mark_failed(ctx: &AppContext, ids: &[MessageId], reason: &str) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE messages SET delivery = 'failed', delivery_error = $2 WHERE id = ANY($1) AND delivery = 'pending'",
    )
    .bind(ids)
    .bind(reason)
    .execute(&ctx.db)
    .await?;
    Ok(())
}
