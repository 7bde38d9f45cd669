//! Sealing the records a browser stores, so that forgetting can be real.
//!
//! A record deleted from a browser's database is not gone from its files
//! (Chromium's LevelDB keeps the bytes until a compaction no page can ask
//! for). So every record is stored sealed under a key of the browser's own,
//! kept elsewhere, where deleting it deletes it; once that key is deleted,
//! whatever the database files still hold of the old records can no longer
//! be read.
//!
//! A sealed record is [`MAGIC`], the number of the key it was sealed with
//! (little-endian `u32`), a random 24-byte nonce, and the XChaCha20-Poly1305
//! ciphertext with its tag. The record's name is the associated data: a
//! record copied under another name does not open. Anything that does not
//! start with [`MAGIC`] is a record stored before sealing, in plain bytes.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

use crate::key::{random_bytes, RandomError};
use crate::seal::{OpenError, SealError, NONCE_BYTES, TAG_BYTES};

/// How a sealed record begins. Automerge's documents and changes begin with
/// their own magic bytes, so a plain record is never taken for a sealed one.
pub const MAGIC: &[u8; 4] = b"TSL1";

/// Bytes a sealed record has beyond its plaintext.
pub const RECORD_OVERHEAD: usize = MAGIC.len() + 4 + NONCE_BYTES + TAG_BYTES;

/// Length of a record key in bytes (256 bits).
pub const RECORD_KEY_BYTES: usize = 32;

/// A browser's key for its stored records, with its number (a newer key
/// has a higher one).
#[derive(Clone, PartialEq, Eq)]
pub struct RecordKey {
    number: u32,
    bytes: [u8; RECORD_KEY_BYTES],
}

impl std::fmt::Debug for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecordKey({}, …)", self.number)
    }
}

impl RecordKey {
    /// A new random key with the given number.
    pub fn random(number: u32) -> Result<Self, RandomError> {
        Ok(Self {
            number,
            bytes: random_bytes()?,
        })
    }

    /// The key stored as `bytes`; `None` if they are not a key.
    pub fn from_bytes(number: u32, bytes: &[u8]) -> Option<Self> {
        Some(Self {
            number,
            bytes: bytes.try_into().ok()?,
        })
    }

    pub fn number(&self) -> u32 {
        self.number
    }

    pub fn as_bytes(&self) -> &[u8; RECORD_KEY_BYTES] {
        &self.bytes
    }

    /// Seals `plaintext`, to be stored under the name `record`.
    pub fn seal(&self, record: &str, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let nonce: [u8; NONCE_BYTES] = random_bytes()?;
        let ciphertext = XChaCha20Poly1305::new(&self.bytes.into())
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: record.as_bytes(),
                },
            )
            .map_err(|_| SealError::Encryption)?;
        let mut sealed = Vec::with_capacity(RECORD_OVERHEAD + plaintext.len());
        sealed.extend_from_slice(MAGIC);
        sealed.extend_from_slice(&self.number.to_le_bytes());
        sealed.extend_from_slice(&nonce);
        sealed.extend(ciphertext);
        Ok(sealed)
    }

    /// Opens a record stored under the name `record` and sealed with this
    /// key, or says why not.
    pub fn open(&self, record: &str, stored: &[u8]) -> Result<Vec<u8>, OpenError> {
        let body = stored
            .get(MAGIC.len() + 4..)
            .filter(|_| sealed_with(stored) == Some(self.number))
            .ok_or(OpenError::NotAuthentic)?;
        if body.len() < NONCE_BYTES + TAG_BYTES {
            return Err(OpenError::TooShort);
        }
        let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::TooShort)?;
        XChaCha20Poly1305::new(&self.bytes.into())
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: record.as_bytes(),
                },
            )
            .map_err(|_| OpenError::NotAuthentic)
    }
}

/// The number of the key a stored record was sealed with; `None` for a
/// record stored in plain bytes.
pub fn sealed_with(stored: &[u8]) -> Option<u32> {
    let number = stored.strip_prefix(MAGIC.as_slice())?.get(..4)?;
    Some(u32::from_le_bytes(number.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "programme/0-snapshot/abc";
    const PLAIN: &[u8] = b"Mentee: Jolanda Beispielfrau, Stadt Kassel";

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    #[test]
    fn a_sealed_record_opens_with_its_key_and_name_only() {
        let key = RecordKey::random(3).unwrap();
        let sealed = key.seal(RECORD, PLAIN).unwrap();
        assert_eq!(sealed.len(), PLAIN.len() + RECORD_OVERHEAD);
        assert_eq!(sealed_with(&sealed), Some(3));
        assert!(
            !contains(&sealed, b"Jolanda"),
            "the name is not in the stored bytes"
        );
        assert_eq!(key.open(RECORD, &sealed).unwrap(), PLAIN);
        assert_eq!(
            key.open("programme/1-incremental/x", &sealed),
            Err(OpenError::NotAuthentic)
        );
        let other = RecordKey::random(3).unwrap();
        assert_eq!(other.open(RECORD, &sealed), Err(OpenError::NotAuthentic));
        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(key.open(RECORD, &altered), Err(OpenError::NotAuthentic));
    }

    #[test]
    fn the_key_number_is_checked_and_plain_records_are_told_apart() {
        let key = RecordKey::random(1).unwrap();
        let sealed = key.seal(RECORD, PLAIN).unwrap();
        let same_bytes_other_number = RecordKey::from_bytes(2, key.as_bytes()).unwrap();
        assert_eq!(
            same_bytes_other_number.open(RECORD, &sealed),
            Err(OpenError::NotAuthentic)
        );
        // An Automerge document begins with its own magic bytes.
        assert_eq!(sealed_with(&[0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 5]), None);
        assert_eq!(sealed_with(PLAIN), None);
        assert_eq!(sealed_with(b"TSL1"), None, "too short to name a key");
        assert_eq!(key.open(RECORD, &sealed[..20]), Err(OpenError::TooShort));
        assert!(RecordKey::from_bytes(1, &[0; 31]).is_none());
    }
}
