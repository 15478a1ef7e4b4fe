//! The pure arithmetic of the second factor: TOTP seeds and codes (RFC 6238 through the
//! `totp-rs` crate: HMAC-SHA-1, 6 digits, 30-second steps, the settings every authenticator app
//! understands), which time step a typed code belongs to, and single-use recovery codes. Time is
//! a parameter; randomness comes from the operating system.

use chrono::{DateTime, Utc};
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Codes of this many steps before or after now are accepted too (a phone's clock drifts, and
/// a code typed in its last seconds arrives in the next step).
pub const SKEW_STEPS: i64 = 1;
const DIGITS: usize = 6;
/// 160 bits, the length RFC 4226 recommends (and what authenticator apps expect).
const SEED_BYTES: usize = 20;
/// How many recovery codes a person is given at a time.
pub const RECOVERY_CODES: usize = 10;

/// A TOTP seed. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Seed(Vec<u8>);

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seed(…)")
    }
}

impl Seed {
    /// A new seed from the operating system's secure random source.
    pub fn generate() -> Seed {
        let mut bytes = vec![0u8; SEED_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Seed(bytes)
    }

    /// The seed as the text key people type into an app (RFC 4648 base32, no padding), which is
    /// also how it is stored (sealed).
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    pub fn from_base32(text: &str) -> Option<Seed> {
        let bytes = totp_rs::Secret::Encoded(text.to_owned()).to_bytes().ok()?;
        (bytes.len() >= 16).then_some(Seed(bytes))
    }

    fn totp(&self, account: &str) -> Option<TOTP> {
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            0,
            STEP_SECONDS as u64,
            self.0.clone(),
            Some(ISSUER.to_owned()),
            // otpauth labels use ':' as the issuer separator.
            account.replace(':', "_"),
        )
        .ok()
    }

    /// The code for one time step.
    pub fn code_at_step(&self, step: i64) -> String {
        let time = u64::try_from(step.max(0) * STEP_SECONDS).unwrap_or(0);
        self.totp("x").map(|t| t.generate(time)).unwrap_or_default()
    }

    /// The code an app shows at `now`.
    pub fn code_at(&self, now: DateTime<Utc>) -> String {
        self.code_at_step(step_of(now))
    }

    /// The `otpauth://totp/…` address an authenticator app reads (as a QR code or a link).
    pub fn otpauth_uri(&self, account: &str) -> String {
        self.totp(account).map(|t| t.get_url()).unwrap_or_default()
    }

    /// The time step a typed code belongs to, if it is this step's code or one within the skew
    /// window and later than `last_used` (a code is good once). Compared in constant time.
    pub fn matching_step(&self, typed: &str, now: DateTime<Utc>, last_used: i64) -> Option<i64> {
        let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = step_of(now);
        let mut found = None;
        for step in (current - SKEW_STEPS)..=(current + SKEW_STEPS) {
            let expected = self.code_at_step(step);
            if bool::from(expected.as_bytes().ct_eq(typed.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        found.filter(|step| *step > last_used)
    }
}

/// The issuer authenticator apps show beside the code.
pub const ISSUER: &str = "hotline";

/// The RFC 6238 time step of `now`.
pub fn step_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

fn base32_encode(bytes: &[u8]) -> String {
    match totp_rs::Secret::Raw(bytes.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(text) => text.trim_end_matches('=').to_owned(),
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// A fresh set of recovery codes, as shown once: `xxxx-xxxx-xxxx-xxxx` in base32 (80 random
/// bits each, so the stored SHA-256 cannot be reversed by guessing).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let text = base32_encode(&bytes).to_lowercase();
            text.as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed, normalised (no spaces or dashes, lower case), if it looks like one.
pub fn normalise_recovery_code(typed: &str) -> Option<String> {
    let text: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase();
    (text.len() == 16 && text.chars().all(|c| c.is_ascii_alphanumeric())).then_some(text)
}

/// The stored form of a recovery code: SHA-256 of the user id and the normalised code.
pub fn recovery_code_hash(user: uuid::Uuid, normalised: &str) -> Vec<u8> {
    let mut input = user.as_bytes().to_vec();
    input.extend_from_slice(normalised.as_bytes());
    crate::crypto::sha256(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_sha1_test_vectors() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 of the 8 digits.
        let seed = Seed(b"12345678901234567890".to_vec());
        assert_eq!(seed.code_at(at(59)), "287082");
        assert_eq!(seed.code_at(at(1_111_111_109)), "081804");
        assert_eq!(seed.code_at(at(1_234_567_890)), "005924");
        assert_eq!(seed.code_at(at(2_000_000_000)), "279037");
    }

    #[test]
    fn a_code_counts_within_one_step_either_side_and_only_once() {
        let seed = Seed::generate();
        let now = at(1_800_000_015);
        let step = step_of(now);
        let code = seed.code_at(now);
        assert_eq!(seed.matching_step(&code, now, 0), Some(step));
        assert_eq!(seed.matching_step(&format!(" {code} "), now, 0), Some(step));
        assert_eq!(seed.matching_step(&code, now, step), None, "used once");
        assert_eq!(
            seed.matching_step(&seed.code_at_step(step - 1), now, 0),
            Some(step - 1)
        );
        assert_eq!(
            seed.matching_step(&seed.code_at_step(step + 1), now, 0),
            Some(step + 1)
        );
        assert_eq!(
            seed.matching_step(&seed.code_at_step(step - 2), now, 0),
            None
        );
        assert_eq!(seed.matching_step("12345", now, 0), None);
        assert_eq!(seed.matching_step("abcdef", now, 0), None);
    }

    #[test]
    fn seeds_are_random_and_survive_their_text_form() {
        let (a, b) = (Seed::generate(), Seed::generate());
        assert_ne!(a.to_base32(), b.to_base32());
        assert_eq!(a.to_base32().len(), 32);
        let back = Seed::from_base32(&a.to_base32()).unwrap();
        assert_eq!(
            back.code_at(at(1_800_000_000)),
            a.code_at(at(1_800_000_000))
        );
        assert!(format!("{a:?}").contains('…'));
    }

    #[test]
    fn the_otpauth_address_names_the_issuer_account_and_settings() {
        let seed = Seed::generate();
        let uri = seed.otpauth_uri("sup@hotline.example");
        assert!(
            uri.starts_with("otpauth://totp/hotline:sup%40hotline.example?"),
            "{uri}"
        );
        assert!(
            uri.contains(&format!("secret={}", seed.to_base32())),
            "{uri}"
        );
        assert!(uri.contains("issuer=hotline"), "{uri}");
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19);
        let typed = format!(" {} ", code.to_uppercase().replace('-', " "));
        assert_eq!(
            normalise_recovery_code(&typed),
            normalise_recovery_code(code)
        );
        assert_eq!(normalise_recovery_code("123456"), None);
    }
}
