//! Pushes of one room are put in line while earlier ones are still being
//! committed: they share a commit, and the room's connections get them in
//! sequence order without catching up from the store.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{Frame, Invite, MAX_FRAME_BYTES, PROTOCOL_VERSION, SEAL_OVERHEAD};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{app, RelayConfig, RelayState, SqliteStore};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(10);

/// A database file of its own, removed at the end.
struct Database(std::path::PathBuf);

impl Database {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        Self(std::env::temp_dir().join(format!(
            "tandem-relay-pipelined-{}-{}.sqlite3",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )))
    }
}

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

async fn next_frame(socket: &mut Socket) -> Frame {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time")
            .expect("the socket is open")
            .expect("the message is readable");
        match message {
            Message::Binary(bytes) => return Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }
}

/// A connection to `invite`'s room, in sync.
async fn join(addr: SocketAddr, invite: &Invite) -> Socket {
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
    match next_frame(&mut socket).await {
        Frame::Synced { latest: 0 } => socket,
        other => panic!("expected to be in sync with an empty room, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_of_one_room_share_a_commit_and_arrive_in_sequence_order() {
    const PUSHERS: usize = 6;
    let database = Database::new();
    let store = SqliteStore::open(&database.0).unwrap();
    let (commits, appender) = store.writer();
    let batches = Arc::clone(&appender.batches);
    let queued = Arc::clone(&appender.queued);
    let replays = Arc::clone(&store.replays);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = RelayState::new(store, RelayConfig::default());
    let server = tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });

    let invite = Invite::new_room().unwrap();
    let mut watcher = join(addr, &invite).await;
    let mut pushers = Vec::new();
    for _ in 0..PUSHERS {
        pushers.push(join(addr, &invite).await);
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
            match next_frame(pusher).await {
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
        match next_frame(&mut watcher).await {
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
