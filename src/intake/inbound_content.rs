//! What of a channel event is kept on the case, and what the conversation hears of it.

use hotline_contract::InboundContent;

use super::choice_description;
use super::conversation::{Conversation, Said};

/// What of an inbound event is kept as a message on the case.
pub struct StoredContent {
    pub kind: &'static str,
    /// The text stored (encrypted) as the message; `None` stores nothing.
    pub text: Option<String>,
    /// Whether this event, arriving first, opens a case.
    pub opens_case: bool,
}

impl StoredContent {
    /// In surge (`surge`), answering the essentials with buttons opens a case too: the bot
    /// skips the open question there, and someone who only pressed "I am in danger" must still
    /// reach a counselor. Choosing a language or stopping never opens one.
    pub fn of(content: &InboundContent, conversation: &Conversation, surge: bool) -> StoredContent {
        let (kind, text, opens_case) = match content {
            InboundContent::Text { text } => ("text", Some(text.clone()), true),
            InboundContent::Start { .. } => ("start", None, false),
            InboundContent::Choice { data, .. } => (
                "choice",
                Some(choice_description::describe(conversation.step, data)),
                surge && !data.starts_with("lang:") && data != "stop",
            ),
            InboundContent::Contact { phone, name, own } => (
                "contact",
                Some(format!(
                    "Shared a phone number{}: {phone}{}",
                    if *own { " (their own)" } else { "" },
                    name.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
                )),
                true,
            ),
            InboundContent::Location {
                latitude,
                longitude,
            } => (
                "location",
                Some(format!("Shared a location: {latitude:.5}, {longitude:.5}")),
                true,
            ),
            InboundContent::Attachment(file) => (
                "attachment",
                Some(match &file.caption {
                    Some(caption) => caption.clone(),
                    None => format!("[{}]", file.kind.as_str()),
                }),
                true,
            ),
            InboundContent::Edited { text, .. } => ("edit", Some(text.clone()), true),
            InboundContent::Unsupported { what } => (
                "unsupported",
                Some(format!("[a {what} message the hotline cannot show]")),
                true,
            ),
            InboundContent::Left => (
                "left",
                Some(
                    "[The person blocked or unfollowed the hotline's account: nothing can be sent to them until they come back]"
                        .to_owned(),
                ),
                false,
            ),
        };
        StoredContent {
            kind,
            text,
            opens_case,
        }
    }
}

/// The words the person typed in this event, if any (triage's danger check reads them).
pub fn typed_text(content: &InboundContent) -> Option<&str> {
    match content {
        InboundContent::Text { text } | InboundContent::Edited { text, .. } => Some(text),
        InboundContent::Attachment(file) => file.caption.as_deref(),
        _ => None,
    }
}

/// What the conversation hears of an event.
pub fn said(content: &InboundContent) -> Said<'_> {
    match content {
        InboundContent::Text { text } => Said::Text(text),
        InboundContent::Start { .. } => Said::Start,
        InboundContent::Choice { data, .. } => Said::Choice(data),
        InboundContent::Contact { phone, .. } => Said::Contact { phone },
        InboundContent::Location { .. }
        | InboundContent::Attachment(_)
        | InboundContent::Edited { .. } => Said::OtherContent,
        InboundContent::Unsupported { .. } => Said::Unsupported,
        // Never reaches the conversation: nobody can be answered after leaving.
        InboundContent::Left => Said::OtherContent,
    }
}
