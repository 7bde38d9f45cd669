//! Nothing is lost: coordinators working apart converge, under chaos.
//!
//! Three to five coordinators join one programme from its invitation and
//! make random changes a coordinator could make (people, applications,
//! tandems, partners, rules, undo, settling values set twice). They pass
//! changes on by `.tandem` files — lost, duplicated, delayed, out of order —
//! and through a relay: the real SQLite [`RoomStore`] behind a model of the
//! relay's connection loop (`connection.rs`: hello, replay, synced, append
//! then acknowledge, forward through the room's broadcast), and the real
//! sans-IO [`SyncClient`] on each side. Links delay every frame by a random
//! amount but keep their order (a WebSocket does); connections break with
//! frames in flight both ways; coordinators go offline and come back; the
//! relay restarts on its database; a browser crashes, losing the write it
//! was making. Coordinators' clocks disagree by days.
//!
//! After healing, every replica has the same heads and the same programme
//! (also equal to the programme read from scratch), every edit a browser
//! saved is present everywhere, and every rule the programme breaks is in
//! the conflict list, which equals the list computed from scratch.
//!
//! Seeded. `TANDEM_CHAOS_SEED=<n>` runs one seed; `TANDEM_CHAOS_SEEDS=<count>`
//! runs that many, from `TANDEM_CHAOS_FIRST_SEED` (default 0);
//! `TANDEM_CHAOS_STEPS` sets the steps per seed. A failure prints its seed.
//! Automerge gives each replica a random actor id, as the app does, so a
//! seed replays the same commands and chaos while tie-breaks between
//! concurrent values may fall the other way.

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::Instant;

use automerge::ChangeHash;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use support::commands;
use tandem_core::{
    Author, Conflict, Contents, Day, ExchangeError, ExchangeFile, Invariant, LiveSync,
    NewProgramme, PersonId, Programme, ProgrammeDocument, ProgrammeKind, Received, TandemId,
};
use tandem_relay::{Admission, RoomStore, SqliteStore, StoreError};
use tandem_sync::{ClientEvent, Frame, Invite, RoomId, RoomKey, SyncClient, MAX_FRAME_BYTES};

mod support;

/// What CI runs: seeds from 0 on for about this long (at least two), each
/// of this many steps. Automerge unoptimised is slow; long runs use
/// `--release` and `TANDEM_CHAOS_SEEDS`.
const CI_SECONDS: u64 = 15;
const CI_STEPS: usize = 150;
const AT: i64 = 1_770_000_000;

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {value:?}")),
    )
}

/// Which seeds to run: one, a count, or as many as fit CI's time.
enum Seeds {
    Listed(Vec<u64>),
    ForAbout(std::time::Duration),
}

fn seeds() -> Seeds {
    if let Some(seed) = env_number("TANDEM_CHAOS_SEED") {
        return Seeds::Listed(vec![seed]);
    }
    let first = env_number("TANDEM_CHAOS_FIRST_SEED").unwrap_or(0);
    match env_number("TANDEM_CHAOS_SEEDS") {
        Some(count) => Seeds::Listed((first..first + count).collect()),
        None => Seeds::ForAbout(std::time::Duration::from_secs(CI_SECONDS)),
    }
}

/// Prints the seed when its run panics, so that it can be replayed.
struct SeedReport(u64);

impl Drop for SeedReport {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "\nchaos seed {0} failed; replay it with\n  TANDEM_CHAOS_SEED={0} cargo test -p tandem-relay --test convergence -- --nocapture\n",
                self.0
            );
        }
    }
}

/// A database file in memory-backed storage where there is one.
fn database_path(seed: u64) -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    let dir = if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    };
    dir.join(format!(
        "tandem-chaos-{}-{seed}.sqlite3",
        std::process::id()
    ))
}

fn remove_database(path: &Path) {
    // Every shard of the database, with its write-ahead log.
    for file in tandem_relay::store::database_files(path) {
        std::fs::remove_file(file).ok();
    }
}

// ---------------------------------------------------------------------------
// The relay: the real store, the connection loop as connection.rs runs it.

/// One WebSocket between a replica and the relay. Frames keep their order
/// in each direction; when the connection breaks, what is in flight is lost.
struct Link {
    replica: usize,
    open: bool,
    /// Frames on their way to the relay.
    up: VecDeque<Vec<u8>>,
    /// Frames on their way to the replica.
    down: VecDeque<Vec<u8>>,
    /// Whether the relay has taken this connection's hello.
    in_room: bool,
    /// The highest sequence sent to this connection (connection.rs `last_sent`).
    last_sent: u64,
    /// Deliveries broadcast to this connection that its task has not yet
    /// forwarded: (sequence, deliver frame, pushing link).
    broadcast: VecDeque<(u64, Vec<u8>, usize)>,
}

struct Relay {
    path: PathBuf,
    store: SqliteStore,
    runtime: tokio::runtime::Runtime,
    links: Vec<Link>,
    duplicate_deliveries: bool,
    stats: Stats,
}

impl Relay {
    fn new(path: PathBuf) -> Self {
        remove_database(&path);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let store = SqliteStore::open(&path).expect("the database opens");
        Self {
            path,
            store,
            runtime,
            links: Vec::new(),
            duplicate_deliveries: false,
            stats: Stats::default(),
        }
    }

    /// The process dies and starts again on the same database: every
    /// connection breaks, only what was committed remains.
    fn restart(&mut self) -> Vec<usize> {
        let broken = self.break_all();
        self.store = SqliteStore::open(&self.path).expect("the database opens again");
        self.stats.relay_restarts += 1;
        broken
    }

    fn break_all(&mut self) -> Vec<usize> {
        let mut broken = Vec::new();
        for index in 0..self.links.len() {
            if self.links[index].open {
                broken.push(self.links[index].replica);
                self.break_link(index);
            }
        }
        broken
    }

    fn break_link(&mut self, index: usize) {
        let link = &mut self.links[index];
        link.open = false;
        link.up.clear();
        link.down.clear();
        link.broadcast.clear();
    }

    fn open_link(&mut self, replica: usize) -> usize {
        self.links.push(Link {
            replica,
            open: true,
            up: VecDeque::new(),
            down: VecDeque::new(),
            in_room: false,
            last_sent: 0,
            broadcast: VecDeque::new(),
        });
        self.links.len() - 1
    }

    fn send_down(&mut self, index: usize, frame: Frame) {
        let bytes = frame
            .encode(MAX_FRAME_BYTES)
            .expect("the relay's frames fit");
        self.links[index].down.push_back(bytes);
    }

    /// The relay reads the next frame a connection sent.
    fn take_up(&mut self, index: usize) {
        let Some(bytes) = self.links[index].up.pop_front() else {
            return;
        };
        let frame = Frame::decode(&bytes, MAX_FRAME_BYTES)
            .unwrap_or_else(|error| panic!("an honest client sent a bad frame: {error}"));
        if !self.links[index].in_room {
            let Frame::Hello {
                room, token, after, ..
            } = frame
            else {
                panic!("the first frame was a {}, not a hello", frame.kind());
            };
            let admission = self
                .runtime
                .block_on(self.store.admit(room, token.hash()))
                .expect("the store admits");
            assert_ne!(
                admission,
                Admission::Refused,
                "the room's own token was refused"
            );
            self.replay(index, room, after);
            let latest = self.links[index].last_sent;
            self.send_down(index, Frame::Synced { latest });
            self.links[index].in_room = true;
            return;
        }
        match frame {
            Frame::Push { blob } => {
                let room = self.room();
                let sequence = self
                    .runtime
                    .block_on(self.store.append(room, blob.clone()))
                    .expect("the store appends");
                self.stats.pushes_stored += 1;
                let deliver = Frame::Deliver { sequence, blob }
                    .encode(MAX_FRAME_BYTES)
                    .expect("a deliver frame fits");
                for link in self.links.iter_mut().filter(|l| l.open && l.in_room) {
                    link.broadcast.push_back((sequence, deliver.clone(), index));
                }
                self.send_down(index, Frame::Ack { sequence });
            }
            Frame::Snapshot { through, blob } => {
                let room = self.room();
                match self
                    .runtime
                    .block_on(self.store.replace_through(room, through, blob))
                {
                    Ok(()) => self.stats.snapshots_stored += 1,
                    Err(StoreError::SnapshotAhead { through, latest }) => panic!(
                        "a client's snapshot through {through} is ahead of the room's latest {latest}"
                    ),
                    Err(error) => panic!("the store failed: {error}"),
                }
                self.send_down(index, Frame::Ack { sequence: through });
            }
            other => panic!("a client sent a {} frame", other.kind()),
        }
    }

    fn room(&self) -> RoomId {
        room()
    }

    /// connection.rs `replay`: the snapshot if the client is behind it,
    /// then every entry after `after`.
    fn replay(&mut self, index: usize, room: RoomId, after: u64) {
        let replay = self
            .runtime
            .block_on(self.store.read_after(room, after))
            .expect("the store reads");
        if let Some(snapshot) = replay.snapshot {
            self.send_down(
                index,
                Frame::Snapshot {
                    through: snapshot.sequence,
                    blob: snapshot.blob,
                },
            );
        }
        for entry in replay.entries {
            self.send_down(
                index,
                Frame::Deliver {
                    sequence: entry.sequence,
                    blob: entry.blob,
                },
            );
        }
        let link = &mut self.links[index];
        link.last_sent = link.last_sent.max(replay.latest);
    }

    /// connection.rs `forward`: the connection's task takes the next
    /// broadcast delivery.
    fn forward(&mut self, index: usize) {
        let duplicate = self.duplicate_deliveries;
        let link = &mut self.links[index];
        let Some((sequence, frame, from)) = link.broadcast.pop_front() else {
            return;
        };
        if sequence <= link.last_sent {
            return;
        }
        link.last_sent = sequence;
        if from == index {
            return;
        }
        if duplicate {
            // A delivery twice: the client must take it once.
            link.down.push_back(frame.clone());
        }
        link.down.push_back(frame);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        remove_database(&self.path);
    }
}

/// The programme's room on the relay.
fn room() -> RoomId {
    RoomId::from_bytes([7; 16])
}

// ---------------------------------------------------------------------------
// A coordinator's browser, wired as the app wires it (src/session): every
// change is persisted as a chunk whose write finishes later, then pushed
// through `LiveSync`; relay events go through `LiveSync` too; the sync
// progress (last sequence seen, acknowledged heads) is stored apart from the
// chunks, only once the chunks it speaks of are written.

/// With `TANDEM_CHAOS_PROGRESS_AT_ONCE=1` the progress is stored before
/// the chunks it speaks of are written, to show why it must wait: a crash
/// in between leaves the browser past changes it never stored.
fn progress_at_once() -> bool {
    std::env::var("TANDEM_CHAOS_PROGRESS_AT_ONCE").is_ok_and(|value| value == "1")
}

/// A chunk on its way into storage; lost if the browser crashes first.
struct PendingWrite {
    chunk: Vec<u8>,
    /// This coordinator's edits in it.
    edits: Vec<ChangeHash>,
}

/// How far the browser has synced, as stored for the next start.
#[derive(Clone, Default)]
struct Progress {
    last_seen: u64,
    acknowledged: Vec<ChangeHash>,
}

struct Replica {
    author: Author,
    /// Days this coordinator's clock is off.
    skew: i64,
    document: ProgrammeDocument,
    /// Chunks the browser has written.
    chunks: Vec<Vec<u8>>,
    writes: VecDeque<PendingWrite>,
    progress: Progress,
    /// Progress to store once the writes under way have finished.
    progress_due: Option<Progress>,
    live: LiveSync,
    client: SyncClient,
    /// This coordinator's edits in the document, and for each push on its
    /// way the edits it carried.
    edits: Vec<ChangeHash>,
    pushed_edits: VecDeque<Vec<ChangeHash>>,
    link: Option<usize>,
    online: bool,
    /// Which side of a partition the coordinator is on.
    side: u8,
    /// What each partner is known to have (from their last file).
    known: Vec<Vec<ChangeHash>>,
    /// Sequences since this browser's last snapshot upload.
    snapshot_at: u64,
}

/// A `.tandem` file on its way from one coordinator to another.
struct Mail {
    from: usize,
    to: usize,
    bytes: Vec<u8>,
}

#[derive(Default, Debug)]
struct Stats {
    commands: u64,
    refused: u64,
    files_merged: u64,
    files_refused_missing_earlier: u64,
    deliveries_merged: u64,
    deliveries_held: u64,
    pushes_stored: u64,
    snapshots_stored: u64,
    relay_restarts: u64,
    crashes: u64,
    lost_writes: u64,
    connections_broken: u64,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.commands += other.commands;
        self.refused += other.refused;
        self.files_merged += other.files_merged;
        self.files_refused_missing_earlier += other.files_refused_missing_earlier;
        self.deliveries_merged += other.deliveries_merged;
        self.deliveries_held += other.deliveries_held;
        self.pushes_stored += other.pushes_stored;
        self.snapshots_stored += other.snapshots_stored;
        self.relay_restarts += other.relay_restarts;
        self.crashes += other.crashes;
        self.lost_writes += other.lost_writes;
        self.connections_broken += other.connections_broken;
    }
}

struct World {
    rng: ChaCha8Rng,
    invite: Invite,
    /// The programme's invitation file, for a partner joining late.
    invitation: Vec<u8>,
    relay: Relay,
    replicas: Vec<Replica>,
    mail: Vec<Mail>,
    /// Every edit a browser stored or the relay acknowledged: it must be
    /// everywhere at the end.
    kept_edits: BTreeSet<ChangeHash>,
    partitioned: bool,
    stats: Stats,
}

/// A partner's browser that has just joined from the invitation.
fn joining(invite: &Invite, invitation: &[u8], author: Author) -> Replica {
    let mut document =
        ProgrammeDocument::join(&ExchangeFile::decode(invitation).expect("the invitation reads"))
            .expect("a partner joins from the invitation");
    Replica {
        author,
        skew: 0,
        chunks: vec![document.save()],
        document,
        writes: VecDeque::new(),
        progress: Progress::default(),
        progress_due: None,
        // A room opened for a programme every partner already has: the
        // relay holds nothing they lack.
        live: LiveSync::new(Vec::new()),
        client: SyncClient::new(invite.clone(), 0),
        edits: Vec::new(),
        pushed_edits: VecDeque::new(),
        link: None,
        online: true,
        side: 0,
        known: Vec::new(),
        snapshot_at: 0,
    }
}

fn check_fresh(document: &ProgrammeDocument, context: &str) {
    let fresh = ProgrammeDocument::load(&document.export("", 0, Contents::Whole, &[]).body)
        .expect("a replica's document reloads");
    assert_eq!(
        document.programme(),
        fresh.programme(),
        "{context}: the programme kept up to date after merges differs from the one read from scratch"
    );
    assert_eq!(
        document.conflicts(),
        fresh.conflicts(),
        "{context}: the conflict list kept after merges differs from the one computed from scratch"
    );
}

fn head_set(document: &ProgrammeDocument) -> BTreeSet<String> {
    document.heads().iter().map(|h| h.to_string()).collect()
}

impl World {
    fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let invite = Invite {
            room: room(),
            key: RoomKey::from_bytes(rng.random()),
        };
        let count = rng.random_range(3..=5);
        let founder = Author::new("Petra Probe");
        let kind = *[ProgrammeKind::CrossMentoring, ProgrammeKind::Political]
            .choose(&mut rng)
            .expect("kinds");
        let genesis = ProgrammeDocument::create_at(
            &founder,
            AT,
            NewProgramme {
                name: "Cross-Mentoring Kassel".into(),
                kind,
                start: Day::parse("2026-02-01").expect("a day"),
                end: Day::parse("2027-01-31").expect("a day"),
                partners: vec![
                    "Stadt Kassel".into(),
                    "Landkreis Kassel".into(),
                    "Stadt Baunatal".into(),
                ],
            },
        )
        .expect("the programme is valid");
        let invitation = genesis.export("Petra Probe", AT, Contents::Invite, &[]);
        let genesis_heads = genesis.heads();
        let names = [
            "Petra Probe",
            "Jana Exempel",
            "Ute Vorbild",
            "Sven Muster",
            "Ayşe Test",
        ];
        let invitation = invitation.encode();
        let replicas = (0..count)
            .map(|index| {
                let author = if index == 0 {
                    founder.clone()
                } else {
                    Author::new(names[index])
                };
                let mut replica = joining(&invite, &invitation, author);
                replica.skew = rng.random_range(-3..=3);
                replica.online = rng.random_bool(0.8);
                replica.known = vec![genesis_heads.clone(); count];
                replica
            })
            .collect();
        let mut relay = Relay::new(database_path(seed));
        relay.duplicate_deliveries = rng.random_bool(0.3);
        Self {
            rng,
            invite,
            invitation,
            relay,
            replicas,
            mail: Vec::new(),
            kept_edits: BTreeSet::new(),
            partitioned: false,
            stats: Stats::default(),
        }
    }

    // -- storage -----------------------------------------------------------

    /// session.rs `persist`: the chunk is taken now, written later.
    fn persist(&mut self, index: usize, edits: Vec<ChangeHash>) {
        let replica = &mut self.replicas[index];
        let chunk = replica.document.save_incremental();
        if chunk.is_empty() && edits.is_empty() {
            return;
        }
        replica.writes.push_back(PendingWrite { chunk, edits });
    }

    /// The writes under way finish, then the progress waiting for them is
    /// stored.
    fn finish_writes(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        while let Some(write) = replica.writes.pop_front() {
            if !write.chunk.is_empty() {
                replica.chunks.push(write.chunk);
            }
            self.kept_edits.extend(write.edits);
        }
        if let Some(progress) = replica.progress_due.take() {
            replica.progress = progress;
        }
    }

    /// relay.rs `remember_progress`: how far the browser has synced, stored
    /// once the chunks holding what it has merged are written.
    fn remember_progress(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        let mut progress = replica
            .progress_due
            .clone()
            .unwrap_or_else(|| replica.progress.clone());
        if replica.live.held() == 0 {
            progress.last_seen = replica.client.last_seen();
        }
        progress.acknowledged = replica.live.acknowledged_heads().to_vec();
        if replica.writes.is_empty() || progress_at_once() {
            replica.progress = progress;
        } else {
            replica.progress_due = Some(progress);
        }
    }

    /// The tab crashes: some writes under way finish, the rest are lost;
    /// the browser opens the programme again from what it stored.
    fn crash(&mut self, index: usize) {
        self.stats.crashes += 1;
        let finishing = self.rng.random_range(0..=self.replicas[index].writes.len());
        for _ in 0..finishing {
            if let Some(write) = self.replicas[index].writes.pop_front() {
                let replica = &mut self.replicas[index];
                if !write.chunk.is_empty() {
                    replica.chunks.push(write.chunk);
                }
                self.kept_edits.extend(write.edits);
            }
        }
        let replica = &mut self.replicas[index];
        if replica.writes.is_empty() {
            if let Some(progress) = replica.progress_due.take() {
                replica.progress = progress;
            }
        }
        self.stats.lost_writes += replica.writes.len() as u64;
        replica.writes.clear();
        replica.progress_due = None;
        if let Some(link) = replica.link.take() {
            self.relay.break_link(link);
        }
        let replica = &mut self.replicas[index];
        replica.document = ProgrammeDocument::load(&replica.chunks.concat())
            .expect("what the browser stored opens again");
        replica.live = LiveSync::new(replica.progress.acknowledged.clone());
        replica.client = SyncClient::new(self.invite.clone(), replica.progress.last_seen);
        let document = &replica.document;
        replica.edits.retain(|edit| document.has_seen(&[*edit]));
        replica.pushed_edits.clear();
        // The app pushes what the relay has not acknowledged on start.
        self.push(index);
    }

    // -- edits -------------------------------------------------------------

    /// A coordinator's command: persisted, then pushed.
    fn edit(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        let document = &replica.document;
        let command = commands::random_command(
            &mut self.rng,
            document.programme(),
            || document.conflicts(),
            || {
                let history = document.history();
                history
                    .iter()
                    .rev()
                    .take(12)
                    .map(|note| note.hash.clone())
                    .collect()
            },
            &replica.author.name,
        );
        let before_heads = replica.document.heads();
        let before = replica.document.programme().clone();
        let at = AT + self.stats.commands as i64 * 60 + replica.skew * 86_400;
        self.stats.commands += 1;
        match replica.document.apply(&replica.author, at, command.clone()) {
            Ok(()) => {
                let new: Vec<ChangeHash> = replica
                    .document
                    .heads()
                    .into_iter()
                    .filter(|head| !before_heads.contains(head))
                    .collect();
                replica.edits.extend(new.iter().copied());
                self.persist(index, new);
                self.push(index);
            }
            Err(error) => {
                self.stats.refused += 1;
                assert_eq!(
                    replica.document.heads(),
                    before_heads,
                    "a refused command ({error}) changed the document: {command:?}"
                );
                assert_eq!(
                    replica.document.programme(),
                    &before,
                    "a refused command ({error}) changed the programme: {command:?}"
                );
            }
        }
    }

    // -- files -------------------------------------------------------------

    fn send_file(&mut self, from: usize) {
        let count = self.replicas.len();
        let to = (from + self.rng.random_range(1..count)) % count;
        let replica = &self.replicas[from];
        let (contains, seen) = if self.rng.random_bool(0.2) {
            (Contents::Whole, Vec::new())
        } else {
            (Contents::Changes, replica.known[to].clone())
        };
        let file = replica
            .document
            .export(&replica.author.name, AT, contains, &seen);
        let bytes = file.encode();
        // The post loses some files and delivers others twice.
        if self.rng.random_bool(0.1) {
            return;
        }
        if self.rng.random_bool(0.1) {
            self.mail.push(Mail {
                from,
                to,
                bytes: bytes.clone(),
            });
        }
        self.mail.push(Mail { from, to, bytes });
    }

    /// Opens one file that has arrived, in any order.
    fn open_file(&mut self) {
        let sides: Vec<u8> = self.replicas.iter().map(|r| r.side).collect();
        let deliverable: Vec<usize> = (0..self.mail.len())
            .filter(|i| sides[self.mail[*i].from] == sides[self.mail[*i].to])
            .collect();
        let Some(&pick) = deliverable.choose(&mut self.rng) else {
            return;
        };
        let mail = self.mail.swap_remove(pick);
        let replica = &mut self.replicas[mail.to];
        let file = ExchangeFile::decode(&mail.bytes).expect("an honest file reads");
        let before = replica.document.heads();
        match replica.document.preview(&file) {
            Ok(preview) => {
                let file_heads = preview.file_heads.clone();
                replica
                    .document
                    .merge(preview)
                    .expect("a previewed file merges");
                replica.known[mail.from] = file_heads;
                self.stats.files_merged += 1;
                if self.rng.random_bool(0.1) {
                    check_fresh(&self.replicas[mail.to].document, "after a file");
                }
                self.persist(mail.to, Vec::new());
                self.push(mail.to);
            }
            Err(ExchangeError::MissingEarlierChanges) => {
                assert_eq!(
                    replica.document.heads(),
                    before,
                    "a refused file changed the document"
                );
                self.stats.files_refused_missing_earlier += 1;
            }
            Err(error) => panic!("an honest file was refused: {error}"),
        }
    }

    // -- the relay -----------------------------------------------------------

    fn connect(&mut self, index: usize) {
        if self.replicas[index].link.is_some() || !self.replicas[index].online {
            return;
        }
        let link = self.relay.open_link(index);
        let replica = &mut self.replicas[index];
        replica.link = Some(link);
        replica.client.connect().expect("the hello fits");
        self.transmit(index);
    }

    /// Moves what the client wants to send onto its link.
    fn transmit(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        let Some(link) = replica.link else {
            return;
        };
        while let Some(bytes) = replica.client.poll_transmit() {
            self.relay.links[link].up.push_back(bytes);
        }
    }

    fn disconnect(&mut self, index: usize) {
        if let Some(link) = self.replicas[index].link.take() {
            self.relay.break_link(link);
            self.replicas[index].client.disconnected();
            self.stats.connections_broken += 1;
        }
    }

    /// relay.rs `push_changes`: what changed since the last push.
    fn push(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        let Some(bytes) = replica.live.outgoing(&replica.document) else {
            return;
        };
        replica.client.push(&bytes).expect("a push fits a frame");
        replica.pushed_edits.push_back(replica.edits.clone());
        self.transmit(index);
    }

    /// relay.rs `snapshot_if_due`: the whole document replaces the room's
    /// log, when nothing is on its way or held.
    fn snapshot(&mut self, index: usize) {
        let replica = &mut self.replicas[index];
        let since = replica
            .client
            .last_seen()
            .saturating_sub(replica.snapshot_at);
        if since < 2
            || !replica.client.is_up_to_date()
            || replica.client.pending() > 0
            || replica.live.held() > 0
        {
            return;
        }
        let whole = replica.live.snapshot(&mut replica.document);
        replica.client.snapshot(&whole).expect("a snapshot fits");
        replica.pushed_edits.push_back(replica.edits.clone());
        replica.snapshot_at = replica.client.last_seen();
        self.transmit(index);
    }

    /// relay.rs `relay_event`: the replica reads the next frame the relay
    /// sent it.
    fn take_down(&mut self, link: usize) {
        let index = self.relay.links[link].replica;
        let Some(bytes) = self.relay.links[link].down.pop_front() else {
            return;
        };
        let event = self.replicas[index]
            .client
            .receive(&bytes)
            .unwrap_or_else(|error| panic!("the client could not use the relay's frame: {error}"));
        match event {
            None => {}
            Some(ClientEvent::Changes { sequence, changes }) => {
                let replica = &mut self.replicas[index];
                match replica.live.receive(&mut replica.document, changes) {
                    Ok(Received::Merged(count)) => {
                        self.stats.deliveries_merged += 1;
                        if count > 0 {
                            if self.rng.random_bool(0.05) {
                                check_fresh(&self.replicas[index].document, "after a delivery");
                            }
                            self.persist(index, Vec::new());
                        }
                    }
                    Ok(Received::Held) => self.stats.deliveries_held += 1,
                    Err(error) => panic!(
                        "the changes under sequence {sequence} from the relay were refused: {error}"
                    ),
                }
                self.remember_progress(index);
            }
            Some(ClientEvent::Acknowledged { .. }) => {
                let replica = &mut self.replicas[index];
                replica.live.acknowledged();
                let edits = replica
                    .pushed_edits
                    .pop_front()
                    .expect("an acknowledgement for a push on its way");
                self.kept_edits.extend(edits);
                self.remember_progress(index);
            }
            Some(ClientEvent::UpToDate { .. }) => {
                self.remember_progress(index);
                if self.rng.random_bool(0.5) {
                    self.snapshot(index);
                }
            }
            Some(ClientEvent::Refused { code, message }) => {
                panic!("the relay refused an honest client: {code}: {message}")
            }
            Some(ClientEvent::Retired { .. }) => {
                panic!("no room is retired in this run")
            }
            Some(ClientEvent::Expires { .. }) => {
                panic!("no room goes unchanged long enough to expire in this run")
            }
        }
    }

    fn links_with(&self, what: impl Fn(&Link) -> bool) -> Vec<usize> {
        (0..self.relay.links.len())
            .filter(|i| self.relay.links[*i].open && what(&self.relay.links[*i]))
            .collect()
    }

    // -- the run -------------------------------------------------------------

    fn step(&mut self) {
        let count = self.replicas.len();
        let who = self.rng.random_range(0..count);
        match self.rng.random_range(0..1000) {
            0..=299 => self.edit(who),
            300..=549 => {
                if let Some(&link) = self.links_with(|l| !l.up.is_empty()).choose(&mut self.rng) {
                    self.relay.take_up(link);
                }
            }
            550..=769 => {
                if let Some(&link) = self
                    .links_with(|l| !l.down.is_empty())
                    .choose(&mut self.rng)
                {
                    self.take_down(link);
                }
            }
            770..=849 => {
                if let Some(&link) = self
                    .links_with(|l| !l.broadcast.is_empty())
                    .choose(&mut self.rng)
                {
                    self.relay.forward(link);
                }
            }
            850..=874 => self.finish_writes(who),
            875..=899 => self.snapshot(who),
            900..=924 => self.connect(who),
            925..=944 => self.open_file(),
            945..=959 => self.send_file(who),
            960..=969 => self.disconnect(who),
            970..=976 => {
                if self.replicas[who].online {
                    self.replicas[who].online = false;
                    self.disconnect(who);
                } else {
                    self.replicas[who].online = true;
                }
            }
            977..=981 => self.snapshot(who),
            982..=986 => self.crash(who),
            987..=989 => {
                for index in self.relay.restart() {
                    self.replicas[index].link = None;
                    self.replicas[index].client.disconnected();
                }
            }
            _ => {
                // A partition: files cross only within one side.
                self.partitioned = !self.partitioned;
                for index in 0..count {
                    self.replicas[index].side = if self.partitioned {
                        self.rng.random_range(0..2)
                    } else {
                        0
                    };
                }
            }
        }
    }

    /// Everyone comes online and the links stop failing: run until nothing
    /// moves.
    fn heal(&mut self) {
        self.partitioned = false;
        for replica in &mut self.replicas {
            replica.online = true;
            replica.side = 0;
        }
        let mut compacted = false;
        for round in 0.. {
            assert!(round < 100, "the replicas did not settle after healing");
            for index in 0..self.replicas.len() {
                self.finish_writes(index);
                self.connect(index);
                self.push(index);
            }
            let mut moved = true;
            while moved {
                moved = false;
                for link in self.links_with(|l| !l.up.is_empty()) {
                    self.relay.take_up(link);
                    moved = true;
                }
                for link in self.links_with(|l| !l.broadcast.is_empty()) {
                    self.relay.forward(link);
                    moved = true;
                }
                for link in self.links_with(|l| !l.down.is_empty()) {
                    self.take_down(link);
                    moved = true;
                }
            }
            let settled = self
                .replicas
                .iter()
                .all(|replica| replica.client.pending() == 0 && replica.client.is_up_to_date());
            let heads: Vec<BTreeSet<String>> = self
                .replicas
                .iter()
                .map(|r| head_set(&r.document))
                .collect();
            // Once a run, at the quiet moment the app waits for, one browser
            // replaces the room's log by its snapshot, and a partner joins
            // late from the invitation: it catches up from the snapshot.
            if settled && !compacted {
                compacted = true;
                let uploader = self.rng.random_range(0..self.replicas.len());
                self.replicas[uploader].snapshot_at = 0;
                self.snapshot(uploader);
                let newcomer = joining(&self.invite, &self.invitation, Author::new("Nele Neu"));
                self.replicas.push(newcomer);
                continue;
            }
            if settled && heads.windows(2).all(|pair| pair[0] == pair[1]) {
                break;
            }
            if settled && round > 3 {
                let held: Vec<usize> = self.replicas.iter().map(|r| r.live.held()).collect();
                panic!(
                    "after healing the replicas are in sync with the relay but differ; deliveries held: {held:?}"
                );
            }
        }
        for index in 0..self.replicas.len() {
            self.finish_writes(index);
        }
    }

    fn check(&self, seed: u64) {
        let first = &self.replicas[0].document;
        let heads = head_set(first);
        for (index, replica) in self.replicas.iter().enumerate() {
            let context = format!("seed {seed}, replica {index}");
            assert_eq!(
                head_set(&replica.document),
                heads,
                "{context}: the heads differ"
            );
            assert_eq!(
                replica.live.held(),
                0,
                "{context}: deliveries are still held"
            );
            assert_eq!(
                replica.document.programme(),
                first.programme(),
                "{context}: the programme differs"
            );
            assert_eq!(
                replica.document.conflicts(),
                first.conflicts(),
                "{context}: the conflict list differs"
            );
            check_fresh(&replica.document, &context);
            for edit in &self.kept_edits {
                assert!(
                    replica.document.has_seen(&[*edit]),
                    "{context}: the edit {edit}, stored or acknowledged, is missing"
                );
            }
            // What was stored opens to the same programme.
            let reopened =
                ProgrammeDocument::load(&replica.chunks.concat()).expect("the stored chunks open");
            assert_eq!(
                reopened.programme(),
                first.programme(),
                "{context}: the stored programme differs from the one in memory"
            );
        }
        check_rules(first, seed);
    }
}

/// Every rule the programme breaks, found from the programme alone, must be
/// in the conflict list.
fn check_rules(document: &ProgrammeDocument, seed: u64) {
    let programme: &Programme = document.programme();
    let conflicts = document.conflicts();
    let capacity = programme.rules.mentor_capacity.max(1) as usize;
    for (person, details) in programme.people.iter().map(|(id, p)| (*id, &p.details)) {
        let as_mentor = programme
            .active_tandems()
            .filter(|(_, t)| t.mentor == person)
            .count();
        let as_mentee = programme
            .active_tandems()
            .filter(|(_, t)| t.mentee == person)
            .count();
        let as_co_mentor = programme
            .active_tandems()
            .filter(|(_, t)| t.co_mentor == Some(person))
            .count();
        // Mentors and co-mentors take up to the capacity; a person has one
        // role, so counting both never mixes two people's tandems.
        let as_mentor = as_mentor + as_co_mentor;
        if as_mentor > capacity {
            assert!(
                conflicts.iter().any(|c| matches!(c,
                    Conflict::Broken(v) if v.invariant == Invariant::MentorCapacity
                        && v.people == [person] && v.tandems.len() == as_mentor)),
                "seed {seed}: {} mentors {as_mentor} running tandems (capacity {capacity}) and no conflict says so",
                details.name
            );
        }
        if as_mentee > 1 {
            assert!(
                conflicts.iter().any(|c| matches!(c,
                    Conflict::Broken(v) if v.invariant == Invariant::OneRunningTandem
                        && v.people == [person])),
                "seed {seed}: {} is in several running tandems and no conflict says so",
                details.name
            );
        }
    }
    if programme.rules.different_organisations {
        for (id, tandem) in programme.active_tandems() {
            let organisation = |person: PersonId| {
                programme
                    .people
                    .get(&person)
                    .and_then(|p| p.details.organisation)
            };
            if organisation(tandem.mentee).is_some()
                && organisation(tandem.mentee) == organisation(tandem.mentor)
            {
                let id: TandemId = *id;
                assert!(
                    conflicts.iter().any(|c| matches!(c,
                        Conflict::Broken(v) if v.invariant == Invariant::AcrossOrganisations
                            && v.tandems == [id])),
                    "seed {seed}: a running tandem inside one organisation and no conflict says so"
                );
            }
        }
    }
}

fn run(seed: u64, steps: usize) -> Stats {
    let mut world = World::new(seed);
    for _ in 0..steps {
        world.step();
    }
    world.heal();
    world.check(seed);
    let mut stats = std::mem::take(&mut world.stats);
    stats.pushes_stored = world.relay.stats.pushes_stored;
    stats.snapshots_stored = world.relay.stats.snapshots_stored;
    stats.relay_restarts = world.relay.stats.relay_restarts;
    stats
}

#[test]
fn coordinators_working_apart_converge_under_chaos_and_lose_no_saved_edit() {
    let steps = env_number("TANDEM_CHAOS_STEPS").map_or(CI_STEPS, |s| s as usize);
    let started = Instant::now();
    let mut total = Stats::default();
    let mut ran = 0u64;
    let mut failed = Vec::new();
    let seeds = seeds();
    for turn in 0.. {
        let seed = match &seeds {
            Seeds::Listed(list) => match list.get(turn) {
                Some(seed) => *seed,
                None => break,
            },
            Seeds::ForAbout(budget) => {
                if turn >= 2 && started.elapsed() >= *budget {
                    break;
                }
                turn as u64
            }
        };
        // A failing seed is reported and the run goes on, so that a long
        // run names every failing seed.
        let outcome = std::panic::catch_unwind(|| {
            let _report = SeedReport(seed);
            run(seed, steps)
        });
        match outcome {
            Ok(stats) => total.add(&stats),
            Err(_) => failed.push(seed),
        }
        ran += 1;
        if ran.is_multiple_of(50) {
            eprintln!(
                "chaos: {ran} seeds in {:.0} s, failing: {failed:?}",
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "chaos: {ran} seeds × {steps} steps in {:.1} s: {total:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(failed.is_empty(), "chaos seeds failed: {failed:?}");
    assert!(total.commands > 0);
}
