//! Storing what a reporter said: the one INSERT of an inbound message for every channel
//! (the phone form's narrative, a chat message, an email), encrypted, with Burmese typed in
//! Zawgyi converted beside it and triage's reading of it, and the files that came with it.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::crypto::KeyRing;
use crate::domain::{CaseId, MessageId, UserId};
use crate::triage::normalize::zawgyi_conversion;
use crate::triage::{MessageReading, TriageRules, reading_version};

/// An inbound message about to be stored.
pub struct NewInbound<'a> {
    /// Chosen before the insert: the first assessment's evidence points at it.
    pub id: MessageId,
    pub case_id: CaseId,
    pub channel: &'a str,
    pub channel_identity: Option<Uuid>,
    /// The platform's event id (or the email's place in the mailbox): unique per channel.
    pub external_event_id: Option<&'a str>,
    /// What triage reads and the console shows.
    pub text: &'a str,
    /// Triage's reading of `text` (see `read_message`), stored beside it.
    pub reading: &'a MessageReading,
    /// text, contact, location, attachment, edit, unsupported, email, auto_reply...
    pub kind: &'a str,
    /// The counselor who typed it (the phone form).
    pub author: Option<UserId>,
    /// An edit is a new version of this earlier message.
    pub version_of: Option<MessageId>,
    pub platform_message_id: Option<&'a str>,
    pub email: Option<EmailParts<'a>>,
}

/// What an email adds to a message.
pub struct EmailParts<'a> {
    pub subject: Option<&'a str>,
    pub quoted: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub message_id_hash: Option<Vec<u8>>,
}

/// A file that came with a message. Chat files are known by the platform's reference (the
/// content is fetched later, or never); email files come with their bytes.
pub struct NewAttachment<'a> {
    pub content_type: &'a str,
    pub byte_size: Option<i64>,
    pub file_name: Option<&'a str>,
    pub content: Option<&'a [u8]>,
    pub sha256: Option<Vec<u8>>,
    pub external_ref: Option<&'a str>,
}

pub async fn store_inbound(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    rules: &TriageRules,
    new: &NewInbound<'_>,
    now: DateTime<Utc>,
) -> Result<MessageId, sqlx::Error> {
    let id = new.id;
    let email = new.email.as_ref();
    sqlx::query(
        "INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                               kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                               text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                               email_message_id_hash, triage_reading, triage_reading_version)
         VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, 'reporter', $8, $9, $10, 'received', $11, $12, $13, $14,
                 $15, $16, $17, $18)",
    )
    .bind(id)
    .bind(new.case_id)
    .bind(new.channel_identity)
    .bind(new.channel)
    .bind(new.external_event_id)
    .bind(keys.seal_at(new.text, "messages", "text_enc", id))
    .bind(new.kind)
    .bind(new.author)
    .bind(new.version_of)
    .bind(new.platform_message_id)
    .bind(now)
    .bind(keys.seal_opt_at(
        zawgyi_conversion(new.text).as_deref(),
        "messages",
        "text_converted_enc",
        id,
    ))
    .bind(keys.seal_opt_at(email.and_then(|e| e.subject), "messages", "subject_enc", id))
    .bind(keys.seal_opt_at(email.and_then(|e| e.quoted), "messages", "quoted_enc", id))
    .bind(keys.seal_opt_at(
        email.and_then(|e| e.message_id),
        "messages",
        "email_message_id_enc",
        id,
    ))
    .bind(email.and_then(|e| e.message_id_hash.as_deref()))
    .bind(serde_json::to_value(new.reading).unwrap_or_default())
    .bind(reading_version(rules))
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn store_attachment(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    message_id: MessageId,
    file: &NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let id = Uuid::new_v4();
    let at = |column| crate::crypto::Binding::new("attachments", column, id);
    sqlx::query(
        "INSERT INTO attachments (id, message_id, content_type, byte_size, sha256, file_name_enc, content_enc,
                                  external_ref_enc, created_at, metadata_kept)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(message_id)
    .bind(file.content_type)
    .bind(file.byte_size)
    .bind(file.sha256.as_deref())
    .bind(file.file_name.map(|n| keys.seal_bound(n, &at("file_name_enc"))))
    .bind(file.content.map(|c| keys.seal_bytes_bound(c, &at("content_enc"))))
    .bind(file.external_ref.map(|r| keys.seal_bound(r, &at("external_ref_enc"))))
    .bind(now)
    // Decided on the bytes, never on the type the sender declared.
    .bind(file.content.map(|c| !crate::media::metadata_can_be_removed(c)))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
