//! Signed changes: what a device pushes once the programme has a member
//! list, and what it signs in its hello.
//!
//! A [`SignedBlob`] is sealed under the epoch key's content subkey with
//! associated data binding room, epoch, kind, device and the device's own
//! sequence (for a snapshot: the relay sequence it stands for), then signed
//! by the device over the same and the ciphertext. Moving a blob to another
//! room, epoch or kind, or claiming another author, breaks the seal or the
//! signature.

use serde::{Deserialize, Serialize};

use super::epoch::{EpochKey, Purpose};
use super::identity::{DeviceIdentity, DeviceKeys, Signature};
use super::{AccessError, DeviceId};
use crate::{OpenError, RoomId, SealError};

/// How far a hello's time may be from the relay's clock, in seconds.
pub const HELLO_WINDOW_SECONDS: u64 = 5 * 60;

/// What a signed blob is; snapshots and retirements need an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlobKind {
    /// Changes to merge.
    Change,
    /// A whole document that replaces the log through a sequence.
    Snapshot,
    /// The notice of a retired room: where the programme's next generation
    /// lives.
    Retire,
}

/// A sealed, signed push, snapshot or retirement notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedBlob {
    pub kind: BlobKind,
    pub epoch: u64,
    pub device: DeviceId,
    /// The device's own count of its pushes, or a snapshot's `through`.
    pub counter: u64,
    #[serde(with = "serde_bytes")]
    pub sealed: Vec<u8>,
    pub signature: Signature,
}

#[derive(Serialize)]
struct Bound<'a> {
    domain: &'static str,
    room: &'a RoomId,
    kind: BlobKind,
    epoch: u64,
    device: &'a DeviceId,
    counter: u64,
}

impl SignedBlob {
    /// Seals `plaintext` under `key` and signs it as `identity`.
    pub fn seal(
        identity: &DeviceIdentity,
        key: &EpochKey,
        room: &RoomId,
        kind: BlobKind,
        counter: u64,
        plaintext: &[u8],
    ) -> Result<Self, SealError> {
        let device = identity.id();
        let aad = aad(room, kind, key.epoch, &device, counter);
        let sealed = key.seal(room, Purpose::Content, &aad, plaintext)?;
        let mut blob = Self {
            kind,
            epoch: key.epoch,
            device,
            counter,
            sealed,
            signature: Signature([0; 64]),
        };
        blob.signature = identity.sign(&blob.signed_message(room));
        Ok(blob)
    }

    /// Opens the blob with the key of its epoch. Check it with
    /// [`Roster::check_blob`](super::Roster::check_blob) first.
    pub fn open(&self, key: &EpochKey, room: &RoomId) -> Result<Vec<u8>, OpenError> {
        if key.epoch != self.epoch {
            return Err(OpenError::NotAuthentic);
        }
        let aad = aad(room, self.kind, self.epoch, &self.device, self.counter);
        key.open(room, Purpose::Content, &aad, &self.sealed)
    }

    /// Whether the signature is `keys`'s over this blob in `room`.
    pub fn verifies(&self, room: &RoomId, keys: &DeviceKeys) -> bool {
        keys.signing == self.device && keys.verifies(&self.signed_message(room), &self.signature)
    }

    fn signed_message(&self, room: &RoomId) -> Vec<u8> {
        let mut message = aad(room, self.kind, self.epoch, &self.device, self.counter);
        message.extend_from_slice(&self.sealed);
        message
    }

    /// The bytes a push, snapshot or notice carries.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Reads bytes written by [`encode`](Self::encode).
    pub fn decode(bytes: &[u8]) -> Result<Self, AccessError> {
        let (blob, rest) =
            postcard::take_from_bytes::<Self>(bytes).map_err(|_| AccessError::Damaged)?;
        if !rest.is_empty() {
            return Err(AccessError::Damaged);
        }
        Ok(blob)
    }
}

fn aad(room: &RoomId, kind: BlobKind, epoch: u64, device: &DeviceId, counter: u64) -> Vec<u8> {
    postcard::to_allocvec(&Bound {
        domain: "tandem signed blob v2",
        room,
        kind,
        epoch,
        device,
        counter,
    })
    .unwrap_or_default()
}

#[derive(Serialize)]
struct Hello<'a> {
    domain: &'static str,
    room: &'a RoomId,
    device: &'a DeviceId,
    after: u64,
    time: u64,
}

/// What a device signs in its hello: room, device, the last sequence it
/// has, and its clock (seconds since 1970), which the relay accepts within
/// [`HELLO_WINDOW_SECONDS`] of its own.
pub fn device_hello_message(room: &RoomId, device: &DeviceId, after: u64, time: u64) -> Vec<u8> {
    postcard::to_allocvec(&Hello {
        domain: "tandem device hello v2",
        room,
        device,
        after,
        time,
    })
    .unwrap_or_default()
}
