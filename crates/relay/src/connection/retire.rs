//! Retiring a room: after a person is erased, the programme lives on in a
//! new room with a new key, and the old room must keep nothing.
//!
//! A client sends `Retire { notice }`; the store deletes the room's log and
//! snapshot and keeps a tombstone with the sealed notice. Every other
//! connection of the room is sent `Retired { notice }` and closed; a client
//! that says hello to the room later gets the same and is closed too. The
//! retiring client gets an acknowledgement, then its connection closes.

use axum::body::Bytes;
use tandem_sync::{ErrorCode, Frame, RoomId};

use super::{Connection, Refusal};
use crate::rooms::{Delivery, Membership};
use crate::store::{RoomStore, StoreError};

pub(super) use crate::rooms::signal::RETIRED;

impl<S: RoomStore> Connection<S> {
    /// Retires the room and tells its other connections.
    pub(super) async fn retire(
        &mut self,
        room: RoomId,
        membership: &Membership,
        notice: Vec<u8>,
    ) -> Result<(), Refusal> {
        self.check_blob(&notice)?;
        let live = &membership.room;
        let _writing = live.writes.lock().await;
        // Pushes in flight are committed, broadcast and acknowledged first.
        drop(live.appending.write().await);
        match self.state.store.retire(room, notice.clone()).await {
            Ok(()) => {}
            Err(StoreError::NoSuchRoom) => {
                return Err(Refusal::new(
                    ErrorCode::NotAllowed,
                    "the room does not exist any more",
                ))
            }
            Err(error) => return Err(Refusal::storage(error)),
        }
        tracing::info!("room retired; its log is deleted");
        let frame = Frame::Retired { notice }.encode(tandem_sync::MAX_FRAME_BYTES)?;
        // This connection hears it too, and closes after its acknowledgement.
        let _ = live.deliveries.send(Delivery {
            sequence: RETIRED,
            frame: Bytes::from(frame),
            from: self.id,
        });
        self.send(Frame::Ack { sequence: 0 }).await
    }

    /// The room was retired by another connection: pass the notice on and
    /// close.
    pub(super) async fn retired_while_here(&mut self, delivery: Delivery) -> Result<(), Refusal> {
        if delivery.from != self.id {
            self.send_bytes(delivery.frame).await?;
        }
        Ok(())
    }

    /// A hello to a retired room: the notice, then the connection closes.
    pub(super) async fn tell_retired(&mut self, notice: Vec<u8>) -> Result<(), Refusal> {
        tracing::info!("hello to a retired room");
        self.send(Frame::Retired { notice }).await
    }
}
