//! An email from the hotline's mailbox becomes part of a case, in one transaction: recorded
//! once (by its place in the mailbox and by its Message-ID, or its content when it has none),
//! joined to the case it answers (In-Reply-To / References, or the case reference in the
//! subject) or opening a new one, triaged, and acknowledged when the hotline is set to. The
//! reader (`channels::email`) parses the message and marks it seen only after this commits, so
//! a crash loses nothing.
//!
//! Bounces, auto-replies and the hotline's own mail coming back never open a case: a bounce
//! marks the message it returns as failed, an auto-reply joins the case it answers (nobody
//! needs to answer it), a loop is dropped.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use super::inbound_message::{
    EmailParts, NewAttachment, NewInbound, store_attachment, store_inbound,
};
use super::open_case::{NewCase, OpenCase, open_case, open_case_by_id, open_case_of_identity};
use super::reporter_identity::{ChannelIdentity, lock_channel_identity, record_presence};
use super::retriage::retriage;
use crate::context::AppContext;
use crate::domain::{Answers, CaseId, Channel, MessageId};
use crate::messaging::outbox::{self, Author, Outgoing, Recipient};
use crate::triage::{assess_readings, read_message};

/// Where a message sits in the mailbox.
#[derive(Debug, Clone, Copy)]
pub struct MailboxPlace<'a> {
    pub mailbox: &'a str,
    pub uid_validity: u32,
    pub uid: u32,
}

/// What an email is, as the mail adapter classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomingKind {
    /// Written by a person (as far as the headers tell).
    Normal,
    /// A delivery failure report from a mail server.
    Bounce,
    /// Sent by a machine on a person's behalf (out of office, lists, receipts).
    AutoReply,
    /// The hotline's own message came back.
    Loop,
}

/// An email as intake needs it, already parsed at the edge (`channels::email`).
#[derive(Debug, Clone)]
pub struct IncomingEmail {
    pub kind: IncomingKind,
    /// The Message-ID without `<>`.
    pub message_id: Option<String>,
    /// Ids from In-Reply-To and References, and, for a bounce, the returned message's id.
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub bounced_message_id: Option<String>,
    pub subject: Option<String>,
    pub from_address: Option<String>,
    /// What the sender newly wrote (quotes and signature cut off).
    pub new_text: String,
    /// What was cut.
    pub quoted_text: String,
    pub attachments: Vec<IncomingFile>,
    /// A case reference from the subject, like `HL-8F3K2`.
    pub case_reference: Option<String>,
    /// A hash of the raw message: the dedup key when there is no Message-ID.
    pub content_hash: String,
}

/// A file that came with an email.
#[derive(Debug, Clone)]
pub struct IncomingFile {
    pub name: Option<String>,
    pub content_type: String,
    pub size: u64,
    pub bytes: Vec<u8>,
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
}

/// The acknowledgement sent for a new case when `channels.email.auto_acknowledge` is on.
const ACKNOWLEDGEMENT: &str = "Thank you for writing to us. Your message has reached the hotline and a counselor will read it.\n\nYour case reference is {reference}. Please keep it in the subject if you write again.\n\nIf you are in danger now, call the emergency number of the country you are in.";

pub async fn record_email(
    ctx: &AppContext,
    place: MailboxPlace<'_>,
    email: &IncomingEmail,
) -> Result<EmailOutcome, sqlx::Error> {
    let now = ctx.now();
    let place_key = format!("{}:{}:{}", place.mailbox, place.uid_validity, place.uid);
    // The Message-ID is hashed: some clients build it from the sender's address.
    let message_key = match email.message_id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => format!("id:{}", hex::encode(message_id_mac(ctx, id))),
        None => format!("content:{}", email.content_hash),
    };

    let mut tx = ctx.db.begin().await?;
    // Seen under an earlier key version (a rotation in progress): the same message.
    if let Some(id) = email.message_id.as_deref().filter(|id| !id.is_empty()) {
        let earlier: Vec<String> = ctx
            .keys
            .macs("email-message-id", normal_message_id(id))
            .iter()
            .map(|m| format!("id:{}", hex::encode(m)))
            .collect();
        let seen: Option<(i32,)> = sqlx::query_as(
            "SELECT 1 FROM channel_events WHERE channel = 'email' AND event_id = ANY($1)",
        )
        .bind(&earlier)
        .fetch_optional(&mut *tx)
        .await?;
        if seen.is_some() {
            tx.commit().await?;
            crate::metrics::webhook_event("email", "duplicate");
            return Ok(EmailOutcome::Duplicate);
        }
    }
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
    let thread_case = thread_case(&mut tx, ctx, email).await?;
    let outcome = match email.kind {
        IncomingKind::Loop => EmailOutcome::Ignored("loop"),
        IncomingKind::Bounce => {
            mark_bounced(&mut tx, ctx, email).await?;
            EmailOutcome::Ignored("bounce")
        }
        IncomingKind::AutoReply => {
            if let Some(case_id) = thread_case {
                let text = text_with_subject(email);
                let rules = ctx.rules();
                let reading = read_message(
                    capped(&text, ctx.settings.channels.email.max_text_chars),
                    &rules,
                );
                store_email(
                    &mut tx,
                    ctx,
                    EmailRow {
                        id: MessageId::new(),
                        case_id,
                        identity: None,
                        email,
                        text: &text,
                        reading: &reading,
                        place_key: &place_key,
                        kind: "auto_reply",
                    },
                    now,
                )
                .await?;
            }
            EmailOutcome::Ignored("auto-reply")
        }
        IncomingKind::Normal => match email.from_address.as_deref() {
            None => EmailOutcome::Ignored("no sender"),
            Some(from) => {
                record_report(&mut tx, ctx, email, from, thread_case, &place_key, now).await?
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

/// The first `max` characters: triage's cost grows with the text, and what matters for urgency
/// is at the start. Offsets into the prefix are offsets into the whole text.
fn capped(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The subject is part of what the person said: triage reads it with the text.
fn text_with_subject(email: &IncomingEmail) -> String {
    match email.subject.as_deref().map(str::trim) {
        Some(subject) if !subject.is_empty() => format!("{subject}\n\n{}", email.new_text),
        _ => email.new_text.clone(),
    }
}

async fn record_report(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &IncomingEmail,
    from: &str,
    thread_case: Option<CaseId>,
    place_key: &str,
    now: DateTime<Utc>,
) -> Result<EmailOutcome, sqlx::Error> {
    let sender = from.to_lowercase();
    let mut identity = lock_channel_identity(tx, ctx, "email", &sender, now).await?;
    record_presence(tx, &mut identity, false, now).await?;
    let text = text_with_subject(email);
    let rules = ctx.rules();
    let message_id = MessageId::new();
    let reading = read_message(
        capped(&text, ctx.settings.channels.email.max_text_chars),
        &rules,
    );
    // A reply joins its case while the case is open and only when its sender is already on
    // the case (anyone can put a reference in a subject, or forge a reply); otherwise the
    // sender's open case, or a new one, marked for a counselor as possibly the same matter.
    // Either way nothing the sender gets back says whether the reference exists.
    let mut other_sender_case = None;
    let open_thread = match thread_case {
        Some(id) => match open_case_by_id(tx, id).await? {
            Some(case) if sender_is_on_case(tx, id, identity.id).await? => Some(case),
            Some(_) => {
                other_sender_case = Some(id);
                None
            }
            None => None,
        },
        None => None,
    };
    let existing = match open_thread {
        Some(case) => Some(case),
        None => open_case_of_identity(tx, identity.id).await?,
    };
    let (mut case, new_case): (OpenCase, bool) = match existing {
        Some(case) => (case, false),
        None => {
            let language = super::language::detect_script_language(&format!(
                "{} {}",
                email.subject.as_deref().unwrap_or(""),
                email.new_text
            ));
            let assessment =
                assess_readings(&[(message_id, &reading)], &Answers::default(), &rules);
            let case = open_case(
                tx,
                &ctx.keys,
                &NewCase::written(&identity, Channel::Email, language, &assessment),
                now,
            )
            .await?;
            (case, true)
        }
    };
    store_email(
        tx,
        ctx,
        EmailRow {
            id: message_id,
            case_id: case.id,
            identity: Some(&identity),
            email,
            text: &text,
            reading: &reading,
            place_key,
            kind: "email",
        },
        now,
    )
    .await?;
    if !new_case {
        retriage(tx, ctx, &mut case, now).await?;
    }
    crate::queue::mark_awaiting_reply(tx, case.id, now).await?;
    if let Some(thread) = other_sender_case.filter(|t| *t != case.id) {
        for (on, other) in [(thread, case.id), (case.id, thread)] {
            crate::auth::audit::record(
                &mut **tx,
                None,
                "case.possible_link",
                Some(on),
                serde_json::json!({ "other_case": other, "why": "email_sender_not_on_case" }),
                now,
            )
            .await?;
        }
    }
    if new_case && ctx.settings.channels.email.auto_acknowledge {
        acknowledge(tx, ctx, &identity, case.id, now).await?;
    }
    Ok(EmailOutcome::Recorded {
        case_id: case.id,
        new_case,
    })
}

/// Whether whoever writes as `identity` has written on the case before (or opened it).
async fn sender_is_on_case(
    tx: &mut Transaction<'_, Postgres>,
    case: CaseId,
    identity: uuid::Uuid,
) -> Result<bool, sqlx::Error> {
    let (on,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1 AND channel_identity_id = $2)
             OR EXISTS (SELECT 1 FROM messages WHERE case_id = $1 AND channel_identity_id = $2)",
    )
    .bind(case)
    .bind(identity)
    .fetch_one(&mut **tx)
    .await?;
    Ok(on)
}

/// The case an email continues: the newest case holding a message whose Message-ID the email
/// names in In-Reply-To or References, else the case whose reference is in the subject.
async fn thread_case(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &IncomingEmail,
) -> Result<Option<CaseId>, sqlx::Error> {
    let hashes: Vec<Vec<u8>> = email
        .in_reply_to
        .iter()
        .chain(email.references.iter())
        .chain(email.bounced_message_id.iter())
        .flat_map(|id| message_id_hashes(ctx, id))
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

/// A delivery failure: the message it returns is marked failed, so the counselor sees the
/// reply did not arrive.
async fn mark_bounced(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    email: &IncomingEmail,
) -> Result<(), sqlx::Error> {
    let hashes: Vec<Vec<u8>> = email
        .bounced_message_id
        .iter()
        .chain(email.in_reply_to.iter())
        .flat_map(|id| message_id_hashes(ctx, id))
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

/// One email about to be stored as a message on a case.
struct EmailRow<'a> {
    id: MessageId,
    case_id: CaseId,
    identity: Option<&'a ChannelIdentity>,
    email: &'a IncomingEmail,
    text: &'a str,
    reading: &'a crate::triage::MessageReading,
    place_key: &'a str,
    kind: &'a str,
}

async fn store_email(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    row: EmailRow<'_>,
    now: DateTime<Utc>,
) -> Result<MessageId, sqlx::Error> {
    let email = row.email;
    let rules = ctx.rules();
    let id = store_inbound(
        tx,
        &ctx.keys,
        &rules,
        &NewInbound {
            id: row.id,
            case_id: row.case_id,
            channel: "email",
            channel_identity: row.identity.map(|i| i.id),
            external_event_id: Some(row.place_key),
            text: row.text,
            reading: row.reading,
            kind: row.kind,
            author: None,
            version_of: None,
            platform_message_id: None,
            email: Some(EmailParts {
                subject: email.subject.as_deref(),
                quoted: Some(email.quoted_text.as_str()).filter(|q| !q.trim().is_empty()),
                message_id: email.message_id.as_deref(),
                message_id_hash: email.message_id.as_deref().map(|m| message_id_hash(ctx, m)),
            }),
        },
        now,
    )
    .await?;
    let limit = ctx.settings.channels.email.attachment_max_bytes;
    for file in &email.attachments {
        // Kept as sent (encrypted); image metadata is stripped when a counselor downloads it.
        store_attachment(
            tx,
            &ctx.keys,
            id,
            &NewAttachment {
                content_type: &file.content_type,
                byte_size: Some(i64::try_from(file.size).unwrap_or(i64::MAX)),
                file_name: file.name.as_deref(),
                content: (file.bytes.len() <= limit).then_some(file.bytes.as_slice()),
                sha256: Some(crate::crypto::sha256(&file.bytes)),
                external_ref: None,
            },
            now,
        )
        .await?;
    }
    Ok(id)
}

/// Queues the acknowledgement, unless the sender asked never to be contacted first.
async fn acknowledge(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    identity: &ChannelIdentity,
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
    let text = ACKNOWLEDGEMENT.replace("{reference}", &reference);
    outbox::queue_messages(
        tx,
        &ctx.keys,
        Recipient {
            case_id: Some(case_id),
            channel_identity: identity.id,
            channel: "email",
        },
        Author::Bot,
        &[Outgoing::text(&text)],
        None,
        now,
    )
    .await?;
    Ok(())
}

/// The keyed hash under which a Message-ID is looked up (ids are compared without `<>`).
pub fn message_id_hash(ctx: &AppContext, message_id: &str) -> Vec<u8> {
    ctx.keys
        .index_hash("email-message-id", normal_message_id(message_id))
}

/// Every hash a stored Message-ID may carry while keys rotate (see `crypto`).
pub fn message_id_hashes(ctx: &AppContext, message_id: &str) -> Vec<Vec<u8>> {
    ctx.keys
        .index_hashes("email-message-id", normal_message_id(message_id))
}

/// The Message-ID's MAC for the duplicate check (not stored for lookup).
fn message_id_mac(ctx: &AppContext, message_id: &str) -> Vec<u8> {
    ctx.keys
        .mac("email-message-id", normal_message_id(message_id))
}

/// A Message-ID as hashed: without spaces and `<>`.
pub fn normal_message_id(message_id: &str) -> &str {
    message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
}
