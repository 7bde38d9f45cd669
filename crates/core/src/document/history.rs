//! Who changed what, kept up to date change by change.
//!
//! [`ProgrammeDocument::history`] reads every change's note; for a
//! programme run for years (100,000 changes and more) that is far too slow
//! to do on every edit. A [`HistoryIndex`] reads the notes once and then
//! only the changes that came after the heads it has seen, and finds an
//! entity's changes by its id without looking through the rest.

use std::collections::HashMap;

use automerge::ChangeHash;

use crate::document::programme::ProgrammeDocument;
use crate::document::ChangeNote;

/// The change notes of one document, by entity.
#[derive(Debug, Clone, Default)]
pub struct HistoryIndex {
    heads: Vec<ChangeHash>,
    notes: Vec<ChangeNote>,
    by_subject: HashMap<String, Vec<usize>>,
}

impl HistoryIndex {
    /// An index that has seen nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Brings the index up to the document, reading only the changes it
    /// has not seen. A document that does not hold what the index saw
    /// (another programme, a new generation) is read again whole.
    pub fn follow(&mut self, document: &ProgrammeDocument) {
        let heads = document.heads();
        if heads == self.heads {
            return;
        }
        if !document.has_seen(&self.heads) {
            *self = Self::default();
        }
        for note in document.history_after(&self.heads) {
            if let Some(subject) = &note.subject {
                self.by_subject
                    .entry(subject.clone())
                    .or_default()
                    .push(self.notes.len());
            }
            self.notes.push(note);
        }
        self.heads = heads;
    }

    /// Every change, oldest first.
    pub fn all(&self) -> &[ChangeNote] {
        &self.notes
    }

    /// The changes of one entity (a person, a tandem, a partner), oldest first.
    pub fn of(&self, subject: &str) -> Vec<ChangeNote> {
        self.by_subject
            .get(subject)
            .map(|indices| indices.iter().map(|&i| self.notes[i].clone()).collect())
            .unwrap_or_default()
    }

    /// The latest changes, newest first.
    pub fn latest(&self, count: usize) -> Vec<ChangeNote> {
        self.notes.iter().rev().take(count).cloned().collect()
    }
}

impl ProgrammeDocument {
    /// Who changed what after `heads` (those of them this document knows),
    /// oldest first.
    pub fn history_after(&self, heads: &[ChangeHash]) -> Vec<ChangeNote> {
        crate::document::changes::notes_of(
            &self
                .doc
                .get_changes_meta(&crate::document::changes::known_heads(&self.doc, heads)),
        )
    }
}
