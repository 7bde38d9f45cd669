//! Programme documents in IndexedDB.
//!
//! Each programme is stored as chunks in one object store, keyed
//! `{programme}/{kind}/{heads}`: a snapshot (`0-snapshot`, the whole
//! document) and incremental chunks (`1-incremental`, the changes of one
//! save), the layout automerge-repo uses. Every record is sealed under this
//! browser's record key (see `sealing`). Loading reads every chunk of a
//! programme and hands the concatenated bytes to Automerge, which accepts
//! them in any order. Each chunk is written in its own transaction, so a tab
//! closed mid-write loses at most that chunk and never damages the others.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use idb::{Database, DatabaseEvent, Factory, KeyRange, ObjectStoreParams, Query, TransactionMode};
use js_sys::Uint8Array;
use tandem_core::{ProgrammeId, TandemId};
use wasm_bindgen::{JsCast, JsValue};

mod early;
mod erase;
mod records;
mod sealing;
mod view;

pub use early::{take_early_read, EarlyRead};
pub use sealing::{choose_unprotected, records_sealed, unprotected_chosen};

const DATABASE: &str = "tandem";
const VERSION: u32 = 1;
const CHUNKS: &str = "chunks";

/// Why the browser did not store or give back a programme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("the browser does not allow storing data")]
    Unavailable,
    #[error("the browser's storage is full")]
    Full,
    #[error("another tab keeps the storage from opening")]
    Blocked,
    #[error("another tab forgot a person and wrote the storage afresh")]
    Moved,
    #[error(
        "this browser cannot protect stored records, and storing them unprotected was not chosen"
    )]
    Unprotected,
    #[error("storing in the browser failed: {0}")]
    Failed(String),
}

impl StorageError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            StorageError::Unavailable => "storage-unavailable",
            StorageError::Full => "storage-full",
            StorageError::Blocked => "storage-blocked",
            StorageError::Moved => "storage-moved",
            StorageError::Unprotected => "storage-unprotected",
            StorageError::Failed(_) => "storage-failed",
        }
    }

    fn from_idb(error: idb::Error) -> Self {
        let text = format!("{error:?}");
        if text.contains("QuotaExceeded") {
            StorageError::Full
        } else {
            StorageError::Failed(text)
        }
    }
}

/// What kind of chunk a stored piece of a programme is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind {
    /// The whole document.
    Snapshot,
    /// The changes of one save.
    Incremental,
}

impl ChunkKind {
    fn segment(self) -> &'static str {
        match self {
            ChunkKind::Snapshot => "0-snapshot",
            ChunkKind::Incremental => "1-incremental",
        }
    }
}

/// The programmes stored in this browser.
#[derive(Debug, Clone)]
pub struct ProgrammeStore {
    database: Rc<Database>,
}

thread_local! {
    static OPENED: RefCell<Option<ProgrammeStore>> = const { RefCell::new(None) };
    /// Set once another tab has forgotten a person (see `step_aside`).
    static STEPPED_ASIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl ProgrammeStore {
    /// The store of this browser, opened once per tab.
    pub async fn open() -> Result<Self, StorageError> {
        if STEPPED_ASIDE.get() {
            return Err(StorageError::Moved);
        }
        if let Some(store) = OPENED.with(|opened| opened.borrow().clone()) {
            return Ok(store);
        }
        let store = Self::open_named(DATABASE).await?;
        OPENED.with(|opened| *opened.borrow_mut() = Some(store.clone()));
        Ok(store)
    }

    /// Another tab forgot a person and is writing the database afresh: this
    /// tab lets go of it at once, so the old files can be deleted, and
    /// stores nothing more until it is reloaded — what it holds in memory is
    /// the old generation, which must not come back.
    pub fn step_aside() {
        STEPPED_ASIDE.set(true);
        if let Some(store) = OPENED.take() {
            store.database.close();
        }
    }

    /// A store under another database name (tests use their own).
    pub async fn open_named(name: &str) -> Result<Self, StorageError> {
        let factory = Factory::new().map_err(|_| StorageError::Unavailable)?;
        let mut request = factory
            .open(name, Some(VERSION))
            .map_err(|_| StorageError::Unavailable)?;
        request.on_upgrade_needed(|event| {
            let Ok(database) = event.database() else {
                return;
            };
            if !database.store_names().iter().any(|store| store == CHUNKS) {
                let _ = database.create_object_store(CHUNKS, ObjectStoreParams::new());
            }
        });
        // Another tab holding an older version open blocks the opening
        // until it closes: say so instead of waiting without a word.
        let (blocked, on_blocked) = futures::channel::oneshot::channel::<()>();
        request.on_blocked(move |_| {
            let _ = blocked.send(());
        });
        let database = match futures::future::select(
            Box::pin(std::future::IntoFuture::into_future(request)),
            on_blocked,
        )
        .await
        {
            futures::future::Either::Left((opened, _)) => {
                opened.map_err(|_| StorageError::Unavailable)?
            }
            futures::future::Either::Right((Ok(()), _)) => return Err(StorageError::Blocked),
            futures::future::Either::Right((Err(_), request)) => {
                request.await.map_err(|_| StorageError::Unavailable)?
            }
        };
        Ok(Self {
            database: Rc::new(database),
        })
    }

    /// Stores one chunk of a programme in its own transaction. Resolves only
    /// once the browser has committed it, with the chunk's key.
    pub async fn put_chunk(
        &self,
        programme: ProgrammeId,
        kind: ChunkKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<String, StorageError> {
        let key = chunk_key(programme, kind, name);
        self.put_large_record(&key, bytes).await?;
        Ok(key)
    }

    /// Every chunk of a programme, concatenated as Automerge loads them;
    /// `None` if the programme is not stored here.
    pub async fn load(&self, programme: ProgrammeId) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.load_chunks(programme).await?.map(|(_, bytes)| bytes))
    }

    /// Like [`load`](Self::load), with the keys of the chunks read, so that
    /// a later compaction removes exactly those.
    pub async fn load_chunks(
        &self,
        programme: ProgrammeId,
    ) -> Result<Option<(Vec<String>, Vec<u8>)>, StorageError> {
        let (_transaction, store) = self.reading()?;
        // Keys and values from one transaction come in the same key order.
        let keys = store
            .get_all_keys(Some(programme_range(programme)?), None)
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        let values = store
            .get_all(Some(programme_range(programme)?), None)
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        open_chunks(keys, values).await
    }

    /// Replaces the chunks named in `replaces` by one snapshot, in one
    /// transaction: either the snapshot is stored and they are gone, or
    /// nothing changed. Chunks another tab wrote meanwhile are not named and
    /// so are kept.
    pub async fn compact(
        &self,
        programme: ProgrammeId,
        name: &str,
        snapshot: &[u8],
        replaces: &[String],
    ) -> Result<String, StorageError> {
        let key = chunk_key(programme, ChunkKind::Snapshot, name);
        let prefix = format!("{programme}/");
        let sealed = sealing::seal(sealing::current().await?.as_ref(), &key, snapshot)?;
        let_the_page_draw_after(sealed.len()).await;
        self.write(|store| {
            let value: JsValue = Uint8Array::from(sealed.as_slice()).into();
            store.put(&value, Some(&JsValue::from_str(&key)))?;
            for old in replaces
                .iter()
                .filter(|old| **old != key && old.starts_with(&prefix))
            {
                store.delete(Query::Key(JsValue::from_str(old)))?;
            }
            Ok(())
        })
        .await?;
        Ok(key)
    }

    /// Stores a tandem page whole, in one transaction (pages are small).
    pub async fn put_page(&self, tandem: TandemId, bytes: &[u8]) -> Result<(), StorageError> {
        self.put_record(&page_key(tandem), bytes).await
    }

    /// A stored tandem page; `None` if it is not here.
    pub async fn load_page(&self, tandem: TandemId) -> Result<Option<Vec<u8>>, StorageError> {
        self.load_record(&page_key(tandem)).await
    }

    /// Stores one record sealed under this browser's record key, in its own
    /// transaction; resolves once the browser has committed it.
    async fn put_record(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let sealed = sealing::seal(sealing::current().await?.as_ref(), key, bytes)?;
        self.write_sealed(key, &sealed).await
    }

    /// Like [`put_record`](Self::put_record), for a record that may be
    /// megabytes (a programme's chunk or view): the page draws between
    /// sealing it and handing it to IndexedDB.
    async fn put_large_record(&self, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let sealed = sealing::seal(sealing::current().await?.as_ref(), key, bytes)?;
        let_the_page_draw_after(sealed.len()).await;
        self.write_sealed(key, &sealed).await
    }

    async fn write_sealed(&self, key: &str, sealed: &[u8]) -> Result<(), StorageError> {
        self.write(|store| {
            let value: JsValue = Uint8Array::from(sealed).into();
            store.put(&value, Some(&JsValue::from_str(key))).map(|_| ())
        })
        .await
    }

    /// One stored record, opened; `None` if it is not here (or its key is
    /// gone with what was forgotten).
    async fn load_record(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let (_transaction, store) = self.reading()?;
        let value = store
            .get(Query::Key(JsValue::from_str(key)))
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        match value {
            None => Ok(None),
            Some(value) => {
                let bytes = value
                    .dyn_into::<Uint8Array>()
                    .map_err(|_| StorageError::Failed("a stored record is not bytes".into()))?;
                sealing::open(key, bytes.to_vec()).await
            }
        }
    }

    /// A read-only look at the chunks, in one transaction (kept alive
    /// by the returned handle while the store is used).
    fn reading(&self) -> Result<(idb::Transaction, idb::ObjectStore), StorageError> {
        let transaction = self
            .database
            .transaction(&[CHUNKS], TransactionMode::ReadOnly)
            .map_err(StorageError::from_idb)?;
        let store = transaction
            .object_store(CHUNKS)
            .map_err(StorageError::from_idb)?;
        Ok((transaction, store))
    }

    /// The programmes that have at least one chunk here.
    pub async fn programme_ids(&self) -> Result<Vec<ProgrammeId>, StorageError> {
        let (_transaction, store) = self.reading()?;
        let keys = store
            .get_all_keys(None, None)
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        let ids: BTreeSet<ProgrammeId> = keys
            .iter()
            .filter_map(|key| key.as_string())
            .filter_map(|key| key.split('/').next()?.parse().ok())
            .collect();
        Ok(ids.into_iter().collect())
    }

    /// Removes every chunk of a programme.
    pub async fn delete(&self, programme: ProgrammeId) -> Result<(), StorageError> {
        let range = programme_range(programme)?;
        self.write(move |store| store.delete(range).map(|_| ()))
            .await
    }

    async fn write(
        &self,
        request: impl FnOnce(&idb::ObjectStore) -> Result<(), idb::Error>,
    ) -> Result<(), StorageError> {
        let transaction = self
            .database
            .transaction(&[CHUNKS], TransactionMode::ReadWrite)
            .map_err(StorageError::from_idb)?;
        let store = transaction
            .object_store(CHUNKS)
            .map_err(StorageError::from_idb)?;
        request(&store).map_err(StorageError::from_idb)?;
        let outcome = transaction
            .commit()
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        if outcome.is_committed() {
            Ok(())
        } else {
            Err(StorageError::Failed("the browser aborted the write".into()))
        }
    }
}

/// A tandem page's key: not a programme id before a `/`, so programme
/// listings pass it by.
fn page_key(tandem: TandemId) -> String {
    format!("page:{tandem}")
}

/// The key of the programme as last shown (see `view`): not under the
/// programme's chunk prefix.
/// A programme's chunks as read from the store (keys and values in the
/// same order), opened and concatenated as Automerge loads them; `None` if
/// there are none.
async fn open_chunks(
    keys: Vec<JsValue>,
    values: Vec<JsValue>,
) -> Result<Option<(Vec<String>, Vec<u8>)>, StorageError> {
    if values.is_empty() {
        return Ok(None);
    }
    let keys: Vec<String> = keys.iter().filter_map(|key| key.as_string()).collect();
    if keys.len() != values.len() {
        return Err(StorageError::Failed("a stored chunk has no key".into()));
    }
    let mut bytes = Vec::new();
    for (key, value) in keys.iter().zip(values) {
        let chunk = value
            .dyn_into::<Uint8Array>()
            .map_err(|_| StorageError::Failed("a stored chunk is not bytes".into()))?;
        // A chunk whose key is gone belongs to what was forgotten; its
        // key stays listed, so the next compaction removes it.
        let length = chunk.length() as usize;
        if let Some(plain) = sealing::open(key, chunk.to_vec()).await? {
            bytes.extend(plain);
        }
        let_the_page_draw_after(length).await;
    }
    Ok(Some((keys, bytes)))
}

/// Sealing or opening a record of megabytes takes the page tens of
/// milliseconds, and so does handing it to IndexedDB: after such a
/// record, the page draws and answers before the work goes on.
async fn let_the_page_draw_after(bytes: usize) {
    const LARGE: usize = 256 * 1024;
    if bytes >= LARGE {
        crate::clock::next_task().await;
    }
}

fn view_key(programme: ProgrammeId) -> String {
    format!("view:{programme}")
}

fn chunk_key(programme: ProgrammeId, kind: ChunkKind, name: &str) -> String {
    format!("{programme}/{}/{name}", kind.segment())
}

fn programme_range(programme: ProgrammeId) -> Result<Query, StorageError> {
    let lower = JsValue::from_str(&format!("{programme}/"));
    let upper = JsValue::from_str(&format!("{programme}/\u{ffff}"));
    KeyRange::bound(&lower, &upper, None, None)
        .map(Query::from)
        .map_err(StorageError::from_idb)
}

/// Stores a new programme as its first snapshot.
pub(crate) async fn save_new(
    document: &mut tandem_core::ProgrammeDocument,
) -> Result<(), StorageError> {
    let id = document.id();
    let key = document.heads_key();
    let bytes = document.save();
    ProgrammeStore::open()
        .await?
        .put_chunk(id, ChunkKind::Snapshot, &key, &bytes)
        .await
        .map(|_| ())
}
