//! A call event is the phone system's when `X-Hotline-Signature` is `sha256=` + the hex
//! HMAC-SHA256 of the exact body under `telephony.webhook_secret`. Checked before parsing; a
//! failure is counted (`hotline_rejected_signatures_total{channel="phone"}`) and nothing is
//! stored.

use crate::channels::Refusal;

pub fn verify(secret: &str, body: &[u8], signature: Option<&[u8]>) -> Result<(), Refusal> {
    if hotline_phone::signature::matches(secret, body, signature) {
        Ok(())
    } else {
        crate::metrics::rejected_signature("phone");
        Err(Refusal::BadSignature)
    }
}
