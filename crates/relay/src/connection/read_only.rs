//! A database that turns read-only under the relay (a file system
//! remounted read-only after an error, say): every client of the room is
//! told, the room still opens and replays, and once the database takes
//! writes again pushes are taken under the next sequence — without a
//! restart.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{ErrorCode, Frame, Invite, MAX_FRAME_BYTES, PROTOCOL_VERSION, SEAL_OVERHEAD};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{app, Limits, RelayConfig, RelayState, SqliteStore};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(10);

struct Database(std::path::PathBuf);

impl Drop for Database {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", self.0.display())).ok();
        }
    }
}

async fn send_frame(socket: &mut Socket, frame: Frame) {
    let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
    socket.send(Message::Binary(bytes.into())).await.unwrap();
}

/// The next frame; `None` once the socket closes.
async fn next_frame(socket: &mut Socket) -> Option<Frame> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                return Some(Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap())
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// A connection in sync with `invite`'s room; what its replay carried.
async fn join(addr: SocketAddr, invite: &Invite) -> (Socket, Vec<Frame>) {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .unwrap();
    send_frame(
        &mut socket,
        Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: invite.room,
            token: invite.access_token(),
            after: 0,
        },
    )
    .await;
    let mut replayed = Vec::new();
    loop {
        match next_frame(&mut socket).await {
            Some(Frame::Synced { .. }) => return (socket, replayed),
            Some(frame) => replayed.push(frame),
            None => panic!("the room did not open"),
        }
    }
}

fn blob(byte: u8) -> Vec<u8> {
    vec![byte; SEAL_OVERHEAD + 20]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_gone_read_only_is_told_to_every_client_and_writes_resume_once_it_is_not() {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let database = Database(std::env::temp_dir().join(format!(
        "tandem-relay-read-only-{}-{}.sqlite3",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )));
    let store = SqliteStore::open(&database.0).unwrap();
    let (writer, _) = store.writer();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = RelayConfig {
        limits: Limits {
            min_free_disk_bytes: 0,
            ..Limits::default()
        },
        ..RelayConfig::default()
    };
    let state = RelayState::new(store, config);
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });

    let invite = Invite::new_room().unwrap();
    let (mut pusher, _) = join(addr, &invite).await;
    let (mut listener_socket, _) = join(addr, &invite).await;
    send_frame(&mut pusher, Frame::Push { blob: blob(1) }).await;
    assert_eq!(
        next_frame(&mut pusher).await,
        Some(Frame::Ack { sequence: 1 })
    );
    assert!(matches!(
        next_frame(&mut listener_socket).await,
        Some(Frame::Deliver { sequence: 1, .. })
    ));

    let read_only = |on: bool| {
        writer
            .lock()
            .unwrap()
            .pragma_update(None, "query_only", on)
            .unwrap()
    };
    read_only(true);
    send_frame(&mut pusher, Frame::Push { blob: blob(2) }).await;
    for socket in [&mut pusher, &mut listener_socket] {
        match next_frame(socket).await {
            Some(Frame::Error { code, .. }) => assert_eq!(code, ErrorCode::Storage),
            other => panic!("expected the storage error, got {other:?}"),
        }
        assert_eq!(next_frame(socket).await, None, "then the close");
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
        next_frame(&mut again).await,
        Some(Frame::Ack { sequence: 2 })
    );
}
