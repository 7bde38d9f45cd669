//! Owned rooms (see `tandem_sync::owner`): a tandem page's room is read
//! and written by every valid link, but only the coordinator's browser
//! that made it may retire it or replace its log. Real WebSocket clients
//! against a relay on loopback.

use support::files::Database;
use support::relay::start;
use support::wire::{
    expect_refusal, frame_or_close, hello, next_frame, send_frame, socket, Socket,
};
use tandem_relay::Limits;
use tandem_sync::{ErrorCode, Frame, Invite, RoomOwner, SyncClient, MAX_FRAME_BYTES};

mod support;

/// A connection in sync with `invite`'s room; how many blobs it replayed.
async fn join(addr: std::net::SocketAddr, invite: &Invite) -> (Socket, usize) {
    let mut socket = socket(addr).await;
    send_frame(&mut socket, hello(invite, 0)).await;
    let mut replayed = 0;
    loop {
        match frame_or_close(&mut socket).await {
            Some(Frame::Synced { .. }) => return (socket, replayed),
            Some(Frame::Deliver { .. } | Frame::Snapshot { .. }) => replayed += 1,
            Some(Frame::Expires { .. }) => {}
            other => panic!("the room did not open: {other:?}"),
        }
    }
}

fn sealed(invite: &Invite, what: &[u8]) -> Vec<u8> {
    invite.key.seal(&invite.room, what).expect("sealing works")
}

async fn push(socket: &mut Socket, invite: &Invite, what: &[u8]) -> u64 {
    send_frame(
        socket,
        Frame::Push {
            blob: sealed(invite, what),
        },
    )
    .await;
    loop {
        match next_frame(socket).await {
            Frame::Ack { sequence } => return sequence,
            Frame::Expires { .. } => {}
            other => panic!("expected an acknowledgement, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_link_holder_cannot_retire_or_replace_an_owned_room() {
    let db = Database::new("owned");
    let (addr, server) = start(&db.0, Limits::default()).await;
    let (invite, owner) = Invite::new_owned_room().unwrap();
    assert!(invite.room.is_owned());

    // The coordinator's browser opens the room with the whole page.
    let (mut coordinator, _) = join(addr, &invite).await;
    assert_eq!(push(&mut coordinator, &invite, b"the whole page").await, 1);

    // A participant's link, valid, tries to retire the room, to replace
    // its log, and to pass off another room's secret as this one's.
    let (mut mentor, replayed) = join(addr, &invite).await;
    assert_eq!(replayed, 1, "a link reads the room");
    send_frame(
        &mut mentor,
        Frame::Retire {
            notice: sealed(&invite, b""),
        },
    )
    .await;
    expect_refusal(&mut mentor, ErrorCode::NotAllowed).await;
    let (mut mentor, _) = join(addr, &invite).await;
    let snapshot = Frame::Snapshot {
        through: 1,
        blob: sealed(&invite, b"a page of mine"),
    };
    send_frame(&mut mentor, snapshot).await;
    expect_refusal(&mut mentor, ErrorCode::NotAllowed).await;
    let (mut mentor, _) = join(addr, &invite).await;
    let forged = RoomOwner::generate().unwrap();
    send_frame(
        &mut mentor,
        Frame::Own {
            secret: forged.secret(),
        },
    )
    .await;
    expect_refusal(&mut mentor, ErrorCode::NotAllowed).await;

    // The room goes on for everyone: the coordinator pushes, and a link
    // opened now reads both blobs, not a retirement.
    assert_eq!(push(&mut coordinator, &invite, b"a meeting").await, 2);
    let (mut mentee, replayed) = join(addr, &invite).await;
    assert_eq!(replayed, 2);
    // And a link may still write.
    assert_eq!(push(&mut mentee, &invite, b"the mentee's goal").await, 3);

    // The coordinator's browser, showing the secret, retires it.
    send_frame(
        &mut coordinator,
        Frame::Own {
            secret: owner.secret(),
        },
    )
    .await;
    send_frame(
        &mut coordinator,
        Frame::Retire {
            notice: sealed(&invite, b""),
        },
    )
    .await;
    loop {
        match next_frame(&mut coordinator).await {
            Frame::Ack { sequence: 0 } => break,
            Frame::Deliver { .. } => {}
            other => panic!("expected the retirement's acknowledgement, got {other:?}"),
        }
    }
    let mut later = socket(addr).await;
    send_frame(&mut later, hello(&invite, 0)).await;
    assert!(matches!(
        next_frame(&mut later).await,
        Frame::Retired { .. }
    ));
    server.abort();
}

#[tokio::test]
async fn the_owners_client_replaces_the_log_and_a_link_holders_client_never_tries() {
    let db = Database::new("owned-snapshot");
    let (addr, server) = start(&db.0, Limits::default()).await;
    let (invite, owner) = Invite::new_owned_room().unwrap();
    let (mut first, _) = join(addr, &invite).await;
    assert_eq!(push(&mut first, &invite, b"one").await, 1);
    assert_eq!(push(&mut first, &invite, b"two").await, 2);

    // The app's client with the owner says so after its hello, and may
    // snapshot; a link holder's client may not, so it never sends one.
    assert!(!SyncClient::new(invite.clone(), 2).may_snapshot());
    let mut client = SyncClient::new(invite.clone(), 0).with_owner(owner);
    assert!(client.may_snapshot());
    let mut socket = socket(addr).await;
    client.connect().unwrap();
    let mut own = false;
    while let Some(bytes) = client.poll_transmit() {
        own |= matches!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Ok(Frame::Own { .. })
        );
        send(&mut socket, bytes).await;
    }
    assert!(own, "the client shows the secret");
    loop {
        let bytes = binary(&mut socket).await;
        if let Some(tandem_sync::ClientEvent::UpToDate { .. }) = client.receive(&bytes).unwrap() {
            break;
        }
    }
    client.snapshot(b"one and two").unwrap();
    while let Some(bytes) = client.poll_transmit() {
        send(&mut socket, bytes).await;
    }
    loop {
        let bytes = binary(&mut socket).await;
        match client.receive(&bytes).unwrap() {
            Some(tandem_sync::ClientEvent::Acknowledged { .. }) => break,
            Some(tandem_sync::ClientEvent::Refused { code, .. }) => panic!("refused: {code:?}"),
            _ => {}
        }
    }
    let (_, replayed) = join(addr, &invite).await;
    assert_eq!(replayed, 1, "the log is the owner's snapshot now");
    server.abort();
}

#[tokio::test]
async fn a_room_made_before_owners_is_retired_by_its_link_as_before() {
    let db = Database::new("unowned");
    let (addr, server) = start(&db.0, Limits::default()).await;
    let invite = Invite::new_room().unwrap();
    assert!(!invite.room.is_owned());
    let (mut holder, _) = join(addr, &invite).await;
    // No secret owns a random room.
    let owner = RoomOwner::generate().unwrap();
    send_frame(
        &mut holder,
        Frame::Own {
            secret: owner.secret(),
        },
    )
    .await;
    expect_refusal(&mut holder, ErrorCode::NotAllowed).await;
    let (mut holder, _) = join(addr, &invite).await;
    send_frame(
        &mut holder,
        Frame::Retire {
            notice: sealed(&invite, b""),
        },
    )
    .await;
    assert!(matches!(
        next_frame(&mut holder).await,
        Frame::Ack { sequence: 0 }
    ));
    server.abort();
}

async fn send(socket: &mut Socket, bytes: Vec<u8>) {
    use futures_util::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::Binary(
            bytes.into(),
        ))
        .await
        .expect("the relay takes the frame");
}

async fn binary(socket: &mut Socket) -> Vec<u8> {
    match support::wire::next_message(socket).await {
        Some(tokio_tungstenite::tungstenite::Message::Binary(bytes)) => bytes.to_vec(),
        other => panic!("expected a frame, got {other:?}"),
    }
}
