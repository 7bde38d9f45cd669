//! Room ids: the relay's name for one shared document.
//!
//! A room id is random and says nothing about the programme. It travels,
//! with the room key, in the fragment of an invite link.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::key::{random_bytes, RandomError};

/// Length of a room id in bytes.
pub const ROOM_ID_BYTES: usize = 16;

/// A room id that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoomIdError {
    #[error("a room id has {expected} hexadecimal digits, this one has {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("a room id has only the digits 0–9 and a–f")]
    NotHex,
}

/// The relay's name for one shared document. It says nothing about the
/// programme: it is random.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoomId([u8; ROOM_ID_BYTES]);

impl RoomId {
    /// A room id from random bytes the caller drew.
    pub fn from_bytes(bytes: [u8; ROOM_ID_BYTES]) -> Self {
        Self(bytes)
    }

    /// A fresh room id from the system's random source; never one that
    /// looks owned (see [`crate::owner`]).
    pub fn random() -> Result<Self, RandomError> {
        let mut bytes: [u8; ROOM_ID_BYTES] = random_bytes()?;
        if bytes.starts_with(&crate::owner::OWNED_MARK) {
            bytes[0] ^= 0xff;
        }
        Ok(Self(bytes))
    }

    /// The raw bytes, as frames carry them.
    pub fn as_bytes(&self) -> &[u8; ROOM_ID_BYTES] {
        &self.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl FromStr for RoomId {
    type Err = RoomIdError;

    fn from_str(text: &str) -> Result<Self, RoomIdError> {
        if text.len() != ROOM_ID_BYTES * 2 {
            return Err(RoomIdError::WrongLength {
                expected: ROOM_ID_BYTES * 2,
                found: text.chars().count(),
            });
        }
        // `from_str_radix` alone would let a sign through ("+f").
        if !text.bytes().all(|digit| digit.is_ascii_hexdigit()) {
            return Err(RoomIdError::NotHex);
        }
        let mut bytes = [0u8; ROOM_ID_BYTES];
        for (byte, pair) in bytes.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| RoomIdError::NotHex)?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| RoomIdError::NotHex)?;
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_id_reads_back_what_it_wrote() {
        let room = RoomId::from_bytes([7, 255, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(room.to_string(), "07ff00100102030405060708090a0b0c");
        assert_eq!(room.to_string().parse::<RoomId>(), Ok(room));
    }

    #[test]
    fn a_mangled_room_id_is_refused() {
        assert!(matches!(
            "abc".parse::<RoomId>(),
            Err(RoomIdError::WrongLength { .. })
        ));
        assert_eq!("zz".repeat(16).parse::<RoomId>(), Err(RoomIdError::NotHex));
        assert!("ä".repeat(16).parse::<RoomId>().is_err());
        assert!("+f".repeat(16).parse::<RoomId>().is_err());
    }

    #[test]
    fn two_random_room_ids_differ() {
        assert_ne!(RoomId::random().unwrap(), RoomId::random().unwrap());
    }
}
