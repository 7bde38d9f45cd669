//! A tandem's own page: it holds the pair and nothing about anyone else,
//! only the contact fields each agreed to share; goals and meetings travel
//! between coordinators and the pair; quiet tandems are found.

mod common;

use common::{day, Cohort};
use tandem_core::{
    contact_check, Command, ContactConcern, ContactPoint, ExchangeError, Goal, GoalStatus,
    LiveSync, Meeting, MeetingKind, PageCommand, PageError, PersonDetails, PersonId, ProgrammeSide,
    Role, SharedFields, TandemId, TandemPageDocument, TandemStatus, MAX_PAGE_TEXT,
};

struct Two {
    cohort: Cohort,
    tandem: TandemId,
    mentee: PersonId,
    mentor: PersonId,
}

fn person(cohort: &mut Cohort, details: PersonDetails) -> PersonId {
    let id = PersonId::random();
    cohort
        .apply(Command::AddPerson {
            id,
            details,
            applied_on: day("2026-01-10"),
        })
        .unwrap();
    cohort
        .apply(Command::Decide {
            person: id,
            decision: tandem_core::Decision::Accept,
            on: day("2026-01-20"),
        })
        .unwrap();
    id
}

fn tandem(cohort: &mut Cohort, mentee: PersonId, mentor: PersonId) -> TandemId {
    let id = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id,
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-03-01"),
            planned_end: day("2027-03-31"),
        })
        .unwrap();
    id
}

/// Two tandems; the page is the first one's. The mentee shares e-mail and
/// phone, the mentor nothing but the organisation.
fn two_tandems() -> Two {
    let mut cohort = Cohort::new();
    let (duesseldorf, koeln) = (cohort.duesseldorf, cohort.koeln);
    let mentee = person(
        &mut cohort,
        PersonDetails {
            email: "mara.mentee@example.org".into(),
            phone: "0211 123456".into(),
            notes: "Vertraulich: Mara möchte die Abteilung wechseln".into(),
            shared_with_tandem: SharedFields {
                email: true,
                phone: true,
                ..SharedFields::default()
            },
            ..Cohort::details("Mara Mentee", Role::Mentee, koeln)
        },
    );
    let mentor = person(
        &mut cohort,
        PersonDetails {
            email: "olga.ober@example.org".into(),
            phone: "0221 654321".into(),
            position: "Amtsleiterin".into(),
            shared_with_tandem: SharedFields {
                organisation: true,
                ..SharedFields::default()
            },
            ..Cohort::details("Olga Oberbürgermeisterin", Role::Mentor, duesseldorf)
        },
    );
    let other_mentee = person(
        &mut cohort,
        Cohort::details("Xenia Andere", Role::Mentee, koeln),
    );
    let other_mentor = person(
        &mut cohort,
        Cohort::details("Yusuf Fremd", Role::Mentor, duesseldorf),
    );
    let waiting = cohort.applicant("Zora Wartend", Role::Mentee, koeln);
    let _ = waiting;
    let first = tandem(&mut cohort, mentee, mentor);
    tandem(&mut cohort, other_mentee, other_mentor);
    cohort
        .apply(Command::SetComplaintsContact {
            contact: Some(ContactPoint {
                name: "Gleichstellungsstelle".into(),
                email: "anlaufstelle@example.org".into(),
                phone: String::new(),
            }),
        })
        .unwrap();
    Two {
        cohort,
        tandem: first,
        mentee,
        mentor,
    }
}

fn page_of(two: &Two) -> TandemPageDocument {
    let side = ProgrammeSide::project(two.cohort.document.programme(), two.tandem).unwrap();
    TandemPageDocument::create(side, 1_770_000_000).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn the_page_holds_nothing_about_other_people_in_any_saved_byte() {
    let two = two_tandems();
    let mut page = page_of(&two);
    // Compressed columns could hide a name from a byte search: look at the
    // uncompressed form, and the stored form too.
    let mut bytes = page.save_uncompressed();
    bytes.extend(page.save());
    for other in [
        "Xenia Andere",
        "Yusuf Fremd",
        "Zora Wartend",
        "Petra Probe",
        "Vertraulich",
        "olga.ober@example.org",
        "0221 654321",
        "Amtsleiterin",
    ] {
        assert!(!contains(&bytes, other), "{other} is in the page's bytes");
    }
    for own in [
        "Mara Mentee",
        "Olga Oberbürgermeisterin",
        "mara.mentee@example.org",
        "0211 123456",
        "Landeshauptstadt Düsseldorf",
        "anlaufstelle@example.org",
    ] {
        assert!(contains(&bytes, own), "{own} is missing from the page");
    }
}

#[test]
fn only_the_fields_each_person_agreed_to_share_are_on_the_page() {
    let two = two_tandems();
    let page = page_of(&two);
    let mentee = page.side().member(two.mentee).unwrap();
    assert_eq!(mentee.email.as_deref(), Some("mara.mentee@example.org"));
    assert_eq!(mentee.organisation, None);
    let mentor = page.side().member(two.mentor).unwrap();
    assert_eq!(mentor.email, None);
    assert_eq!(mentor.phone, None);
    assert_eq!(mentor.position, None);
    assert_eq!(
        mentor.organisation.as_deref(),
        Some("Landeshauptstadt Düsseldorf")
    );
    assert_eq!(page.side().members[0].role, Role::Mentee);
}

#[test]
fn withdrawn_consent_takes_the_field_off_the_page_on_the_next_write() {
    let mut two = two_tandems();
    let mut page = page_of(&two);
    let mut details = two.cohort.document.programme().people[&two.mentee]
        .details
        .clone();
    details.shared_with_tandem.phone = false;
    two.cohort
        .apply(Command::UpdatePerson {
            id: two.mentee,
            details,
        })
        .unwrap();
    let side = ProgrammeSide::project(two.cohort.document.programme(), two.tandem).unwrap();
    assert!(page.write_side(side.clone(), 1_770_000_100).unwrap());
    assert_eq!(page.side().member(two.mentee).unwrap().phone, None);
    assert!(
        !page.write_side(side, 1_770_000_200).unwrap(),
        "nothing new"
    );
}

fn meeting(on: &str, by: Option<PersonId>) -> Meeting {
    Meeting {
        on: day(on),
        minutes: 60,
        kind: MeetingKind::InPerson,
        topics: "Bewerbung auf die Sachgebietsleitung".into(),
        next_steps: "Anschreiben entwerfen".into(),
        logged_by: by,
    }
}

#[test]
fn meetings_and_goals_travel_between_the_pair_and_the_coordinators() {
    let two = two_tandems();
    let mut coordinators = page_of(&two);
    let mut mentee = TandemPageDocument::load(&coordinators.save()).unwrap();
    let mut mentee_live = LiveSync::new(tandem_core::Replica::heads(&mentee));
    mentee
        .apply(
            PageCommand::LogMeeting {
                key: "m1".into(),
                meeting: meeting("2026-03-10", Some(two.mentee)),
            },
            1_773_000_000,
        )
        .unwrap();
    mentee
        .apply(
            PageCommand::SetGoal {
                key: "g1".into(),
                goal: Goal {
                    text: "Eine Führungsposition übernehmen".into(),
                    milestones: vec!["Bewerbung".into(), " ".into()],
                    status: GoalStatus::InProgress,
                    by: Some(two.mentee),
                },
            },
            1_773_000_100,
        )
        .unwrap();
    let push = mentee_live.outgoing(&mentee).unwrap();
    LiveSync::new(tandem_core::Replica::heads(&coordinators))
        .receive(&mut coordinators, push)
        .unwrap();
    assert_eq!(coordinators.meetings().len(), 1);
    assert_eq!(coordinators.goals()["g1"].milestones, vec!["Bewerbung"]);

    // Reloaded from bytes, the page is the same.
    let reloaded = TandemPageDocument::load(&coordinators.save()).unwrap();
    assert_eq!(reloaded.goals(), coordinators.goals());
    assert_eq!(reloaded.meetings(), coordinators.meetings());
}

#[test]
fn a_page_is_saved_without_deflate_and_one_saved_with_it_still_loads() {
    let two = two_tandems();
    let mut page = page_of(&two);
    page.apply(
        PageCommand::SetGoal {
            key: "g1".into(),
            goal: Goal {
                text: "Eine Führungsposition übernehmen ".repeat(40),
                milestones: vec!["Bewerbung".into()],
                status: GoalStatus::InProgress,
                by: Some(two.mentee),
            },
        },
        1_773_000_100,
    )
    .unwrap();
    let saved = page.save();
    assert!(contains(&saved, "Eine Führungsposition übernehmen"));

    // As an earlier version stored it: the long text's column deflated.
    let deflated = automerge::Automerge::load(&saved).unwrap().save();
    assert!(deflated.len() < saved.len());
    assert!(!contains(&deflated, "Eine Führungsposition übernehmen"));
    let loaded = TandemPageDocument::load(&deflated).unwrap();
    assert_eq!(loaded.goals(), page.goals());
}

#[test]
fn another_tandems_page_is_refused() {
    let two = two_tandems();
    let mut page = page_of(&two);
    let mut other = page_of(&two);
    let foreign = other.save();
    assert_eq!(
        tandem_core::Replica::merge_changes(&mut page, &foreign),
        Err(ExchangeError::NoCommonHistory)
    );
}

#[test]
fn bad_entries_are_refused() {
    let two = two_tandems();
    let mut page = page_of(&two);
    let mut long = meeting("2026-03-10", None);
    long.topics = "x".repeat(MAX_PAGE_TEXT + 1);
    assert_eq!(
        page.apply(
            PageCommand::LogMeeting {
                key: "m".into(),
                meeting: long
            },
            0
        ),
        Err(PageError::TextTooLong)
    );
    let mut zero = meeting("2026-03-10", None);
    zero.minutes = 0;
    assert_eq!(
        page.apply(
            PageCommand::LogMeeting {
                key: "m".into(),
                meeting: zero
            },
            0
        ),
        Err(PageError::MinutesMissing)
    );
    assert_eq!(
        page.apply(
            PageCommand::SetGoal {
                key: "g".into(),
                goal: Goal {
                    text: "  ".into(),
                    milestones: Vec::new(),
                    status: GoalStatus::Open,
                    by: None
                }
            },
            0
        ),
        Err(PageError::GoalMissing)
    );
    assert_eq!(
        page.apply(PageCommand::RemoveMeeting { key: "none".into() }, 0),
        Err(PageError::UnknownMeeting)
    );
    assert!(page.meetings().is_empty());
}

#[test]
fn quiet_and_one_sided_tandems_are_found_by_the_programmes_rhythm() {
    let mut two = two_tandems();
    let mut page = page_of(&two);
    // Started 1 March, monthly rhythm: fine until the end of March.
    assert_eq!(contact_check(&page, day("2026-03-20")), None);
    assert_eq!(
        contact_check(&page, day("2026-04-15")),
        Some(ContactConcern::NoMeetingYet { days: 45 })
    );
    for (key, on) in [
        ("a", "2026-03-10"),
        ("b", "2026-04-05"),
        ("c", "2026-05-01"),
    ] {
        page.apply(
            PageCommand::LogMeeting {
                key: key.into(),
                meeting: meeting(on, Some(two.mentor)),
            },
            0,
        )
        .unwrap();
    }
    assert_eq!(
        contact_check(&page, day("2026-05-10")),
        Some(ContactConcern::OneSided {
            logged_by: two.mentor
        })
    );
    page.apply(
        PageCommand::LogMeeting {
            key: "d".into(),
            meeting: meeting("2026-05-20", Some(two.mentee)),
        },
        0,
    )
    .unwrap();
    assert_eq!(contact_check(&page, day("2026-06-01")), None);
    assert_eq!(
        contact_check(&page, day("2026-07-01")),
        Some(ContactConcern::Quiet {
            last: day("2026-05-20"),
            days: 42
        })
    );

    // A programme that expects a meeting every two months.
    two.cohort
        .apply(Command::SetContactRhythm { days: Some(60) })
        .unwrap();
    let side = ProgrammeSide::project(two.cohort.document.programme(), two.tandem).unwrap();
    page.write_side(side, 0).unwrap();
    assert_eq!(contact_check(&page, day("2026-07-01")), None);

    // An ended tandem raises no concern.
    two.cohort
        .apply(Command::EndTandem {
            id: two.tandem,
            ending: tandem_core::TandemEnding::Completed,
            on: day("2026-08-01"),
        })
        .unwrap();
    let side = ProgrammeSide::project(two.cohort.document.programme(), two.tandem).unwrap();
    assert_eq!(side.status, TandemStatus::Completed);
    page.write_side(side, 0).unwrap();
    assert_eq!(contact_check(&page, day("2026-12-01")), None);
}
