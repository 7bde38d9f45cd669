//! What live sync ([`crate::live`]) asks of the client that speaks to a
//! document's room, and the client by the room key alone (protocol 1):
//! what a tandem page uses, and a programme shared before devices.
//!
//! A programme shared by device speaks protocol 2 as a device of its
//! signed member list instead ([`super::device`]). That client lives in a
//! module of its own so that the participant's app, whose tandem page
//! holds a room key only, carries none of the member lists' signatures and
//! key exchange.

use tandem_sync::{ClientEvent, ErrorCode, Invite, RoomOwner, SyncClient};

use crate::settings::{NoDevice, SyncRecord};

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

/// The client of one live connection, as [`crate::live`] drives it.
pub(crate) trait LinkClient: Sized + 'static {
    /// What its record keeps of a device ([`SyncRecord`]).
    type Device: Clone + serde::Serialize + serde::de::DeserializeOwned + 'static;

    /// The client for the room `record` keeps; `None` if its invite or
    /// device does not read.
    fn start(record: &SyncRecord<Self::Device>) -> Option<Self>;

    /// Whether frames may be sent now.
    fn is_connected(&self) -> bool;

    fn is_up_to_date(&self) -> bool;

    /// Pushes (and member-list entries) the relay has not acknowledged yet.
    fn pending(&self) -> usize;

    fn last_seen(&self) -> u64;

    /// Whether changes may be handed to the client now.
    fn takes_pushes(&self) -> bool {
        true
    }

    fn push(&mut self, changes: &[u8]) -> Result<(), ()>;

    /// Whether the relay would take a snapshot from this client (worth
    /// making one).
    fn may_snapshot(&self) -> bool {
        true
    }

    /// A snapshot replacing the room's log.
    fn snapshot(&mut self, whole: &[u8]) -> Result<(), ()>;

    /// The socket is open: say hello. `now`: seconds since 1970.
    fn connect(&mut self, now: u64) -> Result<(), ()>;

    /// The connection dropped. `last_seen`: how far the stored document is
    /// merged.
    fn disconnected(&mut self, last_seen: u64);

    /// Whether pushes the relay did not acknowledge are lost with the
    /// connection (the document is to send them again).
    fn drops_unacknowledged(&self) -> bool {
        false
    }

    /// The next frame to send.
    fn poll_transmit(&mut self) -> Option<Vec<u8>>;

    /// What a frame from the relay means.
    fn receive(&mut self, bytes: &[u8]) -> Result<Option<LinkEvent>, ()>;

    /// Appends the member-list entry due now, if any, and says whether it
    /// did. `record`: what the link keeps; `now`: seconds since 1970.
    fn append_due(&mut self, _record: &mut SyncRecord<Self::Device>, _now: u64) -> bool {
        false
    }

    /// Writes what the client keeps between sessions (beside the room's
    /// progress) into `record`.
    fn keep_in(&self, _record: &mut SyncRecord<Self::Device>) {}

    /// Whether a refusal of `code` only closes a stage of the connection
    /// (the founding device's room-key connection), not the link.
    fn closes_stage(&self, _code: &ErrorCode) -> bool {
        false
    }

    /// Whether a refusal of `code` means this device waits for the entry
    /// that admits it (approved by file; the admin's browser adds it once
    /// online): asked again later, not refused for good.
    fn awaits_admission(&self, _code: &ErrorCode) -> bool {
        false
    }
}

/// The client by the room key of `record`, whatever it keeps of a device.
pub(crate) fn by_room_key<D>(record: &SyncRecord<D>) -> Option<SyncClient> {
    let invite = Invite::from_fragment(&record.invite).ok()?;
    let client = SyncClient::new(invite, record.last_seen);
    let owner = record.owner.as_deref().and_then(RoomOwner::from_text);
    Some(match owner {
        Some(owner) => client.with_owner(owner),
        None => client,
    })
}

/// By the room key alone (protocol 1): a tandem page's.
impl LinkClient for SyncClient {
    type Device = NoDevice;

    fn start(record: &SyncRecord<NoDevice>) -> Option<Self> {
        by_room_key(record)
    }

    /// A participant's link never replaces the log of a room the
    /// coordinator owns (the relay would refuse it).
    fn may_snapshot(&self) -> bool {
        SyncClient::may_snapshot(self)
    }

    fn is_connected(&self) -> bool {
        SyncClient::is_connected(self)
    }

    fn is_up_to_date(&self) -> bool {
        SyncClient::is_up_to_date(self)
    }

    fn pending(&self) -> usize {
        SyncClient::pending(self)
    }

    fn last_seen(&self) -> u64 {
        SyncClient::last_seen(self)
    }

    fn push(&mut self, changes: &[u8]) -> Result<(), ()> {
        SyncClient::push(self, changes).map(|_| ()).map_err(|_| ())
    }

    fn snapshot(&mut self, whole: &[u8]) -> Result<(), ()> {
        SyncClient::snapshot(self, whole)
            .map(|_| ())
            .map_err(|_| ())
    }

    fn connect(&mut self, _now: u64) -> Result<(), ()> {
        SyncClient::connect(self).map_err(|_| ())
    }

    fn disconnected(&mut self, _last_seen: u64) {
        SyncClient::disconnected(self);
    }

    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        SyncClient::poll_transmit(self)
    }

    fn receive(&mut self, bytes: &[u8]) -> Result<Option<LinkEvent>, ()> {
        let event = SyncClient::receive(self, bytes).map_err(|_| ())?;
        Ok(event.map(|event| match event {
            ClientEvent::Changes { changes, .. } => LinkEvent::Changes(changes),
            ClientEvent::Acknowledged { .. } => LinkEvent::Acknowledged,
            ClientEvent::Expires { at } => LinkEvent::Expires(at),
            ClientEvent::UpToDate { .. } => LinkEvent::UpToDate,
            ClientEvent::Retired { forwarding } => LinkEvent::Retired(forwarding),
            ClientEvent::Refused { code, .. } => LinkEvent::Refused(code),
        }))
    }
}
