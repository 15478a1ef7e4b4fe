//! `X-Hotline-Signature: sha256=<hex>`: the HMAC-SHA256 of the exact request body under the
//! shared webhook secret. Checked on the raw bytes before anything is parsed.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const HEADER: &str = "x-hotline-signature";

/// Whether `header` signs `body` under `secret`, compared in constant time. A missing header, a
/// header without `sha256=`, bad hex or an empty secret never match.
pub fn matches(secret: &str, body: &[u8], header: Option<&[u8]>) -> bool {
    if secret.is_empty() {
        return false;
    }
    let Some(hex_part) = header.and_then(|h| h.trim_ascii().strip_prefix(b"sha256=")) else {
        return false;
    };
    let Ok(claimed) = hex::decode(hex_part) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&claimed).is_ok()
}

/// The header value a sender puts on `body` (for PBX scripts, tests and the demo).
pub fn sign(secret: &str, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_over_the_exact_bytes_matches_and_nothing_else_does() {
        let body = br#"{"pbx":"a","call_id":"1"}"#;
        let good = sign("a-secret-of-16-chars", body);
        assert!(matches("a-secret-of-16-chars", body, Some(good.as_bytes())));
        assert!(!matches("another-secret-16", body, Some(good.as_bytes())));
        assert!(!matches(
            "a-secret-of-16-chars",
            b"{}",
            Some(good.as_bytes())
        ));
        assert!(!matches("a-secret-of-16-chars", body, None));
        assert!(!matches("a-secret-of-16-chars", body, Some(b"sha256=zz")));
        assert!(!matches("", body, Some(good.as_bytes())));
        let bare = good.trim_start_matches("sha256=");
        assert!(!matches(
            "a-secret-of-16-chars",
            body,
            Some(bare.as_bytes())
        ));
    }
}
