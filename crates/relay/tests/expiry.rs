//! Rooms nobody changes any more expire: clients hear of it 30 days ahead,
//! a change keeps the room, and after the day its invite is refused with
//! `room-expired`. Time is injected — the stored time of a room's last
//! change is set back, and the relay's clock moved forward — so nothing
//! here waits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use tandem_relay::{app, Limits, RelayConfig, RelayState, SqliteStore};
use tandem_sync::{ClientEvent, ErrorCode, Frame, Invite, SyncClient, MAX_FRAME_BYTES};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(5);
const DAY: u64 = 24 * 60 * 60;

struct Database(PathBuf);

impl Database {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        Self(std::env::temp_dir().join(format!(
            "tandem-relay-expiry-{}-{}.sqlite3",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )))
    }

    /// Sets the time of every room's last change `days` back, as if nobody
    /// had changed them since.
    fn unchanged_for(&self, days: u64) {
        let connection = rusqlite::Connection::open(&self.0).unwrap();
        connection.busy_timeout(PATIENCE).unwrap();
        let then = i64::try_from(now() - days * DAY).unwrap();
        connection
            .execute("UPDATE rooms SET changed_at = ?1, created_at = ?1", [then])
            .unwrap();
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", self.0.display())).ok();
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn start(db: &Database) -> (SocketAddr, RelayState<SqliteStore>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = RelayState::new(
        SqliteStore::open(&db.0).unwrap(),
        RelayConfig {
            limits: Limits {
                room_expiry_days: 400,
                ..Limits::default()
            },
            ..RelayConfig::default()
        },
    );
    let router = app(state.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (addr, state)
}

/// A device: the sync state machine over a real socket.
struct Device {
    client: SyncClient,
    socket: Socket,
}

impl Device {
    async fn connect(addr: SocketAddr, invite: &Invite) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
            .await
            .unwrap();
        let mut device = Self {
            client: SyncClient::new(invite.clone(), 0),
            socket,
        };
        device.client.connect().unwrap();
        device.flush().await;
        device
    }

    async fn flush(&mut self) {
        while let Some(bytes) = self.client.poll_transmit() {
            self.socket
                .send(Message::Binary(bytes.into()))
                .await
                .unwrap();
        }
    }

    /// The next event that brings something new; `None` once closed.
    async fn event(&mut self) -> Option<ClientEvent> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the relay answers in time")?;
            match message {
                Ok(Message::Binary(bytes)) => {
                    if let Some(event) = self.client.receive(&bytes).unwrap() {
                        return Some(event);
                    }
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    async fn until_synced(&mut self) {
        loop {
            match self.event().await {
                Some(ClientEvent::UpToDate { .. }) => return,
                Some(ClientEvent::Changes { .. }) => {}
                other => panic!("while catching up: {other:?}"),
            }
        }
    }

    async fn push(&mut self, changes: &[u8]) -> ClientEvent {
        self.client.push(changes).unwrap();
        self.flush().await;
        self.event().await.expect("an answer to the push")
    }
}

#[tokio::test]
async fn a_room_unchanged_for_370_days_is_announced_to_expire_on_day_400() {
    let db = Database::new();
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let mut anna = Device::connect(addr, &invite).await;
    anna.until_synced().await;
    anna.push(b"Programm angelegt").await;
    drop(anna);

    db.unchanged_for(370);
    let mut ben = Device::connect(addr, &invite).await;
    ben.until_synced().await;
    match ben.event().await {
        Some(ClientEvent::Expires { at }) => {
            let expected = now() + 30 * DAY;
            assert!(
                at.abs_diff(expected) < 60,
                "expires at {at}, expected about {expected}"
            );
        }
        other => panic!("expected the expiry notice, got {other:?}"),
    }
}

#[tokio::test]
async fn a_room_changed_within_its_last_370_days_is_not_announced() {
    let db = Database::new();
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let mut anna = Device::connect(addr, &invite).await;
    anna.until_synced().await;
    db.unchanged_for(369);
    let mut ben = Device::connect(addr, &invite).await;
    ben.until_synced().await;
    // What follows `Synced` is the answer to a push, no notice.
    assert!(matches!(
        ben.push(b"noch aktuell").await,
        ClientEvent::Acknowledged { sequence: 1, .. }
    ));
}

#[tokio::test]
async fn a_change_after_the_notice_keeps_the_room_and_ends_the_notice() {
    let db = Database::new();
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let mut anna = Device::connect(addr, &invite).await;
    anna.until_synced().await;
    db.unchanged_for(390);
    let mut ben = Device::connect(addr, &invite).await;
    ben.until_synced().await;
    assert!(matches!(
        ben.event().await,
        Some(ClientEvent::Expires { .. })
    ));
    assert!(matches!(
        ben.push(b"Termin verschoben").await,
        ClientEvent::Acknowledged { .. }
    ));

    let mut carla = Device::connect(addr, &invite).await;
    carla.until_synced().await;
    assert!(matches!(
        carla.push(b"Raum bestaetigt").await,
        ClientEvent::Acknowledged { sequence: 2, .. }
    ));
}

#[tokio::test]
async fn an_older_app_is_not_sent_the_notice_it_cannot_read() {
    let db = Database::new();
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let mut anna = Device::connect(addr, &invite).await;
    anna.until_synced().await;
    db.unchanged_for(390);

    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .unwrap();
    let hello = Frame::Hello {
        protocol: 1,
        room: invite.room,
        token: invite.key.access_token(&invite.room),
        after: 0,
    };
    let push = Frame::Push {
        blob: invite.key.seal(&invite.room, b"alte App").unwrap(),
    };
    for frame in [hello, push] {
        let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
        socket.send(Message::Binary(bytes.into())).await.unwrap();
    }
    let mut frames = Vec::new();
    while frames.len() < 2 {
        match tokio::time::timeout(PATIENCE, socket.next()).await.unwrap() {
            Some(Ok(Message::Binary(bytes))) => {
                frames.push(Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap())
            }
            Some(Ok(_)) => {}
            other => panic!("the connection ended: {other:?}"),
        }
    }
    assert_eq!(
        frames,
        vec![Frame::Synced { latest: 0 }, Frame::Ack { sequence: 1 }]
    );
}

#[tokio::test]
async fn after_400_unchanged_days_the_room_is_deleted_and_its_invite_refused() {
    let db = Database::new();
    let (addr, state) = start(&db).await;
    let (old, fresh) = (Invite::new_room().unwrap(), Invite::new_room().unwrap());
    let mut anna = Device::connect(addr, &old).await;
    anna.until_synced().await;
    anna.push(b"SEALED-BUT-STILL-GONE").await;
    drop(anna);
    db.unchanged_for(10);
    let mut ben = Device::connect(addr, &fresh).await;
    ben.until_synced().await;
    ben.push(b"neues Programm").await;
    drop(ben);

    // 395 days on, the old room has been unchanged for 405 days, the
    // fresh one for 395.
    state.clock().advance(Duration::from_secs(395 * DAY));
    assert_eq!(state.expire_idle_rooms().await.unwrap(), 1);
    assert_eq!(state.expire_idle_rooms().await.unwrap(), 0, "done once");

    let mut anna = Device::connect(addr, &old).await;
    match anna.event().await {
        Some(ClientEvent::Refused { code, .. }) => assert_eq!(code, ErrorCode::RoomExpired),
        other => panic!("expected the refusal, got {other:?}"),
    }
    assert!(!ErrorCode::RoomExpired.is_temporary());
    let connection = rusqlite::Connection::open(&db.0).unwrap();
    let logged: i64 = connection
        .query_row("SELECT count(*) FROM log", [], |row| row.get(0))
        .unwrap();
    assert_eq!(logged, 1, "only the fresh room's push is left");

    let mut ben = Device::connect(addr, &fresh).await;
    ben.until_synced().await;
    match ben.event().await {
        Some(ClientEvent::Expires { at }) => {
            assert!(at > state.clock().now(), "the fresh room still lives")
        }
        other => panic!("expected the notice for the fresh room, got {other:?}"),
    }
}
