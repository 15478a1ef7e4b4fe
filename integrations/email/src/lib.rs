//! Email adapter for hotline: reads the hotline's mailbox over IMAP, parses each message
//! (MIME, any charset) into plain data the app records, and sends counselor replies over SMTP.
//!
//! The adapter never touches the database: the app decides what a message means for a case,
//! and when it is committed, after which it tells the reader to mark the message seen.
//! Nothing here logs message content or addresses.

pub mod imap;
pub mod mailer;
pub mod parse;
