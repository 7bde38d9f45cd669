//! The stored view of the open programme: the model the screens show,
//! written beside the chunks so that a returning coordinator sees the
//! programme at once while the document loads. It is written again when
//! it no longer shows the document, at most every [`VIEW_EVERY_MS`] while
//! editing, and when the tab is hidden.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use tandem_core::ProgrammeView;

use super::ProgrammeSession;
use crate::storage::ProgrammeStore;

/// The stored view is written again at most this often while the
/// coordinator edits (and whenever the tab is hidden).
pub(super) const VIEW_EVERY_MS: u64 = 30_000;

/// A missing or stale view is written this long after opening.
pub(super) const VIEW_AFTER_OPEN_MS: u64 = 1_000;

/// When the stored view is written again.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ViewDue {
    /// The stored view no longer shows the document.
    stale: bool,
    /// A write of the view is already planned.
    planned: bool,
}

impl ProgrammeSession {
    /// The document moved away from the stored view: write it again, at
    /// most every [`VIEW_EVERY_MS`].
    pub(super) fn view_changed(&self) {
        self.view_changed_in(VIEW_EVERY_MS);
    }

    /// Like [`view_changed`](Self::view_changed), writing the view after
    /// `delay` milliseconds if no write is planned yet.
    pub(super) fn view_changed_in(&self, delay: u64) {
        let plan = self
            .view_due
            .try_update_value(|due| {
                due.stale = true;
                !std::mem::replace(&mut due.planned, true)
            })
            .unwrap_or(false);
        if plan {
            let session = *self;
            set_timeout(
                move || {
                    if session
                        .view_due
                        .try_update_value(|due| due.planned = false)
                        .is_some()
                    {
                        session.write_view();
                    }
                },
                std::time::Duration::from_millis(delay),
            );
        }
    }

    /// Writes the view of the document as stored now, if the stored one is
    /// stale. Only once every write has been stored: the view names the
    /// chunks it was made from, and a view is only used with exactly those.
    pub(super) fn write_view(&self) {
        if !self
            .view_due
            .try_with_value(|due| due.stale)
            .unwrap_or(false)
        {
            return;
        }
        let session = *self;
        let made = move || {
            // After a refused write the chunks lack changes the document
            // has: no view until the next write stores them all.
            if session.needs_snapshot.try_get_value() != Some(false) {
                return None;
            }
            let chunks = session.known_chunks.try_get_value()?;
            let made = session.document.try_with_value(|document| {
                let document = document.as_ref()?;
                // Changes not yet stored: the next write plans the view again.
                document
                    .is_saved()
                    .then(|| (document.id(), ProgrammeView::of(document, &chunks).encode()))
            })??;
            session.view_due.try_update_value(|due| due.stale = false);
            Some(made)
        };
        let write = move || {
            let Some((id, bytes)) = made() else { return };
            spawn_local(async move {
                if let Ok(store) = ProgrammeStore::open().await {
                    // A view not stored is only a slower next opening.
                    let _ = store.put_view(id, &bytes).await;
                }
            });
        };
        let now = self
            .writes
            .try_update_value(|writes| writes.when_stored(Box::new(write)))
            .flatten();
        if let Some(write) = now {
            write();
        }
    }

    /// Writes the view when the coordinator leaves the tab.
    pub(super) fn write_view_when_hidden(&self) {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let session = *self;
        let listener = Closure::<dyn FnMut()>::new(move || {
            let hidden = web_sys::window()
                .and_then(|window| window.document())
                .is_some_and(|document| document.hidden());
            if hidden {
                session.write_view();
            }
        });
        if document
            .add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref())
            .is_ok()
        {
            self.on_hidden.set_value(Some(listener));
        }
    }
}

/// A mark on the page's performance timeline (the benchmark reads it).
pub(super) fn mark(name: &str) {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into());
    if let Ok(performance) = performance {
        if let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()) {
            if let Ok(mark) = mark.dyn_into::<js_sys::Function>() {
                let _ = mark.call1(&performance, &name.into());
            }
        }
    }
}
