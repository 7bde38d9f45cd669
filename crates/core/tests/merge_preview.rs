//! A partner's file of changes is previewed from the changes' metadata,
//! without merging it into a copy of the programme: the preview lists
//! exactly the changes merging brings, in the same order, and every file
//! a merge would refuse is refused before anything here changes.

mod common;

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT};
use common::Cohort;
use tandem_core::{
    Author, ChangeNote, Command, Contents, ExchangeError, ExchangeFile, ProgrammeDocument, Role,
};

const NOW: i64 = 1_770_000_000;

/// Düsseldorf's programme and Köln's copy of it, joined by invitation.
fn two_coordinators() -> (Cohort, ProgrammeDocument) {
    let duesseldorf = Cohort::new();
    let invite = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Invite, &[]);
    let koeln = ProgrammeDocument::join(&invite).unwrap();
    (duesseldorf, koeln)
}

/// A file of changes with the given body, as Düsseldorf would send it.
fn file_of(from: &ProgrammeDocument, body: Vec<u8>, heads: Vec<String>) -> ExchangeFile {
    let mut file = ExchangeFile::new(
        from.id(),
        "Cross-Mentoring",
        Contents::Changes,
        "Petra Probe",
        NOW,
        heads,
        body,
    );
    let exported = from.export("Petra Probe", NOW, Contents::Changes, &[]);
    file.header.generation = exported.header.generation;
    file
}

/// The notes of the changes `after` holds beyond `before`, in history order.
fn brought(before: &ProgrammeDocument, after: &ProgrammeDocument) -> Vec<ChangeNote> {
    let known: Vec<String> = before.history().into_iter().map(|note| note.hash).collect();
    after
        .history()
        .into_iter()
        .filter(|note| !known.contains(&note.hash))
        .collect()
}

/// Merges the file into a copy of `here`; the copy and how many changes.
fn merged(here: &ProgrammeDocument, file: &ExchangeFile) -> (ProgrammeDocument, usize) {
    let mut copy = here.clone();
    let preview = copy.preview(file).unwrap();
    let count = copy.merge(preview).unwrap();
    (copy, count)
}

#[test]
fn the_preview_lists_exactly_the_changes_the_merge_brings() {
    let (mut duesseldorf, koeln) = two_coordinators();
    let seen = koeln.heads();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    duesseldorf.accepted("Klaus Muster", Role::Mentor, duesseldorf.duesseldorf);
    duesseldorf
        .apply(Command::Rename {
            name: "Cross-Mentoring 2026".into(),
        })
        .unwrap();
    let changes = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Changes, &seen);
    let whole = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Whole, &[]);

    let preview = koeln.preview(&changes).unwrap();
    let (after, count) = merged(&koeln, &changes);
    assert!(preview.changes.len() >= 4, "{:?}", preview.changes);
    assert_eq!(preview.changes, brought(&koeln, &after));
    assert_eq!(count, preview.changes.len());
    assert_eq!(after.programme(), duesseldorf.document.programme());
    // A whole programme is merged into a copy to preview it: both ways
    // list the same.
    assert_eq!(koeln.preview(&whole).unwrap().changes, preview.changes);
    assert!(!preview.claims_device(&[0; 32]));

    // A file holding changes already here brings only the others; a file
    // merged before brings nothing.
    let everything = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Changes, &[]);
    assert_eq!(koeln.preview(&everything).unwrap().changes, preview.changes);
    let mut again = after.clone();
    let nothing = again.preview(&changes).unwrap();
    assert!(nothing.is_empty());
    assert_eq!(again.merge(nothing).unwrap(), 0);
    assert_eq!(again.heads(), after.heads());
}

#[test]
fn changes_sent_out_of_order_are_listed_in_the_order_they_are_merged() {
    let (mut duesseldorf, koeln) = two_coordinators();
    let mut chunks = Vec::new();
    let mut people = Vec::new();
    for name in ["Miriam Beispiel", "Klaus Muster", "Jana Exempel"] {
        let before = duesseldorf.document.heads();
        people.push(Some(
            duesseldorf
                .applicant(name, Role::Mentee, duesseldorf.koeln)
                .to_string(),
        ));
        chunks.push(duesseldorf.document.save_after(&before));
    }
    chunks.reverse();
    let heads = duesseldorf
        .document
        .heads()
        .iter()
        .map(|hash| hash.to_string())
        .collect();
    let file = file_of(&duesseldorf.document, chunks.concat(), heads);

    let preview = koeln.preview(&file).unwrap();
    let (after, count) = merged(&koeln, &file);
    assert_eq!(count, 3);
    assert_eq!(preview.changes, brought(&koeln, &after));
    let subjects: Vec<Option<String>> = preview
        .changes
        .iter()
        .map(|note| note.subject.clone())
        .collect();
    assert_eq!(subjects, people, "as made, not as sent");
}

#[test]
fn each_file_a_merge_refuses_is_refused_by_the_preview() {
    let (mut duesseldorf, koeln) = two_coordinators();
    let seen = koeln.heads();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let middle = duesseldorf.document.heads();
    duesseldorf.applicant("Jana Exempel", Role::Mentee, duesseldorf.koeln);
    let heads: Vec<String> = duesseldorf
        .document
        .heads()
        .iter()
        .map(|hash| hash.to_string())
        .collect();

    // Built on a change Köln never received.
    let later = file_of(
        &duesseldorf.document,
        duesseldorf.document.save_after(&middle),
        heads.clone(),
    );
    assert_eq!(
        koeln.preview(&later).unwrap_err(),
        ExchangeError::MissingEarlierChanges
    );

    // A head the body does not hold: damaged behind its checksum.
    let first_only = file_of(
        &duesseldorf.document,
        Automerge::load(&duesseldorf.document.clone().save())
            .unwrap()
            .fork_at(&middle)
            .unwrap()
            .save_after(&seen),
        heads.clone(),
    );
    assert_eq!(
        koeln.preview(&first_only).unwrap_err(),
        ExchangeError::Damaged
    );

    // A change chunk damaged behind the file's checksum.
    let mut body = duesseldorf.document.save_after(&seen);
    let at = body.len() / 2;
    body[at] ^= 0x55;
    let damaged = file_of(&duesseldorf.document, body, heads.clone());
    assert_eq!(koeln.preview(&damaged).unwrap_err(), ExchangeError::Damaged);

    // The changes of a programme made separately, from its genesis on.
    let separately = Cohort::new();
    let foreign = file_of(
        &duesseldorf.document,
        separately.document.save_after(&[]),
        Vec::new(),
    );
    assert_eq!(
        koeln.preview(&foreign).unwrap_err(),
        ExchangeError::NoCommonHistory
    );

    let honest = file_of(
        &duesseldorf.document,
        duesseldorf.document.save_after(&seen),
        heads,
    );
    assert_eq!(koeln.preview(&honest).unwrap().changes.len(), 2);
}

#[test]
fn a_change_reusing_the_number_of_one_here_is_refused_before_anything_changes() {
    let (duesseldorf, mut koeln) = two_coordinators();
    koeln
        .apply(
            &Author::new("Karla Köln"),
            NOW,
            Command::Rename {
                name: "Köln".into(),
            },
        )
        .unwrap();
    // Another change under the actor and number of Köln's last one.
    let raw = Automerge::load(&koeln.clone().save()).unwrap();
    let last = raw.get_changes_meta(&[]).pop().unwrap();
    let (actor, deps) = (last.actor.into_owned(), last.deps.clone());
    let mut forged = raw.fork_at(&deps).unwrap();
    forged.set_actor(actor);
    let mut tx = forged.transaction();
    tx.put(ROOT, "forged", "ja").unwrap();
    tx.commit();
    let body = forged.save_after(&deps);
    assert!(!body.is_empty());
    let file = file_of(&duesseldorf.document, body, Vec::new());

    let before = koeln.clone();
    // Refused by the preview or, at the latest, by the merge: either way
    // the programme here is as it was.
    if let Ok(preview) = koeln.preview(&file) {
        let error = koeln.merge(preview).unwrap_err();
        assert_eq!(error.code(), "exchange-damaged", "{error}");
    }
    assert_eq!(koeln.heads(), before.heads());
    assert_eq!(koeln.programme(), before.programme());
    assert_eq!(koeln.history(), before.history());
}
