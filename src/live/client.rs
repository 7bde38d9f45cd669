//! The two ways a document reaches its room, behind one face for
//! [`crate::live`]: by the room key alone (protocol 1, tandem pages and
//! programmes shared before devices), or as a device of the programme's
//! signed member list (protocol 2, see `tandem_sync::access`).
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

use tandem_sync::access::{DeviceEvent, DeviceIdentity, DeviceSync, Role};
use tandem_sync::{ClientEvent, ErrorCode, Frame, Invite, RoomId, SyncClient, MAX_FRAME_BYTES};

use crate::settings::{DeviceRecord, SyncRecord};

/// What the relay's frames mean for live sync, from either client.
#[derive(Debug)]
pub(crate) enum LinkEvent {
    Changes(Vec<u8>),
    /// The relay stored the oldest push on its way.
    Acknowledged,
    /// The relay stored a member-list entry of this device.
    EntryStored,
    /// The member list changed (an entry from anyone).
    Members,
    /// The founding device's genesis is stored: come back as a device.
    Founded,
    Expires(u64),
    UpToDate,
    Retired(Vec<u8>),
    Refused(ErrorCode),
    /// A delivery the member list does not admit; not applied.
    Rejected,
}

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
    /// The whole document is to be pushed first (a programme just shared).
    pub upload: bool,
    /// The admin device whose signed retirement of the room arrived.
    retired_by: Option<tandem_sync::access::DeviceId>,
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
            upload: false,
            retired_by: None,
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
            DeviceEvent::Changes { changes, .. } => LinkEvent::Changes(changes),
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

/// The client of one live connection.
pub(crate) enum Client {
    Token(SyncClient),
    Device(Box<DeviceLink>),
}

impl Client {
    pub(crate) fn device(&self) -> Option<&DeviceLink> {
        match self {
            Client::Device(device) => Some(device),
            Client::Token(_) => None,
        }
    }

    pub(crate) fn device_mut(&mut self) -> Option<&mut DeviceLink> {
        match self {
            Client::Device(device) => Some(device),
            Client::Token(_) => None,
        }
    }

    /// Whether frames may be sent now.
    pub(crate) fn is_connected(&self) -> bool {
        match self {
            Client::Token(client) => client.is_connected(),
            Client::Device(device) => device.open,
        }
    }

    pub(crate) fn is_up_to_date(&self) -> bool {
        match self {
            Client::Token(client) => client.is_up_to_date(),
            Client::Device(device) => device.open && device.up_to_date,
        }
    }

    /// Pushes and entries the relay has not acknowledged yet.
    pub(crate) fn pending(&self) -> usize {
        match self {
            Client::Token(client) => client.pending(),
            Client::Device(device) => device.awaiting.len(),
        }
    }

    pub(crate) fn last_seen(&self) -> u64 {
        match self {
            Client::Token(client) => client.last_seen(),
            Client::Device(device) => device.sync.last_seen(),
        }
    }

    /// Whether changes may be handed to the client now: a device pushes
    /// only once its hello is sent and its genesis stored.
    pub(crate) fn takes_pushes(&self) -> bool {
        match self {
            Client::Token(_) => true,
            Client::Device(device) => device.is_member_connected(),
        }
    }

    pub(crate) fn push(&mut self, changes: &[u8]) -> Result<(), ()> {
        match self {
            Client::Token(client) => client.push(changes).map(|_| ()).map_err(|_| ()),
            Client::Device(device) => {
                device.sync.push(changes).map_err(|_| ())?;
                device.awaiting.push_back(Awaited::Push);
                Ok(())
            }
        }
    }

    /// A snapshot replacing the room's log; a device's only if it is an
    /// admin (the relay refuses it from anyone else).
    pub(crate) fn snapshot(&mut self, whole: &[u8]) -> Result<(), ()> {
        match self {
            Client::Token(client) => client.snapshot(whole).map(|_| ()).map_err(|_| ()),
            Client::Device(device) => {
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

    pub(crate) fn connect(&mut self, now: u64) -> Result<(), ()> {
        match self {
            Client::Token(client) => client.connect().map_err(|_| ()),
            Client::Device(device) => device.connect(now),
        }
    }

    /// The connection dropped. `last_seen`: how far the stored document is
    /// merged (a device starts again from there).
    pub(crate) fn disconnected(&mut self, last_seen: u64) {
        match self {
            Client::Token(client) => client.disconnected(),
            Client::Device(device) => device.disconnected(last_seen),
        }
    }

    pub(crate) fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        match self {
            Client::Token(client) => client.poll_transmit(),
            Client::Device(device) => device
                .founding_out
                .pop_front()
                .or_else(|| device.sync.poll_transmit()),
        }
    }

    pub(crate) fn receive(&mut self, bytes: &[u8]) -> Result<Option<LinkEvent>, ()> {
        match self {
            Client::Token(client) => {
                let event = client.receive(bytes).map_err(|_| ())?;
                Ok(event.map(|event| match event {
                    ClientEvent::Changes { changes, .. } => LinkEvent::Changes(changes),
                    ClientEvent::Acknowledged { .. } => LinkEvent::Acknowledged,
                    ClientEvent::Expires { at } => LinkEvent::Expires(at),
                    ClientEvent::UpToDate { .. } => LinkEvent::UpToDate,
                    ClientEvent::Retired { forwarding } => LinkEvent::Retired(forwarding),
                    ClientEvent::Refused { code, .. } => LinkEvent::Refused(code),
                }))
            }
            Client::Device(device) => device.receive(bytes),
        }
    }
}

/// The role a newly approved device gets.
pub(crate) const JOINING_ROLE: Role = Role::Coordinator;
