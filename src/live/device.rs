//! A programme's connection as a device of its signed member list
//! (protocol 2, see `tandem_sync::access`), or by the room key alone for a
//! programme shared before devices: the client of a programme's
//! [`RelayLink`]. Only the coordinators' app has it; a tandem page's link
//! is by the room key ([`super::client`]).
//!
//! A device connection differs in three ways the rest of live sync need
//! not know about. The founding device first lays down the genesis of the
//! member list with the room key, then comes back as a device. A device
//! pushes only after its signed hello (pushes queued before would reach the
//! relay first and be refused), so changes wait in the document, not in
//! the client, while offline. And a dropped connection starts the device
//! afresh from its kept member list: what was sent and not acknowledged is
//! sent again from the document.

use std::collections::VecDeque;

use tandem_core::Provenance;
use tandem_sync::access::{DeviceEvent, DeviceIdentity, DeviceSync, Role};
use tandem_sync::{ErrorCode, Frame, Invite, RoomId, SyncClient, MAX_FRAME_BYTES};

use super::client::{LinkClient, LinkEvent};
use super::RelayLink;
use crate::settings::{DeviceRecord, SyncRecord};

/// What an acknowledgement of the relay stands for, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaited {
    Push,
    Entry,
}

/// A device's connection to its programme's room.
pub(crate) struct DeviceLink {
    sync: DeviceSync,
    identity: DeviceIdentity,
    room: RoomId,
    /// The room key, while the genesis is not stored at the relay yet.
    founding: Option<Invite>,
    /// The hello (or, founding, the room key's hello) is sent.
    open: bool,
    /// The device's own signed hello is sent on this connection.
    member_hello: bool,
    up_to_date: bool,
    awaiting: VecDeque<Awaited>,
    /// Frames of the room key's connection while founding.
    founding_out: VecDeque<Vec<u8>>,
    /// The admin device whose signed retirement of the room arrived.
    retired_by: Option<tandem_sync::access::DeviceId>,
    /// Which changes which member's signed deliveries (this device's own
    /// pushes included) vouched for.
    provenance: Provenance,
}

impl DeviceLink {
    /// The device `record` keeps, for the room of `invite` (`room=…`, with
    /// the room key only for a founding device).
    pub(crate) fn resume(record: &SyncRecord, device: &DeviceRecord) -> Option<Self> {
        let room = room_of(&record.invite)?;
        let identity = device.identity()?;
        let sync = DeviceSync::resume(
            room,
            identity.clone(),
            None,
            &device.entries,
            record.last_seen,
        )
        .ok()?;
        let founding = if device.founded {
            None
        } else {
            Some(Invite::from_fragment(&record.invite).ok()?)
        };
        Some(Self {
            sync,
            identity,
            room,
            founding,
            open: false,
            member_hello: false,
            up_to_date: false,
            awaiting: VecDeque::new(),
            founding_out: VecDeque::new(),
            retired_by: None,
            provenance: device.vouched.clone(),
        })
    }

    pub(crate) fn sync(&self) -> &DeviceSync {
        &self.sync
    }

    pub(crate) fn sync_mut(&mut self) -> &mut DeviceSync {
        &mut self.sync
    }

    pub(crate) fn identity(&self) -> &DeviceIdentity {
        &self.identity
    }

    /// Whether this device is an admin of the programme now.
    pub(crate) fn is_admin(&self) -> bool {
        self.sync.roster().is_admin(&self.identity.id())
    }

    /// Whether this device is connected as a member (entries may be sent).
    pub(crate) fn is_member_connected(&self) -> bool {
        self.open && self.member_hello
    }

    /// Who retired the room, as the member list shows them: coordinator
    /// and organisation (profile bytes), read from the signed retirement.
    pub(crate) fn retired_by(&self) -> Option<Vec<u8>> {
        self.sync.profile_of(&self.retired_by?)
    }

    /// The member that made change `seq` of Automerge actor `actor` (hex):
    /// its profile as the member list keeps it, if a signed delivery of
    /// that device held the change.
    pub(crate) fn made_by(&self, actor: &str, seq: u64) -> Option<Vec<u8>> {
        let prefix = self.provenance.made_by(actor, seq)?;
        let member = self
            .sync
            .roster()
            .members()
            .find(|member| member.keys.signing.0.starts_with(&prefix))?;
        self.sync.profile_of(&member.keys.signing)
    }

    /// A member-list entry of this device waits for the relay.
    pub(crate) fn awaits_entry(&self) -> bool {
        self.awaiting.contains(&Awaited::Entry)
    }

    /// Connected as a member and has read the whole list and room.
    pub(crate) fn is_caught_up(&self) -> bool {
        self.is_member_connected() && self.up_to_date
    }

    /// The genesis is stored: the next connection is the device's.
    pub(crate) fn is_founded(&self) -> bool {
        self.founding.is_none()
    }

    /// A member-list entry was sent; its acknowledgement is awaited.
    pub(crate) fn appended(&mut self) {
        self.awaiting.push_back(Awaited::Entry);
    }

    fn connect(&mut self, now: u64) -> Result<(), ()> {
        self.open = true;
        self.member_hello = false;
        self.up_to_date = false;
        self.awaiting.clear();
        if let Some(invite) = &self.founding {
            let hello = Frame::Hello {
                protocol: tandem_sync::PROTOCOL_VERSION,
                room: invite.room,
                token: invite.access_token(),
                after: 0,
            };
            let bytes = hello.encode(MAX_FRAME_BYTES).map_err(|_| ())?;
            self.founding_out.push_back(bytes);
            return Ok(());
        }
        self.member_hello = true;
        self.sync.connect(now).map_err(|_| ())
    }

    /// Starts a new key epoch when a device left by itself and this is an
    /// admin's device, connected: the device that left receives no key to
    /// what is written from now on. Another admin's rotation stored first
    /// comes back as a stale-epoch refusal, lifted on the next connection.
    fn rotate_if_due(&mut self, now: u64) -> bool {
        // Only once the whole list is read: a rotation made halfway
        // through it may be due no more.
        if !self.is_caught_up() || self.awaits_entry() || !self.sync.rotation_due_here() {
            return false;
        }
        if self.sync.rotate(now).is_err() {
            return false;
        }
        self.appended();
        true
    }

    /// Carries the devices of the previous generation (`record`) into this
    /// room's member list, one entry at a time (each follows the one
    /// before), once this admin device founded the room after an erasure.
    fn carry_if_due(&mut self, record: &mut SyncRecord, now: u64) -> bool {
        if !self.is_caught_up() || self.awaits_entry() {
            return false;
        }
        let Some(kept) = record.device.as_mut() else {
            return false;
        };
        let roster = self.sync.roster();
        // A device that asked by link meanwhile waits among the requests
        // instead: an entry for it here would be refused, and hold up the
        // devices after it.
        kept.carry
            .retain(|carried| !roster.knows(&carried.keys.signing));
        let Some(next) = kept.carry.first().cloned() else {
            return false;
        };
        if !self.is_admin() {
            return false;
        }
        if self
            .sync
            .carry(next.keys, next.role, &next.profile, now)
            .is_err()
        {
            return false;
        }
        self.appended();
        true
    }

    /// Starts afresh from the kept member list: nothing queued survives a
    /// dropped connection (the document sends it again). `last_seen`: how
    /// far the stored document is merged.
    fn disconnected(&mut self, last_seen: u64) {
        self.open = false;
        self.member_hello = false;
        self.up_to_date = false;
        self.awaiting.clear();
        self.founding_out.clear();
        if let Ok(sync) = DeviceSync::resume(
            self.room,
            self.identity.clone(),
            None,
            self.sync.entries(),
            last_seen,
        ) {
            self.sync = sync;
        }
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<Option<LinkEvent>, ()> {
        if self.founding.is_some() {
            // The room key's connection: the genesis follows the replay,
            // and after it is stored the relay closes this connection.
            return Ok(
                match Frame::decode(bytes, MAX_FRAME_BYTES).map_err(|_| ())? {
                    Frame::Synced { .. } => {
                        let entry = self.sync.entries().first().cloned().ok_or(())?;
                        let frame = Frame::Access { position: 0, entry };
                        self.founding_out
                            .push_back(frame.encode(MAX_FRAME_BYTES).map_err(|_| ())?);
                        None
                    }
                    Frame::Ack { .. } => {
                        self.founding = None;
                        Some(LinkEvent::Founded)
                    }
                    Frame::Error { code, .. } => Some(LinkEvent::Refused(code)),
                    _ => None,
                },
            );
        }
        let event = self.sync.receive(bytes).map_err(|_| ())?;
        Ok(event.map(|event| match event {
            DeviceEvent::Changes {
                changes, author, ..
            } => {
                self.provenance.vouch(&author.0, &changes);
                LinkEvent::Changes(changes)
            }
            DeviceEvent::Rejected { .. } => LinkEvent::Rejected,
            DeviceEvent::Members { .. } => LinkEvent::Members,
            DeviceEvent::Acknowledged { .. } => match self.awaiting.pop_front() {
                Some(Awaited::Entry) => LinkEvent::EntryStored,
                _ => LinkEvent::Acknowledged,
            },
            DeviceEvent::UpToDate { .. } => {
                self.up_to_date = true;
                LinkEvent::UpToDate
            }
            DeviceEvent::Refused { code, .. } => LinkEvent::Refused(code),
            DeviceEvent::Retired { forwarding, author } => {
                self.retired_by = Some(author);
                LinkEvent::Retired(forwarding)
            }
            DeviceEvent::Expires { at } => LinkEvent::Expires(at),
        }))
    }
}

/// The room id of a record's `room=…[&key=…]`.
pub(crate) fn room_of(fragment: &str) -> Option<RoomId> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("room="))?
        .parse()
        .ok()
}

/// The client of a programme's connection.
pub(crate) enum ProgrammeClient {
    Token(SyncClient),
    Device(Box<DeviceLink>),
}

impl ProgrammeClient {
    pub(crate) fn device(&self) -> Option<&DeviceLink> {
        match self {
            Self::Device(device) => Some(device),
            Self::Token(_) => None,
        }
    }

    pub(crate) fn device_mut(&mut self) -> Option<&mut DeviceLink> {
        match self {
            Self::Device(device) => Some(device),
            Self::Token(_) => None,
        }
    }
}

impl LinkClient for ProgrammeClient {
    type Device = DeviceRecord;

    fn start(record: &SyncRecord) -> Option<Self> {
        match &record.device {
            Some(device) => {
                DeviceLink::resume(record, device).map(|device| Self::Device(Box::new(device)))
            }
            None => super::client::by_room_key(record).map(Self::Token),
        }
    }

    fn is_connected(&self) -> bool {
        match self {
            Self::Token(client) => client.is_connected(),
            Self::Device(device) => device.open,
        }
    }

    fn is_up_to_date(&self) -> bool {
        match self {
            Self::Token(client) => client.is_up_to_date(),
            Self::Device(device) => device.open && device.up_to_date,
        }
    }

    fn pending(&self) -> usize {
        match self {
            Self::Token(client) => client.pending(),
            Self::Device(device) => device.awaiting.len(),
        }
    }

    fn last_seen(&self) -> u64 {
        match self {
            Self::Token(client) => client.last_seen(),
            Self::Device(device) => device.sync.last_seen(),
        }
    }

    /// A device pushes only once its hello is sent and its genesis stored,
    /// and once it holds the programme's key: one approved by file gets it
    /// from the list the relay sends after the hello.
    fn takes_pushes(&self) -> bool {
        match self {
            Self::Token(_) => true,
            Self::Device(device) => device.is_member_connected() && device.sync.key().is_some(),
        }
    }

    fn push(&mut self, changes: &[u8]) -> Result<(), ()> {
        match self {
            Self::Token(client) => LinkClient::push(client, changes),
            Self::Device(device) => {
                device.sync.push(changes).map_err(|_| ())?;
                let own = device.identity.id();
                device.provenance.vouch(&own.0, changes);
                device.awaiting.push_back(Awaited::Push);
                Ok(())
            }
        }
    }

    /// The relay takes a device's snapshot only if it is an admin.
    fn may_snapshot(&self) -> bool {
        match self {
            Self::Token(_) => true,
            Self::Device(device) => device.is_admin(),
        }
    }

    fn snapshot(&mut self, whole: &[u8]) -> Result<(), ()> {
        match self {
            Self::Token(client) => LinkClient::snapshot(client, whole),
            Self::Device(device) => {
                if !device.is_admin() || !device.is_member_connected() {
                    return Err(());
                }
                let through = device.sync.last_seen();
                device.sync.snapshot(through, whole).map_err(|_| ())?;
                device.awaiting.push_back(Awaited::Push);
                Ok(())
            }
        }
    }

    fn connect(&mut self, now: u64) -> Result<(), ()> {
        match self {
            Self::Token(client) => LinkClient::connect(client, now),
            Self::Device(device) => device.connect(now),
        }
    }

    /// A device starts again from how far the stored document is merged.
    fn disconnected(&mut self, last_seen: u64) {
        match self {
            Self::Token(client) => LinkClient::disconnected(client, last_seen),
            Self::Device(device) => device.disconnected(last_seen),
        }
    }

    fn drops_unacknowledged(&self) -> bool {
        matches!(self, Self::Device(_))
    }

    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        match self {
            Self::Token(client) => client.poll_transmit(),
            Self::Device(device) => device
                .founding_out
                .pop_front()
                .or_else(|| device.sync.poll_transmit()),
        }
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<Option<LinkEvent>, ()> {
        match self {
            Self::Token(client) => LinkClient::receive(client, bytes),
            Self::Device(device) => device.receive(bytes),
        }
    }

    /// A new key epoch, or the next device carried over.
    fn append_due(&mut self, record: &mut SyncRecord, now: u64) -> bool {
        match self {
            Self::Token(_) => false,
            Self::Device(device) => device.rotate_if_due(now) || device.carry_if_due(record, now),
        }
    }

    /// Keeps the device's member list in the record.
    fn keep_in(&self, record: &mut SyncRecord) {
        if let (Some(device), Some(kept)) = (self.device(), record.device.as_mut()) {
            kept.entries = device.sync().entries().to_vec();
            kept.founded = device.is_founded();
            kept.vouched = device.provenance.clone();
        }
    }

    /// A device approved by file is in no entry of the list it knows (a
    /// removed device is, and one that asked by link waits elsewhere):
    /// the relay refuses it until the admin's entry is there.
    fn awaits_admission(&self, code: &ErrorCode) -> bool {
        *code == ErrorCode::NotMember
            && self
                .device()
                .is_some_and(|device| !device.sync().roster().knows(&device.identity().id()))
    }

    /// The relay closes the founding device's room-key connection once the
    /// genesis is stored: the device comes back as a member.
    fn closes_stage(&self, code: &ErrorCode) -> bool {
        *code == ErrorCode::NotMember
            && self
                .device()
                .is_some_and(|device| device.is_founded() && !device.is_member_connected())
    }
}

impl RelayLink<ProgrammeClient> {
    /// This browser as a device of the programme, when it is shared by
    /// device.
    pub(crate) fn device(&self) -> Option<&DeviceLink> {
        self.client.device()
    }

    pub(crate) fn device_mut(&mut self) -> Option<&mut DeviceLink> {
        self.client.device_mut()
    }
}

/// The role a newly approved device gets.
pub(crate) const JOINING_ROLE: Role = Role::Coordinator;
