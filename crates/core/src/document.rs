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

pub(crate) mod changes;
pub(crate) mod exchange;
pub(crate) mod live;

#[cfg(feature = "coordinator")]
pub(crate) mod author;
#[cfg(feature = "coordinator")]
pub(crate) mod chunks;
#[cfg(feature = "coordinator")]
pub(crate) mod conflicts;
#[cfg(feature = "coordinator")]
pub(crate) mod generation;
#[cfg(feature = "coordinator")]
pub(crate) mod history;
#[cfg(feature = "coordinator")]
pub(crate) mod merge;
#[cfg(feature = "coordinator")]
pub(crate) mod programme;
#[cfg(feature = "coordinator")]
pub(crate) mod provenance;
#[cfg(feature = "coordinator")]
pub(crate) mod schema;
#[cfg(feature = "coordinator")]
pub(crate) mod stepped;
#[cfg(feature = "coordinator")]
pub(crate) mod undo;
#[cfg(feature = "coordinator")]
pub(crate) mod view;

use serde::{Deserialize, Serialize};

use crate::model::ids::CoordinatorId;

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
    /// The Automerge actor that made the change (hex) and the change's
    /// number among that actor's: what a device's signed delivery vouches
    /// for (see `Provenance`).
    #[serde(skip)]
    pub actor: String,
    #[serde(skip)]
    pub seq: u64,
}

impl ChangeNote {
    /// The author's id, if the note carries a valid one.
    pub fn coordinator(&self) -> Option<CoordinatorId> {
        self.by.parse().ok()
    }
}
