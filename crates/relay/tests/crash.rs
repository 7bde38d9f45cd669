//! The relay killed mid-work loses nothing it acknowledged.
//!
//! The real relay binary runs on a SQLite file. Three devices — the real
//! sync client over real WebSockets — push steadily. The process is killed
//! with SIGKILL at random moments and started again on the same file. The
//! devices notice the broken connection, reconnect by themselves and say
//! hello with the last sequence they saw. In the end every push the relay
//! acknowledged is stored under the sequence it acknowledged, every device
//! has received every other device's acknowledged pushes, and the room's
//! sequences run without a gap.
//!
//! `TANDEM_CRASH_KILLS` sets the number of kills (CI: 4) and
//! `TANDEM_CRASH_SEED` the seed of their timing; a failure prints the seed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_sync::{ClientEvent, Invite, RoomId, RoomKey, SyncClient};
use tokio_tungstenite::tungstenite::Message;

const DEVICES: usize = 3;

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

/// The relay process on one database file and one port.
struct RelayProcess {
    addr: SocketAddr,
    db: PathBuf,
    child: Option<Child>,
}

impl RelayProcess {
    fn new() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let db = std::env::temp_dir().join(format!(
            "tandem-relay-crash-{}-{port}.sqlite3",
            std::process::id()
        ));
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            db,
            child: None,
        }
    }

    async fn start(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_tandem-relay"))
            .arg("--addr")
            .arg(self.addr.to_string())
            .arg("--db")
            .arg(&self.db)
            .env("TANDEM_MAX_PUSHES_PER_SECOND", "1000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the relay starts");
        self.child = Some(child);
        let started = Instant::now();
        while tokio::net::TcpStream::connect(self.addr).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the relay did not listen in time"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("the relay can be killed");
            child.wait().expect("the relay is gone");
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", self.db.display())).ok();
        }
    }
}

/// What the devices learned, for the checks at the end.
#[derive(Default)]
struct Ledger {
    /// Every acknowledged push: its payload and sequence.
    acknowledged: Vec<(Vec<u8>, u64)>,
    /// What each device received from the others.
    received: Vec<BTreeSet<Vec<u8>>>,
    reconnects: u64,
}

/// One device: pushes while `pushing`, reconnects whenever its connection
/// breaks, and stops once `finishing` is set, its pushes are acknowledged
/// and nothing has arrived for a while.
async fn device(
    index: usize,
    addr: SocketAddr,
    invite: Invite,
    ledger: Arc<Mutex<Ledger>>,
    pushing: Arc<AtomicBool>,
    finishing: Arc<AtomicBool>,
) {
    let mut client = SyncClient::new(invite, 0);
    let mut waiting: VecDeque<Vec<u8>> = VecDeque::new();
    let mut counter = 0u64;
    let mut quiet_since = Instant::now();
    loop {
        let socket = tokio::time::timeout(
            Duration::from_secs(2),
            tokio_tungstenite::connect_async(format!("ws://{addr}/sync")),
        )
        .await;
        let Ok(Ok((mut socket, _))) = socket else {
            tokio::time::sleep(Duration::from_millis(30)).await;
            continue;
        };
        client.connect().expect("a hello fits");
        let mut open = true;
        while open {
            while let Some(bytes) = client.poll_transmit() {
                if socket.send(Message::Binary(bytes.into())).await.is_err() {
                    open = false;
                    break;
                }
            }
            if !open {
                break;
            }
            if finishing.load(Ordering::SeqCst)
                && client.pending() == 0
                && client.is_up_to_date()
                && quiet_since.elapsed() > Duration::from_millis(600)
            {
                socket.close(None).await.ok();
                return;
            }
            let wait = Duration::from_millis(if pushing.load(Ordering::SeqCst) {
                15
            } else {
                100
            });
            match tokio::time::timeout(wait, socket.next()).await {
                Err(_) => {
                    if pushing.load(Ordering::SeqCst) {
                        counter += 1;
                        let payload = format!("device {index} edit {counter}").into_bytes();
                        client.push(&payload).expect("a push fits");
                        waiting.push_back(payload);
                    }
                }
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    quiet_since = Instant::now();
                    match client.receive(&bytes) {
                        Ok(Some(ClientEvent::Acknowledged { sequence, .. })) => {
                            let payload = waiting.pop_front().expect("an ack for a push");
                            ledger
                                .lock()
                                .expect("the ledger")
                                .acknowledged
                                .push((payload, sequence));
                        }
                        Ok(Some(ClientEvent::Changes { changes, .. })) => {
                            ledger.lock().expect("the ledger").received[index].insert(changes);
                        }
                        Ok(Some(ClientEvent::Refused { code, message })) => {
                            panic!("device {index} was refused: {code}: {message}")
                        }
                        Ok(_) => {}
                        Err(error) => panic!("device {index} got a frame it cannot use: {error}"),
                    }
                }
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)))) => {}
                Ok(Some(Ok(Message::Text(_)))) => panic!("the relay sent text"),
                Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => open = false,
            }
        }
        client.disconnected();
        ledger.lock().expect("the ledger").reconnects += 1;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_at_random_moments_loses_no_acknowledged_push_and_clients_resume() {
    let seed = env_number("TANDEM_CRASH_SEED").unwrap_or(7);
    let kills = env_number("TANDEM_CRASH_KILLS").unwrap_or(4);
    eprintln!(
        "relay crash test: seed {seed}, {kills} kills (TANDEM_CRASH_SEED, TANDEM_CRASH_KILLS)"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let invite = Invite {
        room: RoomId::from_bytes(rng.random()),
        key: RoomKey::from_bytes(rng.random()),
    };
    let mut relay = RelayProcess::new();
    relay.start().await;

    let ledger = Arc::new(Mutex::new(Ledger {
        received: vec![BTreeSet::new(); DEVICES],
        ..Ledger::default()
    }));
    let pushing = Arc::new(AtomicBool::new(true));
    let finishing = Arc::new(AtomicBool::new(false));
    let devices: Vec<_> = (0..DEVICES)
        .map(|index| {
            tokio::spawn(device(
                index,
                relay.addr,
                invite.clone(),
                Arc::clone(&ledger),
                Arc::clone(&pushing),
                Arc::clone(&finishing),
            ))
        })
        .collect();

    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(rng.random_range(150..900))).await;
        relay.kill();
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..300))).await;
        relay.start().await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    pushing.store(false, Ordering::SeqCst);
    finishing.store(true, Ordering::SeqCst);
    for device in devices {
        tokio::time::timeout(Duration::from_secs(60), device)
            .await
            .expect("every device finishes its pushes after the last restart")
            .expect("no device failed");
    }

    // A new device reads the whole room from the start.
    let mut reader = SyncClient::new(invite.clone(), 0);
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/sync", relay.addr))
        .await
        .expect("the relay is up");
    reader.connect().expect("a hello fits");
    while let Some(bytes) = reader.poll_transmit() {
        socket
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sent");
    }
    let mut stored: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    let latest = loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the relay replays in time");
        let Some(Ok(Message::Binary(bytes))) = message else {
            continue;
        };
        match reader.receive(&bytes).expect("a frame the reader can use") {
            Some(ClientEvent::Changes { sequence, changes }) => {
                stored.insert(sequence, changes);
            }
            Some(ClientEvent::UpToDate { latest }) => break latest,
            other => panic!("while reading the room: {other:?}"),
        }
    };

    let ledger = ledger.lock().expect("the ledger");
    assert!(
        ledger.acknowledged.len() > 20,
        "the devices got pushes through between kills ({} acknowledged)",
        ledger.acknowledged.len()
    );
    assert_eq!(
        stored.keys().copied().collect::<Vec<_>>(),
        (1..=latest).collect::<Vec<_>>(),
        "the room's sequences run without a gap"
    );
    for (payload, sequence) in &ledger.acknowledged {
        assert_eq!(
            stored.get(sequence),
            Some(payload),
            "seed {seed}: the push acknowledged as {sequence} is not stored there"
        );
    }
    for (index, received) in ledger.received.iter().enumerate() {
        let prefix = format!("device {index} ").into_bytes();
        for (payload, _) in &ledger.acknowledged {
            if !payload.starts_with(&prefix) {
                assert!(
                    received.contains(payload),
                    "seed {seed}: device {index} never received {}",
                    String::from_utf8_lossy(payload)
                );
            }
        }
    }
    eprintln!(
        "relay crash test: {kills} kills, {} pushes acknowledged, {} stored, {} reconnects",
        ledger.acknowledged.len(),
        stored.len(),
        ledger.reconnects
    );
}
