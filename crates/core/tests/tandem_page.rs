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

/// A tandem with a co-mentor whose page has a meeting and a goal from
/// each side, and a questionnaire asking the mentee and the co-mentor,
/// which the co-mentor answered.
struct WithCoMentor {
    cohort: Cohort,
    tandem: TandemId,
    mentee: PersonId,
    co_mentor: PersonId,
    page: TandemPageDocument,
}

fn with_co_mentor() -> WithCoMentor {
    let mut cohort = Cohort::new();
    let mut rules = cohort.document.programme().rules;
    rules.co_mentors = true;
    cohort.apply(Command::SetRules { rules }).unwrap();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let co_mentor = cohort.accepted("Carla Comentorin", Role::CoMentor, cohort.koeln);
    let tandem = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id: tandem,
            mentee,
            mentor,
            co_mentor: Some(co_mentor),
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        })
        .unwrap();
    let side = ProgrammeSide::project(cohort.document.programme(), tandem).unwrap();
    let mut page = TandemPageDocument::create(side, 1_770_000_000).unwrap();
    let survey = tandem_core::SurveyId::random();
    let offered = std::collections::BTreeMap::from([(
        survey,
        tandem_core::PageSurvey {
            title: "Zwischenbilanz".into(),
            questions: Vec::new(),
            asks: vec![mentee, co_mentor],
            due: day("2026-05-01"),
        },
    )]);
    page.offer_surveys(offered, 1_770_000_001).unwrap();
    page.answer_survey(
        tandem_core::PageAnswers {
            survey,
            person: co_mentor,
            on: day("2026-05-02"),
            answers: Default::default(),
        },
        1_770_000_002,
    )
    .unwrap();
    for (key, by) in [("m1", mentee), ("m2", co_mentor)] {
        page.apply(
            PageCommand::LogMeeting {
                key: key.into(),
                meeting: meeting("2026-03-10", Some(by)),
            },
            1_770_000_003,
        )
        .unwrap();
    }
    page.apply(
        PageCommand::SetGoal {
            key: "g1".into(),
            goal: Goal {
                text: "Eine Führungsposition übernehmen".into(),
                milestones: Vec::new(),
                status: GoalStatus::Open,
                by: Some(mentee),
            },
        },
        1_770_000_004,
    )
    .unwrap();
    WithCoMentor {
        cohort,
        tandem,
        mentee,
        co_mentor,
        page,
    }
}

#[test]
fn a_page_started_afresh_holds_today_and_nothing_of_its_history() {
    let mut two = two_tandems();
    let mut page = page_of(&two);
    page.apply(
        PageCommand::LogMeeting {
            key: "m1".into(),
            meeting: meeting("2026-03-10", Some(two.mentee)),
        },
        1_773_000_000,
    )
    .unwrap();
    // The mentee's name changes; the old one stays in the page's history.
    let mut details = two.cohort.document.programme().people[&two.mentee]
        .details
        .clone();
    details.name = "Mara Neumann".into();
    two.cohort
        .apply(Command::UpdatePerson {
            id: two.mentee,
            details,
        })
        .unwrap();
    let side = ProgrammeSide::project(two.cohort.document.programme(), two.tandem).unwrap();
    page.write_side(side.clone(), 1_773_000_100).unwrap();
    assert!(contains(&page.save_uncompressed(), "Mara Mentee"));

    let mut fresh = page.afresh(side, 1_773_000_200).unwrap();
    let bytes = fresh.save_uncompressed();
    assert!(!contains(&bytes, "Mara Mentee"), "the old name is gone");
    assert!(contains(&bytes, "Mara Neumann"));
    assert_eq!(tandem_core::Replica::count_after(&fresh, &[]), 1);
    assert_eq!(fresh.meetings(), page.meetings());
    assert_eq!(fresh.side(), page.side());
    let reloaded = TandemPageDocument::load(&bytes).unwrap();
    assert_eq!(reloaded.meetings(), page.meetings());

    assert!(!page.shares_history_with(&fresh));
    assert!(!fresh.shares_history_with(&page));
    let copy = TandemPageDocument::load(&page.save()).unwrap();
    assert!(page.shares_history_with(&copy));
    assert!(copy.shares_history_with(&page));
    assert!(!page.shares_history_with(&page_of(&two)), "another making");
}

#[test]
fn another_tandems_side_never_starts_a_page_afresh() {
    let two = two_tandems();
    let page = page_of(&two);
    let other = *two
        .cohort
        .document
        .programme()
        .tandems
        .keys()
        .find(|id| **id != two.tandem)
        .unwrap();
    let side = ProgrammeSide::project(two.cohort.document.programme(), other).unwrap();
    assert!(matches!(page.afresh(side, 0), Err(PageError::Document(_))));
}

#[test]
fn a_forgotten_co_mentor_leaves_no_name_nor_answer_on_the_fresh_page() {
    let mut with = with_co_mentor();
    assert!(contains(&with.page.save_uncompressed(), "Carla Comentorin"));
    let (programme, _) =
        tandem_core::without_person(with.cohort.document.programme(), with.co_mentor);
    let side = ProgrammeSide::project(&programme, with.tandem).unwrap();
    assert_eq!(side.members.len(), 2);

    let mut fresh = with.page.afresh(side, 1_771_000_000).unwrap();
    assert!(!contains(&fresh.save_uncompressed(), "Carla Comentorin"));
    assert!(
        fresh.survey_answers().is_empty(),
        "her answers went with her"
    );
    let offered = fresh.surveys_offered();
    let asks: Vec<_> = offered.values().flat_map(|s| s.asks.clone()).collect();
    assert_eq!(asks, vec![with.mentee], "the mentee is still asked");
    // The pair's log stays the tandem's: both meetings and the goal.
    assert_eq!(fresh.meetings().len(), 2);
    assert_eq!(fresh.goals().len(), 1);
}

#[test]
fn what_a_participant_had_not_sent_is_written_onto_the_fresh_page() {
    let with = with_co_mentor();
    let mut coordinators = with.page.clone();
    // The mentee's phone: the page as the room had it, then two entries
    // written offline that never reached the room.
    let mut phone = TandemPageDocument::load(&with.page.clone().save()).unwrap();
    let room_had = tandem_core::Replica::heads(&phone);
    phone
        .apply(
            PageCommand::LogMeeting {
                key: "m3".into(),
                meeting: meeting("2026-04-10", Some(with.mentee)),
            },
            1_771_000_000,
        )
        .unwrap();
    phone
        .apply(
            PageCommand::RemoveMeeting { key: "m1".into() },
            1_771_000_001,
        )
        .unwrap();
    // Meanwhile the coordinators forget the co-mentor and start afresh;
    // they also removed the co-mentor's meeting the phone still has.
    coordinators
        .apply(
            PageCommand::RemoveMeeting { key: "m2".into() },
            1_771_000_002,
        )
        .unwrap();
    let (programme, _) =
        tandem_core::without_person(with.cohort.document.programme(), with.co_mentor);
    let side = ProgrammeSide::project(&programme, with.tandem).unwrap();
    let mut fresh = coordinators.afresh(side, 1_771_000_003).unwrap();

    let carried = phone.carry_onto(&room_had, &mut fresh, 1_771_000_004);
    assert_eq!(carried, 2, "the new meeting and the removal");
    let keys: Vec<&str> = fresh.meetings().iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, vec!["m3"], "m2 stays removed, m1 removed, m3 carried");
    assert!(!contains(&fresh.save_uncompressed(), "Carla Comentorin"));

    // Nothing new on the phone since the room's heads: nothing carried.
    let mut again = coordinators
        .afresh(fresh.side().clone(), 1_771_000_005)
        .unwrap();
    let heads = tandem_core::Replica::heads(&phone);
    assert_eq!(phone.carry_onto(&heads, &mut again, 1_771_000_006), 0);
}

#[test]
fn a_forgotten_co_mentors_unsent_entries_are_not_carried_back() {
    let with = with_co_mentor();
    // The co-mentor's own phone wrote a meeting offline before she was
    // forgotten; her link no longer follows, but were her page to reach
    // the fresh one, nothing of hers is written onto it.
    let mut hers = TandemPageDocument::load(&with.page.clone().save()).unwrap();
    let room_had = tandem_core::Replica::heads(&hers);
    hers.apply(
        PageCommand::LogMeeting {
            key: "m9".into(),
            meeting: meeting("2026-04-11", Some(with.co_mentor)),
        },
        1_771_000_000,
    )
    .unwrap();
    let (programme, _) =
        tandem_core::without_person(with.cohort.document.programme(), with.co_mentor);
    let side = ProgrammeSide::project(&programme, with.tandem).unwrap();
    let mut fresh = with.page.afresh(side, 1_771_000_001).unwrap();
    assert_eq!(hers.carry_onto(&room_had, &mut fresh, 1_771_000_002), 0);
    assert_eq!(fresh.meetings().len(), 2);
}
