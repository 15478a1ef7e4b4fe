//! Encryption at rest for personal data, and keyed hashes for exact lookup.
//!
//! One key ring, built once from `HOTLINE_CRYPTO__KEY`. Ciphertexts are XChaCha20-Poly1305 with
//! a random 192-bit nonce and carry the id of the key that sealed them, so a new key can be
//! introduced while old rows stay readable. Lookup columns (a phone number, a chat id) store an
//! HMAC-SHA256 under a separate derived key: equal inputs give equal hashes, and the hash alone
//! reveals nothing without the key.

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

struct DataKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

/// The process-wide keys. Cheap to share behind an `Arc`.
pub struct KeyRing {
    current: DataKey,
    previous: Option<DataKey>,
    index_key: [u8; 32],
    session_key: [u8; 32],
}

const NONCE_LEN: usize = 24;

/// Set on the first byte (the key id's length, at most 32) of a ciphertext bound to its place.
const BOUND: u8 = 0x80;

/// Where a bound ciphertext lives: its table, column and row id.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub row: uuid::Uuid,
}

impl Binding<'_> {
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

impl KeyRing {
    pub fn from_settings(s: &CryptoSettings) -> Result<KeyRing, CryptoError> {
        if s.key.trim().is_empty() {
            return Err(CryptoError::BadKey {
                key: "crypto.key",
                why: "HOTLINE_CRYPTO__KEY is not set (base64 of 32 random bytes: `head -c32 /dev/urandom | base64`)",
            });
        }
        if s.key_id.is_empty() || s.key_id.len() > 32 {
            return Err(CryptoError::BadKey {
                key: "crypto.key_id",
                why: "must be 1 to 32 characters",
            });
        }
        let master = decode_key(&s.key, "crypto.key")?;
        let previous = if s.previous_key.trim().is_empty() {
            None
        } else {
            if s.previous_key_id.is_empty() || s.previous_key_id == s.key_id {
                return Err(CryptoError::BadKey {
                    key: "crypto.previous_key_id",
                    why: "must be set, and differ from crypto.key_id",
                });
            }
            let k = decode_key(&s.previous_key, "crypto.previous_key")?;
            Some(DataKey {
                id: s.previous_key_id.clone(),
                cipher: XChaCha20Poly1305::new(&derive(&k, b"data").into()),
            })
        };
        let index_key = if s.index_key.is_empty() {
            derive(&master, b"index")
        } else {
            decode_key(&s.index_key, "crypto.index_key")?
        };
        let session_key = if s.session_key.is_empty() {
            derive(&master, b"session")
        } else {
            decode_key(&s.session_key, "crypto.session_key")?
        };
        Ok(KeyRing {
            current: DataKey {
                id: s.key_id.clone(),
                cipher: XChaCha20Poly1305::new(&derive(&master, b"data").into()),
            },
            previous,
            index_key,
            session_key,
        })
    }

    /// Seals `plaintext`: `[key id length][key id][nonce][ciphertext + tag]`.
    pub fn seal(&self, plaintext: &str) -> Vec<u8> {
        self.seal_bytes(plaintext.as_bytes())
    }

    /// Seals any bytes (an attachment), in the same format as [`KeyRing::seal`].
    pub fn seal_bytes(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        // Encryption only fails for inputs larger than the cipher's limit (~256 GiB).
        let Ok(sealed) = self
            .current
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plaintext)
        else {
            unreachable!("plaintext exceeds XChaCha20-Poly1305 limits")
        };
        let id = self.current.id.as_bytes();
        let mut out = Vec::with_capacity(1 + id.len() + NONCE_LEN + sealed.len());
        out.push(id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Seals `plaintext` bound to where it is stored: the table, column and row id are the
    /// associated data, so the ciphertext opens only there (copied onto another row or column,
    /// it fails authentication). Marked by the key-id length's high bit, so
    /// [`KeyRing::open_bound`] also reads older, unbound ciphertexts.
    pub fn seal_bound(&self, plaintext: &str, at: &Binding<'_>) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let aad = at.associated_data();
        let payload = chacha20poly1305::aead::Payload {
            msg: plaintext.as_bytes(),
            aad: &aad,
        };
        let Ok(sealed) = self
            .current
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
        else {
            unreachable!("plaintext exceeds XChaCha20-Poly1305 limits")
        };
        let id = self.current.id.as_bytes();
        let mut out = Vec::with_capacity(1 + id.len() + NONCE_LEN + sealed.len());
        out.push(BOUND | id.len() as u8);
        out.extend_from_slice(id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`KeyRing::seal_bound`] sealed for `at`, or an older unbound ciphertext.
    pub fn open_bound(&self, sealed: &[u8], at: &Binding<'_>) -> Result<String, CryptoError> {
        let (&first, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
        if first & BOUND == 0 {
            return self.open(sealed);
        }
        let id_len = usize::from(first & !BOUND);
        if rest.len() < id_len + NONCE_LEN {
            return Err(CryptoError::Malformed);
        }
        let (id, rest) = rest.split_at(id_len);
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let key = self.key_for(id)?;
        let aad = at.associated_data();
        let payload = chacha20poly1305::aead::Payload {
            msg: body,
            aad: &aad,
        };
        let plain = key
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| CryptoError::Tampered)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    fn key_for(&self, id: &[u8]) -> Result<&DataKey, CryptoError> {
        if id == self.current.id.as_bytes() {
            Ok(&self.current)
        } else {
            match &self.previous {
                Some(p) if id == p.id.as_bytes() => Ok(p),
                _ => Err(CryptoError::UnknownKey),
            }
        }
    }

    pub fn open(&self, sealed: &[u8]) -> Result<String, CryptoError> {
        String::from_utf8(self.open_bytes(sealed)?).map_err(|_| CryptoError::Malformed)
    }

    /// Opens what [`KeyRing::seal_bytes`] sealed.
    pub fn open_bytes(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (&id_len, rest) = sealed.split_first().ok_or(CryptoError::Malformed)?;
        let id_len = usize::from(id_len);
        if rest.len() < id_len + NONCE_LEN {
            return Err(CryptoError::Malformed);
        }
        let (id, rest) = rest.split_at(id_len);
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let key = if id == self.current.id.as_bytes() {
            &self.current
        } else {
            match &self.previous {
                Some(p) if id == p.id.as_bytes() => p,
                _ => return Err(CryptoError::UnknownKey),
            }
        };
        key.cipher
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| CryptoError::Tampered)
    }

    pub fn seal_opt(&self, plaintext: Option<&str>) -> Option<Vec<u8>> {
        plaintext.map(|p| self.seal(p))
    }

    /// The keyed hash used for exact lookup. Callers normalise input first (see `domain`).
    pub fn index_hash(&self, purpose: &str, value: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// `value.signature`, signed with the session key, for cookies.
    pub fn sign_cookie(&self, value: &str) -> String {
        format!(
            "{value}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.cookie_mac(value))
        )
    }

    /// The value of a cookie signed by `sign_cookie`, if the signature holds (constant time).
    pub fn verify_cookie<'a>(&self, signed: &'a str) -> Option<&'a str> {
        let (value, sig) = signed.rsplit_once('.')?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sig)
            .ok()?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.session_key).ok()?;
        mac.update(value.as_bytes());
        mac.verify_slice(&sig).ok().map(|()| value)
    }

    fn cookie_mac(&self, value: &str) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.session_key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// Plain SHA-256, for values that are already random (API tokens, session ids).
pub fn sha256(value: impl AsRef<[u8]>) -> Vec<u8> {
    use sha2::Digest;
    Sha256::digest(value.as_ref()).to_vec()
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
            key_id: id.into(),
            previous_key: String::new(),
            previous_key_id: String::new(),
            index_key: String::new(),
            session_key: String::new(),
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
