//! The relay on PostgreSQL: the store keeps the same promises as SQLite,
//! and several relay processes share one database.
//!
//! Needs a database: `TANDEM_DATABASE_URL=$(bash scripts/postgres.sh) cargo
//! test -p tandem-relay --features postgres --test postgres` (as
//! scripts/test.sh does). Without it every test here fails. Each
//! test works in rooms of its own, so runs may share the database.
//!
//! The main test runs two real relay binaries on one database, with real
//! sync clients on each. A device whose relay goes away reconnects to
//! whichever relay is up. One relay is killed with SIGKILL at random
//! moments and started again; the devices keep pushing. In the end every
//! acknowledged push is stored under its sequence, every device received
//! every other device's pushes — also those that went through the other
//! relay — and the room's sequences run without a gap.
//!
//! A database that goes away under a running relay (killed, restarted,
//! unreachable) is cut at a forwarder in front of it, so that the tests
//! sharing the server go on: every device of the room is told, nothing
//! acknowledged is lost, and the relay takes pushes again by itself once
//! the database is back.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::device::{pushing_device, Ledger};
use support::outage::Outage;
use support::process::{RelayProcess, Storage};
use support::wire::Socket;
use tandem_relay::{
    AccessLog, Admission, Entry, InboxAppend, InboxBounds, InboxOpening, InboxState, PostgresStore,
    Replay, RoomStore, StoreError,
};
use tandem_sync::intake::{seal_application, InboxId, IntakeKey, IntakeLink, SealedApplication};
use tandem_sync::{
    ClientEvent, ErrorCode, Frame, Invite, RoomId, RoomKey, SyncClient, TokenHash, MAX_FRAME_BYTES,
};
use tokio_tungstenite::tungstenite::Message;

mod support;

const DEVICES: usize = 4;

/// Held by the tests that count on every notification arriving, while
/// one test breaks the relays' listening connections on purpose.
static LISTENING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn database_url() -> String {
    match std::env::var("TANDEM_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "TANDEM_DATABASE_URL names no PostgreSQL database; \
             run `TANDEM_DATABASE_URL=$(bash scripts/postgres.sh) cargo test …`"
        ),
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.trim().parse().ok()
}

async fn store() -> PostgresStore {
    PostgresStore::connect(&database_url())
        .await
        .expect("the database is reachable")
}

fn fresh_room() -> RoomId {
    RoomId::random().expect("randomness")
}

fn token(byte: u8) -> TokenHash {
    TokenHash::from_bytes([byte; 32])
}

#[tokio::test]
async fn a_room_opens_with_the_first_token_and_refuses_others() {
    let store = store().await;
    let (first, second) = (fresh_room(), fresh_room());
    assert_eq!(
        store.admit(first, token(1)).await.unwrap(),
        Admission::Opened
    );
    assert_eq!(
        store.admit(first, token(1)).await.unwrap(),
        Admission::Admitted
    );
    assert_eq!(
        store.admit(first, token(2)).await.unwrap(),
        Admission::Refused
    );
    assert_eq!(
        store.admit(second, token(2)).await.unwrap(),
        Admission::Opened
    );
}

#[tokio::test]
async fn sequences_run_without_gaps_per_room_and_count_their_bytes() {
    let store = store().await;
    let (first, second) = (fresh_room(), fresh_room());
    store.admit(first, token(1)).await.unwrap();
    store.admit(second, token(2)).await.unwrap();
    assert_eq!(store.room_bytes(first).await.unwrap(), 0);
    assert_eq!(store.append(first, vec![1]).await.unwrap(), 1);
    assert_eq!(store.append(first, vec![2, 2]).await.unwrap(), 2);
    assert_eq!(store.append(second, vec![9]).await.unwrap(), 1);
    assert_eq!(store.room_bytes(first).await.unwrap(), 3);
    assert_eq!(
        store.read_after(first, 1).await.unwrap(),
        Replay {
            snapshot: None,
            entries: vec![Entry {
                sequence: 2,
                blob: vec![2, 2]
            }],
            latest: 2
        }
    );
}

#[tokio::test]
async fn a_page_stops_at_its_bytes_and_holds_at_least_one_blob() {
    let store = store().await;
    let room = fresh_room();
    store.admit(room, token(1)).await.unwrap();
    for byte in 1..=5u8 {
        store.append(room, vec![byte; 100]).await.unwrap();
    }
    let sequences = |replay: Replay| -> Vec<u64> {
        replay.entries.iter().map(|entry| entry.sequence).collect()
    };
    let page = store.read_page(room, 0, 250).await.unwrap();
    assert_eq!(page.latest, 5);
    assert_eq!(sequences(page), vec![1, 2, 3]);
    assert_eq!(
        sequences(store.read_page(room, 3, 1).await.unwrap()),
        vec![4]
    );
    assert_eq!(
        sequences(store.read_page(room, 5, 1000).await.unwrap()),
        Vec::<u64>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_list_is_kept_in_order_and_two_relays_never_take_one_position() {
    let first = store().await;
    let second = store().await;
    let room = fresh_room();
    assert_eq!(first.read_access(room).await.unwrap(), AccessLog::default());
    first.admit(room, token(1)).await.unwrap();
    first.append_access(room, 0, vec![0; 40]).await.unwrap();
    // Both relays try position 1 at once: exactly one stores it.
    let (a, b) = tokio::join!(
        first.append_access(room, 1, vec![1; 40]),
        second.append_access(room, 1, vec![2; 40])
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    assert!(second.append_access(room, 5, vec![9; 40]).await.is_err());
    let log = second.read_access(room).await.unwrap();
    assert_eq!(log.entries.len(), 2);
    assert_eq!(log.entries[0], vec![0; 40]);
    assert!(log.exists && log.retired.is_none());
    first.retire(room, vec![7; 50]).await.unwrap();
    assert_eq!(
        second.read_access(room).await.unwrap().retired,
        Some(vec![7; 50])
    );
}

#[tokio::test]
async fn an_inbox_takes_sealed_messages_within_its_bounds_and_only_its_reader_takes_them_in() {
    let store = store().await;
    let inbox = InboxId::random().expect("randomness");
    let key = IntakeKey::generate().expect("randomness");
    let link = IntakeLink {
        inbox,
        public: key.public(),
    };
    let (reader, stranger) = ([7u8; 32], [8u8; 32]);
    // The real time: relays of other tests expire inboxes idle for long.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    let open =
        |reader, closes_at| store.open_inbox(inbox, reader, closes_at, b"form".to_vec(), now);
    assert_eq!(
        open(reader, now + 100).await.unwrap(),
        InboxOpening::Created
    );
    assert_eq!(
        open(reader, now + 200).await.unwrap(),
        InboxOpening::Updated
    );
    assert_eq!(
        open(stranger, now + 200).await.unwrap(),
        InboxOpening::NotYours
    );

    let bounds = InboxBounds {
        max_messages: 2,
        max_bytes: 10_000,
    };
    let sealed = |text: &str| seal_application(&link, text.as_bytes()).unwrap().to_bytes();
    let first = sealed("Jana Exempel, Mentee");
    let append = |bytes: Vec<u8>, at| store.append_to_inbox(inbox, bytes, bounds, at);
    assert_eq!(
        append(first.clone(), now).await.unwrap(),
        InboxAppend::Stored(1)
    );
    assert_eq!(
        append(sealed("B"), now + 1).await.unwrap(),
        InboxAppend::Stored(2)
    );
    assert_eq!(
        append(sealed("C"), now + 1).await.unwrap(),
        InboxAppend::Full
    );
    assert_eq!(
        append(sealed("C"), now + 200).await.unwrap(),
        InboxAppend::Closed
    );
    let elsewhere = InboxId::random().expect("randomness");
    assert_eq!(
        store
            .append_to_inbox(elsewhere, sealed("D"), bounds, now)
            .await
            .unwrap(),
        InboxAppend::NoSuchInbox
    );
    let stored = store.inbox(inbox).await.unwrap().expect("the inbox");
    assert_eq!((stored.messages, stored.latest), (2, 2));
    assert_eq!(stored.form, b"form");

    // A page of one, then all; what is read opens with the key only.
    let page = store.read_inbox(inbox, 0, 1).await.unwrap();
    assert_eq!((page.messages.len(), page.latest), (1, 2));
    assert_eq!(page.messages[0].at, now);
    let read = SealedApplication::from_bytes(&page.messages[0].sealed).unwrap();
    assert_eq!(key.open(&inbox, &read).unwrap(), b"Jana Exempel, Mentee");
    assert_eq!(
        store
            .read_inbox(inbox, 0, 1 << 20)
            .await
            .unwrap()
            .messages
            .len(),
        2
    );

    // Taken in, closed, still readable, then gone for good.
    store.delete_inbox_messages(inbox, 1, now).await.unwrap();
    let left = store.read_inbox(inbox, 0, 1 << 20).await.unwrap();
    assert_eq!(
        left.messages.iter().map(|m| m.sequence).collect::<Vec<_>>(),
        vec![2]
    );
    assert_eq!(
        append(sealed("E"), now + 2).await.unwrap(),
        InboxAppend::Stored(3)
    );
    store.close_inbox(inbox, now).await.unwrap();
    assert_eq!(
        append(sealed("F"), now + 2).await.unwrap(),
        InboxAppend::Closed
    );
    assert_eq!(open(reader, now + 300).await.unwrap(), InboxOpening::Closed);
    let closed = store.inbox(inbox).await.unwrap().expect("the inbox");
    assert_eq!((closed.state, closed.messages), (InboxState::Closed, 2));
    store.delete_inbox_messages(inbox, 3, now).await.unwrap();
    let gone = store.inbox(inbox).await.unwrap().expect("the tombstone");
    assert_eq!(
        (gone.state, gone.form.len(), gone.bytes),
        (InboxState::Gone, 0, 0)
    );
    assert_eq!(open(reader, now + 300).await.unwrap(), InboxOpening::Closed);

    // An idle inbox expires to its tombstone with its messages.
    let idle = InboxId::random().expect("randomness");
    store
        .open_inbox(idle, reader, now + 100, b"form".to_vec(), now)
        .await
        .unwrap();
    store
        .append_to_inbox(idle, sealed("G"), bounds, now)
        .await
        .unwrap();
    assert!(store.expire_idle_inboxes(now + 1).await.unwrap() >= 1);
    let expired = store.inbox(idle).await.unwrap().expect("the tombstone");
    assert_eq!(expired.state, InboxState::Gone);
    assert!(store
        .read_inbox(idle, 0, 1 << 20)
        .await
        .unwrap()
        .messages
        .is_empty());
}

#[tokio::test]
async fn appending_to_a_room_never_opened_is_refused() {
    let store = store().await;
    assert!(matches!(
        store.append(fresh_room(), vec![1]).await,
        Err(StoreError::NoSuchRoom)
    ));
    assert!(matches!(
        store.read_after(fresh_room(), 0).await,
        Err(StoreError::NoSuchRoom)
    ));
}

#[tokio::test]
async fn a_snapshot_replaces_the_log_and_numbering_goes_on() {
    let store = store().await;
    let room = fresh_room();
    store.admit(room, token(1)).await.unwrap();
    for byte in 1..=3 {
        store.append(room, vec![byte]).await.unwrap();
    }
    assert!(matches!(
        store.replace_through(room, 4, vec![0]).await,
        Err(StoreError::SnapshotAhead {
            through: 4,
            latest: 3
        })
    ));
    store.replace_through(room, 2, vec![12]).await.unwrap();
    // An older snapshot arriving late changes nothing.
    store.replace_through(room, 1, vec![11]).await.unwrap();
    assert_eq!(store.append(room, vec![4]).await.unwrap(), 4);

    let from_start = store.read_after(room, 0).await.unwrap();
    assert_eq!(
        from_start.snapshot,
        Some(Entry {
            sequence: 2,
            blob: vec![12]
        })
    );
    let sequences: Vec<u64> = from_start.entries.iter().map(|e| e.sequence).collect();
    assert_eq!(sequences, vec![3, 4]);
    assert_eq!(store.room_bytes(room).await.unwrap(), 3);

    let past_snapshot = store.read_after(room, 3).await.unwrap();
    assert_eq!(past_snapshot.snapshot, None);
    assert_eq!(past_snapshot.entries.len(), 1);
}

#[tokio::test]
async fn a_retired_room_keeps_only_its_tombstone_and_notice() {
    let store = store().await;
    let (room, other) = (fresh_room(), fresh_room());
    store.admit(room, token(1)).await.unwrap();
    store.admit(other, token(2)).await.unwrap();
    store.append(room, vec![1; 40]).await.unwrap();
    store.append(room, vec![2; 40]).await.unwrap();
    store.replace_through(room, 1, vec![3; 40]).await.unwrap();
    store.append(other, vec![5; 17]).await.unwrap();
    store.retire(room, vec![7; 24]).await.unwrap();

    assert_eq!(
        store.admit(room, token(1)).await.unwrap(),
        Admission::Retired(vec![7; 24])
    );
    assert_eq!(
        store.admit(room, token(2)).await.unwrap(),
        Admission::Refused
    );
    assert_eq!(store.room_bytes(room).await.unwrap(), 0);
    assert!(matches!(
        store.append(room, vec![4]).await,
        Err(StoreError::NoSuchRoom)
    ));
    assert!(matches!(
        store.read_after(room, 0).await,
        Err(StoreError::NoSuchRoom)
    ));
    assert!(matches!(
        store.replace_through(room, 2, vec![6]).await,
        Err(StoreError::NoSuchRoom)
    ));
    // Retiring again changes nothing; an unknown room cannot be retired.
    store.retire(room, vec![8; 24]).await.unwrap();
    assert_eq!(
        store.admit(room, token(1)).await.unwrap(),
        Admission::Retired(vec![7; 24])
    );
    assert!(matches!(
        store.retire(fresh_room(), vec![1]).await,
        Err(StoreError::NoSuchRoom)
    ));
    // Other rooms are untouched.
    assert_eq!(store.read_after(other, 0).await.unwrap().entries.len(), 1);
}

/// Two stores (as two relay processes would have) appending to one room at
/// once: every sequence is handed out exactly once, without gaps, and each
/// store hears of the other's appends.
#[tokio::test]
async fn a_room_unchanged_past_the_cutoff_expires_to_a_tombstone_and_others_stay() {
    let store = store().await;
    let (idle, busy) = (fresh_room(), fresh_room());
    store.admit(idle, token(1)).await.unwrap();
    store.append(idle, vec![1; 40]).await.unwrap();
    store.admit(busy, token(2)).await.unwrap();
    store.append(busy, vec![2; 40]).await.unwrap();
    let changed = store.last_change(busy).await.unwrap().unwrap();
    assert!(store.last_change(idle).await.unwrap().unwrap() <= changed);
    // The idle room last changed 500 days ago.
    let (client, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .execute(
            "UPDATE rooms SET changed_at = changed_at - 500 * 86400,
                              created_at = created_at - 500 * 86400
             WHERE room = $1",
            &[&idle.as_bytes().as_slice()],
        )
        .await
        .unwrap();

    let cutoff = changed - 400 * 86400;
    assert!(store.expire_idle(cutoff).await.unwrap() >= 1);
    assert_eq!(
        store.admit(idle, token(1)).await.unwrap(),
        Admission::Expired
    );
    assert_eq!(
        store.admit(idle, token(2)).await.unwrap(),
        Admission::Refused
    );
    assert_eq!(store.room_bytes(idle).await.unwrap(), 0);
    assert!(matches!(
        store.append(idle, vec![3]).await,
        Err(StoreError::NoSuchRoom)
    ));
    assert_eq!(
        store.admit(busy, token(2)).await.unwrap(),
        Admission::Admitted
    );
    assert_eq!(store.read_after(busy, 0).await.unwrap().latest, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_share_a_rooms_numbering_and_hear_of_each_others_appends() {
    let _listening = LISTENING.lock().await;
    let (first, second) = (Arc::new(store().await), Arc::new(store().await));
    let mut news_of_second = first.elsewhere().expect("a shared store has news");
    assert!(first.elsewhere().is_none(), "the news is taken once");
    let room = fresh_room();
    first.admit(room, token(3)).await.unwrap();
    let appends: Vec<_> = (0..40u8)
        .map(|index| {
            let store = if index % 2 == 0 {
                Arc::clone(&first)
            } else {
                Arc::clone(&second)
            };
            tokio::spawn(async move { store.append(room, vec![index; 40]).await.unwrap() })
        })
        .collect();
    let mut sequences = Vec::new();
    let mut from_second = BTreeSet::new();
    for (index, append) in appends.into_iter().enumerate() {
        let sequence = append.await.unwrap();
        sequences.push(sequence);
        if index % 2 == 1 {
            from_second.insert(sequence);
        }
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=40).collect::<Vec<_>>());

    let mut heard = BTreeSet::new();
    while heard.len() < from_second.len() {
        let news = tokio::time::timeout(Duration::from_secs(5), news_of_second.recv())
            .await
            .expect("the other store's appends are heard in time")
            .expect("the news channel is open");
        if let tandem_relay::Elsewhere::Stored {
            room: heard_room,
            sequence,
        } = news
        {
            if heard_room == room {
                heard.insert(sequence);
            }
        }
    }
    assert_eq!(
        heard, from_second,
        "only the other store's appends are news"
    );
}

async fn connect(addr: SocketAddr, client: &mut SyncClient) -> Socket {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .expect("the relay is up");
    client.connect().expect("a hello fits");
    while let Some(bytes) = client.poll_transmit() {
        socket
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sent");
    }
    socket
}

/// The next event for `client` from `socket`, within five seconds.
async fn next_event(socket: &mut Socket, client: &mut SyncClient) -> ClientEvent {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("the relay answers in time");
        let Some(Ok(Message::Binary(bytes))) = message else {
            continue;
        };
        if let Some(event) = client.receive(&bytes).expect("a frame the client can use") {
            return event;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_through_one_relay_reaches_a_client_of_the_other_at_once() {
    let _listening = LISTENING.lock().await;
    let (mut one, mut other) = (
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
    );
    one.start().await;
    other.start().await;
    let invite = Invite {
        room: fresh_room(),
        key: RoomKey::random().expect("randomness"),
    };
    let mut writer = SyncClient::new(invite.clone(), 0);
    let mut reader = SyncClient::new(invite, 0);
    let mut writing = connect(one.addr, &mut writer).await;
    assert!(matches!(
        next_event(&mut writing, &mut writer).await,
        ClientEvent::UpToDate { latest: 0 }
    ));
    let mut reading = connect(other.addr, &mut reader).await;
    assert!(matches!(
        next_event(&mut reading, &mut reader).await,
        ClientEvent::UpToDate { latest: 0 }
    ));
    for round in 1..=5u64 {
        let payload = format!("change {round}").into_bytes();
        writer.push(&payload).expect("a push fits");
        while let Some(bytes) = writer.poll_transmit() {
            writing
                .send(Message::Binary(bytes.into()))
                .await
                .expect("sent");
        }
        let ClientEvent::Acknowledged { sequence, .. } =
            next_event(&mut writing, &mut writer).await
        else {
            panic!("the push is acknowledged");
        };
        assert_eq!(sequence, round);
        // The reader stays connected: the change comes through the
        // database's notification, not a replay.
        assert_eq!(
            next_event(&mut reading, &mut reader).await,
            ClientEvent::Changes {
                sequence: round,
                changes: payload
            }
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_retired_through_one_relay_closes_for_clients_of_the_other() {
    let _listening = LISTENING.lock().await;
    let (mut one, mut other) = (
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
    );
    one.start().await;
    other.start().await;
    let invite = Invite {
        room: fresh_room(),
        key: RoomKey::random().expect("randomness"),
    };
    let mut retiring_client = SyncClient::new(invite.clone(), 0);
    let mut staying_client = SyncClient::new(invite.clone(), 0);
    let mut retiring = connect(one.addr, &mut retiring_client).await;
    assert!(matches!(
        next_event(&mut retiring, &mut retiring_client).await,
        ClientEvent::UpToDate { .. }
    ));
    let mut staying = connect(other.addr, &mut staying_client).await;
    assert!(matches!(
        next_event(&mut staying, &mut staying_client).await,
        ClientEvent::UpToDate { .. }
    ));
    let notice = vec![42u8; 64];
    let retire = Frame::Retire {
        notice: notice.clone(),
    }
    .encode(MAX_FRAME_BYTES)
    .expect("a retire frame fits");
    retiring
        .send(Message::Binary(retire.into()))
        .await
        .expect("sent");
    // The client of the other relay is told at once, without a reconnect.
    let told = loop {
        let message = tokio::time::timeout(Duration::from_secs(5), staying.next())
            .await
            .expect("the other relay tells its client in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                break Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame");
            }
            Some(Ok(_)) => continue,
            other => panic!("the connection ended before the notice: {other:?}"),
        }
    };
    assert_eq!(told, Frame::Retired { notice });
}

/// Pushes one change through `writer` and waits for its acknowledgement.
async fn push(socket: &mut Socket, client: &mut SyncClient, payload: &[u8]) -> u64 {
    client.push(payload).expect("a push fits");
    while let Some(bytes) = client.poll_transmit() {
        socket
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sent");
    }
    match next_event(socket, client).await {
        ClientEvent::Acknowledged { sequence, .. } => sequence,
        other => panic!("expected an acknowledgement, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_whose_listening_connection_breaks_catches_up_and_listens_again() {
    let _listening = LISTENING.lock().await;
    let (mut one, mut other) = (
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
    );
    one.start().await;
    other.start().await;
    let invite = Invite {
        room: fresh_room(),
        key: RoomKey::random().expect("randomness"),
    };
    let mut writer = SyncClient::new(invite.clone(), 0);
    let mut reader = SyncClient::new(invite, 0);
    let mut writing = connect(one.addr, &mut writer).await;
    assert!(matches!(
        next_event(&mut writing, &mut writer).await,
        ClientEvent::UpToDate { .. }
    ));
    let mut reading = connect(other.addr, &mut reader).await;
    assert!(matches!(
        next_event(&mut reading, &mut reader).await,
        ClientEvent::UpToDate { .. }
    ));
    assert_eq!(push(&mut writing, &mut writer, b"before").await, 1);
    assert_eq!(
        next_event(&mut reading, &mut reader).await,
        ClientEvent::Changes {
            sequence: 1,
            changes: b"before".to_vec()
        }
    );

    // The database ends every relay's listening connection.
    let (admin, connection) = tokio_postgres::connect(&database_url(), tokio_postgres::NoTls)
        .await
        .expect("the database is reachable");
    tokio::spawn(connection);
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query = 'LISTEN tandem_stored'
               AND pid <> pg_backend_pid()",
            &[],
        )
        .await
        .expect("listening connections can be ended")
        .len();
    assert!(ended >= 2, "both relays were listening ({ended} ended)");

    // Stored while nobody listens: the reader still gets it, and what
    // follows too, without reconnecting.
    assert_eq!(push(&mut writing, &mut writer, b"unheard").await, 2);
    assert_eq!(push(&mut writing, &mut writer, b"after").await, 3);
    for (sequence, changes) in [(2, b"unheard".to_vec()), (3, b"after".to_vec())] {
        assert_eq!(
            next_event(&mut reading, &mut reader).await,
            ClientEvent::Changes { sequence, changes }
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_on_one_database_converge_and_a_killed_one_loses_no_acknowledged_push() {
    let seed = env_number("TANDEM_CRASH_SEED").unwrap_or(11);
    let kills = env_number("TANDEM_CRASH_KILLS").unwrap_or(3);
    eprintln!(
        "two relays on PostgreSQL: seed {seed}, {kills} kills (TANDEM_CRASH_SEED, TANDEM_CRASH_KILLS)"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let invite = Invite {
        room: fresh_room(),
        key: RoomKey::from_bytes(rng.random()),
    };
    let mut relays = [
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
        RelayProcess::new(Some(Storage::Postgres(database_url()))),
    ];
    for relay in &mut relays {
        relay.start().await;
    }
    let addrs = [relays[0].addr, relays[1].addr];

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
                addrs.to_vec(),
                invite.clone(),
                Arc::clone(&ledger),
                Arc::clone(&pushing),
                Arc::clone(&finishing),
            ))
        })
        .collect();

    for _ in 0..kills {
        tokio::time::sleep(Duration::from_millis(rng.random_range(300..1200))).await;
        let victim = rng.random_range(0..2);
        relays[victim].kill();
        // The devices of the killed relay go on through the other one.
        tokio::time::sleep(Duration::from_millis(rng.random_range(200..800))).await;
        relays[victim].start().await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    pushing.store(false, Ordering::SeqCst);
    finishing.store(true, Ordering::SeqCst);
    for device in devices {
        tokio::time::timeout(Duration::from_secs(60), device)
            .await
            .expect("every device finishes its pushes")
            .expect("no device failed");
    }

    // A new device reads the whole room from the start, through either.
    let mut stored_by_relay = Vec::new();
    for addr in addrs {
        let mut reader = SyncClient::new(invite.clone(), 0);
        let mut socket = connect(addr, &mut reader).await;
        let mut stored: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let latest = loop {
            match next_event(&mut socket, &mut reader).await {
                ClientEvent::Changes { sequence, changes } => {
                    stored.insert(sequence, changes);
                }
                ClientEvent::UpToDate { latest } => break latest,
                other => panic!("while reading the room: {other:?}"),
            }
        };
        assert_eq!(
            stored.keys().copied().collect::<Vec<_>>(),
            (1..=latest).collect::<Vec<_>>(),
            "the room's sequences run without a gap"
        );
        stored_by_relay.push(stored);
    }
    assert_eq!(
        stored_by_relay[0], stored_by_relay[1],
        "both relays serve the same room"
    );
    let stored = &stored_by_relay[0];

    let ledger = ledger.lock().expect("the ledger");
    assert!(
        ledger.acknowledged.len() > 40,
        "the devices got pushes through ({} acknowledged)",
        ledger.acknowledged.len()
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
        "two relays on PostgreSQL: {kills} kills, {} pushes acknowledged, {} stored, {} reconnects",
        ledger.acknowledged.len(),
        stored.len(),
        ledger.reconnects
    );
}

/// What `client` hears until its socket closes: the refusal's code, if
/// there was one. Changes and acknowledgements before it are passed over.
async fn refusal_then_close(socket: &mut Socket, client: &mut SyncClient) -> Option<ErrorCode> {
    let mut refused = None;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the relay answers or closes in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                if let Ok(Some(ClientEvent::Refused { code, .. })) = client.receive(&bytes) {
                    refused = Some(code);
                }
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => {
                client.disconnected();
                return refused;
            }
            Some(Ok(_)) => {}
        }
    }
}

/// Connects `client` as the app does after a temporary refusal: again
/// and again, until the relay lets it in. The socket, and what the
/// client heard up to being in sync.
async fn back_in(addr: SocketAddr, client: &mut SyncClient) -> (Socket, Vec<ClientEvent>) {
    let started = std::time::Instant::now();
    'connecting: loop {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the relay did not take the device back"
        );
        let mut socket = connect(addr, client).await;
        let mut heard = Vec::new();
        loop {
            let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
                .await
                .expect("the relay answers in time");
            let Some(Ok(Message::Binary(bytes))) = message else {
                client.disconnected();
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue 'connecting;
            };
            match client.receive(&bytes).expect("a frame the client can use") {
                Some(ClientEvent::UpToDate { latest }) => {
                    heard.push(ClientEvent::UpToDate { latest });
                    return (socket, heard);
                }
                Some(ClientEvent::Refused { code, message }) => {
                    assert_eq!(code, ErrorCode::Storage, "refused for {message}");
                }
                Some(event) => heard.push(event),
                None => {}
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_its_database_is_gone_every_client_is_told_and_the_relay_recovers_when_it_returns() {
    let url = database_url();
    let config: tokio_postgres::Config = url.parse().expect("a database URL");
    let host = match config.get_hosts() {
        [tokio_postgres::config::Host::Tcp(host)] => host.clone(),
        other => panic!("the test reaches the database over TCP, not {other:?}"),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let server = tokio::net::lookup_host((host.as_str(), port))
        .await
        .expect("the database's host resolves")
        .next()
        .expect("the database has an address");
    let mut outage = Outage::start(server).await;
    let through_outage = url.replacen(&format!("{host}:{port}"), &outage.addr.to_string(), 1);
    assert_ne!(through_outage, url, "the URL names the host and port");
    let mut relay = RelayProcess::new(Some(Storage::Postgres(through_outage)));
    relay.start().await;

    let invite = Invite {
        room: fresh_room(),
        key: RoomKey::random().expect("randomness"),
    };
    let mut anna = SyncClient::new(invite.clone(), 0);
    let mut ben = SyncClient::new(invite.clone(), 0);
    let (mut anna_socket, _) = back_in(relay.addr, &mut anna).await;
    let (mut ben_socket, _) = back_in(relay.addr, &mut ben).await;
    let mut acknowledged = Vec::new();
    for round in 1..=3u64 {
        let payload = format!("vor der Störung {round}").into_bytes();
        assert_eq!(push(&mut anna_socket, &mut anna, &payload).await, round);
        assert!(matches!(
            next_event(&mut ben_socket, &mut ben).await,
            ClientEvent::Changes { sequence, .. } if sequence == round
        ));
        acknowledged.push(payload);
    }

    outage.down();
    let during = b"waehrend der Stoerung".to_vec();
    anna.push(&during).expect("a push fits");
    while let Some(bytes) = anna.poll_transmit() {
        anna_socket
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sent");
    }
    assert_eq!(
        refusal_then_close(&mut anna_socket, &mut anna).await,
        Some(ErrorCode::Storage),
        "the pusher is told"
    );
    assert_eq!(
        refusal_then_close(&mut ben_socket, &mut ben).await,
        Some(ErrorCode::Storage),
        "the room's other device is told"
    );
    assert_eq!(anna.pending(), 1, "the push was not acknowledged");
    let mut carla = SyncClient::new(invite.clone(), 0);
    let mut carla_socket = connect(relay.addr, &mut carla).await;
    assert_eq!(
        refusal_then_close(&mut carla_socket, &mut carla).await,
        Some(ErrorCode::Storage),
        "a device that comes meanwhile is told"
    );

    // The same relay process, not restarted.
    outage.up().await;
    let (mut anna_socket, _) = back_in(relay.addr, &mut anna).await;
    let sequence = match next_event(&mut anna_socket, &mut anna).await {
        ClientEvent::Acknowledged { sequence, .. } => sequence,
        other => panic!("expected the waiting push's acknowledgement, got {other:?}"),
    };
    assert_eq!(sequence, 4, "taken under the next sequence");
    acknowledged.push(during.clone());
    let (mut ben_socket, mut heard) = back_in(relay.addr, &mut ben).await;
    if !heard
        .iter()
        .any(|event| matches!(event, ClientEvent::Changes { .. }))
    {
        heard.push(next_event(&mut ben_socket, &mut ben).await);
    }
    assert!(
        heard.contains(&ClientEvent::Changes {
            sequence: 4,
            changes: during
        }),
        "the other device gets the push that waited: {heard:?}"
    );

    let mut reader = SyncClient::new(invite, 0);
    let (_, replayed) = back_in(relay.addr, &mut reader).await;
    let expected: Vec<ClientEvent> = acknowledged
        .into_iter()
        .zip(1..)
        .map(|(changes, sequence)| ClientEvent::Changes { sequence, changes })
        .chain([ClientEvent::UpToDate { latest: 4 }])
        .collect();
    assert_eq!(
        replayed, expected,
        "every acknowledged push, once, in order"
    );
}
