//! The rules for people and their way into a programme.

mod common;

use common::{day, Cohort};
use tandem_core::PeopleError;
use tandem_core::{
    Command, CommandError, Decision, Interview, PersonId, ProgrammeDocument, Role, Stage, TandemId,
};

fn interview() -> Interview {
    Interview {
        on: day("2026-01-15"),
        by: "Petra Probe".into(),
        minutes: 30,
        notes: "Möchte Führungsverantwortung übernehmen.".into(),
    }
}

#[test]
fn an_applicant_is_recorded_with_their_details_and_starts_as_applied() {
    let mut cohort = Cohort::new();
    let id = PersonId::random();
    let mut details = Cohort::details("  Miriam   Beispiel ", Role::Mentee, cohort.koeln);
    details.email = " miriam.beispiel@example.org ".into();
    details.topics = vec!["Führung".into(), " führung".into(), "Haushalt".into()];
    details.notes = "Nur für Koordinator:innen".into();
    cohort
        .apply(Command::AddPerson {
            id,
            details,
            applied_on: day("2026-01-10"),
        })
        .unwrap();
    let person = &cohort.document.programme().people[&id];
    assert_eq!(person.details.name, "Miriam Beispiel");
    assert_eq!(person.details.email, "miriam.beispiel@example.org");
    assert_eq!(person.details.topics, vec!["Führung", "Haushalt"]);
    assert_eq!(person.application.stage, Stage::Applied);
    assert_eq!(person.application.applied_on, Some(day("2026-01-10")));
}

#[test]
fn a_person_without_a_name_is_refused() {
    let mut cohort = Cohort::new();
    let details = Cohort::details("   ", Role::Mentee, cohort.koeln);
    let refused = cohort.apply(Command::AddPerson {
        id: PersonId::random(),
        details,
        applied_on: day("2026-01-10"),
    });
    assert_eq!(
        refused,
        Err(CommandError::People(PeopleError::PersonNameMissing))
    );
    assert!(cohort.document.programme().people.is_empty());
}

#[test]
fn a_wrong_e_mail_address_or_phone_number_is_refused_with_the_value() {
    let mut cohort = Cohort::new();
    let mut details = Cohort::details("Miriam Beispiel", Role::Mentee, cohort.koeln);
    details.email = "miriam.beispiel(at)example.org".into();
    let refused = cohort.apply(Command::AddPerson {
        id: PersonId::random(),
        details: details.clone(),
        applied_on: day("2026-01-10"),
    });
    assert_eq!(
        refused,
        Err(CommandError::EmailInvalid(
            "miriam.beispiel(at)example.org".into()
        ))
    );
    details.email = String::new();
    details.phone = "bitte anrufen".into();
    let refused = cohort.apply(Command::AddPerson {
        id: PersonId::random(),
        details,
        applied_on: day("2026-01-10"),
    });
    assert_eq!(
        refused,
        Err(CommandError::PhoneInvalid("bitte anrufen".into()))
    );
}

#[test]
fn a_person_from_an_organisation_that_is_not_a_partner_is_refused() {
    let mut cohort = Cohort::new();
    let details = Cohort::details(
        "Miriam Beispiel",
        Role::Mentee,
        tandem_core::PartnerId::random(),
    );
    let refused = cohort.apply(Command::AddPerson {
        id: PersonId::random(),
        details,
        applied_on: day("2026-01-10"),
    });
    assert_eq!(refused, Err(CommandError::UnknownPartner));
}

#[test]
fn the_same_person_cannot_be_added_twice() {
    let mut cohort = Cohort::new();
    cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let details = Cohort::details("miriam  beispiel", Role::Mentee, cohort.koeln);
    let refused = cohort.apply(Command::AddPerson {
        id: PersonId::random(),
        details,
        applied_on: day("2026-01-10"),
    });
    assert_eq!(
        refused,
        Err(CommandError::People(PeopleError::PersonTwice(
            "miriam beispiel".into()
        )))
    );
}

#[test]
fn editing_a_person_keeps_their_application() {
    let mut cohort = Cohort::new();
    let id = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mut details = cohort.document.programme().people[&id].details.clone();
    details.position = "Sachgebietsleitung".into();
    cohort.apply(Command::UpdatePerson { id, details }).unwrap();
    let person = &cohort.document.programme().people[&id];
    assert_eq!(person.details.position, "Sachgebietsleitung");
    assert_eq!(person.application.stage, Stage::Accepted);
}

#[test]
fn an_interview_moves_an_applicant_to_interviewed_and_is_kept() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::RecordInterview {
            person: id,
            interview: interview(),
        })
        .unwrap();
    let application = &cohort.document.programme().people[&id].application;
    assert_eq!(application.stage, Stage::Interviewed);
    assert_eq!(application.interview.as_ref().unwrap().minutes, 30);
    assert_eq!(application.interview.as_ref().unwrap().by, "Petra Probe");
}

#[test]
fn an_interview_needs_the_name_of_who_held_it() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let refused = cohort.apply(Command::RecordInterview {
        person: id,
        interview: Interview {
            by: " ".into(),
            ..interview()
        },
    });
    assert_eq!(
        refused,
        Err(CommandError::People(PeopleError::InterviewerMissing))
    );
}

#[test]
fn applicants_can_be_accepted_waitlisted_or_declined_and_a_waitlisted_one_accepted_later() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::Decide {
            person: id,
            decision: Decision::Waitlist,
            on: day("2026-01-20"),
        })
        .unwrap();
    assert_eq!(
        cohort.document.programme().people[&id].application.stage,
        Stage::Waitlisted
    );
    cohort
        .apply(Command::Decide {
            person: id,
            decision: Decision::Accept,
            on: day("2026-02-03"),
        })
        .unwrap();
    let application = &cohort.document.programme().people[&id].application;
    assert_eq!(application.stage, Stage::Accepted);
    assert_eq!(application.decided_on, Some(day("2026-02-03")));
}

#[test]
fn accepting_someone_already_accepted_is_refused() {
    let mut cohort = Cohort::new();
    let id = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let refused = cohort.apply(Command::Decide {
        person: id,
        decision: Decision::Accept,
        on: day("2026-01-21"),
    });
    assert!(matches!(
        refused,
        Err(CommandError::People(PeopleError::StageNotAllowed { .. }))
    ));
}

#[test]
fn withdrawing_needs_a_reason_and_ends_the_way_in() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let refused = cohort.apply(Command::Withdraw {
        person: id,
        reason: "  ".into(),
        on: day("2026-01-12"),
    });
    assert_eq!(refused, Err(CommandError::ReasonMissing));
    cohort
        .apply(Command::Withdraw {
            person: id,
            reason: "Stellenwechsel".into(),
            on: day("2026-01-12"),
        })
        .unwrap();
    let application = &cohort.document.programme().people[&id].application;
    assert_eq!(application.stage, Stage::Withdrawn);
    let withdrawal = application.withdrawal.as_ref().unwrap();
    assert_eq!(
        (withdrawal.reason.as_str(), withdrawal.from),
        ("Stellenwechsel", Stage::Applied)
    );
    let again = cohort.apply(Command::Decide {
        person: id,
        decision: Decision::Accept,
        on: day("2026-01-13"),
    });
    assert!(matches!(
        again,
        Err(CommandError::People(PeopleError::StageNotAllowed { .. }))
    ));
}

#[test]
fn someone_in_a_running_tandem_cannot_withdraw_until_it_ends() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    cohort
        .apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
    let refused = cohort.apply(Command::Withdraw {
        person: mentee,
        reason: "Umzug".into(),
        on: day("2026-05-01"),
    });
    assert_eq!(
        refused,
        Err(CommandError::People(PeopleError::InActiveTandem(
            "Miriam Beispiel".into()
        )))
    );
}

#[test]
fn commands_on_unknown_people_are_refused() {
    let mut cohort = Cohort::new();
    let refused = cohort.apply(Command::RecordInterview {
        person: PersonId::random(),
        interview: interview(),
    });
    assert_eq!(refused, Err(CommandError::UnknownPerson));
}

#[test]
fn people_and_their_applications_survive_saving_and_loading() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("Miriam Beispiel", Role::Mentee, cohort.koeln);
    cohort
        .apply(Command::RecordInterview {
            person: id,
            interview: interview(),
        })
        .unwrap();
    let bytes = cohort.document.save();
    let loaded = ProgrammeDocument::load(&bytes).unwrap();
    assert_eq!(loaded.programme(), cohort.document.programme());
    let history = loaded.history_of(&id.to_string());
    let commands: Vec<&str> = history.iter().map(|note| note.command.as_str()).collect();
    assert_eq!(commands, vec!["add-person", "record-interview"]);
}

#[test]
fn a_form_writes_only_what_it_changed_over_edits_made_meanwhile() {
    let before = tandem_core::PersonDetails {
        name: "Mara Mentee".into(),
        phone: "0211 1".into(),
        email: "mara@example.org".into(),
        ..Default::default()
    };
    // Another tab changed the phone number and agreed to share it.
    let mut now = before.clone();
    now.phone = "0211 2".into();
    now.shared_with_tandem.phone = true;
    // This form, filled before that, changed the e-mail address only.
    let mut edited = before.clone();
    edited.email = "mara.mentee@example.org".into();
    let rebased = tandem_core::PersonDetails::rebase(&before, edited, &now);
    assert_eq!(rebased.email, "mara.mentee@example.org");
    assert_eq!(rebased.phone, "0211 2");
    assert!(rebased.shared_with_tandem.phone);
    // Where both changed one field, this form's value is the one written.
    let mut edited = before.clone();
    edited.phone = "0211 3".into();
    assert_eq!(
        tandem_core::PersonDetails::rebase(&before, edited, &now).phone,
        "0211 3"
    );
}

#[test]
fn edits_of_different_fields_of_one_person_on_two_devices_both_survive_the_merge() {
    let mut cohort = Cohort::new();
    let id = cohort.accepted("Mara Mentee", Role::Mentee, cohort.koeln);
    let mut other = tandem_core::ProgrammeDocument::load(&cohort.document.save()).unwrap();
    let before = cohort.document.programme().people[&id].details.clone();
    let mut here = before.clone();
    here.phone = "0221 100001".into();
    cohort
        .apply(Command::UpdatePerson { id, details: here })
        .unwrap();
    let mut there = before.clone();
    there.email = "mara@example.org".into();
    other
        .apply(
            &tandem_core::Author::new("Kai Köln"),
            1_770_000_100,
            Command::UpdatePerson { id, details: there },
        )
        .unwrap();
    let theirs = other.save();
    cohort.document.merge_bytes(&theirs).unwrap();
    let merged = &cohort.document.programme().people[&id].details;
    assert_eq!(merged.phone, "0221 100001");
    assert_eq!(merged.email, "mara@example.org");
}
