//! The dashboard counts who is where and lists what needs attention.

mod common;

use common::{day, Cohort};
use tandem_core::{Attention, Command, Dashboard, Decision, Interview, Role, Standing, TandemId};

#[test]
fn people_are_counted_per_organisation_and_standing_and_matched_people_apart() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let ute = cohort.applicant("Ute Vorbild", Role::Mentor, cohort.duesseldorf);
    cohort
        .apply(Command::RecordInterview {
            person: ute,
            interview: Interview {
                on: day("2026-01-15"),
                by: "Petra Probe".into(),
                minutes: 30,
                notes: String::new(),
            },
        })
        .unwrap();
    cohort
        .apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee: miriam,
            mentor: klaus,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
    let dashboard = Dashboard::of(cohort.document.programme());
    let koeln = dashboard
        .organisations
        .iter()
        .find(|row| row.name == "Stadt Köln")
        .unwrap();
    assert_eq!(koeln.role(Role::Mentee), 2);
    assert_eq!(koeln.standing(Standing::Matched), 1);
    assert_eq!(koeln.standing(Standing::Applied), 1);
    let duesseldorf = dashboard
        .organisations
        .iter()
        .find(|row| row.name.contains("Düsseldorf"))
        .unwrap();
    assert_eq!(duesseldorf.standing(Standing::Interviewed), 1);
    assert_eq!(dashboard.totals.people(), 4);
    assert_eq!(dashboard.tandems["active"], 1);
    assert_eq!(
        dashboard.attention,
        vec![Attention::InterviewNotHeld {
            person: jana,
            name: "Jana Exempel".into(),
            applied_on: Some(day("2026-01-10"))
        }]
    );
}

#[test]
fn accepted_people_without_a_tandem_need_attention() {
    let mut cohort = Cohort::new();
    let miriam = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::Decide {
            person: miriam,
            decision: Decision::Accept,
            on: day("2026-01-20"),
        })
        .unwrap();
    let dashboard = Dashboard::of(cohort.document.programme());
    assert_eq!(
        dashboard.attention,
        vec![Attention::AcceptedWithoutTandem {
            person: miriam,
            name: "Miriam Beispiel".into(),
            role: Role::Mentee
        }]
    );
}

#[test]
fn everyone_stands_where_the_single_question_puts_them() {
    let mut cohort = Cohort::new();
    cohort
        .apply(Command::SetRules {
            rules: tandem_core::Rules {
                different_organisations: true,
                mentor_capacity: 1,
                co_mentors: true,
            },
        })
        .unwrap();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let carla = cohort.accepted("Carla Co", Role::CoMentor, cohort.duesseldorf);
    let nora = cohort.accepted("Nora Neu", Role::Mentee, cohort.koeln);
    let olaf = cohort.accepted("Olaf Alt", Role::Mentor, cohort.duesseldorf);
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    let running = TandemId::random();
    let ended = TandemId::random();
    for (id, mentee, mentor, co_mentor) in [
        (running, miriam, klaus, Some(carla)),
        (ended, nora, olaf, None),
    ] {
        cohort
            .apply(Command::CreateTandem {
                id,
                mentee,
                mentor,
                co_mentor,
                start: day("2026-02-01"),
                planned_end: day("2027-04-30"),
            })
            .unwrap();
    }
    cohort
        .apply(Command::EndTandem {
            id: ended,
            ending: tandem_core::TandemEnding::Completed,
            on: day("2026-09-30"),
        })
        .unwrap();
    let programme = cohort.document.programme();
    let standings = programme.standings();
    assert_eq!(standings.len(), programme.people.len());
    for id in programme.people.keys() {
        assert_eq!(
            standings.get(id).copied(),
            programme.standing(*id),
            "{id:?}"
        );
    }
    for matched in [miriam, klaus, carla] {
        assert_eq!(standings[&matched], Standing::Matched);
    }
    for unmatched in [nora, olaf] {
        assert_eq!(standings[&unmatched], Standing::Accepted);
    }
    assert_eq!(standings[&jana], Standing::Applied);
}
