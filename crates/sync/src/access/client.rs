//! A member device's side of live sync (protocol 2), without input or
//! output of its own — the counterpart of [`SyncClient`](crate::SyncClient)
//! for rooms with a member list.
//!
//! [`DeviceSync`] keeps the device's view of the member list, takes in
//! every entry the relay sends after checking it itself (the relay is not
//! trusted with that), unwraps the epoch keys meant for this device, and
//! checks every delivered change's signature and author before opening it:
//! a change the list does not admit is reported
//! ([`DeviceEvent::Rejected`]), never applied. A retirement notice is only
//! reported with its verified admin author; moving to the next generation
//! is the coordinator's decision. What the app keeps between sessions is the
//! identity, the entries ([`DeviceSync::entries`]) and the last sequence:
//! the keys follow from them.

use std::collections::{BTreeMap, VecDeque};

use super::blob::{device_hello_message, BlobKind, SignedBlob};
use super::epoch::EpochKey;
use super::identity::DeviceIdentity;
use super::roster::{AccessError, Change, Invitation, Role, Roster, Rotation, SignedEntry};
use super::DeviceId;
use super::DeviceKeys;
use crate::frame::{ErrorCode, Frame, FrameError, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use crate::key::RandomError;
use crate::{OpenError, RoomId, SealError};

/// What the relay's frames mean for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// Verified changes (or a verified admin's snapshot) to merge, with the
    /// device that signed them.
    Changes {
        sequence: u64,
        changes: Vec<u8>,
        author: DeviceId,
    },
    /// A delivery the member list does not admit (no member, a bad
    /// signature, a snapshot not by an admin): not applied; show it.
    Rejected { sequence: u64, reason: AccessError },
    /// The member list took in the entry at `position`.
    Members { position: u64 },
    /// The relay stored the oldest unacknowledged push, snapshot,
    /// retirement or entry.
    Acknowledged { sequence: u64 },
    /// The relay has sent everything it had.
    UpToDate { latest: u64 },
    /// The relay refused and closes the connection.
    Refused { code: ErrorCode, message: String },
    /// The room is retired by the admin `author`; `forwarding` says where
    /// the next generation lives. Ask the coordinator before moving.
    Retired {
        forwarding: Vec<u8>,
        author: DeviceId,
    },
    /// The relay deletes the room at `at` (seconds since 1970) unless a
    /// change comes first: a relay with room expiry says so to each device
    /// that connects.
    Expires { at: u64 },
}

/// Why the device could not do what was asked or use a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the member list sent by the relay is refused: {0}")]
    Access(#[from] AccessError),
    #[error("the programme behind this link is another one than the invitation names")]
    OtherProgramme,
    #[error("this device holds no key for epoch {0} yet")]
    NoKey(u64),
    #[error("the changes stored under {sequence} could not be opened: {source}")]
    Unreadable { sequence: u64, source: OpenError },
    #[error("the relay sent a frame a relay never sends ({0})")]
    UnexpectedFrame(&'static str),
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// One member device's live connection to one programme.
#[derive(Debug, Clone)]
pub struct DeviceSync {
    identity: DeviceIdentity,
    roster: Roster,
    entries: Vec<Vec<u8>>,
    /// The genesis the invitation named: a list starting elsewhere is
    /// refused.
    pinned: Option<[u8; 32]>,
    keys: BTreeMap<u64, EpochKey>,
    /// Each rotation's sealed previous key, by the rotation's epoch.
    previous: BTreeMap<u64, Vec<u8>>,
    last_seen: u64,
    counter: u64,
    outbox: VecDeque<Vec<u8>>,
    awaiting: usize,
    /// An introduction to sign once the relay has shown the list.
    introduction: Option<(Change, u64)>,
}

impl DeviceSync {
    /// A device of `room` that kept `entries` of its member list and has
    /// seen everything up to `last_seen`. `pinned`: the genesis an
    /// invitation named, for a device joining.
    pub fn resume(
        room: RoomId,
        identity: DeviceIdentity,
        pinned: Option<[u8; 32]>,
        entries: &[Vec<u8>],
        last_seen: u64,
    ) -> Result<Self, DeviceError> {
        let mut device = Self {
            identity,
            roster: Roster::new(room),
            entries: Vec::new(),
            pinned,
            keys: BTreeMap::new(),
            previous: BTreeMap::new(),
            last_seen,
            counter: 0,
            outbox: VecDeque::new(),
            awaiting: 0,
            introduction: None,
        };
        for entry in entries {
            device.learn(entry)?;
        }
        Ok(device)
    }

    /// A programme's first admin device: the genesis of its member list
    /// with a first epoch key, as this device and as the entry to send
    /// (with `Access { position: 0, .. }` over the room token's connection
    /// of protocol 1, which the relay then closes; the device comes back
    /// with [`connect`](Self::connect)).
    pub fn found(
        room: RoomId,
        identity: DeviceIdentity,
        profile: &[u8],
        now: u64,
    ) -> Result<(Self, Vec<u8>), DeviceError> {
        let key = EpochKey::random(0)?;
        let keys = identity.keys();
        let change = Change::Genesis {
            keys,
            profile: key.seal_profile(&room, &keys.signing, profile)?,
            wrap: key.wrap_for(&room, &keys).ok_or(AccessError::BadKey)?,
        };
        let entry = Roster::new(room).next(identity.id(), now, change);
        let entry = SignedEntry::sign(&identity, &entry)?.encode();
        let device = Self::resume(room, identity, None, std::slice::from_ref(&entry), 0)?;
        Ok((device, entry))
    }

    /// An admin approves a device that introduced itself: `profile` (read
    /// from its introduction with the invitation) is sealed for the
    /// members, and the current key wrapped to it.
    pub fn approve(
        &mut self,
        device: DeviceId,
        role: Role,
        profile: &[u8],
        now: u64,
    ) -> Result<u64, DeviceError> {
        let keys = self
            .roster
            .pending()
            .find(|pending| pending.keys.signing == device)
            .map(|pending| pending.keys)
            .ok_or(AccessError::NotPending)?;
        let key = self.key().ok_or(DeviceError::NoKey(self.roster.epoch()))?;
        let room = self.roster.room();
        let change = Change::Approve {
            device,
            role,
            profile: key.seal_profile(&room, &device, profile)?,
            wrap: key.wrap_for(&room, &keys).ok_or(AccessError::BadKey)?,
        };
        self.append(change, now)
    }

    /// An admin carries a device of the previous generation into this
    /// programme's list (after an erasure): `profile` sealed for the
    /// members, the current key wrapped to it.
    pub fn carry(
        &mut self,
        keys: DeviceKeys,
        role: Role,
        profile: &[u8],
        now: u64,
    ) -> Result<u64, DeviceError> {
        let key = self.key().ok_or(DeviceError::NoKey(self.roster.epoch()))?;
        let room = self.roster.room();
        let change = Change::Carry {
            keys,
            role,
            profile: key.seal_profile(&room, &keys.signing, profile)?,
            wrap: key.wrap_for(&room, &keys).ok_or(AccessError::BadKey)?,
        };
        self.append(change, now)
    }

    /// The profile `device` gave, as this device can open it.
    pub fn profile_of(&self, device: &DeviceId) -> Option<Vec<u8>> {
        let member = self.roster.member(device)?;
        let key = self.key_for(member.since_epoch)?;
        key.open_profile(&self.roster.room(), device, &member.profile)
            .ok()
    }

    /// An admin declines a device that introduced itself: it never gets a
    /// key, and the relay admits it no more.
    pub fn decline(&mut self, device: DeviceId, now: u64) -> Result<u64, DeviceError> {
        if !self.roster.is_pending(&device) {
            return Err(AccessError::NotPending.into());
        }
        self.append(Change::Decline { device }, now)
    }

    /// An admin removes `device`: the next epoch's key is wrapped for every
    /// other current device.
    pub fn remove(&mut self, device: DeviceId, now: u64) -> Result<u64, DeviceError> {
        let rotation = self.next_epoch(Some(device))?;
        self.append(Change::Remove { device, rotation }, now)
    }

    /// Whether this device should start a new epoch now: a device left by
    /// itself, none has since, and this is an admin holding the key.
    pub fn rotation_due_here(&self) -> bool {
        self.roster.rotation_due()
            && self.roster.is_admin(&self.identity.id())
            && self.key().is_some()
    }

    /// An admin starts the next epoch, wrapped for every current device
    /// (after a device left by itself).
    pub fn rotate(&mut self, now: u64) -> Result<u64, DeviceError> {
        let rotation = self.next_epoch(None)?;
        self.append(Change::Rotate { rotation }, now)
    }

    /// A new epoch key, wrapped for the current devices but `without`.
    fn next_epoch(&self, without: Option<DeviceId>) -> Result<Rotation, DeviceError> {
        let epoch = self.roster.epoch();
        let old = self.keys.get(&epoch).ok_or(DeviceError::NoKey(epoch))?;
        let next = EpochKey::random(epoch + 1)?;
        let remaining: Vec<DeviceKeys> = self
            .roster
            .current()
            .map(|member| member.keys)
            .filter(|keys| Some(keys.signing) != without)
            .collect();
        Ok(Rotation::new(&self.roster.room(), old, &next, &remaining)?)
    }

    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The entries to keep between sessions.
    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    pub fn last_seen(&self) -> u64 {
        self.last_seen
    }

    /// The key of the current epoch, if this device holds it.
    pub fn key(&self) -> Option<&EpochKey> {
        self.keys.get(&self.roster.epoch())
    }

    /// The key of `epoch`, if this device holds it (to open the profiles
    /// of members approved in that epoch).
    pub fn key_for(&self, epoch: u64) -> Option<&EpochKey> {
        self.keys.get(&epoch)
    }

    /// The socket opened: a signed hello waits in
    /// [`poll_transmit`](Self::poll_transmit). `now`: seconds since 1970.
    pub fn connect(&mut self, now: u64) -> Result<(), DeviceError> {
        let room = self.roster.room();
        let device = self.identity.id();
        let signature =
            self.identity
                .sign(&device_hello_message(&room, &device, self.last_seen, now));
        self.send(Frame::DeviceHello {
            protocol: PROTOCOL_VERSION,
            room,
            device,
            after: self.last_seen,
            time: now,
            signature,
        })
    }

    /// The socket opened for a device that is not a member yet: it shows
    /// the relay `invitation`'s proof, reads the member list (which must
    /// start at the invitation's genesis), then introduces itself with
    /// `profile` (coordinator's name, organisation, device), signed.
    /// `now`: seconds since 1970.
    pub fn introduce(
        &mut self,
        invitation: &Invitation,
        profile: &[u8],
        now: u64,
    ) -> Result<(), DeviceError> {
        self.pinned = Some(invitation.genesis);
        let change = invitation.introduction(&self.identity, profile)?;
        self.introduction = Some((change, now));
        self.send(Frame::Introduce {
            protocol: PROTOCOL_VERSION,
            room: self.roster.room(),
            invitation: invitation.id,
            proof: invitation.proof(),
        })
    }

    /// Signs `change` as the next entry of the member list and sends it.
    pub fn append(&mut self, change: Change, now: u64) -> Result<u64, DeviceError> {
        let entry = self.roster.next(self.identity.id(), now, change);
        let position = entry.position;
        let entry = SignedEntry::sign(&self.identity, &entry)?.encode();
        self.awaiting += 1;
        self.send(Frame::Access { position, entry })?;
        Ok(position)
    }

    /// Seals and signs changes for the relay.
    pub fn push(&mut self, changes: &[u8]) -> Result<(), DeviceError> {
        self.counter += 1;
        let blob = self.seal(BlobKind::Change, self.counter, changes)?;
        self.awaiting += 1;
        self.send(Frame::Push { blob })
    }

    /// A whole document standing for the log through `through` (an admin's).
    pub fn snapshot(&mut self, through: u64, whole: &[u8]) -> Result<(), DeviceError> {
        let blob = self.seal(BlobKind::Snapshot, through, whole)?;
        self.awaiting += 1;
        self.send(Frame::Snapshot { through, blob })
    }

    /// Retires the room (an admin's), with where the programme went.
    pub fn retire(&mut self, forwarding: &[u8]) -> Result<(), DeviceError> {
        let notice = self.seal(BlobKind::Retire, 0, forwarding)?;
        self.awaiting += 1;
        self.send(Frame::Retire { notice })
    }

    fn seal(&self, kind: BlobKind, counter: u64, plaintext: &[u8]) -> Result<Vec<u8>, DeviceError> {
        let epoch = self.roster.epoch();
        let key = self.keys.get(&epoch).ok_or(DeviceError::NoKey(epoch))?;
        Ok(SignedBlob::seal(
            &self.identity,
            key,
            &self.roster.room(),
            kind,
            counter,
            plaintext,
        )?
        .encode())
    }

    fn send(&mut self, frame: Frame) -> Result<(), DeviceError> {
        self.outbox.push_back(frame.encode(MAX_FRAME_BYTES)?);
        Ok(())
    }

    /// The next frame to send.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.outbox.pop_front()
    }

    /// Reads one message from the relay.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<Option<DeviceEvent>, DeviceError> {
        match Frame::decode(bytes, MAX_FRAME_BYTES)? {
            Frame::Access { position, entry } => {
                if position < self.roster.len() {
                    return Ok(None);
                }
                self.learn(&entry)?;
                Ok(Some(DeviceEvent::Members { position }))
            }
            Frame::Deliver { sequence, blob } => {
                if sequence <= self.last_seen {
                    return Ok(None);
                }
                self.last_seen = sequence;
                self.open(sequence, &blob, BlobKind::Change, None)
            }
            Frame::Snapshot { through, blob } => {
                if through <= self.last_seen {
                    return Ok(None);
                }
                self.last_seen = through;
                self.open(through, &blob, BlobKind::Snapshot, Some(through))
            }
            Frame::Retired { notice } => match self.open(0, &notice, BlobKind::Retire, None)? {
                Some(DeviceEvent::Changes {
                    changes, author, ..
                }) => Ok(Some(DeviceEvent::Retired {
                    forwarding: changes,
                    author,
                })),
                other => Ok(other),
            },
            Frame::Ack { sequence } => {
                self.awaiting = self
                    .awaiting
                    .checked_sub(1)
                    .ok_or(DeviceError::UnexpectedFrame("ack"))?;
                Ok(Some(DeviceEvent::Acknowledged { sequence }))
            }
            Frame::Synced { latest } => {
                if let Some((change, now)) = self.introduction.take() {
                    // The list is complete: the introduction follows it.
                    if self.roster.is_empty() {
                        return Err(DeviceError::OtherProgramme);
                    }
                    self.append(change, now)?;
                    return Ok(None);
                }
                self.last_seen = self.last_seen.max(latest);
                Ok(Some(DeviceEvent::UpToDate { latest }))
            }
            Frame::Error { code, message } => Ok(Some(DeviceEvent::Refused { code, message })),
            Frame::Expires { at } => Ok(Some(DeviceEvent::Expires { at })),
            other => Err(DeviceError::UnexpectedFrame(other.kind())),
        }
    }

    /// Checks a delivered blob against the list, then opens it.
    fn open(
        &self,
        sequence: u64,
        bytes: &[u8],
        kind: BlobKind,
        through: Option<u64>,
    ) -> Result<Option<DeviceEvent>, DeviceError> {
        let rejected = |reason| Ok(Some(DeviceEvent::Rejected { sequence, reason }));
        let Ok(blob) = SignedBlob::decode(bytes) else {
            return rejected(AccessError::Damaged);
        };
        if blob.kind != kind || through.is_some_and(|through| through != blob.counter) {
            return rejected(AccessError::Damaged);
        }
        let author = match self.roster.check_blob(&blob, false) {
            Ok(member) => member,
            Err(reason) => return rejected(reason),
        };
        if kind != BlobKind::Change && author.role != Role::Admin {
            return rejected(AccessError::NeedsAdmin(
                "replace the log or move the programme",
            ));
        }
        let key = self
            .keys
            .get(&blob.epoch)
            .ok_or(DeviceError::NoKey(blob.epoch))?;
        let changes = blob
            .open(key, &self.roster.room())
            .map_err(|source| DeviceError::Unreadable { sequence, source })?;
        Ok(Some(DeviceEvent::Changes {
            sequence,
            changes,
            author: blob.device,
        }))
    }

    /// Takes in one entry: checked, kept, and any key for this device
    /// unwrapped (with the earlier epochs' keys it opens).
    fn learn(&mut self, entry: &[u8]) -> Result<(), DeviceError> {
        let checked = self.roster.apply(entry, None)?;
        if checked.position == 0 && self.pinned.is_some() && self.roster.genesis() != self.pinned {
            return Err(DeviceError::OtherProgramme);
        }
        self.entries.push(entry.to_vec());
        let me = self.identity.id();
        let wrap = match checked.change {
            Change::Genesis { wrap, .. }
            | Change::Approve { wrap, .. }
            | Change::Carry { wrap, .. } => Some(wrap).filter(|wrap| wrap.device == me),
            Change::Remove { rotation, .. } | Change::Rotate { rotation } => {
                self.previous.insert(rotation.epoch, rotation.previous);
                rotation.wraps.into_iter().find(|wrap| wrap.device == me)
            }
            _ => None,
        };
        let room = self.roster.room();
        if let Some(wrap) = wrap {
            let epoch = self.roster.epoch();
            if let Ok(key) = EpochKey::unwrap(&room, epoch, &self.identity, &wrap) {
                let mut current = key;
                while let Some(sealed) = self.previous.get(&current.epoch) {
                    let Ok(older) = current.open_previous(&room, sealed) else {
                        break;
                    };
                    self.keys.insert(current.epoch, current);
                    current = older;
                }
                self.keys.insert(current.epoch, current);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
