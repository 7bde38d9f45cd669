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

    /// Every file of the database: its shards (`<name>.shard-1`, …), each
    /// with its write-ahead log and index.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
        let (Some(folder), Some(name)) = (self.0.parent(), self.0.file_name()) else {
            return Vec::new();
        };
        let name = name.to_string_lossy().into_owned();
        std::fs::read_dir(folder)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|entry| entry.file_name().to_string_lossy().starts_with(&name))
                    .map(|entry| entry.path())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The bytes of the database's shards and their write-ahead logs.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.files()
            .iter()
            .filter(|file| !file.to_string_lossy().ends_with("-shm"))
            .filter_map(|file| std::fs::read(file).ok())
            .flatten()
            .collect()
    }

    /// Whether any stored byte sequence is `needle`.
    pub(crate) fn contains(&self, needle: &[u8]) -> bool {
        self.files()
            .iter()
            .filter(|file| !file.to_string_lossy().ends_with("-shm"))
            .any(|file| {
                std::fs::read(file)
                    .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
                    .unwrap_or(false)
            })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        for file in self.files() {
            std::fs::remove_file(file).ok();
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
