//! A [`RoomStore`] in PostgreSQL, for several relay processes that share
//! one database (`--database-url postgres://…`).
//!
//! Sequences stay gapless across processes: an append raises the room's
//! `latest` (which locks the room's row until commit) and inserts the blob
//! in the same statement. After the commit, the room and the sequence go
//! out on the channel [`CHANNEL`] — many appends to one notification —
//! and every relay listens there and forwards what the others stored to
//! its own clients (see [`RoomStore::elsewhere`]). The blob itself is read
//! from the table; the notification stays small. (A NOTIFY inside the
//! append's transaction would be simpler, but PostgreSQL lets only one
//! notifying transaction commit at a time, which limits a relay to one
//! push per disk flush.) A notification lost, say when a relay dies between
//! commit and NOTIFY, is made up for by the next one of the room and by a
//! sweep of the live rooms every [`SWEEP_EVERY`].
//!
//! A retired room keeps its row in `rooms` as the tombstone (with the
//! notice), so that a hello racing the retirement cannot open the room
//! again; its log rows and snapshot are deleted in the same transaction.
//!
//! PostgreSQL commits durably by default (`synchronous_commit = on`) and
//! flushes the commits of concurrent connections together, so the pool
//! gives grouped commits without waiting on purpose.

use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use deadpool_postgres::{Config, Pool, PoolConfig, Runtime};
use tandem_sync::intake::InboxId;
use tandem_sync::{RoomId, TokenHash, TOKEN_BYTES};
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, IsolationLevel, NoTls};

use super::{
    from_sql, now, reader_from_sql, state_from_sql, state_to_sql, to_sql, AccessLog, Admission,
    Committed, Elsewhere, Entry, Inbox, InboxAppend, InboxBounds, InboxMessage, InboxOpening,
    InboxPage, InboxState, Queued, Replay, RoomStore, StoreError, Usage,
};

/// The schema this relay writes, in `relay_schema`. Version 2 added the
/// member lists (`access_log`); an older relay must not open it (it would
/// let a room token into a room that admits only member devices).
const SCHEMA_VERSION: i64 = 2;

/// The notification channel for stored blobs.
pub const CHANNEL: &str = "tandem_stored";

/// Connections in the pool: enough for concurrent appends to be committed
/// together.
const POOL_SIZE: usize = 16;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS relay_schema (
        version BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS rooms (
        room             BYTEA PRIMARY KEY,
        token_hash       BYTEA NOT NULL,
        latest           BIGINT NOT NULL DEFAULT 0,
        snapshot_through BIGINT NOT NULL DEFAULT 0,
        snapshot         BYTEA,
        created_at       BIGINT NOT NULL,
        -- Set when the room is retired: its log and snapshot are gone,
        -- this row is its tombstone with the sealed forwarding notice.
        notice           BYTEA,
        retired_at       BIGINT
    );
    CREATE TABLE IF NOT EXISTS log (
        room     BYTEA NOT NULL REFERENCES rooms (room),
        sequence BIGINT NOT NULL,
        blob     BYTEA NOT NULL,
        PRIMARY KEY (room, sequence)
    );
    -- Added later (older relays read past it): when the room last
    -- changed; NULL for a room not changed since created_at.
    ALTER TABLE rooms ADD COLUMN IF NOT EXISTS changed_at BIGINT;
    -- Rooms deleted after going unchanged too long: their tombstones.
    CREATE TABLE IF NOT EXISTS expired_rooms (
        room       BYTEA PRIMARY KEY,
        token_hash BYTEA NOT NULL,
        expired_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS access_log (
        room     BYTEA NOT NULL,
        position BIGINT NOT NULL,
        entry    BYTEA NOT NULL,
        PRIMARY KEY (room, position)
    );
    -- Programmes' intake inboxes (added later; older relays read past
    -- them). state: 0 open, 1 closed, 2 gone (form and messages deleted).
    CREATE TABLE IF NOT EXISTS inboxes (
        inbox      BYTEA PRIMARY KEY,
        reader     BYTEA NOT NULL,
        closes_at  BIGINT NOT NULL,
        form       BYTEA NOT NULL,
        state      BIGINT NOT NULL DEFAULT 0,
        latest     BIGINT NOT NULL DEFAULT 0,
        messages   BIGINT NOT NULL DEFAULT 0,
        bytes      BIGINT NOT NULL DEFAULT 0,
        changed_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS inbox_messages (
        inbox    BYTEA NOT NULL REFERENCES inboxes (inbox),
        sequence BIGINT NOT NULL,
        at       BIGINT NOT NULL,
        sealed   BYTEA NOT NULL,
        PRIMARY KEY (inbox, sequence)
    );
";

/// How often every live room is checked against the database, in case a
/// notification was lost.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// A notification's payload stays below PostgreSQL's limit (8,000 bytes).
const MOST_PAYLOAD_BYTES: usize = 7000;

/// Held while one process creates or checks the schema, so that processes
/// starting together do not race (an arbitrary, fixed advisory lock key).
const SCHEMA_LOCK: i64 = 0x7461_6e64_656d;

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        StoreError::Database(error.to_string())
    }
}

/// Rooms in a PostgreSQL database that other relay processes may share.
pub struct PostgresStore {
    pool: Pool,
    /// Tells this process's own notifications from the others'.
    instance: String,
    /// Appends on their way into a notification.
    appended: mpsc::UnboundedSender<(RoomId, u64)>,
    elsewhere: Mutex<Option<mpsc::UnboundedReceiver<Elsewhere>>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PostgresStore")
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`),
    /// creates the tables if missing and starts listening for what other
    /// relay processes store. Must run inside a tokio runtime.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config = Config::new();
        config.url = Some(url.to_string());
        config.pool = Some(PoolConfig::new(POOL_SIZE));
        let pool = config
            .create_pool(Some(Runtime::Tokio1), NoTls)
            .map_err(|error| StoreError::Database(error.to_string()))?;
        {
            let mut client = pool.get().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
                .await?;
            transaction.batch_execute(SCHEMA).await?;
            let version: Option<i64> = transaction
                .query_opt("SELECT max(version) FROM relay_schema", &[])
                .await?
                .and_then(|row| row.get(0));
            match version {
                Some(version) if version > SCHEMA_VERSION => {
                    return Err(StoreError::TooNew(version))
                }
                Some(version) if version == SCHEMA_VERSION => {}
                // New, or written by an older relay: the tables it lacked
                // are made above, so it is of this version now.
                _ => {
                    transaction
                        .execute(
                            "INSERT INTO relay_schema (version) VALUES ($1)",
                            &[&SCHEMA_VERSION],
                        )
                        .await?;
                }
            }
            transaction.commit().await?;
        }
        let instance = instance_name();
        let (news, elsewhere) = mpsc::unbounded_channel();
        let listening = listen(url, instance.clone(), news.clone(), pool.clone()).await?;
        tokio::spawn(sweep(news.clone()));
        tokio::spawn(keep_listening(
            url.to_string(),
            instance.clone(),
            news,
            pool.clone(),
            listening,
        ));
        let (appended, to_notify) = mpsc::unbounded_channel();
        tokio::spawn(notify_appends(pool.clone(), instance.clone(), to_notify));
        Ok(Self {
            pool,
            instance,
            appended,
            elsewhere: Mutex::new(Some(elsewhere)),
        })
    }
}

/// A name no other relay process shares: host process id and start time.
fn instance_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or(0);
    format!("{:x}.{:x}", std::process::id(), nanos)
}

/// Asks the relay to check its live rooms now and then.
async fn sweep(news: mpsc::UnboundedSender<Elsewhere>) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if news.send(Elsewhere::Missed).is_err() {
            return;
        }
    }
}

/// Notifies the other relays of this one's appends: all those waiting at
/// once in as few notifications as fit.
async fn notify_appends(
    pool: Pool,
    instance: String,
    mut appended: mpsc::UnboundedReceiver<(RoomId, u64)>,
) {
    while let Some(first) = appended.recv().await {
        let mut batch = vec![first];
        while let Ok(next) = appended.try_recv() {
            batch.push(next);
        }
        let client = match pool.get().await {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!(%error, "cannot notify the other relays");
                continue;
            }
        };
        for payload in payloads(&instance, &batch) {
            if let Err(error) = client
                .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
                .await
            {
                tracing::warn!(%error, "cannot notify the other relays");
            }
        }
    }
}

/// `instance;room:sequence;room:sequence…`, as many as fit in each.
fn payloads(instance: &str, appended: &[(RoomId, u64)]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut payload = String::from(instance);
    for (room, sequence) in appended {
        let item = format!(";{room}:{sequence}");
        if payload.len() + item.len() > MOST_PAYLOAD_BYTES && payload.len() > instance.len() {
            payloads.push(std::mem::replace(&mut payload, String::from(instance)));
        }
        payload.push_str(&item);
    }
    if payload.len() > instance.len() {
        payloads.push(payload);
    }
    payloads
}

/// One listening connection: LISTENs, then passes every other process's
/// notification on. The task it returns ends when the connection does.
async fn listen(
    url: &str,
    instance: String,
    news: mpsc::UnboundedSender<Elsewhere>,
    pool: Pool,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    // Reads the connection, which also lets the LISTEN below be answered.
    let reader = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|context| connection.poll_message(context)).await {
                Some(Ok(AsyncMessage::Notification(notification))) => {
                    for notice in parse_notice(notification.payload(), &instance) {
                        match notice {
                            Notice::Stored(item) => {
                                if news.send(item).is_err() {
                                    return;
                                }
                            }
                            // The notice is read from the table: it may be
                            // longer than a notification may carry.
                            Notice::Retired(room) => {
                                tokio::spawn(read_retirement(pool.clone(), room, news.clone()));
                            }
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(error)) => {
                    tracing::warn!(%error, "the listening database connection failed");
                    return;
                }
                None => return,
            }
        }
    });
    if let Err(error) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
        reader.abort();
        return Err(error.into());
    }
    // The connection lives as long as its client.
    Ok(tokio::spawn(async move {
        let _client = client;
        let _ = reader.await;
    }))
}

/// Listens again whenever the listening connection ends, and tells the
/// relay that news may have been missed meanwhile.
async fn keep_listening(
    url: String,
    instance: String,
    news: mpsc::UnboundedSender<Elsewhere>,
    pool: Pool,
    mut listening: tokio::task::JoinHandle<()>,
) {
    loop {
        let _ = (&mut listening).await;
        if news.is_closed() {
            return;
        }
        listening.abort();
        let mut pause = Duration::from_millis(100);
        listening = loop {
            tokio::time::sleep(pause).await;
            match listen(&url, instance.clone(), news.clone(), pool.clone()).await {
                Ok(task) => break task,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen to the database yet");
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        };
        tracing::info!("listening to the database again");
        if news.send(Elsewhere::Missed).is_err() {
            return;
        }
    }
}

/// What a notification says.
#[derive(Debug, PartialEq, Eq)]
enum Notice {
    Stored(Elsewhere),
    Retired(RoomId),
}

/// `instance;room:sequence;…` or `instance;room:retired`; nothing for
/// this process's own and for anything unreadable.
fn parse_notice(payload: &str, own: &str) -> Vec<Notice> {
    let mut parts = payload.split(';');
    if parts.next().is_none_or(|instance| instance == own) {
        return Vec::new();
    }
    parts
        .filter_map(|item| {
            let (room, what) = item.split_once(':')?;
            let room: RoomId = room.parse().ok()?;
            if what == RETIRED {
                return Some(Notice::Retired(room));
            }
            let sequence: u64 = what.parse().ok()?;
            Some(Notice::Stored(Elsewhere::Stored { room, sequence }))
        })
        .collect()
}

/// In a notification, in place of a sequence: the room was retired.
const RETIRED: &str = "retired";

/// Reads a retired room's notice and passes the retirement on.
async fn read_retirement(pool: Pool, room: RoomId, news: mpsc::UnboundedSender<Elsewhere>) {
    let notice = async {
        let client = pool.get().await?;
        let row = client
            .query_opt(
                "SELECT notice FROM rooms WHERE room = $1",
                &[&room.as_bytes().as_slice()],
            )
            .await?;
        Ok::<_, StoreError>(row.and_then(|row| row.get::<_, Option<Vec<u8>>>(0)))
    };
    match notice.await {
        Ok(Some(notice)) => {
            let _ = news.send(Elsewhere::Retired { room, notice });
        }
        Ok(None) => {}
        Err(error) => {
            tracing::error!(%error, room = %crate::logging::room(room), "cannot read a retired room's notice")
        }
    }
}

impl PostgresStore {
    /// Appends `blob` to `room` in one statement (one transaction); returns
    /// its sequence once committed.
    async fn insert(&self, room: RoomId, blob: &[u8]) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        // One statement is one transaction: the row lock of the room's
        // UPDATE orders appends from every process.
        let row = client
            .query_opt(
                "WITH next AS (
                     UPDATE rooms SET latest = latest + 1, changed_at = $3
                     WHERE room = $1 AND notice IS NULL RETURNING latest
                 ), stored AS (
                     INSERT INTO log (room, sequence, blob)
                     SELECT $1, latest, $2 FROM next RETURNING sequence
                 )
                 SELECT sequence FROM stored",
                &[&room.as_bytes().as_slice(), &blob, &now()],
            )
            .await?
            .ok_or(StoreError::NoSuchRoom)?;
        let sequence = from_sql(row.get(0))?;
        // Only this relay stops with the notifier, and then its clients
        // reconnect.
        let _ = self.appended.send((room, sequence));
        Ok(sequence)
    }
}

/// An inbox from its row: reader, closes_at, form, state, messages,
/// bytes, latest.
fn inbox_from_row(row: &tokio_postgres::Row) -> Result<Inbox, StoreError> {
    Ok(Inbox {
        reader: reader_from_sql(row.get(0))?,
        closes_at: from_sql(row.get(1))?,
        form: row.get(2),
        state: state_from_sql(row.get(3))?,
        messages: from_sql(row.get(4))?,
        bytes: from_sql(row.get(5))?,
        latest: from_sql(row.get(6))?,
    })
}

const INBOX_COLUMNS: &str = "reader, closes_at, form, state, messages, bytes, latest";

impl RoomStore for PostgresStore {
    async fn admit(&self, room: RoomId, token: TokenHash) -> Result<Admission, StoreError> {
        let client = self.pool.get().await?;
        let room = room.as_bytes().as_slice();
        let expired = client
            .query_opt(
                "SELECT token_hash FROM expired_rooms WHERE room = $1",
                &[&room],
            )
            .await?;
        if let Some(expired) = expired {
            let stored: Vec<u8> = expired.get(0);
            return Ok(if stored.as_slice() == token.as_bytes().as_slice() {
                Admission::Expired
            } else {
                Admission::Refused
            });
        }
        let opened = client
            .query_opt(
                "INSERT INTO rooms (room, token_hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (room) DO NOTHING RETURNING room",
                &[&room, &token.as_bytes().as_slice(), &now()],
            )
            .await?;
        if opened.is_some() {
            return Ok(Admission::Opened);
        }
        let row = client
            .query_one(
                "SELECT token_hash, notice FROM rooms WHERE room = $1",
                &[&room],
            )
            .await?;
        let stored: Vec<u8> = row.get(0);
        let notice: Option<Vec<u8>> = row.get(1);
        let stored: [u8; TOKEN_BYTES] = stored
            .try_into()
            .map_err(|_| StoreError::Database("a stored token hash has the wrong length".into()))?;
        Ok(match notice {
            _ if TokenHash::from_bytes(stored) != token => Admission::Refused,
            Some(notice) => Admission::Retired(notice),
            None => Admission::Admitted,
        })
    }

    async fn room_bytes(&self, room: RoomId) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        let bytes: i64 = client
            .query_one(
                "SELECT (coalesce((SELECT octet_length(snapshot) FROM rooms WHERE room = $1), 0)
                       + coalesce((SELECT sum(octet_length(blob)) FROM log WHERE room = $1), 0))::BIGINT",
                &[&room.as_bytes().as_slice()],
            )
            .await?
            .get(0);
        from_sql(bytes)
    }

    async fn append(&self, room: RoomId, blob: Vec<u8>) -> Result<u64, StoreError> {
        self.insert(room, &blob).await
    }

    /// Commits before it returns (several processes number a room's
    /// appends, so this one cannot keep them in line): the caller holds
    /// the room's lock until then, as for [`append`](RoomStore::append).
    async fn queue_append(
        &self,
        room: RoomId,
        blob: Vec<u8>,
        committed: Committed,
    ) -> Result<Queued, StoreError> {
        let sequence = self.insert(room, &blob).await?;
        committed(sequence, blob);
        Ok(Queued::done(Ok(sequence)))
    }

    async fn usage(&self) -> Result<Usage, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .await?;
        let bytes: i64 = row.get(0);
        // The database server's disk is not this process's to see.
        Ok(Usage {
            stored_bytes: Some(u64::try_from(bytes).unwrap_or(0)),
            free_disk_bytes: None,
        })
    }

    async fn read_page(
        &self,
        room: RoomId,
        after: u64,
        max_bytes: usize,
    ) -> Result<Replay, StoreError> {
        let mut client = self.pool.get().await?;
        // One snapshot of the database: `latest` matches the entries.
        let transaction = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let room = room.as_bytes().as_slice();
        let row = transaction
            .query_opt(
                "SELECT latest, snapshot_through, snapshot FROM rooms
                 WHERE room = $1 AND notice IS NULL",
                &[&room],
            )
            .await?
            .ok_or(StoreError::NoSuchRoom)?;
        let latest = from_sql(row.get(0))?;
        let through = from_sql(row.get(1))?;
        let snapshot: Option<Vec<u8>> = row.get(2);
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
        let held = snapshot.as_ref().map_or(0, |snapshot| snapshot.blob.len());
        let room_bytes = i64::try_from(max_bytes.saturating_sub(held)).unwrap_or(i64::MAX);
        // Entries while the bytes before each are under the page's rest,
        // at least one; the sizes come from the stored lengths, so the
        // blobs beyond the page are not read.
        let entries = transaction
            .query(
                "SELECT sequence, blob FROM (
                     SELECT sequence, blob,
                            sum(octet_length(blob)) OVER (ORDER BY sequence)
                                - octet_length(blob) AS before
                     FROM log WHERE room = $1 AND sequence > $2
                 ) AS page
                 WHERE before < $3 OR before = 0
                 ORDER BY sequence",
                &[&room, &to_sql(start), &room_bytes],
            )
            .await?
            .into_iter()
            .map(|row| {
                Ok(Entry {
                    sequence: from_sql(row.get(0))?,
                    blob: row.get(1),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        transaction.commit().await?;
        Ok(Replay {
            snapshot,
            entries,
            latest,
        })
    }

    async fn replace_through(
        &self,
        room: RoomId,
        through: u64,
        snapshot: Vec<u8>,
    ) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let room = room.as_bytes().as_slice();
        let row = transaction
            .query_opt(
                "SELECT latest, snapshot_through FROM rooms
                 WHERE room = $1 AND notice IS NULL FOR UPDATE",
                &[&room],
            )
            .await?
            .ok_or(StoreError::NoSuchRoom)?;
        let latest = from_sql(row.get(0))?;
        if through > latest {
            return Err(StoreError::SnapshotAhead { through, latest });
        }
        if through <= from_sql(row.get(1))? {
            return Ok(());
        }
        transaction
            .execute(
                "UPDATE rooms SET snapshot = $2, snapshot_through = $3, changed_at = $4
                 WHERE room = $1",
                &[&room, &snapshot, &to_sql(through), &now()],
            )
            .await?;
        transaction
            .execute(
                "DELETE FROM log WHERE room = $1 AND sequence <= $2",
                &[&room, &to_sql(through)],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn read_access(&self, room: RoomId) -> Result<AccessLog, StoreError> {
        let client = self.pool.get().await?;
        let room = room.as_bytes().as_slice();
        let state: Option<Option<Vec<u8>>> = client
            .query_opt("SELECT notice FROM rooms WHERE room = $1", &[&room])
            .await?
            .map(|row| row.get(0));
        let entries = client
            .query(
                "SELECT entry FROM access_log WHERE room = $1 ORDER BY position",
                &[&room],
            )
            .await?
            .into_iter()
            .map(|row| row.get::<_, Vec<u8>>(0))
            .collect();
        Ok(AccessLog {
            entries,
            exists: state.is_some(),
            retired: state.flatten(),
        })
    }

    async fn append_access(
        &self,
        room: RoomId,
        position: u64,
        entry: Vec<u8>,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        let room = room.as_bytes().as_slice();
        // The primary key refuses a position another process took; a gap
        // is refused by counting in the same statement.
        let inserted = client
            .execute(
                "INSERT INTO access_log (room, position, entry)
                 SELECT $1::bytea, $2::bigint, $3::bytea
                 WHERE (SELECT count(*) FROM access_log WHERE room = $1) = $2",
                &[&room, &to_sql(position), &entry],
            )
            .await?;
        if inserted != 1 {
            return Err(StoreError::Database(format!(
                "position {position} is not the next of the member list"
            )));
        }
        Ok(())
    }

    async fn retire(&self, room: RoomId, notice: Vec<u8>) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let room_id = room;
        let room = room.as_bytes().as_slice();
        let retired: Option<bool> = transaction
            .query_opt(
                "SELECT notice IS NOT NULL FROM rooms WHERE room = $1 FOR UPDATE",
                &[&room],
            )
            .await?
            .map(|row| row.get(0));
        match retired {
            None => return Err(StoreError::NoSuchRoom),
            Some(true) => return Ok(()),
            Some(false) => {}
        }
        transaction
            .execute("DELETE FROM log WHERE room = $1", &[&room])
            .await?;
        transaction
            .execute(
                "UPDATE rooms SET snapshot = NULL, notice = $2, retired_at = $3 WHERE room = $1",
                &[&room, &notice, &now()],
            )
            .await?;
        // The other relays tell their connections of the room at commit.
        transaction
            .execute(
                "SELECT pg_notify($1, $2)",
                &[&CHANNEL, &format!("{};{room_id}:{RETIRED}", self.instance)],
            )
            .await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn last_change(&self, room: RoomId) -> Result<Option<u64>, StoreError> {
        let client = self.pool.get().await?;
        let changed: Option<i64> = client
            .query_opt(
                "SELECT coalesce(changed_at, created_at) FROM rooms
                 WHERE room = $1 AND notice IS NULL",
                &[&room.as_bytes().as_slice()],
            )
            .await?
            .map(|row| row.get(0));
        changed.map(from_sql).transpose()
    }

    async fn expire_idle(&self, changed_before: u64) -> Result<u64, StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        // Retired rooms keep their tombstone in `rooms`; only live rooms
        // expire. Rows locked, so an append of another process waits and
        // then finds no room.
        let rooms = transaction
            .query(
                "SELECT room, token_hash FROM rooms
                 WHERE notice IS NULL AND coalesce(changed_at, created_at) < $1
                 FOR UPDATE",
                &[&to_sql(changed_before)],
            )
            .await?;
        for row in &rooms {
            let room: &[u8] = row.get(0);
            let token: &[u8] = row.get(1);
            transaction
                .execute("DELETE FROM log WHERE room = $1", &[&room])
                .await?;
            transaction
                .execute("DELETE FROM rooms WHERE room = $1", &[&room])
                .await?;
            transaction
                .execute(
                    "INSERT INTO expired_rooms (room, token_hash, expired_at) VALUES ($1, $2, $3)
                     ON CONFLICT (room) DO UPDATE SET token_hash = $2, expired_at = $3",
                    &[&room, &token, &now()],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(rooms.len() as u64)
    }

    async fn open_inbox(
        &self,
        inbox: InboxId,
        reader: [u8; 32],
        closes_at: u64,
        form: Vec<u8>,
        now: u64,
    ) -> Result<InboxOpening, StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let id = inbox.0.as_slice();
        let created = transaction
            .query_opt(
                "INSERT INTO inboxes (inbox, reader, closes_at, form, changed_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (inbox) DO NOTHING RETURNING inbox",
                &[
                    &id,
                    &reader.as_slice(),
                    &to_sql(closes_at),
                    &form,
                    &to_sql(now),
                ],
            )
            .await?;
        if created.is_some() {
            transaction.commit().await?;
            return Ok(InboxOpening::Created);
        }
        let row = transaction
            .query_one(
                &format!("SELECT {INBOX_COLUMNS} FROM inboxes WHERE inbox = $1 FOR UPDATE"),
                &[&id],
            )
            .await?;
        let stored = inbox_from_row(&row)?;
        let opening = if stored.reader != reader {
            InboxOpening::NotYours
        } else if stored.state != InboxState::Open {
            InboxOpening::Closed
        } else {
            transaction
                .execute(
                    "UPDATE inboxes SET closes_at = $2, form = $3, changed_at = $4
                     WHERE inbox = $1",
                    &[&id, &to_sql(closes_at), &form, &to_sql(now)],
                )
                .await?;
            InboxOpening::Updated
        };
        transaction.commit().await?;
        Ok(opening)
    }

    async fn inbox(&self, inbox: InboxId) -> Result<Option<Inbox>, StoreError> {
        let client = self.pool.get().await?;
        client
            .query_opt(
                &format!("SELECT {INBOX_COLUMNS} FROM inboxes WHERE inbox = $1"),
                &[&inbox.0.as_slice()],
            )
            .await?
            .map(|row| inbox_from_row(&row))
            .transpose()
    }

    async fn append_to_inbox(
        &self,
        inbox: InboxId,
        sealed: Vec<u8>,
        bounds: InboxBounds,
        now: u64,
    ) -> Result<InboxAppend, StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let id = inbox.0.as_slice();
        // The row lock orders the appends of every process.
        let Some(row) = transaction
            .query_opt(
                &format!("SELECT {INBOX_COLUMNS} FROM inboxes WHERE inbox = $1 FOR UPDATE"),
                &[&id],
            )
            .await?
        else {
            return Ok(InboxAppend::NoSuchInbox);
        };
        let stored = inbox_from_row(&row)?;
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
        transaction
            .execute(
                "INSERT INTO inbox_messages (inbox, sequence, at, sealed) VALUES ($1, $2, $3, $4)",
                &[&id, &to_sql(sequence), &to_sql(now), &sealed],
            )
            .await?;
        transaction
            .execute(
                "UPDATE inboxes SET latest = $2, messages = messages + 1, bytes = bytes + $3,
                        changed_at = $4
                 WHERE inbox = $1",
                &[&id, &to_sql(sequence), &to_sql(size), &to_sql(now)],
            )
            .await?;
        transaction.commit().await?;
        Ok(InboxAppend::Stored(sequence))
    }

    async fn read_inbox(
        &self,
        inbox: InboxId,
        after: u64,
        max_bytes: usize,
    ) -> Result<InboxPage, StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let id = inbox.0.as_slice();
        let latest: i64 = transaction
            .query_opt("SELECT latest FROM inboxes WHERE inbox = $1", &[&id])
            .await?
            .map_or(0, |row| row.get(0));
        let max_bytes = i64::try_from(max_bytes).unwrap_or(i64::MAX);
        let messages = transaction
            .query(
                "SELECT sequence, at, sealed FROM (
                     SELECT sequence, at, sealed,
                            sum(octet_length(sealed)) OVER (ORDER BY sequence)
                                - octet_length(sealed) AS before
                     FROM inbox_messages WHERE inbox = $1 AND sequence > $2
                 ) AS page
                 WHERE before < $3 OR before = 0
                 ORDER BY sequence",
                &[&id, &to_sql(after), &max_bytes],
            )
            .await?
            .into_iter()
            .map(|row| {
                Ok(InboxMessage {
                    sequence: from_sql(row.get(0))?,
                    at: from_sql(row.get(1))?,
                    sealed: row.get(2),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        transaction.commit().await?;
        Ok(InboxPage {
            messages,
            latest: from_sql(latest)?,
        })
    }

    async fn delete_inbox_messages(
        &self,
        inbox: InboxId,
        through: u64,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let id = inbox.0.as_slice();
        let row = transaction
            .query_one(
                "WITH deleted AS (
                     DELETE FROM inbox_messages WHERE inbox = $1 AND sequence <= $2
                     RETURNING octet_length(sealed) AS size
                 )
                 SELECT count(*)::BIGINT, coalesce(sum(size), 0)::BIGINT FROM deleted",
                &[&id, &to_sql(through)],
            )
            .await?;
        let (count, bytes): (i64, i64) = (row.get(0), row.get(1));
        if count > 0 {
            transaction
                .execute(
                    "UPDATE inboxes SET messages = greatest(messages - $2, 0),
                            bytes = greatest(bytes - $3, 0), changed_at = $4
                     WHERE inbox = $1",
                    &[&id, &count, &bytes, &to_sql(now)],
                )
                .await?;
            // A closed inbox taken in whole is gone.
            transaction
                .execute(
                    "UPDATE inboxes SET state = $2, form = ''::BYTEA
                     WHERE inbox = $1 AND state = $3 AND messages = 0",
                    &[
                        &id,
                        &state_to_sql(InboxState::Gone),
                        &state_to_sql(InboxState::Closed),
                    ],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(())
    }

    async fn close_inbox(&self, inbox: InboxId, now: u64) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE inboxes SET state = CASE WHEN messages = 0 THEN $2::BIGINT ELSE $3::BIGINT END,
                        form = CASE WHEN messages = 0 THEN ''::BYTEA ELSE form END,
                        changed_at = $5
                 WHERE inbox = $1 AND state = $4",
                &[
                    &inbox.0.as_slice(),
                    &state_to_sql(InboxState::Gone),
                    &state_to_sql(InboxState::Closed),
                    &state_to_sql(InboxState::Open),
                    &to_sql(now),
                ],
            )
            .await?;
        Ok(())
    }

    async fn expire_idle_inboxes(&self, changed_before: u64) -> Result<u64, StoreError> {
        let mut client = self.pool.get().await?;
        let transaction = client.transaction().await?;
        let gone = state_to_sql(InboxState::Gone);
        let before = to_sql(changed_before);
        // Rows locked first, so that an append of another process waits
        // and then finds the inbox gone.
        let expired = transaction
            .query(
                "SELECT inbox FROM inboxes WHERE state <> $1 AND changed_at < $2 FOR UPDATE",
                &[&gone, &before],
            )
            .await?;
        for row in &expired {
            let id: &[u8] = row.get(0);
            transaction
                .execute("DELETE FROM inbox_messages WHERE inbox = $1", &[&id])
                .await?;
            transaction
                .execute(
                    "UPDATE inboxes SET state = $2, form = ''::BYTEA, messages = 0, bytes = 0
                     WHERE inbox = $1",
                    &[&id, &gone],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(expired.len() as u64)
    }

    fn elsewhere(&self) -> Option<mpsc::UnboundedReceiver<Elsewhere>> {
        self.elsewhere
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_of_other_processes_are_read_and_own_ones_skipped() {
        let (room, other) = (RoomId::from_bytes([7; 16]), RoomId::from_bytes([8; 16]));
        assert_eq!(
            parse_notice(&format!("them;{room}:42;{other}:3"), "me"),
            vec![
                Notice::Stored(Elsewhere::Stored { room, sequence: 42 }),
                Notice::Stored(Elsewhere::Stored {
                    room: other,
                    sequence: 3
                })
            ]
        );
        assert_eq!(
            parse_notice(&format!("them;{room}:retired"), "me"),
            vec![Notice::Retired(room)]
        );
        assert!(parse_notice(&format!("me;{room}:42"), "me").is_empty());
        assert!(parse_notice("nonsense", "me").is_empty());
        assert_eq!(
            parse_notice(&format!("them;{room}:x;{other}:5"), "me"),
            vec![Notice::Stored(Elsewhere::Stored {
                room: other,
                sequence: 5
            })]
        );
    }

    #[test]
    fn many_appends_are_told_in_notifications_that_fit() {
        let appended: Vec<(RoomId, u64)> = (0..1000u64)
            .map(|n| (RoomId::from_bytes([(n % 200) as u8; 16]), n + 1))
            .collect();
        let told_in = payloads("me", &appended);
        assert!(told_in.len() > 1);
        assert!(told_in.iter().all(|p| p.len() <= MOST_PAYLOAD_BYTES));
        let told: Vec<Notice> = told_in
            .iter()
            .flat_map(|p| parse_notice(p, "them"))
            .collect();
        let expected: Vec<Notice> = appended
            .iter()
            .map(|&(room, sequence)| Notice::Stored(Elsewhere::Stored { room, sequence }))
            .collect();
        assert_eq!(told, expected);
        assert!(payloads("me", &[]).is_empty());
    }
}
