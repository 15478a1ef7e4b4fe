//! One message from the mailbox, from raw bytes to the database: parsed by the adapter (any
//! charset, quotes and signatures split off, bounces and auto-replies recognised), recorded by
//! intake, or kept for review when it is not an email at all.

use hotline_email::parse::{EmailKind, ParsedEmail, parse_email};

use super::EmailChannel;
use crate::channels::{Received, unreadable};
use crate::context::AppContext;
use crate::intake::{
    EmailOutcome, IncomingEmail, IncomingFile, IncomingKind, MailboxPlace, record_email,
};

pub async fn receive(
    ctx: &AppContext,
    email: &EmailChannel,
    place: MailboxPlace<'_>,
    raw: &[u8],
) -> Result<Received, sqlx::Error> {
    // A message past the cap is not parsed (parsing costs memory in proportion to it): it is
    // kept, sealed, for a person to look at.
    let cap = ctx.settings.channels.email.max_message_bytes;
    if raw.len() > cap {
        let key = format!("{}:{}:{}", place.mailbox, place.uid_validity, place.uid);
        let why =
            format!("the message is larger than {cap} bytes (channels.email.max_message_bytes)");
        unreadable::store_for_review(ctx, "email", &key, &why, raw).await?;
        return Ok(Received {
            for_review: 1,
            ..Received::default()
        });
    }
    let parsed = match parse_email(raw, &[email.from.as_str()]) {
        Ok(parsed) => parsed,
        Err(e) => {
            let key = format!("{}:{}:{}", place.mailbox, place.uid_validity, place.uid);
            unreadable::store_for_review(ctx, "email", &key, &e.to_string(), raw).await?;
            return Ok(Received {
                for_review: 1,
                ..Received::default()
            });
        }
    };
    let mut received = Received::default();
    match record_email(ctx, place, &incoming(parsed)).await? {
        EmailOutcome::Recorded { .. } => received.recorded += 1,
        EmailOutcome::Duplicate => received.duplicates += 1,
        EmailOutcome::Ignored(_) => received.ignored += 1,
    }
    Ok(received)
}

/// The adapter's parse, as intake takes it.
fn incoming(email: ParsedEmail) -> IncomingEmail {
    IncomingEmail {
        kind: match email.kind {
            EmailKind::Normal => IncomingKind::Normal,
            EmailKind::Bounce => IncomingKind::Bounce,
            EmailKind::AutoReply => IncomingKind::AutoReply,
            EmailKind::Loop => IncomingKind::Loop,
        },
        message_id: email.message_id,
        in_reply_to: email.in_reply_to,
        references: email.references,
        bounced_message_id: email.bounced_message_id,
        subject: email.subject,
        from_address: email.from_address,
        new_text: email.new_text,
        quoted_text: email.quoted_text,
        attachments: email
            .attachments
            .into_iter()
            .map(|a| IncomingFile {
                name: a.name,
                content_type: a.content_type,
                size: a.size,
                bytes: a.bytes,
            })
            .collect(),
        case_reference: email.case_reference,
        content_hash: email.content_hash,
    }
}
