//! `tandem-relay backup` copies the database of a running relay while its
//! clients push, and a relay restored from the copy lets them carry on:
//! everything acknowledged before the backup is there, and new pushes
//! continue the sequence.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tandem_relay::{app, Limits, RelayConfig, RelayState, SqliteStore};
use tandem_sync::{ClientEvent, Invite, SyncClient};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(10);

/// A folder of its own for the test's databases, removed at the end.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tandem-relay-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

async fn start(db: &Path) -> (SocketAddr, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = RelayConfig {
        limits: Limits {
            pushes_per_second: 1000,
            ..Limits::default()
        },
        ..RelayConfig::default()
    };
    let state = RelayState::new(SqliteStore::open(db).unwrap(), config);
    let server = tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    (addr, server)
}

/// A device: the sync state machine over a real socket.
struct Device {
    client: SyncClient,
    socket: Socket,
}

impl Device {
    /// Connects and reads until in sync; returns the changes it brought.
    async fn join(addr: SocketAddr, invite: &Invite, last_seen: u64) -> (Self, Vec<Vec<u8>>) {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
            .await
            .unwrap();
        let mut device = Self {
            client: SyncClient::new(invite.clone(), last_seen),
            socket,
        };
        device.client.connect().unwrap();
        device.flush().await;
        let mut changes = Vec::new();
        loop {
            match device.event().await {
                ClientEvent::Changes { changes: c, .. } => changes.push(c),
                ClientEvent::UpToDate { .. } => return (device, changes),
                other => panic!("while catching up: {other:?}"),
            }
        }
    }

    async fn flush(&mut self) {
        while let Some(bytes) = self.client.poll_transmit() {
            self.socket
                .send(Message::Binary(bytes.into()))
                .await
                .unwrap();
        }
    }

    async fn push(&mut self, changes: &[u8]) -> u64 {
        self.client.push(changes).unwrap();
        self.flush().await;
        loop {
            match self.event().await {
                ClientEvent::Acknowledged { sequence, .. } => return sequence,
                // Another device's push, delivered meanwhile.
                ClientEvent::Changes { .. } => continue,
                other => panic!("expected an acknowledgement, got {other:?}"),
            }
        }
    }

    async fn event(&mut self) -> ClientEvent {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the relay answers in time");
            let bytes = match message {
                Some(Ok(Message::Binary(bytes))) => bytes,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("the connection ended: {other:?}"),
            };
            if let Some(event) = self.client.receive(&bytes).unwrap() {
                return event;
            }
        }
    }

    async fn expect_changes(&mut self) -> (u64, Vec<u8>) {
        match self.event().await {
            ClientEvent::Changes { sequence, changes } => (sequence, changes),
            other => panic!("expected changes, got {other:?}"),
        }
    }
}

fn backup_command(db: &Path, copy: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem-relay"))
        .arg("--db")
        .arg(db)
        .arg("backup")
        .arg(copy)
        .output()
        .expect("the relay's binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_restored_from_a_backup_taken_while_clients_push_lets_them_carry_on() {
    let folder = Folder::new("backup");
    let db = folder.0.join("rooms.sqlite3");
    let (addr, server) = start(&db).await;

    // A programme shared between two cities, with some history.
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let (mut ben, _) = Device::join(addr, &invite, 0).await;
    let mut acknowledged = Vec::new();
    for n in 1..=12 {
        let changes = format!("Düsseldorf, Änderung {n}").into_bytes();
        assert_eq!(anna.push(&changes).await, n);
        acknowledged.push(changes);
        assert_eq!(ben.expect_changes().await.0, n);
    }

    // Meanwhile another room is written without pause, through the backup.
    let busy = Invite::new_room().unwrap();
    let writing = Arc::new(AtomicBool::new(true));
    let busy_acks = Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (writing, busy_acks, busy) =
            (Arc::clone(&writing), Arc::clone(&busy_acks), busy.clone());
        tokio::spawn(async move {
            let (mut clara, _) = Device::join(addr, &busy, 0).await;
            let mut n = 0_u32;
            while writing.load(Ordering::Acquire) {
                n += 1;
                let changes = format!("Köln, Änderung {n}").into_bytes();
                let sequence = clara.push(&changes).await;
                busy_acks.lock().unwrap().push((sequence, changes));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let acknowledged_before = busy_acks.lock().unwrap().clone();
    assert!(
        !acknowledged_before.is_empty(),
        "the other room was written"
    );

    let copy = folder.0.join("backup.sqlite3");
    let output = {
        let (db, copy) = (db.clone(), copy.clone());
        tokio::task::spawn_blocking(move || backup_command(&db, &copy))
            .await
            .unwrap()
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("(2 rooms,"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // The relay went on serving during the backup.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(busy_acks.lock().unwrap().len() > acknowledged_before.len());
    writing.store(false, Ordering::Release);
    writer.await.unwrap();
    let anna_seen = anna.client.last_seen();
    let ben_seen = ben.client.last_seen();
    drop((anna, ben));
    server.abort();

    // A backup never overwrites a file.
    let again = backup_command(&db, &copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restored: the copy in the place of a (new) relay's database.
    let restored = folder.0.join("restored.sqlite3");
    std::fs::copy(&copy, &restored).unwrap();
    let (addr, _restored_server) = start(&restored).await;

    // The devices resume where they were: nothing to catch up, and their
    // next pushes continue the sequence.
    let (mut anna, missed) = Device::join(addr, &invite, anna_seen).await;
    assert!(missed.is_empty());
    let (mut ben, _) = Device::join(addr, &invite, ben_seen).await;
    assert_eq!(anna.push(b"Dortmund kommt dazu").await, 13);
    assert_eq!(
        ben.expect_changes().await,
        (13, b"Dortmund kommt dazu".to_vec())
    );

    // A device new to the room gets everything, in order.
    let (_dora, everything) = Device::join(addr, &invite, 0).await;
    acknowledged.push(b"Dortmund kommt dazu".to_vec());
    assert_eq!(everything, acknowledged);

    // Of the room written during the backup, everything acknowledged
    // before the backup began is there, in order.
    let (_eva, busy_room) = Device::join(addr, &busy, 0).await;
    assert!(busy_room.len() >= acknowledged_before.len());
    for (index, (sequence, changes)) in acknowledged_before.iter().enumerate() {
        assert_eq!(*sequence, index as u64 + 1);
        assert_eq!(&busy_room[index], changes);
    }
}

#[test]
fn a_backup_of_a_database_that_is_not_there_says_so() {
    let folder = Folder::new("backup-missing");
    let output = backup_command(
        &folder.0.join("nothing.sqlite3"),
        &folder.0.join("copy.sqlite3"),
    );
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("there is no database"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!folder.0.join("copy.sqlite3").exists());
}
