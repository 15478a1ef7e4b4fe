//! A counselor writes to the reporter on the case's chat. The message is stored and queued in
//! one transaction (the send job delivers it), after the reporter's safe-contact rules allow
//! it; from then on the bot stays silent on that chat.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::outbox::{self, Author, Outgoing, Recipient};
use crate::auth::Actor;
use crate::auth::audit;
use crate::cases::{CaseError, ensure_may_change};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, MessageId};

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error("the case is closed")]
    Closed,
    #[error("this case did not come by chat; call back instead, within the safe-contact rules")]
    NoChat,
    /// A rule of the reporter's forbids writing now; the text says which, for the console.
    #[error("{0}")]
    SafeContactForbids(&'static str),
}

impl From<sqlx::Error> for ReplyError {
    fn from(e: sqlx::Error) -> ReplyError {
        ReplyError::Case(CaseError::Database(e))
    }
}

impl From<ReplyError> for crate::error::ApiError {
    fn from(e: ReplyError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            ReplyError::Case(c) => c.into(),
            ReplyError::Closed => ApiError::conflict("case_closed", "the case is closed"),
            e @ ReplyError::NoChat => ApiError::conflict("no_chat_channel", e.to_string()),
            ReplyError::SafeContactForbids(why) => ApiError::conflict("safe_contact_forbids", why),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ChatOfCase {
    status: String,
    channel: String,
    identity_id: Option<uuid::Uuid>,
    blocked: bool,
    unreachable: bool,
    step: Option<String>,
    last_inbound_at: Option<DateTime<Utc>>,
    never_contact_first: bool,
    allowed_channels: Vec<String>,
    /// The person asked to be forgotten and has not written since.
    forgotten: bool,
}

/// What the safe-contact check looks at.
pub struct ContactFacts<'a> {
    pub chat_channel: &'a str,
    pub blocked: bool,
    pub unreachable: bool,
    /// The person asked the bot to stop.
    pub stopped: bool,
    pub never_contact_first: bool,
    pub allowed_channels: &'a [String],
    pub last_inbound_at: Option<DateTime<Utc>>,
}

/// Why a counselor may not write to this case's reporter now, if a rule forbids it. Pure, so
/// the console can show the reason before anyone types.
pub fn forbidden_reason(
    facts: &ContactFacts<'_>,
    reply_window: chrono::Duration,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    let ContactFacts {
        chat_channel,
        blocked,
        unreachable,
        stopped,
        never_contact_first,
        allowed_channels,
        last_inbound_at,
    } = *facts;
    if blocked {
        return Some("a supervisor blocked this chat; its messages are stored and not answered");
    }
    if unreachable {
        return Some("the person blocked the bot or left the chat; nothing can be sent");
    }
    if stopped {
        return Some("the person asked us to stop; wait until they write again");
    }
    if !allowed_channels.is_empty() && !allowed_channels.iter().any(|c| c == chat_channel) {
        return Some("the person did not allow contact on this channel");
    }
    let recent = last_inbound_at.is_some_and(|at| now - at <= reply_window);
    if never_contact_first && !recent {
        return Some(
            "the person asked never to be contacted first, and has not written recently; wait until they write",
        );
    }
    None
}

pub async fn send_counselor_reply(
    ctx: &AppContext,
    actor: Actor,
    case_id: CaseId,
    text: &FreeText,
    now: DateTime<Utc>,
) -> Result<MessageId, ReplyError> {
    let mut tx = ctx.db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let chat: ChatOfCase = sqlx::query_as(
        "SELECT c.status, c.channel, i.id AS identity_id,
                (i.blocked_at IS NOT NULL) AS blocked, (i.unreachable_at IS NOT NULL) AS unreachable,
                i.conversation->>'step' AS step, i.last_inbound_at,
                r.never_contact_first, r.allowed_channels,
                (i.forgotten_at IS NOT NULL AND (i.last_inbound_at IS NULL OR i.last_inbound_at <= i.forgotten_at))
                    IS TRUE AS forgotten
         FROM cases c JOIN reporters r ON r.id = c.reporter_id
         LEFT JOIN channel_identities i ON i.id = c.channel_identity_id
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut *tx)
    .await?;
    if chat.status == "closed" {
        return Err(ReplyError::Closed);
    }
    let Some(identity_id) = chat.identity_id else {
        return Err(ReplyError::NoChat);
    };
    if chat.forgotten {
        return Err(ReplyError::SafeContactForbids(
            "the person asked to be forgotten; nothing is sent unless they write again",
        ));
    }
    let window = chrono::Duration::hours(ctx.settings.conversation.reply_window_hours);
    let facts = ContactFacts {
        chat_channel: &chat.channel,
        blocked: chat.blocked,
        unreachable: chat.unreachable,
        stopped: chat.step.as_deref() == Some("stopped"),
        never_contact_first: chat.never_contact_first,
        allowed_channels: &chat.allowed_channels,
        last_inbound_at: chat.last_inbound_at,
    };
    if let Some(why) = forbidden_reason(&facts, window, now) {
        return Err(ReplyError::SafeContactForbids(why));
    }
    // The gate on the person's full rules. Outside their safe times the message is queued
    // and held by the send job until the next safe moment (the case shows it as held).
    let rules = crate::safe_contact::load_for_case(&mut *tx, &ctx.keys, case_id)
        .await
        .map_err(|e| match e {
            crate::safe_contact::SafeContactError::Database(db) => ReplyError::from(db),
            _ => ReplyError::Case(CaseError::Undecryptable(case_id)),
        })?
        .rules;
    let channel = crate::domain::Channel::parse("channel", &chat.channel)
        .map_err(|f| ReplyError::Case(CaseError::Invalid(f)))?;
    let decision = crate::safe_contact::decide(
        &rules,
        channel,
        crate::safe_contact::Purpose::CounselorMessage,
        crate::safe_contact::Moment {
            at: now,
            last_inbound_at: chat.last_inbound_at,
        },
        crate::safe_contact::Windows::new(ctx.settings.conversation.reply_window_hours),
    );
    if let crate::safe_contact::Decision::Forbidden(why) = decision {
        return Err(ReplyError::SafeContactForbids(why.reason()));
    }
    let ids = outbox::queue_messages(
        &mut tx,
        &ctx.keys,
        Recipient {
            case_id: Some(case_id),
            channel_identity: identity_id,
            channel: &chat.channel,
        },
        Author::Counselor(actor.id),
        &[Outgoing::text(text.as_str())],
        None,
        now,
    )
    .await?;
    let id = ids[0];
    // The counselor leads the chat from now on: the bot stays silent.
    sqlx::query(
        "UPDATE channel_identities SET conversation = jsonb_set(conversation, '{step}', '\"with_counselor\"')
         WHERE id = $1",
    )
    .bind(identity_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE cases SET awaiting_reply = FALSE, updated_at = $2,
                          status = CASE WHEN status = 'new' THEN 'in_progress' ELSE status END
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // The first human response stops the person's answer clock.
    crate::supervisor::answer_clock::stop(
        &mut tx,
        case_id,
        actor.id,
        crate::supervisor::AnsweredBy::Message,
        &ctx.settings.queue.answer_target_seconds,
        now,
    )
    .await?;
    let _ = crate::queue::renew(&mut *tx, &ctx.settings.queue, actor.id, case_id, now).await;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.message_sent",
        Some(case_id),
        json!({ "message_id": id, "channel": chat.channel }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
