//! Group commit for SQLite appends.
//!
//! Every append must be durable before it is acknowledged, and with
//! `synchronous = FULL` each commit waits for the disk. One writer thread
//! per SQLite file (per shard of the store) takes every append waiting at
//! that moment and commits them in one
//! transaction, then answers each with its sequence: under load many
//! pushes share one flush; alone, a push is committed at once (the writer
//! never waits on purpose).
//!
//! The queue is the order of the sequences: appends to one room are
//! numbered in the order they were queued, and the writer runs their
//! [`Committed`] hooks in that order after the commit, so a room's
//! connections can queue pushes while earlier ones are still being
//! committed and yet broadcast them in sequence order.
//!
//! Large appends (from [`LARGE_APPEND_BYTES`]) take long to reach the disk:
//! a small push that shared their commit waited for all of their bytes.
//! So small appends go first, in a transaction of their own, and a large
//! one is committed alone: a small push waits for one large commit at
//! most, whatever a stranger pushes into another room. Large and small
//! take turns, so a stream of small pushes never starves a large one.
//! Within a room the order stays the queue's — a small append queued
//! after a large one of its room waits for it.

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tandem_sync::RoomId;
use tokio::sync::oneshot;

use super::{Committed, Queued, StoreError};

/// At most this many appends go into one transaction.
const MOST_PER_COMMIT: usize = 512;

/// Appends from this size are committed alone, after the small ones
/// waiting beside them.
pub(crate) const LARGE_APPEND_BYTES: usize = 256 * 1024;

struct Append {
    room: RoomId,
    blob: Vec<u8>,
    committed: Option<Committed>,
    done: oneshot::Sender<Result<u64, StoreError>>,
}

/// The way to the writer thread; it stops when the last clone is dropped.
#[derive(Debug, Clone)]
pub(crate) struct Appender {
    queue: mpsc::Sender<Append>,
    /// How many appends each transaction carried, for tests.
    #[cfg(test)]
    pub(crate) batches: Arc<Mutex<Vec<usize>>>,
    /// How many appends were queued, for tests.
    #[cfg(test)]
    pub(crate) queued: Arc<std::sync::atomic::AtomicUsize>,
}

impl Appender {
    /// Starts the writer thread on `connection` (shared with the store's
    /// other work, which it waits for).
    pub(crate) fn start(connection: Arc<Mutex<Connection>>) -> Result<Self, StoreError> {
        let (queue, waiting) = mpsc::channel::<Append>();
        #[cfg(test)]
        let batches = Arc::new(Mutex::new(Vec::new()));
        #[cfg(test)]
        let batch_sizes = Arc::clone(&batches);
        std::thread::Builder::new()
            .name("tandem-sqlite-appends".into())
            .spawn(move || {
                let mut backlog = VecDeque::new();
                let mut large_turn = false;
                loop {
                    if backlog.is_empty() {
                        match waiting.recv() {
                            Ok(first) => backlog.push_back(first),
                            Err(_) => return,
                        }
                    }
                    // The connection first: what arrives while the store's
                    // other work holds it goes into this transaction too.
                    let mut connection = connection
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    while backlog.len() < MOST_PER_COMMIT {
                        match waiting.try_recv() {
                            Ok(append) => backlog.push_back(append),
                            Err(_) => break,
                        }
                    }
                    let batch = next_batch(&mut backlog, large_turn);
                    large_turn =
                        !batch.iter().any(Append::is_large) && backlog.iter().any(Append::is_large);
                    #[cfg(test)]
                    batch_sizes
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(batch.len());
                    let results = commit(&mut connection, &batch);
                    drop(connection);
                    answer(batch, results);
                }
            })
            .map_err(|error| StoreError::Database(format!("cannot start the writer: {error}")))?;
        Ok(Self {
            queue,
            #[cfg(test)]
            batches,
            #[cfg(test)]
            queued: Arc::default(),
        })
    }

    /// Appends `blob` to `room`; returns its sequence once committed.
    pub(crate) async fn append(&self, room: RoomId, blob: Vec<u8>) -> Result<u64, StoreError> {
        self.queue(room, blob, None)?.committed().await
    }

    /// Puts an append in line (its place is fixed on return); `committed`
    /// runs on the writer thread after the commit, in queue order.
    pub(crate) fn queue(
        &self,
        room: RoomId,
        blob: Vec<u8>,
        committed: Option<Committed>,
    ) -> Result<Queued, StoreError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Append {
                room,
                blob,
                committed,
                done,
            })
            .map_err(|_| StoreError::Database("the writer has stopped".into()))?;
        #[cfg(test)]
        self.queued
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Queued::waiting(answer))
    }
}

impl Append {
    fn is_large(&self) -> bool {
        self.blob.len() >= LARGE_APPEND_BYTES
    }
}

/// Takes the next transaction's appends from `backlog`: on a large one's
/// turn, everything up to the first large one; otherwise every small one
/// whose room has no large one before it in line, or else the large one
/// at the front, alone.
fn next_batch(backlog: &mut VecDeque<Append>, large_turn: bool) -> Vec<Append> {
    if large_turn {
        if let Some(first_large) = backlog.iter().position(Append::is_large) {
            return backlog.drain(..=first_large).collect();
        }
    }
    let mut held_back: HashSet<RoomId> = HashSet::new();
    let mut small = Vec::new();
    let mut rest = VecDeque::with_capacity(backlog.len());
    for append in backlog.drain(..) {
        let is_large = append.is_large();
        if is_large || held_back.contains(&append.room) || small.len() >= MOST_PER_COMMIT {
            if is_large {
                held_back.insert(append.room);
            }
            rest.push_back(append);
        } else {
            small.push(append);
        }
    }
    *backlog = rest;
    if small.is_empty() {
        // The front is large: anything small before it would have gone.
        backlog.pop_front().into_iter().collect()
    } else {
        small
    }
}

/// Runs the hooks of the committed appends, in batch order, and answers
/// every append. A hook that panics costs its own delivery, not the writer.
fn answer(batch: Vec<Append>, results: Vec<Result<u64, StoreError>>) {
    for (append, result) in batch.into_iter().zip(results) {
        if let (Some(committed), Ok(sequence)) = (append.committed, &result) {
            let sequence = *sequence;
            let blob = append.blob;
            let hook = std::panic::AssertUnwindSafe(move || committed(sequence, blob));
            if std::panic::catch_unwind(hook).is_err() {
                tracing::error!(sequence, "broadcasting a committed append failed");
            }
        }
        let _ = append.done.send(result);
    }
}

/// How often the write-ahead log is copied into the database.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Copies the write-ahead log into the database file on a connection and
/// thread of its own, for as long as `writer` (the store's connection)
/// lives. SQLite would otherwise do it inside a commit now and then, and
/// the pushes waiting for that commit would wait for the copy too; a
/// passive checkpoint beside the writer blocks nobody.
pub(crate) fn start_checkpoints(
    path: &std::path::Path,
    writer: &Arc<Mutex<Connection>>,
) -> Result<(), StoreError> {
    let checkpointer = Connection::open(path)?;
    checkpointer.busy_timeout(std::time::Duration::from_secs(5))?;
    writer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .pragma_update(None, "wal_autocheckpoint", 0)?;
    let writer = Arc::downgrade(writer);
    std::thread::Builder::new()
        .name("tandem-sqlite-checkpoints".into())
        .spawn(move || {
            while writer.strong_count() > 0 {
                std::thread::sleep(CHECKPOINT_EVERY);
                if let Err(error) =
                    checkpointer.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                {
                    tracing::warn!(%error, "the write-ahead log could not be checkpointed");
                }
            }
        })
        .map_err(|error| StoreError::Database(format!("cannot start the checkpoints: {error}")))?;
    Ok(())
}

/// Commits `batch` in one transaction and returns each append's result.
/// If the transaction as a whole fails, each append is tried alone, so
/// that one bad append cannot fail the others.
fn commit(connection: &mut Connection, batch: &[Append]) -> Vec<Result<u64, StoreError>> {
    let together = (|| {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sequences = batch
            .iter()
            .map(|append| append_one(&transaction, append.room, &append.blob))
            .collect::<Result<Vec<_>, StoreError>>()?;
        transaction.commit()?;
        Ok::<_, StoreError>(sequences)
    })();
    match together {
        Ok(sequences) => sequences.into_iter().map(Ok).collect(),
        Err(error) if batch.len() == 1 => vec![Err(error)],
        Err(_) => batch
            .iter()
            .map(|append| {
                let transaction =
                    connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let sequence = append_one(&transaction, append.room, &append.blob)?;
                transaction.commit()?;
                Ok(sequence)
            })
            .collect(),
    }
}

fn append_one(connection: &Connection, room: RoomId, blob: &[u8]) -> Result<u64, StoreError> {
    let sequence: i64 = connection
        .prepare_cached(
            "UPDATE rooms SET latest = latest + 1, changed_at = ?2 WHERE room = ?1 RETURNING latest",
        )?
        .query_row(params![room.as_bytes().as_slice(), super::now()], |row| {
            row.get(0)
        })
        .optional()?
        .ok_or(StoreError::NoSuchRoom)?;
    connection
        .prepare_cached("INSERT INTO log (room, sequence, blob) VALUES (?1, ?2, ?3)")?
        .execute(params![room.as_bytes().as_slice(), sequence, blob])?;
    u64::try_from(sequence)
        .map_err(|_| StoreError::Database(format!("a negative sequence ({sequence}) is stored")))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use tandem_sync::TokenHash;

    use crate::store::{RoomStore, SqliteStore};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn appends_arriving_together_get_gapless_sequences_and_a_bad_one_fails_alone() {
        let store = SqliteStore::open_in_memory().unwrap();
        let rooms: Vec<RoomId> = (1..=4).map(|b| RoomId::from_bytes([b; 16])).collect();
        for room in &rooms {
            store
                .admit(*room, TokenHash::from_bytes([1; 32]))
                .await
                .unwrap();
        }
        let never_opened = RoomId::from_bytes([99; 16]);
        let mut appends = Vec::new();
        for index in 0..200usize {
            let store = store.clone();
            let room = if index % 50 == 7 {
                never_opened
            } else {
                rooms[index % rooms.len()]
            };
            appends.push(tokio::spawn(async move {
                (room, store.append(room, vec![index as u8; 32]).await)
            }));
        }
        let mut sequences: BTreeMap<RoomId, Vec<u64>> = BTreeMap::new();
        for append in appends {
            let (room, result) = append.await.unwrap();
            if room == never_opened {
                assert!(matches!(result, Err(StoreError::NoSuchRoom)));
            } else {
                sequences.entry(room).or_default().push(result.unwrap());
            }
        }
        for (room, mut numbers) in sequences {
            numbers.sort_unstable();
            let count = numbers.len() as u64;
            assert_eq!(numbers, (1..=count).collect::<Vec<_>>());
            let stored = store.read_after(room, 0).await.unwrap();
            assert_eq!(stored.latest, count);
            assert_eq!(stored.entries.len() as u64, count);
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_append_goes_before_a_large_one_of_another_room_and_after_one_of_its_own() {
        let store = SqliteStore::open_in_memory().unwrap();
        let (busy, quiet) = (RoomId::from_bytes([1; 16]), RoomId::from_bytes([2; 16]));
        let other = RoomId::from_bytes([3; 16]);
        for room in [busy, quiet, other] {
            store
                .admit(room, TokenHash::from_bytes([1; 32]))
                .await
                .unwrap();
        }
        let (connection, appender) = store.writer();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let queued = {
            // Held, so that all of these wait for the writer together.
            let _holding = connection.lock().unwrap();
            let mut queued = Vec::new();
            for (room, size, name) in [
                (busy, LARGE_APPEND_BYTES, "large"),
                (busy, 10, "after the large one, same room"),
                (quiet, LARGE_APPEND_BYTES, "large elsewhere"),
                (quiet, 10, "after it, same room"),
                (other, 10, "small elsewhere"),
            ] {
                let heard = Arc::clone(&heard);
                let hook: Committed = Box::new(move |_, _| heard.lock().unwrap().push(name));
                queued.push(appender.queue(room, vec![0; size], Some(hook)).unwrap());
            }
            queued
        };
        for in_line in queued {
            let _ = in_line.committed().await;
        }
        assert_eq!(
            *heard.lock().unwrap(),
            vec![
                "small elsewhere",
                "large",
                "after the large one, same room",
                "large elsewhere",
                "after it, same room"
            ]
        );
        let (busy_log, quiet_log) = (
            store.read_after(busy, 0).await.unwrap(),
            store.read_after(quiet, 0).await.unwrap(),
        );
        assert_eq!(busy_log.entries[0].blob.len(), LARGE_APPEND_BYTES);
        assert_eq!(quiet_log.entries[1].blob.len(), 10);
    }

    #[test]
    fn small_appends_of_rooms_without_a_large_one_ahead_are_taken_first() {
        let append = |room: u8, size: usize| Append {
            room: RoomId::from_bytes([room; 16]),
            blob: vec![room; size],
            committed: None,
            done: oneshot::channel().0,
        };
        let large = LARGE_APPEND_BYTES;
        let mut backlog: VecDeque<Append> = [
            append(1, large),
            append(1, 5),
            append(2, 5),
            append(3, large),
            append(4, 5),
        ]
        .into_iter()
        .collect();
        let taken = |batch: Vec<Append>| -> Vec<(u8, usize)> {
            batch
                .iter()
                .map(|a| (a.room.as_bytes()[0], a.blob.len()))
                .collect()
        };
        assert_eq!(taken(next_batch(&mut backlog, false)), vec![(2, 5), (4, 5)]);
        assert_eq!(taken(next_batch(&mut backlog, false)), vec![(1, large)]);
        assert_eq!(taken(next_batch(&mut backlog, false)), vec![(1, 5)]);
        assert_eq!(taken(next_batch(&mut backlog, false)), vec![(3, large)]);
        assert!(backlog.is_empty());
    }

    #[test]
    fn on_a_large_ones_turn_it_goes_with_what_is_before_it() {
        let append = |room: u8, size: usize| Append {
            room: RoomId::from_bytes([room; 16]),
            blob: vec![room; size],
            committed: None,
            done: oneshot::channel().0,
        };
        let large = LARGE_APPEND_BYTES;
        let mut backlog: VecDeque<Append> = [append(2, 5), append(1, large), append(3, 5)]
            .into_iter()
            .collect();
        let batch = next_batch(&mut backlog, true);
        assert_eq!(batch.len(), 2);
        assert!(batch[1].is_large());
        assert_eq!(backlog.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hooks_run_after_the_commit_in_queue_order_and_not_for_a_failed_append() {
        let store = SqliteStore::open_in_memory().unwrap();
        let rooms: Vec<RoomId> = (1..=3).map(|b| RoomId::from_bytes([b; 16])).collect();
        for room in &rooms {
            store
                .admit(*room, TokenHash::from_bytes([1; 32]))
                .await
                .unwrap();
        }
        let never_opened = RoomId::from_bytes([99; 16]);
        let heard = Arc::new(Mutex::new(Vec::new()));
        let mut queued = Vec::new();
        for index in 0..90usize {
            let room = if index == 40 {
                never_opened
            } else {
                rooms[index % rooms.len()]
            };
            let heard = Arc::clone(&heard);
            let hook: Committed = Box::new(move |sequence, blob| {
                heard.lock().unwrap().push((room, sequence, blob[0]));
            });
            let in_line = store
                .queue_append(room, vec![index as u8; 8], hook)
                .await
                .unwrap();
            queued.push((room, index as u8, in_line));
        }
        let mut answered = Vec::new();
        for (room, index, in_line) in queued {
            match in_line.committed().await {
                Ok(sequence) => answered.push((room, sequence, index)),
                Err(error) => {
                    assert_eq!(room, never_opened);
                    assert!(matches!(error, StoreError::NoSuchRoom));
                }
            }
        }
        // Answered in queue order, which the hooks ran in too.
        let heard = heard.lock().unwrap().clone();
        assert_eq!(heard, answered);
        for room in &rooms {
            let sequences: Vec<u64> = heard
                .iter()
                .filter(|(of, ..)| of == room)
                .map(|(_, sequence, _)| *sequence)
                .collect();
            let count = sequences.len() as u64;
            assert_eq!(sequences, (1..=count).collect::<Vec<_>>());
        }
    }
}
