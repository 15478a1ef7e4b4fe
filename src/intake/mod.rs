//! Intake: every way a report arrives becomes a case with its first message, triaged and
//! queued in one transaction.
//!
//! - `phone_report`: the counselor's phone-call form.
//! - `channel_message`: a chat message (Telegram, LINE): record the event → attach it to the
//!   case → run the conversation → queue the replies.
//! - `email`: an email from the hotline's mailbox.
//!
//! They share the steps: `reporter_identity` (who writes on a channel, locked), `open_case`
//! (the one INSERT of a case, with its first assessment), `inbound_message` (the one INSERT of
//! what a reporter said) and `retriage` (scoring a case again from stored readings).
//! `conversation` is the bot's script, pure; `conversation_effects` stores what it learned.

mod channel_message;
mod choice_description;
pub mod conversation;
mod conversation_effects;
pub mod conversation_texts;
pub mod earlier_cases;
pub mod email;
mod inbound_content;
mod inbound_message;
pub mod language;
pub(crate) mod open_case;
pub mod phone_report;
mod reading;
mod reporter_identity;
mod retriage;

pub use channel_message::{ChannelOutcome, record_channel_message};
pub use conversation_texts::ConversationTexts;
pub use earlier_cases::{EarlierCase, earlier_cases_for_phone};
pub use email::{
    EmailOutcome, IncomingEmail, IncomingFile, IncomingKind, MailboxPlace, record_email,
};
pub use phone_report::{RecordedReport, record_phone_report, record_phone_report_on};
