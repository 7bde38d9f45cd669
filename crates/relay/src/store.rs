//! Where the relay keeps its rooms: the [`RoomStore`] trait and what it
//! speaks of.
//!
//! A room is a token hash, a log of sealed blobs numbered 1, 2, 3, …
//! without gaps, and at most one sealed snapshot that stands for the log up
//! to a sequence. The relay serves every room through this trait, so that
//! SQLite ([`SqliteStore`], the embedded default) can be swapped for a
//! database several relay instances share. An implementation must:
//!
//! - return from [`append`](RoomStore::append) only after the blob is
//!   committed, with the next sequence of the room;
//! - number the appends of [`queue_append`](RoomStore::queue_append) in
//!   the order of the calls, and run their hooks after the commit in that
//!   order;
//! - keep a room's sequences gapless and never reuse one, also after a
//!   snapshot has replaced the log;
//! - never let an older snapshot replace a newer one;
//! - on [`retire`](RoomStore::retire), really delete the room's blobs and
//!   keep only its tombstone;
//! - record when a room last changed (opened, appended to, snapshot) and,
//!   on [`expire_idle`](RoomStore::expire_idle), delete the rooms unchanged
//!   since then, keeping only a tombstone that refuses them.
//!
//! The same store keeps the programmes' intake inboxes (see
//! [`crate::inbox`]): an inbox is an id, the hash of its reader token, a
//! public form, a deadline and a log of sealed messages. They live in the
//! room store, not beside it, so that one database, one backup, one quota
//! and one expiry sweep cover both; the trait's inbox methods have
//! defaults that refuse, for stores (in tests) that keep no inboxes. An
//! implementation must check an inbox's bounds in the transaction that
//! appends, delete the bytes of deleted messages, and never open an
//! inbox again once it is [`InboxState::Gone`].

use std::future::Future;

use tandem_sync::intake::InboxId;
use tandem_sync::{RoomId, TokenHash};

mod group_commit;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use sqlite::{database_files, SqliteStore, DEFAULT_SHARDS};

/// News from a store that other relay processes write too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elsewhere {
    /// Another process stored `sequence` in `room`.
    Stored { room: RoomId, sequence: u64 },
    /// Another process retired `room`, leaving `notice`.
    Retired { room: RoomId, notice: Vec<u8> },
    /// News may have been lost (the store's connection broke and is back):
    /// every live room should be checked against the store.
    Missed,
}

/// The answer to a hello's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// The room did not exist; it now does, opened by this token.
    Opened,
    /// The token opens the room.
    Admitted,
    /// The room exists and the token does not open it.
    Refused,
    /// The room was retired; the token opens it, and this sealed notice
    /// (from [`RoomStore::retire`]) says where its programme went.
    Retired(Vec<u8>),
    /// The room went unchanged too long and was deleted
    /// ([`RoomStore::expire_idle`]); the token opens its tombstone only.
    Expired,
}

/// One stored blob and its sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sequence: u64,
    pub blob: Vec<u8>,
}

/// What a client that has seen everything up to some sequence is missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Replay {
    /// The room's snapshot, when the client is behind it; its sequence is
    /// the last one it stands for.
    pub snapshot: Option<Entry>,
    /// Every entry after the snapshot or the client's sequence, in order.
    pub entries: Vec<Entry>,
    /// The room's latest sequence when this was read.
    pub latest: u64,
}

/// A room's member list as stored (protocol 2): its signed entries in
/// order, and what the room is otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessLog {
    /// The signed entries, position 0 first. Empty for a room of protocol 1.
    pub entries: Vec<Vec<u8>>,
    /// Whether the room exists (open or retired).
    pub exists: bool,
    /// The sealed notice, when the room is retired.
    pub retired: Option<Vec<u8>>,
}

/// How much the store holds, and how much room is left on its disk, where
/// known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Bytes the rooms take in the database.
    pub stored_bytes: Option<u64>,
    /// Bytes free for the database on its file system.
    pub free_disk_bytes: Option<u64>,
}

/// Where an inbox is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Takes messages until its deadline.
    Open,
    /// Closed by its coordinators (the link was renewed): takes nothing,
    /// its messages stay readable and deletable.
    Closed,
    /// Closed with no message left, or expired: only a tombstone with the
    /// reader hash is kept, so that nobody opens the id again.
    Gone,
}

/// An inbox as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    /// SHA-256 of the reader token.
    pub reader: [u8; 32],
    /// Seconds since 1970 from which it takes no more messages.
    pub closes_at: u64,
    /// The public form definition (opaque to the relay); empty when gone.
    pub form: Vec<u8>,
    pub state: InboxState,
    /// Messages it holds now, and their bytes.
    pub messages: u64,
    pub bytes: u64,
    /// The sequence of the last message appended (deleted ones included).
    pub latest: u64,
}

/// The answer to opening an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxOpening {
    /// It did not exist; it now does.
    Created,
    /// It existed with this reader hash; its form and deadline are updated.
    Updated,
    /// It exists with another reader hash; nothing changed.
    NotYours,
    /// It was closed or is gone; it stays so.
    Closed,
}

/// How much one inbox may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxBounds {
    pub max_messages: u64,
    pub max_bytes: u64,
}

/// The answer to an append to an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxAppend {
    /// Stored with this sequence.
    Stored(u64),
    NoSuchInbox,
    /// Closed, gone, or past its deadline.
    Closed,
    /// It holds its bounds already.
    Full,
}

/// A sealed message in an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    pub sequence: u64,
    /// When it was stored, in seconds since 1970.
    pub at: u64,
    pub sealed: Vec<u8>,
}

/// A page of an inbox's messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxPage {
    pub messages: Vec<InboxMessage>,
    /// The inbox's latest sequence when this was read.
    pub latest: u64,
}

/// The error of a store that keeps no inboxes.
fn no_inboxes() -> StoreError {
    StoreError::Database("this store keeps no inboxes".into())
}

/// Bytes free for an unprivileged writer on the file system of `folder`.
fn free_disk_bytes(folder: &std::path::Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(folder).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the room does not exist")]
    NoSuchRoom,
    #[error("a snapshot through sequence {through} is ahead of the room's latest, {latest}")]
    SnapshotAhead { through: u64, latest: u64 },
    #[error("the database was written by a newer relay (schema {0})")]
    TooNew(i64),
    #[error("the database failed: {0}")]
    Database(String),
}

/// Runs once an append is committed, with its sequence and its blob; for
/// one room, in the order of the sequences (see [`RoomStore::queue_append`]).
pub type Committed = Box<dyn FnOnce(u64, Vec<u8>) + Send>;

/// An append in line for its commit, from [`RoomStore::queue_append`].
#[derive(Debug)]
pub struct Queued(Waiting);

#[derive(Debug)]
enum Waiting {
    /// Committed (or failed) already.
    Done(Result<u64, StoreError>),
    /// Answered by the store's writer once committed.
    Writer(tokio::sync::oneshot::Receiver<Result<u64, StoreError>>),
}

impl Queued {
    /// An append the store has committed (or failed) already.
    pub fn done(result: Result<u64, StoreError>) -> Self {
        Self(Waiting::Done(result))
    }

    /// An append whose commit `answer` will tell of.
    fn waiting(answer: tokio::sync::oneshot::Receiver<Result<u64, StoreError>>) -> Self {
        Self(Waiting::Writer(answer))
    }

    /// The append's sequence, once it is committed.
    pub async fn committed(self) -> Result<u64, StoreError> {
        match self.0 {
            Waiting::Done(result) => result,
            Waiting::Writer(answer) => answer
                .await
                .map_err(|_| StoreError::Database("the writer has stopped".into()))?,
        }
    }
}

/// Rooms, their logs and snapshots, kept durably.
pub trait RoomStore: Send + Sync + 'static {
    /// Checks a hello's token hash, opening the room with it if the room is
    /// new.
    fn admit(
        &self,
        room: RoomId,
        token: TokenHash,
    ) -> impl Future<Output = Result<Admission, StoreError>> + Send;

    /// The bytes a room holds: its snapshot and its log.
    fn room_bytes(&self, room: RoomId) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Appends a sealed blob; returns its sequence once it is committed.
    fn append(
        &self,
        room: RoomId,
        blob: Vec<u8>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Puts an append in line and returns once its place is fixed: the
    /// appends of one room are numbered in the order in which these calls
    /// returned, so the caller need not wait for one commit before queueing
    /// the next. `committed` runs right after the commit (not at all if the
    /// append fails), for one room in the order of the sequences; then
    /// [`Queued::committed`] gives the sequence.
    ///
    /// The default (for a store that cannot keep appends in line) commits
    /// before it returns.
    fn queue_append(
        &self,
        room: RoomId,
        blob: Vec<u8>,
        committed: Committed,
    ) -> impl Future<Output = Result<Queued, StoreError>> + Send {
        async move {
            let sequence = self.append(room, blob.clone()).await?;
            committed(sequence, blob);
            Ok(Queued::done(Ok(sequence)))
        }
    }

    /// Everything after `after`: the snapshot if `after` is behind it, then
    /// the entries. This holds the whole room in memory; the relay reads
    /// it for clients with [`read_page`](RoomStore::read_page).
    fn read_after(
        &self,
        room: RoomId,
        after: u64,
    ) -> impl Future<Output = Result<Replay, StoreError>> + Send {
        self.read_page(room, after, usize::MAX)
    }

    /// The start of [`read_after`](RoomStore::read_after): the snapshot if
    /// `after` is behind it, then entries in order while the page holds
    /// fewer than `max_bytes` of blobs — at least one blob, if there is
    /// one. A client is replayed page by page, each after the last
    /// sequence of the one before, until a page reaches its `latest`.
    fn read_page(
        &self,
        room: RoomId,
        after: u64,
        max_bytes: usize,
    ) -> impl Future<Output = Result<Replay, StoreError>> + Send;

    /// Replaces the log up to and including `through` by `snapshot`. A
    /// snapshot no newer than the one stored changes nothing.
    fn replace_through(
        &self,
        room: RoomId,
        through: u64,
        snapshot: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Retires a room for good (a person was erased and the programme moved
    /// to a new room): deletes its log and snapshot so that their bytes are
    /// gone from storage, and keeps only a tombstone with the token hash and
    /// `notice`, a small sealed forwarding note the relay cannot read.
    /// Later hellos with the room's token are answered
    /// [`Admission::Retired`]; appends and snapshots fail with
    /// [`StoreError::NoSuchRoom`]. Retiring a retired room changes nothing.
    fn retire(
        &self,
        room: RoomId,
        notice: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// When `room` last changed (opened, appended to, given a snapshot), in
    /// seconds since 1970; `None` for a store that does not record it.
    fn last_change(
        &self,
        room: RoomId,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send {
        let _ = room;
        async { Ok(None) }
    }

    /// Deletes every room that has not changed since `changed_before`
    /// (seconds since 1970) with its log and snapshot, keeping a tombstone
    /// with its token hash: later hellos are answered
    /// [`Admission::Expired`]. Returns how many rooms expired. The default
    /// (a store that does not record changes) expires none.
    fn expire_idle(
        &self,
        changed_before: u64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        let _ = changed_before;
        async { Ok(0) }
    }

    /// The room's member list (see [`AccessLog`]). The default is for a
    /// store without member lists: every room is one of protocol 1.
    fn read_access(
        &self,
        room: RoomId,
    ) -> impl Future<Output = Result<AccessLog, StoreError>> + Send {
        let _ = room;
        async { Ok(AccessLog::default()) }
    }

    /// Appends a checked entry to the room's member list at `position`,
    /// which must be the next one (another relay process may have taken
    /// it: then this fails and nothing is stored).
    fn append_access(
        &self,
        room: RoomId,
        position: u64,
        entry: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (room, position, entry);
        async {
            Err(StoreError::Database(
                "this store keeps no member lists".into(),
            ))
        }
    }

    /// Opens `inbox` for the holders of the reader token hashed to
    /// `reader`, or updates its form and deadline if it is theirs already.
    /// `now` counts as its last change.
    fn open_inbox(
        &self,
        inbox: InboxId,
        reader: [u8; 32],
        closes_at: u64,
        form: Vec<u8>,
        now: u64,
    ) -> impl Future<Output = Result<InboxOpening, StoreError>> + Send {
        let _ = (inbox, reader, closes_at, form, now);
        async { Err(no_inboxes()) }
    }

    /// The inbox, if it was ever opened (a gone one included).
    fn inbox(
        &self,
        inbox: InboxId,
    ) -> impl Future<Output = Result<Option<Inbox>, StoreError>> + Send {
        let _ = inbox;
        async { Ok(None) }
    }

    /// Appends a sealed message if the inbox is open at `now` and stays
    /// within `bounds` (checked in the same transaction).
    fn append_to_inbox(
        &self,
        inbox: InboxId,
        sealed: Vec<u8>,
        bounds: InboxBounds,
        now: u64,
    ) -> impl Future<Output = Result<InboxAppend, StoreError>> + Send {
        let _ = (inbox, sealed, bounds, now);
        async { Err(no_inboxes()) }
    }

    /// The messages after `after`, in order, while the page holds fewer
    /// than `max_bytes` — at least one, if there is one. An unknown inbox
    /// reads as empty.
    fn read_inbox(
        &self,
        inbox: InboxId,
        after: u64,
        max_bytes: usize,
    ) -> impl Future<Output = Result<InboxPage, StoreError>> + Send {
        let _ = (inbox, after, max_bytes);
        async { Ok(InboxPage::default()) }
    }

    /// Deletes the messages up to and including `through` (their bytes
    /// gone from storage); a closed inbox left empty is gone.
    fn delete_inbox_messages(
        &self,
        inbox: InboxId,
        through: u64,
        now: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (inbox, through, now);
        async { Err(no_inboxes()) }
    }

    /// Closes the inbox for good: it takes nothing more; its messages stay
    /// readable and deletable, and without messages it is gone at once.
    fn close_inbox(
        &self,
        inbox: InboxId,
        now: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let _ = (inbox, now);
        async { Err(no_inboxes()) }
    }

    /// Deletes the messages and the form of every inbox not changed
    /// (opened, updated, appended to, emptied) since `changed_before`,
    /// keeping its tombstone ([`InboxState::Gone`]); how many.
    fn expire_idle_inboxes(
        &self,
        changed_before: u64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        let _ = changed_before;
        async { Ok(0) }
    }

    /// How much the store holds and how much disk is left, as far as it
    /// knows (by default: nothing known, so only the limits it can tell
    /// apply).
    fn usage(&self) -> impl Future<Output = Result<Usage, StoreError>> + Send {
        async { Ok(Usage::default()) }
    }

    /// What other relay processes store, for a store several share. The
    /// relay takes this once, at its start; `None` (the default) means
    /// only this process writes the store.
    fn elsewhere(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<Elsewhere>> {
        None
    }
}

/// A sequence as both stores keep it (a signed 64-bit integer).
fn to_sql(sequence: u64) -> i64 {
    i64::try_from(sequence).unwrap_or(i64::MAX)
}

fn from_sql(sequence: i64) -> Result<u64, StoreError> {
    u64::try_from(sequence)
        .map_err(|_| StoreError::Database(format!("a negative sequence ({sequence}) is stored")))
}

/// An inbox's state as both stores keep it.
fn state_to_sql(state: InboxState) -> i64 {
    match state {
        InboxState::Open => 0,
        InboxState::Closed => 1,
        InboxState::Gone => 2,
    }
}

fn state_from_sql(state: i64) -> Result<InboxState, StoreError> {
    match state {
        0 => Ok(InboxState::Open),
        1 => Ok(InboxState::Closed),
        2 => Ok(InboxState::Gone),
        other => Err(StoreError::Database(format!(
            "an inbox has an unknown state ({other})"
        ))),
    }
}

fn reader_from_sql(reader: Vec<u8>) -> Result<[u8; 32], StoreError> {
    reader
        .try_into()
        .map_err(|_| StoreError::Database("a stored reader hash has the wrong length".into()))
}

/// Seconds since 1970, as the stores record when a room was opened or
/// retired.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| to_sql(elapsed.as_secs()))
        .unwrap_or(0)
}
