//! Temporary files and folders of a test, removed when it ends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

/// A SQLite database file of its own, with its write-ahead log; all of
/// it removed at the end.
pub(crate) struct Database(pub PathBuf);

impl Database {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        Self(std::env::temp_dir().join(format!(
            "tandem-relay-{name}-{}-{}.sqlite3",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )))
    }

    /// The bytes of the database and its write-ahead log.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::read(format!("{}{suffix}", self.0.display())).ok())
            .flatten()
            .collect()
    }

    /// Whether any stored byte sequence is `needle`.
    pub(crate) fn contains(&self, needle: &[u8]) -> bool {
        ["", "-wal"].iter().any(|suffix| {
            std::fs::read(format!("{}{suffix}", self.0.display()))
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", self.0.display())).ok();
        }
    }
}

/// A folder of its own, removed with everything in it at the end.
pub(crate) struct Folder(pub PathBuf);

impl Folder {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tandem-relay-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Self(dir)
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}
