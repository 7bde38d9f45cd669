//! A copy of the SQLite database while the relay runs
//! (`tandem-relay backup <file>`).
//!
//! SQLite's online backup API copies the database page by page into a new
//! file. It runs here in one step, inside one read transaction: with the
//! write-ahead log the relay keeps writing meanwhile, and the copy is the
//! database exactly as it was when the step began — every push
//! acknowledged before then is in it, and no half of a later one. (Copying
//! in several steps would start over after every write of the relay, and a
//! busy relay writes all the time.)
//!
//! A store in shards (`<db>`, `<db>.shard-1`, …) is copied into one file:
//! the first shard with the online backup, then each other shard's rooms
//! read into the copy, each in one read transaction (one consistent state
//! per shard; a room lives in one shard only, so every room is copied as
//! it was at one moment). The copy is a store of one file, which the
//! relay spreads over its shards when it opens it.
//!
//! Restoring is stopping the relay, putting the copy in the database's
//! place (and removing the old files beside it: `-wal`, `-shm` and the
//! other shards), and starting the relay again; the README says how.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::StepResult;
use rusqlite::{Connection, OpenFlags};

/// How often a locked database is tried again, a tenth of a second apart.
const LOCKED_ATTEMPTS: u32 = 100;

/// Why a backup failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("there is no database at {0} (is --db right?)")]
    NoDatabase(PathBuf),
    #[error("{0} exists already; a backup never overwrites a file")]
    TargetExists(PathBuf),
    #[error("cannot read the database {path}: {source}")]
    Source {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot write the backup {path}: {source}")]
    Target {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the database {path} stayed locked for ten seconds; try again")]
    Locked { path: PathBuf },
    #[error("the backup {path} is not sound: {problem}")]
    Unsound { path: PathBuf, problem: String },
}

/// What a backup copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Rooms in the copy.
    pub rooms: u64,
    /// Bytes of the copy.
    pub bytes: u64,
}

/// Copies the database at `database` into the new file `target`, while
/// the relay may be writing it, and checks the copy.
pub fn backup(database: &Path, target: &Path) -> Result<Backup, BackupError> {
    if !database.exists() {
        return Err(BackupError::NoDatabase(database.to_path_buf()));
    }
    if target.exists() {
        return Err(BackupError::TargetExists(target.to_path_buf()));
    }
    let source_error = |source| BackupError::Source {
        path: database.to_path_buf(),
        source,
    };
    let target_error = |source| BackupError::Target {
        path: target.to_path_buf(),
        source,
    };
    // Never created here; opened for writing only because a database in
    // write-ahead-log mode shares its index (`-shm`) with every reader.
    // The backup only reads.
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(source_error)?;
    source
        .busy_timeout(Duration::from_secs(10))
        .map_err(source_error)?;
    let mut copy = Connection::open(target).map_err(target_error)?;
    {
        let backup = rusqlite::backup::Backup::new(&source, &mut copy).map_err(target_error)?;
        // All pages in one step: one consistent read (see the module). A
        // step that finds the database locked is tried again.
        let mut attempts = 0;
        loop {
            match backup.step(-1).map_err(target_error)? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked
                    if attempts < LOCKED_ATTEMPTS =>
                {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                _ => {
                    return Err(BackupError::Locked {
                        path: database.to_path_buf(),
                    })
                }
            }
        }
    }
    // The copy stands alone: one file, no write-ahead log beside it.
    copy.pragma_update(None, "journal_mode", "DELETE")
        .map_err(target_error)?;
    for (_, shard) in crate::store::sqlite::shard_files(database)
        .into_iter()
        .filter(|(index, _)| *index > 0)
    {
        copy_rooms(&copy, &shard).map_err(|source| BackupError::Source {
            path: shard.clone(),
            source,
        })?;
    }
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(target_error)?;
    if check != "ok" {
        return Err(BackupError::Unsound {
            path: target.to_path_buf(),
            problem: check,
        });
    }
    let rooms: i64 = copy
        .query_row("SELECT count(*) FROM rooms", [], |row| row.get(0))
        .map_err(target_error)?;
    drop(copy);
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(Backup {
        rooms: u64::try_from(rooms).unwrap_or(0),
        bytes,
    })
}

/// Copies every room of the shard at `shard` into `copy` (rooms the copy
/// has already are replaced), in one read of the shard.
fn copy_rooms(copy: &Connection, shard: &Path) -> Result<(), rusqlite::Error> {
    let Some(name) = shard.to_str() else {
        return Err(rusqlite::Error::InvalidPath(shard.to_path_buf()));
    };
    copy.busy_timeout(Duration::from_secs(10))?;
    copy.execute("ATTACH DATABASE ?1 AS shard", [name])?;
    let copied = (|| {
        // Deferred: the shard is only read (the relay's writer goes on),
        // from one snapshot taken at the first read.
        copy.execute_batch("BEGIN")?;
        for (table, columns) in crate::store::sqlite::ROOM_TABLES {
            if let Err(error) = copy.execute(
                &format!(
                    "INSERT OR REPLACE INTO main.{table} ({columns})
                     SELECT {columns} FROM shard.{table}"
                ),
                [],
            ) {
                copy.execute_batch("ROLLBACK").ok();
                return Err(error);
            }
        }
        copy.execute_batch("COMMIT")
    })();
    copy.execute("DETACH DATABASE shard", [])?;
    copied
}

#[cfg(test)]
mod tests {
    use tandem_sync::intake::InboxId;
    use tandem_sync::{RoomId, TokenHash};

    use super::*;
    use crate::store::sqlite::shard_files;
    use crate::{Admission, InboxBounds, RoomStore, SqliteStore};

    #[tokio::test]
    async fn a_backup_of_a_store_in_shards_is_one_file_that_restores_every_room() {
        let folder =
            std::env::temp_dir().join(format!("tandem-relay-backup-shards-{}", std::process::id()));
        std::fs::remove_dir_all(&folder).ok();
        std::fs::create_dir_all(&folder).unwrap();
        let (database, copy) = (folder.join("rooms.sqlite3"), folder.join("copy.sqlite3"));
        let rooms: Vec<RoomId> = (1..=16)
            .map(|byte| RoomId::from_bytes([byte; 16]))
            .collect();
        let token = TokenHash::from_bytes([7; 32]);
        let inbox = InboxId([3; 16]);
        let store = SqliteStore::open_sharded(&database, 4).unwrap();
        for (index, room) in rooms.iter().enumerate() {
            store.admit(*room, token).await.unwrap();
            for _ in 0..=index {
                store.append(*room, vec![index as u8; 64]).await.unwrap();
            }
        }
        store.retire(rooms[0], vec![9; 24]).await.unwrap();
        store
            .open_inbox(inbox, [1; 32], u64::MAX, vec![2], 1)
            .await
            .unwrap();
        let bounds = InboxBounds {
            max_messages: 5,
            max_bytes: 1000,
        };
        store
            .append_to_inbox(inbox, vec![4; 40], bounds, 2)
            .await
            .unwrap();
        assert_eq!(shard_files(&database).len(), 4);

        // Taken while the store is open, as from a running relay.
        let backup = backup(&database, &copy).unwrap();
        assert_eq!(backup.rooms, 15, "every open room of every shard");
        assert_eq!(shard_files(&copy).len(), 1, "one file");
        drop(store);

        let restored = SqliteStore::open_sharded(&copy, 3).unwrap();
        assert_eq!(
            restored.admit(rooms[0], token).await.unwrap(),
            Admission::Retired(vec![9; 24])
        );
        for (index, room) in rooms.iter().enumerate().skip(1) {
            assert_eq!(
                restored.admit(*room, token).await.unwrap(),
                Admission::Admitted
            );
            let replay = restored.read_after(*room, 0).await.unwrap();
            assert_eq!(replay.latest, index as u64 + 1);
            assert!(replay
                .entries
                .iter()
                .all(|entry| entry.blob == vec![index as u8; 64]));
        }
        assert_eq!(restored.inbox(inbox).await.unwrap().unwrap().messages, 1);
        assert_eq!(shard_files(&copy).len(), 3);
        drop(restored);
        std::fs::remove_dir_all(&folder).ok();
    }
}
