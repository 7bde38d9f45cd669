//! A store that fails — a full disk, a read-only database, a database
//! that went away — fails for every connection of the room, not only for
//! the one whose push it could not commit: each of them is sent an error
//! frame (`storage`, which apps treat as temporary) and closed, so that
//! every device shows that its changes wait and tries again, instead of
//! the others believing their next push will be taken. Nothing that
//! failed was acknowledged; the store is tried afresh on every reconnect,
//! so the relay recovers by itself once the disk has room again.

use axum::body::Bytes;
use tandem_sync::{ErrorCode, Frame};

use super::{Connection, Refusal};
use crate::rooms::{Delivery, LiveRoom};
use crate::store::{RoomStore, StoreError};

pub(super) use crate::rooms::signal::STORE_FAILED;

/// What every client of the room is told.
const MESSAGE: &str = "the relay could not store the room's changes; they wait on the devices";

impl<S: RoomStore> Connection<S> {
    /// The store failed on a write for `live`: the room's other
    /// connections hear of it, and this one is refused.
    pub(super) fn store_failed(&self, live: &LiveRoom, error: StoreError) -> Refusal {
        if let Ok(frame) = Frame::error(ErrorCode::Storage, MESSAGE).encode(usize::MAX) {
            let _ = live.deliveries.send(Delivery {
                sequence: STORE_FAILED,
                frame: Bytes::from(frame),
                from: self.id,
            });
        }
        Refusal::storage(error)
    }

    /// Another connection of the room found the store failing.
    pub(super) fn store_failed_elsewhere(&self) -> Refusal {
        Refusal::new(ErrorCode::Storage, MESSAGE)
    }
}
