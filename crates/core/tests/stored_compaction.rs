//! Compacting what is stored of a programme (a snapshot and the chunks
//! written after it) into one snapshot, without the programme in memory:
//! what the app's compaction worker does. The snapshot must open as the
//! same programme, under the same name the document would give it.

mod common;

use common::Cohort;
use tandem_core::{LoadError, ProgrammeDocument, Role};

/// A programme stored as a snapshot and `chunks` chunks of one applicant
/// each, and the document that wrote them.
fn stored(chunks: usize) -> (ProgrammeDocument, Vec<u8>) {
    let mut cohort = Cohort::new();
    let mut stored = cohort.document.save();
    for number in 0..chunks {
        cohort.applicant(&format!("Person {number}"), Role::Mentee, cohort.koeln);
        stored.extend_from_slice(&cohort.document.save_incremental());
    }
    (cohort.document, stored)
}

#[test]
fn stored_chunks_compact_into_one_snapshot_of_the_same_programme() {
    let (mut document, stored) = stored(40);
    let (name, snapshot) = ProgrammeDocument::compact_stored(&stored).unwrap();

    let opened = ProgrammeDocument::load(&snapshot).unwrap();
    assert_eq!(opened.heads(), document.heads());
    assert_eq!(opened.programme(), document.programme());
    assert_eq!(opened.programme().people.len(), 40);
    assert_eq!(name, document.heads_key(), "named as the document names it");
    // One snapshot, as the document would write it: no smaller, no larger.
    assert_eq!(snapshot.len(), document.save().len());
    assert!(
        snapshot.len() < stored.len(),
        "{} of {}",
        snapshot.len(),
        stored.len()
    );
}

#[test]
fn a_snapshot_compacts_to_itself() {
    let (mut document, _) = stored(3);
    let snapshot = document.save();
    let (name, again) = ProgrammeDocument::compact_stored(&snapshot).unwrap();
    assert_eq!(name, document.heads_key());
    assert_eq!(again, snapshot);
}

#[test]
fn what_is_no_programme_is_not_compacted() {
    let (_, stored) = stored(2);
    let mut damaged = stored.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    assert!(matches!(
        ProgrammeDocument::compact_stored(&damaged),
        Err(LoadError::Damaged)
    ));
    let mut other = automerge::AutoCommit::new();
    automerge::transaction::Transactable::put(&mut other, automerge::ROOT, "name", "Liste")
        .unwrap();
    assert!(matches!(
        ProgrammeDocument::compact_stored(&other.save()),
        Err(LoadError::NotAProgramme)
    ));
}
