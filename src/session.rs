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

use crate::clock::{in_slices, next_task, now_seconds};
use crate::i18n::{use_i18n, I18n};
use crate::settings::{ExchangeRecord, Settings};

pub mod access;
mod compacting;
mod erasure;
mod merging;
pub mod messages;
mod persist;
mod relay;
mod tabs;
mod view_cache;

pub use self::access::Authorship;
pub(crate) use self::erasure::retire_room;
pub use self::erasure::MoveQuestion;
use self::messages::{command_error_text, exchange_error_text};
use self::persist::{read, Stored, StoredBytes};
use self::tabs::TabChannel;
use self::view_cache::{mark, ViewDue, VIEW_AFTER_OPEN_MS};
pub use crate::i18n::refusal_key;
use crate::live::device::ProgrammeClient;
use crate::live::RelayLink;
pub use crate::live::SyncStatus;

/// The stored chunks read at opening, loaded into the document after the
/// first frame (the programme is shown from its view meanwhile).
struct Pending {
    id: ProgrammeId,
    keys: Vec<String>,
    bytes: Vec<u8>,
}

/// What an exchange file chosen here is (see
/// [`ProgrammeSession::read_file`]).
pub enum ChosenFile {
    /// The generation that replaced this programme's: moved to, not merged.
    Successor,
    /// A partner's changes, as they would be merged.
    Changes(MergePreview),
}

/// Where opening the programme stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    Loading,
    Ready,
    Missing,
    Failed(&'static str),
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
    /// A compaction is under way.
    compacting: StoredValue<bool>,
    channel: StoredValue<Option<TabChannel>, LocalStorage>,
    /// Messages are made after awaits too, where there is no context.
    i18n: I18n,
    /// The connection to the relay, when the programme is shared.
    relay: StoredValue<Option<RelayLink<ProgrammeClient>>, LocalStorage>,
    sync_status: RwSignal<SyncStatus>,
    /// When the relay deletes the shared programme's room unless it
    /// changes before (seconds since 1970), once the relay has said so.
    room_expires: RwSignal<Option<u64>>,
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
    /// A new generation a partner made, fetched, waiting for a yes.
    moving: StoredValue<Option<erasure::ProposedMove>, LocalStorage>,
    /// What the coordinator is asked about it.
    move_question: RwSignal<Option<MoveQuestion>>,
    /// Bumped whenever the programme's member list changes here.
    members: RwSignal<u64>,
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
            compacting: StoredValue::new(false),
            channel: StoredValue::new_local(None),
            i18n: use_i18n(),
            relay: StoredValue::new_local(None),
            history: StoredValue::new_local(HistoryIndex::new()),
            sync_status: RwSignal::new(SyncStatus::Local),
            room_expires: RwSignal::new(None),
            view: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
            attached: RwSignal::new(false),
            view_due: StoredValue::new(ViewDue::default()),
            on_hidden: StoredValue::new_local(None),
            moving: StoredValue::new_local(None),
            move_question: RwSignal::new(None),
            members: RwSignal::new(0),
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

    /// Who is writing: the name this browser remembers, or (remembered from
    /// now on) "a coordinator" in the coordinator's language. Every change
    /// is made after asking this, so the document's actor becomes this
    /// device's here too.
    pub(crate) fn author(&self) -> tandem_core::Author {
        self.act_as_device();
        Settings::load()
            .author()
            .unwrap_or_else(|| Settings::remember_author(&self.i18n.t("coordinator-unnamed")))
    }

    /// Applies a coordinator's command and stores it. Returns the message
    /// to show, in the coordinator's language, if the command is refused.
    pub fn dispatch(&self, command: Command) -> Result<(), String> {
        self.attach_now();
        let i18n = self.i18n;
        let author = self.author();
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

    /// What a chosen exchange file is here: the generation that replaced
    /// this programme's (a partner forgot a person; it is moved to, with
    /// [`move_by_file`](Self::move_by_file)), or what a partner's changes
    /// would bring; or the message why it is refused. The file is read
    /// (and its checksum checked) once, in slices between which the page
    /// draws and answers.
    pub async fn read_file(&self, bytes: &[u8]) -> Result<ChosenFile, String> {
        self.attach_now();
        let i18n = self.i18n;
        let refused = |error: ExchangeError| exchange_error_text(i18n, &error);
        let mut reading = ExchangeFile::read_in_steps(bytes).map_err(refused)?;
        let _ = in_slices(|| Ok::<_, ExchangeError>(reading.step())).await;
        let file = reading.finish().map_err(refused)?;
        next_task().await;
        if self.is_successor(&file) {
            return Ok(ChosenFile::Successor);
        }
        let started = self.document.with_value(|document| {
            document
                .as_ref()
                .map(|document| (document.id(), document.preview_in_steps(&file)))
        });
        let (id, mut steps) = match started {
            Some((id, Ok(steps))) => (id, steps),
            Some((_, Err(error))) => return Err(refused(error)),
            None => return Err(refused(ExchangeError::Damaged)),
        };
        let _ = in_slices(|| Ok::<_, ExchangeError>(steps.step())).await;
        next_task().await;
        // What the programme lacks as it stands now; the page may have
        // opened another programme meanwhile.
        let preview = self
            .document
            .with_value(|document| {
                document
                    .as_ref()
                    .filter(|document| document.id() == id)
                    .map(|document| document.finish_preview(steps))
            })
            .unwrap_or(Err(ExchangeError::Damaged))
            .map_err(refused)?;
        // Drawing the preview gets a task of its own.
        next_task().await;
        self.refuse_this_device(preview).map(ChosenFile::Changes)
    }

    /// A preview, unless it would merge changes made under this device's
    /// actors: merged here, they would go out under its signature as its
    /// own.
    fn refuse_this_device(&self, preview: MergePreview) -> Result<MergePreview, String> {
        if self
            .device_id()
            .is_some_and(|device| preview.claims_device(&device.0))
        {
            return Err(exchange_error_text(
                self.i18n,
                &ExchangeError::ClaimsThisDevice,
            ));
        }
        Ok(preview)
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
}

/// The open programme's session from context.
pub fn use_session() -> ProgrammeSession {
    expect_context::<ProgrammeSession>()
}
