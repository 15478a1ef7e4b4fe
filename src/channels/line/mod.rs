//! LINE: an Official Account's webhook, its signature checked over the raw bytes (`verify`),
//! each event recorded (`receive`), answered with reply tokens or push (`send`).

mod receive;
mod send;
mod verify;

pub use receive::receive;
pub use verify::{SIGNATURE_HEADER, verify};

pub(crate) use send::send;

use hotline_line::LineClient;

use crate::settings::LineSettings;

/// A LINE Official Account as the app uses it.
pub struct LineChannel {
    pub client: LineClient,
    /// Signs every webhook body; checked before anything is read.
    pub channel_secret: String,
}

impl LineChannel {
    pub fn from_settings(line: &LineSettings) -> anyhow::Result<LineChannel> {
        let client = LineClient::new(&line.channel_access_token, &line.api_url)
            .map_err(|e| anyhow::anyhow!("channels.line: {e}"))?;
        Ok(LineChannel {
            client,
            channel_secret: line.channel_secret.clone(),
        })
    }
}
