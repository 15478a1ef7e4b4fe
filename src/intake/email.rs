//! An email from the hotline's mailbox becomes part of a case, in one transaction: recorded
//! once (by its place in the mailbox and by its Message-ID, or its content when it has none),
//! joined to the case it answers (In-Reply-To / References, or the case reference in the
//! subject) or opening a new one, triaged, and acknowledged when the hotline is set to. The
//! reader marks the message seen only after this commits, so a crash loses nothing.
//!
//! Bounces, auto-replies and the hotline's own mail coming back never open a case: a bounce
//! marks the message it returns as failed, an auto-reply joins the case it answers (nobody
//! needs to answer it), a loop is dropped.

use chrono::{DateTime, Utc};
use hotline_contract::ChannelKind;
use hotline_email::parse::{EmailKind, ParsedEmail, parse_email};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::chat::{Identity, enqueue_send, lock_identity};
use super::chat_case::{self, OpenCase};
use crate::context::AppContext;
use crate::domain::{CaseId, MessageId};

/// Where a message sits in the mailbox.
#[derive(Debug, Clone, Copy)]
pub struct MailboxPlace<'a> {
    pub mailbox: &'a str,
    pub uid_validity: u32,
    pub uid: u32,
}

/// What recording one email did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailOutcome {
    Recorded {
        case_id: CaseId,
        new_case: bool,
    },
    /// Recorded before (the same place, or the same message found again).
    Duplicate,
    /// Deliberately not a report ("bounce", "auto-reply", "loop", "no sender").
    Ignored(&'static str),
    /// Not an email message at all: the caller keeps it for review.
    Unreadable(String),
}

/// The acknowledgement sent for a new case when `channels.email.auto_acknowledge` is on.
const ACKNOWLEDGEMENT: &str = "Thank you for writing to us. Your message has reached the hotline and a counselor will read it.\n\nYour case reference is {reference}. Please keep it in the subject if you write again.\n\nIf you are in danger now, call the emergency number of the country you are in.";

pub async fn record_email(
    ctx: &AppContext,
    place: MailboxPlace<'_>,
    raw: &[u8],
) -> Result<EmailOutcome, sqlx::Error> {
    let Some(channel) = &ctx.channels.email else {
        return Ok(EmailOutcome::Ignored("email is not enabled"));
    };
    let email = match parse_email(raw, &[channel.from.as_str()]) {
        Ok(email) => email,
        Err(e) => return Ok(EmailOutcome::Unreadable(e.to_string())),
    };
    let now = ctx.now();
    let place_key = format!("{}:{}:{}", place.mailbox, place.uid_validity, place.uid);
    // The Message-ID is hashed: some clients build it from the sender's address.
    let message_key = match email.message_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => format!("id:{}", hex(&message_id_hash(ctx, id))),
        None => format!("content:{}", email.content_hash),
    };

    let mut tx = ctx.db.begin().await?;
    let mut fresh = 0;
    for key in [&place_key, &message_key] {
        fresh += sqlx::query(
            "INSERT INTO channel_events (channel, event_id, received_at) VALUES ('email', $1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    if fresh < 2 {
        // Either key seen before: the same message (perhaps renumbered by the server).
        tx.commit().await?;
        crate::metrics::webhook_event("email", "duplicate");
        return Ok(EmailOutcome::Duplicate);
    }
    let thread_case = thread_case(&mut tx, ctx, &email).await?;
    let outcome = match email.kind {
        EmailKind::Loop => EmailOutcome::Ignored("loop"),
        EmailKind::Bounce => {
            mark_bounced(&mut tx, ctx, &email).await?;
            EmailOutcome::Ignored("bounce")
        }
        EmailKind::AutoReply => {
            if let Some(case_id) = thread_case {
                insert_email(
                    &mut tx,
                    ctx,
                    case_id,
                    None,
                    &email,
                    &place_key,
                    "auto_reply",
                    now,
                )
                .await?;
            }
            EmailOutcome::Ignored("auto-reply")
        }
        EmailKind::Normal => match email.from_address.as_deref() {
            None => EmailOutcome::Ignored("no sender"),
            Some(from) => {
                record_report(&mut tx, ctx, &email, from, thread_case, &place_key, now).await?
            }
        },
    };
    tx.commit().await?;
    crate::metrics::webhook_event(
        "email",
        match outcome {
            EmailOutcome::Recorded { .. } => "recorded",
            _ => "ignored",
        },
    );
    Ok(outcome)
}

async fn record_report(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &ParsedEmail,
    from: &str,
    thread_case: Option<CaseId>,
    place_key: &str,
    now: DateTime<Utc>,
) -> Result<EmailOutcome, sqlx::Error> {
    let sender = from.to_lowercase();
    let identity = lock_identity(tx, ctx, "email", &sender, now).await?;
    sqlx::query(
        "UPDATE channel_identities SET last_inbound_at = $2, unreachable_at = NULL WHERE id = $1",
    )
    .bind(identity.id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // A reply joins its case while the case is open; otherwise the sender's open case, or a
    // new one.
    let open_thread = match thread_case {
        Some(id) => open_case_by_id(tx, id).await?,
        None => None,
    };
    let (mut case, new_case) = match open_thread {
        Some(case) => (case, false),
        None => match chat_case::open_case_of(tx, identity.id).await? {
            Some(case) => (case, false),
            None => {
                let text = format!(
                    "{} {}",
                    email.subject.as_deref().unwrap_or(""),
                    email.new_text
                );
                let language = super::language::detect_script_language(&text);
                let case =
                    chat_case::open_case(tx, ctx, &identity, ChannelKind::Email, language, now)
                        .await?;
                (case, true)
            }
        },
    };
    insert_email(
        tx,
        ctx,
        case.id,
        Some(&identity),
        email,
        place_key,
        "email",
        now,
    )
    .await?;
    chat_case::reassess(tx, ctx, &mut case, now).await?;
    chat_case::mark_awaiting_reply(tx, case.id, now).await?;
    if new_case && ctx.settings.channels.email.auto_acknowledge {
        acknowledge(tx, ctx, &identity, case.id, now).await?;
    }
    Ok(EmailOutcome::Recorded {
        case_id: case.id,
        new_case,
    })
}

/// The case an email continues: the newest case holding a message whose Message-ID the email
/// names in In-Reply-To or References, else the case whose reference is in the subject.
async fn thread_case(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &ParsedEmail,
) -> Result<Option<CaseId>, sqlx::Error> {
    let hashes: Vec<Vec<u8>> = email
        .in_reply_to
        .iter()
        .chain(email.references.iter())
        .chain(email.bounced_message_id.iter())
        .map(|id| message_id_hash(ctx, id))
        .collect();
    if !hashes.is_empty() {
        let found: Option<(CaseId,)> = sqlx::query_as(
            "SELECT case_id FROM messages WHERE email_message_id_hash = ANY($1) AND case_id IS NOT NULL
             ORDER BY at DESC LIMIT 1",
        )
        .bind(&hashes)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((id,)) = found {
            return Ok(Some(id));
        }
    }
    let Some(reference) = &email.case_reference else {
        return Ok(None);
    };
    let found: Option<(CaseId,)> = sqlx::query_as("SELECT id FROM cases WHERE reference = $1")
        .bind(reference)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.map(|(id,)| id))
}

async fn open_case_by_id(
    tx: &mut Transaction<'_, Postgres>,
    id: CaseId,
) -> Result<Option<OpenCase>, sqlx::Error> {
    let row: Option<(CaseId, i16, Option<String>)> = sqlx::query_as(
        "SELECT id, urgency_rank, country FROM cases WHERE id = $1 AND status <> 'closed' FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id, rank, country)| OpenCase {
        id,
        level: crate::domain::Level::from_rank(rank),
        country,
    }))
}

/// A delivery failure: the message it returns is marked failed, so the counselor sees the
/// reply did not arrive.
async fn mark_bounced(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &ParsedEmail,
) -> Result<(), sqlx::Error> {
    let hashes: Vec<Vec<u8>> = email
        .bounced_message_id
        .iter()
        .chain(email.in_reply_to.iter())
        .map(|id| message_id_hash(ctx, id))
        .collect();
    sqlx::query(
        "UPDATE messages SET delivery = 'failed',
                delivery_error = 'the receiving mail server returned it (bounce)'
         WHERE email_message_id_hash = ANY($1) AND direction = 'outbound'",
    )
    .bind(&hashes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(
    clippy::too_many_arguments,
    reason = "one transaction's worth of context"
)]
async fn insert_email(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    case_id: CaseId,
    identity: Option<&Identity>,
    email: &ParsedEmail,
    place_key: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<MessageId, sqlx::Error> {
    let id = MessageId::new();
    // The subject is part of what the person said: triage reads it with the text.
    let text = match email.subject.as_deref().map(str::trim) {
        Some(subject) if !subject.is_empty() => format!("{subject}\n\n{}", email.new_text),
        _ => email.new_text.clone(),
    };
    sqlx::query(
        "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                               kind, author_kind, delivery, at, subject_enc, quoted_enc,
                               email_message_id_enc, email_message_id_hash, text_converted_enc)
         VALUES ($1, $2, $3, 'inbound', 'email', $4, $5, $6, 'reporter', 'received', $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(case_id)
    .bind(identity.map(|i| i.id))
    .bind(place_key)
    .bind(ctx.keys.seal(&text))
    .bind(kind)
    .bind(now)
    .bind(ctx.keys.seal_opt(email.subject.as_deref()))
    .bind(ctx.keys.seal_opt(
        Some(email.quoted_text.as_str()).filter(|q| !q.trim().is_empty()),
    ))
    .bind(ctx.keys.seal_opt(email.message_id.as_deref()))
    .bind(email.message_id.as_deref().map(|m| message_id_hash(ctx, m)))
    .bind(
        ctx.keys
            .seal_opt(crate::triage::normalize::zawgyi_conversion(&text).as_deref()),
    )
    .execute(&mut **tx)
    .await?;
    let limit = ctx.settings.channels.email.attachment_max_bytes;
    for file in &email.attachments {
        // Kept as sent (encrypted); image metadata is stripped when a counselor downloads it.
        let content = (file.bytes.len() <= limit).then(|| ctx.keys.seal_bytes(&file.bytes));
        sqlx::query(
            "INSERT INTO attachments (id, message_id, content_type, byte_size, sha256, file_name_enc, content_enc, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4())
        .bind(id)
        .bind(&file.content_type)
        .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
        .bind(crate::crypto::sha256(&file.bytes))
        .bind(ctx.keys.seal_opt(file.name.as_deref()))
        .bind(content)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

/// Queues the acknowledgement, unless the sender asked never to be contacted first.
async fn acknowledge(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &Identity,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (never_first, reference): (bool, String) = sqlx::query_as(
        "SELECT r.never_contact_first, c.reference FROM cases c JOIN reporters r ON r.id = c.reporter_id
         WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut **tx)
    .await?;
    if never_first {
        return Ok(());
    }
    let id = MessageId::new();
    sqlx::query(
        "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, text_enc, kind,
                              author_kind, delivery, at)
         VALUES ($1, $2, $3, 'outbound', 'email', $4, 'text', 'bot', 'pending', $5)",
    )
    .bind(id)
    .bind(case_id)
    .bind(identity.id)
    .bind(
        ctx.keys
            .seal(&ACKNOWLEDGEMENT.replace("{reference}", &reference)),
    )
    .bind(now)
    .execute(&mut **tx)
    .await?;
    enqueue_send(&mut **tx, &[id], now).await
}

/// The keyed hash under which a Message-ID is looked up (ids are compared without `<>`).
pub fn message_id_hash(ctx: &AppContext, message_id: &str) -> Vec<u8> {
    ctx.keys.index_hash(
        "email-message-id",
        message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>'),
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
