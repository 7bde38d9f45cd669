//! Sealing blobs for the relay with XChaCha20-Poly1305.
//!
//! A sealed blob is a random 24-byte nonce followed by the ciphertext and
//! its 16-byte tag. The room id is the associated data: a blob copied into
//! another room does not open there, even under the same key. The 192-bit
//! nonce is large enough to draw at random for every blob.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

use crate::key::{random_bytes, RandomError};
use crate::{RoomId, RoomKey};

/// Length of the nonce at the start of a sealed blob.
pub const NONCE_BYTES: usize = 24;

/// Length of the authentication tag at the end of a sealed blob.
pub const TAG_BYTES: usize = 16;

/// Bytes a sealed blob has beyond its plaintext.
pub const SEAL_OVERHEAD: usize = NONCE_BYTES + TAG_BYTES;

/// Why a blob could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("the changes could not be encrypted")]
    Encryption,
}

/// Why a sealed blob could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the encrypted changes are too short to be Tandem's")]
    TooShort,
    #[error("the changes were encrypted with another key, for another room, or were altered")]
    NotAuthentic,
}

impl RoomKey {
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.as_bytes()).into())
    }

    /// Encrypts `plaintext` for `room`.
    pub fn seal(&self, room: &RoomId, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let nonce: [u8; NONCE_BYTES] = random_bytes()?;
        let ciphertext = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: room.as_bytes(),
                },
            )
            .map_err(|_| SealError::Encryption)?;
        let mut sealed = Vec::with_capacity(NONCE_BYTES + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend(ciphertext);
        Ok(sealed)
    }

    /// Decrypts a blob sealed for `room` with this key, or says why not.
    pub fn open(&self, room: &RoomId, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < SEAL_OVERHEAD {
            return Err(OpenError::TooShort);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| OpenError::TooShort)?;
        self.cipher()
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: room.as_bytes(),
                },
            )
            .map_err(|_| OpenError::NotAuthentic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGES: &[u8] = b"Mentee: Jolanda Beispielfrau, Stadt Kassel";

    fn room() -> RoomId {
        RoomId::from_bytes([9; 16])
    }

    #[test]
    fn a_sealed_blob_opens_with_the_same_key_and_room() {
        let key = RoomKey::random().unwrap();
        let sealed = key.seal(&room(), CHANGES).unwrap();
        assert_eq!(sealed.len(), CHANGES.len() + SEAL_OVERHEAD);
        assert_eq!(key.open(&room(), &sealed).unwrap(), CHANGES);
    }

    #[test]
    fn a_sealed_blob_does_not_show_its_plaintext() {
        let key = RoomKey::random().unwrap();
        let sealed = key.seal(&room(), CHANGES).unwrap();
        assert!(!sealed.windows(8).any(|window| window == &CHANGES[..8]));
    }

    #[test]
    fn sealing_twice_gives_different_bytes() {
        let key = RoomKey::random().unwrap();
        assert_ne!(
            key.seal(&room(), CHANGES).unwrap(),
            key.seal(&room(), CHANGES).unwrap()
        );
    }

    #[test]
    fn a_blob_does_not_open_with_another_key() {
        let sealed = RoomKey::random().unwrap().seal(&room(), CHANGES).unwrap();
        let other = RoomKey::random().unwrap();
        assert_eq!(other.open(&room(), &sealed), Err(OpenError::NotAuthentic));
    }

    #[test]
    fn a_blob_does_not_open_in_another_room() {
        let key = RoomKey::random().unwrap();
        let sealed = key.seal(&room(), CHANGES).unwrap();
        let other_room = RoomId::from_bytes([10; 16]);
        assert_eq!(key.open(&other_room, &sealed), Err(OpenError::NotAuthentic));
    }

    #[test]
    fn an_altered_or_truncated_blob_is_refused() {
        let key = RoomKey::random().unwrap();
        let mut sealed = key.seal(&room(), CHANGES).unwrap();
        assert_eq!(key.open(&room(), &sealed[..10]), Err(OpenError::TooShort));
        assert_eq!(key.open(&room(), &[]), Err(OpenError::TooShort));
        let last = sealed.len() - 1;
        assert_eq!(
            key.open(&room(), &sealed[..last]),
            Err(OpenError::NotAuthentic)
        );
        sealed[30] ^= 1;
        assert_eq!(key.open(&room(), &sealed), Err(OpenError::NotAuthentic));
    }

    #[test]
    fn an_empty_blob_seals_and_opens() {
        let key = RoomKey::random().unwrap();
        let sealed = key.seal(&room(), b"").unwrap();
        assert_eq!(key.open(&room(), &sealed).unwrap(), b"");
    }
}
