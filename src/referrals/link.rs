//! The partner's link: an HMAC-signed token bound to one referral and one partner, with an
//! expiry and a version (revoking a link raises the referral's version, so every earlier
//! token stops working). The token holds ids only, never personal data.

use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::crypto::KeyRing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkClaims {
    pub referral_id: Uuid,
    pub partner_id: Uuid,
    pub version: i32,
    pub expires_at: DateTime<Utc>,
}

const PAYLOAD: usize = 16 + 16 + 4 + 8;
const TAG: usize = 20;

/// What a token is for: a referral's link, or a partner's link to confirm its directory entry
/// (then both ids are the partner's). A token for one purpose never verifies for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Referral,
    PartnerEntry,
}

fn tag(keys: &KeyRing, purpose: Purpose, payload: &[u8]) -> Vec<u8> {
    let label = match purpose {
        Purpose::Referral => "referral-link",
        Purpose::PartnerEntry => "partner-entry-link",
    };
    let mut mac = keys.mac(label, &hex::encode(payload));
    mac.truncate(TAG);
    mac
}

/// Whether `sig` is the tag under any configured key version (links mailed before a rotation
/// keep working while the previous key is configured).
fn tag_holds(keys: &KeyRing, purpose: Purpose, payload: &[u8], sig: &[u8]) -> bool {
    let label = match purpose {
        Purpose::Referral => "referral-link",
        Purpose::PartnerEntry => "partner-entry-link",
    };
    keys.macs(label, &hex::encode(payload))
        .iter()
        .fold(false, |held, mac| held | bool::from(mac[..TAG].ct_eq(sig)))
}

pub fn sign(keys: &KeyRing, claims: LinkClaims) -> String {
    sign_for(keys, Purpose::Referral, claims)
}

pub fn verify(keys: &KeyRing, token: &str) -> Option<LinkClaims> {
    verify_for(keys, Purpose::Referral, token)
}

pub fn sign_for(keys: &KeyRing, purpose: Purpose, claims: LinkClaims) -> String {
    let mut bytes = Vec::with_capacity(PAYLOAD + TAG);
    bytes.extend_from_slice(claims.referral_id.as_bytes());
    bytes.extend_from_slice(claims.partner_id.as_bytes());
    bytes.extend_from_slice(&claims.version.to_be_bytes());
    bytes.extend_from_slice(&claims.expires_at.timestamp().to_be_bytes());
    let t = tag(keys, purpose, &bytes);
    bytes.extend_from_slice(&t);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The claims of a token whose signature holds for this purpose (expiry and revocation are
/// checked against the stored row by the caller).
pub fn verify_for(keys: &KeyRing, purpose: Purpose, token: &str) -> Option<LinkClaims> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()?;
    if bytes.len() != PAYLOAD + TAG {
        return None;
    }
    let (payload, sig) = bytes.split_at(PAYLOAD);
    if !tag_holds(keys, purpose, payload, sig) {
        return None;
    }
    let referral_id = Uuid::from_slice(&payload[..16]).ok()?;
    let partner_id = Uuid::from_slice(&payload[16..32]).ok()?;
    let version = i32::from_be_bytes(payload[32..36].try_into().ok()?);
    let expires = i64::from_be_bytes(payload[36..44].try_into().ok()?);
    Some(LinkClaims {
        referral_id,
        partner_id,
        version,
        expires_at: Utc.timestamp_opt(expires, 0).single()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::CryptoSettings;

    fn keys() -> KeyRing {
        KeyRing::from_settings(&CryptoSettings {
            key: base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
            key_file: String::new(),
            key_id: "k1".into(),
            previous_key: String::new(),
            previous_key_file: String::new(),
            previous_key_id: String::new(),
            index_key: String::new(),
            session_key: String::new(),
            reencrypt_batch: 200,
            reencrypt_interval_seconds: 3600,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_token_round_trips_and_any_changed_byte_breaks_it() {
        let keys = keys();
        let claims = LinkClaims {
            referral_id: Uuid::new_v4(),
            partner_id: Uuid::new_v4(),
            version: 1,
            expires_at: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        };
        let token = sign(&keys, claims);
        assert_eq!(verify(&keys, &token), Some(claims));
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&token)
            .unwrap_or_default();
        bytes[3] ^= 1;
        let tampered = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(verify(&keys, &tampered), None);
        assert_eq!(verify(&keys, "not-a-token"), None);
        assert_eq!(verify_for(&keys, Purpose::PartnerEntry, &token), None);
    }
}
