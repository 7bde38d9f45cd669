//! The programme's invariants: no single coordinator can break one by any
//! command, two coordinators working apart can, and then the conflict list
//! says so with the ways to settle it.

mod common;

use std::collections::BTreeMap;
use tandem_core::TandemError;

use common::{day, Cohort};
use tandem_core::{
    invariants, Answer, AnswerSource, Audience, ClockTime, Command, CommandError, ConsentRecord,
    ConsentWay, Contents, Decision, EventDetails, EventId, EventKind, Invariant, MatchingWeights,
    Outcome, OutcomeWhen, Pair, PersonDetails, PersonId, ProgrammeDocument, Question, QuestionKind,
    ResponseId, Role, Rules, Settle, Survey, SurveyAudience, SurveyDue, SurveyId, TandemEnding,
    TandemId,
};

fn broken(document: &ProgrammeDocument) -> Vec<Invariant> {
    invariants(document.programme())
        .into_iter()
        .map(|violation| violation.invariant)
        .collect()
}

/// The command is refused, and every rule still holds.
fn refused(cohort: &mut Cohort, command: Command) -> CommandError {
    let before = cohort.document.heads();
    let error = cohort
        .apply(command)
        .expect_err("the command would break a rule");
    assert_eq!(cohort.document.heads(), before, "a refusal leaves no trace");
    assert_eq!(broken(&cohort.document), vec![]);
    error
}

fn tandem(mentee: PersonId, mentor: PersonId) -> (TandemId, Command) {
    let id = TandemId::random();
    (
        id,
        Command::CreateTandem {
            id,
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        },
    )
}

/// Miriam (Köln) and Klaus (Düsseldorf) in a running tandem.
fn paired() -> (Cohort, PersonId, PersonId, TandemId) {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let (id, create) = tandem(miriam, klaus);
    cohort.apply(create).unwrap();
    (cohort, miriam, klaus, id)
}

fn event(capacity: Option<u32>) -> EventDetails {
    EventDetails {
        kind: EventKind::Workshop,
        title: "Auftaktworkshop".into(),
        start_day: day("2026-03-10"),
        start_time: ClockTime::parse("09:00").unwrap(),
        end_day: day("2026-03-10"),
        end_time: ClockTime::parse("17:00").unwrap(),
        place: "Rathaus".into(),
        online_link: String::new(),
        host: None,
        audience: Audience::All,
        capacity,
        minutes: 480,
        description: String::new(),
    }
}

fn survey() -> Survey {
    Survey {
        title: "Zwischenbilanz".into(),
        due: SurveyDue::MidTerm,
        audience: SurveyAudience::Everyone,
        questions: vec![Question {
            key: "passt".into(),
            text: "Passt das Tandem?".into(),
            kind: QuestionKind::Scale,
            anonymous: false,
        }],
    }
}

fn answers(survey: SurveyId, person: PersonId) -> Command {
    Command::RecordSurveyAnswers {
        survey,
        person,
        on: day("2026-06-01"),
        source: AnswerSource::Paper,
        answers: BTreeMap::from([("passt".to_string(), Answer::Scale { value: 4 })]),
        response: ResponseId::random(),
        anonymous_response: ResponseId::random(),
    }
}

#[test]
fn every_invariant_is_named_once_with_a_stable_code() {
    let codes: std::collections::BTreeSet<&str> = Invariant::ALL
        .iter()
        .map(|invariant| invariant.code())
        .collect();
    assert_eq!(codes.len(), Invariant::ALL.len());
}

// One test per invariant: a single coordinator cannot break it.

#[test]
fn the_programme_never_ends_before_it_starts() {
    let mut cohort = Cohort::new();
    refused(
        &mut cohort,
        Command::SetDates {
            start: day("2027-01-01"),
            end: day("2026-01-01"),
        },
    );
}

#[test]
fn a_mentor_always_takes_at_least_one_mentee() {
    let mut cohort = Cohort::new();
    let mut rules = cohort.document.programme().rules;
    rules.mentor_capacity = 0;
    refused(&mut cohort, Command::SetRules { rules });
}

#[test]
fn a_partner_organisation_is_named_once() {
    let mut cohort = Cohort::new();
    refused(
        &mut cohort,
        Command::AddPartner {
            id: tandem_core::PartnerId::random(),
            name: "stadt köln".into(),
        },
    );
    let rename = Command::RenamePartner {
        id: cohort.duesseldorf,
        name: cohort.document.programme().partners[&cohort.koeln]
            .name
            .clone(),
    };
    refused(&mut cohort, rename);
}

#[test]
fn a_person_belongs_to_a_partner_organisation_of_the_programme() {
    let mut cohort = Cohort::new();
    let stranger = tandem_core::PartnerId::random();
    refused(
        &mut cohort,
        Command::AddPerson {
            id: PersonId::random(),
            details: Cohort::details("Olga Ohneamt", Role::Mentee, stranger),
            applied_on: day("2026-01-10"),
        },
    );
}

#[test]
fn nobody_applies_twice() {
    let mut cohort = Cohort::new();
    let mut details = Cohort::details("Miriam Beispiel", Role::Mentee, cohort.koeln);
    details.email = "miriam@koeln.example".into();
    cohort
        .apply(Command::AddPerson {
            id: PersonId::random(),
            details: details.clone(),
            applied_on: day("2026-01-10"),
        })
        .unwrap();
    let jana = cohort.applicant("Jana Zweite", Role::Mentee, cohort.koeln);
    let mut same = details.clone();
    same.email = "MIRIAM@koeln.example".into();
    refused(
        &mut cohort,
        Command::AddPerson {
            id: PersonId::random(),
            details: same.clone(),
            applied_on: day("2026-01-11"),
        },
    );
    // Giving another applicant her address makes the same person twice.
    same.name = "Jana Zweite".into();
    refused(
        &mut cohort,
        Command::UpdatePerson {
            id: jana,
            details: same,
        },
    );
}

#[test]
fn a_running_tandem_names_people_of_the_programme_in_their_roles() {
    let (mut cohort, miriam, klaus, _) = paired();
    let mut details: PersonDetails = cohort.document.programme().people[&miriam].details.clone();
    details.role = Role::Mentor;
    refused(
        &mut cohort,
        Command::UpdatePerson {
            id: miriam,
            details,
        },
    );
    let (_, nobody) = tandem(PersonId::random(), klaus);
    refused(&mut cohort, nobody);
    let (_, alone) = tandem(klaus, klaus);
    refused(&mut cohort, alone);
}

#[test]
fn a_tandem_never_ends_before_it_starts() {
    let (mut cohort, _, _, id) = paired();
    refused(
        &mut cohort,
        Command::EndTandem {
            id,
            ending: TandemEnding::Completed,
            on: day("2026-01-01"),
        },
    );
    let mentee = cohort.accepted("Jana Zweite", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Bernd Zweiter", Role::Mentor, cohort.duesseldorf);
    refused(
        &mut cohort,
        Command::CreateTandem {
            id: TandemId::random(),
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-05-01"),
            planned_end: day("2026-04-01"),
        },
    );
}

#[test]
fn everyone_in_a_running_tandem_stays_accepted() {
    let (mut cohort, miriam, klaus, _) = paired();
    refused(
        &mut cohort,
        Command::Decide {
            person: miriam,
            decision: Decision::Decline,
            on: day("2026-03-01"),
        },
    );
    refused(
        &mut cohort,
        Command::Withdraw {
            person: klaus,
            reason: "Stellenwechsel".into(),
            on: day("2026-03-01"),
        },
    );
    let applicant = cohort.applicant("Jana Zweite", Role::Mentee, cohort.koeln);
    let other = cohort.accepted("Bernd Zweiter", Role::Mentor, cohort.duesseldorf);
    refused(&mut cohort, tandem(applicant, other).1);
}

#[test]
fn a_mentee_is_in_one_running_tandem_at_most() {
    let (mut cohort, miriam, _, _) = paired();
    let other = cohort.accepted("Bernd Zweiter", Role::Mentor, cohort.duesseldorf);
    refused(&mut cohort, tandem(miriam, other).1);
}

#[test]
fn a_mentor_has_no_more_running_tandems_than_allowed() {
    let (mut cohort, _, klaus, _) = paired();
    let jana = cohort.accepted("Jana Zweite", Role::Mentee, cohort.koeln);
    refused(&mut cohort, tandem(jana, klaus).1);
    // Lowering the capacity below a mentor's tandems is refused too.
    let mut rules = cohort.document.programme().rules;
    rules.mentor_capacity = 2;
    cohort.apply(Command::SetRules { rules }).unwrap();
    cohort.apply(tandem(jana, klaus).1).unwrap();
    rules.mentor_capacity = 1;
    refused(&mut cohort, Command::SetRules { rules });
}

#[test]
fn where_the_programme_pairs_across_organisations_every_running_tandem_does() {
    let (mut cohort, miriam, _, _) = paired();
    let jana = cohort.accepted("Jana Zweite", Role::Mentee, cohort.koeln);
    let kurt = cohort.accepted("Kurt Köln", Role::Mentor, cohort.koeln);
    refused(&mut cohort, tandem(jana, kurt).1);
    // Moving Miriam to Klaus's city would put the tandem inside one.
    let mut details = cohort.document.programme().people[&miriam].details.clone();
    details.organisation = Some(cohort.duesseldorf);
    refused(
        &mut cohort,
        Command::UpdatePerson {
            id: miriam,
            details,
        },
    );
}

#[test]
fn co_mentors_only_where_the_programme_uses_them() {
    let mut cohort = Cohort::new();
    let mut rules = cohort.document.programme().rules;
    rules.co_mentors = true;
    cohort.apply(Command::SetRules { rules }).unwrap();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let carla = cohort.accepted("Carla Co", Role::CoMentor, cohort.koeln);
    cohort
        .apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee: miriam,
            mentor: klaus,
            co_mentor: Some(carla),
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        })
        .unwrap();
    rules.co_mentors = false;
    refused(&mut cohort, Command::SetRules { rules });
}

#[test]
fn a_pair_is_fixed_or_excluded_never_both() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    for command in [
        Command::ExcludePair {
            mentee: miriam,
            mentor: klaus,
        },
        Command::FixPair {
            mentee: miriam,
            mentor: klaus,
        },
        Command::ExcludePair {
            mentee: miriam,
            mentor: klaus,
        },
    ] {
        cohort.apply(command).unwrap();
        assert_eq!(broken(&cohort.document), vec![]);
    }
}

#[test]
fn an_event_has_no_more_registrations_than_places() {
    let mut cohort = Cohort::new();
    let id = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id,
            details: event(Some(1)),
        })
        .unwrap();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let jana = cohort.accepted("Jana Zweite", Role::Mentee, cohort.koeln);
    let register = |person| Command::MarkAttendance {
        event: id,
        person,
        status: tandem_core::AttendanceStatus::Registered,
    };
    cohort.apply(register(miriam)).unwrap();
    refused(&mut cohort, register(jana));
    // Nor by taking places away.
    cohort
        .apply(Command::UpdateEvent {
            id,
            details: event(Some(2)),
        })
        .unwrap();
    cohort.apply(register(jana)).unwrap();
    refused(
        &mut cohort,
        Command::UpdateEvent {
            id,
            details: event(Some(1)),
        },
    );
}

#[test]
fn an_event_never_ends_before_it_starts() {
    let mut cohort = Cohort::new();
    let mut details = event(None);
    details.end_time = ClockTime::parse("08:00").unwrap();
    refused(
        &mut cohort,
        Command::CreateEvent {
            id: EventId::random(),
            details,
        },
    );
}

#[test]
fn attendance_certificates_consent_and_outcomes_name_people_of_the_programme() {
    let mut cohort = Cohort::new();
    let id = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id,
            details: event(None),
        })
        .unwrap();
    let nobody = PersonId::random();
    refused(
        &mut cohort,
        Command::MarkAttendance {
            event: id,
            person: nobody,
            status: tandem_core::AttendanceStatus::Attended,
        },
    );
    refused(
        &mut cohort,
        Command::GrantCertificate {
            person: nobody,
            reason: "Krankheit".into(),
            on: day("2027-04-01"),
        },
    );
    refused(
        &mut cohort,
        Command::RecordConsent {
            person: nobody,
            consent: consent(None),
        },
    );
    refused(
        &mut cohort,
        Command::RecordOutcome {
            person: nobody,
            when: OutcomeWhen::End,
            outcome: Some(Outcome::default()),
        },
    );
}

#[test]
fn a_person_answers_a_questionnaire_once() {
    let (mut cohort, miriam, _, _) = paired();
    let id = SurveyId::random();
    cohort
        .apply(Command::DefineSurvey {
            id,
            survey: survey(),
        })
        .unwrap();
    cohort.apply(answers(id, miriam)).unwrap();
    refused(&mut cohort, answers(id, miriam));
}

#[test]
fn a_questionnaire_with_answers_stays() {
    let (mut cohort, miriam, _, _) = paired();
    let id = SurveyId::random();
    cohort
        .apply(Command::DefineSurvey {
            id,
            survey: survey(),
        })
        .unwrap();
    cohort.apply(answers(id, miriam)).unwrap();
    refused(&mut cohort, Command::RemoveSurvey { id });
}

#[test]
fn outcomes_are_recorded_for_mentees() {
    let (mut cohort, miriam, klaus, tandem) = paired();
    refused(
        &mut cohort,
        Command::RecordOutcome {
            person: klaus,
            when: OutcomeWhen::End,
            outcome: Some(Outcome::default()),
        },
    );
    cohort
        .apply(Command::EndTandem {
            id: tandem,
            ending: TandemEnding::Completed,
            on: day("2027-01-31"),
        })
        .unwrap();
    cohort
        .apply(Command::RecordOutcome {
            person: miriam,
            when: OutcomeWhen::End,
            outcome: Some(Outcome::default()),
        })
        .unwrap();
    let mut details = cohort.document.programme().people[&miriam].details.clone();
    details.role = Role::Mentor;
    refused(
        &mut cohort,
        Command::UpdatePerson {
            id: miriam,
            details,
        },
    );
}

fn consent(withdrawn_on: Option<tandem_core::Day>) -> ConsentRecord {
    ConsentRecord {
        processing: true,
        photos: false,
        named_in_reports: false,
        given_on: day("2026-01-10"),
        way: ConsentWay::PaperForm,
        recorded_by: "Petra Probe".into(),
        withdrawn_on,
    }
}

#[test]
fn consent_is_never_withdrawn_before_it_was_given() {
    let mut cohort = Cohort::new();
    let miriam = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    refused(
        &mut cohort,
        Command::RecordConsent {
            person: miriam,
            consent: consent(Some(day("2026-01-01"))),
        },
    );
}

#[test]
fn personal_data_is_kept_no_longer_than_allowed() {
    let mut cohort = Cohort::new();
    refused(
        &mut cohort,
        Command::SetRetention {
            months: Some(tandem_core::MAX_RETENTION_MONTHS + 1),
        },
    );
}

#[test]
fn undoing_a_change_never_breaks_a_rule() {
    let (mut cohort, miriam, _, first) = paired();
    cohort
        .apply(Command::EndTandem {
            id: first,
            ending: TandemEnding::Early {
                reason: "Umzug".into(),
            },
            on: day("2026-04-01"),
        })
        .unwrap();
    let ended = cohort.document.history().last().unwrap().hash.clone();
    let bernd = cohort.accepted("Bernd Zweiter", Role::Mentor, cohort.duesseldorf);
    cohort.apply(tandem(miriam, bernd).1).unwrap();
    // Taking the ending back would put Miriam in two running tandems.
    let error = refused(&mut cohort, Command::UndoChange { hash: ended });
    assert_eq!(
        error,
        CommandError::Tandem(TandemError::AlreadyMatched("Miriam Beispiel".into()))
    );
}

#[test]
fn the_matching_weights_are_no_rule_and_change_freely() {
    // A sanity check of the guard: commands that touch no rule pass.
    let (mut cohort, _, _, _) = paired();
    cohort
        .apply(Command::SetMatchingWeights {
            weights: MatchingWeights::default(),
        })
        .unwrap();
    assert_eq!(broken(&cohort.document), vec![]);
}

// Two coordinators apart break what neither could alone.

fn send(from: &ProgrammeDocument, to: &mut ProgrammeDocument) {
    let file = from.export("", 0, Contents::Changes, &to.heads());
    let preview = to.preview(&file).expect("the partner's changes are sound");
    to.merge(preview).unwrap();
}

#[test]
fn a_withdrawal_on_one_side_and_a_tandem_on_the_other_are_a_conflict_settled_by_ending_it() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    let karla = tandem_core::Author::new("Karla Köln");
    let (id, create) = tandem(miriam, klaus);
    cohort.apply(create).unwrap();
    koeln
        .apply(
            &karla,
            1_770_000_100,
            Command::Withdraw {
                person: miriam,
                reason: "Stellenwechsel".into(),
                on: day("2026-02-03"),
            },
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    send(&cohort.document, &mut koeln);
    for replica in [&cohort.document, &koeln] {
        let conflicts = replica.conflicts();
        let violation = conflicts
            .iter()
            .find_map(|conflict| conflict.violation())
            .expect("the broken rule is listed");
        assert_eq!(violation.invariant, Invariant::MembersAccepted);
        assert_eq!(
            (violation.people.clone(), violation.tandems.clone()),
            (vec![miriam], vec![id])
        );
        let authors: Vec<&str> = violation
            .causes
            .iter()
            .map(|cause| cause.by.as_str())
            .collect();
        assert!(
            authors.contains(&"Karla Köln") && authors.contains(&"Petra Probe"),
            "{authors:?}"
        );
        assert!(
            !violation.settle.contains(&Settle::AcceptAgain(miriam)),
            "withdrawn people reapply"
        );
    }
    let end = Settle::EndTandem(id)
        .command(koeln.programme(), day("2026-02-10"), "Zurückgezogen")
        .unwrap();
    koeln.apply(&karla, 1_770_000_200, end).unwrap();
    send(&koeln, &mut cohort.document);
    assert_eq!(broken(&koeln), vec![]);
    assert_eq!(broken(&cohort.document), vec![]);
}

#[test]
fn the_conflict_list_is_the_same_after_opening_the_stored_programme() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let bernd = cohort.accepted("Bernd Zweiter", Role::Mentor, cohort.duesseldorf);
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    cohort.apply(tandem(miriam, klaus).1).unwrap();
    koeln
        .apply(
            &tandem_core::Author::new("Karla Köln"),
            0,
            tandem(miriam, bernd).1,
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    let listed = cohort.document.conflicts();
    assert_eq!(broken(&cohort.document), vec![Invariant::OneRunningTandem]);
    let opened = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    assert_eq!(opened.conflicts(), listed);
    let view = tandem_core::ProgrammeView::of(&cohort.document, &[]);
    assert_eq!(view.conflicts(), listed.as_slice());
    // Any command but one that settles it leaves it listed, not refused.
    cohort
        .apply(Command::Rename {
            name: "Cross-Mentoring 2026".into(),
        })
        .unwrap();
    assert_eq!(broken(&cohort.document), vec![Invariant::OneRunningTandem]);
}

#[test]
fn the_dashboard_puts_broken_rules_first_by_severity() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    let karla = tandem_core::Author::new("Karla Köln");
    cohort
        .apply(Command::AddPartner {
            id: tandem_core::PartnerId::random(),
            name: "Kreis Mettmann".into(),
        })
        .unwrap();
    koeln
        .apply(
            &karla,
            0,
            Command::AddPartner {
                id: tandem_core::PartnerId::random(),
                name: "Kreis Mettmann".into(),
            },
        )
        .unwrap();
    cohort.apply(tandem(miriam, klaus).1).unwrap();
    koeln
        .apply(
            &karla,
            0,
            Command::Withdraw {
                person: klaus,
                reason: "Ruhestand".into(),
                on: day("2026-02-02"),
            },
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    let dashboard = tandem_core::Dashboard::of(cohort.document.programme());
    let order: Vec<Invariant> = dashboard
        .violations
        .iter()
        .map(|violation| violation.invariant)
        .collect();
    assert_eq!(
        order,
        vec![Invariant::MembersAccepted, Invariant::PartnerOnce]
    );
    let rename = dashboard.violations[1]
        .settle
        .iter()
        .find_map(|settle| settle.command(cohort.document.programme(), day("2026-02-05"), ""))
        .expect("a duplicate partner can be renamed by one command");
    cohort.apply(rename).unwrap();
    assert_eq!(broken(&cohort.document), vec![Invariant::MembersAccepted]);
}

#[test]
fn a_rules_change_that_pairs_across_organisations_and_a_tandem_inside_one_meet_as_a_conflict() {
    let mut cohort = Cohort::new();
    let mut rules: Rules = cohort.document.programme().rules;
    rules.different_organisations = false;
    cohort.apply(Command::SetRules { rules }).unwrap();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let kurt = cohort.accepted("Kurt Köln", Role::Mentor, cohort.koeln);
    let mut koeln = cohort.document.fork_as(b"koeln-device");
    let (id, create) = tandem(miriam, kurt);
    cohort.apply(create).unwrap();
    rules.different_organisations = true;
    koeln
        .apply(
            &tandem_core::Author::new("Karla Köln"),
            0,
            Command::SetRules { rules },
        )
        .unwrap();
    send(&koeln, &mut cohort.document);
    let violations = invariants(cohort.document.programme());
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].invariant, Invariant::AcrossOrganisations);
    assert!(violations[0].settle.contains(&Settle::DissolveTandem(id)));
    let pair = Pair {
        mentee: miriam,
        mentor: kurt,
    };
    assert!(!violations[0].settle.contains(&Settle::FixPair(pair)));
}
