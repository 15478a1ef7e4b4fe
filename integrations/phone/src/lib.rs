//! Phone-system adapters for hotline. A phone system tells hotline how calls to the hotline
//! ended; a call nobody answered becomes a callback candidate in the app. This crate turns what
//! each system sends into one [`CallEvent`] shape and checks authenticity; it never touches the
//! database or the web framework, and never logs (numbers are personal data).
//!
//! - [`signature`]: hotline's own signed call events (`X-Hotline-Signature: sha256=<hex>`), for
//!   any PBX that can POST JSON;
//! - [`ami`]: Asterisk's Manager Interface, a line protocol over TCP: the parser, the mapping
//!   of queue and channel events to call events by `Linkedid`, and a client that logs in and
//!   reconnects with back-off;
//! - [`twilio`]: Twilio's status callbacks (form-encoded, `X-Twilio-Signature`).

pub mod ami;
pub mod signature;
pub mod twilio;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a call to the hotline ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Answered,
    Abandoned,
    NoAnswer,
    Busy,
    Failed,
    Voicemail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Abandoned => "abandoned",
            Outcome::NoAnswer => "no_answer",
            Outcome::Busy => "busy",
            Outcome::Failed => "failed",
            Outcome::Voicemail => "voicemail",
        }
    }
}

/// One call's ending, as `POST /api/v1/telephony/call-events` takes it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallEvent {
    pub pbx: String,
    pub call_id: String,
    pub caller: String,
    pub dialed: Option<String>,
    pub outcome: Outcome,
    pub hold_seconds: Option<i32>,
    pub at: DateTime<Utc>,
}

impl std::fmt::Debug for CallEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallEvent")
            .field("pbx", &self.pbx)
            .field("call_id", &self.call_id)
            .field("caller", &"[redacted]")
            .field("outcome", &self.outcome)
            .field("hold_seconds", &self.hold_seconds)
            .field("at", &self.at)
            .finish_non_exhaustive()
    }
}
