//! Keeping the open programme in IndexedDB: reading it at opening (its
//! chunks, and its stored view when that was made from exactly them),
//! writing each change as one chunk, and compacting the chunks into one
//! snapshot once they pile up or a large merge grew the storage by half.
//! Compaction removes only the chunks this tab knows are in the snapshot.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{ProgrammeDocument, ProgrammeId, ProgrammeView};

use super::view_cache::mark;
use super::ProgrammeSession;
use crate::storage::{self, ChunkKind, ProgrammeStore, StorageError};

/// Chunks beyond which the programme is compacted into one snapshot.
pub(super) const COMPACT_AFTER: usize = 32;

/// The bytes this programme takes in storage, and what they took when last
/// compacted (or opened). A large programme is compacted once its storage
/// has grown by half (a large merge), so it stays near the size of one
/// snapshot.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct StoredBytes {
    pub(super) total: usize,
    compacted: usize,
}

impl StoredBytes {
    pub(super) fn at(bytes: usize) -> Self {
        Self {
            total: bytes,
            compacted: bytes,
        }
    }

    /// A programme smaller than this is compacted only by its number of
    /// chunks: rewriting it often would gain nothing.
    pub(super) const SMALL: usize = 64 * 1024;

    pub(super) fn grown_by_half(self) -> bool {
        self.compacted >= Self::SMALL && self.total > self.compacted + self.compacted / 2
    }
}

impl ProgrammeSession {
    /// Writes what changed since the last write as one chunk, tells the
    /// other tabs, and compacts when the chunks pile up.
    pub(super) fn persist(&self) {
        let written = self.document.try_update_value(|document| {
            let document = document.as_mut()?;
            let id = document.id();
            let key = document.heads_key();
            let chunk = if self.needs_snapshot.get_value() {
                (ChunkKind::Snapshot, document.save())
            } else {
                (ChunkKind::Incremental, document.save_incremental())
            };
            Some((id, key, chunk))
        });
        let Some(Some((id, name, (kind, bytes)))) = written else {
            return;
        };
        if bytes.is_empty() {
            return;
        }
        let session = *self;
        self.writes.update_value(|writes| writes.begin());
        spawn_local(async move {
            let stored = store(id, kind, &name, &bytes).await;
            let ready = session
                .writes
                .try_update_value(|writes| writes.end(stored.is_ok()))
                .unwrap_or_default();
            match stored {
                Ok(key) => {
                    session.needs_snapshot.set_value(false);
                    session.unsaved.set(None);
                    session
                        .known_chunks
                        .update_value(|keys| keys.push(key.clone()));
                    session
                        .stored_bytes
                        .update_value(|stored| stored.total += bytes.len());
                    session.announce(&key, &bytes);
                    session.view_changed();
                    for then in ready {
                        then();
                    }
                    if session
                        .known_chunks
                        .with_value(|keys| keys.len() > COMPACT_AFTER)
                        || session.stored_bytes.get_value().grown_by_half()
                    {
                        session.compact(id).await;
                    }
                }
                Err(error) => {
                    session.needs_snapshot.set_value(true);
                    session.unsaved.set(Some(error.code()));
                }
            }
        });
    }

    /// Compacts the stored chunks into one snapshot: a large programme in
    /// the compaction worker, a small one (or when the worker cannot) on
    /// the page. One compaction at a time.
    pub(super) async fn compact(&self, id: ProgrammeId) {
        if self.compacting.get_value() {
            return;
        }
        self.compacting.set_value(true);
        let large = self.stored_bytes.get_value().total >= StoredBytes::SMALL;
        if !(large && self.compact_in_worker(id).await) {
            self.compact_on_page().await;
        }
        self.compacting.set_value(false);
    }

    async fn compact_on_page(&self) {
        let snapshot = self.document.try_update_value(|document| {
            document
                .as_mut()
                .map(|document| (document.id(), document.heads_key(), document.save()))
        });
        let Some(Some((id, name, bytes))) = snapshot else {
            return;
        };
        let replaces = self.known_chunks.get_value();
        let Ok(store) = ProgrammeStore::open().await else {
            return;
        };
        // A failed compaction leaves every chunk in place: nothing is lost.
        if let Ok(key) = store.compact(id, &name, &bytes, &replaces).await {
            self.known_chunks.set_value(vec![key]);
            self.stored_bytes.set_value(StoredBytes::at(bytes.len()));
            self.view_changed();
            mark("tandem-compacted-on-page");
        }
    }

    /// The chunks this tab knows, read from storage and compacted in the
    /// worker. False if that could not be done and the page should.
    async fn compact_in_worker(&self, id: ProgrammeId) -> bool {
        let replaces = self.known_chunks.get_value();
        let before = self.stored_bytes.get_value().total;
        let Ok(store) = ProgrammeStore::open().await else {
            return false;
        };
        let Ok(Some((keys, stored))) = store.load_chunks(id).await else {
            return false;
        };
        // Another tab compacted some of them meanwhile: the page's own
        // document has everything.
        if !replaces.iter().all(|key| keys.contains(key)) {
            return false;
        }
        let Some((name, snapshot)) = super::compacting::in_worker(stored).await else {
            return false;
        };
        // The programme was closed, or stored afresh (an erasure) while the
        // worker ran: the snapshot of what was stored before must not
        // come back.
        let still = self
            .document
            .with_value(|document| document.as_ref().map(ProgrammeDocument::id))
            == Some(id)
            && self
                .known_chunks
                .with_value(|known| replaces.iter().all(|key| known.contains(key)));
        if !still {
            return true;
        }
        // A failed compaction leaves every chunk in place: nothing is lost.
        if let Ok(key) = store.compact(id, &name, &snapshot, &replaces).await {
            self.known_chunks.update_value(|known| {
                known.retain(|chunk| !replaces.contains(chunk));
                known.insert(0, key);
            });
            let since = self.stored_bytes.get_value().total.saturating_sub(before);
            let mut stored = StoredBytes::at(snapshot.len());
            stored.total += since;
            self.stored_bytes.set_value(stored);
            self.view_changed();
            mark("tandem-compacted-in-worker");
        }
        true
    }
}

/// What opening found stored.
pub(super) enum Stored {
    /// A view made from exactly the stored chunks: shown at once, the
    /// chunks loaded later.
    Viewed {
        view: Box<ProgrammeView>,
        keys: Vec<String>,
        bytes: Vec<u8>,
    },
    /// No usable view: the document, loaded.
    Loaded {
        keys: Vec<String>,
        bytes: usize,
        document: Box<ProgrammeDocument>,
    },
}

/// The programme's stored chunks and view. With a view made from exactly
/// these chunks, the document is not loaded yet.
pub(super) async fn read(id: ProgrammeId) -> Result<Option<Stored>, &'static str> {
    let (chunks, view) = match storage::take_early_read(id).await {
        Some(early) => {
            mark("tandem-read-early");
            (early.chunks, early.view)
        }
        None => {
            let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
            let chunks = store.load_chunks(id).await.map_err(|error| error.code())?;
            let view = match chunks {
                Some(_) => store.load_view(id).await.ok().flatten(),
                None => None,
            };
            (chunks, view)
        }
    };
    let Some((keys, bytes)) = chunks else {
        return Ok(None);
    };
    // A view that cannot be read is passed by: the chunks are the truth.
    let view = view
        .and_then(|stored| ProgrammeView::decode(&stored).ok())
        .filter(|view| view.programme().id == id && view.made_from(&keys));
    if let Some(view) = view {
        mark("tandem-view-read");
        return Ok(Some(Stored::Viewed {
            view: Box::new(view),
            keys,
            bytes,
        }));
    }
    ProgrammeDocument::load(&bytes)
        .map(|document| {
            Some(Stored::Loaded {
                keys,
                bytes: bytes.len(),
                document: Box::new(document),
            })
        })
        .map_err(|error| error.code())
}

async fn store(
    id: ProgrammeId,
    kind: ChunkKind,
    key: &str,
    bytes: &[u8],
) -> Result<String, StorageError> {
    ProgrammeStore::open()
        .await?
        .put_chunk(id, kind, key, bytes)
        .await
}
