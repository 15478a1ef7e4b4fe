//! Sending email: each reply by SMTP (or to files, for a demo) in the sender's thread, with a
//! stable Message-ID, so a retried send is recognisable as the same message.

use hotline_contract::{Delivered, OutboundMessage, SendError};
use hotline_email::mailer::OutgoingEmail;

use super::EmailChannel;

pub(crate) async fn send(
    email: &EmailChannel,
    messages: &[OutboundMessage],
) -> Result<Vec<Delivered>, SendError> {
    let mut delivered = Vec::with_capacity(messages.len());
    for message in messages {
        delivered.push(send_one(email, message).await?);
    }
    Ok(delivered)
}

async fn send_one(email: &EmailChannel, message: &OutboundMessage) -> Result<Delivered, SendError> {
    let Some(thread) = &message.email else {
        return Err(SendError::Permanent {
            reason: "an email without its thread".into(),
        });
    };
    email
        .mailer
        .send(&OutgoingEmail {
            from: email.from.clone(),
            to: message.recipient.clone(),
            subject: thread.subject.clone(),
            text: message.text.clone(),
            message_id: thread.message_id.clone(),
            in_reply_to: thread.in_reply_to.clone(),
            references: thread.references.clone(),
            auto: thread.automatic,
            date: thread.date,
        })
        .await
        .map_err(SendError::from)?;
    Ok(Delivered {
        platform_message_id: Some(thread.message_id.clone()),
    })
}
