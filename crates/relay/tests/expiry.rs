//! Rooms nobody changes any more expire: clients hear of it 30 days ahead,
//! a change keeps the room, and after the day its invite is refused with
//! `room-expired`. Time is injected — the stored time of a room's last
//! change is set back, and the relay's clock moved forward — so nothing
//! here waits.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::device::Device;
use support::files::Database;
use support::relay::serve;
use support::wire::{next_frame, send_frame, socket};
use tandem_relay::{Limits, RelayConfig, RelayState, SqliteStore};
use tandem_sync::{ClientEvent, ErrorCode, Frame, Invite, SyncClient};

mod support;

const DAY: u64 = 24 * 60 * 60;

/// Sets the time of every room's last change in `db` (all its shards)
/// `days` back, as if nobody had changed them since.
fn unchanged_for(db: &Database, days: u64) {
    let then = i64::try_from(now() - days * DAY).unwrap();
    for (_, shard) in tandem_relay::store::sqlite::shard_files(&db.0) {
        let connection = rusqlite::Connection::open(shard).unwrap();
        connection.busy_timeout(Duration::from_secs(5)).unwrap();
        connection
            .execute("UPDATE rooms SET changed_at = ?1, created_at = ?1", [then])
            .unwrap();
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A relay whose rooms expire after 400 unchanged days; its state, for
/// its clock and the expiry run.
async fn start(db: &Database) -> (SocketAddr, RelayState<SqliteStore>) {
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
    let (addr, _) = serve(state.clone()).await;
    (addr, state)
}

/// A device in sync with `invite`'s room.
async fn joined(addr: SocketAddr, invite: &Invite) -> Device {
    Device::join(addr, invite, 0).await.0
}

#[tokio::test]
async fn a_room_unchanged_for_370_days_is_announced_to_expire_on_day_400() {
    let db = Database::new("expiry");
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let mut anna = joined(addr, &invite).await;
    anna.push(b"Programm angelegt").await;
    drop(anna);

    unchanged_for(&db, 370);
    let mut ben = joined(addr, &invite).await;
    match ben.event().await {
        ClientEvent::Expires { at } => {
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
    let db = Database::new("expiry");
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let _anna = joined(addr, &invite).await;
    unchanged_for(&db, 369);
    let mut ben = joined(addr, &invite).await;
    // What follows `Synced` is the answer to a push, no notice.
    assert_eq!(ben.push(b"noch aktuell").await, 1);
}

#[tokio::test]
async fn a_change_after_the_notice_keeps_the_room_and_ends_the_notice() {
    let db = Database::new("expiry");
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let _anna = joined(addr, &invite).await;
    unchanged_for(&db, 390);
    let mut ben = joined(addr, &invite).await;
    assert!(matches!(ben.event().await, ClientEvent::Expires { .. }));
    ben.push(b"Termin verschoben").await;

    let mut carla = joined(addr, &invite).await;
    assert_eq!(carla.push(b"Raum bestaetigt").await, 2);
}

#[tokio::test]
async fn an_older_app_is_not_sent_the_notice_it_cannot_read() {
    let db = Database::new("expiry");
    let (addr, _state) = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let _anna = joined(addr, &invite).await;
    unchanged_for(&db, 390);

    let mut socket = socket(addr).await;
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
        send_frame(&mut socket, frame).await;
    }
    let frames = vec![next_frame(&mut socket).await, next_frame(&mut socket).await];
    assert_eq!(
        frames,
        vec![Frame::Synced { latest: 0 }, Frame::Ack { sequence: 1 }]
    );
}

#[tokio::test]
async fn after_400_unchanged_days_the_room_is_deleted_and_its_invite_refused() {
    let db = Database::new("expiry");
    let (addr, state) = start(&db).await;
    let (old, fresh) = (Invite::new_room().unwrap(), Invite::new_room().unwrap());
    let mut anna = joined(addr, &old).await;
    anna.push(b"SEALED-BUT-STILL-GONE").await;
    drop(anna);
    unchanged_for(&db, 10);
    let mut ben = joined(addr, &fresh).await;
    ben.push(b"neues Programm").await;
    drop(ben);

    // 395 days on, the old room has been unchanged for 405 days, the
    // fresh one for 395.
    state.clock().advance(Duration::from_secs(395 * DAY));
    assert_eq!(state.expire_idle_rooms().await.unwrap(), 1);
    assert_eq!(state.expire_idle_rooms().await.unwrap(), 0, "done once");

    let mut anna = Device::reconnect(addr, SyncClient::new(old, 0)).await;
    match anna.event().await {
        ClientEvent::Refused { code, .. } => assert_eq!(code, ErrorCode::RoomExpired),
        other => panic!("expected the refusal, got {other:?}"),
    }
    assert!(!ErrorCode::RoomExpired.is_temporary());
    let logged: i64 = tandem_relay::store::sqlite::shard_files(&db.0)
        .into_iter()
        .map(|(_, shard)| -> i64 {
            rusqlite::Connection::open(shard)
                .unwrap()
                .query_row("SELECT count(*) FROM log", [], |row| row.get(0))
                .unwrap()
        })
        .sum();
    assert_eq!(
        logged, 1,
        "only the fresh room's push is left (in all shards)"
    );

    let mut ben = joined(addr, &fresh).await;
    match ben.event().await {
        ClientEvent::Expires { at } => {
            assert!(at > state.clock().now(), "the fresh room still lives")
        }
        other => panic!("expected the notice for the fresh room, got {other:?}"),
    }
}
