//! Rooms that only the browser that made them may retire or replace.
//!
//! A room opened by its key alone (a tandem page) has no member list:
//! whoever holds a valid link reads and pushes. Retiring the room, or
//! replacing its log with a snapshot, is the coordinator's alone. Such a
//! room is *owned*: its id is derived from a secret only the coordinator's
//! browser keeps ([`RoomOwner`]), marked so the relay can tell, as
//! `OWNED_MARK ‖ SHA-256("tandem room owner" ‖ secret)[..12]`. To retire
//! or snapshot it, a connection first shows the secret in a
//! [`Frame::Own`](crate::Frame::Own); the relay checks it against the room
//! id and needs to store nothing.
//!
//! # Threat model
//!
//! - **A participant's link, valid or revoked.** It holds the room id and
//!   key, never the secret, and cannot find it from the id (a preimage of
//!   96 bits of SHA-256). Its `Retire` or `Snapshot` is refused and the
//!   room goes on for everyone else
//!   (`a_link_holder_cannot_retire_or_replace_an_owned_room` in the
//!   relay's tests). What a link still allows is said in
//!   [`page_link`](crate::page_link).
//! - **A wrong or another room's secret.** Refused, the connection closed
//!   (`an_owner_secret_opens_only_its_own_room`, and the relay's
//!   `a_wrong_owner_secret_is_refused`).
//! - **The relay operator.** Sees the secret when the coordinator retires
//!   the room; it could delete the room anyway. It still reads nothing.
//! - **A room made before rooms had owners** (a random id). Any link
//!   holder may retire it. The coordinator's page panel says so and offers
//!   to move the page to an owned room, every personal link following
//!   (`e2e/page-links.spec.ts`: "a page still in a room from before rooms
//!   had owners …"); any other move of the page (ending a tandem, revoking
//!   or renewing a link, forgetting a member) lands in an owned room too.
//!   Until the coordinator moves it, such a room stays retirable by a link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::key::{random_bytes, RandomError};
use crate::room::{RoomId, ROOM_ID_BYTES};

/// The first bytes of an owned room's id.
pub const OWNED_MARK: [u8; 4] = [0x0a, 0x11, 0xce, 0x5e];

/// Length of an owner's secret in bytes.
pub const OWNER_SECRET_BYTES: usize = 32;

const DOMAIN: &[u8] = b"tandem room owner";

/// The secret that owns a room; kept by the browser that made the room.
#[derive(Clone, PartialEq, Eq)]
pub struct RoomOwner([u8; OWNER_SECRET_BYTES]);

impl RoomOwner {
    /// A new secret, for a new room.
    pub fn generate() -> Result<Self, RandomError> {
        random_bytes().map(Self)
    }

    /// The id of the room this secret owns.
    pub fn room(&self) -> RoomId {
        owned_room(&self.0)
    }

    /// The secret as a [`Frame::Own`](crate::Frame::Own) carries it.
    pub fn secret(&self) -> [u8; OWNER_SECRET_BYTES] {
        self.0
    }

    /// The secret as text (base64url), to keep beside the room's record.
    pub fn to_text(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// Reads [`to_text`](Self::to_text); `None` if it is not a secret.
    pub fn from_text(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        bytes.try_into().ok().map(Self)
    }
}

/// Shows nothing of the secret.
impl std::fmt::Debug for RoomOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomOwner")
            .field("room", &self.room())
            .finish_non_exhaustive()
    }
}

fn owned_room(secret: &[u8; OWNER_SECRET_BYTES]) -> RoomId {
    let digest = Sha256::new()
        .chain_update(DOMAIN)
        .chain_update(secret)
        .finalize();
    let mut bytes = [0u8; ROOM_ID_BYTES];
    bytes[..OWNED_MARK.len()].copy_from_slice(&OWNED_MARK);
    bytes[OWNED_MARK.len()..].copy_from_slice(&digest[..ROOM_ID_BYTES - OWNED_MARK.len()]);
    RoomId::from_bytes(bytes)
}

impl RoomId {
    /// Whether only its owner may retire this room or replace its log.
    pub fn is_owned(&self) -> bool {
        self.as_bytes().starts_with(&OWNED_MARK)
    }

    /// Whether `secret` owns this room.
    pub fn is_owned_by(&self, secret: &[u8; OWNER_SECRET_BYTES]) -> bool {
        self.is_owned() && owned_room(secret) == *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_secret_opens_only_its_own_room() {
        let owner = RoomOwner::generate().unwrap();
        let room = owner.room();
        assert!(room.is_owned());
        assert!(room.is_owned_by(&owner.secret()));
        let other = RoomOwner::generate().unwrap();
        assert!(!room.is_owned_by(&other.secret()));
        assert!(!other.room().is_owned_by(&owner.secret()));
        let mut flipped = owner.secret();
        flipped[0] ^= 1;
        assert!(!room.is_owned_by(&flipped));
    }

    #[test]
    fn a_random_room_is_owned_by_no_one() {
        let room = RoomId::from_bytes([7; ROOM_ID_BYTES]);
        assert!(!room.is_owned());
        let owner = RoomOwner::generate().unwrap();
        assert!(!room.is_owned_by(&owner.secret()));
    }

    #[test]
    fn an_owner_secret_reads_back_from_its_text_and_is_never_shown() {
        let owner = RoomOwner::generate().unwrap();
        assert_eq!(RoomOwner::from_text(&owner.to_text()), Some(owner.clone()));
        assert_eq!(RoomOwner::from_text("kurz"), None);
        assert_eq!(RoomOwner::from_text("!!"), None);
        assert!(!format!("{owner:?}").contains(&owner.to_text()));
    }
}
