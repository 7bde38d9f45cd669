//! Making the browser forget a programme's old generation.
//!
//! Deleting a record from IndexedDB only marks it deleted: Chromium's
//! LevelDB keeps the bytes in its log and tables until a compaction, which
//! no page can ask for. So every record is sealed (see `sealing`), and
//! after an erasure the whole database is read, sealed again under a new
//! record key, written to a holding database, deleted, and written afresh
//! with the new generation in place of the old one; then the old key's file
//! is deleted. Whatever the database files still hold of the old records
//! can no longer be read. While another tab keeps the database open, the
//! deletion waits until it lets go (the holding database keeps every
//! record meanwhile); the other tabs are asked to let go at once (see
//! `ProgrammeStore::step_aside`).

use idb::Factory;
use js_sys::Uint8Array;
use tandem_core::{ProgrammeId, TandemId};
use wasm_bindgen::{JsCast, JsValue};

use super::{
    chunk_key, page_key, sealing, view_key, ChunkKind, ProgrammeStore, StorageError, DATABASE,
    OPENED,
};

/// Where the records wait while the database is made anew.
const HOLDING: &str = "tandem-holding";

type Records = Vec<(String, Vec<u8>)>;

impl ProgrammeStore {
    /// Replaces everything stored of `programme` by one snapshot of its new
    /// generation, removes the tandem pages `pages`, and makes the browser
    /// drop the files that held the old bytes. Returns the snapshot's key.
    pub async fn start_over(
        &self,
        programme: ProgrammeId,
        name: &str,
        snapshot: &[u8],
        pages: &[TandemId],
    ) -> Result<String, StorageError> {
        let prefix = format!("{programme}/");
        let mut dropped: Vec<String> = pages.iter().map(|tandem| page_key(*tandem)).collect();
        // The programme as last shown is the old generation too.
        dropped.push(view_key(programme));
        let mut records: Records = self
            .all_records()
            .await?
            .into_iter()
            .filter(|(key, _)| !key.starts_with(&prefix) && !dropped.contains(key))
            .collect();
        let key = chunk_key(programme, ChunkKind::Snapshot, name);
        records.push((key.clone(), snapshot.to_vec()));
        // Everything kept is sealed under a new key; the old one goes last.
        let next = sealing::next().await?;
        let records = records
            .into_iter()
            .map(|(key, bytes)| {
                let sealed = sealing::seal(next.as_ref(), &key, &bytes)?;
                Ok((key, sealed))
            })
            .collect::<Result<Records, StorageError>>()?;

        // First the records go somewhere safe, so nothing is lost if the
        // tab closes halfway.
        let holding = ProgrammeStore::open_named(HOLDING).await?;
        holding.replace_all(&records).await?;

        self.database.close();
        OPENED.with(|opened| *opened.borrow_mut() = None);
        delete_database(DATABASE).await?;
        let store = ProgrammeStore::open().await?;
        store.replace_all(&records).await?;
        holding.database.close();
        let _ = delete_database(HOLDING).await;
        if let Some(next) = next {
            sealing::make_current(&next).await?;
        }
        Ok(key)
    }

    /// Every record of the database, key and bytes.
    async fn all_records(&self) -> Result<Records, StorageError> {
        let (_transaction, store) = self.reading()?;
        let keys = store
            .get_all_keys(None, None)
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        let values = store
            .get_all(None, None)
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        let mut records = Records::new();
        for (key, value) in keys.iter().zip(values) {
            let key = key
                .as_string()
                .ok_or_else(|| StorageError::Failed("a stored key is not text".into()))?;
            let bytes = value
                .dyn_into::<Uint8Array>()
                .map_err(|_| StorageError::Failed("a stored record is not bytes".into()))?;
            // Records whose key is gone were forgotten before: not kept.
            if let Some(plain) = sealing::open(&key, bytes.to_vec()).await? {
                records.push((key, plain));
            }
        }
        Ok(records)
    }

    /// Makes the database hold exactly `records`, in one transaction.
    async fn replace_all(&self, records: &Records) -> Result<(), StorageError> {
        self.write(|store| {
            store.clear()?;
            for (key, bytes) in records {
                let value: JsValue = Uint8Array::from(bytes.as_slice()).into();
                store.put(&value, Some(&JsValue::from_str(key)))?;
            }
            Ok(())
        })
        .await
    }
}

/// Deletes a database, once no tab has it open any more.
async fn delete_database(name: &str) -> Result<(), StorageError> {
    let factory = Factory::new().map_err(|_| StorageError::Unavailable)?;
    let request = factory.delete(name).map_err(StorageError::from_idb)?;
    std::future::IntoFuture::into_future(request)
        .await
        .map_err(StorageError::from_idb)?;
    Ok(())
}
