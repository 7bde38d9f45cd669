//! Whatever a client sends, the relay answers with frames it can read or an
//! error frame and a close, and goes on serving everyone else.
//!
//! Mutated frames of every kind (and text messages) go to a relay on
//! `127.0.0.1:0`, before and after a valid hello. `TANDEM_FUZZ_EXECS` sets
//! the number of connections (CI: 400), `TANDEM_FUZZ_SEED` the seed.

use std::time::Duration;
use tandem_test_support::fuzz;

use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use tandem_relay::{app, Limits, RelayConfig, RelayState, SqliteStore};
use tandem_sync::{
    ClientError, ClientEvent, ErrorCode, Frame, Invite, RoomId, RoomKey, SyncClient,
    MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use tokio_tungstenite::tungstenite::Message;

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

fn corpus(invite: &Invite) -> Vec<Vec<u8>> {
    let sealed = invite
        .key
        .seal(&invite.room, b"changes")
        .expect("sealing works");
    [
        Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: invite.room,
            token: invite.access_token(),
            after: 0,
        },
        Frame::Push {
            blob: sealed.clone(),
        },
        Frame::Snapshot {
            through: 1,
            blob: sealed.clone(),
        },
        Frame::Ack { sequence: 1 },
        Frame::Deliver {
            sequence: 2,
            blob: sealed,
        },
        Frame::Synced { latest: 3 },
        Frame::error(ErrorCode::BadFrame, "nein"),
        Frame::Own { secret: [7; 32] },
    ]
    .iter()
    .map(|frame| frame.encode(MAX_FRAME_BYTES).expect("frames encode"))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_answers_any_bytes_with_readable_frames_or_an_error_and_keeps_serving() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let state = RelayState::new(
        SqliteStore::open_in_memory().expect("a database"),
        RelayConfig {
            static_dir: None,
            limits: Limits {
                max_frame_bytes: 64 * 1024,
                ..Limits::default()
            },
            ..RelayConfig::default()
        },
    );
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let url = format!("ws://{addr}/sync");

    let invite = Invite {
        room: RoomId::from_bytes([4; 16]),
        key: RoomKey::from_bytes([8; 32]),
    };
    let corpus = corpus(&invite);
    let hello = corpus[0].clone();
    let mut mutator = fuzz::Mutator::new(fuzz::seed(), &[&[1], &[0xff; 10]], 8 * 1024);
    let connections = env_number("TANDEM_FUZZ_EXECS").unwrap_or(400);
    let (mut refusals, mut answers) = (0u64, 0u64);
    for connection in 0..connections {
        let (mut socket, _) = tokio_tungstenite::connect_async(&url)
            .await
            .expect("the relay accepts connections");
        if mutator.rng.random_bool(0.5) {
            socket
                .send(Message::Binary(hello.clone().into()))
                .await
                .expect("sent");
        }
        for _ in 0..mutator.rng.random_range(1..=4) {
            let message = if mutator.rng.random_bool(0.05) {
                Message::Text("hallo".into())
            } else {
                Message::Binary(mutator.next(&corpus).into())
            };
            if socket.send(message).await.is_err() {
                break;
            }
        }
        // Read what the relay says until it closes or falls quiet.
        let mut refused = false;
        loop {
            let next = tokio::time::timeout(Duration::from_millis(400), socket.next()).await;
            let Ok(Some(Ok(message))) = next else { break };
            match message {
                Message::Binary(bytes) => {
                    let frame = Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap_or_else(|error| {
                        panic!("connection {connection}: the relay sent bytes that are not a frame: {error}")
                    });
                    assert!(
                        !refused,
                        "connection {connection}: the relay went on after its error frame"
                    );
                    match frame {
                        Frame::Error { .. } => {
                            refused = true;
                            refusals += 1;
                        }
                        _ => answers += 1,
                    }
                }
                Message::Close(_) => break,
                _ => {}
            }
        }
    }
    assert!(refusals > 0, "bad frames are refused");

    // The relay still serves a well-behaved device.
    let (mut socket, _) = tokio_tungstenite::connect_async(&url)
        .await
        .expect("the relay still accepts connections");
    let mut client = SyncClient::new(invite, 0);
    client.connect().expect("a hello fits");
    client.push(b"noch da").expect("a push fits");
    while let Some(bytes) = client.poll_transmit() {
        socket
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sent");
    }
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the relay answers in time");
        let Some(Ok(Message::Binary(bytes))) = message else {
            continue;
        };
        // Blobs the bad clients stored are unreadable to the device (the
        // relay cannot tell ciphertext from noise): reported, skipped.
        match client.receive(&bytes) {
            Ok(Some(ClientEvent::Acknowledged { .. })) => break,
            Ok(_) | Err(ClientError::Unreadable { .. }) => {}
            Err(error) => panic!("the device got a frame it cannot use: {error}"),
        }
    }
    eprintln!(
        "relay bad frames: {connections} connections, {refusals} refused with an error frame, {answers} other answers"
    );
}
