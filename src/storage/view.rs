//! A programme's materialised view (`tandem_core::ProgrammeView`): one
//! record beside its chunks, keyed `view:{programme}`. The key is not under
//! the `{programme}/` prefix, so loading the chunks passes it by and the
//! list of programmes does not count it.

use tandem_core::ProgrammeId;
use wasm_bindgen::JsValue;

use super::{view_key, ProgrammeStore, StorageError};
use idb::Query;

impl ProgrammeStore {
    /// Stores the programme's view, replacing the one before. Resolves once
    /// the browser has committed it.
    pub async fn put_view(&self, programme: ProgrammeId, bytes: &[u8]) -> Result<(), StorageError> {
        self.put_large_record(&view_key(programme), bytes).await
    }

    /// The programme's stored view; `None` if there is none.
    pub async fn load_view(&self, programme: ProgrammeId) -> Result<Option<Vec<u8>>, StorageError> {
        self.load_record(&view_key(programme)).await
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
