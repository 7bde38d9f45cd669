//! Forwarding what other relay processes stored in a shared store to this
//! relay's own connections.
//!
//! The store says which room got which sequence elsewhere
//! ([`Elsewhere`]); if the room is live here, the entries this relay has
//! not yet broadcast are read from the store and broadcast in order, under
//! the room's write lock, like a local push. A connection that sees a
//! sequence jump (a notice overtook a local push, or one was missed)
//! catches up from the store itself, so no client ever sees a gap.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use tandem_sync::{Frame, RoomId};
use tokio::sync::mpsc;

use crate::rooms::{ConnectionId, Delivery, LiveRoom, Rooms, UNKNOWN_BYTES};
use crate::store::{Elsewhere, RoomStore};

/// Runs until the store stops sending news.
pub(crate) async fn forward<S: RoomStore>(
    store: Arc<S>,
    rooms: Arc<Rooms>,
    mut news: mpsc::UnboundedReceiver<Elsewhere>,
) {
    while let Some(item) = news.recv().await {
        match item {
            Elsewhere::Stored { room, sequence } => {
                if let Some(live) = rooms.live(room) {
                    catch_up(&*store, room, &live, Some(sequence)).await;
                }
            }
            Elsewhere::Retired { room, notice } => {
                if let Some(live) = rooms.live(room) {
                    tell_retired(&live, notice).await;
                }
            }
            Elsewhere::Missed => {
                for (room, live) in rooms.all_live() {
                    catch_up(&*store, room, &live, None).await;
                }
            }
        }
    }
}

use crate::rooms::signal::RETIRED;

/// Tells the room's connections here that another relay retired it; they
/// pass the notice on and close.
async fn tell_retired(live: &LiveRoom, notice: Vec<u8>) {
    let _writing = live.writes.lock().await;
    match (Frame::Retired { notice }).encode(tandem_sync::MAX_FRAME_BYTES) {
        Ok(frame) => {
            let _ = live.deliveries.send(Delivery {
                sequence: RETIRED,
                frame: Bytes::from(frame),
                from: ConnectionId::ELSEWHERE,
            });
        }
        Err(error) => tracing::error!(%error, "a retirement notice does not fit a frame"),
    }
}

/// Broadcasts what `room` holds beyond what this relay knows of, when
/// `stored` (if given) is beyond it.
async fn catch_up<S: RoomStore>(store: &S, room: RoomId, live: &LiveRoom, stored: Option<u64>) {
    let _writing = live.writes.lock().await;
    let known = live.known.load(Ordering::Acquire);
    if stored.is_some_and(|stored| stored <= known) {
        return;
    }
    // A room nothing was broadcast in yet: only its newest entry; a
    // connection behind that catches up from the store by itself.
    let after = match (known, stored) {
        (0, Some(stored)) => stored.saturating_sub(1),
        (0, None) => match store.read_after(room, u64::MAX).await {
            Ok(probe) => probe.latest.saturating_sub(1),
            Err(error) => {
                tracing::error!(%error, room = %crate::logging::room(room), "cannot read what another relay stored");
                return;
            }
        },
        _ => known,
    };
    let replay = match store.read_after(room, after).await {
        Ok(replay) => replay,
        Err(error) => {
            tracing::error!(%error, room = %crate::logging::room(room), "cannot read what another relay stored");
            return;
        }
    };
    for entry in replay.entries {
        if entry.sequence <= known {
            continue;
        }
        let sequence = entry.sequence;
        let size = entry.blob.len() as u64;
        let frame = match (Frame::Deliver {
            sequence,
            blob: entry.blob,
        })
        .encode(tandem_sync::MAX_FRAME_BYTES)
        {
            Ok(frame) => frame,
            Err(error) => {
                tracing::error!(%error, room = %crate::logging::room(room), sequence, "a stored blob does not fit a frame");
                continue;
            }
        };
        // No receiver (the room's connections just left) is fine.
        let _ = live.deliveries.send(Delivery {
            sequence,
            frame: Bytes::from(frame),
            from: ConnectionId::ELSEWHERE,
        });
        let bytes = live.bytes.load(Ordering::Acquire);
        if bytes != UNKNOWN_BYTES {
            live.bytes
                .store(bytes.saturating_add(size), Ordering::Release);
        }
    }
    live.known.fetch_max(replay.latest, Ordering::AcqRel);
}
