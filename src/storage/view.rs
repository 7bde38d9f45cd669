//! A programme's materialised view (`tandem_core::ProgrammeView`): one
//! record beside its chunks, keyed `view:{programme}`. The key is not under
//! the `{programme}/` prefix, so loading the chunks passes it by and the
//! list of programmes does not count it.

use js_sys::Uint8Array;
use tandem_core::ProgrammeId;
use wasm_bindgen::{JsCast, JsValue};

use super::{sealing, view_key, ProgrammeStore, StorageError};
use idb::Query;

impl ProgrammeStore {
    /// Stores the programme's view, replacing the one before. Resolves once
    /// the browser has committed it.
    pub async fn put_view(&self, programme: ProgrammeId, bytes: &[u8]) -> Result<(), StorageError> {
        let key = view_key(programme);
        let sealed = sealing::seal(sealing::current().await?.as_ref(), &key, bytes)?;
        self.write(|store| {
            let value: JsValue = Uint8Array::from(sealed.as_slice()).into();
            store
                .put(&value, Some(&JsValue::from_str(&key)))
                .map(|_| ())
        })
        .await
    }

    /// The programme's stored view; `None` if there is none.
    pub async fn load_view(&self, programme: ProgrammeId) -> Result<Option<Vec<u8>>, StorageError> {
        let key = view_key(programme);
        let (_transaction, store) = self.reading()?;
        let value = store
            .get(Query::Key(JsValue::from_str(&key)))
            .map_err(StorageError::from_idb)?
            .await
            .map_err(StorageError::from_idb)?;
        match value.and_then(|value| value.dyn_into::<Uint8Array>().ok()) {
            Some(bytes) => sealing::open(&key, bytes.to_vec()).await,
            None => Ok(None),
        }
    }

    /// Removes the programme's view (the chunks stay).
    pub async fn delete_view(&self, programme: ProgrammeId) -> Result<(), StorageError> {
        let key = view_key(programme);
        self.write(move |store| {
            store
                .delete(Query::Key(JsValue::from_str(&key)))
                .map(|_| ())
        })
        .await
    }
}
