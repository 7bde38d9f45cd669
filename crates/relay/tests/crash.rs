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

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::device::{pushing_device, Ledger};
use support::process::RelayProcess;
use tandem_sync::{ClientEvent, Invite, RoomId, RoomKey, SyncClient};
use tokio_tungstenite::tungstenite::Message;

mod support;

const DEVICES: usize = 3;

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
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
    let mut relay = RelayProcess::new(None);
    relay.start().await;

    let ledger = Arc::new(Mutex::new(Ledger {
        received: vec![BTreeSet::new(); DEVICES],
        ..Ledger::default()
    }));
    let pushing = Arc::new(AtomicBool::new(true));
    let finishing = Arc::new(AtomicBool::new(false));
    let devices: Vec<_> = (0..DEVICES)
        .map(|index| {
            tokio::spawn(pushing_device(
                index,
                vec![relay.addr],
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
