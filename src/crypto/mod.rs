//! Encryption at rest for personal data, and keyed hashes for exact lookup.
//!
//! One key ring, built once from `crypto.key` (`HOTLINE_CRYPTO__KEY`, or a 0600 file named by
//! `crypto.key_file`) and, during a rotation, `crypto.previous_key`. Each master key is a
//! **key version** (its `key_id`) and yields three keys by HKDF: a data key, an index key and a
//! session key, so rotating the master key rotates all three.
//!
//! - Ciphertexts are XChaCha20-Poly1305 with a random 192-bit nonce and carry the id of the key
//!   that sealed them. Bound ciphertexts ([`KeyRing::seal_bound`]) also authenticate the table,
//!   column and row id they are stored at, so one copied onto another row fails to open.
//! - Lookup columns (a phone number, a chat id, a Message-ID) store `[id length][key id][HMAC]`:
//!   equal inputs give equal hashes under one version, and the hash alone reveals nothing
//!   without the key. Lookups compare against [`KeyRing::index_hashes`]: the value's hash under
//!   every configured version, plus the bare 32-byte form older versions of hotline stored. So
//!   returning reporters, phone matches and email threads keep working while `hotline keys
//!   reencrypt` (or the background job in `serve`) moves rows to the current version.
//! - Session cookies are signed with the current version's session key and accepted under any
//!   configured version's, so rotating does not sign everyone out.

pub mod columns;
pub mod reencrypt;

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::settings::CryptoSettings;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("invalid setting: {key}: {why}")]
    BadKey {
        key: &'static str,
        why: &'static str,
    },
    #[error("ciphertext is malformed")]
    Malformed,
    #[error("ciphertext was sealed with an unknown key id")]
    UnknownKey,
    #[error("ciphertext failed authentication")]
    Tampered,
}

/// One master key's derived keys, named by its key id.
struct KeyVersion {
    id: String,
    cipher: XChaCha20Poly1305,
    index_key: [u8; 32],
    session_key: [u8; 32],
}

/// The process-wide keys. Cheap to share behind an `Arc`.
pub struct KeyRing {
    /// The current version first, then the previous one during a rotation.
    versions: Vec<KeyVersion>,
}

const NONCE_LEN: usize = 24;
const MAC_LEN: usize = 32;

/// Set on the first byte (the key id's length, at most 32) of a ciphertext bound to its place.
const BOUND: u8 = 0x80;

/// Where a bound ciphertext lives: its table, column and row id.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: uuid::Uuid,
}

impl<'a> Binding<'a> {
    pub fn new(table: &'a str, column: &'a str, row: uuid::Uuid) -> Binding<'a> {
        Binding { table, column, row }
    }

    fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(self.table.len() + self.column.len() + 32);
        for part in [self.table.as_bytes(), self.column.as_bytes()] {
            aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
            aad.extend_from_slice(part);
        }
        aad.extend_from_slice(self.row.as_bytes());
        aad
    }
}

pub(crate) fn decode_key(value: &str, key: &'static str) -> Result<[u8; 32], CryptoError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .map_err(|_| CryptoError::BadKey {
            key,
            why: "not valid base64",
        })?;
    bytes.try_into().map_err(|_| CryptoError::BadKey {
        key,
        why: "must be base64 of exactly 32 bytes",
    })
}

pub(crate) fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let hk = Hkdf::<Sha256>::new(Some(b"hotline"), master);
    let mut out = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit, so expand cannot fail.
    if hk.expand(label, &mut out).is_err() {
        unreachable!("32-byte HKDF output is always valid");
    }
    out
}

fn hmac(key: &[u8; 32], purpose: &str, value: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value);
    mac.finalize().into_bytes().to_vec()
}

impl KeyVersion {
    fn new(
        id: &str,
        master: &[u8; 32],
        index_key: Option<[u8; 32]>,
        session_key: Option<[u8; 32]>,
    ) -> KeyVersion {
        KeyVersion {
            id: id.to_owned(),
            cipher: XChaCha20Poly1305::new(&derive(master, b"data").into()),
            index_key: index_key.unwrap_or_else(|| derive(master, b"index")),
            session_key: session_key.unwrap_or_else(|| derive(master, b"session")),
        }
    }

    /// `[id length | flags][id]`: how every ciphertext and versioned hash begins.
    fn prefix(&self, flags: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.id.len());
        out.push(flags | self.id.len() as u8);
        out.extend_from_slice(self.id.as_bytes());
        out
    }

    fn index_hash(&self, purpose: &str, value: &str) -> Vec<u8> {
        let mut out = self.prefix(0);
        out.extend_from_slice(&hmac(&self.index_key, purpose, value.as_bytes()));
        out
    }
}

impl KeyRing {
    pub fn from_settings(s: &CryptoSettings) -> Result<KeyRing, CryptoError> {
        if s.key.trim().is_empty() {
            return Err(CryptoError::BadKey {
                key: "crypto.key",
                why: "not set: HOTLINE_CRYPTO__KEY or crypto.key_file (base64 of 32 random bytes: `head -c32 /dev/urandom | base64`)",
            });
        }
        if s.key_id.is_empty() || s.key_id.len() > 32 {
            return Err(CryptoError::BadKey {
                key: "crypto.key_id",
                why: "must be 1 to 32 characters",
            });
        }
        let master = decode_key(&s.key, "crypto.key")?;
        // Explicit index and session keys do not depend on the master key, so every version
        // shares them; by default each version derives its own.
        let index_key = if s.index_key.trim().is_empty() {
            None
        } else {
            Some(decode_key(&s.index_key, "crypto.index_key")?)
        };
        let session_key = if s.session_key.trim().is_empty() {
            None
        } else {
            Some(decode_key(&s.session_key, "crypto.session_key")?)
        };
        let mut versions = vec![KeyVersion::new(&s.key_id, &master, index_key, session_key)];
        if !s.previous_key.trim().is_empty() {
            if s.previous_key_id.is_empty()
                || s.previous_key_id.len() > 32
                || s.previous_key_id == s.key_id
            {
                return Err(CryptoError::BadKey {
                    key: "crypto.previous_key_id",
                    why: "must be set (1 to 32 characters), and differ from crypto.key_id",
                });
            }
            let old = decode_key(&s.previous_key, "crypto.previous_key")?;
            if old == master {
                return Err(CryptoError::BadKey {
                    key: "crypto.previous_key",
                    why: "is the same key as crypto.key",
                });
            }
            versions.push(KeyVersion::new(
                &s.previous_key_id,
                &old,
                index_key,
                session_key,
            ));
        }
        Ok(KeyRing { versions })
    }

    fn current(&self) -> &KeyVersion {
        &self.versions[0]
    }

    /// The current key id.
    pub fn current_id(&self) -> &str {
        &self.current().id
    }

    /// The first bytes of a ciphertext bound under the current key: a stored value that does
    /// not start with these still needs re-encrypting (`hotline keys status`).
    pub fn current_bound_prefix(&self) -> Vec<u8> {
        self.current().prefix(BOUND)
    }

    /// The first bytes of an unbound ciphertext under the current key (for the few columns
    /// that are not bound to a row; see `crypto::columns`).
    pub fn current_unbound_prefix(&self) -> Vec<u8> {
        self.current().prefix(0)
    }

    /// The first bytes of an index hash under the current key.
    pub fn current_hash_prefix(&self) -> Vec<u8> {
        self.current().prefix(0)
    }

    /// The length of an index hash under the current key.
    pub fn current_hash_len(&self) -> usize {
        1 + self.current().id.len() + MAC_LEN
    }

    /// Seals `plaintext`, unbound: `[key id length][key id][nonce][ciphertext + tag]`. Prefer
    /// [`KeyRing::seal_bound`] wherever the row id is known.
    pub fn seal(&self, plaintext: &str) -> Vec<u8> {
        self.seal_bytes(plaintext.as_bytes())
    }

    /// Seals any bytes, unbound, in the same format as [`KeyRing::seal`].
    pub fn seal_bytes(&self, plaintext: &[u8]) -> Vec<u8> {
        self.seal_with(plaintext, None)
    }

    fn seal_with(&self, plaintext: &[u8], at: Option<&Binding<'_>>) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = at.map(Binding::associated_data).unwrap_or_default();
        let payload = chacha20poly1305::aead::Payload {
            msg: plaintext,
            aad: &aad,
        };
        // Encryption only fails for inputs larger than the cipher's limit (~256 GiB).
        let Ok(sealed) = self
            .current()
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
        else {
            unreachable!("plaintext exceeds XChaCha20-Poly1305 limits")
        };
        let mut out = self.current().prefix(if at.is_some() { BOUND } else { 0 });
        out.reserve(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Seals `plaintext` bound to where it is stored: the table, column and row id are the
    /// associated data, so the ciphertext opens only there (copied onto another row or column,
    /// it fails authentication). Marked by the key-id length's high bit, so
    /// [`KeyRing::open_bound`] also reads older, unbound ciphertexts.
    pub fn seal_bound(&self, plaintext: &str, at: &Binding<'_>) -> Vec<u8> {
        self.seal_with(plaintext.as_bytes(), Some(at))
    }

    /// [`KeyRing::seal_bound`] at `table.column` of row `row`.
    pub fn seal_at(
        &self,
        plaintext: &str,
        table: &'static str,
        column: &'static str,
        row: impl Into<uuid::Uuid>,
    ) -> Vec<u8> {
        self.seal_bound(plaintext, &Binding::new(table, column, row.into()))
    }

    /// [`KeyRing::seal_at`] for an optional value.
    pub fn seal_opt_at(
        &self,
        plaintext: Option<&str>,
        table: &'static str,
        column: &'static str,
        row: impl Into<uuid::Uuid>,
    ) -> Option<Vec<u8>> {
        let row = row.into();
        plaintext.map(|p| self.seal_at(p, table, column, row))
    }

    /// [`KeyRing::seal_bound`] for bytes (an attachment).
    pub fn seal_bytes_bound(&self, plaintext: &[u8], at: &Binding<'_>) -> Vec<u8> {
        self.seal_with(plaintext, Some(at))
    }

    /// Opens what [`KeyRing::seal_bound`] sealed for `at`, or an older unbound ciphertext.
    pub fn open_bound(&self, sealed: &[u8], at: &Binding<'_>) -> Result<String, CryptoError> {
        String::from_utf8(self.open_bytes_bound(sealed, at)?).map_err(|_| CryptoError::Malformed)
    }

    /// Opens bytes sealed for `at` (or unbound, written before binding existed).
    pub fn open_bytes_bound(
        &self,
        sealed: &[u8],
        at: &Binding<'_>,
    ) -> Result<Vec<u8>, CryptoError> {
        self.open_with(sealed, Some(at))
    }

    /// Whether `sealed` is bound to its row (false for older ciphertexts).
    pub fn is_bound(sealed: &[u8]) -> bool {
        sealed.first().is_some_and(|b| b & BOUND != 0)
    }

    fn open_with(&self, sealed: &[u8], at: Option<&Binding<'_>>) -> Result<Vec<u8>, CryptoError> {
        let (&first, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
        let bound = first & BOUND != 0;
        let aad = match (bound, at) {
            (false, _) => Vec::new(),
            (true, Some(at)) => at.associated_data(),
            // A bound ciphertext is never mistaken for an unbound one.
            (true, None) => return Err(CryptoError::Tampered),
        };
        let id_len = usize::from(first & !BOUND);
        if rest.len() < id_len + NONCE_LEN {
            return Err(CryptoError::Malformed);
        }
        let (id, rest) = rest.split_at(id_len);
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let key = self.key_for(id)?;
        let payload = chacha20poly1305::aead::Payload {
            msg: body,
            aad: &aad,
        };
        key.cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| CryptoError::Tampered)
    }

    fn key_for(&self, id: &[u8]) -> Result<&KeyVersion, CryptoError> {
        self.versions
            .iter()
            .find(|v| v.id.as_bytes() == id)
            .ok_or(CryptoError::UnknownKey)
    }

    pub fn open(&self, sealed: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(self.open_bytes(sealed)?).map_err(|_| CryptoError::Malformed)
    }

    /// Opens what [`KeyRing::seal_bytes`] sealed.
    pub fn open_bytes(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.open_with(sealed, None)
    }

    pub fn seal_opt(&self, plaintext: Option<&str>) -> Option<Vec<u8>> {
        plaintext.map(|p| self.seal(p))
    }

    /// The keyed hash to store for exact lookup, under the current key version. Callers
    /// normalise input first (see `domain`).
    pub fn index_hash(&self, purpose: &str, value: &str) -> Vec<u8> {
        self.current().index_hash(purpose, value)
    }

    /// Every hash a stored row for `value` may carry (current and previous versions, and the
    /// bare form older releases wrote): look up with `= ANY(...)` so a rotation in progress
    /// never orphans a returning reporter, a phone match or an email thread.
    pub fn index_hashes(&self, purpose: &str, value: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.versions.len() * 2);
        for v in &self.versions {
            out.push(v.index_hash(purpose, value));
            out.push(hmac(&v.index_key, purpose, value.as_bytes()));
        }
        out
    }

    /// A keyed MAC (not stored for lookup: link signatures, audit pseudonyms) under the
    /// current version's index key.
    pub fn mac(&self, purpose: &str, value: &str) -> Vec<u8> {
        hmac(&self.current().index_key, purpose, value.as_bytes())
    }

    /// [`KeyRing::mac`] under every configured version, to verify what an older key signed.
    pub fn macs(&self, purpose: &str, value: &str) -> Vec<Vec<u8>> {
        self.versions
            .iter()
            .map(|v| hmac(&v.index_key, purpose, value.as_bytes()))
            .collect()
    }

    /// `value.signature`, signed with the current session key, for cookies.
    pub fn sign_cookie(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.current().session_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(value.as_bytes());
        format!(
            "{value}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    /// The value of a cookie signed by `sign_cookie` under any configured key version, if the
    /// signature holds (constant time).
    pub fn verify_cookie<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let (value, sig) = signed.rsplit_once('.')?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .ok()?;
        self.versions.iter().find_map(|v| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&v.session_key).ok()?;
            mac.update(value.as_bytes());
            mac.verify_slice(&sig).ok().map(|()| value)
        })
    }
}

/// Plain SHA-256, for values that are already random (API tokens, session ids).
pub fn sha256(value: impl AsRef<[u8]>) -> Vec<u8> {
    use sha2::Digest;
    Sha256::digest(value.as_ref()).to_vec()
}

/// `N` bytes from the operating system's secure random source (via `rand`'s thread RNG).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    rand::thread_rng().fill_bytes(&mut buf);
    buf
}

/// A random URL-safe token with `bytes` bytes of entropy.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(key: &str, id: &str) -> CryptoSettings {
        CryptoSettings {
            key: key.into(),
            key_file: String::new(),
            key_id: id.into(),
            previous_key: String::new(),
            previous_key_file: String::new(),
            previous_key_id: String::new(),
            index_key: String::new(),
            session_key: String::new(),
            reencrypt_batch: 200,
            reencrypt_interval_seconds: 3600,
        }
    }
    const K1: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const K2: &str = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

    #[test]
    fn sealed_text_opens_and_does_not_contain_the_plaintext() {
        let ring = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let sealed = ring.seal("sentinel narrative");
        assert!(!sealed.windows(8).any(|w| w == b"sentinel"));
        assert_eq!(ring.open(&sealed).unwrap(), "sentinel narrative");
    }

    #[test]
    fn a_rotated_ring_still_opens_text_sealed_with_the_previous_key() {
        let old = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let sealed = old.seal("kept");
        let mut s = settings(K2, "k2");
        s.previous_key = K1.into();
        s.previous_key_id = "k1".into();
        let new = KeyRing::from_settings(&s).unwrap();
        assert_eq!(new.open(&sealed).unwrap(), "kept");
        assert!(matches!(
            KeyRing::from_settings(&settings(K2, "k2"))
                .unwrap()
                .open(&sealed),
            Err(CryptoError::UnknownKey)
        ));
    }

    #[test]
    fn a_bound_ciphertext_opens_only_in_its_own_place_and_old_unbound_ones_still_open() {
        let ring = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let row = uuid::Uuid::new_v4();
        let here = Binding {
            table: "channel_identities",
            column: "source_enc",
            row,
        };
        let sealed = ring.seal_bound("from a poster", &here);
        assert!(!sealed.windows(6).any(|w| w == b"poster"));
        assert_eq!(ring.open_bound(&sealed, &here).unwrap(), "from a poster");
        let other_row = Binding {
            row: uuid::Uuid::new_v4(),
            ..here
        };
        let other_column = Binding {
            column: "name_enc",
            ..here
        };
        for elsewhere in [other_row, other_column] {
            assert!(matches!(
                ring.open_bound(&sealed, &elsewhere),
                Err(CryptoError::Tampered)
            ));
        }
        // Written before binding existed: still readable.
        let legacy = ring.seal("older row");
        assert_eq!(ring.open_bound(&legacy, &here).unwrap(), "older row");
        // A bound ciphertext is not mistaken for an unbound one.
        assert!(ring.open(&sealed).is_err());
    }

    #[test]
    fn a_flipped_bit_is_detected() {
        let ring = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let mut sealed = ring.seal("x");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(ring.open(&sealed), Err(CryptoError::Tampered)));
    }

    #[test]
    fn index_hashes_are_stable_and_keyed() {
        let a = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let b = KeyRing::from_settings(&settings(K2, "k1")).unwrap();
        assert_eq!(
            a.index_hash("phone", "+66812345678"),
            a.index_hash("phone", "+66812345678")
        );
        assert_ne!(
            a.index_hash("phone", "+66812345678"),
            b.index_hash("phone", "+66812345678")
        );
    }

    #[test]
    fn a_signed_cookie_verifies_and_a_forged_one_does_not() {
        let ring = KeyRing::from_settings(&settings(K1, "k1")).unwrap();
        let signed = ring.sign_cookie("abc");
        assert_eq!(ring.verify_cookie(&signed), Some("abc"));
        assert_eq!(ring.verify_cookie(&signed.replace("abc", "abd")), None);
        assert_eq!(ring.verify_cookie("abc"), None);
    }

    #[test]
    fn a_short_key_is_refused_naming_the_setting() {
        let err = KeyRing::from_settings(&settings("AAEC", "k1"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("crypto.key"));
    }
}
