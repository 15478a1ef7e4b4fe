//! A call event's JSON, parsed once at the edge: an unknown outcome or a number that cannot be
//! dialled is a 400 naming the field.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::callbacks::missed_call::{CallEvent, CallOutcome};
use crate::domain::{FieldError, PhoneNumber};

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = CallEventBody)]
pub struct CallEventForm {
    pbx: Option<String>,
    call_id: Option<String>,
    caller: Option<String>,
    dialed: Option<String>,
    #[schema(value_type = String)]
    outcome: Option<String>,
    hold_seconds: Option<i32>,
    #[schema(format = DateTime)]
    at: Option<String>,
    /// For `voicemail`: where the hotline's voicemail keeps the recording (stored sealed).
    recording: Option<String>,
}

fn short(field: &str, v: Option<&str>, max: usize) -> Result<String, FieldError> {
    let v = v
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| FieldError::new(field, "is required"))?;
    if v.len() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} bytes"),
        ));
    }
    Ok(v.to_owned())
}

pub fn parse_call_event(f: CallEventForm, home_country: &str) -> Result<CallEvent, FieldError> {
    let outcome = CallOutcome::parse("outcome", f.outcome.as_deref().unwrap_or(""))?;
    let caller =
        PhoneNumber::for_country("caller", f.caller.as_deref().unwrap_or(""), home_country)?;
    let at = DateTime::parse_from_rfc3339(f.at.as_deref().unwrap_or(""))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new("at", "must be an RFC 3339 timestamp"))?;
    if f.hold_seconds.is_some_and(|h| h < 0) {
        return Err(FieldError::new("hold_seconds", "must be 0 or more"));
    }
    Ok(CallEvent {
        pbx: short("pbx", f.pbx.as_deref(), 100)?,
        call_id: short("call_id", f.call_id.as_deref(), 200)?,
        caller,
        dialed: f.dialed.filter(|d| d.len() <= 50),
        outcome,
        hold_seconds: f.hold_seconds,
        at,
        recording: f
            .recording
            .filter(|r| !r.trim().is_empty() && r.len() <= 1000),
    })
}
