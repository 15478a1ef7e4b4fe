//! Reading Asterisk's Manager Interface inside `hotline serve`: the adapter crate logs in,
//! reconnects with back-off and maps events; each call event it yields is recorded like a
//! signed one from `POST /api/v1/telephony/call-events`. With several nodes each reads AMI;
//! the `(pbx, call_id, outcome)` key records every call once.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::callbacks::missed_call::{CallEvent, CallOutcome, Recorded, record_call_event};
use crate::context::AppContext;
use crate::domain::PhoneNumber;

/// Records one call event from an adapter. A number that cannot be dialled is dropped (it is
/// counted, never logged).
pub async fn record_wire_event(
    ctx: &AppContext,
    wire: hotline_phone::CallEvent,
) -> anyhow::Result<Option<Recorded>> {
    let home = &ctx.settings.conversation.home_country;
    let Ok(caller) = PhoneNumber::for_country("caller", &wire.caller, home) else {
        crate::metrics::call_event("unreadable_number");
        return Ok(None);
    };
    let event = CallEvent {
        pbx: wire.pbx,
        call_id: wire.call_id,
        caller,
        dialed: wire.dialed,
        outcome: CallOutcome::parse("outcome", wire.outcome.as_str())?,
        hold_seconds: wire.hold_seconds,
        at: wire.at,
        recording: None,
    };
    let recorded = record_call_event(ctx, &event, ctx.now()).await?;
    crate::metrics::call_event(match recorded {
        Recorded::New(_) => "accepted",
        Recorded::Duplicate(_) => "duplicate",
    });
    Ok(Some(recorded))
}

pub async fn run_ami(ctx: AppContext, stop: CancellationToken) {
    let s = &ctx.settings.telephony.ami;
    let config = hotline_phone::ami::AmiConfig {
        address: s.address.clone(),
        username: s.username.clone(),
        secret: s.secret.clone(),
        pbx: s.pbx.clone(),
    };
    let (tx, mut rx) = mpsc::channel(64);
    let clock = ctx.clock.clone();
    let reader = tokio::spawn(hotline_phone::ami::run(
        config,
        tx,
        move || clock.now(),
        |e| tracing::warn!(error = %e, "the AMI session ended; reconnecting"),
    ));
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            event = rx.recv() => match event {
                Some(event) => {
                    if let Err(e) = record_wire_event(&ctx, event).await {
                        tracing::error!(error = %format!("{e:#}"), "an AMI call event could not be recorded");
                    }
                }
                None => break,
            },
        }
    }
    reader.abort();
}
