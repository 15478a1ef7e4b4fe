//! Local stand-ins for the chat platforms hotline talks to, for tests and demos.
//!
//! Telegram, LINE and a phone system's Asterisk cannot be reached from CI or from a laptop demo, so each platform gets a
//! small HTTP server here that speaks enough of its real API for the adapters and the app to
//! run unchanged against it (only the API base URL differs). Each stand-in runs on its own
//! thread with its own actix System, so a test on any async runtime (plain tokio or actix) can
//! start one, and it keeps serving until dropped.
//!
//! Stand-ins also record what they were asked and can be told to fail, so tests can check
//! what the app sent and how it copes with rate limits, blocked users and lost responses.
//! The LINE stand-in also plays LINE's webhook side: it builds events and posts them signed
//! with the channel secret, so the app's signature check runs as in production.

mod ami;
mod background;
mod line;
mod multipart;
mod telegram;

pub use ami::AmiStandIn;
pub use line::{LineEndpoint, LineFailure, LineRequest, LineStandIn};
pub use telegram::{Failure, RecordedRequest, TelegramStandIn};
