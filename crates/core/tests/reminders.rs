//! Reminders without a server: who needs a word, the prepared `mailto:`
//! link, and the mark a coordinator sets when it is sent — kept through a
//! merge, gone with the person, counted in the report.

mod common;

use std::collections::BTreeMap;

use common::{day, Cohort};
use tandem_core::{
    mailto, reminders, Audience, ClockTime, Command, ContactConcern, EventDetails, EventId,
    EventKind, MessageLanguage, ProgrammeDocument, Question, QuestionKind, ReminderKind, Report,
    ReportFilter, Role, Survey, SurveyAudience, SurveyDue, SurveyId, TandemId,
};

fn event(title: &str, on: &str, audience: Audience) -> EventDetails {
    EventDetails {
        kind: EventKind::Workshop,
        title: title.into(),
        start_day: day(on),
        start_time: ClockTime::parse("17:00").unwrap(),
        end_day: day(on),
        end_time: ClockTime::parse("19:00").unwrap(),
        place: "Rathaus".into(),
        online_link: String::new(),
        host: None,
        audience,
        capacity: None,
        minutes: 120,
        description: String::new(),
    }
}

fn with_email(cohort: &mut Cohort, person: tandem_core::PersonId, email: &str, languages: &[&str]) {
    let mut details = cohort.document.programme().people[&person].details.clone();
    details.email = email.into();
    details.languages = languages.iter().map(|l| l.to_string()).collect();
    cohort
        .apply(Command::UpdatePerson {
            id: person,
            details,
        })
        .unwrap();
}

struct Setting {
    cohort: Cohort,
    jana: tandem_core::PersonId,
    miriam: tandem_core::PersonId,
    survey: SurveyId,
    workshop: EventId,
}

/// Jana applied; Miriam and Klaus are a tandem with a questionnaire due;
/// a mentees' workshop is in five days, another event in two months.
fn setting() -> Setting {
    let mut cohort = Cohort::new();
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    with_email(&mut cohort, jana, "jana@example.org", &["Englisch"]);
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    with_email(
        &mut cohort,
        miriam,
        "miriam@example.org",
        &["Deutsch", "Englisch"],
    );
    let tandem = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id: tandem,
            mentee: miriam,
            mentor: klaus,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        })
        .unwrap();
    let workshop = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: workshop,
            details: event("Netzwerkabend", "2026-09-10", Audience::Mentees),
        })
        .unwrap();
    cohort
        .apply(Command::CreateEvent {
            id: EventId::random(),
            details: event("Später", "2026-10-30", Audience::All),
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

    Setting {
        cohort,
        jana,
        miriam,
        survey,
        workshop,
    }
}

#[test]
fn applicants_without_interview_unregistered_people_and_due_questionnaires_are_listed() {
    let Setting {
        mut cohort,
        jana,
        miriam,
        survey,
        workshop,
    } = setting();
    let found = reminders(
        cohort.document.programme(),
        &BTreeMap::new(),
        day("2026-09-05"),
    );
    let kinds: Vec<(ReminderKind, String)> = found
        .iter()
        .map(|reminder| (reminder.kind, reminder.title.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (ReminderKind::Interview, String::new()),
            (ReminderKind::Survey, "Zwischenbilanz".into()),
            (ReminderKind::Event, "Netzwerkabend".into()),
        ]
    );
    let interview = &found[0];
    assert_eq!(interview.people[0].person, jana);
    assert_eq!(interview.people[0].language, MessageLanguage::English);
    let survey_reminder = &found[1];
    assert_eq!(survey_reminder.key, format!("survey:{survey}"));
    assert_eq!(
        survey_reminder.people.len(),
        2,
        "mentee and mentor are asked"
    );
    // Klaus has no address: listed, but no mail reaches him.
    assert_eq!(
        survey_reminder
            .reachable()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>(),
        vec!["miriam@example.org"]
    );
    assert_eq!(
        survey_reminder.people[1].language,
        MessageLanguage::German,
        "a person speaking German is written to in German"
    );
    // The mentees' event: Miriam, not Klaus.
    assert_eq!(
        found[2].people.iter().map(|a| a.person).collect::<Vec<_>>(),
        vec![miriam]
    );

    // Registered: no longer reminded of the event.
    cohort
        .apply(Command::MarkAttendance {
            event: workshop,
            person: miriam,
            status: tandem_core::AttendanceStatus::Registered,
        })
        .unwrap();
    let found = reminders(
        cohort.document.programme(),
        &BTreeMap::new(),
        day("2026-09-05"),
    );
    assert!(found.iter().all(|r| r.kind != ReminderKind::Event));
}

#[test]
fn a_mark_is_kept_with_the_person_merged_from_both_sides_and_counted_in_the_report() {
    let mut cohort = Cohort::new();
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    let ute = cohort.applicant("Ute Vorbild", Role::Mentor, cohort.duesseldorf);
    let mut koeln = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    cohort
        .apply(Command::RecordReminderSent {
            key: "interview".into(),
            people: vec![jana],
            on: day("2026-01-12"),
        })
        .unwrap();
    koeln
        .apply(
            &tandem_core::Author::new("Karla Köln"),
            1_770_000_100,
            Command::RecordReminderSent {
                key: "interview".into(),
                people: vec![ute],
                on: day("2026-01-13"),
            },
        )
        .unwrap();
    cohort.document.merge_bytes(&koeln.save()).unwrap();
    let found = reminders(
        cohort.document.programme(),
        &BTreeMap::new(),
        day("2026-01-14"),
    );
    let sent: Vec<_> = found
        .iter()
        .flat_map(|r| r.people.iter().map(|a| (a.name.clone(), a.sent_on)))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("Jana Exempel".to_string(), Some(day("2026-01-12"))),
            ("Ute Vorbild".to_string(), Some(day("2026-01-13"))),
        ]
    );
    let report = Report::of(
        cohort.document.programme(),
        &ReportFilter::default(),
        &BTreeMap::new(),
    );
    assert_eq!(
        report.reminders_sent.get(&ReminderKind::Interview),
        Some(&2)
    );
    let history = cohort.document.history();
    assert!(history
        .iter()
        .any(|entry| entry.command == "record-reminder-sent"));
}

#[test]
fn a_mark_for_an_unknown_reminder_or_person_is_refused() {
    let mut cohort = Cohort::new();
    let jana = cohort.applicant("Jana Exempel", Role::Mentee, cohort.koeln);
    assert!(cohort
        .apply(Command::RecordReminderSent {
            key: "lottery:1".into(),
            people: vec![jana],
            on: day("2026-01-12"),
        })
        .is_err());
    assert_eq!(
        cohort.apply(Command::RecordReminderSent {
            key: "interview".into(),
            people: vec![tandem_core::PersonId::random()],
            on: day("2026-01-12"),
        }),
        Err(tandem_core::CommandError::UnknownPerson)
    );
    assert!(cohort.document.programme().people[&jana]
        .reminders
        .is_empty());
}

#[test]
fn a_quiet_tandem_is_a_reminder_for_its_pair_and_the_erasure_notice_comes_a_month_ahead() {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let klaus = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let tandem = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id: tandem,
            mentee: miriam,
            mentor: klaus,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-01-31"),
        })
        .unwrap();
    let quiet = BTreeMap::from([(
        tandem,
        ContactConcern::Quiet {
            last: day("2026-04-01"),
            days: 60,
        },
    )]);
    let found = reminders(cohort.document.programme(), &quiet, day("2026-05-31"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, format!("quiet:{tandem}"));
    assert_eq!(found[0].title, "Miriam Beispiel & Klaus Muster");

    cohort
        .apply(Command::SetRetention { months: Some(6) })
        .unwrap();
    // The programme ends 2027-04-30; data is kept until 2027-10-30.
    let early = reminders(
        cohort.document.programme(),
        &BTreeMap::new(),
        day("2027-09-01"),
    );
    assert!(early.iter().all(|r| r.kind != ReminderKind::Erasure));
    let notice = reminders(
        cohort.document.programme(),
        &BTreeMap::new(),
        day("2027-10-15"),
    );
    let erasure = notice
        .iter()
        .find(|r| r.kind == ReminderKind::Erasure)
        .expect("people are told before their data is deleted");
    assert_eq!(erasure.day, Some(day("2027-10-31")));
    assert_eq!(erasure.people.len(), 2);
}

#[test]
fn mailto_links_encode_the_message_and_keep_addresses_from_adding_headers() {
    let link = mailto(
        &["jana@example.org"],
        false,
        "Erinnerung: Zwischenbilanz",
        "Liebe Jana,\nbitte füllen Sie … aus & danke!",
    );
    assert_eq!(
        link,
        "mailto:jana@example.org?subject=Erinnerung%3A%20Zwischenbilanz&body=Liebe%20Jana%2C%0D%0Abitte%20f%C3%BCllen%20Sie%20%E2%80%A6%20aus%20%26%20danke%21"
    );
    let everyone = mailto(
        &[
            "a@example.org",
            "b@example.org?cc=evil@example.org",
            "c@example.org\r\nBcc: x",
            "",
        ],
        true,
        "Hallo",
        "Text",
    );
    assert_eq!(
        everyone,
        "mailto:?bcc=a@example.org&subject=Hallo&body=Text"
    );
}
