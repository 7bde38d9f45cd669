//! Looking back at the programme and taking back one change.

mod common;

use common::{day, Cohort};
use tandem_core::{Command, CommandError, Decision, Role, Stage};

fn last_change(cohort: &Cohort) -> String {
    cohort
        .document
        .history()
        .last()
        .expect("there are changes")
        .hash
        .clone()
}

#[test]
fn an_edit_taken_back_restores_the_value_before_it() {
    let mut cohort = Cohort::new();
    let miriam = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mut details = cohort.document.programme().people[&miriam].details.clone();
    details.position = "Sachgebietsleitung".into();
    cohort
        .apply(Command::UpdatePerson {
            id: miriam,
            details,
        })
        .unwrap();
    let edit = last_change(&cohort);
    cohort
        .apply(Command::UndoChange { hash: edit.clone() })
        .unwrap();
    assert_eq!(
        cohort.document.programme().people[&miriam].details.position,
        ""
    );
    let undo = cohort.document.history().last().unwrap().clone();
    assert_eq!(undo.command, "undo-change");
    assert_eq!(undo.subject, Some(edit));
}

#[test]
fn taking_back_an_added_person_removes_them_and_nothing_else() {
    let mut cohort = Cohort::new();
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    let miriam = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let added = last_change(&cohort);
    cohort.apply(Command::UndoChange { hash: added }).unwrap();
    let people = &cohort.document.programme().people;
    assert!(!people.contains_key(&miriam));
    assert!(people.contains_key(&jana));
}

#[test]
fn a_value_changed_again_since_is_not_taken_back() {
    let mut cohort = Cohort::new();
    let miriam = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::Decide {
            person: miriam,
            decision: Decision::Waitlist,
            on: day("2026-01-20"),
        })
        .unwrap();
    let waitlisted = last_change(&cohort);
    cohort
        .apply(Command::Decide {
            person: miriam,
            decision: Decision::Accept,
            on: day("2026-02-01"),
        })
        .unwrap();
    assert_eq!(
        cohort.apply(Command::UndoChange { hash: waitlisted }),
        Err(CommandError::NothingToUndo)
    );
    assert_eq!(
        cohort.document.programme().people[&miriam]
            .application
            .stage,
        Stage::Accepted
    );
}

#[test]
fn the_programme_itself_cannot_be_taken_back() {
    let mut cohort = Cohort::new();
    let genesis = cohort.document.history()[0].hash.clone();
    assert_eq!(
        cohort.apply(Command::UndoChange { hash: genesis }),
        Err(CommandError::NothingToUndo)
    );
    assert_eq!(
        cohort.apply(Command::UndoChange {
            hash: "not a hash".into()
        }),
        Err(CommandError::NothingToUndo)
    );
}

#[test]
fn the_programme_can_be_seen_as_it_was_after_any_change() {
    let mut cohort = Cohort::new();
    cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    let after_jana = last_change(&cohort);
    cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let then = cohort.document.programme_at(&after_jana).unwrap();
    assert_eq!(then.people.len(), 1);
    assert_eq!(cohort.document.programme().people.len(), 2);
}
