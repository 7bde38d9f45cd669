//! A database that turns read-only under the relay (a file system
//! remounted read-only after an error, say): every client of the room is
//! told, the room still opens and replays, and once the database takes
//! writes again pushes are taken under the next sequence — without a
//! restart.

use tandem_sync::{ErrorCode, Frame, Invite, SEAL_OVERHEAD};

use super::testing::{frame_or_close, join, send_frame, serve, Database};
use crate::{Limits, RelayConfig, SqliteStore};

fn blob(byte: u8) -> Vec<u8> {
    vec![byte; SEAL_OVERHEAD + 20]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_gone_read_only_is_told_to_every_client_and_writes_resume_once_it_is_not() {
    let database = Database::new("read-only");
    let store = SqliteStore::open(&database.0).unwrap();
    // Every shard's writer: the file system under all of them fails.
    let writers = store.writers();
    let config = RelayConfig {
        limits: Limits {
            min_free_disk_bytes: 0,
            ..Limits::default()
        },
        ..RelayConfig::default()
    };
    let (addr, _server) = serve(store, config).await;

    let invite = Invite::new_room().unwrap();
    let (mut pusher, _) = join(addr, &invite).await;
    let (mut listener_socket, _) = join(addr, &invite).await;
    send_frame(&mut pusher, Frame::Push { blob: blob(1) }).await;
    assert_eq!(
        frame_or_close(&mut pusher).await,
        Some(Frame::Ack { sequence: 1 })
    );
    assert!(matches!(
        frame_or_close(&mut listener_socket).await,
        Some(Frame::Deliver { sequence: 1, .. })
    ));

    let read_only = |on: bool| {
        for writer in &writers {
            writer
                .lock()
                .unwrap()
                .pragma_update(None, "query_only", on)
                .unwrap();
        }
    };
    read_only(true);
    send_frame(&mut pusher, Frame::Push { blob: blob(2) }).await;
    for socket in [&mut pusher, &mut listener_socket] {
        match frame_or_close(socket).await {
            Some(Frame::Error { code, .. }) => assert_eq!(code, ErrorCode::Storage),
            other => panic!("expected the storage error, got {other:?}"),
        }
        assert_eq!(frame_or_close(socket).await, None, "then the close");
    }
    // Still readable: the room opens and replays what was acknowledged.
    let (mut again, replayed) = join(addr, &invite).await;
    assert_eq!(
        replayed,
        vec![Frame::Deliver {
            sequence: 1,
            blob: blob(1)
        }]
    );

    read_only(false);
    send_frame(&mut again, Frame::Push { blob: blob(3) }).await;
    assert_eq!(
        frame_or_close(&mut again).await,
        Some(Frame::Ack { sequence: 2 })
    );
}
