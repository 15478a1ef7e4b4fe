//! Local stand-ins for the chat platforms hotline talks to, for tests and demos.
//!
//! Telegram and LINE cannot be reached from CI or from a laptop demo, so each platform gets a
//! small HTTP server here that speaks enough of its real API for the adapters and the app to
//! run unchanged against it (only the API base URL differs). Each stand-in runs on its own
//! thread with its own actix System, so a test on any async runtime (plain tokio or actix) can
//! start one, and it keeps serving until dropped.
//!
//! Stand-ins also record what they were asked and can be told to fail, so tests can check
//! what the app sent and how it copes with rate limits and blocked users.

mod background;
mod multipart;
mod telegram;

pub use telegram::{Failure, RecordedRequest, TelegramStandIn};
