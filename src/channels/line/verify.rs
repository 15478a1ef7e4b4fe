//! A webhook body is LINE's when its `x-line-signature` is the HMAC-SHA256 of the exact bytes
//! LINE sent, under the channel secret. Checked before anything is parsed, never re-serialised.

use super::LineChannel;
use crate::channels::Refusal;

pub const SIGNATURE_HEADER: &str = "x-line-signature";

/// Checks the signature; a failure is counted as a rejected signature.
pub fn verify(line: &LineChannel, body: &[u8], signature: Option<&[u8]>) -> Result<(), Refusal> {
    if hotline_line::signature_matches(&line.channel_secret, body, signature) {
        Ok(())
    } else {
        crate::metrics::rejected_signature("line");
        Err(Refusal::BadSignature)
    }
}
