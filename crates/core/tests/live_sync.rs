//! The programme's side of live sync: what is pushed, what counts as
//! stored at the relay, and how deliveries merge, in any order.

mod common;

use common::Cohort;
use tandem_core::{Author, Command, LiveSync, ProgrammeDocument, Received, Role};

fn copy_of(cohort: &mut Cohort) -> ProgrammeDocument {
    ProgrammeDocument::load(&cohort.document.save()).expect("a saved programme loads")
}

fn rename(document: &mut ProgrammeDocument, name: &str) {
    document
        .apply(
            &Author::new("Kai Köln"),
            1_770_000_000,
            Command::Rename { name: name.into() },
        )
        .expect("a valid name");
}

#[test]
fn nothing_is_pushed_until_something_changes_and_each_change_once() {
    let mut cohort = Cohort::new();
    let mut live = LiveSync::new(cohort.document.heads());
    assert_eq!(live.outgoing(&cohort.document), None);
    cohort.accepted("Mara Mentee", Role::Mentee, cohort.duesseldorf);
    assert!(live.outgoing(&cohort.document).is_some());
    assert_eq!(live.outgoing(&cohort.document), None);
}

#[test]
fn changes_wait_until_the_relay_acknowledges_them() {
    let mut cohort = Cohort::new();
    let mut live = LiveSync::new(cohort.document.heads());
    cohort.accepted("Mara Mentee", Role::Mentee, cohort.duesseldorf);
    let first = live.outgoing(&cohort.document);
    assert!(first.is_some());
    let after_first = cohort.document.heads();
    cohort.accepted("Ole Mentor", Role::Mentor, cohort.koeln);
    assert!(live.outgoing(&cohort.document).is_some());
    let waiting_all = live.waiting(&cohort.document);
    assert!(waiting_all >= 4, "two people, each added and decided");

    live.acknowledged();
    assert_eq!(live.acknowledged_heads(), after_first.as_slice());
    assert!(live.waiting(&cohort.document) < waiting_all);
    live.acknowledged();
    assert_eq!(live.waiting(&cohort.document), 0);
    assert_eq!(
        live.acknowledged_heads(),
        cohort.document.heads().as_slice()
    );
}

#[test]
fn after_a_restart_everything_not_acknowledged_is_pushed_again() {
    let mut cohort = Cohort::new();
    let stored = cohort.document.heads();
    let mut there = copy_of(&mut cohort);
    let mut live = LiveSync::new(stored.clone());
    cohort.accepted("Mara Mentee", Role::Mentee, cohort.duesseldorf);
    let lost = live.outgoing(&cohort.document);
    assert!(lost.is_some());
    // The tab closes before the acknowledgement: the stored heads are old.
    let mut restarted = LiveSync::new(live.acknowledged_heads().to_vec());
    let again = restarted
        .outgoing(&cohort.document)
        .expect("the unacknowledged change is pushed again");
    LiveSync::new(there.heads())
        .receive(&mut there, again)
        .unwrap();
    assert_eq!(there.programme(), cohort.document.programme());
}

#[test]
fn a_delivery_before_the_change_it_builds_on_is_held_then_merged() {
    let mut cohort = Cohort::new();
    let mut anna = copy_of(&mut cohort);
    let mut ben = copy_of(&mut cohort);
    let mut anna_live = LiveSync::new(anna.heads());
    rename(&mut anna, "Erste Änderung");
    let first = anna_live.outgoing(&anna).unwrap();
    rename(&mut anna, "Zweite Änderung");
    let second = anna_live.outgoing(&anna).unwrap();

    let mut ben_live = LiveSync::new(ben.heads());
    assert_eq!(ben_live.receive(&mut ben, second).unwrap(), Received::Held);
    assert_eq!(ben.programme().name, "Cross-Mentoring Düsseldorf–Köln");
    assert_eq!(ben_live.held(), 1);
    assert_eq!(
        ben_live.receive(&mut ben, first).unwrap(),
        Received::Merged(2)
    );
    assert_eq!(ben_live.held(), 0);
    assert_eq!(ben.programme().name, "Zweite Änderung");
    assert_eq!(ben.heads(), anna.heads());
}

#[test]
fn received_changes_are_not_pushed_back_when_nothing_was_waiting() {
    let mut cohort = Cohort::new();
    let mut anna = copy_of(&mut cohort);
    let mut ben = copy_of(&mut cohort);
    let mut anna_live = LiveSync::new(anna.heads());
    let mut ben_live = LiveSync::new(ben.heads());
    rename(&mut anna, "Von Anna");
    let push = anna_live.outgoing(&anna).unwrap();
    ben_live.receive(&mut ben, push).unwrap();
    assert_eq!(ben_live.outgoing(&ben), None);
    assert_eq!(ben_live.waiting(&ben), 0);
}

#[test]
fn own_changes_made_meanwhile_still_go_out_with_the_received_ones_merged() {
    let mut cohort = Cohort::new();
    let mut anna = copy_of(&mut cohort);
    let mut ben = copy_of(&mut cohort);
    let mut anna_live = LiveSync::new(anna.heads());
    let mut ben_live = LiveSync::new(ben.heads());
    rename(&mut anna, "Von Anna");
    let from_anna = anna_live.outgoing(&anna).unwrap();
    // Ben edits offline, then Anna's push arrives.
    ben.apply(
        &Author::new("Ben"),
        1_770_000_100,
        Command::SetDates {
            start: common::day("2026-03-01"),
            end: common::day("2027-04-30"),
        },
    )
    .unwrap();
    ben_live.receive(&mut ben, from_anna).unwrap();
    assert!(ben_live.waiting(&ben) >= 1);
    let from_ben = ben_live.outgoing(&ben).expect("Ben's edit goes out");
    anna_live.receive(&mut anna, from_ben).unwrap();
    assert_eq!(anna.heads(), ben.heads());
    assert_eq!(anna.programme().start, common::day("2026-03-01"));
    assert_eq!(anna.programme().name, "Von Anna");
}

#[test]
fn a_programme_of_another_genesis_is_refused_and_nothing_changes() {
    let mut cohort = Cohort::new();
    let mut other = Cohort::new();
    let before = cohort.document.programme().clone();
    let foreign = other.document.save();
    let mut live = LiveSync::new(cohort.document.heads());
    assert!(live.receive(&mut cohort.document, foreign).is_err());
    assert_eq!(cohort.document.programme(), &before);
    assert_eq!(live.held(), 0);
}

#[test]
fn damaged_bytes_change_nothing() {
    let mut cohort = Cohort::new();
    let before = cohort.document.programme().clone();
    let heads = cohort.document.heads();
    let mut live = LiveSync::new(heads.clone());
    let received = live.receive(&mut cohort.document, b"kein Automerge".to_vec());
    assert!(
        matches!(received, Ok(Received::Merged(0)) | Err(_)),
        "{received:?}"
    );
    assert_eq!(cohort.document.programme(), &before);
    assert_eq!(cohort.document.heads(), heads);
    assert_eq!(live.outgoing(&cohort.document), None);
}

#[test]
fn a_snapshot_loads_as_the_whole_programme_for_a_new_device() {
    let mut cohort = Cohort::new();
    cohort.accepted("Mara Mentee", Role::Mentee, cohort.duesseldorf);
    let mut live = LiveSync::new(Vec::new());
    let whole = live.snapshot(&mut cohort.document);
    let joined = ProgrammeDocument::load(&whole).unwrap();
    assert_eq!(joined.programme(), cohort.document.programme());
    live.acknowledged();
    assert_eq!(live.waiting(&cohort.document), 0);
}
