//! Small records beside the programmes: what this browser keeps about a
//! programme's or a page's sharing (the room key of its invite, the relay's
//! sequence it has merged up to, the heads the relay holds), and an invite
//! link opened but not yet joined.
//!
//! They are sealed under the record key like every other record (see
//! `sealing`), in the same object store, under keys that are no
//! programme's chunk prefix, so listings and chunk loads pass them by. A
//! room key is the whole programme for anyone who holds it: it must not lie
//! in localStorage, whose files keep it readable on the disk, nor outlive
//! an erasure's new record key.

use idb::Query;
use wasm_bindgen::JsValue;

use super::{ProgrammeStore, StorageError};

impl ProgrammeStore {
    /// Stores a small record sealed under `key`, replacing the one before;
    /// resolves once the browser has committed it.
    pub async fn put_small(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        self.put_record(key, bytes).await
    }

    /// The small record stored under `key`, opened; `None` if there is none
    /// (or its key went with what was forgotten).
    pub async fn load_small(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.load_record(key).await
    }

    /// Removes the small record under `key`.
    pub async fn delete_small(&self, key: &str) -> Result<(), StorageError> {
        let key = key.to_string();
        self.write(move |store| {
            store
                .delete(Query::Key(JsValue::from_str(&key)))
                .map(|_| ())
        })
        .await
    }
}
