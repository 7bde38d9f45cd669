//! Two or three coordinators edit the same programme apart and exchange
//! files: they converge, nothing is guessed, and every clash is reported.

mod common;

use common::{day, Cohort};
use proptest::prelude::*;
use tandem_core::{
    Author, ChosenValue, Command, Conflict, Contents, Decision, ExchangeError, ExchangeFile,
    Invariant, PersonId, ProgrammeDocument, Role, Settle, TandemId,
};

const NOW: i64 = 1_770_000_000;

/// Köln joins Düsseldorf's programme from its invitation.
fn two_coordinators() -> (Cohort, ProgrammeDocument, Author) {
    let duesseldorf = Cohort::new();
    let invite = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Invite, &[]);
    let bytes = invite.encode();
    let koeln = ProgrammeDocument::join(&ExchangeFile::decode(&bytes).unwrap()).unwrap();
    (duesseldorf, koeln, Author::new("Karla Köln"))
}

fn send(from: &ProgrammeDocument, to: &mut ProgrammeDocument) -> usize {
    let file = ExchangeFile::decode(&from.export("", NOW, Contents::Whole, &[]).encode()).unwrap();
    let preview = to.preview(&file).unwrap();
    to.merge(preview).unwrap()
}

#[test]
fn a_partner_joins_by_invitation_and_sees_the_same_programme() {
    let (duesseldorf, koeln, _) = two_coordinators();
    assert_eq!(koeln.programme(), duesseldorf.document.programme());
    assert_eq!(koeln.heads(), duesseldorf.document.heads());
}

#[test]
fn edits_made_apart_meet_after_files_go_both_ways() {
    let (mut duesseldorf, mut koeln, karla) = two_coordinators();
    let miriam = duesseldorf.accepted("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let klaus = PersonId::random();
    koeln
        .apply(
            &karla,
            NOW,
            Command::AddPerson {
                id: klaus,
                details: Cohort::details("Klaus Muster", Role::Mentor, duesseldorf.duesseldorf),
                applied_on: day("2026-01-11"),
            },
        )
        .unwrap();
    assert_eq!(send(&duesseldorf.document, &mut koeln), 2);
    assert_eq!(send(&koeln, &mut duesseldorf.document), 1);
    assert_eq!(koeln.heads(), duesseldorf.document.heads());
    assert_eq!(koeln.programme(), duesseldorf.document.programme());
    assert!(koeln.programme().people.contains_key(&miriam));
    // The merged model equals one read afresh from the merged document.
    let fresh = ProgrammeDocument::load(&koeln.clone().save()).unwrap();
    assert_eq!(fresh.programme(), koeln.programme());
}

#[test]
fn the_preview_says_who_changed_what_before_anything_is_merged() {
    let (mut duesseldorf, koeln, _) = two_coordinators();
    let miriam = duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let file = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Whole, &[]);
    let preview = koeln.preview(&file).unwrap();
    assert_eq!(preview.changes.len(), 1);
    assert_eq!(preview.changes[0].name, "Petra Probe");
    assert_eq!(preview.changes[0].command, "add-person");
    assert_eq!(preview.changes[0].subject, Some(miriam.to_string()));
    assert!(
        koeln.programme().people.is_empty(),
        "a preview changes nothing"
    );
}

#[test]
fn only_the_changes_a_partner_has_not_seen_travel() {
    let (mut duesseldorf, mut koeln, _) = two_coordinators();
    let seen = koeln.heads();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let whole = duesseldorf.document.export("", NOW, Contents::Whole, &[]);
    let changes = duesseldorf
        .document
        .export("", NOW, Contents::Changes, &seen);
    assert!(changes.body.len() < whole.body.len());
    let preview = koeln.preview(&changes).unwrap();
    assert_eq!(koeln.merge(preview).unwrap(), 1);
    assert_eq!(koeln.programme(), duesseldorf.document.programme());
}

#[test]
fn changes_that_build_on_unseen_changes_are_refused() {
    let (mut duesseldorf, koeln, _) = two_coordinators();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let seen = duesseldorf.document.heads();
    duesseldorf.applicant("Jana Exempel", Role::Mentee, duesseldorf.koeln);
    let changes = duesseldorf
        .document
        .export("", NOW, Contents::Changes, &seen);
    assert_eq!(
        koeln.preview(&changes).unwrap_err(),
        ExchangeError::MissingEarlierChanges
    );
}

#[test]
fn merging_the_same_file_twice_changes_nothing() {
    let (mut duesseldorf, mut koeln, _) = two_coordinators();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let file = duesseldorf.document.export("", NOW, Contents::Whole, &[]);
    let first = koeln.preview(&file).unwrap();
    koeln.merge(first).unwrap();
    let heads = koeln.heads();
    let again = koeln.preview(&file).unwrap();
    assert!(again.is_empty());
    assert_eq!(koeln.merge(again).unwrap(), 0);
    assert_eq!(koeln.heads(), heads);
}

#[test]
fn a_programme_of_the_same_name_made_separately_is_refused() {
    let duesseldorf = Cohort::new();
    let mut separately = Cohort::new();
    // Same id forged into the header: the missing common history still shows.
    let mut file = separately.document.export("", NOW, Contents::Whole, &[]);
    file.header.programme = duesseldorf.document.id().to_string();
    assert_eq!(
        duesseldorf.document.preview(&file).unwrap_err(),
        ExchangeError::NoCommonHistory
    );
    let honest = separately.document.export("", NOW, Contents::Whole, &[]);
    assert_eq!(
        duesseldorf.document.preview(&honest).unwrap_err(),
        ExchangeError::OtherProgramme("Cross-Mentoring Düsseldorf–Köln".into())
    );
    let _ = &mut separately;
}

#[test]
fn a_damaged_file_is_refused_and_the_programme_is_untouched() {
    let (mut duesseldorf, koeln, _) = two_coordinators();
    duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let mut bytes = duesseldorf
        .document
        .export("", NOW, Contents::Whole, &[])
        .encode();
    let middle = bytes.len() - 40;
    bytes[middle] ^= 0x55;
    assert_eq!(
        ExchangeFile::decode(&bytes).unwrap_err(),
        ExchangeError::Damaged
    );
    let truncated = duesseldorf
        .document
        .export("", NOW, Contents::Whole, &[])
        .encode();
    assert_eq!(
        ExchangeFile::decode(&truncated[..truncated.len() / 2]).unwrap_err(),
        ExchangeError::Damaged
    );
    assert!(koeln.programme().people.is_empty());
}

fn accept_everywhere(
    cohort: &mut Cohort,
    koeln: &mut ProgrammeDocument,
) -> (PersonId, PersonId, PersonId) {
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let jana = cohort.accepted("Jana Exempel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    send(&cohort.document, koeln);
    (miriam, jana, klaus)
}

#[test]
fn the_same_mentor_put_into_two_tandems_apart_is_a_conflict_naming_both_coordinators() {
    let (mut duesseldorf, mut koeln, karla) = two_coordinators();
    let (miriam, jana, klaus) = accept_everywhere(&mut duesseldorf, &mut koeln);
    let first = TandemId::random();
    duesseldorf
        .apply(Command::CreateTandem {
            id: first,
            mentee: miriam,
            mentor: klaus,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
    let second = TandemId::random();
    koeln
        .apply(
            &karla,
            NOW,
            Command::CreateTandem {
                id: second,
                mentee: jana,
                mentor: klaus,
                co_mentor: None,
                start: day("2026-02-01"),
                planned_end: day("2027-04-30"),
            },
        )
        .unwrap();
    send(&duesseldorf.document, &mut koeln);
    send(&koeln, &mut duesseldorf.document);

    let conflicts = koeln.conflicts();
    assert_eq!(conflicts, duesseldorf.document.conflicts());
    let [Conflict::Broken(violation)] = conflicts.as_slice() else {
        panic!("expected one capacity conflict, got {conflicts:?}");
    };
    assert_eq!(violation.invariant, Invariant::MentorCapacity);
    assert_eq!(
        (
            violation.people.as_slice(),
            violation.limit,
            violation.tandems.len()
        ),
        (&[klaus][..], Some(1), 2)
    );
    assert!(violation.settle.contains(&Settle::DissolveTandem(second)));
    let mut authors: Vec<&str> = violation
        .causes
        .iter()
        .filter(|cause| cause.command == "create-tandem")
        .map(|cause| cause.by.as_str())
        .collect();
    authors.sort();
    assert_eq!(authors, vec!["Karla Köln", "Petra Probe"]);

    koeln
        .apply(&karla, NOW, Command::DissolveTandem { id: second })
        .unwrap();
    assert!(koeln.conflicts().is_empty());
    send(&koeln, &mut duesseldorf.document);
    assert!(duesseldorf.document.conflicts().is_empty());
    assert!(!duesseldorf
        .document
        .programme()
        .tandems
        .contains_key(&second));
}

#[test]
fn a_value_set_differently_at_once_keeps_both_until_a_coordinator_chooses() {
    let (mut duesseldorf, mut koeln, karla) = two_coordinators();
    let miriam = duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    send(&duesseldorf.document, &mut koeln);
    duesseldorf
        .apply(Command::Decide {
            person: miriam,
            decision: Decision::Accept,
            on: day("2026-01-20"),
        })
        .unwrap();
    koeln
        .apply(
            &karla,
            NOW,
            Command::Decide {
                person: miriam,
                decision: Decision::Decline,
                on: day("2026-01-20"),
            },
        )
        .unwrap();
    send(&duesseldorf.document, &mut koeln);
    send(&koeln, &mut duesseldorf.document);

    let conflicts = koeln.conflicts();
    let stage = conflicts
        .iter()
        .find_map(|conflict| match conflict {
            Conflict::ConcurrentValues { path, values }
                if path.last().map(String::as_str) == Some("stage") =>
            {
                Some((path.clone(), values.clone()))
            }
            _ => None,
        })
        .expect("the stage was set twice at once");
    assert_eq!(
        stage.0,
        vec![
            "people".to_string(),
            miriam.to_string(),
            "application".into(),
            "stage".into()
        ]
    );
    let mut seen: Vec<(String, String)> = stage
        .1
        .iter()
        .map(|v| (v.author.clone(), v.value.text()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("Karla Köln".into(), "Declined".into()),
            ("Petra Probe".into(), "Accepted".into())
        ]
    );

    koeln
        .apply(
            &karla,
            NOW,
            Command::ChooseValue {
                path: stage.0.clone(),
                value: ChosenValue::Text("Accepted".into()),
            },
        )
        .unwrap();
    send(&koeln, &mut duesseldorf.document);
    for document in [&koeln, &duesseldorf.document] {
        assert!(!document
            .conflicts()
            .iter()
            .any(|c| matches!(c, Conflict::ConcurrentValues { .. })));
        assert_eq!(
            document.programme().people[&miriam].application.stage,
            tandem_core::Stage::Accepted
        );
    }
}

#[test]
fn different_fields_of_one_person_edited_apart_do_not_clash() {
    let (mut duesseldorf, mut koeln, karla) = two_coordinators();
    let miriam = duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    send(&duesseldorf.document, &mut koeln);
    let mut details = duesseldorf.document.programme().people[&miriam]
        .details
        .clone();
    details.position = "Sachgebietsleitung".into();
    duesseldorf
        .apply(Command::UpdatePerson {
            id: miriam,
            details: details.clone(),
        })
        .unwrap();
    let mut other = koeln.programme().people[&miriam].details.clone();
    other.phone = "0221 555".into();
    koeln
        .apply(
            &karla,
            NOW,
            Command::UpdatePerson {
                id: miriam,
                details: other,
            },
        )
        .unwrap();
    send(&duesseldorf.document, &mut koeln);
    send(&koeln, &mut duesseldorf.document);
    let merged = &koeln.programme().people[&miriam].details;
    assert_eq!(
        (merged.position.as_str(), merged.phone.as_str()),
        ("Sachgebietsleitung", "0221 555")
    );
    assert!(koeln.conflicts().is_empty(), "{:?}", koeln.conflicts());
}

/// One coordinator's random edit.
#[derive(Debug, Clone)]
enum Edit {
    AddPerson { role: Role, name: u8 },
    Accept { pick: usize },
    Tandem { mentee: usize, mentor: usize },
    Rename { pick: usize, name: u8 },
    Exchange { from: usize, to: usize },
}

fn edit() -> impl Strategy<Value = (usize, Edit)> {
    let one = prop_oneof![
        (
            prop_oneof![Just(Role::Mentee), Just(Role::Mentor)],
            any::<u8>()
        )
            .prop_map(|(role, name)| Edit::AddPerson { role, name }),
        any::<usize>().prop_map(|pick| Edit::Accept { pick }),
        (any::<usize>(), any::<usize>())
            .prop_map(|(mentee, mentor)| Edit::Tandem { mentee, mentor }),
        (any::<usize>(), any::<u8>()).prop_map(|(pick, name)| Edit::Rename { pick, name }),
        (0..3usize, 0..3usize).prop_map(|(from, to)| Edit::Exchange { from, to }),
    ];
    (0..3usize, one)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn three_coordinators_exchanging_in_any_order_converge_and_report_the_same_conflicts(edits in prop::collection::vec(edit(), 1..40)) {
        let cohort = Cohort::new();
        let (duesseldorf, koeln) = (cohort.duesseldorf, cohort.koeln);
        let invite = cohort.document.export("", NOW, Contents::Invite, &[]);
        let mut replicas: Vec<ProgrammeDocument> = (0..3).map(|_| ProgrammeDocument::join(&invite).unwrap()).collect();
        let authors = [Author::new("Petra Probe"), Author::new("Karla Köln"), Author::new("Bea Baunatal")];
        for (who, edit) in edits {
            let programme = replicas[who].programme().clone();
            let people: Vec<PersonId> = programme.people.keys().copied().collect();
            let pick = |n: usize| (!people.is_empty()).then(|| people[n % people.len()]);
            let command = match edit {
                Edit::AddPerson { role, name } => Some(Command::AddPerson {
                    id: PersonId::random(),
                    details: Cohort::details(&format!("Person {name} {who}"), role, if name % 2 == 0 { duesseldorf } else { koeln }),
                    applied_on: day("2026-01-10"),
                }),
                Edit::Accept { pick: n } => pick(n).map(|person| Command::Decide { person, decision: Decision::Accept, on: day("2026-01-20") }),
                Edit::Tandem { mentee, mentor } => match (pick(mentee), pick(mentor)) {
                    (Some(mentee), Some(mentor)) => Some(Command::CreateTandem { id: TandemId::random(), mentee, mentor, co_mentor: None, start: day("2026-02-01"), planned_end: day("2027-01-31") }),
                    _ => None,
                },
                Edit::Rename { pick: n, name } => pick(n).map(|id| {
                    let mut details = programme.people[&id].details.clone();
                    details.position = format!("Position {name}");
                    Command::UpdatePerson { id, details }
                }),
                Edit::Exchange { from, to } => {
                    if from != to {
                        let file = replicas[from].export("", NOW, Contents::Whole, &[]);
                        let preview = replicas[to].preview(&file).unwrap();
                        replicas[to].merge(preview).unwrap();
                    }
                    None
                }
            };
            if let Some(command) = command {
                // Refused commands are part of the game: they must leave no trace.
                let _ = replicas[who].apply(&authors[who], NOW, command);
            }
        }
        // Heal: everyone sends to everyone.
        for from in 0..3 {
            for to in 0..3 {
                if from != to {
                    let file = replicas[from].export("", NOW, Contents::Whole, &[]);
                    let preview = replicas[to].preview(&file).unwrap();
                    replicas[to].merge(preview).unwrap();
                }
            }
        }
        let heads = replicas[0].heads();
        for replica in &replicas {
            prop_assert_eq!(replica.heads(), heads.clone());
            prop_assert_eq!(replica.programme(), replicas[0].programme());
            prop_assert_eq!(replica.conflicts(), replicas[0].conflicts());
            let fresh = ProgrammeDocument::load(&replica.clone().save()).unwrap();
            prop_assert_eq!(fresh.programme(), replica.programme());
        }
        // Every broken capacity rule is in the conflict list.
        let programme = replicas[0].programme();
        let conflicts = replicas[0].conflicts();
        for (id, person) in &programme.people {
            let load = programme.active_tandems().filter(|(_, t)| t.mentor == *id).count();
            if person.details.role == Role::Mentor && load > programme.rules.mentor_capacity as usize {
                let reported = conflicts.iter().any(|c| matches!(c, Conflict::Broken(v) if v.invariant == Invariant::MentorCapacity && v.people == vec![*id]));
                prop_assert!(reported, "over capacity, not reported");
            }
            let in_tandems = programme.active_tandems().filter(|(_, t)| t.mentee == *id).count();
            if in_tandems > 1 {
                let reported = conflicts.iter().any(|c| matches!(c, Conflict::Broken(v) if v.invariant == Invariant::OneRunningTandem && v.people == vec![*id]));
                prop_assert!(reported, "in several tandems, not reported");
            }
        }
    }
}

#[test]
fn an_invitation_from_a_newer_tandem_is_refused_as_too_new() {
    use automerge::transaction::Transactable;
    let mut doc = automerge::Automerge::new();
    doc.transact(|tx| tx.put(automerge::ROOT, "format", 7_u64))
        .unwrap();
    let file = ExchangeFile::new(
        tandem_core::ProgrammeId::random(),
        "Zukunft",
        Contents::Invite,
        "",
        NOW,
        vec![],
        doc.save(),
    );
    assert_eq!(
        ProgrammeDocument::join(&file).unwrap_err(),
        ExchangeError::TooNew(7)
    );
}
