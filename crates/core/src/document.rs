//! The programme document: an Automerge document holding one programme.
//!
//! Layout at the root: `format` (the document format version) and
//! `programme` (the [`Programme`]). Every change carries a message naming
//! the coordinator, the command and the entity it concerns, so the history
//! can say who did what.
//!
//! The document keeps the hydrated programme beside the Automerge document.
//! A command writes only the entity it touches and then hydrates only that
//! entity again, so a programme of 2,000 people changes as quickly as one
//! of 20.
//!
//! This folder is the Automerge side of a programme: [`schema`] (keys and
//! entity read/write), loading and saving here, [`merge`] and
//! [`conflicts`] (the list of values set twice at once, found while
//! merging), [`exchange`] files, document [`generation`]s, [`undo`],
//! [`history`], the stored [`view`] and [`live`] sync. The commands that
//! change a programme are one layer up, in `command`.
//!
//! May use: `model`, `rules` (the errors). [`changes`], [`exchange`],
//! [`live`] and [`LoadError`] do not need the programme document; the tandem
//! page uses them, and a participant's build (without the `coordinator`
//! feature) has only those.

pub(crate) mod author;
pub(crate) mod changes;
pub(crate) mod conflicts;
pub(crate) mod exchange;
pub(crate) mod generation;
pub(crate) mod history;
pub(crate) mod live;
pub(crate) mod merge;
pub(crate) mod schema;
pub(crate) mod undo;
pub(crate) mod view;

use automerge::{Automerge, ChangeHash, ReadDoc, ROOT};
use autosurgeon::hydrate_prop;
use serde::{Deserialize, Serialize};

use crate::document::schema::{FORMAT, PROGRAMME};
use crate::model::ids::{CoordinatorId, ProgrammeId};
use crate::model::programme::Programme;

/// The document format this version of Tandem writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// Why stored or received bytes are not a programme this version can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the data is damaged and cannot be read as a programme")]
    Damaged,
    #[error("the data is not a Tandem programme")]
    NotAProgramme,
    #[error("the programme was written by a newer version of Tandem (format {0})")]
    TooNew(u64),
}

impl LoadError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Damaged => "damaged",
            LoadError::NotAProgramme => "not-a-programme",
            LoadError::TooNew(_) => "too-new",
        }
    }
}

/// Who made one change and what it was, read from the change message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    /// The coordinator's id, as text so that old or foreign messages still read.
    pub by: String,
    /// The coordinator's name at the time of the change.
    pub name: String,
    /// The command's code.
    pub command: String,
    /// The id of the entity the change concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Seconds since 1970 when the change was made, as the author's clock said.
    #[serde(skip)]
    pub at: i64,
    /// The change's hash, naming it for undo and for looking back.
    #[serde(skip)]
    pub hash: String,
}

impl ChangeNote {
    /// The author's id, if the note carries a valid one.
    pub fn coordinator(&self) -> Option<CoordinatorId> {
        self.by.parse().ok()
    }
}

/// One programme's Automerge document and the commands that change it.
#[derive(Debug, Clone)]
pub struct ProgrammeDocument {
    pub(crate) doc: Automerge,
    /// Heads at the last [`save`](Self::save) or
    /// [`save_incremental`](Self::save_incremental).
    pub(crate) saved_heads: Vec<ChangeHash>,
    pub(crate) programme: Programme,
    /// Values set differently at the same time. Only a merge can make
    /// them, so they are found after each merge, not on every read.
    pub(crate) concurrent: Vec<crate::document::conflicts::Conflict>,
}

impl ProgrammeDocument {
    /// Opens a programme from bytes written by [`save`](Self::save), followed
    /// by any number of [`save_incremental`](Self::save_incremental) chunks.
    pub fn load(bytes: &[u8]) -> Result<Self, LoadError> {
        let doc = Automerge::load(bytes).map_err(|_| LoadError::Damaged)?;
        Self::hydrated(doc)
    }

    /// The programme read whole from a loaded Automerge document, with the
    /// scan for values set twice at once.
    pub(crate) fn hydrated(doc: Automerge) -> Result<Self, LoadError> {
        Self::check_format(&doc)?;
        let programme =
            hydrate_prop(&doc, ROOT, PROGRAMME).map_err(|_| LoadError::NotAProgramme)?;
        let saved_heads = doc.get_heads();
        let mut document = Self {
            doc,
            saved_heads,
            programme,
            concurrent: Vec::new(),
        };
        document.find_concurrent_values();
        Ok(document)
    }

    /// Refuses a document that is not a programme of a format this version
    /// reads.
    pub(crate) fn check_format(doc: &Automerge) -> Result<(), LoadError> {
        let format = match doc.get(ROOT, FORMAT) {
            Ok(Some((value, _))) => value.as_u64().ok_or(LoadError::NotAProgramme)?,
            Ok(None) => return Err(LoadError::NotAProgramme),
            Err(_) => return Err(LoadError::Damaged),
        };
        if format > FORMAT_VERSION {
            return Err(LoadError::TooNew(format));
        }
        Ok(())
    }

    /// The programme as it stands.
    pub fn programme(&self) -> &Programme {
        &self.programme
    }

    /// The programme's id.
    pub fn id(&self) -> ProgrammeId {
        self.programme.id
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.saved_heads = self.doc.get_heads();
        self.doc.save()
    }

    /// The changes since the last save, to append to stored chunks. Empty if
    /// nothing changed.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved_heads);
        self.saved_heads = self.doc.get_heads();
        bytes
    }

    /// The document's current heads as one short text, naming this exact
    /// state (storage keys use it).
    pub fn heads_key(&self) -> String {
        let mut heads: Vec<String> = self.doc.get_heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        heads
            .iter()
            .map(|h| &h[..16.min(h.len())])
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Who changed what, oldest first.
    pub fn history(&self) -> Vec<ChangeNote> {
        // The changes' metadata only: reading their operations too would
        // cost as much as the whole document.
        crate::document::changes::notes_of(&self.doc.get_changes_meta(&[]))
    }

    /// Who changed one entity (a person, a tandem, a partner), oldest first.
    pub fn history_of(&self, subject: &str) -> Vec<ChangeNote> {
        self.history()
            .into_iter()
            .filter(|note| note.subject.as_deref() == Some(subject))
            .collect()
    }
}
