//! The embedded [`RoomStore`]: SQLite files in WAL mode, the rooms spread
//! over them by a hash of their id ([`SqliteStore`]).
//!
//! Every write is one immediate transaction with `synchronous = FULL`, so
//! an acknowledged push survives a crash or a power cut. SQLite writes one
//! transaction at a time per file, and a commit of 8 MiB takes tens of
//! milliseconds to reach the disk: so each shard is a file of its own
//! (`SqliteFile`), whose connection sits behind a mutex and runs on
//! tokio's blocking threads, and whose appends go through a writer thread
//! of its own that commits all those waiting together
//! ([`group_commit`](super::group_commit)). A push waits only for the
//! commits of its own shard.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tandem_sync::intake::InboxId;
use tandem_sync::{RoomId, TokenHash, TOKEN_BYTES};

use super::group_commit::Appender;
use super::{
    from_sql, now, reader_from_sql, state_from_sql, state_to_sql, to_sql, AccessLog, Admission,
    Committed, Entry, Inbox, InboxAppend, InboxBounds, InboxMessage, InboxOpening, InboxPage,
    InboxState, Queued, Replay, RoomStore, StoreError, Usage,
};

/// The schema this relay writes, in SQLite's `user_version`. Version 2
/// added the tombstones of retired rooms; an older relay must not open it
/// (it would let a retired room be opened again). Version 3 added the
/// member lists (an older relay would let a room token into a room that
/// admits only member devices).
const SCHEMA_VERSION: i64 = 3;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS rooms (
        room             BLOB PRIMARY KEY,
        token_hash       BLOB NOT NULL,
        latest           INTEGER NOT NULL DEFAULT 0,
        snapshot_through INTEGER NOT NULL DEFAULT 0,
        snapshot         BLOB,
        created_at       INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS log (
        room     BLOB NOT NULL REFERENCES rooms (room),
        sequence INTEGER NOT NULL,
        blob     BLOB NOT NULL,
        PRIMARY KEY (room, sequence)
    );
    CREATE TABLE IF NOT EXISTS retired_rooms (
        room       BLOB PRIMARY KEY,
        token_hash BLOB NOT NULL,
        notice     BLOB NOT NULL,
        retired_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS expired_rooms (
        room       BLOB PRIMARY KEY,
        token_hash BLOB NOT NULL,
        expired_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS access_log (
        room     BLOB NOT NULL,
        position INTEGER NOT NULL,
        entry    BLOB NOT NULL,
        PRIMARY KEY (room, position)
    );
    CREATE TABLE IF NOT EXISTS inboxes (
        inbox      BLOB PRIMARY KEY,
        reader     BLOB NOT NULL,
        closes_at  INTEGER NOT NULL,
        form       BLOB NOT NULL,
        -- 0 open, 1 closed, 2 gone (a tombstone: form and messages deleted)
        state      INTEGER NOT NULL DEFAULT 0,
        latest     INTEGER NOT NULL DEFAULT 0,
        messages   INTEGER NOT NULL DEFAULT 0,
        bytes      INTEGER NOT NULL DEFAULT 0,
        changed_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS inbox_messages (
        inbox    BLOB NOT NULL REFERENCES inboxes (inbox),
        sequence INTEGER NOT NULL,
        at       INTEGER NOT NULL,
        sealed   BLOB NOT NULL,
        PRIMARY KEY (inbox, sequence)
    );
";

/// Added to `rooms` by this version where missing (an additive change that
/// older relays read past): when the room last changed, in seconds since
/// 1970; `NULL` for a room not changed since (its `created_at` counts).
const ADD_CHANGED_AT: &str = "ALTER TABLE rooms ADD COLUMN changed_at INTEGER";

/// The inbox's row, read in `connection` (a transaction or not).
fn read_inbox_row(connection: &Connection, inbox: &InboxId) -> Result<Option<Inbox>, StoreError> {
    let row = connection
        .query_row(
            "SELECT reader, closes_at, form, state, messages, bytes, latest
             FROM inboxes WHERE inbox = ?1",
            [inbox.0.as_slice()],
            |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, i64>(6)?,
                ))
            },
        )
        .optional()?;
    row.map(
        |(reader, closes_at, form, state, messages, bytes, latest)| {
            Ok(Inbox {
                reader: reader_from_sql(reader)?,
                closes_at: from_sql(closes_at)?,
                form,
                state: state_from_sql(state)?,
                messages: from_sql(messages)?,
                bytes: from_sql(bytes)?,
                latest: from_sql(latest)?,
            })
        },
    )
    .transpose()
}

/// Sets a connection up as the store writes (write-ahead log, full
/// sync, secure delete) and brings its schema to this version.
fn prepare_schema(connection: &Connection) -> Result<(), StoreError> {
    connection.busy_timeout(Duration::from_secs(5))?;
    // An in-memory database answers "memory"; a file one "wal".
    let _mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", true)?;
    // Deleted rows are overwritten with zeros, so a retired room's
    // blobs are gone from the file, not only unlinked.
    connection.pragma_update(None, "secure_delete", true)?;
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew(version));
    }
    connection.execute_batch(SCHEMA)?;
    let has_changed_at: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('rooms') WHERE name = 'changed_at')",
        [],
        |row| row.get(0),
    )?;
    if !has_changed_at {
        connection.execute_batch(ADD_CHANGED_AT)?;
    }
    connection.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

/// Rooms expired in one transaction, so that the writer is not held long.
const EXPIRE_AT_ONCE: usize = 64;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

/// Rooms in one SQLite file: a shard of a [`SqliteStore`], with its own
/// writer.
#[derive(Debug, Clone)]
struct SqliteFile {
    connection: Arc<Mutex<Connection>>,
    appender: Appender,
    /// A second connection for reads, which WAL lets run beside a commit
    /// (the same one for a database in memory).
    reader: Arc<Mutex<Connection>>,
    /// The folder of the database file, whose file system's free space
    /// the relay watches (none in memory).
    folder: Option<std::path::PathBuf>,
}

impl SqliteFile {
    /// Opens (or creates) the database at `path`.
    fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let mut store = Self::prepare(Connection::open(path.as_ref())?)?;
        let reader = Connection::open(path.as_ref())?;
        reader.busy_timeout(Duration::from_secs(5))?;
        store.reader = Arc::new(Mutex::new(reader));
        store.folder = Some(match path.as_ref().parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        });
        super::group_commit::start_checkpoints(path.as_ref(), &store.connection)?;
        Ok(store)
    }

    /// Lets the database grow to about `bytes` at most (SQLite's
    /// `max_page_count`): beyond, writes fail as on a full disk, and
    /// deleting (a snapshot, a retirement) makes room again.
    fn limit_size(&self, bytes: u64) -> Result<(), StoreError> {
        let connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let page_size: i64 = connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
        let pages = (bytes / u64::try_from(page_size.max(512)).unwrap_or(4096)).max(1);
        let _pages: i64 = connection.pragma_update_and_check(
            None,
            "max_page_count",
            i64::try_from(pages).unwrap_or(i64::MAX),
            |row| row.get(0),
        )?;
        Ok(())
    }

    /// A database that lives in memory only, for tests and trials.
    fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(connection: Connection) -> Result<Self, StoreError> {
        prepare_schema(&connection)?;
        let connection = Arc::new(Mutex::new(connection));
        Ok(Self {
            appender: Appender::start(Arc::clone(&connection))?,
            reader: Arc::clone(&connection),
            connection,
            folder: None,
        })
    }

    /// The connection the writer commits on (holding it holds every commit
    /// back), and the writer, for tests.
    #[cfg(test)]
    pub(crate) fn writer(&self) -> (Arc<Mutex<Connection>>, &Appender) {
        (Arc::clone(&self.connection), &self.appender)
    }

    /// Runs `work`, which only reads, on the reading connection on a
    /// blocking thread.
    async fn reading<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let reader = Arc::clone(&self.reader);
        tokio::task::spawn_blocking(move || {
            let mut reader = reader
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut reader)
        })
        .await
        .map_err(|error| StoreError::Database(error.to_string()))?
    }

    /// Runs `work` on the connection on a blocking thread.
    async fn with<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves the connection usable:
            // every write is a transaction, rolled back when dropped.
            let mut connection = connection
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut connection)
        })
        .await
        .map_err(|error| StoreError::Database(error.to_string()))?
    }
}

impl RoomStore for SqliteFile {
    async fn admit(&self, room: RoomId, token: TokenHash) -> Result<Admission, StoreError> {
        self.with(move |connection| {
            // Deferred: a room that exists opens without a write, so rooms
            // stay readable on a full disk or a read-only database. Every
            // write of this store goes through this connection, under its
            // lock, so the read cannot go stale before a room is inserted.
            let transaction = connection.transaction()?;
            let retired: Option<(Vec<u8>, Vec<u8>)> = transaction
                .query_row(
                    "SELECT token_hash, notice FROM retired_rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            if let Some((stored, notice)) = retired {
                return Ok(if stored.as_slice() == token.as_bytes().as_slice() {
                    Admission::Retired(notice)
                } else {
                    Admission::Refused
                });
            }
            let expired: Option<Vec<u8>> = transaction
                .query_row(
                    "SELECT token_hash FROM expired_rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(stored) = expired {
                return Ok(if stored.as_slice() == token.as_bytes().as_slice() {
                    Admission::Expired
                } else {
                    Admission::Refused
                });
            }
            let stored: Option<Vec<u8>> = transaction
                .query_row(
                    "SELECT token_hash FROM rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| row.get(0),
                )
                .optional()?;
            let admission = match stored {
                None => {
                    transaction.execute(
                        "INSERT INTO rooms (room, token_hash, created_at) VALUES (?1, ?2, ?3)",
                        params![
                            room.as_bytes().as_slice(),
                            token.as_bytes().as_slice(),
                            now()
                        ],
                    )?;
                    Admission::Opened
                }
                Some(stored) => {
                    let stored: [u8; TOKEN_BYTES] = stored.try_into().map_err(|_| {
                        StoreError::Database("a stored token hash has the wrong length".into())
                    })?;
                    if TokenHash::from_bytes(stored) == token {
                        Admission::Admitted
                    } else {
                        Admission::Refused
                    }
                }
            };
            transaction.commit()?;
            Ok(admission)
        })
        .await
    }

    async fn room_bytes(&self, room: RoomId) -> Result<u64, StoreError> {
        self.reading(move |connection| {
            let bytes: i64 = connection.query_row(
                "SELECT coalesce((SELECT length(snapshot) FROM rooms WHERE room = ?1), 0)
                      + coalesce((SELECT sum(length(blob)) FROM log WHERE room = ?1), 0)",
                [room.as_bytes().as_slice()],
                |row| row.get(0),
            )?;
            from_sql(bytes)
        })
        .await
    }

    async fn append(&self, room: RoomId, blob: Vec<u8>) -> Result<u64, StoreError> {
        self.appender.append(room, blob).await
    }

    async fn queue_append(
        &self,
        room: RoomId,
        blob: Vec<u8>,
        committed: Committed,
    ) -> Result<Queued, StoreError> {
        self.appender.queue(room, blob, Some(committed))
    }

    async fn usage(&self) -> Result<Usage, StoreError> {
        let folder = self.folder.clone();
        self.reading(move |connection| {
            let pages: i64 = connection.pragma_query_value(None, "page_count", |row| row.get(0))?;
            let free: i64 =
                connection.pragma_query_value(None, "freelist_count", |row| row.get(0))?;
            let page_size: i64 =
                connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
            let stored = pages.saturating_sub(free).saturating_mul(page_size);
            Ok(Usage {
                stored_bytes: Some(u64::try_from(stored).unwrap_or(0)),
                free_disk_bytes: folder.as_deref().and_then(super::free_disk_bytes),
            })
        })
        .await
    }

    async fn last_change(&self, room: RoomId) -> Result<Option<u64>, StoreError> {
        self.reading(move |connection| {
            let changed: Option<i64> = connection
                .query_row(
                    "SELECT coalesce(changed_at, created_at) FROM rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| row.get(0),
                )
                .optional()?;
            changed.map(from_sql).transpose()
        })
        .await
    }

    async fn expire_idle(&self, changed_before: u64) -> Result<u64, StoreError> {
        let mut expired = 0;
        loop {
            let batch = self
                .with(move |connection| {
                    let transaction =
                        connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let rooms: Vec<(Vec<u8>, Vec<u8>)> = {
                        let mut statement = transaction.prepare(
                            "SELECT room, token_hash FROM rooms
                             WHERE coalesce(changed_at, created_at) < ?1 LIMIT ?2",
                        )?;
                        let rows = statement.query_map(
                            params![to_sql(changed_before), EXPIRE_AT_ONCE as i64],
                            |row| Ok((row.get(0)?, row.get(1)?)),
                        )?;
                        rows.collect::<Result<_, _>>()?
                    };
                    for (room, token) in &rooms {
                        transaction.execute("DELETE FROM log WHERE room = ?1", [room])?;
                        transaction.execute("DELETE FROM rooms WHERE room = ?1", [room])?;
                        transaction.execute(
                            "INSERT OR REPLACE INTO expired_rooms (room, token_hash, expired_at)
                             VALUES (?1, ?2, ?3)",
                            params![room, token, now()],
                        )?;
                    }
                    transaction.commit()?;
                    Ok(rooms.len() as u64)
                })
                .await?;
            expired += batch;
            if batch < EXPIRE_AT_ONCE as u64 {
                return Ok(expired);
            }
        }
    }

    async fn read_page(
        &self,
        room: RoomId,
        after: u64,
        max_bytes: usize,
    ) -> Result<Replay, StoreError> {
        self.reading(move |connection| {
            let transaction = connection.transaction()?;
            let (latest, through, snapshot): (i64, i64, Option<Vec<u8>>) = transaction
                .query_row(
                    "SELECT latest, snapshot_through, snapshot FROM rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?
                .ok_or(StoreError::NoSuchRoom)?;
            let through = from_sql(through)?;
            let (snapshot, start) = match snapshot {
                Some(blob) if after < through => (
                    Some(Entry {
                        sequence: through,
                        blob,
                    }),
                    through,
                ),
                _ => (None, after),
            };
            let mut held = snapshot.as_ref().map_or(0, |snapshot| snapshot.blob.len());
            let mut entries = Vec::new();
            let mut statement = transaction.prepare(
                "SELECT sequence, blob FROM log WHERE room = ?1 AND sequence > ?2 ORDER BY sequence",
            )?;
            // Rows are read one at a time: the page ends without reading
            // the rest of the room.
            let mut rows = statement.query(params![room.as_bytes().as_slice(), to_sql(start)])?;
            while held < max_bytes {
                let Some(row) = rows.next()? else { break };
                let blob: Vec<u8> = row.get(1)?;
                held = held.saturating_add(blob.len().max(1));
                entries.push(Entry {
                    sequence: from_sql(row.get(0)?)?,
                    blob,
                });
            }
            drop(rows);
            drop(statement);
            transaction.commit()?;
            Ok(Replay {
                snapshot,
                entries,
                latest: from_sql(latest)?,
            })
        })
        .await
    }

    async fn replace_through(
        &self,
        room: RoomId,
        through: u64,
        snapshot: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (latest, stored_through): (i64, i64) = transaction
                .query_row(
                    "SELECT latest, snapshot_through FROM rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?
                .ok_or(StoreError::NoSuchRoom)?;
            let latest = from_sql(latest)?;
            if through > latest {
                return Err(StoreError::SnapshotAhead { through, latest });
            }
            if through <= from_sql(stored_through)? {
                return Ok(());
            }
            // The log's pages are freed first: a database at its size limit
            // can still take the snapshot that makes room.
            transaction.execute(
                "DELETE FROM log WHERE room = ?1 AND sequence <= ?2",
                params![room.as_bytes().as_slice(), to_sql(through)],
            )?;
            transaction.execute(
                "UPDATE rooms SET snapshot = ?2, snapshot_through = ?3, changed_at = ?4
                 WHERE room = ?1",
                params![room.as_bytes().as_slice(), snapshot, to_sql(through), now()],
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    async fn read_access(&self, room: RoomId) -> Result<AccessLog, StoreError> {
        self.reading(move |connection| {
            let room = room.as_bytes().as_slice();
            let open: bool = connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM rooms WHERE room = ?1)",
                [room],
                |row| row.get(0),
            )?;
            let retired: Option<Vec<u8>> = connection
                .query_row(
                    "SELECT notice FROM retired_rooms WHERE room = ?1",
                    [room],
                    |row| row.get(0),
                )
                .optional()?;
            let mut statement = connection
                .prepare_cached("SELECT entry FROM access_log WHERE room = ?1 ORDER BY position")?;
            let entries = statement
                .query_map([room], |row| row.get::<_, Vec<u8>>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(AccessLog {
                entries,
                exists: open || retired.is_some(),
                retired,
            })
        })
        .await
    }

    async fn append_access(
        &self,
        room: RoomId,
        position: u64,
        entry: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let room = room.as_bytes().as_slice();
            let next: i64 = transaction.query_row(
                "SELECT count(*) FROM access_log WHERE room = ?1",
                [room],
                |row| row.get(0),
            )?;
            if next != to_sql(position) {
                return Err(StoreError::Database(format!(
                    "the member list has {next} entries; position {position} is not the next"
                )));
            }
            transaction.execute(
                "INSERT INTO access_log (room, position, entry) VALUES (?1, ?2, ?3)",
                params![room, to_sql(position), entry],
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    async fn open_inbox(
        &self,
        inbox: InboxId,
        reader: [u8; 32],
        closes_at: u64,
        form: Vec<u8>,
        now: u64,
    ) -> Result<InboxOpening, StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let opening = match read_inbox_row(&transaction, &inbox)? {
                None => {
                    transaction.execute(
                        "INSERT INTO inboxes (inbox, reader, closes_at, form, changed_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            inbox.0.as_slice(),
                            reader.as_slice(),
                            to_sql(closes_at),
                            form,
                            to_sql(now)
                        ],
                    )?;
                    InboxOpening::Created
                }
                Some(stored) if stored.reader != reader => InboxOpening::NotYours,
                Some(stored) if stored.state != InboxState::Open => InboxOpening::Closed,
                Some(_) => {
                    transaction.execute(
                        "UPDATE inboxes SET closes_at = ?2, form = ?3, changed_at = ?4
                         WHERE inbox = ?1",
                        params![inbox.0.as_slice(), to_sql(closes_at), form, to_sql(now)],
                    )?;
                    InboxOpening::Updated
                }
            };
            transaction.commit()?;
            Ok(opening)
        })
        .await
    }

    async fn inbox(&self, inbox: InboxId) -> Result<Option<Inbox>, StoreError> {
        self.reading(move |connection| read_inbox_row(connection, &inbox))
            .await
    }

    /// A direct write on the writer's connection, not through the group
    /// commit: appends to inboxes are few (each costs its sender a proof
    /// of work and is rationed per address), so one commit each is cheap.
    async fn append_to_inbox(
        &self,
        inbox: InboxId,
        sealed: Vec<u8>,
        bounds: InboxBounds,
        now: u64,
    ) -> Result<InboxAppend, StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(stored) = read_inbox_row(&transaction, &inbox)? else {
                return Ok(InboxAppend::NoSuchInbox);
            };
            if stored.state != InboxState::Open || now >= stored.closes_at {
                return Ok(InboxAppend::Closed);
            }
            let size = sealed.len() as u64;
            if stored.messages >= bounds.max_messages
                || stored.bytes.saturating_add(size) > bounds.max_bytes
            {
                return Ok(InboxAppend::Full);
            }
            let sequence = stored.latest + 1;
            transaction.execute(
                "INSERT INTO inbox_messages (inbox, sequence, at, sealed) VALUES (?1, ?2, ?3, ?4)",
                params![inbox.0.as_slice(), to_sql(sequence), to_sql(now), sealed],
            )?;
            transaction.execute(
                "UPDATE inboxes SET latest = ?2, messages = messages + 1, bytes = bytes + ?3,
                        changed_at = ?4
                 WHERE inbox = ?1",
                params![
                    inbox.0.as_slice(),
                    to_sql(sequence),
                    to_sql(size),
                    to_sql(now)
                ],
            )?;
            transaction.commit()?;
            Ok(InboxAppend::Stored(sequence))
        })
        .await
    }

    async fn read_inbox(
        &self,
        inbox: InboxId,
        after: u64,
        max_bytes: usize,
    ) -> Result<InboxPage, StoreError> {
        self.reading(move |connection| {
            let transaction = connection.transaction()?;
            let latest: i64 = transaction
                .query_row(
                    "SELECT latest FROM inboxes WHERE inbox = ?1",
                    [inbox.0.as_slice()],
                    |row| row.get(0),
                )
                .optional()?
                .unwrap_or(0);
            let mut messages = Vec::new();
            let mut held = 0usize;
            let mut statement = transaction.prepare(
                "SELECT sequence, at, sealed FROM inbox_messages
                 WHERE inbox = ?1 AND sequence > ?2 ORDER BY sequence",
            )?;
            let mut rows = statement.query(params![inbox.0.as_slice(), to_sql(after)])?;
            while held < max_bytes {
                let Some(row) = rows.next()? else { break };
                let sealed: Vec<u8> = row.get(2)?;
                held = held.saturating_add(sealed.len().max(1));
                messages.push(InboxMessage {
                    sequence: from_sql(row.get(0)?)?,
                    at: from_sql(row.get(1)?)?,
                    sealed,
                });
            }
            drop(rows);
            drop(statement);
            transaction.commit()?;
            Ok(InboxPage {
                messages,
                latest: from_sql(latest)?,
            })
        })
        .await
    }

    async fn delete_inbox_messages(
        &self,
        inbox: InboxId,
        through: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (count, bytes): (i64, i64) = transaction.query_row(
                "SELECT count(*), coalesce(sum(length(sealed)), 0) FROM inbox_messages
                 WHERE inbox = ?1 AND sequence <= ?2",
                params![inbox.0.as_slice(), to_sql(through)],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            if count == 0 {
                return Ok(());
            }
            transaction.execute(
                "DELETE FROM inbox_messages WHERE inbox = ?1 AND sequence <= ?2",
                params![inbox.0.as_slice(), to_sql(through)],
            )?;
            transaction.execute(
                "UPDATE inboxes SET messages = max(messages - ?2, 0), bytes = max(bytes - ?3, 0),
                        changed_at = ?4
                 WHERE inbox = ?1",
                params![inbox.0.as_slice(), count, bytes, to_sql(now)],
            )?;
            // A closed inbox taken in whole is gone.
            transaction.execute(
                "UPDATE inboxes SET state = ?2, form = x'' WHERE inbox = ?1 AND state = ?3
                     AND messages = 0",
                params![
                    inbox.0.as_slice(),
                    state_to_sql(InboxState::Gone),
                    state_to_sql(InboxState::Closed)
                ],
            )?;
            transaction.commit()?;
            // The write-ahead log still holds the pages as they were.
            connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }

    async fn close_inbox(&self, inbox: InboxId, now: u64) -> Result<(), StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            transaction.execute(
                "UPDATE inboxes SET state = CASE WHEN messages = 0 THEN ?2 ELSE ?3 END,
                        form = CASE WHEN messages = 0 THEN x'' ELSE form END,
                        changed_at = ?5
                 WHERE inbox = ?1 AND state = ?4",
                params![
                    inbox.0.as_slice(),
                    state_to_sql(InboxState::Gone),
                    state_to_sql(InboxState::Closed),
                    state_to_sql(InboxState::Open),
                    to_sql(now)
                ],
            )?;
            transaction.commit()?;
            Ok(())
        })
        .await
    }

    async fn expire_idle_inboxes(&self, changed_before: u64) -> Result<u64, StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let gone = state_to_sql(InboxState::Gone);
            transaction.execute(
                "DELETE FROM inbox_messages WHERE inbox IN
                     (SELECT inbox FROM inboxes WHERE state <> ?1 AND changed_at < ?2)",
                params![gone, to_sql(changed_before)],
            )?;
            let expired = transaction.execute(
                "UPDATE inboxes SET state = ?1, form = x'', messages = 0, bytes = 0
                 WHERE state <> ?1 AND changed_at < ?2",
                params![gone, to_sql(changed_before)],
            )?;
            transaction.commit()?;
            Ok(expired as u64)
        })
        .await
    }

    async fn retire(&self, room: RoomId, notice: Vec<u8>) -> Result<(), StoreError> {
        self.with(move |connection| {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let token: Option<Vec<u8>> = transaction
                .query_row(
                    "SELECT token_hash FROM rooms WHERE room = ?1",
                    [room.as_bytes().as_slice()],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(token) = token else {
                let retired: bool = transaction.query_row(
                    "SELECT EXISTS (SELECT 1 FROM retired_rooms WHERE room = ?1)",
                    [room.as_bytes().as_slice()],
                    |row| row.get(0),
                )?;
                return if retired {
                    Ok(())
                } else {
                    Err(StoreError::NoSuchRoom)
                };
            };
            transaction.execute(
                "DELETE FROM log WHERE room = ?1",
                [room.as_bytes().as_slice()],
            )?;
            transaction.execute(
                "DELETE FROM rooms WHERE room = ?1",
                [room.as_bytes().as_slice()],
            )?;
            transaction.execute(
                "INSERT INTO retired_rooms (room, token_hash, notice, retired_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![room.as_bytes().as_slice(), token, notice, now()],
            )?;
            transaction.commit()?;
            // The write-ahead log still holds the pages as they were before:
            // copy it into the database and cut it to nothing.
            connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }
}

/// Shards of a store when none are asked for: one file and one writer.
/// More shards let a small push wait behind a large commit of another
/// room only when that room shares its shard, but each shard flushes its
/// own commits: four acknowledged about 0.7× as many small pushes flat
/// out on one disk (README, "SQLite shards").
pub const DEFAULT_SHARDS: usize = 1;

/// The tables that hold a room, its tombstones and its member list, with
/// their columns (the log after the room, for its foreign key).
pub(crate) const ROOM_TABLES: [(&str, &str); 5] = [
    (
        "rooms",
        "room, token_hash, latest, snapshot_through, snapshot, created_at, changed_at",
    ),
    ("log", "room, sequence, blob"),
    ("retired_rooms", "room, token_hash, notice, retired_at"),
    ("expired_rooms", "room, token_hash, expired_at"),
    ("access_log", "room, position, entry"),
];

/// The shard of `room` among `shards`: a stable hash of its id, the same
/// for every build and machine.
fn shard_of(room: &[u8], shards: usize) -> usize {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"tandem-relay shard")
        .chain_update(room)
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let shards = u64::try_from(shards.max(1)).unwrap_or(1);
    usize::try_from(u64::from_le_bytes(first) % shards).unwrap_or(0)
}

/// The shard of `room` in a store of `shards` shards.
pub fn room_shard(room: RoomId, shards: usize) -> usize {
    shard_of(room.as_bytes(), shards)
}

/// The file of shard `index` of the database at `path`: the configured
/// file itself for the first (which also keeps the inboxes), then
/// `<path>.shard-1`, `<path>.shard-2`, … beside it.
pub fn shard_path(path: &Path, index: usize) -> PathBuf {
    if index == 0 {
        return path.to_path_buf();
    }
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".shard-{index}"));
    PathBuf::from(name)
}

/// The shard files of the database at `path` that exist, with their
/// index, the configured file first (whatever the shard count the relay
/// runs with: a backup, the metrics and a change of the count find them
/// all).
pub fn shard_files(path: &Path) -> Vec<(usize, PathBuf)> {
    let mut files = Vec::new();
    if path.exists() {
        files.push((0, path.to_path_buf()));
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(prefix) = path
        .file_name()
        .map(|name| format!("{}.shard-", name.to_string_lossy()))
    else {
        return files;
    };
    if let Ok(entries) = std::fs::read_dir(&folder) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let index = name
                .strip_prefix(&prefix)
                .filter(|rest| rest.bytes().all(|byte| byte.is_ascii_digit()))
                .and_then(|rest| rest.parse::<usize>().ok())
                .filter(|index| *index > 0);
            if let Some(index) = index {
                files.push((index, shard_path(path, index)));
            }
        }
    }
    files.sort();
    files
}

/// Every file of the database at `path` on disk: each shard with its
/// write-ahead log and index.
pub fn database_files(path: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (_, shard) in shard_files(path) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = shard.as_os_str().to_owned();
            name.push(suffix);
            let name = PathBuf::from(name);
            if name.exists() {
                files.push(name);
            }
        }
    }
    files
}

/// Moves every room of the database at `path` into the shard its id
/// hashes to among `shards`, and empties and removes shard files beyond
/// them. A store of one file (before shards, or restored from a backup)
/// is spread this way at its first opening; a change of the count moves
/// the rooms again.
///
/// Each move is two transactions: the copy into the target is committed
/// before the source's rows are deleted, so a crash between them leaves
/// the room in both files, never in none, and the next opening (before
/// any client is served) copies it again and deletes it.
fn spread(path: &Path, shards: usize) -> Result<(), StoreError> {
    for index in 0..shards {
        prepare_schema(&Connection::open(shard_path(path, index))?)?;
    }
    for (index, source) in shard_files(path) {
        let connection = Connection::open(&source)?;
        prepare_schema(&connection)?;
        let rooms: Vec<Vec<u8>> = {
            let mut statement = connection.prepare(
                "SELECT room FROM rooms UNION SELECT room FROM retired_rooms
                 UNION SELECT room FROM expired_rooms UNION SELECT room FROM access_log",
            )?;
            let rows = statement.query_map([], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut moving: std::collections::BTreeMap<usize, Vec<Vec<u8>>> = Default::default();
        for room in rooms {
            let target = shard_of(&room, shards);
            if target != index {
                moving.entry(target).or_default().push(room);
            }
        }
        for (target, rooms) in &moving {
            move_rooms(&connection, &shard_path(path, *target), rooms)?;
        }
        if !moving.is_empty() {
            tracing::info!(
                rooms = moving.values().map(Vec::len).sum::<usize>(),
                from = %source.display(),
                "rooms moved to their shards"
            );
        }
        if index >= shards {
            drop(connection);
            for suffix in ["", "-wal", "-shm"] {
                let mut name = source.as_os_str().to_owned();
                name.push(suffix);
                match std::fs::remove_file(&name) {
                    Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                        return Err(StoreError::Database(format!(
                            "cannot remove the emptied shard {}: {error}",
                            PathBuf::from(name).display()
                        )))
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// Copies `rooms` from the database of `source` into the one at `target`
/// (committed), then deletes them from `source`.
fn move_rooms(source: &Connection, target: &Path, rooms: &[Vec<u8>]) -> Result<(), StoreError> {
    let target = target.to_str().ok_or_else(|| {
        StoreError::Database(format!("the shard path {} is not UTF-8", target.display()))
    })?;
    source.execute("ATTACH DATABASE ?1 AS target", [target])?;
    let moved = (|| {
        source.pragma_update(Some("target"), "synchronous", "FULL")?;
        source.pragma_update(Some("target"), "secure_delete", true)?;
        source.execute_batch("BEGIN IMMEDIATE")?;
        let copied = (|| {
            for room in rooms {
                for (table, columns) in ROOM_TABLES {
                    source.execute(
                        &format!(
                            "INSERT OR REPLACE INTO target.{table} ({columns})
                             SELECT {columns} FROM main.{table} WHERE room = ?1"
                        ),
                        [room],
                    )?;
                }
            }
            Ok::<_, rusqlite::Error>(())
        })();
        match copied {
            Ok(()) => source.execute_batch("COMMIT")?,
            Err(error) => {
                source.execute_batch("ROLLBACK").ok();
                return Err(error.into());
            }
        }
        source.execute_batch("BEGIN IMMEDIATE")?;
        let deleted = (|| {
            for room in rooms {
                for (table, _) in ROOM_TABLES.iter().rev() {
                    source.execute(&format!("DELETE FROM main.{table} WHERE room = ?1"), [room])?;
                }
            }
            Ok::<_, rusqlite::Error>(())
        })();
        match deleted {
            Ok(()) => source.execute_batch("COMMIT")?,
            Err(error) => {
                source.execute_batch("ROLLBACK").ok();
                return Err(error.into());
            }
        }
        Ok::<_, StoreError>(())
    })();
    source.execute("DETACH DATABASE target", [])?;
    moved
}

/// Rooms in SQLite files: shards, each a file with a writer of its own
/// (see `SqliteFile`), so that a small push waits only for the commits
/// of its own shard — never for a large one of a room elsewhere. A room
/// lives in the shard its id hashes to (`shard_of`); the inboxes live in
/// the first, the configured file. Quota, free disk and expiry count all
/// shards together.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    shards: Arc<[SqliteFile]>,
    /// How often a room was read for a replay, for tests.
    #[cfg(test)]
    pub(crate) replays: Arc<std::sync::atomic::AtomicUsize>,
}

impl SqliteStore {
    /// Opens (or creates) the database at `path` in [`DEFAULT_SHARDS`]
    /// shards.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_sharded(path, DEFAULT_SHARDS)
    }

    /// Opens (or creates) the database at `path` in `shards` files (at
    /// least one): `path` and `path.shard-1` … beside it. Rooms a file
    /// holds that belong to another shard (a store of one file from an
    /// earlier relay, a backup, another count) are moved first.
    pub fn open_sharded(path: impl AsRef<Path>, shards: usize) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let shards = shards.max(1);
        spread(path, shards)?;
        let files = (0..shards)
            .map(|index| SqliteFile::open(shard_path(path, index)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::of(files))
    }

    /// A database that lives in memory only, for tests and trials.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Ok(Self::of(vec![SqliteFile::open_in_memory()?]))
    }

    fn of(files: Vec<SqliteFile>) -> Self {
        Self {
            shards: files.into(),
            #[cfg(test)]
            replays: Arc::default(),
        }
    }

    /// How many shards the store has.
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// Lets each shard grow to about `bytes` at most (SQLite's
    /// `max_page_count`): beyond, writes fail as on a full disk, and
    /// deleting (a snapshot, a retirement) makes room again. The quota
    /// over all shards is the relay's ([`Limits::max_stored_bytes`](crate::Limits)).
    pub fn limit_size(&self, bytes: u64) -> Result<(), StoreError> {
        self.shards
            .iter()
            .try_for_each(|shard| shard.limit_size(bytes))
    }

    fn shard(&self, room: RoomId) -> &SqliteFile {
        &self.shards[shard_of(room.as_bytes(), self.shards.len())]
    }

    /// The shard of the inboxes.
    fn first(&self) -> &SqliteFile {
        &self.shards[0]
    }

    /// The connection the first shard's writer commits on, and that writer,
    /// for tests.
    #[cfg(test)]
    pub(crate) fn writer(&self) -> (Arc<Mutex<Connection>>, &Appender) {
        self.first().writer()
    }

    /// The connections every shard's writer commits on, for tests.
    #[cfg(test)]
    pub(crate) fn writers(&self) -> Vec<Arc<Mutex<Connection>>> {
        self.shards
            .iter()
            .map(|shard| Arc::clone(&shard.connection))
            .collect()
    }
}

impl RoomStore for SqliteStore {
    async fn admit(&self, room: RoomId, token: TokenHash) -> Result<Admission, StoreError> {
        self.shard(room).admit(room, token).await
    }

    async fn room_bytes(&self, room: RoomId) -> Result<u64, StoreError> {
        self.shard(room).room_bytes(room).await
    }

    async fn append(&self, room: RoomId, blob: Vec<u8>) -> Result<u64, StoreError> {
        self.shard(room).append(room, blob).await
    }

    async fn queue_append(
        &self,
        room: RoomId,
        blob: Vec<u8>,
        committed: Committed,
    ) -> Result<Queued, StoreError> {
        self.shard(room).queue_append(room, blob, committed).await
    }

    async fn read_page(
        &self,
        room: RoomId,
        after: u64,
        max_bytes: usize,
    ) -> Result<Replay, StoreError> {
        #[cfg(test)]
        self.replays
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.shard(room).read_page(room, after, max_bytes).await
    }

    async fn replace_through(
        &self,
        room: RoomId,
        through: u64,
        snapshot: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.shard(room)
            .replace_through(room, through, snapshot)
            .await
    }

    async fn retire(&self, room: RoomId, notice: Vec<u8>) -> Result<(), StoreError> {
        self.shard(room).retire(room, notice).await
    }

    async fn last_change(&self, room: RoomId) -> Result<Option<u64>, StoreError> {
        self.shard(room).last_change(room).await
    }

    async fn expire_idle(&self, changed_before: u64) -> Result<u64, StoreError> {
        let mut expired = 0;
        for shard in self.shards.iter() {
            expired += shard.expire_idle(changed_before).await?;
        }
        Ok(expired)
    }

    async fn read_access(&self, room: RoomId) -> Result<AccessLog, StoreError> {
        self.shard(room).read_access(room).await
    }

    async fn append_access(
        &self,
        room: RoomId,
        position: u64,
        entry: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.shard(room).append_access(room, position, entry).await
    }

    async fn open_inbox(
        &self,
        inbox: InboxId,
        reader: [u8; 32],
        closes_at: u64,
        form: Vec<u8>,
        now: u64,
    ) -> Result<InboxOpening, StoreError> {
        self.first()
            .open_inbox(inbox, reader, closes_at, form, now)
            .await
    }

    async fn inbox(&self, inbox: InboxId) -> Result<Option<Inbox>, StoreError> {
        self.first().inbox(inbox).await
    }

    async fn append_to_inbox(
        &self,
        inbox: InboxId,
        sealed: Vec<u8>,
        bounds: InboxBounds,
        now: u64,
    ) -> Result<InboxAppend, StoreError> {
        self.first()
            .append_to_inbox(inbox, sealed, bounds, now)
            .await
    }

    async fn read_inbox(
        &self,
        inbox: InboxId,
        after: u64,
        max_bytes: usize,
    ) -> Result<InboxPage, StoreError> {
        self.first().read_inbox(inbox, after, max_bytes).await
    }

    async fn delete_inbox_messages(
        &self,
        inbox: InboxId,
        through: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        self.first()
            .delete_inbox_messages(inbox, through, now)
            .await
    }

    async fn close_inbox(&self, inbox: InboxId, now: u64) -> Result<(), StoreError> {
        self.first().close_inbox(inbox, now).await
    }

    async fn expire_idle_inboxes(&self, changed_before: u64) -> Result<u64, StoreError> {
        self.first().expire_idle_inboxes(changed_before).await
    }

    /// The bytes of all shards together; the free disk of the first (the
    /// shards share its folder).
    async fn usage(&self) -> Result<Usage, StoreError> {
        let mut total = self.first().usage().await?;
        for shard in self.shards.iter().skip(1) {
            let usage = shard.usage().await?;
            total.stored_bytes = match (total.stored_bytes, usage.stored_bytes) {
                (Some(sum), Some(bytes)) => Some(sum.saturating_add(bytes)),
                (sum, bytes) => sum.or(bytes),
            };
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(byte: u8) -> RoomId {
        RoomId::from_bytes([byte; 16])
    }

    fn token(byte: u8) -> TokenHash {
        TokenHash::from_bytes([byte; 32])
    }

    #[tokio::test]
    async fn a_room_opens_with_the_first_token_and_refuses_others() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Opened
        );
        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Admitted
        );
        assert_eq!(
            store.admit(room(1), token(2)).await.unwrap(),
            Admission::Refused
        );
        assert_eq!(
            store.admit(room(2), token(2)).await.unwrap(),
            Admission::Opened
        );
    }

    #[tokio::test]
    async fn a_page_stops_at_its_bytes_and_holds_at_least_one_blob() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        for byte in 1..=5u8 {
            store.append(room(1), vec![byte; 100]).await.unwrap();
        }
        let sequences = |replay: Replay| -> Vec<u64> {
            replay.entries.iter().map(|entry| entry.sequence).collect()
        };
        let page = store.read_page(room(1), 0, 250).await.unwrap();
        assert_eq!(page.latest, 5);
        assert_eq!(sequences(page), vec![1, 2, 3]);
        assert_eq!(
            sequences(store.read_page(room(1), 3, 1).await.unwrap()),
            vec![4]
        );
        assert_eq!(
            sequences(store.read_page(room(1), 5, 1000).await.unwrap()),
            Vec::<u64>::new()
        );
    }

    #[tokio::test]
    async fn sequences_run_without_gaps_per_room() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        store.admit(room(2), token(2)).await.unwrap();
        assert_eq!(store.append(room(1), vec![1]).await.unwrap(), 1);
        assert_eq!(store.append(room(1), vec![2]).await.unwrap(), 2);
        assert_eq!(store.append(room(2), vec![9]).await.unwrap(), 1);
        let replay = store.read_after(room(1), 1).await.unwrap();
        assert_eq!(
            replay,
            Replay {
                snapshot: None,
                entries: vec![Entry {
                    sequence: 2,
                    blob: vec![2]
                }],
                latest: 2
            }
        );
    }

    #[tokio::test]
    async fn appending_to_a_room_never_opened_is_refused() {
        let store = SqliteStore::open_in_memory().unwrap();
        assert!(matches!(
            store.append(room(1), vec![1]).await,
            Err(StoreError::NoSuchRoom)
        ));
    }

    #[tokio::test]
    async fn a_snapshot_replaces_the_log_and_numbering_goes_on() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        for byte in 1..=3 {
            store.append(room(1), vec![byte]).await.unwrap();
        }
        assert!(matches!(
            store.replace_through(room(1), 4, vec![0]).await,
            Err(StoreError::SnapshotAhead {
                through: 4,
                latest: 3
            })
        ));
        store.replace_through(room(1), 2, vec![12]).await.unwrap();
        // An older snapshot arriving late changes nothing.
        store.replace_through(room(1), 1, vec![11]).await.unwrap();
        assert_eq!(store.append(room(1), vec![4]).await.unwrap(), 4);

        let from_start = store.read_after(room(1), 0).await.unwrap();
        assert_eq!(
            from_start.snapshot,
            Some(Entry {
                sequence: 2,
                blob: vec![12]
            })
        );
        let sequences: Vec<u64> = from_start.entries.iter().map(|e| e.sequence).collect();
        assert_eq!(sequences, vec![3, 4]);

        let past_snapshot = store.read_after(room(1), 3).await.unwrap();
        assert_eq!(past_snapshot.snapshot, None);
        assert_eq!(past_snapshot.entries.len(), 1);
    }

    #[tokio::test]
    async fn a_file_database_is_in_wal_mode_and_keeps_rooms_across_opens() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-store-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        {
            let store = SqliteStore::open(&path).unwrap();
            store.admit(room(1), token(1)).await.unwrap();
            store.append(room(1), vec![1, 2, 3]).await.unwrap();
            let connection = store.shards[0].connection.lock().unwrap();
            let mode: String = connection
                .pragma_query_value(None, "journal_mode", |row| row.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Admitted
        );
        assert_eq!(store.read_after(room(1), 0).await.unwrap().entries.len(), 1);
        for file in database_files(&path) {
            std::fs::remove_file(file).ok();
        }
    }

    #[tokio::test]
    async fn a_retired_room_keeps_only_its_tombstone_and_notice() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        store.append(room(1), vec![1; 40]).await.unwrap();
        store.append(room(1), vec![2; 40]).await.unwrap();
        store
            .replace_through(room(1), 1, vec![3; 40])
            .await
            .unwrap();
        store.retire(room(1), vec![7; 24]).await.unwrap();

        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Retired(vec![7; 24])
        );
        assert_eq!(
            store.admit(room(1), token(2)).await.unwrap(),
            Admission::Refused
        );
        assert_eq!(store.room_bytes(room(1)).await.unwrap(), 0);
        assert!(matches!(
            store.append(room(1), vec![4]).await,
            Err(StoreError::NoSuchRoom)
        ));
        assert!(matches!(
            store.read_after(room(1), 0).await,
            Err(StoreError::NoSuchRoom)
        ));
        // Retiring again changes nothing; an unknown room cannot be retired.
        store.retire(room(1), vec![8; 24]).await.unwrap();
        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Retired(vec![7; 24])
        );
        assert!(matches!(
            store.retire(room(9), vec![1]).await,
            Err(StoreError::NoSuchRoom)
        ));
    }

    #[tokio::test]
    async fn a_retired_rooms_blobs_are_gone_from_the_database_file_and_its_log() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-retire-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        let marker = b"SEALED-BLOB-THAT-MUST-GO-".repeat(40);
        let kept = b"OTHER-ROOM-STAYS-".repeat(10);
        let store = SqliteStore::open_sharded(&path, 1).unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        store.admit(room(2), token(2)).await.unwrap();
        for _ in 0..5 {
            store.append(room(1), marker.clone()).await.unwrap();
        }
        store
            .replace_through(room(1), 3, marker.clone())
            .await
            .unwrap();
        store.append(room(2), kept.clone()).await.unwrap();
        let contains = |needle: &[u8]| {
            ["", "-wal"].iter().any(|suffix| {
                std::fs::read(format!("{}{suffix}", path.display()))
                    .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                    .unwrap_or(false)
            })
        };
        assert!(contains(&marker[..100]), "the blob is stored before");

        store.retire(room(1), vec![7; 24]).await.unwrap();

        assert!(
            !contains(&marker[..25]),
            "no byte of the retired room's blobs is left"
        );
        assert!(contains(&kept[..17]), "other rooms are untouched");
        let wal = std::fs::metadata(format!("{}-wal", path.display()))
            .map(|meta| meta.len())
            .unwrap_or(0);
        assert_eq!(wal, 0, "the write-ahead log is cut to nothing");
        drop(store);
        for file in database_files(&path) {
            std::fs::remove_file(file).ok();
        }
    }

    #[tokio::test]
    async fn a_database_of_the_previous_schema_gains_the_time_of_last_change_and_keeps_its_rooms() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-migrate-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(
                "CREATE TABLE rooms (
                     room BLOB PRIMARY KEY, token_hash BLOB NOT NULL,
                     latest INTEGER NOT NULL DEFAULT 0,
                     snapshot_through INTEGER NOT NULL DEFAULT 0,
                     snapshot BLOB, created_at INTEGER NOT NULL);
                 CREATE TABLE log (room BLOB NOT NULL REFERENCES rooms (room),
                     sequence INTEGER NOT NULL, blob BLOB NOT NULL,
                     PRIMARY KEY (room, sequence));
                 PRAGMA user_version = 2;",
            )
            .unwrap();
            old.execute(
                "INSERT INTO rooms (room, token_hash, created_at) VALUES (?1, ?2, 1000)",
                params![
                    room(1).as_bytes().as_slice(),
                    token(1).as_bytes().as_slice()
                ],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Admitted
        );
        assert_eq!(store.last_change(room(1)).await.unwrap(), Some(1000));
        store.append(room(1), vec![1]).await.unwrap();
        assert!(store.last_change(room(1)).await.unwrap().unwrap() >= now() as u64);
        drop(store);
        // Opening again finds the column there and changes nothing.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.read_after(room(1), 0).await.unwrap().latest, 1);
        drop(store);
        for file in database_files(&path) {
            std::fs::remove_file(file).ok();
        }
    }

    #[tokio::test]
    async fn an_expired_room_keeps_only_a_tombstone_that_refuses_it() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.admit(room(1), token(1)).await.unwrap();
        store.append(room(1), vec![1; 40]).await.unwrap();
        store
            .replace_through(room(1), 1, vec![2; 40])
            .await
            .unwrap();
        let changed = store.last_change(room(1)).await.unwrap().unwrap();
        assert_eq!(store.expire_idle(changed).await.unwrap(), 0, "not before");
        assert_eq!(store.expire_idle(changed + 1).await.unwrap(), 1);

        assert_eq!(
            store.admit(room(1), token(1)).await.unwrap(),
            Admission::Expired
        );
        assert_eq!(
            store.admit(room(1), token(2)).await.unwrap(),
            Admission::Refused
        );
        assert_eq!(store.room_bytes(room(1)).await.unwrap(), 0);
        assert!(matches!(
            store.append(room(1), vec![3]).await,
            Err(StoreError::NoSuchRoom)
        ));
        assert_eq!(store.last_change(room(1)).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_member_list_is_kept_in_order_and_positions_are_never_taken_twice() {
        let store = SqliteStore::open_in_memory().unwrap();
        let room = room(30);
        assert_eq!(store.read_access(room).await.unwrap(), AccessLog::default());
        store.admit(room, token(1)).await.unwrap();
        store.append_access(room, 0, vec![0; 40]).await.unwrap();
        store.append_access(room, 1, vec![1; 40]).await.unwrap();
        assert!(store.append_access(room, 1, vec![9; 40]).await.is_err());
        assert!(store.append_access(room, 3, vec![9; 40]).await.is_err());
        let log = store.read_access(room).await.unwrap();
        assert_eq!(log.entries, vec![vec![0; 40], vec![1; 40]]);
        assert!(log.exists && log.retired.is_none());
        store.retire(room, vec![7; 50]).await.unwrap();
        let log = store.read_access(room).await.unwrap();
        assert_eq!(log.retired, Some(vec![7; 50]));
        assert_eq!(log.entries.len(), 2);
    }

    /// Rooms a file holds by shard, read from the files themselves.
    fn rooms_per_file(path: &Path) -> Vec<(usize, i64)> {
        shard_files(path)
            .into_iter()
            .map(|(index, file)| {
                let connection = Connection::open(file).unwrap();
                let rooms = connection
                    .query_row(
                        "SELECT (SELECT count(*) FROM rooms) + (SELECT count(*) FROM retired_rooms)
                              + (SELECT count(*) FROM expired_rooms)",
                        [],
                        |row| row.get(0),
                    )
                    .unwrap();
                (index, rooms)
            })
            .collect()
    }

    #[tokio::test]
    async fn a_store_of_one_file_is_spread_over_its_shards_and_back_without_losing_a_room() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-shards-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        let rooms: Vec<RoomId> = (1..=24).map(room).collect();
        let inbox = InboxId([5; 16]);
        {
            // A relay before shards: everything in the one file.
            let store = SqliteStore::open_sharded(&path, 1).unwrap();
            for (index, room) in rooms.iter().enumerate() {
                store.admit(*room, token(index as u8)).await.unwrap();
                for blob in 0..=index as u8 % 3 {
                    store.append(*room, vec![blob; 100]).await.unwrap();
                }
            }
            store
                .replace_through(rooms[0], 1, vec![9; 50])
                .await
                .unwrap();
            store.append_access(rooms[1], 0, vec![4; 40]).await.unwrap();
            store.retire(rooms[2], vec![7; 24]).await.unwrap();
            // Only the one room is old enough to expire.
            store
                .shard(rooms[3])
                .connection
                .lock()
                .unwrap()
                .execute(
                    "UPDATE rooms SET changed_at = 1 WHERE room = ?1",
                    [rooms[3].as_bytes().as_slice()],
                )
                .unwrap();
            assert_eq!(store.expire_idle(1000).await.unwrap(), 1);
            store
                .open_inbox(inbox, [3; 32], u64::MAX, vec![1, 2], 10)
                .await
                .unwrap();
            let bounds = InboxBounds {
                max_messages: 10,
                max_bytes: 1000,
            };
            store
                .append_to_inbox(inbox, vec![8; 30], bounds, 11)
                .await
                .unwrap();
            assert_eq!(rooms_per_file(&path), vec![(0, 24)]);
        }
        // Each check appends one blob to the fifth room.
        let check = |store: SqliteStore, checked_before: u64| {
            let rooms = rooms.clone();
            async move {
                for (index, room) in rooms.iter().enumerate() {
                    let admission = store.admit(*room, token(index as u8)).await.unwrap();
                    match index {
                        2 => assert_eq!(admission, Admission::Retired(vec![7; 24])),
                        3 => assert_eq!(admission, Admission::Expired),
                        _ => {
                            assert_eq!(admission, Admission::Admitted, "room {index}");
                            let replay = store.read_after(*room, 0).await.unwrap();
                            let extra = if index == 4 { checked_before } else { 0 };
                            assert_eq!(replay.latest, index as u64 % 3 + 1 + extra, "room {index}");
                        }
                    }
                }
                let first = store.read_after(rooms[0], 0).await.unwrap();
                assert_eq!(first.snapshot.map(|entry| entry.blob), Some(vec![9; 50]));
                assert_eq!(
                    store.read_access(rooms[1]).await.unwrap().entries,
                    vec![vec![4; 40]]
                );
                assert_eq!(store.inbox(inbox).await.unwrap().unwrap().messages, 1);
                // Sequences go on where they were.
                assert_eq!(
                    store.append(rooms[4], vec![1]).await.unwrap(),
                    3 + checked_before
                );
            }
        };
        let store = SqliteStore::open_sharded(&path, 4).unwrap();
        let spread = rooms_per_file(&path);
        assert_eq!(spread.len(), 4);
        assert!(spread.iter().all(|(_, rooms)| *rooms > 0), "{spread:?}");
        assert_eq!(spread.iter().map(|(_, rooms)| rooms).sum::<i64>(), 24);
        for (index, file) in shard_files(&path) {
            let connection = Connection::open(file).unwrap();
            let mut statement = connection.prepare("SELECT room FROM rooms").unwrap();
            let held: Vec<Vec<u8>> = statement
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(held.iter().all(|room| shard_of(room, 4) == index));
        }
        check(store, 0).await;
        // Fewer shards: the files beyond are emptied into the others and go.
        check(SqliteStore::open_sharded(&path, 2).unwrap(), 1).await;
        let spread = rooms_per_file(&path);
        assert_eq!(spread.len(), 2, "{spread:?}");
        check(SqliteStore::open_sharded(&path, 1).unwrap(), 2).await;
        assert_eq!(rooms_per_file(&path), vec![(0, 24)]);
        for file in database_files(&path) {
            std::fs::remove_file(file).ok();
        }
    }

    #[test]
    fn a_rooms_shard_is_the_same_on_every_build() {
        assert_eq!(shard_of(&[0; 16], 1), 0);
        let shards: Vec<usize> = (0..8u8).map(|byte| shard_of(&[byte; 16], 4)).collect();
        assert_eq!(shards, vec![0, 2, 1, 0, 0, 1, 3, 2]);
        assert_eq!(
            shard_path(Path::new("/var/lib/tandem/relay.sqlite3"), 2),
            PathBuf::from("/var/lib/tandem/relay.sqlite3.shard-2")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_push_to_a_room_of_another_shard_does_not_wait_for_a_commit_under_way() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-shard-writers-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        let store = SqliteStore::open_sharded(&path, 2).unwrap();
        // Rooms 1 and 2 hash to different shards of two.
        let (busy, quiet) = (room(1), room(2));
        assert_ne!(shard_of(busy.as_bytes(), 2), shard_of(quiet.as_bytes(), 2));
        for room in [busy, quiet] {
            store.admit(room, token(1)).await.unwrap();
        }
        // A commit under way in the busy room's shard: its writer holds
        // the connection until released.
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (holding, held) = std::sync::mpsc::channel::<()>();
        let writer = Arc::clone(&store.shard(busy).connection);
        let holder = std::thread::spawn(move || {
            let _committing = writer.lock().unwrap();
            holding.send(()).unwrap();
            let _ = released.recv();
        });
        held.recv().unwrap();
        let mut waiting = tokio::spawn({
            let store = store.clone();
            async move { store.append(busy, vec![1; 10]).await }
        });
        let quiet_append =
            tokio::time::timeout(Duration::from_secs(5), store.append(quiet, vec![2; 10]));
        tokio::select! {
            done = quiet_append => assert_eq!(done.expect("not held back").unwrap(), 1),
            _ = &mut waiting => panic!("the held shard committed"),
        }
        release.send(()).unwrap();
        holder.join().unwrap();
        assert_eq!(waiting.await.unwrap().unwrap(), 1);
        drop(store);
        for file in database_files(&path) {
            std::fs::remove_file(file).ok();
        }
    }

    #[tokio::test]
    async fn a_database_from_a_newer_relay_is_refused() {
        let path = std::env::temp_dir().join(format!(
            "tandem-relay-newer-{}-{}.sqlite3",
            std::process::id(),
            now()
        ));
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::TooNew(99))
        ));
        std::fs::remove_file(&path).ok();
    }
}
