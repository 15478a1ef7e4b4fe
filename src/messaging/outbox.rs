//! The outbox: what the hotline will send a reporter, stored as pending outbound messages and a
//! send job in the same transaction as the change that caused it. A platform or mail outage
//! delays a message; it never loses one, and nothing is sent before the cause is committed.
//! The `send_messages` job (`send.rs`) delivers them, in order.

use chrono::{DateTime, Utc};
use hotline_contract::Choice;
use serde_json::json;
use sqlx::{PgExecutor, Postgres, Transaction};
use uuid::Uuid;

use crate::crypto::KeyRing;
use crate::domain::{CaseId, MessageId, UserId};
use crate::jobs;

/// Job kind that sends queued outbound messages, in order, on their chat channel.
pub const SEND_MESSAGES_JOB: &str = "send_messages";
/// The same for email: a kind of its own, so that a mail server that hangs holds only the
/// mail lane's runner, never the chat replies (`jobs::lanes`).
pub const SEND_EMAIL_MESSAGES_JOB: &str = "send_email_messages";

/// The send job's kind for messages on `channel`.
pub fn send_job_for(channel: &str) -> &'static str {
    if channel == "email" {
        SEND_EMAIL_MESSAGES_JOB
    } else {
        SEND_MESSAGES_JOB
    }
}
/// Job kind that stops a pressed button's spinner.
pub const ACKNOWLEDGE_CHOICE_JOB: &str = "acknowledge_choice";

/// The reply token of the event being answered, and until when the bot uses it. It travels in
/// the send job's payload: it is a short-lived platform credential, not personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReplyGrant {
    pub token: String,
    pub until: DateTime<Utc>,
}

/// Who writes an outbound message.
#[derive(Debug, Clone, Copy)]
pub enum Author {
    Bot,
    Counselor(UserId),
}

/// One message for a reporter.
pub struct Outgoing<'a> {
    pub text: &'a str,
    /// Buttons, row by row (labels only).
    pub choices: &'a [Vec<Choice>],
    /// Label of a "share my phone number" button, if one is offered.
    pub request_contact: Option<&'a str>,
}

impl<'a> Outgoing<'a> {
    pub fn text(text: &'a str) -> Outgoing<'a> {
        Outgoing {
            text,
            choices: &[],
            request_contact: None,
        }
    }
}

/// Where outbound messages go: the case (if there is one yet) and the person's identity on the
/// channel.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub case_id: Option<CaseId>,
    pub channel_identity: Uuid,
    pub channel: &'a str,
}

/// Stores messages as pending and queues one job that sends them in order. Returns their ids.
pub async fn queue_messages(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    to: Recipient<'_>,
    author: Author,
    messages: &[Outgoing<'_>],
    reply_grant: Option<&ReplyGrant>,
    now: DateTime<Utc>,
) -> Result<Vec<MessageId>, sqlx::Error> {
    let (author_kind, author_id) = match author {
        Author::Bot => ("bot", None),
        Author::Counselor(id) => ("counselor", Some(id)),
    };
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<MessageId> = messages.iter().map(|_| MessageId::new()).collect();
    let texts: Vec<Vec<u8>> = messages
        .iter()
        .zip(&ids)
        .map(|(m, id)| keys.seal_at(m.text, "messages", "text_enc", *id))
        .collect();
    let choices: Vec<Option<serde_json::Value>> = messages
        .iter()
        .map(|m| {
            (!m.choices.is_empty()).then(|| serde_json::to_value(m.choices).unwrap_or_default())
        })
        .collect();
    let request_contact: Vec<Option<&str>> = messages.iter().map(|m| m.request_contact).collect();
    // One statement for all of them (a round trip each was a quarter of a chat message's
    // statements). Messages queued together share the moment; `seq`, drawn in `ord` order,
    // keeps their order.
    sqlx::query(
        "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, text_enc, kind,
                               author_kind, author_id, choices, request_contact, delivery, at)
         SELECT m.id, $2, $3, 'outbound', $4, m.text_enc, 'text', $5, $6, m.choices,
                m.request_contact, 'pending', $7
         FROM unnest($1::uuid[], $8::bytea[], $9::jsonb[], $10::text[])
              WITH ORDINALITY AS m(id, text_enc, choices, request_contact, ord)
         ORDER BY m.ord",
    )
    .bind(ids.iter().map(|id| id.0).collect::<Vec<Uuid>>())
    .bind(to.case_id)
    .bind(to.channel_identity)
    .bind(to.channel)
    .bind(author_kind)
    .bind(author_id)
    .bind(now)
    .bind(texts)
    .bind(choices)
    .bind(request_contact)
    .execute(&mut **tx)
    .await?;
    enqueue_send(&mut **tx, to.channel, &ids, reply_grant, now).await?;
    Ok(ids)
}

/// Queues the sending of outbound messages, in the given order, answering with the event's
/// reply token while it is fresh.
pub async fn enqueue_send(
    db: impl PgExecutor<'_>,
    channel: &str,
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
        send_job_for(channel),
        &payload,
        Some(&format!("send:{first}")),
        now,
    )
    .await
}

/// Queues stopping a pressed button's spinner (once per press).
pub async fn enqueue_choice_acknowledgement(
    db: impl PgExecutor<'_>,
    channel: &str,
    ack_id: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    jobs::enqueue(
        db,
        ACKNOWLEDGE_CHOICE_JOB,
        &json!({ "channel": channel, "ack_id": ack_id }),
        Some(&format!("ack:{channel}:{ack_id}")),
        now,
    )
    .await
}
