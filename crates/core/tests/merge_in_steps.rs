//! A partner's file is merged a few changes at a time, so that the page
//! stays responsive: the result is the same as merging it in one go, the
//! programme here is untouched until the merge is taken in, and what
//! happened here meanwhile is kept.

mod common;

use common::{day, Cohort};
use tandem_core::{
    Author, Command, Conflict, Contents, Decision, ExchangeError, ExchangeFile, ProgrammeDocument,
    Role,
};

const NOW: i64 = 1_770_000_000;

/// Düsseldorf's programme with an applicant, Köln's copy of it, and a
/// file of Düsseldorf's next changes: `more` applicants, and accepting
/// the applicant Köln declines at the same time.
fn partner_file(more: usize) -> (ProgrammeDocument, ExchangeFile, Author) {
    let mut duesseldorf = Cohort::new();
    let miriam = duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let invite = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Invite, &[]);
    let mut koeln = ProgrammeDocument::join(&invite).unwrap();
    let seen = koeln.heads();
    let karla = Author::new("Karla Köln");
    for number in 0..more {
        duesseldorf.applicant(
            &format!("Person {number}"),
            Role::Mentor,
            duesseldorf.duesseldorf,
        );
    }
    let decide = |decision| Command::Decide {
        person: miriam,
        decision,
        on: day("2026-01-20"),
    };
    duesseldorf.apply(decide(Decision::Accept)).unwrap();
    koeln.apply(&karla, NOW, decide(Decision::Decline)).unwrap();
    let file = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Changes, &seen);
    (koeln, file, karla)
}

#[test]
fn a_file_merged_in_steps_is_the_file_merged_in_one_go() {
    // More changes than are applied, and than have their patches read,
    // at once.
    let (koeln, file, _) = partner_file(600);
    let mut in_steps = koeln.clone();
    let preview = in_steps.preview(&file).unwrap();
    let listed = preview.changes.len();
    let mut steps = in_steps.merge_in_steps(preview).expect("only changes");
    let mut taken = 1;
    while !steps.step().unwrap() {
        taken += 1;
        // Nothing here changes until the merge is taken in.
        assert_eq!(in_steps.heads(), koeln.heads());
        assert_eq!(in_steps.programme(), koeln.programme());
    }
    let count = in_steps.finish_merge(steps).unwrap();

    let mut in_one_go = koeln.clone();
    in_one_go.merge_bytes(&file.body).unwrap();

    assert!(taken > 60, "{taken} steps");
    assert_eq!(count, listed);
    assert!(count > 600, "{count}");
    assert_eq!(in_steps.heads(), in_one_go.heads());
    assert_eq!(in_steps.programme(), in_one_go.programme());
    assert_eq!(in_steps.programme().people.len(), 601);
    assert_eq!(in_steps.conflicts(), in_one_go.conflicts());
    assert!(in_steps
        .conflicts()
        .iter()
        .any(|conflict| matches!(conflict, Conflict::ConcurrentValues { path, .. } if path.last().map(String::as_str) == Some("stage"))));
    // As the programme opens from what is stored.
    let opened = ProgrammeDocument::load(&in_steps.save()).unwrap();
    assert_eq!(opened.programme(), in_steps.programme());
    assert_eq!(opened.conflicts(), in_steps.conflicts());
}

#[test]
fn an_edit_made_here_during_the_steps_is_kept_with_the_file() {
    let (mut koeln, file, karla) = partner_file(30);
    let rename = Command::Rename {
        name: "Cross-Mentoring 2027".into(),
    };
    // The same edit, then the file merged in one go.
    let mut expected = koeln.clone();
    expected.apply(&karla, NOW, rename.clone()).unwrap();
    expected.merge_bytes(&file.body).unwrap();

    let preview = koeln.preview(&file).unwrap();
    let listed = preview.changes.len();
    let mut steps = koeln.merge_in_steps(preview).expect("only changes");
    for _ in 0..3 {
        assert!(!steps.step().unwrap());
    }
    koeln.apply(&karla, NOW, rename).unwrap();
    let count = koeln.finish_merge(steps).unwrap();
    assert_eq!(count, listed);
    assert_eq!(koeln.programme().name, "Cross-Mentoring 2027");
    assert_eq!(koeln.programme().people.len(), 31);
    assert_eq!(koeln.programme(), expected.programme());
    assert_eq!(koeln.conflicts(), expected.conflicts());
    let file_heads: Vec<_> = file
        .header
        .heads
        .iter()
        .map(|head| head.parse().unwrap())
        .collect();
    assert!(koeln.has_seen(&file_heads));
    let opened = ProgrammeDocument::load(&koeln.save()).unwrap();
    assert_eq!(opened.programme(), koeln.programme());
}

#[test]
fn a_file_merged_before_brings_nothing_in_steps() {
    let (mut koeln, file, _) = partner_file(30);
    let preview = koeln.preview(&file).unwrap();
    koeln.merge(preview).unwrap();
    let heads = koeln.heads();
    let preview = koeln.preview(&file).unwrap();
    assert!(preview.is_empty());
    let steps = koeln.merge_in_steps(preview).expect("only changes");
    assert_eq!(koeln.finish_merge(steps).unwrap(), 0);
    assert_eq!(koeln.heads(), heads);
}

#[test]
fn what_a_merge_brought_is_stored_as_the_next_chunk_and_opens() {
    let (mut koeln, file, karla) = partner_file(30);
    let mut stored = koeln.save();
    let preview = koeln.preview(&file).unwrap();
    koeln.merge(preview).unwrap();
    let chunk = koeln.save_incremental();
    assert!(chunk.len() > 1_000, "{} bytes", chunk.len());
    stored.extend_from_slice(&chunk);
    let opened = ProgrammeDocument::load(&stored).unwrap();
    assert_eq!(opened.heads(), koeln.heads());
    assert_eq!(opened.programme(), koeln.programme());
    assert!(koeln.save_incremental().is_empty(), "stored once");

    // The next chunk holds only what came after.
    let rename = |name: &str| Command::Rename { name: name.into() };
    koeln
        .apply(&karla, NOW, rename("Cross-Mentoring 2027"))
        .unwrap();
    let next = koeln.save_incremental();
    assert!(next.len() < chunk.len() / 10, "{} bytes", next.len());
    stored.extend_from_slice(&next);
    let opened = ProgrammeDocument::load(&stored).unwrap();
    assert_eq!(opened.programme(), koeln.programme());
}

#[test]
fn an_edit_between_a_merge_and_storing_is_stored_with_it() {
    let (mut koeln, file, karla) = partner_file(30);
    let mut stored = koeln.save();
    let preview = koeln.preview(&file).unwrap();
    koeln.merge(preview).unwrap();
    koeln
        .apply(
            &karla,
            NOW,
            Command::Rename {
                name: "Cross-Mentoring 2027".into(),
            },
        )
        .unwrap();
    stored.extend_from_slice(&koeln.save_incremental());
    let opened = ProgrammeDocument::load(&stored).unwrap();
    assert_eq!(opened.heads(), koeln.heads());
    assert_eq!(opened.programme(), koeln.programme());
    assert_eq!(opened.programme().name, "Cross-Mentoring 2027");
}

#[test]
fn a_file_read_and_previewed_in_steps_is_previewed_as_in_one_go() {
    let (mut koeln, file, _) = partner_file(600);
    let bytes = file.encode();
    let mut reading = ExchangeFile::read_in_steps(&bytes).unwrap();
    while !reading.step() {}
    let read = reading.finish().unwrap();
    assert_eq!(read, file);

    let mut steps = koeln.preview_in_steps(&read).unwrap();
    let mut taken = 1;
    while !steps.step() {
        taken += 1;
    }
    let preview = koeln.finish_preview(steps).unwrap();
    let in_one_go = koeln.preview(&file).unwrap();
    assert!(taken > 5, "{taken} steps");
    assert!(preview.changes.len() > 600);
    assert_eq!(preview.changes, in_one_go.changes);
    assert_eq!(preview.file_heads, in_one_go.file_heads);

    let mut expected = koeln.clone();
    expected.merge(in_one_go).unwrap();
    koeln.merge(preview).unwrap();
    assert_eq!(koeln.heads(), expected.heads());
    assert_eq!(koeln.programme(), expected.programme());
}

#[test]
fn a_body_changed_behind_its_header_is_refused_after_the_steps() {
    let (_, file, _) = partner_file(30);
    let mut bytes = file.encode();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let mut reading = ExchangeFile::read_in_steps(&bytes).unwrap();
    while !reading.step() {}
    assert!(matches!(reading.finish(), Err(ExchangeError::Damaged)));
    // Also when finished without stepping.
    let reading = ExchangeFile::read_in_steps(&bytes).unwrap();
    assert!(matches!(reading.finish(), Err(ExchangeError::Damaged)));
}

#[test]
fn changes_that_arrive_while_a_file_is_previewed_are_not_listed_as_new() {
    let (mut koeln, file, _) = partner_file(300);
    let mut steps = koeln.preview_in_steps(&file).unwrap();
    assert!(!steps.step());
    // The same changes arrive meanwhile (by live sync, say).
    koeln.merge_bytes(&file.body).unwrap();
    let preview = koeln.finish_preview(steps).unwrap();
    assert!(preview.is_empty(), "{} listed", preview.changes.len());
}
