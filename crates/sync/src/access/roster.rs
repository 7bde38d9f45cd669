//! The signed member list: a hash chain of entries from the programme's
//! genesis admin, which every partner and the relay check the same way.
//!
//! [`Roster::apply`] takes one [`SignedEntry`] at a time and refuses it
//! unless it continues the chain (room, position, hash of the entry
//! before), its signature verifies, and its author may do what it does at
//! that point. The roster that results says who is a member, with which
//! role and since which key epoch, which invitations are used, and which
//! devices wait for approval.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::blob::{BlobKind, SignedBlob};
use super::epoch::{invitation_cipher, open_with, seal_with, EpochKey, Wrap};
use super::identity::{DeviceIdentity, DeviceKeys, Signature};
use super::DeviceId;
use crate::key::{random_bytes, RandomError};
use crate::{OpenError, RoomId, SealError};

/// How long an invitation stays usable unless its admin says otherwise:
/// 48 hours, in seconds.
pub const INVITATION_LIFETIME: u64 = 48 * 60 * 60;

/// Largest sealed profile an entry may carry.
pub(crate) const MAX_PROFILE_BYTES: usize = 4096;

/// What a member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Reads and writes the programme.
    Coordinator,
    /// Also approves and removes devices, replaces the log with a snapshot,
    /// and moves the programme to a new generation.
    Admin,
}

/// An invitation's public name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InvitationId(pub [u8; 16]);

/// A key epoch starting: the new key wrapped to every remaining device, and
/// the previous key sealed under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    pub epoch: u64,
    #[serde(with = "serde_bytes")]
    pub previous: Vec<u8>,
    pub wraps: Vec<Wrap>,
}

impl Rotation {
    /// Starts `new` (the epoch after `old`) for `devices`.
    pub fn new<'a>(
        room: &RoomId,
        old: &EpochKey,
        new: &EpochKey,
        devices: impl IntoIterator<Item = &'a DeviceKeys>,
    ) -> Result<Self, AccessError> {
        let wraps = devices
            .into_iter()
            .map(|device| new.wrap_for(room, device).ok_or(AccessError::BadKey))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            epoch: new.epoch,
            previous: new.seal_previous(room, old)?,
            wraps,
        })
    }
}

/// What one entry of the member list does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// The programme's first admin device (self-signed), with the first
    /// epoch key wrapped to it.
    Genesis {
        keys: DeviceKeys,
        #[serde(with = "serde_bytes")]
        profile: Vec<u8>,
        wrap: Wrap,
    },
    /// An admin announces an invitation.
    Invite {
        invitation: InvitationId,
        proof_hash: [u8; 32],
        expires: u64,
    },
    /// A new device (signing itself) asks to join with an invitation.
    Introduce {
        invitation: InvitationId,
        proof: [u8; 32],
        keys: DeviceKeys,
        /// Sealed with the invitation's secret.
        #[serde(with = "serde_bytes")]
        profile: Vec<u8>,
    },
    /// An admin approves an introduced device.
    Approve {
        device: DeviceId,
        role: Role,
        /// Sealed under the current epoch key.
        #[serde(with = "serde_bytes")]
        profile: Vec<u8>,
        wrap: Wrap,
    },
    /// An admin removes a device and starts the next epoch without it.
    Remove {
        device: DeviceId,
        rotation: Rotation,
    },
    /// The author removes itself ("stop sharing"); a rotation is due.
    Leave,
    /// An admin starts the next epoch.
    Rotate { rotation: Rotation },
    /// An admin declines an introduced device: it never gets a key, and
    /// the relay admits it no more.
    Decline { device: DeviceId },
    /// An admin adds a device by its keys, without an invitation: one of
    /// the programme's previous generation (before an erasure), which was
    /// a member there, or one whose request by file the admin checked by
    /// its fingerprint (see `access::by_file`). It grants nothing an admin
    /// could not do with an invitation and an approval.
    Carry {
        keys: DeviceKeys,
        role: Role,
        /// Sealed under the current epoch key.
        #[serde(with = "serde_bytes")]
        profile: Vec<u8>,
        wrap: Wrap,
    },
}

impl Change {
    fn name(&self) -> &'static str {
        match self {
            Change::Genesis { .. } => "genesis",
            Change::Invite { .. } => "invite",
            Change::Introduce { .. } => "introduce",
            Change::Approve { .. } => "approve",
            Change::Remove { .. } => "remove",
            Change::Leave => "leave",
            Change::Rotate { .. } => "rotate",
            Change::Decline { .. } => "decline",
            Change::Carry { .. } => "carry",
        }
    }
}

/// One entry of the member list, before signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub room: RoomId,
    pub position: u64,
    /// SHA-256 of the signed entry before (zeros for the genesis).
    pub previous: [u8; 32],
    pub author: DeviceId,
    /// Seconds since 1970, as the author's clock said.
    pub at: u64,
    pub change: Change,
}

/// An entry with its author's signature, as stored and sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEntry {
    #[serde(with = "serde_bytes")]
    pub entry: Vec<u8>,
    pub signature: Signature,
}

const ENTRY_DOMAIN: &[u8] = b"tandem member entry v2";

impl SignedEntry {
    /// `entry`, signed by `identity`.
    pub fn sign(identity: &DeviceIdentity, entry: &Entry) -> Result<Self, AccessError> {
        let entry = postcard::to_allocvec(entry).map_err(|_| AccessError::Damaged)?;
        let signature = identity.sign(&[ENTRY_DOMAIN, &entry].concat());
        Ok(Self { entry, signature })
    }

    /// The bytes as stored and sent.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Reads bytes written by [`encode`](Self::encode).
    pub fn decode(bytes: &[u8]) -> Result<Self, AccessError> {
        let (signed, rest) =
            postcard::take_from_bytes::<Self>(bytes).map_err(|_| AccessError::Damaged)?;
        if !rest.is_empty() {
            return Err(AccessError::Damaged);
        }
        Ok(signed)
    }

    /// The entry, not yet checked.
    pub fn read(&self) -> Result<Entry, AccessError> {
        let (entry, rest) =
            postcard::take_from_bytes::<Entry>(&self.entry).map_err(|_| AccessError::Damaged)?;
        if !rest.is_empty() {
            return Err(AccessError::Damaged);
        }
        Ok(entry)
    }

    /// What the next entry names as its previous.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.encode()).into()
    }

    fn verifies(&self, keys: &DeviceKeys) -> bool {
        keys.verifies(&[ENTRY_DOMAIN, &self.entry].concat(), &self.signature)
    }
}

/// Why an entry or a signed blob is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("the member-list entry or signed change is damaged")]
    Damaged,
    #[error("the entry belongs to another programme")]
    WrongRoom,
    #[error("the entry is at position {found}, the member list expects {expected}")]
    OutOfOrder { expected: u64, found: u64 },
    #[error("the entry does not follow the member list's last entry")]
    BrokenChain,
    #[error("the member list must start with its first admin, and only once")]
    Genesis,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the device is not a member of the programme")]
    NotMember,
    #[error("only an admin device may {0}")]
    NeedsAdmin(&'static str),
    #[error("the invitation is unknown")]
    UnknownInvitation,
    #[error("the invitation has been used already")]
    InvitationUsed,
    #[error("the invitation has expired")]
    InvitationExpired,
    #[error("the invitation's proof does not match")]
    WrongProof,
    #[error("the device is known to the programme already")]
    AlreadyKnown,
    #[error("the device has not introduced itself, or is decided already")]
    NotPending,
    #[error("the new key must be wrapped for exactly the remaining devices")]
    WrongWraps,
    #[error("the change is for key epoch {found}; the programme is in epoch {current}")]
    WrongEpoch { current: u64, found: u64 },
    #[error("the programme must keep at least one admin device")]
    LastAdmin,
    #[error("a device's published key cannot receive keys")]
    BadKey,
    #[error("the profile is larger than {MAX_PROFILE_BYTES} bytes")]
    ProfileTooLarge,
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// When and by whom a device left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removal {
    /// The first epoch the device has no key for (or, after a leave, the
    /// epoch whose rotation is due).
    pub epoch: u64,
    pub by: DeviceId,
    pub at: u64,
}

/// A device of the programme, as the member list says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub keys: DeviceKeys,
    pub role: Role,
    /// Coordinator's name, organisation, device: sealed under the epoch key
    /// of `since_epoch` (open with [`EpochKey::open_profile`]).
    pub profile: Vec<u8>,
    pub added_by: DeviceId,
    pub added_at: u64,
    pub since_epoch: u64,
    pub removed: Option<Removal>,
}

impl Member {
    /// Whether the device may still read and write.
    pub fn is_current(&self) -> bool {
        self.removed.is_none()
    }

    /// Whether the device held the key of `epoch`.
    pub fn held_epoch(&self, epoch: u64) -> bool {
        epoch >= self.since_epoch && self.removed.is_none_or(|removal| epoch < removal.epoch)
    }
}

/// A device that introduced itself and waits for an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub keys: DeviceKeys,
    pub invitation: InvitationId,
    /// Sealed with the invitation's secret.
    pub profile: Vec<u8>,
    pub at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Announced {
    proof_hash: [u8; 32],
    expires: u64,
    used: bool,
}

/// The member list as checked so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    room: RoomId,
    genesis: Option<[u8; 32]>,
    head: [u8; 32],
    length: u64,
    epoch: u64,
    /// When the current epoch started (its genesis or rotation).
    epoch_since: u64,
    rotation_due: bool,
    members: BTreeMap<DeviceId, Member>,
    pending: BTreeMap<DeviceId, Pending>,
    declined: BTreeSet<DeviceId>,
    invitations: BTreeMap<InvitationId, Announced>,
}

impl Roster {
    /// The empty member list of `room`: its first entry must be a genesis.
    pub fn new(room: RoomId) -> Self {
        Self {
            room,
            genesis: None,
            head: [0; 32],
            length: 0,
            epoch: 0,
            epoch_since: 0,
            rotation_due: false,
            members: BTreeMap::new(),
            pending: BTreeMap::new(),
            declined: BTreeSet::new(),
            invitations: BTreeMap::new(),
        }
    }

    /// The member list of `room` from its stored entries, each checked.
    pub fn from_entries<'a>(
        room: RoomId,
        entries: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, AccessError> {
        let mut roster = Self::new(room);
        for bytes in entries {
            roster.apply(bytes, None)?;
        }
        Ok(roster)
    }

    pub fn room(&self) -> RoomId {
        self.room
    }

    /// The hash of the genesis entry, naming this chain; `None` while the
    /// list is empty.
    pub fn genesis(&self) -> Option<[u8; 32]> {
        self.genesis
    }

    /// Entries so far (the next entry's position).
    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The current key epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// When the current epoch started (seconds since 1970, by the clock of
    /// the device that started it).
    pub fn epoch_since(&self) -> u64 {
        self.epoch_since
    }

    /// A device left and no admin has started a new epoch since.
    pub fn rotation_due(&self) -> bool {
        self.rotation_due
    }

    /// Every device ever approved, removed ones included.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// Devices that may read and write now.
    pub fn current(&self) -> impl Iterator<Item = &Member> {
        self.members.values().filter(|member| member.is_current())
    }

    pub fn member(&self, device: &DeviceId) -> Option<&Member> {
        self.members.get(device)
    }

    /// Whether `device` may read and write now.
    pub fn is_current(&self, device: &DeviceId) -> bool {
        self.member(device).is_some_and(Member::is_current)
    }

    /// Whether `device` is a current admin.
    pub fn is_admin(&self, device: &DeviceId) -> bool {
        self.member(device)
            .is_some_and(|member| member.is_current() && member.role == Role::Admin)
    }

    /// Devices that introduced themselves and wait for an admin.
    pub fn pending(&self) -> impl Iterator<Item = &Pending> {
        self.pending.values()
    }

    pub fn is_pending(&self, device: &DeviceId) -> bool {
        self.pending.contains_key(device)
    }

    /// Whether `device` is in the list at all: a member (current or not)
    /// or waiting for approval.
    pub fn knows(&self, device: &DeviceId) -> bool {
        self.members.contains_key(device) || self.pending.contains_key(device)
    }

    /// Whether an admin declined `device`'s last request to join.
    pub fn is_declined(&self, device: &DeviceId) -> bool {
        self.declined.contains(device)
    }

    /// Whether `invitation` may still introduce a device with `proof` at
    /// `now`: announced, unused, unexpired, and the proof matches.
    pub fn invitation_open(
        &self,
        invitation: &InvitationId,
        proof: &[u8; 32],
        now: u64,
    ) -> Result<(), AccessError> {
        let announced = self
            .invitations
            .get(invitation)
            .ok_or(AccessError::UnknownInvitation)?;
        if announced.used {
            return Err(AccessError::InvitationUsed);
        }
        if now >= announced.expires {
            return Err(AccessError::InvitationExpired);
        }
        if <[u8; 32]>::from(Sha256::digest(proof)) != announced.proof_hash {
            return Err(AccessError::WrongProof);
        }
        Ok(())
    }

    /// The next entry by `author` at `at` doing `change`, to be signed.
    pub fn next(&self, author: DeviceId, at: u64, change: Change) -> Entry {
        Entry {
            room: self.room,
            position: self.length,
            previous: self.head,
            author,
            at,
            change,
        }
    }

    /// Checks one signed entry and takes it in. `now` is the checker's
    /// clock (the relay's, when it is about to store the entry): an
    /// introduction after its invitation's expiry by that clock is
    /// refused. Without it, the entry's own time is checked against the
    /// expiry. A refused entry changes nothing.
    pub fn apply(&mut self, bytes: &[u8], now: Option<u64>) -> Result<Entry, AccessError> {
        let signed = SignedEntry::decode(bytes)?;
        let entry = signed.read()?;
        if entry.room != self.room {
            return Err(AccessError::WrongRoom);
        }
        if entry.position != self.length {
            return Err(AccessError::OutOfOrder {
                expected: self.length,
                found: entry.position,
            });
        }
        if entry.previous != self.head {
            return Err(AccessError::BrokenChain);
        }
        let mut next = self.clone();
        next.take(&entry, &signed, now)?;
        next.head = signed.hash();
        next.length += 1;
        if next.genesis.is_none() {
            next.genesis = Some(next.head);
        }
        *self = next;
        Ok(entry)
    }

    fn author_keys(&self, entry: &Entry) -> Result<&DeviceKeys, AccessError> {
        match self.members.get(&entry.author) {
            Some(member) if member.is_current() => Ok(&member.keys),
            _ => Err(AccessError::NotMember),
        }
    }

    fn require_admin(&self, entry: &Entry, act: &'static str) -> Result<(), AccessError> {
        if self.is_admin(&entry.author) {
            Ok(())
        } else {
            Err(AccessError::NeedsAdmin(act))
        }
    }

    fn take(
        &mut self,
        entry: &Entry,
        signed: &SignedEntry,
        now: Option<u64>,
    ) -> Result<(), AccessError> {
        let is_genesis = matches!(entry.change, Change::Genesis { .. });
        if is_genesis != (self.length == 0) {
            return Err(AccessError::Genesis);
        }
        // The signer: the new device itself for a genesis or an
        // introduction, otherwise a current member.
        let signer = match &entry.change {
            Change::Genesis { keys, .. } | Change::Introduce { keys, .. } => *keys,
            _ => *self.author_keys(entry)?,
        };
        if signer.signing != entry.author || !signed.verifies(&signer) {
            return Err(AccessError::BadSignature);
        }
        match &entry.change {
            Change::Genesis {
                keys,
                profile,
                wrap,
            } => {
                check_profile(profile)?;
                if wrap.device != keys.signing {
                    return Err(AccessError::WrongWraps);
                }
                self.admit(*keys, Role::Admin, profile, entry);
                self.epoch_since = entry.at;
            }
            Change::Invite {
                invitation,
                proof_hash,
                expires,
            } => {
                self.require_admin(entry, "invite")?;
                if self.invitations.contains_key(invitation) {
                    return Err(AccessError::InvitationUsed);
                }
                self.invitations.insert(
                    *invitation,
                    Announced {
                        proof_hash: *proof_hash,
                        expires: *expires,
                        used: false,
                    },
                );
            }
            Change::Introduce {
                invitation,
                proof,
                keys,
                profile,
            } => self.introduce(entry, now, invitation, proof, keys, profile)?,
            Change::Approve {
                device,
                role,
                profile,
                wrap,
            } => {
                self.require_admin(entry, "approve a device")?;
                check_profile(profile)?;
                let pending = self.pending.remove(device).ok_or(AccessError::NotPending)?;
                if wrap.device != *device {
                    return Err(AccessError::WrongWraps);
                }
                self.admit(pending.keys, *role, profile, entry);
            }
            Change::Remove { device, rotation } => {
                self.require_admin(entry, "remove a device")?;
                if !self.is_current(device) {
                    return Err(AccessError::NotMember);
                }
                self.end(device, entry)?;
                self.rotate(rotation, entry.at)?;
            }
            Change::Leave => {
                self.end(&entry.author, entry)?;
                self.rotation_due = true;
            }
            Change::Rotate { rotation } => {
                self.require_admin(entry, "start a new key epoch")?;
                self.rotate(rotation, entry.at)?;
            }
            Change::Decline { device } => {
                self.require_admin(entry, "decline a device")?;
                self.pending.remove(device).ok_or(AccessError::NotPending)?;
                self.declined.insert(*device);
            }
            Change::Carry {
                keys,
                role,
                profile,
                wrap,
            } => {
                self.require_admin(entry, "carry a device over")?;
                check_profile(profile)?;
                if self.knows(&keys.signing) {
                    return Err(AccessError::AlreadyKnown);
                }
                if wrap.device != keys.signing {
                    return Err(AccessError::WrongWraps);
                }
                self.declined.remove(&keys.signing);
                self.admit(*keys, *role, profile, entry);
            }
        }
        Ok(())
    }

    /// Makes `keys` a member with `role` from the current epoch on, added
    /// by `entry`'s author (itself, for a genesis).
    fn admit(&mut self, keys: DeviceKeys, role: Role, profile: &[u8], entry: &Entry) {
        self.members.insert(
            keys.signing,
            Member {
                keys,
                role,
                profile: profile.to_vec(),
                added_by: entry.author,
                added_at: entry.at,
                since_epoch: self.epoch,
                removed: None,
            },
        );
    }

    /// A new device introduces itself with the proof of an announced,
    /// unused and unexpired invitation; it waits for an admin's approval.
    fn introduce(
        &mut self,
        entry: &Entry,
        now: Option<u64>,
        invitation: &InvitationId,
        proof: &[u8; 32],
        keys: &DeviceKeys,
        profile: &[u8],
    ) -> Result<(), AccessError> {
        check_profile(profile)?;
        let announced = self
            .invitations
            .get_mut(invitation)
            .ok_or(AccessError::UnknownInvitation)?;
        if announced.used {
            return Err(AccessError::InvitationUsed);
        }
        let expired = match now {
            Some(now) => now >= announced.expires,
            None => entry.at >= announced.expires,
        };
        if expired {
            return Err(AccessError::InvitationExpired);
        }
        if <[u8; 32]>::from(Sha256::digest(proof)) != announced.proof_hash {
            return Err(AccessError::WrongProof);
        }
        if self.members.contains_key(&keys.signing) || self.pending.contains_key(&keys.signing) {
            return Err(AccessError::AlreadyKnown);
        }
        announced.used = true;
        // Declined before, the device may ask again with a new invitation.
        self.declined.remove(&keys.signing);
        self.pending.insert(
            keys.signing,
            Pending {
                keys: *keys,
                invitation: *invitation,
                profile: profile.to_vec(),
                at: entry.at,
            },
        );
        Ok(())
    }

    /// Marks `device` removed, keeping at least one admin.
    fn end(&mut self, device: &DeviceId, entry: &Entry) -> Result<(), AccessError> {
        let admins_left = self
            .current()
            .filter(|member| member.role == Role::Admin && member.keys.signing != *device)
            .count();
        if admins_left == 0 {
            return Err(AccessError::LastAdmin);
        }
        let epoch = self.epoch + 1;
        if let Some(member) = self.members.get_mut(device) {
            member.removed = Some(Removal {
                epoch,
                by: entry.author,
                at: entry.at,
            });
        }
        Ok(())
    }

    fn rotate(&mut self, rotation: &Rotation, at: u64) -> Result<(), AccessError> {
        if rotation.epoch != self.epoch + 1 {
            return Err(AccessError::WrongEpoch {
                current: self.epoch,
                found: rotation.epoch,
            });
        }
        let wrapped: BTreeSet<DeviceId> = rotation.wraps.iter().map(|wrap| wrap.device).collect();
        let current: BTreeSet<DeviceId> =
            self.current().map(|member| member.keys.signing).collect();
        if wrapped.len() != rotation.wraps.len() || wrapped != current {
            return Err(AccessError::WrongWraps);
        }
        self.epoch = rotation.epoch;
        self.epoch_since = at;
        self.rotation_due = false;
        Ok(())
    }

    /// Checks a signed change against the list: the signature is its
    /// device's, and the device held the key of the change's epoch. With
    /// `live` (the relay storing a push, snapshot or retirement now), the
    /// device must be current, the epoch the current one, and a snapshot or
    /// retirement must come from an admin.
    pub fn check_blob(&self, blob: &SignedBlob, live: bool) -> Result<&Member, AccessError> {
        let member = self
            .members
            .get(&blob.device)
            .ok_or(AccessError::NotMember)?;
        if !member.held_epoch(blob.epoch) {
            return Err(AccessError::NotMember);
        }
        if !blob.verifies(&self.room, &member.keys) {
            return Err(AccessError::BadSignature);
        }
        if live {
            if !member.is_current() {
                return Err(AccessError::NotMember);
            }
            if blob.epoch != self.epoch {
                return Err(AccessError::WrongEpoch {
                    current: self.epoch,
                    found: blob.epoch,
                });
            }
            match blob.kind {
                BlobKind::Change => {}
                BlobKind::Snapshot if member.role != Role::Admin => {
                    return Err(AccessError::NeedsAdmin("replace the log with a snapshot"))
                }
                BlobKind::Retire if member.role != Role::Admin => {
                    return Err(AccessError::NeedsAdmin(
                        "move the programme to a new generation",
                    ))
                }
                BlobKind::Snapshot | BlobKind::Retire => {}
            }
        }
        Ok(member)
    }

    /// The kind of the entry at the head, for logs.
    pub fn describe(entry: &Entry) -> &'static str {
        entry.change.name()
    }
}

fn check_profile(profile: &[u8]) -> Result<(), AccessError> {
    if profile.len() > MAX_PROFILE_BYTES {
        Err(AccessError::ProfileTooLarge)
    } else {
        Ok(())
    }
}

/// An invitation as its link carries it: held by the admin who made it and
/// by the device it is for. It holds no key to the programme's content.
#[derive(Clone, PartialEq, Eq)]
pub struct Invitation {
    pub room: RoomId,
    /// The hash of the programme's genesis entry: a joining device refuses
    /// a member list that starts elsewhere.
    pub genesis: [u8; 32],
    pub id: InvitationId,
    secret: [u8; 32],
    /// Seconds since 1970.
    pub expires: u64,
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("room", &self.room)
            .field("id", &self.id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

const PROOF_LABEL: &[u8] = b"tandem invitation proof v2";
const PROFILE_LABEL: &[u8] = b"tandem invitation profile v2";

impl Invitation {
    /// A new invitation to the programme of `roster`, valid from `now` for
    /// `lifetime` seconds.
    pub fn new(roster: &Roster, now: u64, lifetime: u64) -> Result<Self, AccessError> {
        Ok(Self {
            room: roster.room,
            genesis: roster.genesis.ok_or(AccessError::Genesis)?,
            id: InvitationId(random_bytes()?),
            secret: random_bytes()?,
            expires: now.saturating_add(lifetime),
        })
    }

    /// What the introduction shows the relay: derived from the secret, and
    /// telling nothing about it.
    pub fn proof(&self) -> [u8; 32] {
        invitation_cipher(&self.secret, PROOF_LABEL)
    }

    /// The entry an admin signs to announce this invitation.
    pub fn announcement(&self) -> Change {
        Change::Invite {
            invitation: self.id,
            proof_hash: Sha256::digest(self.proof()).into(),
            expires: self.expires,
        }
    }

    /// The entry a new device signs to introduce itself with `profile`.
    pub fn introduction(
        &self,
        identity: &DeviceIdentity,
        profile: &[u8],
    ) -> Result<Change, AccessError> {
        let keys = identity.keys();
        Ok(Change::Introduce {
            invitation: self.id,
            proof: self.proof(),
            keys,
            profile: seal_with(&self.profile_cipher(), &keys.signing.0, profile)?,
        })
    }

    /// The admin reads a pending device's profile.
    pub fn open_profile(&self, pending: &Pending) -> Result<Vec<u8>, OpenError> {
        open_with(
            &self.profile_cipher(),
            &pending.keys.signing.0,
            &pending.profile,
        )
    }

    fn profile_cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&invitation_cipher(&self.secret, PROFILE_LABEL).into())
    }

    /// The fragment of the invitation link, without `#`:
    /// `room=…&invitation=…&secret=…&genesis=…&expires=…`.
    pub fn to_fragment(&self) -> String {
        format!(
            "room={}&invitation={}&secret={}&genesis={}&expires={}",
            self.room,
            URL_SAFE_NO_PAD.encode(self.id.0),
            URL_SAFE_NO_PAD.encode(self.secret),
            URL_SAFE_NO_PAD.encode(self.genesis),
            self.expires
        )
    }

    /// Reads a fragment written by [`to_fragment`](Self::to_fragment).
    pub fn from_fragment(fragment: &str) -> Option<Self> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut room = None;
        let mut id = None;
        let mut secret = None;
        let mut genesis = None;
        let mut expires = None;
        for part in fragment.split('&') {
            match part.split_once('=') {
                Some(("room", value)) => room = value.parse::<RoomId>().ok(),
                Some(("invitation", value)) => id = decode_fixed::<16>(value),
                Some(("secret", value)) => secret = decode_fixed::<32>(value),
                Some(("genesis", value)) => genesis = decode_fixed::<32>(value),
                Some(("expires", value)) => expires = value.parse::<u64>().ok(),
                _ => {}
            }
        }
        Some(Self {
            room: room?,
            genesis: genesis?,
            id: InvitationId(id?),
            secret: secret?,
            expires: expires?,
        })
    }
}

fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests;
