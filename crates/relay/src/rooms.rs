//! The rooms that have clients connected right now.
//!
//! Each live room has a broadcast channel that carries every newly stored
//! blob, already encoded as a deliver frame, to all of the room's
//! connections, and a write lock under which pushes are put in line for
//! the store, so that the queue's order is the order of the sequences and
//! blobs are broadcast in that order. A room counts its connections
//! against the relay's limit and is forgotten when the last one leaves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use tandem_sync::{Frame, RoomId};
use tokio::sync::broadcast;

use crate::store::Committed;

/// How many deliveries a slow connection may fall behind before it catches
/// up from the store instead.
const BROADCAST_CAPACITY: usize = 256;

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

/// A stored blob on its way to the room's connections.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub sequence: u64,
    /// The encoded deliver frame.
    pub frame: Bytes,
    pub from: ConnectionId,
}

/// A room with connections.
#[derive(Debug)]
pub(crate) struct LiveRoom {
    pub deliveries: broadcast::Sender<Delivery>,
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
}

impl Rooms {
    pub(crate) fn new(max_connections: usize) -> Self {
        Self {
            live: Mutex::new(HashMap::new()),
            max_connections,
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
                deliveries: broadcast::channel(BROADCAST_CAPACITY).0,
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
        let rooms = Arc::new(Rooms::new(2));
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
}
