//! The client side of live sync, without any input or output of its own.
//!
//! [`SyncClient`] turns the app's intents (push these changes, upload this
//! snapshot) and the relay's frames into frames to send and events for the
//! app. The app owns the WebSocket: it calls [`SyncClient::connect`] when
//! the socket opens, sends whatever [`SyncClient::poll_transmit`] yields,
//! feeds every binary message to [`SyncClient::receive`], and calls
//! [`SyncClient::disconnected`] when the socket closes.
//!
//! The client remembers which sequences it has seen. After a reconnect its
//! hello asks for everything after the last unbroken sequence, deliveries it
//! already had are dropped, and pushes the relay has not acknowledged are
//! sent again. A push sent twice is harmless: Automerge applies a change
//! once however often it arrives.
//!
//! ```
//! use tandem_sync::{ClientEvent, Frame, Invite, SyncClient, MAX_FRAME_BYTES};
//!
//! let invite = Invite::new_room().unwrap();
//! let mut anna = SyncClient::new(invite.clone(), 0);
//! let mut ben = SyncClient::new(invite, 0);
//! anna.connect().unwrap();
//! let hello = anna.poll_transmit().unwrap();
//! assert!(matches!(Frame::decode(&hello, MAX_FRAME_BYTES), Ok(Frame::Hello { after: 0, .. })));
//!
//! anna.push(b"changes after the last acknowledged heads").unwrap();
//! let push = anna.poll_transmit().unwrap();
//!
//! // The relay stores the sealed blob as sequence 1 and hands it to Ben.
//! let Ok(Frame::Push { blob }) = Frame::decode(&push, MAX_FRAME_BYTES) else { panic!() };
//! let deliver = Frame::Deliver { sequence: 1, blob }.encode(MAX_FRAME_BYTES).unwrap();
//! ben.connect().unwrap();
//! match ben.receive(&deliver).unwrap() {
//!     Some(ClientEvent::Changes { sequence: 1, changes }) => {
//!         assert_eq!(changes, b"changes after the last acknowledged heads")
//!     }
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(ben.last_seen(), 1);
//! ```

use std::collections::{BTreeSet, VecDeque};

use crate::frame::{ErrorCode, Frame, FrameError, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use crate::seal::{OpenError, SealError};
use crate::{Invite, RoomOwner};

/// The app's handle on one push or snapshot, to learn when it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PushId(u64);

/// What the relay's frames mean for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// Changes from another device (or a whole document, from a snapshot):
    /// merge them.
    Changes { sequence: u64, changes: Vec<u8> },
    /// The relay has committed a push or snapshot; the heads it carried
    /// are now acknowledged.
    Acknowledged { push: PushId, sequence: u64 },
    /// The relay has sent everything it had; deliveries are live now.
    UpToDate { latest: u64 },
    /// The relay refused and closes the connection.
    Refused { code: ErrorCode, message: String },
    /// The room is retired (a person was erased and the programme moved to
    /// a new generation in a new room): `forwarding` is the opened notice,
    /// see [`Forwarding`](crate::Forwarding).
    Retired { forwarding: Vec<u8> },
    /// The room has not changed for a long time: the relay deletes it at
    /// `at` (seconds since 1970, UTC) unless a change comes before.
    Expires { at: u64 },
}

/// Why the client could not do what was asked, or could not use a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the changes stored under {sequence} could not be opened: {source}")]
    Unreadable { sequence: u64, source: OpenError },
    #[error("the relay sent a frame a relay never sends ({0})")]
    UnexpectedFrame(&'static str),
}

/// Sequences seen so far: all up to `through`, and some beyond it.
#[derive(Debug, Clone, Default)]
struct Seen {
    through: u64,
    beyond: BTreeSet<u64>,
}

impl Seen {
    fn contains(&self, sequence: u64) -> bool {
        sequence <= self.through || self.beyond.contains(&sequence)
    }

    fn insert(&mut self, sequence: u64) {
        if sequence > self.through {
            self.beyond.insert(sequence);
            self.close_gaps();
        }
    }

    fn insert_through(&mut self, sequence: u64) {
        if sequence > self.through {
            self.through = sequence;
            self.beyond.retain(|beyond| *beyond > sequence);
            self.close_gaps();
        }
    }

    fn close_gaps(&mut self) {
        while self.beyond.remove(&(self.through + 1)) {
            self.through += 1;
        }
    }
}

#[derive(Debug, Clone)]
struct Pending {
    push: PushId,
    frame: Vec<u8>,
}

/// One device's live connection to one room, as a state machine.
#[derive(Debug, Clone)]
pub struct SyncClient {
    invite: Invite,
    seen: Seen,
    pending: VecDeque<Pending>,
    outbox: VecDeque<Vec<u8>>,
    next_push: u64,
    connected: bool,
    up_to_date: bool,
    max_frame_bytes: usize,
    /// The room's owner, where this client's browser made the room.
    owner: Option<RoomOwner>,
}

impl SyncClient {
    /// A client for the room of `invite` that has seen everything up to
    /// `last_seen` (0 for a device new to the room; otherwise what
    /// [`last_seen`](Self::last_seen) said before the app was closed).
    pub fn new(invite: Invite, last_seen: u64) -> Self {
        Self {
            invite,
            seen: Seen {
                through: last_seen,
                beyond: BTreeSet::new(),
            },
            pending: VecDeque::new(),
            outbox: VecDeque::new(),
            next_push: 0,
            connected: false,
            up_to_date: false,
            max_frame_bytes: MAX_FRAME_BYTES,
            owner: None,
        }
    }

    /// This client's browser made the room and holds `owner`: it says so
    /// after each hello, and may retire the room and replace its log.
    pub fn with_owner(mut self, owner: RoomOwner) -> Self {
        self.owner = Some(owner);
        self
    }

    /// Whether this client may replace the room's log with a snapshot: in
    /// an owned room, only its owner.
    pub fn may_snapshot(&self) -> bool {
        !self.invite.room.is_owned() || self.owner.is_some()
    }

    /// Refuses frames larger than `limit` both ways (the relay's limit, if
    /// the app knows it).
    pub fn with_frame_limit(mut self, limit: usize) -> Self {
        self.max_frame_bytes = limit;
        self
    }

    /// The room this client syncs.
    pub fn invite(&self) -> &Invite {
        &self.invite
    }

    /// The last sequence up to which this client has seen everything: what
    /// the app stores to resume after a reload.
    pub fn last_seen(&self) -> u64 {
        self.seen.through
    }

    /// Pushes and snapshots the relay has not acknowledged yet.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Whether the socket is open.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Whether the relay has sent everything it had on this connection.
    pub fn is_up_to_date(&self) -> bool {
        self.connected && self.up_to_date
    }

    /// The socket has opened: the hello, then every unacknowledged push,
    /// wait in [`poll_transmit`](Self::poll_transmit).
    pub fn connect(&mut self) -> Result<(), ClientError> {
        let hello = Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: self.invite.room,
            token: self.invite.access_token(),
            after: self.seen.through,
        }
        .encode(self.max_frame_bytes)?;
        let own = match &self.owner {
            Some(owner) => Some(
                Frame::Own {
                    secret: owner.secret(),
                }
                .encode(self.max_frame_bytes)?,
            ),
            None => None,
        };
        self.connected = true;
        self.up_to_date = false;
        self.outbox.clear();
        self.outbox.push_back(hello);
        self.outbox.extend(own);
        self.outbox
            .extend(self.pending.iter().map(|pending| pending.frame.clone()));
        Ok(())
    }

    /// The socket has closed. Unacknowledged pushes wait for the next
    /// connection.
    pub fn disconnected(&mut self) {
        self.connected = false;
        self.up_to_date = false;
        self.outbox.clear();
    }

    /// The next frame to send on the open socket, if any.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.outbox.pop_front()
    }

    /// Seals `changes` (the document's changes after the last acknowledged
    /// heads) and queues them for the relay, now or on the next connection.
    pub fn push(&mut self, changes: &[u8]) -> Result<PushId, ClientError> {
        let blob = self.invite.key.seal(&self.invite.room, changes)?;
        self.enqueue(Frame::Push { blob })
    }

    /// Seals the whole document and queues it as a snapshot that replaces
    /// the room's log up to [`last_seen`](Self::last_seen). The document
    /// must already hold every change this client has handed to the app.
    pub fn snapshot(&mut self, whole: &[u8]) -> Result<PushId, ClientError> {
        let blob = self.invite.key.seal(&self.invite.room, whole)?;
        self.enqueue(Frame::Snapshot {
            through: self.seen.through,
            blob,
        })
    }

    /// Retires the room: the relay deletes everything it holds for it and
    /// keeps only `forwarding`, sealed with this room's key, to tell the
    /// devices that come later where the programme went.
    pub fn retire(&mut self, forwarding: &[u8]) -> Result<PushId, ClientError> {
        let notice = self.invite.key.seal(&self.invite.room, forwarding)?;
        self.enqueue(Frame::Retire { notice })
    }

    fn enqueue(&mut self, frame: Frame) -> Result<PushId, ClientError> {
        let frame = frame.encode(self.max_frame_bytes)?;
        let push = PushId(self.next_push);
        self.next_push += 1;
        if self.connected {
            self.outbox.push_back(frame.clone());
        }
        self.pending.push_back(Pending { push, frame });
        Ok(push)
    }

    /// Reads one message from the relay. `Ok(None)` when it brings nothing
    /// new (a delivery seen before).
    pub fn receive(&mut self, bytes: &[u8]) -> Result<Option<ClientEvent>, ClientError> {
        match Frame::decode(bytes, self.max_frame_bytes)? {
            Frame::Deliver { sequence, blob } => {
                if self.seen.contains(sequence) {
                    return Ok(None);
                }
                // An unreadable blob is marked seen all the same: asking
                // for it again would bring the same bytes.
                self.seen.insert(sequence);
                let changes = self.open(sequence, &blob)?;
                Ok(Some(ClientEvent::Changes { sequence, changes }))
            }
            Frame::Snapshot { through, blob } => {
                if through <= self.seen.through {
                    return Ok(None);
                }
                self.seen.insert_through(through);
                let changes = self.open(through, &blob)?;
                Ok(Some(ClientEvent::Changes {
                    sequence: through,
                    changes,
                }))
            }
            Frame::Ack { sequence } => {
                let pending = self
                    .pending
                    .pop_front()
                    .ok_or(ClientError::UnexpectedFrame("ack"))?;
                self.seen.insert(sequence);
                Ok(Some(ClientEvent::Acknowledged {
                    push: pending.push,
                    sequence,
                }))
            }
            Frame::Synced { latest } => {
                // The relay has replayed every sequence after our hello's
                // `after` up to `latest`, in order, before this frame.
                self.seen.insert_through(latest);
                self.up_to_date = true;
                Ok(Some(ClientEvent::UpToDate { latest }))
            }
            Frame::Error { code, message } => Ok(Some(ClientEvent::Refused { code, message })),
            Frame::Retired { notice } => {
                let forwarding = self.open(0, &notice)?;
                Ok(Some(ClientEvent::Retired { forwarding }))
            }
            Frame::Expires { at } => Ok(Some(ClientEvent::Expires { at })),
            Frame::Retire { .. } => Err(ClientError::UnexpectedFrame("retire")),
            Frame::Hello { .. } => Err(ClientError::UnexpectedFrame("hello")),
            Frame::Push { .. } => Err(ClientError::UnexpectedFrame("push")),
            // Protocol 2's frames belong to rooms with a member list, which
            // this client (a room key's) never opens.
            Frame::Access { .. } => Err(ClientError::UnexpectedFrame("access")),
            Frame::DeviceHello { .. } => Err(ClientError::UnexpectedFrame("device-hello")),
            Frame::Introduce { .. } => Err(ClientError::UnexpectedFrame("introduce")),
            Frame::Own { .. } => Err(ClientError::UnexpectedFrame("own")),
        }
    }

    fn open(&self, sequence: u64, blob: &[u8]) -> Result<Vec<u8>, ClientError> {
        self.invite
            .key
            .open(&self.invite.room, blob)
            .map_err(|source| ClientError::Unreadable { sequence, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RoomKey;

    fn invite() -> Invite {
        Invite::new_room().unwrap()
    }

    fn decode(bytes: &[u8]) -> Frame {
        Frame::decode(bytes, MAX_FRAME_BYTES).unwrap()
    }

    fn sent(client: &mut SyncClient) -> Vec<Frame> {
        std::iter::from_fn(|| client.poll_transmit())
            .map(|bytes| decode(&bytes))
            .collect()
    }

    fn deliver(invite: &Invite, sequence: u64, changes: &[u8]) -> Vec<u8> {
        let blob = invite.key.seal(&invite.room, changes).unwrap();
        Frame::Deliver { sequence, blob }
            .encode(MAX_FRAME_BYTES)
            .unwrap()
    }

    fn frame(frame: Frame) -> Vec<u8> {
        frame.encode(MAX_FRAME_BYTES).unwrap()
    }

    #[test]
    fn connecting_says_hello_with_the_room_token_and_last_sequence() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 17);
        client.connect().unwrap();
        assert_eq!(
            sent(&mut client),
            vec![Frame::Hello {
                protocol: PROTOCOL_VERSION,
                room: invite.room,
                token: invite.access_token(),
                after: 17,
            }]
        );
    }

    #[test]
    fn pushes_are_sealed_and_never_carry_the_plaintext() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 0);
        client.connect().unwrap();
        client.push(b"Mentorin Beispiel").unwrap();
        let frames = sent(&mut client);
        let Frame::Push { blob } = &frames[1] else {
            panic!("{frames:?}")
        };
        assert!(!blob.windows(8).any(|w| w == b"Mentorin"));
        assert_eq!(
            invite.key.open(&invite.room, blob).unwrap(),
            b"Mentorin Beispiel"
        );
    }

    #[test]
    fn a_delivery_opens_into_changes_and_a_repeated_one_is_dropped() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 0);
        client.connect().unwrap();
        let first = deliver(&invite, 1, b"eins");
        assert_eq!(
            client.receive(&first).unwrap(),
            Some(ClientEvent::Changes {
                sequence: 1,
                changes: b"eins".to_vec()
            })
        );
        assert_eq!(client.receive(&first).unwrap(), None);
        assert_eq!(client.last_seen(), 1);
    }

    #[test]
    fn deliveries_out_of_order_advance_the_last_sequence_only_without_gaps() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 0);
        client.connect().unwrap();
        client.receive(&deliver(&invite, 2, b"zwei")).unwrap();
        assert_eq!(client.last_seen(), 0);
        client.receive(&deliver(&invite, 3, b"drei")).unwrap();
        client.receive(&deliver(&invite, 1, b"eins")).unwrap();
        assert_eq!(client.last_seen(), 3);
        assert_eq!(client.receive(&deliver(&invite, 2, b"zwei")).unwrap(), None);
    }

    #[test]
    fn own_acknowledged_pushes_count_as_seen() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 4);
        client.connect().unwrap();
        let push = client.push(b"mine").unwrap();
        assert_eq!(
            client.receive(&frame(Frame::Ack { sequence: 5 })).unwrap(),
            Some(ClientEvent::Acknowledged { push, sequence: 5 })
        );
        assert_eq!(client.pending(), 0);
        assert_eq!(client.last_seen(), 5);
    }

    #[test]
    fn an_acknowledgement_before_an_earlier_delivery_does_not_skip_it_on_resume() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 4);
        client.connect().unwrap();
        client.push(b"mine").unwrap();
        // Another device's push took sequence 5; ours got 6 and was
        // acknowledged before 5 arrived. Then the connection dropped.
        client.receive(&frame(Frame::Ack { sequence: 6 })).unwrap();
        client.disconnected();
        assert_eq!(client.last_seen(), 4);
        client.connect().unwrap();
        assert!(matches!(
            sent(&mut client)[0],
            Frame::Hello { after: 4, .. }
        ));
        assert!(client
            .receive(&deliver(&invite, 5, b"theirs"))
            .unwrap()
            .is_some());
        assert_eq!(client.receive(&deliver(&invite, 6, b"mine")).unwrap(), None);
        assert_eq!(client.last_seen(), 6);
    }

    #[test]
    fn pushes_not_acknowledged_are_sent_again_after_a_reconnect_in_order() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 0);
        client.push(b"offline one").unwrap();
        client.connect().unwrap();
        client.push(b"online two").unwrap();
        let first = sent(&mut client);
        assert_eq!(first.len(), 3);
        client.receive(&frame(Frame::Ack { sequence: 1 })).unwrap();
        client.disconnected();

        client.connect().unwrap();
        let again = sent(&mut client);
        assert!(matches!(again[0], Frame::Hello { after: 1, .. }));
        assert_eq!(again[1..], first[2..]);
        assert_eq!(client.pending(), 1);
    }

    #[test]
    fn pushes_made_offline_wait_for_the_connection() {
        let mut client = SyncClient::new(invite(), 0);
        client.push(b"offline").unwrap();
        assert_eq!(client.poll_transmit(), None);
        client.connect().unwrap();
        let frames = sent(&mut client);
        assert!(matches!(
            frames[..],
            [Frame::Hello { .. }, Frame::Push { .. }]
        ));
    }

    #[test]
    fn being_up_to_date_moves_the_last_sequence_to_the_relays_latest() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 2);
        client.connect().unwrap();
        assert!(!client.is_up_to_date());
        client.receive(&deliver(&invite, 3, b"drei")).unwrap();
        assert_eq!(
            client.receive(&frame(Frame::Synced { latest: 3 })).unwrap(),
            Some(ClientEvent::UpToDate { latest: 3 })
        );
        assert!(client.is_up_to_date());
        assert_eq!(client.last_seen(), 3);
        client.disconnected();
        assert!(!client.is_up_to_date());
    }

    #[test]
    fn a_snapshot_from_the_relay_stands_for_everything_through_its_sequence() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 0);
        client.connect().unwrap();
        let blob = invite.key.seal(&invite.room, b"whole programme").unwrap();
        let snapshot = frame(Frame::Snapshot { through: 9, blob });
        assert_eq!(
            client.receive(&snapshot).unwrap(),
            Some(ClientEvent::Changes {
                sequence: 9,
                changes: b"whole programme".to_vec()
            })
        );
        assert_eq!(client.last_seen(), 9);
        assert_eq!(client.receive(&deliver(&invite, 5, b"old")).unwrap(), None);
        assert_eq!(client.receive(&snapshot).unwrap(), None);
    }

    #[test]
    fn a_snapshot_replaces_the_log_through_the_last_sequence_seen() {
        let invite = invite();
        let mut client = SyncClient::new(invite.clone(), 12);
        client.connect().unwrap();
        let push = client.snapshot(b"whole").unwrap();
        let frames = sent(&mut client);
        assert!(matches!(frames[1], Frame::Snapshot { through: 12, .. }));
        assert_eq!(
            client.receive(&frame(Frame::Ack { sequence: 12 })).unwrap(),
            Some(ClientEvent::Acknowledged { push, sequence: 12 })
        );
    }

    #[test]
    fn a_delivery_under_another_key_is_reported_and_not_asked_for_again() {
        let invite = invite();
        let stranger = Invite {
            room: invite.room,
            key: RoomKey::random().unwrap(),
        };
        let mut client = SyncClient::new(invite, 0);
        client.connect().unwrap();
        let foreign = deliver(&stranger, 1, b"other");
        assert!(matches!(
            client.receive(&foreign),
            Err(ClientError::Unreadable {
                sequence: 1,
                source: OpenError::NotAuthentic
            })
        ));
        assert_eq!(client.last_seen(), 1);
    }

    #[test]
    fn the_relays_refusal_reaches_the_app() {
        let mut client = SyncClient::new(invite(), 0);
        client.connect().unwrap();
        let refusal = frame(Frame::error(ErrorCode::NotAllowed, "wrong token"));
        assert_eq!(
            client.receive(&refusal).unwrap(),
            Some(ClientEvent::Refused {
                code: ErrorCode::NotAllowed,
                message: "wrong token".into()
            })
        );
    }

    #[test]
    fn the_relays_notice_that_the_room_expires_reaches_the_app() {
        let mut client = SyncClient::new(invite(), 0);
        client.connect().unwrap();
        assert_eq!(
            client
                .receive(&frame(Frame::Expires { at: 1_800_000_000 }))
                .unwrap(),
            Some(ClientEvent::Expires { at: 1_800_000_000 })
        );
    }

    #[test]
    fn garbage_and_impossible_frames_from_the_relay_are_errors_not_panics() {
        let mut client = SyncClient::new(invite(), 0);
        client.connect().unwrap();
        assert!(matches!(
            client.receive(b"\x01\xff\xff"),
            Err(ClientError::Frame(_))
        ));
        assert_eq!(
            client.receive(&frame(Frame::Ack { sequence: 1 })),
            Err(ClientError::UnexpectedFrame("ack"))
        );
        assert_eq!(
            client.receive(&frame(Frame::Push { blob: vec![] })),
            Err(ClientError::UnexpectedFrame("push"))
        );
    }

    #[test]
    fn changes_too_large_for_a_frame_are_refused_before_queuing() {
        let mut client = SyncClient::new(invite(), 0).with_frame_limit(100);
        assert!(matches!(
            client.push(&[0; 200]),
            Err(ClientError::Frame(FrameError::TooLarge { .. }))
        ));
        assert_eq!(client.pending(), 0);
    }
}
