//! Stopping the relay (systemd's stop and restart send SIGTERM): it
//! stops accepting, finishes the frames under way, closes every WebSocket
//! with 1012 "Service Restart" — which the app answers by coming back
//! later — and exits within its shutdown timeout, having lost nothing it
//! acknowledged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{Frame, Invite, MAX_FRAME_BYTES, SEAL_OVERHEAD};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(20);

/// The relay's bound on stopping, as set for these tests.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

struct Database(PathBuf);

impl Drop for Database {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", self.0.display())).ok();
        }
    }
}

struct Relay {
    addr: SocketAddr,
    child: Child,
}

impl Relay {
    async fn start(db: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let child = Command::new(env!("CARGO_BIN_EXE_tandem-relay"))
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--db")
            .arg(db)
            .arg("--metrics-addr")
            .arg("off")
            .env("TANDEM_MAX_PUSHES_PER_SECOND", "1000")
            .env("TANDEM_MIN_FREE_DISK_BYTES", "0")
            .env(
                "TANDEM_SHUTDOWN_TIMEOUT_SECONDS",
                SHUTDOWN_TIMEOUT.as_secs().to_string(),
            )
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the relay starts");
        let started = Instant::now();
        while TcpStream::connect(addr).await.is_err() {
            assert!(started.elapsed() < PATIENCE, "the relay did not listen");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self { addr, child }
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the process to end; its status and how long it took.
    async fn exited(&mut self, since: Instant) -> (ExitStatus, Duration) {
        loop {
            if let Some(status) = self.child.try_wait().expect("the relay's status") {
                return (status, since.elapsed());
            }
            assert!(since.elapsed() < PATIENCE, "the relay did not stop");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn send_frame(socket: &mut Socket, frame: Frame) {
    let bytes = frame.encode(MAX_FRAME_BYTES).expect("a frame fits");
    socket
        .send(Message::Binary(bytes.into()))
        .await
        .expect("the relay takes the frame");
}

async fn connect(addr: SocketAddr) -> Socket {
    tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .expect("the relay accepts a WebSocket")
        .0
}

fn hello(invite: &Invite, after: u64) -> Frame {
    Frame::Hello {
        protocol: tandem_sync::PROTOCOL_VERSION,
        room: invite.room,
        token: invite.access_token(),
        after,
    }
}

/// The frames a socket gets until it closes, and the close's code.
async fn until_closed(socket: &mut Socket) -> (Vec<Frame>, Option<CloseCode>) {
    let mut frames = Vec::new();
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay closes in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                frames.push(Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame"))
            }
            Some(Ok(Message::Close(close))) => return (frames, close.map(|close| close.code)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (frames, None),
        }
    }
}

async fn synced(socket: &mut Socket) -> Vec<Frame> {
    let mut replayed = Vec::new();
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                match Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame") {
                    Frame::Synced { .. } => return replayed,
                    frame => replayed.push(frame),
                }
            }
            Some(Ok(_)) => {}
            other => panic!("the relay closed a hello: {other:?}"),
        }
    }
}

fn blob(index: u8) -> Vec<u8> {
    vec![index; SEAL_OVERHEAD + 200]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_every_client_is_told_to_come_back_and_nothing_acknowledged_is_lost() {
    let db = Database(std::env::temp_dir().join(format!(
        "tandem-relay-shutdown-{}.sqlite3",
        std::process::id()
    )));
    let mut relay = Relay::start(&db.0).await;
    let invite = Invite::new_room().expect("randomness");
    let mut anna = connect(relay.addr).await;
    send_frame(&mut anna, hello(&invite, 0)).await;
    synced(&mut anna).await;
    let mut ben = connect(relay.addr).await;
    send_frame(&mut ben, hello(&invite, 0)).await;
    synced(&mut ben).await;
    // Connected, but still to say hello.
    let mut carla = connect(relay.addr).await;

    // Pushes in flight when the signal comes.
    for index in 1..=30 {
        send_frame(&mut anna, Frame::Push { blob: blob(index) }).await;
    }
    let stopping = Instant::now();
    relay.terminate();

    let (frames, code) = until_closed(&mut anna).await;
    assert_eq!(code, Some(CloseCode::Restart), "anna is told to come back");
    let acknowledged: Vec<u64> = frames
        .iter()
        .map(|frame| match frame {
            Frame::Ack { sequence } => *sequence,
            other => panic!("the pusher gets acknowledgements, not {other:?}"),
        })
        .collect();
    assert_eq!(
        acknowledged,
        (1..=acknowledged.len() as u64).collect::<Vec<_>>(),
        "acknowledged in order, without a gap"
    );
    let (delivered, code) = until_closed(&mut ben).await;
    assert_eq!(code, Some(CloseCode::Restart), "ben is told to come back");
    // What ben did not get before the close, he fetches when he is back.
    assert!(
        delivered
            .iter()
            .enumerate()
            .all(|(index, frame)| matches!(frame, Frame::Deliver { sequence, .. } if *sequence == index as u64 + 1)),
        "ben gets deliveries in order, then the close"
    );
    let (_, code) = until_closed(&mut carla).await;
    assert_eq!(code, Some(CloseCode::Restart), "carla is told to come back");

    let (status, took) = relay.exited(stopping).await;
    assert!(status.success(), "the relay exits cleanly: {status}");
    assert!(
        took < SHUTDOWN_TIMEOUT + Duration::from_secs(3),
        "the relay took {took:?} to stop"
    );
    assert!(
        TcpStream::connect(relay.addr).await.is_err(),
        "nothing listens any more"
    );
    println!(
        "{} of 30 pushes acknowledged before the close; stopped in {took:?}",
        acknowledged.len()
    );

    // Started again: every acknowledged push is there, under its sequence.
    let relay = Relay::start(&db.0).await;
    let mut again = connect(relay.addr).await;
    send_frame(&mut again, hello(&invite, 0)).await;
    let replayed: Vec<(u64, Vec<u8>)> = synced(&mut again)
        .await
        .into_iter()
        .map(|frame| match frame {
            Frame::Deliver { sequence, blob } => (sequence, blob),
            other => panic!("expected the room's pushes, got {other:?}"),
        })
        .collect();
    for sequence in acknowledged {
        let index = u8::try_from(sequence).expect("30 at most");
        assert!(
            replayed.contains(&(sequence, blob(index))),
            "acknowledged push {sequence} is stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_hold_the_stop_past_its_bound() {
    let db = Database(std::env::temp_dir().join(format!(
        "tandem-relay-shutdown-stuck-{}.sqlite3",
        std::process::id()
    )));
    let mut relay = Relay::start(&db.0).await;
    let invite = Invite::new_room().expect("randomness");
    let mut stuck = connect(relay.addr).await;
    send_frame(&mut stuck, hello(&invite, 0)).await;
    synced(&mut stuck).await;
    let mut pusher = connect(relay.addr).await;
    send_frame(&mut pusher, hello(&invite, 0)).await;
    synced(&mut pusher).await;
    // Deliveries pile up for `stuck`, which reads nothing from here on.
    for index in 1..=20 {
        send_frame(
            &mut pusher,
            Frame::Push {
                blob: vec![index; 1024 * 1024],
            },
        )
        .await;
    }
    let stopping = Instant::now();
    relay.terminate();
    let (_, code) = until_closed(&mut pusher).await;
    assert_eq!(code, Some(CloseCode::Restart));
    let (status, took) = relay.exited(stopping).await;
    assert!(status.success(), "the relay exits cleanly: {status}");
    assert!(
        took < SHUTDOWN_TIMEOUT + Duration::from_secs(3),
        "the relay took {took:?} to stop"
    );
    drop(stuck);
}
