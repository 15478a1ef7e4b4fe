//! One message from the mailbox, from raw bytes to the database: parsed by the adapter (any
//! charset, quotes and signatures split off, bounces and auto-replies recognised), recorded by
//! intake, or kept for review when it is not an email at all.

use hotline_email::parse::{EmailKind, ParsedEmail, find_referral_references, parse_email};

use super::EmailChannel;
use crate::channels::{Received, unreadable};
use crate::context::AppContext;
use crate::intake::{
    EmailOutcome, IncomingEmail, IncomingFile, IncomingKind, MailboxPlace, record_email,
};
use crate::referrals::ReferralError;
use crate::referrals::replies::{PartnerReply, ReplyOutcome, attach};

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
    if parsed.kind == EmailKind::Normal
        && let Some(outcome) = partner_reply(ctx, place, &parsed).await?
    {
        match outcome {
            ReplyOutcome::Attached => received.recorded += 1,
            ReplyOutcome::Duplicate => received.duplicates += 1,
            ReplyOutcome::NotAPartnerReply => {}
        }
        return Ok(received);
    }
    match record_email(ctx, place, &incoming(parsed)).await? {
        EmailOutcome::Recorded { .. } => received.recorded += 1,
        EmailOutcome::Duplicate => received.duplicates += 1,
        EmailOutcome::Ignored(_) => received.ignored += 1,
    }
    Ok(received)
}

/// A partner's reply that quotes a referral reference (subject or text) from the address the
/// referral went to: attached to the referral, not to any conversation. `None`: not one (no
/// reference, or a sender the referral did not go to), so the mail goes to intake like any.
async fn partner_reply(
    ctx: &AppContext,
    place: MailboxPlace<'_>,
    parsed: &ParsedEmail,
) -> Result<Option<ReplyOutcome>, sqlx::Error> {
    let mut references = vec![];
    for text in [
        parsed.subject.as_deref().unwrap_or(""),
        parsed.new_text.as_str(),
        parsed.quoted_text.as_str(),
    ] {
        for r in find_referral_references(text) {
            if !references.contains(&r) {
                references.push(r);
            }
        }
    }
    let Some(from) = parsed
        .from_address
        .as_deref()
        .filter(|_| !references.is_empty())
    else {
        return Ok(None);
    };
    let place_key = format!("{}:{}:{}", place.mailbox, place.uid_validity, place.uid);
    let reply = PartnerReply {
        place_key: &place_key,
        references: &references,
        from_address: from,
        subject: parsed.subject.as_deref().unwrap_or(""),
        text: &parsed.new_text,
    };
    match attach(ctx, &reply, ctx.now()).await {
        Ok(ReplyOutcome::NotAPartnerReply) => Ok(None),
        Ok(outcome) => Ok(Some(outcome)),
        Err(ReferralError::Database(e)) => Err(e),
        Err(e) => Err(sqlx::Error::Protocol(format!(
            "attaching a partner reply: {e}"
        ))),
    }
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
