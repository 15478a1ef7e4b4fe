//! Stops the spinner on a pressed button. Best effort: a failure is retried a few times by the
//! runner, and a lost acknowledgement costs the person nothing but a spinner.

use std::future::Future;
use std::pin::Pin;

use hotline_contract::ChannelKind;

use crate::context::AppContext;
use crate::jobs::JobHandler;

pub struct AcknowledgeChoice;

impl JobHandler for AcknowledgeChoice {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let channel: ChannelKind = serde_json::from_value(payload["channel"].clone())?;
            let Some(ack) = payload["ack_id"].as_str() else {
                return Ok(());
            };
            match ctx.channels.acknowledge_choice(channel, ack).await {
                Ok(())
                | Err(hotline_contract::SendError::Permanent { .. })
                | Err(hotline_contract::SendError::Unreachable { .. }) => Ok(()),
                Err(e) => Err(e.into()),
            }
        })
    }
}
