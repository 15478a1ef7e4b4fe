//! LINE adapter for hotline: reads signed Messaging API webhook bodies into channel-neutral
//! [`hotline_contract`] messages, and sends answers with the reply or push API.
//!
//! The adapter never touches the database or the web framework: the app checks the signature
//! with [`signature_matches`] on the raw body, hands the same bytes to [`parse_webhook`], and
//! records each event itself. Nothing here logs; errors name kinds and fields, never message
//! text, user ids or the channel's secrets.

mod client;
mod webhook;

pub use client::{ClientConfigError, LineClient, MAX_MESSAGES_PER_CALL};
pub use webhook::{Event, Webhook, WebhookError, parse_webhook};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Whether `header` (the `x-line-signature` value) is Base64(HMAC-SHA256(channel secret, body))
/// over exactly these bytes. The comparison is constant-time (`verify_slice`). A missing or
/// empty header, a header that is not Base64, or an empty secret never match.
pub fn signature_matches(channel_secret: &str, body: &[u8], header: Option<&[u8]>) -> bool {
    let Some(header) = header.filter(|h| !h.is_empty()) else {
        return false;
    };
    if channel_secret.is_empty() {
        return false;
    }
    let Ok(claimed) = base64::engine::general_purpose::STANDARD.decode(header.trim_ascii()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(channel_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&claimed).is_ok()
}

/// The signature LINE would send for `body` (for tests and the demo stand-in's callers).
pub fn sign(channel_secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail; an empty signature never matches.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(channel_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-line-channel-secret";

    #[test]
    fn a_signature_over_the_exact_bytes_matches() {
        let body = br#"{"destination":"U1","events":[]}"#;
        let signature = sign(SECRET, body);
        assert!(signature_matches(SECRET, body, Some(signature.as_bytes())));
    }

    #[test]
    fn the_same_json_with_other_whitespace_does_not_match() {
        let body = br#"{"destination":"U1","events":[]}"#;
        let signature = sign(SECRET, body);
        let respaced = br#"{"destination": "U1", "events": []}"#;
        assert!(!signature_matches(
            SECRET,
            respaced,
            Some(signature.as_bytes())
        ));
    }

    #[test]
    fn missing_empty_garbled_or_foreign_signatures_do_not_match() {
        let body = b"{}";
        assert!(!signature_matches(SECRET, body, None));
        assert!(!signature_matches(SECRET, body, Some(b"")));
        assert!(!signature_matches(
            SECRET,
            body,
            Some(b"not base64 at all!")
        ));
        let other = sign("another-secret", body);
        assert!(!signature_matches(SECRET, body, Some(other.as_bytes())));
        assert!(!signature_matches(
            "",
            body,
            Some(sign("", body).as_bytes())
        ));
    }
}
