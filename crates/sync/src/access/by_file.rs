//! Joining a programme by file, where there is no network (a workshop):
//! a request file from the new device, an approval file from an admin.
//!
//! 1. The new device makes its identity and saves a [`JoinRequest`]: its
//!    public keys and its profile (coordinator's name, organisation),
//!    signed with its own key. Its screen shows the
//!    [`fingerprint`](super::DeviceKeys::fingerprint).
//! 2. An admin opens the request, compares the fingerprint with the new
//!    device's screen and approves. The admin's browser keeps the device
//!    as one to add and, once it is connected and has read the list, adds
//!    it with a `Carry` entry signed against the list *as it is then*: an
//!    entry signed offline would name a position and a previous entry that
//!    a partner's entry may have taken meanwhile. It saves an [`Approval`]:
//!    the programme as an exchange file, the room, and the member list as
//!    far as it knew it.
//! 3. The new device opens the approval: the programme is there at once,
//!    to work on offline. Its changes go out once the admin's entry is at
//!    the relay: until then the relay refuses its hello (`not-member`),
//!    and the device asks again.
//!
//! Neither file holds a key. The approval holds the programme itself (as
//! an exchange file does), so it is handed over in person only; it admits
//! no one: only the admin's signed entry does, for the keys the admin saw.
//!
//! # Threat model
//!
//! - **A request changed on its way** (other keys, another name): its
//!   signature no longer verifies and it is refused
//!   (`a_changed_request_is_refused`); a request signed by other keys
//!   shows other fingerprints than the new device's screen.
//! - **An approval for another device** (a file mixed up, or copied): the
//!   device it names is not this browser's and it is refused
//!   (`an_approval_names_the_device_it_was_made_for`).
//! - **A forged approval**: it can hand over a programme, as any exchange
//!   file can, but not membership: without an admin's entry for its keys
//!   the relay admits the device nowhere, and a member list that does not
//!   verify is refused (`an_approval_with_a_broken_member_list_is_refused`).
//! - **A coordinator who is no admin approving by file**: the entry that
//!   would admit the device is refused by the relay and by every member's
//!   browser, and until an admin's entry is stored the device is refused
//!   (`not-member`) (the relay's
//!   `a_device_carried_into_a_new_generation_is_admitted_and_only_an_admin_carries`).
//! - **The list grew before the admin was back online**: the admin's entry
//!   is signed then, against the list as it is; the new device reads the
//!   rest of the list from the relay
//!   (`client::tests::a_device_approved_by_file_reads_the_programme_once_the_admin_is_back`).

use serde::{Deserialize, Serialize};

use super::roster::{AccessError, Roster, MAX_PROFILE_BYTES};
use super::{DeviceId, DeviceIdentity, DeviceKeys, Signature};
use crate::room::RoomId;

const REQUEST_MAGIC: &[u8] = b"TANDEM JOIN REQUEST 1\n";
const APPROVAL_MAGIC: &[u8] = b"TANDEM APPROVAL 1\n";
const REQUEST_DOMAIN: &[u8] = b"tandem join request v1";

/// Why a request or approval file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is no request to join a programme")]
    NotARequest,
    #[error("the file is no approval to join a programme")]
    NotAnApproval,
    #[error("the request's signature does not verify: it was changed")]
    Changed,
    #[error("the approval was made for another device")]
    OtherDevice,
    #[error(transparent)]
    Access(#[from] AccessError),
}

/// A new device's request to join, as it saves it for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub keys: DeviceKeys,
    /// The coordinator's profile as the app writes it.
    #[serde(with = "serde_bytes")]
    pub profile: Vec<u8>,
    signature: Signature,
}

impl JoinRequest {
    /// The request of `identity`, with `profile`.
    pub fn new(identity: &DeviceIdentity, profile: &[u8]) -> Result<Self, FileError> {
        if profile.len() > MAX_PROFILE_BYTES {
            return Err(AccessError::ProfileTooLarge.into());
        }
        let keys = identity.keys();
        let signature = identity.sign(&request_message(&keys, profile));
        Ok(Self {
            keys,
            profile: profile.to_vec(),
            signature,
        })
    }

    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = postcard::to_allocvec(self).unwrap_or_default();
        [REQUEST_MAGIC, &body].concat()
    }

    /// Reads a request file, checking that the keys it names signed it.
    pub fn decode(bytes: &[u8]) -> Result<Self, FileError> {
        let body = bytes
            .strip_prefix(REQUEST_MAGIC)
            .ok_or(FileError::NotARequest)?;
        let (request, rest) =
            postcard::take_from_bytes::<Self>(body).map_err(|_| FileError::NotARequest)?;
        if !rest.is_empty() {
            return Err(FileError::NotARequest);
        }
        if request.profile.len() > MAX_PROFILE_BYTES {
            return Err(AccessError::ProfileTooLarge.into());
        }
        let message = request_message(&request.keys, &request.profile);
        if !request.keys.verifies(&message, &request.signature) {
            return Err(FileError::Changed);
        }
        Ok(request)
    }
}

fn request_message(keys: &DeviceKeys, profile: &[u8]) -> Vec<u8> {
    let length = u32::try_from(profile.len()).unwrap_or(u32::MAX);
    [
        REQUEST_DOMAIN,
        &keys.signing.0,
        &keys.agreement,
        &length.to_be_bytes(),
        profile,
    ]
    .concat()
}

/// An admin's approval, as the new device opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The device approved.
    pub device: DeviceId,
    /// The programme's room.
    pub room: RoomId,
    /// The relay's address, where it is not the app's own host.
    pub relay: Option<String>,
    /// The member list's signed entries, as far as the admin knew them.
    pub entries: Vec<Vec<u8>>,
    /// The programme, as an exchange file.
    #[serde(with = "serde_bytes")]
    pub programme: Vec<u8>,
}

impl Approval {
    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = postcard::to_allocvec(self).unwrap_or_default();
        [APPROVAL_MAGIC, &body].concat()
    }

    /// Whether `bytes` look like an approval file (and no exchange file).
    pub fn is_approval(bytes: &[u8]) -> bool {
        bytes.starts_with(APPROVAL_MAGIC)
    }

    /// Reads an approval file for `identity`: it must name this device,
    /// and its member list must verify from its first entry, in its room.
    pub fn decode_for(bytes: &[u8], identity: &DeviceIdentity) -> Result<Self, FileError> {
        let body = bytes
            .strip_prefix(APPROVAL_MAGIC)
            .ok_or(FileError::NotAnApproval)?;
        let (approval, rest) =
            postcard::take_from_bytes::<Self>(body).map_err(|_| FileError::NotAnApproval)?;
        if !rest.is_empty() {
            return Err(FileError::NotAnApproval);
        }
        if approval.device != identity.id() {
            return Err(FileError::OtherDevice);
        }
        let roster =
            Roster::from_entries(approval.room, approval.entries.iter().map(Vec::as_slice))?;
        if roster.is_empty() {
            return Err(AccessError::Genesis.into());
        }
        Ok(approval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::DeviceSync;

    fn approval_for(device: DeviceId) -> Approval {
        let room = RoomId::random().unwrap();
        let admin = DeviceIdentity::generate().unwrap();
        let (_, genesis) = DeviceSync::found(room, admin, b"Petra Probe", 1_800_000_000).unwrap();
        Approval {
            device,
            room,
            relay: Some("wss://relay.example".into()),
            entries: vec![genesis],
            programme: b"the programme".to_vec(),
        }
    }

    #[test]
    fn a_request_reads_back_with_the_keys_and_profile_it_was_made_with() {
        let karla = DeviceIdentity::generate().unwrap();
        let request = JoinRequest::new(&karla, b"Karla Koeln, Stadt Koeln").unwrap();
        let read = JoinRequest::decode(&request.encode()).unwrap();
        assert_eq!(read.keys, karla.keys());
        assert_eq!(read.profile, b"Karla Koeln, Stadt Koeln");
        assert_eq!(read.keys.fingerprint(), karla.keys().fingerprint());
    }

    #[test]
    fn a_changed_request_is_refused() {
        let karla = DeviceIdentity::generate().unwrap();
        let mallory = DeviceIdentity::generate().unwrap();
        let request = JoinRequest::new(&karla, b"Karla Koeln").unwrap();
        // Other keys under Karla's name and signature.
        let mut swapped = request.clone();
        swapped.keys = mallory.keys();
        assert_eq!(
            JoinRequest::decode(&swapped.encode()),
            Err(FileError::Changed)
        );
        // Another name under Karla's keys.
        let mut renamed = request.clone();
        renamed.profile = b"Petra Probe".to_vec();
        assert_eq!(
            JoinRequest::decode(&renamed.encode()),
            Err(FileError::Changed)
        );
        // Every byte flipped, one at a time: refused, never a panic.
        let bytes = request.encode();
        for at in REQUEST_MAGIC.len()..bytes.len() {
            let mut bent = bytes.clone();
            bent[at] ^= 0x40;
            assert!(JoinRequest::decode(&bent).is_err(), "byte {at}");
        }
        assert_eq!(
            JoinRequest::decode(b"Name;Vorname\n"),
            Err(FileError::NotARequest)
        );
        assert_eq!(
            JoinRequest::new(&karla, &[b'x'; MAX_PROFILE_BYTES + 1]),
            Err(FileError::Access(AccessError::ProfileTooLarge))
        );
    }

    #[test]
    fn an_approval_names_the_device_it_was_made_for() {
        let karla = DeviceIdentity::generate().unwrap();
        let otto = DeviceIdentity::generate().unwrap();
        let approval = approval_for(karla.id());
        let bytes = approval.encode();
        assert!(Approval::is_approval(&bytes));
        assert!(!Approval::is_approval(b"TANDEM"));
        assert_eq!(Approval::decode_for(&bytes, &karla).unwrap(), approval);
        assert_eq!(
            Approval::decode_for(&bytes, &otto),
            Err(FileError::OtherDevice)
        );
        assert_eq!(
            Approval::decode_for(&JoinRequest::new(&karla, b"K").unwrap().encode(), &karla),
            Err(FileError::NotAnApproval)
        );
    }

    #[test]
    fn an_approval_with_a_broken_member_list_is_refused() {
        let karla = DeviceIdentity::generate().unwrap();
        let approval = approval_for(karla.id());
        // Of another room.
        let mut moved = approval.clone();
        moved.room = RoomId::random().unwrap();
        assert_eq!(
            Approval::decode_for(&moved.encode(), &karla),
            Err(FileError::Access(AccessError::WrongRoom))
        );
        // Its first entry bent.
        let mut bent = approval.clone();
        let last = bent.entries[0].len() - 1;
        bent.entries[0][last] ^= 1;
        assert!(Approval::decode_for(&bent.encode(), &karla).is_err());
        // No list at all.
        let mut empty = approval;
        empty.entries.clear();
        assert_eq!(
            Approval::decode_for(&empty.encode(), &karla),
            Err(FileError::Access(AccessError::Genesis))
        );
    }
}
