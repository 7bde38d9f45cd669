//! The programme document itself: one programme's Automerge document with
//! the hydrated programme beside it, loaded, saved and read here; written
//! by `command`, merged by `merge`.

use automerge::{Automerge, ChangeHash, ReadDoc, ROOT};
use autosurgeon::hydrate_prop;

use crate::document::exchange::ExchangeError;
use crate::document::live::Replica;
use crate::document::schema::{FORMAT, PROGRAMME};
use crate::document::{ChangeNote, LoadError, FORMAT_VERSION};
use crate::model::ids::ProgrammeId;
use crate::model::programme::Programme;

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
    /// The changes a merge in steps took in, as the file brought them,
    /// and the heads they reach: the next
    /// [`save_incremental`](Self::save_incremental) stores them as they
    /// are if nothing changed since, rather than writing 10,000 changes
    /// out of the document again.
    pub(crate) merged_chunk: Option<(Vec<ChangeHash>, Vec<u8>)>,
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
            merged_chunk: None,
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
        self.merged_chunk = None;
        self.doc.save()
    }

    /// The changes since the last save, to append to stored chunks. Empty if
    /// nothing changed.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let heads = self.doc.get_heads();
        if let Some((merged, bytes)) = self.merged_chunk.take() {
            if merged == heads {
                self.saved_heads = heads;
                return bytes;
            }
        }
        let bytes = self.doc.save_after(&self.saved_heads);
        self.saved_heads = self.doc.get_heads();
        bytes
    }

    /// The document's current heads as one short text, naming this exact
    /// state (storage keys use it).
    pub fn heads_key(&self) -> String {
        heads_key(&self.doc.get_heads())
    }

    /// A stored programme (a snapshot and the chunks after it, as
    /// [`load`](Self::load) takes them) saved again as one snapshot, with
    /// the [`heads_key`](Self::heads_key) it opens with: what compacting
    /// the stored chunks writes. The programme is not read into entities,
    /// so this is only Automerge's load and save (a worker does it for a
    /// large programme, off the page).
    ///
    /// # Errors
    /// [`LoadError`] if the bytes are no programme this version can open.
    pub fn compact_stored(stored: &[u8]) -> Result<(String, Vec<u8>), LoadError> {
        let doc = Automerge::load(stored).map_err(|_| LoadError::Damaged)?;
        Self::check_format(&doc)?;
        Ok((heads_key(&doc.get_heads()), doc.save()))
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

impl Replica for ProgrammeDocument {
    fn heads(&self) -> Vec<ChangeHash> {
        ProgrammeDocument::heads(self)
    }

    fn changes_after(&self, heads: &[ChangeHash]) -> Vec<u8> {
        self.save_after(heads)
    }

    fn count_after(&self, heads: &[ChangeHash]) -> usize {
        ProgrammeDocument::count_after(self, heads)
    }

    fn save_whole(&mut self) -> Vec<u8> {
        self.save()
    }

    fn merge_changes(&mut self, bytes: &[u8]) -> Result<usize, ExchangeError> {
        self.merge_bytes(bytes)
    }
}

/// Names a state of the document by its heads: the first 16 hexadecimal
/// digits of each, sorted, joined by `-`.
fn heads_key(heads: &[ChangeHash]) -> String {
    let mut heads: Vec<String> = heads.iter().map(ToString::to_string).collect();
    heads.sort();
    heads
        .iter()
        .map(|h| &h[..16.min(h.len())])
        .collect::<Vec<_>>()
        .join("-")
}
