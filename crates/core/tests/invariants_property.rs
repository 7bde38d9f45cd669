//! Two to four coordinators from one genesis apply random commands of
//! every kind offline and exchange in random order. After every merge the
//! conflict list is exactly the violated invariants, each offers a command
//! that the programme accepts, and in the end the offered commands settle
//! every violation, after which every rule holds on every replica.
//!
//! Every command, the settling ones included, is applied twice: with the
//! check a command gets (only the invariants and entities it can affect,
//! `rules::scope`) and with the whole check (every value and every
//! invariant of the programme before and after). Both must refuse the same
//! commands with the same error and produce the same programme: an entity
//! or key the scoped check misses shows here as a command it lets through.
//!
//! Bounded (24 cases of up to 30 steps, and 48 of up to 40 steps for the
//! comparison alone); seeds that found a gap are kept in
//! `invariants_property.proptest-regressions` and run first.

mod common;

use std::collections::BTreeMap;

use common::{day, Cohort};
use proptest::prelude::*;
use tandem_core::{
    invariants, Answer, AnswerSource, ApplicationAnswers, ApplicationForm, Audience, Author,
    ClockTime, Command, ConsentRecord, ConsentWay, Contents, Decision, EventDetails, EventId,
    EventKind, FormLanguage, GivenConsents, Outcome, OutcomeWhen, PartnerId, PersonId,
    ProgrammeDocument, Question, QuestionKind, Receipt, ResponseId, Role, Survey, SurveyAudience,
    SurveyDue, SurveyId, TandemEnding, TandemId, Violation,
};

/// One coordinator's step.
#[derive(Debug, Clone)]
enum Step {
    AddPerson {
        name: u8,
        role: u8,
        koeln: bool,
    },
    Accept {
        pick: u8,
    },
    Withdraw {
        pick: u8,
    },
    Tandem {
        mentee: u8,
        mentor: u8,
    },
    CoMentor {
        tandem: u8,
        person: u8,
    },
    EndTandem {
        pick: u8,
    },
    Dissolve {
        pick: u8,
    },
    MoveOrganisation {
        pick: u8,
    },
    ChangeRole {
        pick: u8,
        role: u8,
    },
    Rules {
        capacity: u8,
        across: bool,
        co_mentors: bool,
    },
    Fix {
        mentee: u8,
        mentor: u8,
    },
    Exclude {
        mentee: u8,
        mentor: u8,
    },
    Register {
        pick: u8,
    },
    Places {
        places: u8,
    },
    MoveEvent {
        day: u8,
        end: bool,
    },
    Answer {
        pick: u8,
    },
    RemoveSurvey,
    Outcome {
        pick: u8,
    },
    Consent {
        pick: u8,
        withdrawn: Option<u8>,
        given: u8,
    },
    AddPartner {
        name: u8,
    },
    Dates {
        start: u8,
        end: u8,
    },
    Undo {
        back: u8,
    },
    /// Take in one of a few applications by link (the same one on two
    /// sides makes two people with one receipt).
    TakeIn {
        receipt: u8,
    },
    DeclineApplication {
        receipt: u8,
    },
    ApplicationWithdrawn {
        receipt: u8,
    },
    /// Send one replica's changes to another: by file or live.
    Exchange {
        from: u8,
        to: u8,
        live: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..6u8, 0..3u8, any::<bool>()).prop_map(|(name, role, koeln)| Step::AddPerson { name, role, koeln }),
        3 => any::<u8>().prop_map(|pick| Step::Accept { pick }),
        1 => any::<u8>().prop_map(|pick| Step::Withdraw { pick }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(mentee, mentor)| Step::Tandem { mentee, mentor }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(tandem, person)| Step::CoMentor { tandem, person }),
        1 => any::<u8>().prop_map(|pick| Step::EndTandem { pick }),
        1 => any::<u8>().prop_map(|pick| Step::Dissolve { pick }),
        1 => any::<u8>().prop_map(|pick| Step::MoveOrganisation { pick }),
        1 => (any::<u8>(), 0..3u8).prop_map(|(pick, role)| Step::ChangeRole { pick, role }),
        1 => (1..3u8, any::<bool>(), any::<bool>()).prop_map(|(capacity, across, co_mentors)| Step::Rules { capacity, across, co_mentors }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(mentee, mentor)| Step::Fix { mentee, mentor }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(mentee, mentor)| Step::Exclude { mentee, mentor }),
        2 => any::<u8>().prop_map(|pick| Step::Register { pick }),
        1 => (1..3u8).prop_map(|places| Step::Places { places }),
        1 => (0..4u8, any::<bool>()).prop_map(|(day, end)| Step::MoveEvent { day, end }),
        2 => any::<u8>().prop_map(|pick| Step::Answer { pick }),
        1 => Just(Step::RemoveSurvey),
        1 => any::<u8>().prop_map(|pick| Step::Outcome { pick }),
        1 => (any::<u8>(), prop::option::of(0..20u8), 0..20u8).prop_map(|(pick, withdrawn, given)| Step::Consent { pick, withdrawn, given }),
        1 => (0..2u8).prop_map(|name| Step::AddPartner { name }),
        1 => (0..3u8, 0..3u8).prop_map(|(start, end)| Step::Dates { start, end }),
        1 => (0..4u8).prop_map(|back| Step::Undo { back }),
        2 => (0..3u8).prop_map(|receipt| Step::TakeIn { receipt }),
        1 => (0..3u8).prop_map(|receipt| Step::DeclineApplication { receipt }),
        1 => (0..3u8).prop_map(|receipt| Step::ApplicationWithdrawn { receipt }),
        6 => (0..4u8, 0..4u8, any::<bool>()).prop_map(|(from, to, live)| Step::Exchange { from, to, live }),
    ]
}

const NAMES: [&str; 6] = [
    "Miriam Beispiel",
    "Jana Zweite",
    "Klaus Muster",
    "Bernd Zweiter",
    "Carla Co",
    "Olga Dritte",
];

struct Genesis {
    document: ProgrammeDocument,
    duesseldorf: PartnerId,
    koeln: PartnerId,
    event: EventId,
    survey: SurveyId,
}

fn genesis() -> Genesis {
    let mut cohort = Cohort::new();
    // An accepted cohort to form tandems from, in both cities.
    for (name, role, koeln) in [
        ("Mia Mentee", Role::Mentee, true),
        ("Kim Mentee", Role::Mentee, true),
        ("Dana Mentee", Role::Mentee, false),
        ("Ralf Mentor", Role::Mentor, false),
        ("Rita Mentor", Role::Mentor, false),
        ("Kai Mentor", Role::Mentor, true),
        ("Cora Co", Role::CoMentor, true),
    ] {
        let organisation = if koeln {
            cohort.koeln
        } else {
            cohort.duesseldorf
        };
        cohort.accepted(name, role, organisation);
    }
    let event = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: event,
            details: event_details(day("2026-03-10"), day("2026-03-10"), Some(1)),
        })
        .unwrap();
    let survey = SurveyId::random();
    cohort
        .apply(Command::DefineSurvey {
            id: survey,
            survey: Survey {
                title: "Zwischenbilanz".into(),
                due: SurveyDue::MidTerm,
                audience: SurveyAudience::Everyone,
                questions: vec![Question {
                    key: "passt".into(),
                    text: "Passt das Tandem?".into(),
                    kind: QuestionKind::Scale,
                    anonymous: false,
                }],
            },
        })
        .unwrap();
    Genesis {
        document: cohort.document,
        duesseldorf: cohort.duesseldorf,
        koeln: cohort.koeln,
        event,
        survey,
    }
}

fn event_details(
    start: tandem_core::Day,
    end: tandem_core::Day,
    capacity: Option<u32>,
) -> EventDetails {
    EventDetails {
        kind: EventKind::Workshop,
        title: "Auftakt".into(),
        start_day: start,
        start_time: ClockTime::parse("09:00").unwrap(),
        end_day: end,
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

/// One of three applications by link, each from its own applicant.
fn application(genesis: &Genesis, n: u8) -> ApplicationForm {
    let name = ["Lina Link", "Tom Formular", "Ute Online"][usize::from(n) % 3];
    ApplicationForm {
        receipt: Receipt::from_random([n, 1, 2, 3, 4, 5, 6, 7]),
        role: role(n),
        answers: ApplicationAnswers {
            name: Some(name.into()),
            email: Some(format!("bewerbung{n}@example.org")),
            organisation: Some(genesis.koeln),
            ..ApplicationAnswers::default()
        },
        consents: GivenConsents {
            processing: true,
            share_contact: n.is_multiple_of(2),
            named_in_reports: true,
        },
        language: FormLanguage::De,
        sent_on: day("2026-01-12"),
    }
}

fn role(n: u8) -> Role {
    [Role::Mentee, Role::Mentor, Role::CoMentor][usize::from(n) % 3]
}

/// The command a step means on the replica as it stands, if any.
fn command(genesis: &Genesis, document: &ProgrammeDocument, step: &Step) -> Option<Command> {
    let programme = document.programme();
    let people: Vec<PersonId> = programme.people.keys().copied().collect();
    let tandems: Vec<TandemId> = programme.tandems.keys().copied().collect();
    let person = |n: u8| (!people.is_empty()).then(|| people[usize::from(n) % people.len()]);
    // Someone of a role, most often accepted: tandems then form often
    // enough to meet each other's rules.
    let of_role = |n: u8, wanted: Role| {
        let fitting: Vec<PersonId> = programme
            .people
            .iter()
            .filter(|(_, p)| p.details.role == wanted)
            .map(|(id, _)| *id)
            .collect();
        (!fitting.is_empty()).then(|| fitting[usize::from(n) % fitting.len()])
    };
    let tandem = |n: u8| (!tandems.is_empty()).then(|| tandems[usize::from(n) % tandems.len()]);
    let on = day("2026-02-15");
    Some(match *step {
        Step::AddPerson {
            name,
            role: r,
            koeln,
        } => Command::AddPerson {
            id: PersonId::random(),
            details: Cohort::details(
                NAMES[usize::from(name)],
                role(r),
                if koeln {
                    genesis.koeln
                } else {
                    genesis.duesseldorf
                },
            ),
            applied_on: day("2026-01-10"),
        },
        Step::Accept { pick } => Command::Decide {
            person: person(pick)?,
            decision: Decision::Accept,
            on,
        },
        Step::Withdraw { pick } => Command::Withdraw {
            person: person(pick)?,
            reason: "Stellenwechsel".into(),
            on,
        },
        Step::Tandem { mentee, mentor } => Command::CreateTandem {
            id: TandemId::random(),
            mentee: of_role(mentee, Role::Mentee)?,
            mentor: of_role(mentor, Role::Mentor)?,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        },
        Step::CoMentor {
            tandem: t,
            person: p,
        } => Command::AssignCoMentors {
            assignments: vec![(tandem(t)?, of_role(p, Role::CoMentor)?)],
        },
        Step::EndTandem { pick } => Command::EndTandem {
            id: tandem(pick)?,
            ending: TandemEnding::Completed,
            on: day("2026-12-31"),
        },
        Step::Dissolve { pick } => Command::DissolveTandem { id: tandem(pick)? },
        Step::MoveOrganisation { pick } => {
            let id = person(pick)?;
            let mut details = programme.people[&id].details.clone();
            details.organisation = Some(if details.organisation == Some(genesis.koeln) {
                genesis.duesseldorf
            } else {
                genesis.koeln
            });
            Command::UpdatePerson { id, details }
        }
        Step::ChangeRole { pick, role: r } => {
            let id = person(pick)?;
            let mut details = programme.people[&id].details.clone();
            details.role = role(r);
            Command::UpdatePerson { id, details }
        }
        Step::Rules {
            capacity,
            across,
            co_mentors,
        } => Command::SetRules {
            rules: tandem_core::Rules {
                different_organisations: across,
                mentor_capacity: u32::from(capacity),
                co_mentors,
            },
        },
        Step::Fix { mentee, mentor } => Command::FixPair {
            mentee: of_role(mentee, Role::Mentee)?,
            mentor: of_role(mentor, Role::Mentor)?,
        },
        Step::Exclude { mentee, mentor } => Command::ExcludePair {
            mentee: of_role(mentee, Role::Mentee)?,
            mentor: of_role(mentor, Role::Mentor)?,
        },
        _ => return records(genesis, document, step),
    })
}

/// The command of a step about events, answers, outcomes, consent, the
/// programme and the history.
fn records(genesis: &Genesis, document: &ProgrammeDocument, step: &Step) -> Option<Command> {
    let programme = document.programme();
    let people: Vec<PersonId> = programme.people.keys().copied().collect();
    let person = |n: u8| (!people.is_empty()).then(|| people[usize::from(n) % people.len()]);
    let mentee = |n: u8| {
        let mentees: Vec<PersonId> = programme
            .people
            .iter()
            .filter(|(_, p)| p.details.role == Role::Mentee)
            .map(|(id, _)| *id)
            .collect();
        (!mentees.is_empty()).then(|| mentees[usize::from(n) % mentees.len()])
    };
    Some(match *step {
        Step::Register { pick } => Command::MarkAttendance {
            event: genesis.event,
            person: person(pick)?,
            status: tandem_core::AttendanceStatus::Registered,
        },
        Step::Places { places } => {
            let mut details = programme.events.get(&genesis.event)?.details.clone();
            details.capacity = Some(u32::from(places));
            Command::UpdateEvent {
                id: genesis.event,
                details,
            }
        }
        Step::MoveEvent { day: d, end } => {
            let mut details = programme.events.get(&genesis.event)?.details.clone();
            let moved = day("2026-03-09").plus_days(i64::from(d));
            if end {
                details.end_day = moved;
            } else {
                details.start_day = moved;
            }
            Command::UpdateEvent {
                id: genesis.event,
                details,
            }
        }
        Step::Answer { pick } => Command::RecordSurveyAnswers {
            survey: genesis.survey,
            person: person(pick)?,
            on: day("2026-06-01"),
            source: AnswerSource::Paper,
            answers: BTreeMap::from([("passt".to_string(), Answer::Scale { value: 4 })]),
            response: ResponseId::random(),
            anonymous_response: ResponseId::random(),
        },
        Step::RemoveSurvey => Command::RemoveSurvey { id: genesis.survey },
        Step::Outcome { pick } => Command::RecordOutcome {
            person: mentee(pick)?,
            when: OutcomeWhen::End,
            outcome: Some(Outcome {
                would_recommend: Some(true),
                ..Outcome::default()
            }),
        },
        Step::Consent {
            pick,
            withdrawn,
            given,
        } => Command::RecordConsent {
            person: person(pick)?,
            consent: ConsentRecord {
                processing: true,
                photos: false,
                named_in_reports: true,
                given_on: day("2026-01-01").plus_days(i64::from(given)),
                way: ConsentWay::PaperForm,
                recorded_by: "Petra Probe".into(),
                withdrawn_on: withdrawn.map(|d| day("2026-01-10").plus_days(i64::from(d))),
            },
        },
        Step::AddPartner { name } => Command::AddPartner {
            id: PartnerId::random(),
            name: ["Kreis Mettmann", "Stadt Neuss"][usize::from(name)].into(),
        },
        Step::Dates { start, end } => Command::SetDates {
            start: day("2026-01-01").plus_days(i64::from(start) * 200),
            end: day("2026-06-01").plus_days(i64::from(end) * 200),
        },
        Step::Undo { back } => {
            let history = document.history();
            let note = history.iter().rev().nth(usize::from(back))?;
            Command::UndoChange {
                hash: note.hash.clone(),
            }
        }
        _ => return by_link(genesis, step),
    })
}

/// The command a step about applications by link means.
fn by_link(genesis: &Genesis, step: &Step) -> Option<Command> {
    Some(match *step {
        Step::TakeIn { receipt } => Command::TakeInApplication {
            id: PersonId::random(),
            application: application(genesis, receipt),
            received_on: day("2026-01-13"),
        },
        Step::DeclineApplication { receipt } => Command::DeclineApplication {
            receipt: application(genesis, receipt).receipt,
            on: day("2026-02-15"),
        },
        Step::ApplicationWithdrawn { receipt } => Command::RecordApplicationWithdrawn {
            receipt: application(genesis, receipt).receipt,
            on: day("2026-02-15"),
        },
        _ => return None,
    })
}

/// Applies a command with the scoped check of `apply`, and on a copy with
/// the whole check: both refuse alike and leave the same programme. Every
/// violation the scoped check did not look at is the same before and after
/// the command (`known-people`, one violation for the whole programme, at
/// most shrinks).
fn apply_compared(
    document: &mut ProgrammeDocument,
    author: &Author,
    at: i64,
    command: Command,
) -> Result<bool, TestCaseError> {
    let mut whole = document.clone();
    let before = invariants(document.programme());
    let expected = whole.apply_checking_whole(author, at, command.clone());
    let scoped = document.apply_scoped(author, at, command.clone());
    prop_assert_eq!(
        scoped.as_ref().map(|_| ()),
        expected.as_ref().map(|_| ()),
        "the scoped check decides otherwise than the whole one on {:?}",
        command
    );
    prop_assert_eq!(document.programme(), whole.programme());
    prop_assert_eq!(document.heads(), whole.heads());
    if let Ok(Some(scoped)) = &scoped {
        let after = invariants(document.programme());
        let (unseen_before, known_before) = unseen(&before, &scoped.before);
        let (unseen_after, known_after) = unseen(&after, &scoped.after);
        prop_assert_eq!(
            unseen_after,
            unseen_before,
            "a violation the check of {:?} did not look at changed",
            command
        );
        if let Some(now) = known_after {
            prop_assert!(known_before.is_some_and(|was| now.within(&was)));
        }
    }
    Ok(scoped.is_ok())
}

/// The violations of the whole list that the scoped list does not hold,
/// with `known-people` apart.
fn unseen(whole: &[Violation], scoped: &[Violation]) -> (Vec<Violation>, Option<Violation>) {
    let mut seen = scoped.to_vec();
    let mut unseen = Vec::new();
    let mut known = None;
    for violation in whole {
        if let Some(at) = seen.iter().position(|v| v == violation) {
            seen.remove(at);
        } else if violation.invariant == tandem_core::Invariant::KnownPeople {
            known = Some(violation.clone());
        } else {
            unseen.push(violation.clone());
        }
    }
    // The scoped list holds only violations of the whole list.
    assert!(
        seen.is_empty(),
        "the scoped check found {seen:?}, the whole one not"
    );
    (unseen, known)
}

fn without_causes(mut violation: Violation) -> Violation {
    violation.causes.clear();
    violation
}

/// The conflict list is exactly the violated invariants, and each
/// violation offers a command the programme accepts.
fn check_after_merge(document: &ProgrammeDocument) -> Result<(), TestCaseError> {
    let listed: Vec<Violation> = document
        .conflicts()
        .into_iter()
        .filter_map(|conflict| conflict.violation().cloned())
        .map(without_causes)
        .collect();
    prop_assert_eq!(&listed, &invariants(document.programme()));
    let settler = Author::new("Sina Schlichter");
    for violation in &listed {
        let mut accepted = false;
        for settle in &violation.settle {
            if let Some(command) =
                settle.command(document.programme(), day("2026-12-31"), "Geklärt")
            {
                accepted |= apply_compared(&mut document.clone(), &settler, 0, command)?;
            }
        }
        prop_assert!(accepted, "nothing offered settles {:?}", violation);
    }
    Ok(())
}

fn exchange(from: &ProgrammeDocument, to: &mut ProgrammeDocument, live: bool) {
    if live {
        let bytes = from.save_after(&to.heads());
        let mut sync = tandem_core::LiveSync::new(to.heads());
        sync.receive(to, bytes).expect("a partner's changes merge");
    } else {
        let file = from.export("", 0, Contents::Changes, &to.heads());
        let preview = to.preview(&file).expect("a partner's file is sound");
        to.merge(preview).expect("the file merges");
    }
}

fn heal(replicas: &mut [ProgrammeDocument]) {
    for from in 0..replicas.len() {
        for to in 0..replicas.len() {
            if from != to {
                let source = replicas[from].clone();
                exchange(&source, &mut replicas[to], (from + to) % 2 == 0);
            }
        }
    }
}

/// Coordinators apart apply the steps; every command is applied with both
/// checks. Returns the replicas as the steps left them.
fn play(
    genesis: &Genesis,
    count: usize,
    steps: &[(u8, Step)],
) -> Result<Vec<ProgrammeDocument>, TestCaseError> {
    let authors: Vec<Author> = ["Petra Probe", "Karla Köln", "Bea Baunatal", "Dora Dorsten"]
        .into_iter()
        .map(Author::new)
        .collect();
    let mut replicas: Vec<ProgrammeDocument> = (0..count)
        .map(|n| genesis.document.fork_as(&[b'c', n as u8 + 1]))
        .collect();
    for (at, (who, step)) in steps.iter().enumerate() {
        let who = usize::from(*who) % count;
        if let Step::Exchange { from, to, live } = step {
            let (from, to) = (usize::from(*from) % count, usize::from(*to) % count);
            if from != to {
                let source = replicas[from].clone();
                exchange(&source, &mut replicas[to], *live);
            }
            continue;
        }
        if let Some(command) = command(genesis, &replicas[who], step) {
            apply_compared(&mut replicas[who], &authors[who], at as i64, command)?;
        }
    }
    Ok(replicas)
}

fn run(count: usize, steps: &[(u8, Step)]) -> Result<(), TestCaseError> {
    let genesis = genesis();
    let authors: Vec<Author> = ["Petra Probe", "Karla Köln", "Bea Baunatal", "Dora Dorsten"]
        .into_iter()
        .map(Author::new)
        .collect();
    let mut replicas: Vec<ProgrammeDocument> = (0..count)
        .map(|n| genesis.document.fork_as(&[b'c', n as u8 + 1]))
        .collect();
    for (at, (who, step)) in steps.iter().enumerate() {
        let who = usize::from(*who) % count;
        if let Step::Exchange { from, to, live } = step {
            let (from, to) = (usize::from(*from) % count, usize::from(*to) % count);
            if from != to {
                let source = replicas[from].clone();
                exchange(&source, &mut replicas[to], *live);
                check_after_merge(&replicas[to])?;
            }
            continue;
        }
        if let Some(command) = command(&genesis, &replicas[who], step) {
            let before = invariants(replicas[who].programme());
            // Refused commands are part of the game; an accepted one never
            // breaks a rule anew.
            if apply_compared(&mut replicas[who], &authors[who], at as i64, command)? {
                let after = invariants(replicas[who].programme());
                prop_assert!(tandem_core::new_violations(&before, &after).is_empty());
            }
        }
    }
    heal(&mut replicas);
    check_after_merge(&replicas[0])?;
    // Settle everything with the offered commands, on one replica.
    let settler = Author::new("Sina Schlichter");
    for _ in 0..40 {
        let Some(violation) = invariants(replicas[0].programme()).into_iter().next() else {
            break;
        };
        let mut settled = false;
        for settle in &violation.settle {
            let command = settle.command(replicas[0].programme(), day("2026-12-31"), "Geklärt");
            if let Some(command) = command {
                if apply_compared(&mut replicas[0], &settler, 0, command)? {
                    settled = true;
                    break;
                }
            }
        }
        prop_assert!(settled, "nothing offered settles {:?}", violation);
    }
    prop_assert_eq!(invariants(replicas[0].programme()), vec![]);
    heal(&mut replicas);
    for replica in &replicas {
        prop_assert_eq!(replica.heads(), replicas[0].heads());
        prop_assert_eq!(invariants(replica.programme()), vec![]);
        prop_assert!(replica.conflicts().iter().all(|c| c.violation().is_none()));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn coordinators_apart_break_rules_only_together_and_every_break_is_listed_and_settled(
        count in 2..=4usize,
        steps in prop::collection::vec((0..4u8, step()), 1..30),
    ) {
        run(count, &steps)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn a_commands_scoped_check_refuses_exactly_what_the_whole_check_refuses(
        count in 1..=3usize,
        steps in prop::collection::vec((0..4u8, step()), 1..40),
    ) {
        let genesis = genesis();
        let mut replicas = play(&genesis, count, &steps)?;
        // Then every settling command offered, on the merged programme.
        heal(&mut replicas);
        let settler = Author::new("Sina Schlichter");
        for violation in invariants(replicas[0].programme()) {
            for settle in &violation.settle {
                let command = settle.command(replicas[0].programme(), day("2026-12-31"), "Geklärt");
                if let Some(command) = command {
                    apply_compared(&mut replicas[0].clone(), &settler, 0, command)?;
                }
            }
        }
    }
}
