//! The programme's rules for tandems.

mod common;

use common::{day, Cohort};
use tandem_core::{
    Command, CommandError, PersonId, Role, Rules, TandemEnding, TandemId, TandemStatus,
};
use tandem_core::{ProgrammeError, TandemError};

fn tandem(mentee: PersonId, mentor: PersonId) -> (TandemId, Command) {
    let id = TandemId::random();
    let command = Command::CreateTandem {
        id,
        mentee,
        mentor,
        co_mentor: None,
        start: day("2026-02-01"),
        planned_end: day("2027-04-30"),
    };
    (id, command)
}

#[test]
fn an_accepted_mentee_and_mentor_from_different_cities_make_a_tandem() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let (id, command) = tandem(mentee, mentor);
    cohort.apply(command).unwrap();
    let programme = cohort.document.programme();
    assert_eq!(programme.tandems[&id].status, TandemStatus::Active);
    assert_eq!(
        programme.standing(mentee),
        Some(tandem_core::Standing::Matched)
    );
    let history = cohort.document.history_of(&id.to_string());
    assert_eq!(history[0].name, "Petra Probe");
    assert_eq!(history[0].command, "create-tandem");
}

#[test]
fn a_tandem_inside_one_city_is_refused_in_cross_mentoring() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.koeln);
    let (_, command) = tandem(mentee, mentor);
    assert_eq!(
        cohort.apply(command),
        Err(CommandError::Tandem(TandemError::SameOrganisation {
            mentee: "Miriam Beispiel".into(),
            mentor: "Klaus Muster".into(),
            organisation: "Stadt Köln".into(),
        }))
    );
}

#[test]
fn a_tandem_inside_one_organisation_is_allowed_when_the_programme_allows_it() {
    let mut cohort = Cohort::new();
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                different_organisations: false,
                mentor_capacity: 1,
                co_mentors: false,
            },
        })
        .unwrap();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.koeln);
    assert_eq!(cohort.apply(tandem(mentee, mentor).1), Ok(()));
}

#[test]
fn only_accepted_people_can_be_matched() {
    let mut cohort = Cohort::new();
    let mentee = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    assert_eq!(
        cohort.apply(tandem(mentee, mentor).1),
        Err(CommandError::Tandem(TandemError::NotAccepted(
            "Miriam Beispiel".into()
        )))
    );
}

#[test]
fn roles_must_fit_the_tandem() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let other_mentee = cohort.accepted("Jana Exempel", Role::Mentee, cohort.duesseldorf);
    assert_eq!(
        cohort.apply(tandem(mentee, other_mentee).1),
        Err(CommandError::Tandem(TandemError::WrongRole {
            name: "Jana Exempel".into(),
            role: "mentor"
        }))
    );
    assert_eq!(
        cohort.apply(tandem(mentee, mentee).1),
        Err(CommandError::Tandem(TandemError::SamePerson))
    );
}

#[test]
fn a_mentee_is_in_one_running_tandem_and_a_mentor_takes_as_many_as_the_capacity() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let jana = cohort.accepted("Jana Exempel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let ute = cohort.accepted("Ute Vorbild", Role::Mentor, cohort.duesseldorf);
    cohort.apply(tandem(miriam, klaus).1).unwrap();
    assert_eq!(
        cohort.apply(tandem(miriam, ute).1),
        Err(CommandError::Tandem(TandemError::AlreadyMatched(
            "Miriam Beispiel".into()
        )))
    );
    assert_eq!(
        cohort.apply(tandem(jana, klaus).1),
        Err(CommandError::Tandem(TandemError::MentorFull {
            name: "Klaus Muster".into(),
            capacity: 1
        }))
    );
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                mentor_capacity: 2,
                ..Rules::for_kind(tandem_core::ProgrammeKind::CrossMentoring)
            },
        })
        .unwrap();
    assert_eq!(cohort.apply(tandem(jana, klaus).1), Ok(()));
}

#[test]
fn a_capacity_of_zero_is_refused() {
    let mut cohort = Cohort::new();
    let refused = cohort.apply(Command::SetRules {
        rules: Rules {
            mentor_capacity: 0,
            ..cohort.document.programme().rules
        },
    });
    assert_eq!(
        refused,
        Err(CommandError::Programme(ProgrammeError::CapacityZero))
    );
}

#[test]
fn co_mentors_only_where_the_programme_uses_them() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let staff = cohort.accepted("Tom Referent", Role::CoMentor, cohort.duesseldorf);
    let command = |co_mentor| Command::CreateTandem {
        id: TandemId::random(),
        mentee,
        mentor,
        co_mentor,
        start: day("2026-02-01"),
        planned_end: day("2027-04-30"),
    };
    assert_eq!(
        cohort.apply(command(Some(staff))),
        Err(CommandError::Tandem(TandemError::CoMentorsNotUsed))
    );
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                co_mentors: true,
                ..cohort.document.programme().rules
            },
        })
        .unwrap();
    cohort.apply(command(Some(staff))).unwrap();
}

#[test]
fn a_tandem_ended_early_keeps_its_reason_and_frees_the_mentor() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let jana = cohort.accepted("Jana Exempel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let (id, command) = tandem(miriam, klaus);
    cohort.apply(command).unwrap();
    let no_reason = cohort.apply(Command::EndTandem {
        id,
        ending: TandemEnding::Early { reason: " ".into() },
        on: day("2026-06-30"),
    });
    assert_eq!(no_reason, Err(CommandError::ReasonMissing));
    cohort
        .apply(Command::EndTandem {
            id,
            ending: TandemEnding::Early {
                reason: "Mentor:in hat die Stelle gewechselt".into(),
            },
            on: day("2026-06-30"),
        })
        .unwrap();
    let ended = &cohort.document.programme().tandems[&id];
    assert_eq!(ended.status, TandemStatus::EndedEarly);
    assert_eq!(
        ended.end_reason.as_deref(),
        Some("Mentor:in hat die Stelle gewechselt")
    );
    assert_eq!(ended.ended_on, Some(day("2026-06-30")));
    assert_eq!(cohort.apply(tandem(jana, klaus).1), Ok(()));
    let again = cohort.apply(Command::EndTandem {
        id,
        ending: TandemEnding::Completed,
        on: day("2026-07-01"),
    });
    assert_eq!(
        again,
        Err(CommandError::Tandem(TandemError::TandemNotActive))
    );
}

#[test]
fn a_tandem_cannot_end_before_it_started_or_end_before_it_starts() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let backwards = Command::CreateTandem {
        id: TandemId::random(),
        mentee,
        mentor,
        co_mentor: None,
        start: day("2026-05-01"),
        planned_end: day("2026-04-01"),
    };
    assert!(matches!(
        cohort.apply(backwards),
        Err(CommandError::EndsBeforeStart { .. })
    ));
    let (id, command) = tandem(mentee, mentor);
    cohort.apply(command).unwrap();
    let early = cohort.apply(Command::EndTandem {
        id,
        ending: TandemEnding::Completed,
        on: day("2026-01-01"),
    });
    assert!(matches!(early, Err(CommandError::EndsBeforeStart { .. })));
}

#[test]
fn ending_an_unknown_tandem_is_refused() {
    let mut cohort = Cohort::new();
    let refused = cohort.apply(Command::EndTandem {
        id: TandemId::random(),
        ending: TandemEnding::Completed,
        on: day("2026-06-30"),
    });
    assert_eq!(
        refused,
        Err(CommandError::Tandem(TandemError::UnknownTandem))
    );
}

#[test]
fn a_co_mentor_in_as_many_tandems_as_the_capacity_allows_is_no_conflict() {
    let mut cohort = Cohort::new();
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                co_mentors: true,
                mentor_capacity: 2,
                ..cohort.document.programme().rules
            },
        })
        .unwrap();
    let staff = cohort.accepted("Tom Referent", Role::CoMentor, cohort.duesseldorf);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    for name in ["Miriam Beispiel", "Nadia Probe"] {
        let mentee = cohort.accepted(name, Role::Mentee, cohort.koeln);
        cohort
            .apply(Command::CreateTandem {
                id: TandemId::random(),
                mentee,
                mentor,
                co_mentor: Some(staff),
                start: day("2026-02-01"),
                planned_end: day("2027-04-30"),
            })
            .unwrap();
    }
    assert_eq!(cohort.document.conflicts(), Vec::new());
}
