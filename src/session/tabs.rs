//! The other tabs of this browser with the same programme open: each
//! stored chunk is announced on a BroadcastChannel, and the chunks other
//! tabs stored are merged here (or, when one builds on a chunk this tab
//! missed, every stored chunk is read again). A tab that forgot a person
//! tells the others to step aside until they are reloaded.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::ProgrammeId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::persist::StoredBytes;
use super::ProgrammeSession;
use crate::storage::{ProgrammeStore, StorageError};

/// The other tabs of this browser with the same programme open.
pub(super) struct TabChannel {
    pub(super) channel: web_sys::BroadcastChannel,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

impl std::fmt::Debug for TabChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TabChannel")
    }
}

impl ProgrammeSession {
    /// Tells the other tabs of this browser about a stored chunk.
    pub(super) fn announce(&self, key: &str, bytes: &[u8]) {
        self.channel.with_value(|channel| {
            let Some(channel) = channel else { return };
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"key".into(), &key.into());
            let _ = js_sys::Reflect::set(
                &message,
                &"bytes".into(),
                &js_sys::Uint8Array::from(bytes).into(),
            );
            let _ = channel.channel.post_message(&message);
        });
    }

    /// Listens to the other tabs: their chunks are merged here.
    pub(super) fn listen(&self, id: ProgrammeId) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&format!("tandem-programme-{id}")) else {
            return;
        };
        let session = *self;
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                // Another tab forgot a person: this one shows the old
                // generation until it is reloaded.
                let moved = js_sys::Reflect::get(&data, &"moved".into());
                if moved.is_ok_and(|moved| moved.is_truthy()) {
                    ProgrammeStore::step_aside();
                    session.unsaved.set(Some(StorageError::Moved.code()));
                    return;
                }
                let key = js_sys::Reflect::get(&data, &"key".into())
                    .ok()
                    .and_then(|k| k.as_string());
                let bytes = js_sys::Reflect::get(&data, &"bytes".into())
                    .ok()
                    .and_then(|b| b.dyn_into::<js_sys::Uint8Array>().ok())
                    .map(|b| b.to_vec());
                let (Some(key), Some(bytes)) = (key, bytes) else {
                    return;
                };
                session.receive(id, key, bytes);
            },
        );
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self.channel.set_value(Some(TabChannel {
            channel,
            _listener: listener,
        }));
    }

    /// Merges a chunk another tab stored. If it builds on a chunk this tab
    /// missed, every stored chunk is read again instead.
    pub(super) fn receive(&self, id: ProgrammeId, key: String, bytes: Vec<u8>) {
        self.attach_now();
        self.view_changed();
        let merged = self.document.try_update_value(|document| {
            document.as_mut().map(|document| {
                let before = document.heads();
                document.merge_bytes(&bytes).map(|_| before)
            })
        });
        match merged.flatten() {
            Some(Ok(before)) => {
                self.known_chunks.update_value(|keys| keys.push(key));
                self.stored_bytes
                    .update_value(|stored| stored.total += bytes.len());
                self.mark_merged_as_saved();
                self.merged_from_tab(&before);
                self.bump();
            }
            _ => {
                let session = *self;
                spawn_local(async move {
                    let stored = match ProgrammeStore::open().await {
                        Ok(store) => store.load_chunks(id).await,
                        Err(error) => Err(error),
                    };
                    if let Ok(Some((keys, stored))) = stored {
                        let merged = session.document.try_update_value(|document| {
                            document
                                .as_mut()
                                .map(|document| document.merge_bytes(&stored))
                        });
                        if matches!(merged.flatten(), Some(Ok(_))) {
                            session.known_chunks.set_value(keys);
                            session
                                .stored_bytes
                                .set_value(StoredBytes::at(stored.len()));
                            session.mark_merged_as_saved();
                            session.bump();
                        }
                    }
                });
            }
        }
    }

    /// What another tab stored need not be stored again by this one.
    pub(super) fn mark_merged_as_saved(&self) {
        if self.needs_snapshot.get_value() {
            return;
        }
        self.document.update_value(|document| {
            if let Some(document) = document.as_mut() {
                document.mark_saved();
            }
        });
    }
}
