//! The shared secret of a room as an invite link carries it.
//!
//! The app puts [`Invite::to_fragment`] after the `#` of a link, e.g.
//! `https://relay.example/join#room=07ff…&key=q3x…`. Browsers never send
//! the fragment to a server, so neither the relay nor the web host learns
//! the key.

use std::fmt;
use std::str::FromStr;

use crate::key::RandomError;
use crate::{AccessToken, RoomId, RoomIdError, RoomKey, RoomKeyError};

/// Why an invite link's fragment could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("the invite link has no room")]
    MissingRoom,
    #[error("the invite link has no key")]
    MissingKey,
    #[error("the invite link's room is damaged: {0}")]
    Room(#[from] RoomIdError),
    #[error("the invite link's key is damaged: {0}")]
    Key(#[from] RoomKeyError),
}

/// A room and its key: everything needed to join a shared document.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    pub room: RoomId,
    pub key: RoomKey,
}

impl Invite {
    /// A new room with a new key, for a document shared for the first time.
    pub fn new_room() -> Result<Self, RandomError> {
        Ok(Self {
            room: RoomId::random()?,
            key: RoomKey::random()?,
        })
    }

    /// A new room with a new key that only `owner`'s holder may retire
    /// or replace (see [`crate::owner`]); the owner stays with its maker
    /// and is never part of a link.
    pub fn new_owned_room() -> Result<(Self, crate::RoomOwner), RandomError> {
        let owner = crate::RoomOwner::generate()?;
        let invite = Self {
            room: owner.room(),
            key: RoomKey::random()?,
        };
        Ok((invite, owner))
    }

    /// The access token for this room.
    pub fn access_token(&self) -> AccessToken {
        self.key.access_token(&self.room)
    }

    /// The fragment of an invite link, without the `#`:
    /// `room=<32 hex digits>&key=<43 base64url characters>`.
    pub fn to_fragment(&self) -> String {
        format!("room={}&key={}", self.room, self.key.to_base64url())
    }

    /// Reads a fragment written by [`to_fragment`](Self::to_fragment), with
    /// or without its `#`. Other `name=value` parts are left for the app.
    pub fn from_fragment(fragment: &str) -> Result<Self, InviteError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut room = None;
        let mut key = None;
        for part in fragment.split('&') {
            match part.split_once('=') {
                Some(("room", value)) => room = Some(value.parse::<RoomId>()?),
                Some(("key", value)) => key = Some(RoomKey::from_base64url(value)?),
                _ => {}
            }
        }
        Ok(Self {
            room: room.ok_or(InviteError::MissingRoom)?,
            key: key.ok_or(InviteError::MissingKey)?,
        })
    }
}

impl FromStr for Invite {
    type Err = InviteError;

    fn from_str(fragment: &str) -> Result<Self, InviteError> {
        Self::from_fragment(fragment)
    }
}

/// Shows the room but never the key.
impl fmt::Debug for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invite")
            .field("room", &self.room)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_reads_back_from_its_fragment() {
        let invite = Invite::new_room().unwrap();
        let fragment = invite.to_fragment();
        assert!(fragment.starts_with(&format!("room={}&key=", invite.room)));
        assert_eq!(Invite::from_fragment(&fragment), Ok(invite.clone()));
        assert_eq!(format!("#{fragment}&lang=de").parse(), Ok(invite));
    }

    #[test]
    fn an_invite_without_room_or_key_is_refused() {
        let invite = Invite::new_room().unwrap();
        let key_only = format!("key={}", invite.key.to_base64url());
        assert_eq!(
            Invite::from_fragment(&key_only),
            Err(InviteError::MissingRoom)
        );
        let room_only = format!("room={}", invite.room);
        assert_eq!(
            Invite::from_fragment(&room_only),
            Err(InviteError::MissingKey)
        );
        assert_eq!(Invite::from_fragment(""), Err(InviteError::MissingRoom));
    }

    #[test]
    fn an_invite_with_a_damaged_key_is_refused() {
        let invite = Invite::new_room().unwrap();
        let fragment = format!("room={}&key=shortkey", invite.room);
        assert!(matches!(
            Invite::from_fragment(&fragment),
            Err(InviteError::Key(RoomKeyError::WrongLength { .. }))
        ));
    }

    #[test]
    fn an_invite_is_debugged_without_its_key() {
        let invite = Invite::new_room().unwrap();
        let shown = format!("{invite:?}");
        assert!(!shown.contains(&invite.key.to_base64url()), "{shown}");
    }
}
