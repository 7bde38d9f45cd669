//! The open programme: its document, kept in memory and in IndexedDB, and
//! shared with the other tabs of this browser.
//!
//! Pages read the programme through [`ProgrammeSession::with`], which tracks
//! a revision counter, and change it only through
//! [`ProgrammeSession::dispatch`]: the command is applied by the core crate
//! at once (the UI never waits for storage), then the new changes are
//! written to IndexedDB as one chunk and announced to the other tabs on a
//! BroadcastChannel, which merge them. If the browser refuses the write, the
//! edit stays in memory, the coordinator is told, and the next write stores
//! the whole programme so nothing is missing. Past a number of chunks the
//! programme is compacted into one snapshot, removing only the chunks this
//! tab knows are in it.
//!
//! A programme run for years has a long history, and loading its document
//! takes seconds. So a materialised view of the programme (the model the
//! screens show, `tandem_core::ProgrammeView`) is stored beside the chunks:
//! when it was made from exactly the chunks stored now, the programme is
//! shown from it at once and the document is loaded after the first frame.
//! Until then the pages read the view; a command, a merge, an export or a
//! chunk from another tab first loads the document (then applies), so
//! nothing is applied to a stale model. The view is written again when it
//! is missing or stale: at most every [`VIEW_EVERY_MS`] while editing, and
//! when the tab is hidden.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{
    Attached, ChangeNote, Command, CommandError, Conflict, Contents, ExchangeError, ExchangeFile,
    HistoryIndex, MergePreview, Programme, ProgrammeDocument, ProgrammeId, ProgrammeView,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::clock::now_seconds;
use crate::i18n::{use_i18n, I18n};
use crate::settings::{ExchangeRecord, Settings};
use crate::storage::{self, ChunkKind, ProgrammeStore, StorageError};

mod erasure;
mod relay;

use crate::live::RelayLink;
pub use crate::live::{refusal_key, SyncStatus};

/// Chunks beyond which the programme is compacted into one snapshot.
const COMPACT_AFTER: usize = 32;

/// The stored view is written again at most this often while the
/// coordinator edits (and whenever the tab is hidden).
const VIEW_EVERY_MS: u64 = 30_000;

/// A missing or stale view is written this long after opening.
const VIEW_AFTER_OPEN_MS: u64 = 1_000;

/// The stored chunks read at opening, loaded into the document after the
/// first frame (the programme is shown from its view meanwhile).
struct Pending {
    id: ProgrammeId,
    keys: Vec<String>,
    bytes: Vec<u8>,
}

/// When the stored view is written again.
#[derive(Debug, Clone, Copy, Default)]
struct ViewDue {
    /// The stored view no longer shows the document.
    stale: bool,
    /// A write of the view is already planned.
    planned: bool,
}

/// The bytes this programme takes in storage, and what they took when last
/// compacted (or opened). A large programme is compacted once its storage
/// has grown by half (a large merge), so it stays near the size of one
/// snapshot.
#[derive(Debug, Clone, Copy, Default)]
struct StoredBytes {
    total: usize,
    compacted: usize,
}

impl StoredBytes {
    fn at(bytes: usize) -> Self {
        Self {
            total: bytes,
            compacted: bytes,
        }
    }

    /// A programme smaller than this is compacted only by its number of
    /// chunks: rewriting it often would gain nothing.
    const SMALL: usize = 64 * 1024;

    fn grown_by_half(self) -> bool {
        self.compacted >= Self::SMALL && self.total > self.compacted + self.compacted / 2
    }
}

/// Where opening the programme stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Loading,
    Ready,
    Missing,
    Failed(&'static str),
}

/// The other tabs of this browser with the same programme open.
struct TabChannel {
    channel: web_sys::BroadcastChannel,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

/// The open programme, carried in context.
#[derive(Debug, Clone, Copy)]
pub struct ProgrammeSession {
    document: StoredValue<Option<ProgrammeDocument>, LocalStorage>,
    revision: RwSignal<u64>,
    opening: RwSignal<Opening>,
    /// The error code of the last failed write, until a write succeeds.
    unsaved: RwSignal<Option<&'static str>>,
    /// After a failed write the next one stores the whole programme.
    needs_snapshot: StoredValue<bool>,
    /// Writes under way, and what waits for them to be stored.
    writes: StoredValue<crate::live::StoreBarrier, LocalStorage>,
    /// Keys of the stored chunks this tab knows are in its document.
    known_chunks: StoredValue<Vec<String>>,
    stored_bytes: StoredValue<StoredBytes>,
    channel: StoredValue<Option<TabChannel>, LocalStorage>,
    /// Messages are made after awaits too, where there is no context.
    i18n: I18n,
    /// The connection to the relay, when the programme is shared.
    relay: StoredValue<Option<RelayLink>, LocalStorage>,
    sync_status: RwSignal<SyncStatus>,
    /// Who changed what, read change by change rather than whole per render.
    history: StoredValue<HistoryIndex, LocalStorage>,
    /// The programme as last stored, shown until the document is loaded.
    view: StoredValue<Option<ProgrammeView>, LocalStorage>,
    /// The stored chunks waiting to be loaded into the document.
    pending: StoredValue<Option<Pending>, LocalStorage>,
    /// Whether the document is loaded (reads of history and conflicts
    /// follow it).
    attached: RwSignal<bool>,
    view_due: StoredValue<ViewDue>,
    /// Writes the view when the tab is hidden.
    on_hidden: StoredValue<Option<Closure<dyn FnMut()>>, LocalStorage>,
}

impl std::fmt::Debug for TabChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TabChannel")
    }
}

impl ProgrammeSession {
    /// Opens a programme from this browser's storage.
    pub fn open(id: Option<ProgrammeId>) -> Self {
        let session = Self {
            document: StoredValue::new_local(None),
            revision: RwSignal::new(0),
            opening: RwSignal::new(Opening::Loading),
            unsaved: RwSignal::new(None),
            needs_snapshot: StoredValue::new(false),
            writes: StoredValue::new_local(crate::live::StoreBarrier::default()),
            known_chunks: StoredValue::new(Vec::new()),
            stored_bytes: StoredValue::new(StoredBytes::default()),
            channel: StoredValue::new_local(None),
            i18n: use_i18n(),
            relay: StoredValue::new_local(None),
            history: StoredValue::new_local(HistoryIndex::new()),
            sync_status: RwSignal::new(SyncStatus::Local),
            view: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
            attached: RwSignal::new(false),
            view_due: StoredValue::new(ViewDue::default()),
            on_hidden: StoredValue::new_local(None),
        };
        spawn_local(async move {
            let opening = match id {
                None => Opening::Missing,
                Some(id) => match read(id).await {
                    Ok(Some(Stored::Viewed { view, keys, bytes })) => {
                        session.view.set_value(Some(*view));
                        session.pending.set_value(Some(Pending { id, keys, bytes }));
                        // What other tabs store meanwhile loads the
                        // document first, then merges.
                        session.listen(id);
                        // Loaded once the programme is on screen: after the
                        // frame that shows it and one more, so the page has
                        // answered what came meanwhile.
                        request_animation_frame(move || {
                            request_animation_frame(move || {
                                set_timeout(move || session.attach_now(), Default::default())
                            })
                        });
                        Opening::Ready
                    }
                    Ok(Some(Stored::Loaded {
                        keys,
                        bytes,
                        document,
                    })) => {
                        session.take_document(id, *document, keys, bytes);
                        // No view, or a stale one: write it afresh once
                        // the programme is on screen.
                        session.view_changed_in(VIEW_AFTER_OPEN_MS);
                        Opening::Ready
                    }
                    Ok(None) => Opening::Missing,
                    Err(code) => Opening::Failed(code),
                },
            };
            session.opening.set(opening);
            session.bump();
            session.write_view_when_hidden();
        });
        on_cleanup(move || {
            if let (Some(Some(listener)), Some(document)) = (
                session
                    .on_hidden
                    .try_update_value(|listener| listener.take()),
                web_sys::window().and_then(|window| window.document()),
            ) {
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            let link = session.relay.try_update_value(|link| link.take()).flatten();
            drop(link);
            session.channel.update_value(|channel| {
                if let Some(channel) = channel.take() {
                    channel.channel.close();
                }
            });
        });
        session
    }

    fn bump(&self) {
        self.revision.update(|revision| *revision += 1);
    }

    /// Where opening stands.
    pub fn opening(&self) -> Opening {
        self.opening.get()
    }

    /// Reads the programme; re-runs when it changes. `None` until it is open.
    pub fn with<R>(&self, read: impl FnOnce(&Programme) -> R) -> Option<R> {
        self.revision.track();
        self.with_untracked(read)
    }

    /// Reads the programme once, without following later changes (to fill a
    /// form that the coordinator then edits). Until the document is loaded,
    /// the programme comes from its stored view.
    pub fn with_untracked<R>(&self, read: impl FnOnce(&Programme) -> R) -> Option<R> {
        let mut read = Some(read);
        let from_document = self.document.with_value(|document| {
            let document = document.as_ref()?;
            read.take().map(|read| read(document.programme()))
        });
        match (from_document, read) {
            (Some(value), _) => Some(value),
            (None, Some(read)) => self
                .view
                .try_with_value(|view| view.as_ref().map(|view| read(view.programme())))
                .flatten(),
            (None, None) => None,
        }
    }

    /// Reads the whole document (history, conflicts); re-runs when it
    /// changes. `None` until it is open and loaded.
    pub fn with_document<R>(&self, read: impl FnOnce(&ProgrammeDocument) -> R) -> Option<R> {
        self.revision.track();
        self.attached.track();
        self.document
            .with_value(|document| document.as_ref().map(read))
    }

    /// Loads the document the programme was shown from its view for, now.
    /// Everything that needs the document (a command, a merge, an export, a
    /// chunk from another tab) calls this first: it waits for the document
    /// instead of acting on the view.
    pub(crate) fn attach_now(&self) {
        let Some(Some(pending)) = self.pending.try_update_value(|pending| pending.take()) else {
            return;
        };
        mark("tandem-document-loading");
        let view = self.view.try_update_value(|view| view.take()).flatten();
        let opened = match view {
            Some(view) => view.attach(&pending.bytes),
            None => ProgrammeDocument::load(&pending.bytes).map(|d| (d, Attached::FromDocument)),
        };
        match opened {
            Ok((document, how)) => {
                let stored = pending.bytes.len();
                self.take_document(pending.id, document, pending.keys, stored);
                if how == Attached::FromDocument {
                    // Another tab wrote between reading the view and the
                    // chunks: show what the document holds.
                    self.bump();
                    self.view_changed();
                }
            }
            Err(error) => self.opening.set(Opening::Failed(error.code())),
        }
        mark("tandem-document-loaded");
    }

    /// Makes a loaded document the programme's, made from the stored
    /// chunks `keys` of `stored` bytes, and follows other tabs and the relay.
    fn take_document(
        &self,
        id: ProgrammeId,
        document: ProgrammeDocument,
        keys: Vec<String>,
        stored: usize,
    ) {
        self.document.set_value(Some(document));
        self.known_chunks.set_value(keys);
        self.stored_bytes.set_value(StoredBytes::at(stored));
        if self.channel.with_value(Option::is_none) {
            self.listen(id);
        }
        self.resume_relay(id);
        self.attached.set(true);
    }

    /// The latest changes to the whole programme, newest first.
    pub fn recent_changes(&self, count: usize) -> Vec<ChangeNote> {
        self.with_history(|history| history.latest(count))
    }

    /// Reads the history of changes; re-runs when it changes. Only the
    /// changes made since the last look are read from the document.
    pub fn with_history<R>(&self, read: impl FnOnce(&HistoryIndex) -> R) -> R {
        self.revision.track();
        self.attached.track();
        self.document.with_value(|document| {
            if let Some(document) = document {
                self.history
                    .update_value(|history| history.follow(document));
            }
        });
        self.history.with_value(read)
    }

    /// The partner organisations for a choice, sorted by name; follows changes.
    pub fn partner_choices(&self) -> Vec<(tandem_core::PartnerId, String)> {
        self.with(|programme| {
            programme
                .partners_sorted()
                .into_iter()
                .map(|(id, partner)| (id, partner.name.clone()))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Who changed one entity, oldest first.
    pub fn history_of(&self, subject: &str) -> Vec<ChangeNote> {
        self.with_history(|history| history.of(subject))
    }

    /// What the merged programme breaks, and values set twice at once.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.with_document(|d| d.conflicts())
            .or_else(|| {
                self.view
                    .try_with_value(|view| view.as_ref().map(|view| view.conflicts().to_vec()))
                    .flatten()
            })
            .unwrap_or_default()
    }

    /// The error code of a write the browser refused, if the last one failed.
    pub fn unsaved(&self) -> Option<&'static str> {
        self.unsaved.get()
    }

    /// Applies a coordinator's command and stores it. Returns the message
    /// to show, in the coordinator's language, if the command is refused.
    pub fn dispatch(&self, command: Command) -> Result<(), String> {
        self.attach_now();
        let i18n = self.i18n;
        let author = Settings::load()
            .author()
            .unwrap_or_else(|| Settings::remember_author(&i18n.t("coordinator-unnamed")));
        let applied = self.document.try_update_value(|document| {
            let document = document
                .as_mut()
                .ok_or(CommandError::Document(String::new()))?;
            document.apply(&author, now_seconds(), command)
        });
        match applied {
            Some(Ok(())) => {}
            Some(Err(error)) => return Err(command_error_text(i18n, &error)),
            None => return Err(i18n.t("error-document")),
        }
        self.bump();
        self.persist();
        self.push_to_relay();
        Ok(())
    }

    /// What a partner's file would bring, or the message why it is refused.
    pub fn preview(&self, bytes: &[u8]) -> Result<MergePreview, String> {
        self.attach_now();
        let i18n = self.i18n;
        let file =
            ExchangeFile::decode(bytes).map_err(|error| exchange_error_text(i18n, &error))?;
        self.document
            .with_value(|document| document.as_ref().map(|document| document.preview(&file)))
            .unwrap_or(Err(ExchangeError::Damaged))
            .map_err(|error| exchange_error_text(i18n, &error))
    }

    /// Merges a previewed file and stores the result. Returns how many
    /// changes it brought.
    pub fn merge(&self, preview: MergePreview) -> Result<usize, String> {
        self.attach_now();
        let i18n = self.i18n;
        let merged = self
            .document
            .try_update_value(|document| document.as_mut().map(|document| document.merge(preview)));
        match merged.flatten() {
            Some(Ok(count)) => {
                self.bump();
                if count > 0 {
                    self.persist();
                    self.push_to_relay();
                }
                Ok(count)
            }
            Some(Err(error)) => Err(command_error_text(i18n, &error)),
            None => Err(i18n.t("error-document")),
        }
    }

    /// An exchange file of the programme. For [`Contents::Changes`] only what
    /// the partner organisation has not seen, as far as this browser knows.
    pub fn export(&self, contains: Contents, partner: Option<&str>) -> Option<(String, Vec<u8>)> {
        self.attach_now();
        let author = Settings::load()
            .coordinator
            .map(|c| c.name)
            .unwrap_or_default();
        let id = self.with_untracked(|p| p.id)?;
        let mut record = ExchangeRecord::load(id);
        let seen: Vec<String> = partner
            .and_then(|partner| record.seen_by_partner.get(partner).cloned())
            .unwrap_or_default();
        let seen: Vec<_> = seen.iter().filter_map(|hash| hash.parse().ok()).collect();
        let (file, name) = self.document.with_value(|document| {
            let document = document.as_ref()?;
            let file = document.export(&author, now_seconds(), contains, &seen);
            Some((file, document.programme().name.clone()))
        })?;
        // What the partner will have once they merge this file.
        if let (Contents::Changes | Contents::Whole, Some(partner)) = (contains, partner) {
            record
                .seen_by_partner
                .insert(partner.to_string(), file.header.heads.clone());
        }
        if contains == Contents::Whole {
            record.last_backup_at = Some(now_seconds());
        }
        record.save(id);
        Some((name, file.encode()))
    }

    /// Writes what changed since the last write as one chunk, tells the
    /// other tabs, and compacts when the chunks pile up.
    fn persist(&self) {
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

    async fn compact(&self, id: ProgrammeId) {
        let snapshot = self.document.try_update_value(|document| {
            document
                .as_mut()
                .map(|document| (document.heads_key(), document.save()))
        });
        let Some(Some((name, bytes))) = snapshot else {
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
        }
    }

    /// Tells the other tabs of this browser about a stored chunk.
    fn announce(&self, key: &str, bytes: &[u8]) {
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
    fn listen(&self, id: ProgrammeId) {
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
    fn receive(&self, id: ProgrammeId, key: String, bytes: Vec<u8>) {
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
    fn mark_merged_as_saved(&self) {
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

/// The stored view of the programme.
impl ProgrammeSession {
    /// The document moved away from the stored view: write it again, at
    /// most every [`VIEW_EVERY_MS`].
    fn view_changed(&self) {
        self.view_changed_in(VIEW_EVERY_MS);
    }

    /// Like [`view_changed`](Self::view_changed), writing the view after
    /// `delay` milliseconds if no write is planned yet.
    fn view_changed_in(&self, delay: u64) {
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
    fn write_view(&self) {
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
    fn write_view_when_hidden(&self) {
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
fn mark(name: &str) {
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into());
    if let Ok(performance) = performance {
        if let Ok(mark) = js_sys::Reflect::get(&performance, &"mark".into()) {
            if let Ok(mark) = mark.dyn_into::<js_sys::Function>() {
                let _ = mark.call1(&performance, &name.into());
            }
        }
    }
}

/// What opening found stored.
enum Stored {
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
async fn read(id: ProgrammeId) -> Result<Option<Stored>, &'static str> {
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

/// A refused command's message in the coordinator's language.
pub fn command_error_text(i18n: I18n, error: &CommandError) -> String {
    translated(i18n, error.code(), error.args())
}

/// A refused exchange file's message in the coordinator's language.
pub fn exchange_error_text(i18n: I18n, error: &ExchangeError) -> String {
    translated(i18n, error.code(), error.args())
}

fn translated(i18n: I18n, code: &str, args: Vec<(&'static str, String)>) -> String {
    let args: Vec<(&str, fluent_bundle::FluentValue)> = args
        .into_iter()
        .map(|(name, value)| {
            let value = match name {
                "role" => i18n.t(&format!("role-{value}")),
                "from" | "to" => i18n.t(&format!("stage-{value}")),
                _ => value,
            };
            (name, fluent_bundle::FluentValue::from(value))
        })
        .collect();
    i18n.t_with(&format!("error-{code}"), &args)
}

/// The open programme's session from context.
pub fn use_session() -> ProgrammeSession {
    expect_context::<ProgrammeSession>()
}
