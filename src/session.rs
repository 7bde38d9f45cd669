//! The open programme: its document, kept in memory and in IndexedDB.
//!
//! Pages read the programme through [`ProgrammeSession::with`], which tracks
//! a revision counter, and change it only through
//! [`ProgrammeSession::dispatch`]: the command is applied by the core crate
//! at once (the UI never waits for storage), then the new changes are
//! written to IndexedDB as one chunk. If the browser refuses the write, the
//! edit stays in memory, the coordinator is told, and the next write stores
//! the whole programme so nothing is missing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{ChangeNote, Command, CommandError, Programme, ProgrammeDocument, ProgrammeId};

use crate::i18n::{use_i18n, I18n};
use crate::settings::Settings;
use crate::storage::{ChunkKind, ProgrammeStore, StorageError};

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
        };
        spawn_local(async move {
            let opening = match id {
                None => Opening::Missing,
                Some(id) => match read(id).await {
                    Ok(Some(document)) => {
                        session.document.set_value(Some(document));
                        Opening::Ready
                    }
                    Ok(None) => Opening::Missing,
                    Err(code) => Opening::Failed(code),
                },
            };
            session.opening.set(opening);
            session.revision.update(|revision| *revision += 1);
        });
        session
    }

    /// Where opening stands.
    pub fn opening(&self) -> Opening {
        self.opening.get()
    }

    /// Reads the programme; re-runs when it changes. `None` until it is open.
    pub fn with<R>(&self, read: impl FnOnce(&Programme) -> R) -> Option<R> {
        self.revision.track();
        self.document
            .with_value(|document| document.as_ref().map(|document| read(document.programme())))
    }

    /// Reads the programme once, without following later changes (to fill a
    /// form that the coordinator then edits).
    pub fn with_untracked<R>(&self, read: impl FnOnce(&Programme) -> R) -> Option<R> {
        self.document
            .with_value(|document| document.as_ref().map(|document| read(document.programme())))
    }

    /// The latest changes to the whole programme, newest first.
    pub fn recent_changes(&self, count: usize) -> Vec<ChangeNote> {
        self.revision.track();
        self.document.with_value(|document| {
            let mut notes = document.as_ref().map(|d| d.history()).unwrap_or_default();
            notes.reverse();
            notes.truncate(count);
            notes
        })
    }

    /// Who changed one entity, oldest first.
    pub fn history_of(&self, subject: &str) -> Vec<ChangeNote> {
        self.revision.track();
        self.document.with_value(|document| {
            document
                .as_ref()
                .map(|document| document.history_of(subject))
                .unwrap_or_default()
        })
    }

    /// The error code of a write the browser refused, if the last one failed.
    pub fn unsaved(&self) -> Option<&'static str> {
        self.unsaved.get()
    }

    /// Applies a coordinator's command and stores it. Returns the message
    /// to show, in the coordinator's language, if the command is refused.
    pub fn dispatch(&self, command: Command) -> Result<(), String> {
        let i18n = use_i18n();
        let author = Settings::load()
            .author()
            .unwrap_or_else(|| Settings::remember_author(&i18n.t("coordinator-unnamed")));
        let now = crate::clock::now_seconds();
        let written = self.document.try_update_value(|document| {
            let document = document
                .as_mut()
                .ok_or(CommandError::Document(String::new()))?;
            document.apply(&author, now, command)?;
            let id = document.id();
            let key = document.heads_key();
            let chunk = if self.needs_snapshot.get_value() {
                (ChunkKind::Snapshot, document.save())
            } else {
                (ChunkKind::Incremental, document.save_incremental())
            };
            Ok((id, key, chunk))
        });
        let (id, key, (kind, bytes)) = match written {
            Some(Ok(written)) => written,
            Some(Err(error)) => return Err(command_error_text(i18n, &error)),
            None => return Err(i18n.t("error-document")),
        };
        self.revision.update(|revision| *revision += 1);
        let session = *self;
        spawn_local(async move {
            match store(id, kind, &key, &bytes).await {
                Ok(()) => {
                    session.needs_snapshot.set_value(false);
                    session.unsaved.set(None);
                }
                Err(error) => {
                    session.needs_snapshot.set_value(true);
                    session.unsaved.set(Some(error.code()));
                }
            }
        });
        Ok(())
    }
}

async fn read(id: ProgrammeId) -> Result<Option<ProgrammeDocument>, &'static str> {
    let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
    match store.load(id).await.map_err(|error| error.code())? {
        Some(bytes) => ProgrammeDocument::load(&bytes)
            .map(Some)
            .map_err(|error| error.code()),
        None => Ok(None),
    }
}

async fn store(
    id: ProgrammeId,
    kind: ChunkKind,
    key: &str,
    bytes: &[u8],
) -> Result<(), StorageError> {
    ProgrammeStore::open()
        .await?
        .put_chunk(id, kind, key, bytes)
        .await
}

/// A refused command's message in the coordinator's language.
pub fn command_error_text(i18n: I18n, error: &CommandError) -> String {
    let args: Vec<(&str, fluent_bundle::FluentValue)> = error
        .args()
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
    i18n.t_with(&format!("error-{}", error.code()), &args)
}

/// The open programme's session from context.
pub fn use_session() -> ProgrammeSession {
    expect_context::<ProgrammeSession>()
}
