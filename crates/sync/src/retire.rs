//! Where a retired room's programme went.
//!
//! When a person is erased, the programme starts a new generation in a new
//! room with a new key, and the old room is retired. The relay keeps only a
//! small notice for the old room, sealed with the old key (so the relay
//! reads nothing): the new room's invite and the new generation's id. A
//! device still on the old generation learns from it where to go.
//!
//! ```
//! use tandem_sync::{Forwarding, Invite};
//!
//! let next = Invite::new_room().unwrap();
//! let forwarding = Forwarding { invite: next.clone(), generation: "g2".into() };
//! let bytes = forwarding.encode();
//! assert_eq!(Forwarding::decode(&bytes).unwrap(), forwarding);
//! ```

use serde::{Deserialize, Serialize};

use crate::Invite;

/// The new room and generation of a retired room's programme.
#[derive(Clone, PartialEq, Eq)]
pub struct Forwarding {
    pub invite: Invite,
    pub generation: String,
}

impl std::fmt::Debug for Forwarding {
    /// Never prints the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarding")
            .field("room", &self.invite.room)
            .field("generation", &self.generation)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct Wire {
    fragment: String,
    generation: String,
}

/// Why a notice does not say where the programme went.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForwardingError {
    #[error("the notice of the retired room is damaged")]
    Damaged,
}

impl Forwarding {
    /// The notice's plaintext (the client seals it).
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(&Wire {
            fragment: self.invite.to_fragment(),
            generation: self.generation.clone(),
        })
        .unwrap_or_default()
    }

    /// Reads an opened notice.
    pub fn decode(bytes: &[u8]) -> Result<Self, ForwardingError> {
        let (wire, rest) =
            postcard::take_from_bytes::<Wire>(bytes).map_err(|_| ForwardingError::Damaged)?;
        if !rest.is_empty() {
            return Err(ForwardingError::Damaged);
        }
        let invite = Invite::from_fragment(&wire.fragment).map_err(|_| ForwardingError::Damaged)?;
        Ok(Self {
            invite,
            generation: wire.generation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClientEvent, Frame, SyncClient, MAX_FRAME_BYTES};

    #[test]
    fn a_retiring_client_seals_the_notice_and_a_late_client_opens_it() {
        let old = Invite::new_room().unwrap();
        let next = Forwarding {
            invite: Invite::new_room().unwrap(),
            generation: "generation-2".into(),
        };
        let mut anna = SyncClient::new(old.clone(), 3);
        anna.connect().unwrap();
        let _hello = anna.poll_transmit();
        anna.retire(&next.encode()).unwrap();
        let Ok(Frame::Retire { notice }) =
            Frame::decode(&anna.poll_transmit().unwrap(), MAX_FRAME_BYTES)
        else {
            panic!("a retire frame");
        };
        // The relay sees only ciphertext.
        let fragment = next.invite.to_fragment();
        assert!(!notice
            .windows(fragment.len().min(12))
            .any(|w| fragment.as_bytes().starts_with(w)));

        let mut ben = SyncClient::new(old, 3);
        ben.connect().unwrap();
        let retired = Frame::Retired { notice }.encode(MAX_FRAME_BYTES).unwrap();
        match ben.receive(&retired).unwrap() {
            Some(ClientEvent::Retired { forwarding }) => {
                assert_eq!(Forwarding::decode(&forwarding).unwrap(), next)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_notice_sealed_with_another_key_is_not_opened() {
        let old = Invite::new_room().unwrap();
        let stranger = Invite::new_room().unwrap();
        let notice = stranger.key.seal(&old.room, b"anything").unwrap();
        let mut ben = SyncClient::new(old, 0);
        ben.connect().unwrap();
        let retired = Frame::Retired { notice }.encode(MAX_FRAME_BYTES).unwrap();
        assert!(ben.receive(&retired).is_err());
    }

    #[test]
    fn damaged_notices_are_refused() {
        assert_eq!(Forwarding::decode(&[]), Err(ForwardingError::Damaged));
        assert_eq!(
            Forwarding::decode(&[3, b'a', b'b', b'c', 0]),
            Err(ForwardingError::Damaged)
        );
    }
}
