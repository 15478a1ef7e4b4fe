//! Sending on LINE: up to five messages per call, with the event's reply token while it is fresh
//! (free), else by push with a retry key (a retried push is never delivered twice).

use hotline_contract::{Delivered, OutboundMessage, SendError};

use super::LineChannel;
use crate::channels::ReplyToken;

pub(crate) async fn send(
    line: &LineChannel,
    messages: &[OutboundMessage],
    reply_token: Option<ReplyToken<'_>>,
    retry_key: &str,
) -> Result<Vec<Delivered>, SendError> {
    let Some(first) = messages.first() else {
        return Ok(Vec::new());
    };
    line.client
        .send(
            &first.recipient,
            messages,
            reply_token.map(|r| r.token),
            retry_key,
        )
        .await
}
