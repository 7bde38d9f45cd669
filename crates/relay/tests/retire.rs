//! Erasure across the relay: a coordinator forgets a person, the programme
//! moves to a new generation in a new room, the old room is retired, and a
//! partner who is online at that moment is told where to go, moves over
//! with their own unsynced edit, and syncs on in the new room. Afterwards
//! no stored byte of the relay's database holds the old room's blobs, and
//! neither coordinator's document holds the person.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use support::files::Database;
use support::relay::start;
use support::wire::{socket, Socket, PATIENCE};
use tandem_core::{
    Author, Command, Day, LiveSync, NewProgramme, PersonDetails, PersonId, ProgrammeDocument,
    ProgrammeKind, Role,
};
use tandem_relay::Limits;
use tandem_sync::{ClientEvent, Forwarding, Frame, Invite, SyncClient, MAX_FRAME_BYTES};
use tokio_tungstenite::tungstenite::Message;

mod support;

const ERASED: &str = "Zoë Vergessenwerden";

/// A coordinator's browser: its programme, live-sync bookkeeping and the
/// sync state machine over a real socket.
struct Coordinator {
    document: ProgrammeDocument,
    live: LiveSync,
    client: SyncClient,
    socket: Socket,
}

impl Coordinator {
    async fn connect(
        addr: SocketAddr,
        _author: Author,
        document: ProgrammeDocument,
        invite: &Invite,
    ) -> Self {
        let socket = socket(addr).await;
        let mut coordinator = Self {
            live: LiveSync::new(Vec::new()),
            document,
            client: SyncClient::new(invite.clone(), 0),
            socket,
        };
        coordinator.client.connect().unwrap();
        coordinator.flush().await;
        coordinator
    }

    async fn flush(&mut self) {
        while let Some(bytes) = self.client.poll_transmit() {
            self.socket
                .send(Message::Binary(bytes.into()))
                .await
                .unwrap();
        }
    }

    /// The next event, or `None` once the relay closed the connection.
    async fn event(&mut self) -> Option<ClientEvent> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the relay answers in time");
            let bytes = match message {
                Some(Ok(Message::Binary(bytes))) => bytes,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                _ => return None,
            };
            if let Some(event) = self.client.receive(&bytes).unwrap() {
                return Some(event);
            }
        }
    }

    /// Reads events, merging changes, until the relay says up to date.
    async fn catch_up(&mut self) {
        loop {
            match self.event().await {
                Some(ClientEvent::Changes { changes, .. }) => {
                    self.live.receive(&mut self.document, changes).unwrap();
                }
                Some(ClientEvent::UpToDate { .. }) => return,
                other => panic!("while catching up: {other:?}"),
            }
        }
    }

    /// Pushes `changes` and returns the sealed blob as the relay stores it.
    async fn push_capturing(&mut self, changes: &[u8]) -> Vec<u8> {
        self.client.push(changes).unwrap();
        let mut blob = Vec::new();
        while let Some(bytes) = self.client.poll_transmit() {
            if let Ok(Frame::Push { blob: sealed }) = Frame::decode(&bytes, MAX_FRAME_BYTES) {
                blob = sealed;
            }
            self.socket
                .send(Message::Binary(bytes.into()))
                .await
                .unwrap();
        }
        match self.event().await {
            Some(ClientEvent::Acknowledged { .. }) => self.live.acknowledged(),
            other => panic!("expected an acknowledgement, got {other:?}"),
        }
        blob
    }

    async fn push_own(&mut self) {
        if let Some(changes) = self.live.outgoing(&self.document) {
            self.client.push(&changes).unwrap();
            self.flush().await;
            match self.event().await {
                Some(ClientEvent::Acknowledged { .. }) => self.live.acknowledged(),
                other => panic!("expected an acknowledgement, got {other:?}"),
            }
        }
    }

    async fn expect_changes(&mut self) {
        match self.event().await {
            Some(ClientEvent::Changes { changes, .. }) => {
                self.live.receive(&mut self.document, changes).unwrap();
            }
            other => panic!("expected changes, got {other:?}"),
        }
    }
}

fn person(name: &str, role: Role) -> PersonDetails {
    PersonDetails {
        role,
        name: name.into(),
        email: format!(
            "{}@example.org",
            name.split(' ').next().unwrap().to_lowercase()
        ),
        ..PersonDetails::default()
    }
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one journey of two coordinators, read in the order it happens"
)]
async fn forgetting_a_person_moves_both_coordinators_to_a_new_room_and_the_old_one_keeps_nothing() {
    let db = Database::new("journey");
    let (addr, _server) = start(&db.0, Limits::default()).await;
    let anna = Author::new("Anna Koordinatorin");
    let ben = Author::new("Ben Koordinator");
    let mut genesis = ProgrammeDocument::create(
        &anna,
        NewProgramme {
            name: "Cross-Mentoring Kassel".into(),
            kind: ProgrammeKind::CrossMentoring,
            start: Day::parse("2026-02-01").unwrap(),
            end: Day::parse("2027-01-31").unwrap(),
            partners: vec!["Stadt Kassel".into(), "Landkreis Kassel".into()],
        },
    )
    .unwrap();
    let erased = PersonId::random();
    let stays = PersonId::random();
    genesis
        .apply(
            &anna,
            1,
            Command::AddPerson {
                id: erased,
                details: person(ERASED, Role::Mentee),
                applied_on: Day::parse("2026-01-10").unwrap(),
            },
        )
        .unwrap();
    genesis
        .apply(
            &anna,
            2,
            Command::AddPerson {
                id: stays,
                details: person("Hilde Bleibt", Role::Mentor),
                applied_on: Day::parse("2026-01-11").unwrap(),
            },
        )
        .unwrap();
    let old_room = Invite::new_room().unwrap();
    let copy = ProgrammeDocument::load(&genesis.save()).unwrap();

    // Both coordinators live in the old room; the programme's whole history
    // (with the person's name) goes through it.
    let mut a = Coordinator::connect(addr, anna.clone(), genesis, &old_room).await;
    a.catch_up().await;
    let whole = a.live.snapshot(&mut a.document);
    let old_blob = a.push_capturing(&whole).await;
    let mut b = Coordinator::connect(addr, ben.clone(), copy, &old_room).await;
    b.catch_up().await;
    assert!(
        db.contains(&old_blob[old_blob.len() - 64..]),
        "the relay stores the old room's sealed blob"
    );

    // Ben edits offline from the relay's point of view: not pushed yet.
    let mut edited = b.document.programme().people[&stays].details.clone();
    edited.position = "Amtsleiterin".into();
    b.document
        .apply(
            &ben,
            10,
            Command::UpdatePerson {
                id: stays,
                details: edited,
            },
        )
        .unwrap();

    // Anna forgets the person: a new generation in a new room.
    let erasure = a.document.forget(&anna, 20, erased).unwrap();
    let mut next = erasure.document;
    let new_room = Invite::new_room().unwrap();
    let forwarding = Forwarding {
        invite: new_room.clone(),
        generation: next.generation().id,
    };
    let mut a_next = Coordinator::connect(
        addr,
        anna.clone(),
        ProgrammeDocument::load(&next.save()).unwrap(),
        &new_room,
    )
    .await;
    a_next.catch_up().await;
    let whole = a_next.live.snapshot(&mut a_next.document);
    a_next.client.push(&whole).unwrap();
    a_next.flush().await;
    assert!(matches!(
        a_next.event().await,
        Some(ClientEvent::Acknowledged { .. })
    ));
    a_next.live.acknowledged();
    a.client.retire(&forwarding.encode()).unwrap();
    a.flush().await;
    assert!(matches!(
        a.event().await,
        Some(ClientEvent::Acknowledged { .. })
    ));

    // Ben, online, is told where the programme went.
    let Some(ClientEvent::Retired { forwarding: notice }) = b.event().await else {
        panic!("Ben hears of the retirement");
    };
    let told = Forwarding::decode(&notice).unwrap();
    assert_eq!(told, forwarding);

    // He joins the new room, takes the new generation, carries his edit
    // over and pushes it.
    let mut b_next = Coordinator::connect(
        addr,
        ben.clone(),
        ProgrammeDocument::load(&next.save()).unwrap(),
        &told.invite,
    )
    .await;
    b_next.catch_up().await;
    let mut successor = std::mem::replace(
        &mut b_next.document,
        ProgrammeDocument::load(&next.save()).unwrap(),
    );
    let carried = b.document.carry_over(&ben, 30, &mut successor).unwrap();
    assert!(carried.values >= 1);
    b_next.document = successor;
    b_next.push_own().await;

    // Anna receives it in the new room.
    a_next.expect_changes().await;
    assert_eq!(
        a_next.document.programme().people[&stays].details.position,
        "Amtsleiterin"
    );
    assert!(!a_next.document.programme().people.contains_key(&erased));

    // A device that comes back to the old room later is sent on too.
    let mut late = Coordinator::connect(addr, ben.clone(), b.document.clone(), &old_room).await;
    match late.event().await {
        Some(ClientEvent::Retired { forwarding }) => {
            assert_eq!(Forwarding::decode(&forwarding).unwrap().invite, new_room)
        }
        other => panic!("a late device hears of the retirement, got {other:?}"),
    }

    // The proof: the person is in no byte of either coordinator's document
    // (uncompressed, history included), and the relay keeps nothing of the
    // old room but its tombstone.
    for document in [&a_next.document, &b_next.document] {
        let bytes = document.save_uncompressed();
        assert!(!bytes.windows(ERASED.len()).any(|w| w == ERASED.as_bytes()));
        assert!(!bytes
            .windows(erased.to_string().len())
            .any(|w| w == erased.to_string().as_bytes()));
    }
    for window in old_blob.chunks(32).filter(|chunk| chunk.len() == 32) {
        assert!(
            !db.contains(window),
            "no 32 bytes of the old room's sealed blob are left in the relay's database or log"
        );
    }
    assert!(!db.contains(ERASED.as_bytes()));
}
