//! The rooms that have clients connected right now.
//!
//! Each live room hands every newly stored blob, already encoded as a
//! deliver frame, to an outbox of each of its connections, and has a write
//! lock under which pushes are put in line for
//! the store, so that the queue's order is the order of the sequences and
//! blobs are broadcast in that order. A room counts its connections
//! against the relay's limit and is forgotten when the last one leaves.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use axum::body::Bytes;
use tandem_sync::{Frame, RoomId};
use tokio::sync::Notify;

use crate::store::Committed;

/// One connection, to tell a pusher's own delivery from the others'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConnectionId(u64);

impl ConnectionId {
    /// No connection of this relay: another relay process stored it.
    pub(crate) const ELSEWHERE: Self = Self(0);

    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The sequences that no stored blob ever has: what travels among a
/// room's connections besides blobs, each under a value of its own.
pub(crate) mod signal {
    /// The room was retired (its notice follows).
    pub(crate) const RETIRED: u64 = u64::MAX;
    /// The store failed on a write for the room.
    pub(crate) const STORE_FAILED: u64 = u64::MAX - 1;
    /// The room's member list gained an entry.
    pub(crate) const ACCESS: u64 = u64::MAX - 2;
}

/// A stored blob on its way to the room's connections.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub sequence: u64,
    /// The encoded deliver frame.
    pub frame: Bytes,
    pub from: ConnectionId,
}

/// Hands each delivery to the outbox of every connection of a room. The
/// frames are shared, not copied; an outbox holds at most a byte bound of
/// them, and a connection whose outbox would pass it has fallen too far
/// behind: it is told so and dropped, so that a client that never reads
/// pins no more than that bound, and the writer never waits for it.
#[derive(Debug)]
pub(crate) struct Deliveries {
    outboxes: Mutex<Vec<Weak<Outbox>>>,
    max_queued_bytes: usize,
}

/// What a connection has yet to send of its room's deliveries.
#[derive(Debug, Default)]
struct Outbox {
    queue: Mutex<Queue>,
    ready: Notify,
}

#[derive(Debug, Default)]
struct Queue {
    deliveries: VecDeque<Delivery>,
    bytes: usize,
    overflowed: bool,
}

/// A connection's end of its room's deliveries.
#[derive(Debug)]
pub(crate) struct Subscription {
    outbox: Arc<Outbox>,
}

/// The connection's outbox passed its byte bound: the client does not read
/// fast enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflowed;

impl Deliveries {
    pub(crate) fn new(max_queued_bytes: usize) -> Self {
        Self {
            outboxes: Mutex::new(Vec::new()),
            max_queued_bytes,
        }
    }

    /// A new outbox, which receives every delivery from now on.
    pub(crate) fn subscribe(&self) -> Subscription {
        let outbox = Arc::new(Outbox::default());
        self.outboxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Arc::downgrade(&outbox));
        Subscription { outbox }
    }

    /// Puts `delivery` into every outbox without waiting for any; returns
    /// how many took it.
    pub(crate) fn send(&self, delivery: Delivery) -> usize {
        let mut outboxes = self
            .outboxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        outboxes.retain(|outbox| outbox.strong_count() > 0);
        let mut taken = 0;
        for outbox in outboxes.iter().filter_map(Weak::upgrade) {
            let mut queue = outbox
                .queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if queue.overflowed {
                continue;
            }
            let size = delivery.frame.len();
            // One delivery always fits an empty outbox, however large.
            if !queue.deliveries.is_empty()
                && queue.bytes.saturating_add(size) > self.max_queued_bytes
            {
                queue.overflowed = true;
                queue.deliveries.clear();
                queue.bytes = 0;
            } else {
                queue.bytes = queue.bytes.saturating_add(size);
                queue.deliveries.push_back(delivery.clone());
                taken += 1;
            }
            drop(queue);
            outbox.ready.notify_one();
        }
        taken
    }
}

impl Subscription {
    /// The next delivery, waiting for one; an error once the outbox passed
    /// its bound.
    pub(crate) async fn recv(&mut self) -> Result<Delivery, Overflowed> {
        loop {
            {
                let mut queue = self
                    .outbox
                    .queue
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if queue.overflowed {
                    return Err(Overflowed);
                }
                if let Some(delivery) = queue.deliveries.pop_front() {
                    queue.bytes = queue.bytes.saturating_sub(delivery.frame.len());
                    return Ok(delivery);
                }
            }
            // One waiter only: a notification sent before this wait keeps
            // its permit.
            self.outbox.ready.notified().await;
        }
    }
}

/// A room with connections.
#[derive(Debug)]
pub(crate) struct LiveRoom {
    pub deliveries: Deliveries,
    /// Held while a push is put in line for the store (with a store that
    /// cannot keep appends in line: until it is stored and broadcast), and
    /// for snapshots and retirement.
    pub writes: tokio::sync::Mutex<()>,
    /// Read-held by every push from its place in line until its commit is
    /// answered; taking it for writing (under `writes`) waits until no push
    /// of the room is in flight.
    pub appending: Arc<tokio::sync::RwLock<()>>,
    /// The highest sequence this relay knows stored in the room (broadcast,
    /// or replayed to one of its connections).
    pub known: AtomicU64,
    /// The bytes the room holds in the store, as counted since they were
    /// last read from it ([`UNKNOWN_BYTES`] until then), pushes in flight
    /// included; raised only under `writes`, and set to [`UNKNOWN_BYTES`]
    /// when a push fails. It saves reading the store before every push;
    /// refusing a push for the room's size is always checked against the
    /// store, once no push is in flight.
    pub bytes: AtomicU64,
}

impl LiveRoom {
    /// What the store runs once a push from `from` is committed: the
    /// deliver frame goes to the room's connections (in sequence order, as
    /// the store runs these).
    pub(crate) fn broadcast_when_committed(self: &Arc<Self>, from: ConnectionId) -> Committed {
        let live = Arc::clone(self);
        Box::new(move |sequence, blob| {
            match (Frame::Deliver { sequence, blob }).encode(tandem_sync::MAX_FRAME_BYTES) {
                Ok(frame) => {
                    // No receiver (only the pusher, momentarily) is fine.
                    let _ = live.deliveries.send(Delivery {
                        sequence,
                        frame: Bytes::from(frame),
                        from,
                    });
                }
                Err(error) => {
                    tracing::error!(%error, sequence, "a stored blob does not fit a frame");
                }
            }
            live.known.fetch_max(sequence, Ordering::AcqRel);
        })
    }
}

/// The room's bytes are to be read from the store.
pub(crate) const UNKNOWN_BYTES: u64 = u64::MAX;

#[derive(Debug)]
struct Occupancy {
    room: Arc<LiveRoom>,
    connections: usize,
}

/// All live rooms of one relay.
#[derive(Debug)]
pub(crate) struct Rooms {
    live: Mutex<HashMap<RoomId, Occupancy>>,
    max_connections: usize,
    max_queued_bytes: usize,
}

impl Rooms {
    /// Rooms of at most `max_connections` each, whose connections may each
    /// fall `max_queued_bytes` of deliveries behind.
    pub(crate) fn new(max_connections: usize, max_queued_bytes: usize) -> Self {
        Self {
            live: Mutex::new(HashMap::new()),
            max_connections,
            max_queued_bytes,
        }
    }

    /// Enters `room`, or `None` when it is full.
    pub(crate) fn join(self: &Arc<Self>, room: RoomId) -> Option<Membership> {
        let mut live = self
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let occupancy = live.entry(room).or_insert_with(|| Occupancy {
            room: Arc::new(LiveRoom {
                deliveries: Deliveries::new(self.max_queued_bytes),
                writes: tokio::sync::Mutex::new(()),
                appending: Arc::default(),
                known: AtomicU64::new(0),
                bytes: AtomicU64::new(UNKNOWN_BYTES),
            }),
            connections: 0,
        });
        if occupancy.connections >= self.max_connections {
            if occupancy.connections == 0 {
                live.remove(&room);
            }
            return None;
        }
        occupancy.connections += 1;
        Some(Membership {
            rooms: Arc::clone(self),
            id: room,
            room: Arc::clone(&occupancy.room),
        })
    }

    /// The live room `room`, if it has connections.
    pub(crate) fn live(&self, room: RoomId) -> Option<Arc<LiveRoom>> {
        let live = self
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        live.get(&room).map(|occupancy| Arc::clone(&occupancy.room))
    }

    /// Every live room.
    pub(crate) fn all_live(&self) -> Vec<(RoomId, Arc<LiveRoom>)> {
        let live = self
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        live.iter()
            .map(|(room, occupancy)| (*room, Arc::clone(&occupancy.room)))
            .collect()
    }

    fn leave(&self, room: RoomId) {
        let mut live = self
            .live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(occupancy) = live.get_mut(&room) {
            occupancy.connections = occupancy.connections.saturating_sub(1);
            if occupancy.connections == 0 {
                live.remove(&room);
            }
        }
    }

    #[cfg(test)]
    fn live_rooms(&self) -> usize {
        self.live.lock().unwrap().len()
    }
}

/// A connection's place in a room; leaving is dropping it.
#[derive(Debug)]
pub(crate) struct Membership {
    rooms: Arc<Rooms>,
    id: RoomId,
    pub room: Arc<LiveRoom>,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.rooms.leave(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_admits_up_to_its_limit_and_frees_places_on_leaving() {
        let rooms = Arc::new(Rooms::new(2, 1024));
        let room = RoomId::from_bytes([1; 16]);
        let first = rooms.join(room).unwrap();
        let second = rooms.join(room).unwrap();
        assert!(rooms.join(room).is_none());
        assert!(rooms.join(RoomId::from_bytes([2; 16])).is_some());
        drop(first);
        let third = rooms.join(room).unwrap();
        drop(second);
        drop(third);
        assert_eq!(rooms.live_rooms(), 0);
    }

    fn delivery(sequence: u64, bytes: usize) -> Delivery {
        Delivery {
            sequence,
            frame: Bytes::from(vec![0; bytes]),
            from: ConnectionId::ELSEWHERE,
        }
    }

    #[tokio::test]
    async fn an_outbox_that_passes_its_byte_bound_is_dropped_and_others_go_on() {
        let deliveries = Deliveries::new(1000);
        let mut slow = deliveries.subscribe();
        let mut reading = deliveries.subscribe();
        // One delivery larger than the bound fits an empty outbox.
        assert_eq!(deliveries.send(delivery(1, 4000)), 2);
        assert_eq!(reading.recv().await.unwrap().sequence, 1);
        // The slow one holds 4,000 bytes and takes no more.
        assert_eq!(deliveries.send(delivery(2, 600)), 1);
        assert_eq!(reading.recv().await.unwrap().sequence, 2);
        assert!(matches!(slow.recv().await, Err(Overflowed)));
        assert_eq!(deliveries.send(delivery(3, 600)), 1);
        assert_eq!(reading.recv().await.unwrap().sequence, 3);
    }

    #[tokio::test]
    async fn a_dropped_subscription_takes_no_more_deliveries() {
        let deliveries = Deliveries::new(1000);
        let gone = deliveries.subscribe();
        drop(gone);
        assert_eq!(deliveries.send(delivery(1, 10)), 0);
    }
}
