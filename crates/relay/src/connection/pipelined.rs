//! Pushes of one room are put in line while earlier ones are still being
//! committed: they share a commit, and the room's connections get them in
//! sequence order without catching up from the store.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tandem_sync::{Frame, Invite, SEAL_OVERHEAD};

use super::testing::{frame_or_close, join, send_frame, serve, Database, Socket};
use crate::{RelayConfig, SqliteStore};

const PATIENCE: Duration = Duration::from_secs(10);

/// A connection in sync with `invite`'s empty room.
async fn joined(addr: std::net::SocketAddr, invite: &Invite) -> Socket {
    let (socket, replayed) = join(addr, invite).await;
    assert!(replayed.is_empty(), "the room is empty: {replayed:?}");
    socket
}

/// The next frame of an open socket.
async fn frame(socket: &mut Socket) -> Frame {
    frame_or_close(socket).await.expect("the socket is open")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_of_one_room_share_a_commit_and_arrive_in_sequence_order() {
    const PUSHERS: usize = 6;
    let database = Database::new("pipelined");
    // One shard: its writer is the room's.
    let store = SqliteStore::open_sharded(&database.0, 1).unwrap();
    let (commits, appender) = store.writer();
    let batches = Arc::clone(&appender.batches);
    let queued = Arc::clone(&appender.queued);
    let replays = Arc::clone(&store.replays);
    let (addr, server) = serve(store, RelayConfig::default()).await;

    let invite = Invite::new_room().unwrap();
    let mut watcher = joined(addr, &invite).await;
    let mut pushers = Vec::new();
    for _ in 0..PUSHERS {
        pushers.push(joined(addr, &invite).await);
    }

    // No commit can happen until every push is in line.
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (holding, held) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let _commits = commits.lock().unwrap();
        holding.send(()).unwrap();
        let _ = released.recv();
    });
    held.recv().unwrap();
    for (index, pusher) in pushers.iter_mut().enumerate() {
        let blob = vec![index as u8; SEAL_OVERHEAD + 8];
        send_frame(pusher, Frame::Push { blob }).await;
    }
    let waiting = tokio::time::Instant::now();
    while queued.load(Ordering::SeqCst) < PUSHERS {
        let in_line = queued.load(Ordering::SeqCst);
        if waiting.elapsed() > PATIENCE {
            release.send(()).unwrap();
            panic!("only {in_line} of {PUSHERS} pushes got in line while a commit was pending");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    release.send(()).unwrap();
    holder.join().unwrap();

    // Each pusher's acknowledgement, and the blob it pushed.
    let mut pushed = Vec::new();
    for (index, pusher) in pushers.iter_mut().enumerate() {
        loop {
            match frame(pusher).await {
                Frame::Ack { sequence } => {
                    pushed.push((sequence, index as u8));
                    break;
                }
                Frame::Deliver { .. } => {}
                other => panic!("expected an acknowledgement, got {other:?}"),
            }
        }
    }
    pushed.sort_unstable();
    let sequences: Vec<u64> = pushed.iter().map(|(sequence, _)| *sequence).collect();
    assert_eq!(sequences, (1..=PUSHERS as u64).collect::<Vec<_>>());
    for (sequence, index) in &pushed {
        match frame(&mut watcher).await {
            Frame::Deliver {
                sequence: delivered,
                blob,
            } => {
                assert_eq!(delivered, *sequence, "deliveries in sequence order");
                assert_eq!(blob[0], *index, "sequence {sequence} carries its push");
            }
            other => panic!("expected a delivery, got {other:?}"),
        }
    }
    assert_eq!(
        *batches.lock().unwrap(),
        vec![PUSHERS],
        "all pushes in one transaction"
    );
    assert_eq!(
        replays.load(Ordering::SeqCst),
        PUSHERS + 1,
        "the store was read for the hellos only, never to fill a gap"
    );
    server.abort();
}
