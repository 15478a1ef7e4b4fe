//! Intake: every way a report arrives becomes a case with its first message, triaged and
//! queued in one transaction. Chat channels (and the conversation state machine) join here.

pub mod chat;
mod chat_case;
mod choice_description;
pub mod conversation;
pub mod conversation_texts;
pub mod earlier_cases;
pub mod email;
pub mod language;
pub mod phone_report;

pub use chat::{ChatOutcome, record_chat_message};
pub use conversation_texts::ConversationTexts;
pub use earlier_cases::{EarlierCase, earlier_cases_for_phone};
pub use email::{EmailOutcome, MailboxPlace, record_email};
pub use phone_report::{RecordedReport, record_phone_report};
