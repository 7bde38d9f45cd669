//! Live sync through the relay, with real WebSocket clients on a real port
//! and a real SQLite file.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use support::device::Device;
use support::files::Database;
use support::relay::start;
use support::wire::{expect_refusal, hello, next_frame, next_message, send_frame, socket};
use tandem_relay::Limits;
use tandem_sync::{ClientEvent, ErrorCode, Frame, Invite, RoomKey, SyncClient, MAX_FRAME_BYTES};
use tokio_tungstenite::tungstenite::Message;

mod support;

#[tokio::test]
async fn a_push_is_acknowledged_and_delivered_to_the_other_device_in_the_room() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let (mut ben, _) = Device::join(addr, &invite, 0).await;

    assert_eq!(anna.push(b"Tandem Weber/Klein angelegt").await, 1);
    assert_eq!(
        ben.expect_changes().await,
        (1, b"Tandem Weber/Klein angelegt".to_vec())
    );
    assert_eq!(ben.push(b"Treffen am 3. Mai").await, 2);
    assert_eq!(
        anna.expect_changes().await,
        (2, b"Treffen am 3. Mai".to_vec())
    );
    anna.expect_quiet().await;
    assert_eq!((anna.client.last_seen(), ben.client.last_seen()), (2, 2));
}

#[tokio::test]
async fn a_device_coming_back_gets_exactly_what_it_missed() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let (mut ben, _) = Device::join(addr, &invite, 0).await;
    anna.push(b"eins").await;
    ben.expect_changes().await;
    let last_seen = ben.leave().await;
    assert_eq!(last_seen, 1);

    anna.push(b"zwei").await;
    anna.push(b"drei").await;
    let (mut ben, missed) = Device::join(addr, &invite, last_seen).await;
    assert_eq!(missed, vec![b"zwei".to_vec(), b"drei".to_vec()]);
    assert_eq!(ben.client.last_seen(), 3);
    ben.expect_quiet().await;
}

#[tokio::test]
async fn pushes_made_offline_are_sent_and_delivered_after_reconnecting() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut ben, _) = Device::join(addr, &invite, 0).await;
    let mut offline = SyncClient::new(invite.clone(), 0);
    offline.push(b"in der Werkstatt geschrieben").unwrap();
    let (anna, _) = Device::join(addr, &invite, 0).await;
    drop(anna);
    let mut anna = Device::reconnect(addr, offline).await;
    let mut acknowledged = false;
    while !acknowledged {
        acknowledged = matches!(anna.event().await, ClientEvent::Acknowledged { .. });
    }
    assert_eq!(anna.client.pending(), 0);
    assert_eq!(
        ben.expect_changes().await.1,
        b"in der Werkstatt geschrieben".to_vec()
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_with_an_error_frame() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    anna.push(b"geheim").await;

    let stranger = Invite {
        room: invite.room,
        key: RoomKey::random().unwrap(),
    };
    let mut socket = socket(addr).await;
    send_frame(&mut socket, hello(&stranger, 0)).await;
    expect_refusal(&mut socket, ErrorCode::NotAllowed).await;
}

#[tokio::test]
async fn a_garbage_frame_gets_an_error_and_a_close_and_the_relay_serves_the_others() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let (mut ben, _) = Device::join(addr, &invite, 0).await;

    let mut before_hello = socket(addr).await;
    before_hello
        .send(Message::Binary(vec![1, 0xff, 0xff, 0xff].into()))
        .await
        .unwrap();
    expect_refusal(&mut before_hello, ErrorCode::BadFrame).await;

    let mut as_text = socket(addr).await;
    as_text.send(Message::text("hallo")).await.unwrap();
    expect_refusal(&mut as_text, ErrorCode::BadFrame).await;

    let mut push_first = socket(addr).await;
    send_frame(&mut push_first, Frame::Push { blob: vec![0; 64] }).await;
    expect_refusal(&mut push_first, ErrorCode::UnexpectedFrame).await;

    // A member of the room that starts sending garbage.
    let (mut rogue, _) = Device::join(addr, &invite, 0).await;
    rogue
        .socket
        .send(Message::Binary(vec![9, 9, 9].into()))
        .await
        .unwrap();
    expect_refusal(&mut rogue.socket, ErrorCode::BadFrame).await;

    anna.push(b"weiter geht's").await;
    assert_eq!(ben.expect_changes().await.1, b"weiter geht's".to_vec());
}

#[tokio::test]
async fn frames_over_the_limit_and_pushes_too_fast_are_refused() {
    let db = Database::new("sync");
    let limits = Limits {
        max_frame_bytes: 1024,
        pushes_per_second: 3,
        ..Limits::default()
    };
    let (addr, _server) = start(&db.0, limits).await;
    let invite = Invite::new_room().unwrap();

    let (mut big, _) = Device::join(addr, &invite, 0).await;
    let blob = invite.key.seal(&invite.room, &[7; 1100]).unwrap();
    send_frame(&mut big.socket, Frame::Push { blob }).await;
    expect_refusal(&mut big.socket, ErrorCode::TooLarge).await;

    let (mut hasty, _) = Device::join(addr, &invite, 0).await;
    for _ in 0..3 {
        hasty.push(b"klein").await;
    }
    let blob = invite.key.seal(&invite.room, b"noch eins").unwrap();
    send_frame(&mut hasty.socket, Frame::Push { blob }).await;
    expect_refusal(&mut hasty.socket, ErrorCode::TooFast).await;
}

#[tokio::test]
async fn a_full_room_refuses_one_more_connection() {
    let db = Database::new("sync");
    let limits = Limits {
        connections_per_room: 2,
        ..Limits::default()
    };
    let (addr, _server) = start(&db.0, limits).await;
    let invite = Invite::new_room().unwrap();
    let (_anna, _) = Device::join(addr, &invite, 0).await;
    let (_ben, _) = Device::join(addr, &invite, 0).await;
    let mut third = socket(addr).await;
    send_frame(&mut third, hello(&invite, 0)).await;
    expect_refusal(&mut third, ErrorCode::RoomFull).await;
}

#[tokio::test]
async fn a_snapshot_replaces_the_log_for_devices_that_join_later() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    for changes in [b"eins", b"zwei", b"drei"] {
        anna.push(changes).await;
    }
    anna.client.snapshot(b"das ganze Programm").unwrap();
    anna.flush().await;
    assert!(matches!(
        anna.event().await,
        ClientEvent::Acknowledged { sequence: 3, .. }
    ));
    anna.push(b"vier").await;

    let (_carla, caught_up) = Device::join(addr, &invite, 0).await;
    assert_eq!(
        caught_up,
        vec![b"das ganze Programm".to_vec(), b"vier".to_vec()]
    );
    let (_dora, caught_up) = Device::join(addr, &invite, 3).await;
    assert_eq!(caught_up, vec![b"vier".to_vec()]);

    let mut ahead = socket(addr).await;
    send_frame(&mut ahead, hello(&invite, 4)).await;
    assert_eq!(next_frame(&mut ahead).await, Frame::Synced { latest: 4 });
    let blob = invite.key.seal(&invite.room, b"zu weit").unwrap();
    send_frame(&mut ahead, Frame::Snapshot { through: 9, blob }).await;
    expect_refusal(&mut ahead, ErrorCode::SnapshotAhead).await;
}

#[tokio::test]
async fn acknowledged_pushes_survive_a_relay_restart() {
    let db = Database::new("sync");
    let invite = Invite::new_room().unwrap();
    let (addr, server) = start(&db.0, Limits::default()).await;
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    anna.push(b"vor dem Neustart").await;
    anna.leave().await;
    server.abort();
    let _ = server.await;

    let (addr, _server) = start(&db.0, Limits::default()).await;
    let (mut ben, caught_up) = Device::join(addr, &invite, 0).await;
    assert_eq!(caught_up, vec![b"vor dem Neustart".to_vec()]);
    assert_eq!(ben.push(b"nach dem Neustart").await, 2);
}

#[tokio::test]
async fn the_database_never_holds_a_name_or_the_token() {
    let db = Database::new("sync");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    let name = b"Mentee: Jolanda Beispielfrau";
    anna.push(name).await;
    anna.client.snapshot(name).unwrap();
    anna.flush().await;
    anna.event().await;
    anna.leave().await;

    let stored = db.bytes();
    assert!(stored.len() > 1000, "the database was written");
    let contains = |needle: &[u8]| stored.windows(needle.len()).any(|window| window == needle);
    assert!(!contains(b"Jolanda"));
    assert!(!contains(b"Beispielfrau"));
    assert!(!contains(invite.access_token().as_bytes()));
    assert!(contains(invite.access_token().hash().as_bytes()));
}

#[tokio::test]
async fn a_room_holds_no_more_bytes_than_allowed_until_a_snapshot_makes_room() {
    let db = Database::new("sync");
    let limits = Limits {
        max_room_bytes: 600,
        ..Limits::default()
    };
    let (addr, _server) = start(&db.0, limits).await;
    let invite = Invite::new_room().unwrap();
    let (mut anna, _) = Device::join(addr, &invite, 0).await;
    anna.push(&[1; 200]).await;
    anna.push(&[2; 200]).await;
    let blob = invite.key.seal(&invite.room, &[3; 200]).unwrap();
    send_frame(&mut anna.socket, Frame::Push { blob }).await;
    expect_refusal(&mut anna.socket, ErrorCode::TooLarge).await;

    // What was stored before is all still there for the others.
    let (_ben, changes) = Device::join(addr, &invite, 0).await;
    assert_eq!(changes, vec![vec![1; 200], vec![2; 200]]);
}

#[tokio::test]
async fn a_silent_connection_is_closed_and_a_listening_one_stays() {
    let db = Database::new("sync");
    let limits = Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let (addr, _server) = start(&db.0, limits).await;
    let invite = Invite::new_room().unwrap();

    // Reading answers the relay's pings: the connection stays open.
    let (mut listening, _) = Device::join(addr, &invite, 0).await;
    let until = tokio::time::Instant::now() + Duration::from_millis(1200);
    while let Ok(message) = tokio::time::timeout_at(until, listening.socket.next()).await {
        match message {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("expected only pings, got {other:?}"),
        }
    }
    listening.push(b"noch da").await;

    // A client that says hello and then never reads answers no ping.
    let mut silent = socket(addr).await;
    send_frame(&mut silent, hello(&invite, 0)).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(matches!(
        next_frame(&mut silent).await,
        Frame::Deliver { sequence: 1, .. }
    ));
    assert!(matches!(
        next_frame(&mut silent).await,
        Frame::Synced { latest: 1 }
    ));
    // The relay has closed it: an error frame may still be readable
    // before the close (if the pongs this read sends do not fail first).
    loop {
        match next_message(&mut silent).await {
            None | Some(Message::Close(_)) => break,
            Some(Message::Binary(bytes)) => match Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap() {
                Frame::Error { code, .. } => assert_eq!(code, ErrorCode::Timeout),
                other => panic!("expected the timeout, got {other:?}"),
            },
            Some(other) => panic!("expected the close, got {other:?}"),
        }
    }
}
