//! The room key and what is derived from it.
//!
//! A room key is 256 random bits, shared only through the invite link's
//! fragment. It seals every blob (see [`seal`](crate::seal)). The relay
//! never sees it: a client proves that it holds the key with an
//! [`AccessToken`] derived from it by HKDF-SHA256, and the relay keeps only
//! the token's SHA-256 [`TokenHash`]. Someone who reads the relay's
//! database can neither join a room nor read what it carries.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::RoomId;

/// Length of a room key in bytes (256 bits).
pub const ROOM_KEY_BYTES: usize = 32;

/// Length of an access token and of its hash in bytes.
pub const TOKEN_BYTES: usize = 32;

/// What HKDF is told the derived bytes are for, so that the token can
/// never be mistaken for any other key drawn from the room key.
const ACCESS_TOKEN_INFO: &[u8] = b"tandem relay access token v1";

/// The system's random source could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this device could not provide random numbers ({0})")]
pub struct RandomError(String);

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| RandomError(error.to_string()))?;
    Ok(bytes)
}

/// A room key that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomKeyError {
    #[error("a room key is written in the letters, digits, '-' and '_' of base64url")]
    NotBase64,
    #[error("a room key has {expected} bytes, this one has {found}")]
    WrongLength { expected: usize, found: usize },
}

/// The secret of one room: whoever holds it reads and writes the room.
#[derive(Clone, PartialEq, Eq)]
pub struct RoomKey([u8; ROOM_KEY_BYTES]);

impl RoomKey {
    /// A fresh key from the system's random source.
    pub fn random() -> Result<Self, RandomError> {
        random_bytes().map(Self)
    }

    /// A key from bytes the caller holds.
    pub fn from_bytes(bytes: [u8; ROOM_KEY_BYTES]) -> Self {
        Self(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; ROOM_KEY_BYTES] {
        &self.0
    }

    /// The key as an invite link writes it: base64url without padding.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Reads a key written by [`to_base64url`](Self::to_base64url).
    pub fn from_base64url(text: &str) -> Result<Self, RoomKeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| RoomKeyError::NotBase64)?;
        let found = bytes.len();
        bytes
            .try_into()
            .map(Self)
            .map_err(|_| RoomKeyError::WrongLength {
                expected: ROOM_KEY_BYTES,
                found,
            })
    }

    /// The token that proves to the relay that a client holds this key for
    /// `room`. The same key and room always give the same token; the token
    /// tells nothing about the key.
    pub fn access_token(&self, room: &RoomId) -> AccessToken {
        let derivation = Hkdf::<Sha256>::new(Some(room.as_bytes()), &self.0);
        let mut token = [0u8; TOKEN_BYTES];
        derivation
            .expand(ACCESS_TOKEN_INFO, &mut token)
            .expect("HKDF-SHA256 yields up to 8,160 bytes; 32 always fit");
        AccessToken(token)
    }
}

impl fmt::Debug for RoomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RoomKey(…)")
    }
}

/// A client's proof of access to a room, sent in the hello.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken([u8; TOKEN_BYTES]);

impl AccessToken {
    /// What the relay stores in place of the token.
    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; TOKEN_BYTES] {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(…)")
    }
}

/// The SHA-256 hash of an access token: all the relay keeps of it.
#[derive(Debug, Clone, Copy, Eq)]
pub struct TokenHash([u8; TOKEN_BYTES]);

impl TokenHash {
    /// A hash as stored.
    pub fn from_bytes(bytes: [u8; TOKEN_BYTES]) -> Self {
        Self(bytes)
    }

    /// The raw bytes, to store.
    pub fn as_bytes(&self) -> &[u8; TOKEN_BYTES] {
        &self.0
    }
}

/// Compared in constant time, so the time a refusal takes tells nothing
/// about how close a guess came.
impl PartialEq for TokenHash {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::from_bytes([3; 16])
    }

    #[test]
    fn the_access_token_is_the_same_for_the_same_key_and_room() {
        let key = RoomKey::from_bytes([42; 32]);
        let token = key.access_token(&room());
        assert_eq!(token, key.clone().access_token(&room()));
        // Pinned: app and relay of different versions must agree on it.
        let hex: String = token
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, PINNED_TOKEN);
    }

    const PINNED_TOKEN: &str = "8762d9b46c54ca8e373ad75328213d9c3309d36947829cd29ef256b6c19f4173";

    #[test]
    fn another_key_or_room_gives_another_token() {
        let key = RoomKey::from_bytes([42; 32]);
        let other_key = RoomKey::from_bytes([43; 32]);
        let other_room = RoomId::from_bytes([4; 16]);
        assert_ne!(key.access_token(&room()), other_key.access_token(&room()));
        assert_ne!(key.access_token(&room()), key.access_token(&other_room));
    }

    #[test]
    fn the_token_hash_is_not_the_token_and_not_the_key() {
        let key = RoomKey::from_bytes([42; 32]);
        let token = key.access_token(&room());
        let hash = token.hash();
        assert_ne!(hash.as_bytes(), token.as_bytes());
        assert_ne!(hash.as_bytes(), key.as_bytes());
        assert_eq!(hash, TokenHash::from_bytes(*hash.as_bytes()));
        assert_ne!(
            hash,
            RoomKey::from_bytes([1; 32]).access_token(&room()).hash()
        );
    }

    #[test]
    fn a_room_key_reads_back_from_base64url() {
        let key = RoomKey::random().unwrap();
        let text = key.to_base64url();
        assert_eq!(text.len(), 43);
        assert!(!text.contains(['+', '/', '=']));
        assert_eq!(RoomKey::from_base64url(&text), Ok(key));
    }

    #[test]
    fn a_mangled_room_key_is_refused() {
        assert_eq!(
            RoomKey::from_base64url("a+b/"),
            Err(RoomKeyError::NotBase64)
        );
        assert_eq!(
            RoomKey::from_base64url("AAAA"),
            Err(RoomKeyError::WrongLength {
                expected: 32,
                found: 3
            })
        );
    }

    #[test]
    fn secrets_are_not_printed_in_debug_output() {
        let key = RoomKey::from_bytes([42; 32]);
        assert_eq!(format!("{key:?}"), "RoomKey(…)");
        assert_eq!(format!("{:?}", key.access_token(&room())), "AccessToken(…)");
    }
}
