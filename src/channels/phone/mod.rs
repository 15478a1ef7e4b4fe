//! The phone system: call events in (signed JSON from any PBX, or Asterisk AMI, or Twilio
//! status callbacks through the adapter crate `hotline-phone`). Nothing is sent this way:
//! callbacks are made by counselors. `verify` → `receive` like every channel.

pub mod ami;
mod receive;
mod verify;

pub use ami::{record_wire_event, run_ami};
pub use receive::{CallEventForm, parse_call_event};
pub use verify::verify;
