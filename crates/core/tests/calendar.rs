//! The programme calendar: events, attendance, course hours, completion
//! rules, certificates and the calendar export.

mod common;

use std::collections::BTreeMap;
use tandem_core::CalendarError;

use common::{day, Cohort};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use tandem_core::{
    event_ics, event_uid, programme_ics, AttendanceStatus, Audience, ClockTime, Command,
    CommandError, CompletionRules, EventDetails, EventId, EventKind, PersonId, ProgrammeDocument,
    Requirement, Role, TandemEnding, TandemId,
};

fn time(text: &str) -> ClockTime {
    ClockTime::parse(text).expect("test times are valid")
}

fn details(kind: EventKind, title: &str, on: &str, hours: u32) -> EventDetails {
    EventDetails {
        kind,
        title: title.into(),
        start_day: day(on),
        start_time: time("09:00"),
        end_day: day(on),
        end_time: time("17:00"),
        place: "Rathaus, Sitzungssaal 2".into(),
        online_link: String::new(),
        host: None,
        audience: Audience::All,
        capacity: None,
        minutes: hours * 60,
        description: String::new(),
    }
}

fn plan(cohort: &mut Cohort, details: EventDetails) -> EventId {
    let id = EventId::random();
    cohort
        .apply(Command::CreateEvent { id, details })
        .expect("the event is valid");
    id
}

fn mark(cohort: &mut Cohort, event: EventId, person: PersonId, status: AttendanceStatus) {
    cohort
        .apply(Command::MarkAttendance {
            event,
            person,
            status,
        })
        .expect("attendance can be recorded");
}

fn rules(hours: u32, kinds: &[(EventKind, u32)], tandem: bool, closing: bool) -> CompletionRules {
    CompletionRules {
        min_minutes: hours * 60,
        events_of_kind: kinds
            .iter()
            .map(|(kind, count)| (kind.code().to_string(), *count))
            .collect::<BTreeMap<_, _>>(),
        tandem_completed: tandem,
        closing_ceremony: closing,
    }
}

#[test]
fn events_are_listed_in_the_order_they_take_place() {
    let mut cohort = Cohort::new();
    let closing = plan(
        &mut cohort,
        details(
            EventKind::ClosingCeremony,
            "Abschlussfeier",
            "2027-04-20",
            2,
        ),
    );
    let kick_off = plan(
        &mut cohort,
        details(EventKind::KickOff, "Auftakt", "2026-02-10", 3),
    );
    let order: Vec<EventId> = cohort
        .document
        .programme()
        .events_in_order()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(order, vec![kick_off, closing]);
}

#[test]
fn an_event_that_ends_before_it_starts_or_has_no_title_is_refused() {
    let mut cohort = Cohort::new();
    let mut backwards = details(EventKind::Seminar, "Seminar 1", "2026-03-05", 8);
    backwards.end_time = time("08:00");
    assert_eq!(
        cohort.apply(Command::CreateEvent {
            id: EventId::random(),
            details: backwards
        }),
        Err(CommandError::Calendar(CalendarError::EventEndsBeforeStart))
    );
    assert_eq!(
        cohort.apply(Command::CreateEvent {
            id: EventId::random(),
            details: details(EventKind::Seminar, "   ", "2026-03-05", 8)
        }),
        Err(CommandError::Calendar(CalendarError::EventTitleMissing))
    );
    let mut bad_link = details(EventKind::InfoEvent, "Info online", "2026-01-15", 1);
    bad_link.online_link = "meet dot example".into();
    assert!(matches!(
        cohort.apply(Command::CreateEvent {
            id: EventId::random(),
            details: bad_link
        }),
        Err(CommandError::Calendar(CalendarError::LinkInvalid(_)))
    ));
    assert!(cohort.document.programme().events.is_empty());
}

#[test]
fn course_hours_add_up_from_attended_events_and_rules_say_what_is_missing() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let seminars: Vec<EventId> = (1..=3)
        .map(|n| {
            plan(
                &mut cohort,
                details(
                    EventKind::Seminar,
                    &format!("Seminar {n}"),
                    &format!("2026-0{}-10", n + 2),
                    8,
                ),
            )
        })
        .collect();
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(16, &[(EventKind::Seminar, 2)], false, false),
        })
        .unwrap();
    mark(&mut cohort, seminars[0], mentee, AttendanceStatus::Attended);
    mark(&mut cohort, seminars[1], mentee, AttendanceStatus::Excused);

    let completion = cohort.document.programme().completion_of(mentee).unwrap();
    assert_eq!(completion.minutes, 8 * 60);
    assert!(!completion.meets_rules());
    let missing: Vec<(Requirement, u32)> = completion
        .missing()
        .map(|check| (check.requirement, check.missing()))
        .collect();
    assert_eq!(
        missing,
        vec![
            (Requirement::Hours, 8 * 60),
            (Requirement::EventsOfKind(EventKind::Seminar), 1)
        ]
    );

    mark(&mut cohort, seminars[2], mentee, AttendanceStatus::Attended);
    let completion = cohort.document.programme().completion_of(mentee).unwrap();
    assert_eq!(completion.minutes, 16 * 60);
    assert!(completion.meets_rules(), "2 of 3 seminars and 16 hours");
    assert!(cohort.document.programme().certificate(mentee).is_some());
}

#[test]
fn an_event_cancelled_after_attendance_was_recorded_no_longer_counts() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let course = plan(
        &mut cohort,
        details(EventKind::CourseDay, "Kurstag 1", "2026-03-01", 6),
    );
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(6, &[], false, false),
        })
        .unwrap();
    mark(&mut cohort, course, mentee, AttendanceStatus::Attended);
    assert!(cohort
        .document
        .programme()
        .completion_of(mentee)
        .unwrap()
        .meets_rules());

    cohort
        .apply(Command::CancelEvent {
            id: course,
            cancelled: true,
        })
        .unwrap();
    let programme = cohort.document.programme();
    let completion = programme.completion_of(mentee).unwrap();
    assert_eq!(completion.minutes, 0);
    assert!(completion.attended.is_empty());
    assert!(!completion.meets_rules());
    // The record itself is kept: taking the cancellation back restores it.
    assert_eq!(
        programme.events[&course].attendance[&mentee].status,
        AttendanceStatus::Attended
    );
    assert_eq!(
        cohort.apply(Command::MarkAttendance {
            event: course,
            person: mentee,
            status: AttendanceStatus::Absent
        }),
        Err(CommandError::Calendar(CalendarError::EventCancelled))
    );
    cohort
        .apply(Command::CancelEvent {
            id: course,
            cancelled: false,
        })
        .unwrap();
    assert_eq!(
        cohort
            .document
            .programme()
            .completion_of(mentee)
            .unwrap()
            .minutes,
        6 * 60
    );
}

#[test]
fn hours_changed_later_count_for_everyone_except_those_credited_their_own() {
    let mut cohort = Cohort::new();
    let early = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let whole = cohort.accepted("Nele Neu", Role::Mentee, cohort.koeln);
    let course = plan(
        &mut cohort,
        details(EventKind::CourseDay, "Kurstag 1", "2026-03-01", 6),
    );
    mark(&mut cohort, course, early, AttendanceStatus::Attended);
    mark(&mut cohort, course, whole, AttendanceStatus::Attended);
    cohort
        .apply(Command::SetAttendedMinutes {
            event: course,
            person: early,
            minutes: Some(4 * 60),
        })
        .unwrap();

    // The day turned out longer than planned.
    let mut longer = cohort.document.programme().events[&course].details.clone();
    longer.minutes = 8 * 60;
    cohort
        .apply(Command::UpdateEvent {
            id: course,
            details: longer,
        })
        .unwrap();

    let programme = cohort.document.programme();
    assert_eq!(programme.completion_of(whole).unwrap().minutes, 8 * 60);
    assert_eq!(programme.completion_of(early).unwrap().minutes, 4 * 60);
    // Attendance survived the edit of the event.
    assert_eq!(programme.events[&course].attendance.len(), 2);

    cohort
        .apply(Command::SetAttendedMinutes {
            event: course,
            person: early,
            minutes: None,
        })
        .unwrap();
    assert_eq!(
        cohort
            .document
            .programme()
            .completion_of(early)
            .unwrap()
            .minutes,
        8 * 60
    );
}

#[test]
fn a_person_who_changed_role_is_measured_in_the_new_role_and_keeps_their_hours() {
    let mut cohort = Cohort::new();
    let person = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let mut seminar = details(EventKind::Seminar, "Seminar 1", "2026-03-10", 8);
    seminar.audience = Audience::Mentees;
    let seminar_1 = plan(&mut cohort, seminar.clone());
    seminar.title = "Seminar 2".into();
    seminar.start_day = day("2026-05-10");
    seminar.end_day = day("2026-05-10");
    plan(&mut cohort, seminar);
    let network = plan(
        &mut cohort,
        details(
            EventKind::NetworkMeeting,
            "Netzwerktreffen",
            "2026-06-01",
            3,
        ),
    );
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(10, &[(EventKind::Seminar, 2)], false, false),
        })
        .unwrap();
    mark(&mut cohort, seminar_1, person, AttendanceStatus::Attended);
    mark(&mut cohort, network, person, AttendanceStatus::Attended);
    let as_mentee = cohort.document.programme().completion_of(person).unwrap();
    assert_eq!(as_mentee.minutes, 11 * 60);
    assert!(!as_mentee.meets_rules(), "a mentee needs both seminars");

    // The coordinators decide she joins as a mentor after all.
    let mut details = cohort.document.programme().people[&person].details.clone();
    details.role = Role::Mentor;
    cohort
        .apply(Command::UpdatePerson {
            id: person,
            details,
        })
        .unwrap();

    let programme = cohort.document.programme();
    let as_mentor = programme.completion_of(person).unwrap();
    assert_eq!(as_mentor.role, Role::Mentor);
    assert_eq!(as_mentor.minutes, 11 * 60, "hours attended still count");
    let seminar_rule = as_mentor
        .checks
        .iter()
        .find(|check| check.requirement == Requirement::EventsOfKind(EventKind::Seminar))
        .unwrap();
    // The seminar she attended is still offered to her through her entry;
    // the one she did not is for mentees only.
    assert_eq!(seminar_rule.offered, 1);
    assert_eq!(seminar_rule.have, 1);
    assert!(!seminar_rule.met);
    let certificate = programme.completions();
    assert_eq!(certificate[0].role, Role::Mentor);
}

#[test]
fn seminars_for_mentees_only_are_not_asked_of_a_mentor_who_was_never_invited() {
    let mut cohort = Cohort::new();
    let mentor = cohort.accepted("Olaf Ohm", Role::Mentor, cohort.koeln);
    let mut seminar = details(EventKind::Seminar, "Seminar 1", "2026-03-10", 8);
    seminar.audience = Audience::Mentees;
    plan(&mut cohort, seminar);
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(0, &[(EventKind::Seminar, 2)], false, false),
        })
        .unwrap();
    let completion = cohort.document.programme().completion_of(mentor).unwrap();
    assert_eq!(completion.checks[0].offered, 0);
    assert!(completion.meets_rules());
}

#[test]
fn tandem_completed_and_closing_ceremony_rules_follow_the_programme() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let mentor = cohort.accepted("Olaf Ohm", Role::Mentor, cohort.koeln);
    let tandem = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id: tandem,
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-03-01"),
            planned_end: day("2027-03-31"),
        })
        .unwrap();
    let closing = plan(
        &mut cohort,
        details(
            EventKind::ClosingCeremony,
            "Abschlussfeier",
            "2027-04-20",
            2,
        ),
    );
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(0, &[], true, true),
        })
        .unwrap();
    let before = cohort.document.programme().completion_of(mentee).unwrap();
    assert_eq!(before.missing().count(), 2);

    cohort
        .apply(Command::EndTandem {
            id: tandem,
            ending: TandemEnding::Completed,
            on: day("2027-03-31"),
        })
        .unwrap();
    mark(&mut cohort, closing, mentee, AttendanceStatus::Attended);
    let programme = cohort.document.programme();
    assert!(programme.completion_of(mentee).unwrap().meets_rules());
    assert!(!programme.completion_of(mentor).unwrap().meets_rules());
    let certificate = programme.certificate(mentee).unwrap();
    assert!(certificate.tandem_completed);
    assert_eq!(certificate.from, day("2026-03-01"));
    assert_eq!(certificate.to, day("2027-03-31"));
}

#[test]
fn a_certificate_against_the_rules_needs_a_reason_and_records_who_and_when() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(40, &[], false, false),
        })
        .unwrap();
    assert!(cohort.document.programme().certificate(mentee).is_none());
    assert_eq!(
        cohort.apply(Command::GrantCertificate {
            person: mentee,
            reason: "  ".into(),
            on: day("2027-04-20"),
        }),
        Err(CommandError::ReasonMissing)
    );
    cohort
        .apply(Command::GrantCertificate {
            person: mentee,
            reason: "Krankheit während des dritten Seminars, Inhalte nachgeholt".into(),
            on: day("2027-04-20"),
        })
        .unwrap();
    let programme = cohort.document.programme();
    let certificate = programme
        .certificate(mentee)
        .expect("issued against the rules");
    let grant = certificate.grant.expect("the grant is on the certificate");
    assert_eq!(grant.by_name, "Petra Probe");
    assert_eq!(grant.by, cohort.coordinator.id.to_string());
    assert_eq!(grant.on, day("2027-04-20"));
    assert!(grant.reason.starts_with("Krankheit"));
    assert!(!programme.completion_of(mentee).unwrap().meets_rules());
    let history = cohort.document.history_of(&mentee.to_string());
    assert_eq!(history.last().unwrap().command, "grant-certificate");

    cohort
        .apply(Command::WithdrawCertificateGrant { person: mentee })
        .unwrap();
    assert!(cohort.document.programme().certificate(mentee).is_none());
}

#[test]
fn the_certificate_lists_events_hours_issuers_and_signatories() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    cohort
        .apply(Command::SetPartnerCoordinator {
            id: cohort.koeln,
            contact: Some(tandem_core::ContactPoint {
                name: "Karla Koordinatorin".into(),
                ..Default::default()
            }),
        })
        .unwrap();
    cohort
        .apply(Command::SetCompletionRules {
            rules: rules(10, &[], false, false),
        })
        .unwrap();
    let kick_off = plan(
        &mut cohort,
        details(EventKind::KickOff, "Auftakt", "2026-02-10", 3),
    );
    let seminar = plan(
        &mut cohort,
        details(EventKind::Seminar, "Seminar 1", "2026-03-10", 8),
    );
    mark(&mut cohort, seminar, mentee, AttendanceStatus::Attended);
    mark(&mut cohort, kick_off, mentee, AttendanceStatus::Attended);
    let certificate = cohort.document.programme().certificate(mentee).unwrap();
    assert_eq!(certificate.name, "Mara Muster");
    assert_eq!(certificate.role, Role::Mentee);
    assert_eq!(certificate.organisation, "Landeshauptstadt Düsseldorf");
    assert_eq!(certificate.minutes, 11 * 60);
    let titles: Vec<&str> = certificate
        .events
        .iter()
        .map(|e| e.title.as_str())
        .collect();
    assert_eq!(titles, vec!["Auftakt", "Seminar 1"]);
    assert_eq!(
        certificate.issuers,
        vec!["Landeshauptstadt Düsseldorf", "Stadt Köln"]
    );
    assert_eq!(certificate.signatories[1].name, "Karla Koordinatorin");
    assert_eq!(certificate.signatories[0].name, "");
    assert_eq!(cohort.document.programme().certificates().len(), 1);
}

#[test]
fn registering_beyond_the_capacity_is_refused_but_attending_is_recorded() {
    let mut cohort = Cohort::new();
    let first = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let second = cohort.accepted("Nele Neu", Role::Mentee, cohort.koeln);
    let mut fireside = details(EventKind::FiresideEvening, "Kaminabend", "2026-09-01", 2);
    fireside.capacity = Some(1);
    let event = plan(&mut cohort, fireside);
    mark(&mut cohort, event, first, AttendanceStatus::Registered);
    assert_eq!(
        cohort.apply(Command::MarkAttendance {
            event,
            person: second,
            status: AttendanceStatus::Registered
        }),
        Err(CommandError::Calendar(CalendarError::EventFull(1)))
    );
    mark(&mut cohort, event, second, AttendanceStatus::Attended);
    assert_eq!(cohort.document.programme().events[&event].taken_places(), 2);
}

#[test]
fn attendance_marked_by_two_coordinators_at_once_keeps_both_entries() {
    let mut cohort = Cohort::new();
    let first = cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf);
    let second = cohort.accepted("Nele Neu", Role::Mentee, cohort.koeln);
    let event = plan(
        &mut cohort,
        details(EventKind::KickOff, "Auftakt", "2026-02-10", 3),
    );
    let bytes = cohort.document.save();
    let mut partner = ProgrammeDocument::load(&bytes).unwrap();
    let other = tandem_core::Author::new("Klaus Kollege");
    partner
        .apply(
            &other,
            1_770_000_100,
            Command::MarkAttendance {
                event,
                person: second,
                status: AttendanceStatus::Attended,
            },
        )
        .unwrap();
    mark(&mut cohort, event, first, AttendanceStatus::Attended);
    cohort.document.merge_bytes(&partner.save()).unwrap();
    let programme = cohort.document.programme();
    assert_eq!(programme.events[&event].attendance.len(), 2);
    assert_eq!(programme.completion_of(second).unwrap().minutes, 3 * 60);
    // What is in memory is what a fresh load reads.
    let reloaded = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    assert_eq!(reloaded.programme(), cohort.document.programme());
}

#[test]
fn an_event_moved_to_two_different_days_at_once_is_listed_and_can_be_settled() {
    let mut cohort = Cohort::new();
    let event = plan(
        &mut cohort,
        details(EventKind::Seminar, "Seminar 1", "2026-03-10", 8),
    );
    let mut partner = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    let other = tandem_core::Author::new("Klaus Kollege");
    let moved = |on: &str| {
        let mut details = details(EventKind::Seminar, "Seminar 1", on, 8);
        details.end_day = day(on);
        Command::UpdateEvent { id: event, details }
    };
    cohort.apply(moved("2026-03-17")).unwrap();
    partner
        .apply(&other, 1_770_000_100, moved("2026-03-24"))
        .unwrap();
    cohort.document.merge_bytes(&partner.save()).unwrap();

    let path = vec![
        "events".to_string(),
        event.to_string(),
        "details".to_string(),
        "start_day".to_string(),
    ];
    let conflicts = cohort.document.conflicts();
    assert!(
        conflicts.iter().any(|conflict| matches!(
            conflict,
            tandem_core::Conflict::ConcurrentValues { path: p, .. } if *p == path
        )),
        "the two dates are listed: {conflicts:?}"
    );
    // The later end first: an event never ends before it starts, not even
    // between two choices.
    for key in ["end_day", "start_day"] {
        let mut path = path.clone();
        path[3] = key.to_string();
        cohort
            .apply(Command::ChooseValue {
                path,
                value: tandem_core::ChosenValue::Text("2026-03-24".into()),
            })
            .unwrap();
    }
    assert_eq!(
        cohort.document.programme().events[&event].details.start_day,
        day("2026-03-24")
    );
    assert!(cohort.document.conflicts().is_empty());
}

#[test]
fn the_calendar_file_reads_back_with_berlin_times_and_stable_uids() {
    let mut cohort = Cohort::new();
    let mut info = details(
        EventKind::InfoEvent,
        "Infoveranstaltung; online",
        "2026-07-01",
        1,
    );
    info.start_time = time("18:30");
    info.end_time = time("19:30");
    info.place = String::new();
    info.online_link = "https://meet.example.org/tandem-info".into();
    info.description = "Alles über das Programme, Fragen willkommen.".into();
    let info_id = plan(&mut cohort, info);
    let seminar = plan(
        &mut cohort,
        details(EventKind::Seminar, "Seminar 1", "2026-12-03", 8),
    );
    cohort
        .apply(Command::CancelEvent {
            id: seminar,
            cancelled: true,
        })
        .unwrap();
    let programme = cohort.document.programme();
    let text = programme_ics(programme, 1_780_000_000, |kind| kind.code().to_string());
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin"));
    assert!(text.find("BEGIN:VTIMEZONE") < text.find("BEGIN:VEVENT"));

    let calendar: Calendar = text.parse().expect("the file is valid iCalendar");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|component| component.as_event())
        .collect();
    assert_eq!(events.len(), 2);
    let summer = events[0];
    assert_eq!(summer.get_uid(), Some(event_uid(info_id).as_str()));
    assert_eq!(summer.get_summary(), Some("Infoveranstaltung; online"));
    assert_eq!(
        summer.get_start(),
        Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
                .unwrap()
                .and_hms_opt(18, 30, 0)
                .unwrap(),
            tzid: "Europe/Berlin".into(),
        }))
    );
    assert_eq!(
        summer.get_location(),
        Some("https://meet.example.org/tandem-info")
    );
    assert_eq!(summer.get_status(), Some(icalendar::EventStatus::Confirmed));
    let winter = events[1];
    assert_eq!(winter.get_uid(), Some(event_uid(seminar).as_str()));
    assert_eq!(winter.get_status(), Some(icalendar::EventStatus::Cancelled));

    // Exported again later: the same UID with a higher SEQUENCE, so a
    // calendar updates the entry.
    let again = event_ics(programme, info_id, 1_790_000_000, |kind| {
        kind.code().to_string()
    })
    .unwrap();
    let again: Calendar = again.parse().unwrap();
    let again_event = again
        .components
        .iter()
        .find_map(|component| component.as_event())
        .unwrap();
    assert_eq!(again_event.get_uid(), summer.get_uid());
    let sequence = |event: &icalendar::Event| -> u32 {
        event.property_value("SEQUENCE").unwrap().parse().unwrap()
    };
    assert!(sequence(again_event) > sequence(summer));
}

#[derive(Debug, Clone)]
enum CalendarEdit {
    Mark {
        event: usize,
        person: usize,
        status: usize,
    },
    Minutes {
        event: usize,
        person: usize,
        minutes: Option<u32>,
    },
    Cancel {
        event: usize,
        cancelled: bool,
    },
    Hours {
        event: usize,
        hours: u32,
    },
    Exchange,
}

fn calendar_edit() -> impl proptest::strategy::Strategy<Value = (usize, CalendarEdit)> {
    use proptest::prelude::*;
    let one = prop_oneof![
        (0..2usize, 0..3usize, 0..5usize).prop_map(|(event, person, status)| CalendarEdit::Mark {
            event,
            person,
            status
        }),
        (0..2usize, 0..3usize, proptest::option::of(0..600u32)).prop_map(
            |(event, person, minutes)| CalendarEdit::Minutes {
                event,
                person,
                minutes
            }
        ),
        (0..2usize, any::<bool>())
            .prop_map(|(event, cancelled)| CalendarEdit::Cancel { event, cancelled }),
        (0..2usize, 0..12u32).prop_map(|(event, hours)| CalendarEdit::Hours { event, hours }),
        Just(CalendarEdit::Exchange),
    ];
    (0..2usize, one)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    #[test]
    fn two_coordinators_recording_attendance_in_any_order_converge_to_the_same_hours(
        edits in proptest::collection::vec(calendar_edit(), 1..30)
    ) {
        let mut cohort = Cohort::new();
        let people = [
            cohort.accepted("Mara Muster", Role::Mentee, cohort.duesseldorf),
            cohort.accepted("Nele Neu", Role::Mentee, cohort.koeln),
            cohort.accepted("Olaf Ohm", Role::Mentor, cohort.koeln),
        ];
        let events = [
            plan(&mut cohort, details(EventKind::Seminar, "Seminar 1", "2026-03-10", 8)),
            plan(&mut cohort, details(EventKind::NetworkMeeting, "Netzwerktreffen", "2026-06-01", 3)),
        ];
        cohort.apply(Command::SetCompletionRules { rules: rules(8, &[(EventKind::Seminar, 1)], false, false) }).unwrap();
        let bytes = cohort.document.save();
        let mut replicas = [
            ProgrammeDocument::load(&bytes).unwrap(),
            ProgrammeDocument::load(&bytes).unwrap(),
        ];
        let authors = [tandem_core::Author::new("Petra Probe"), tandem_core::Author::new("Karla Köln")];
        for (who, edit) in edits {
            let command = match edit {
                CalendarEdit::Mark { event, person, status } => Some(Command::MarkAttendance {
                    event: events[event],
                    person: people[person],
                    status: AttendanceStatus::ALL[status],
                }),
                CalendarEdit::Minutes { event, person, minutes } => Some(Command::SetAttendedMinutes {
                    event: events[event],
                    person: people[person],
                    minutes,
                }),
                CalendarEdit::Cancel { event, cancelled } => Some(Command::CancelEvent { id: events[event], cancelled }),
                CalendarEdit::Hours { event, hours } => {
                    let mut details = replicas[who].programme().events[&events[event]].details.clone();
                    details.minutes = hours * 60;
                    Some(Command::UpdateEvent { id: events[event], details })
                }
                CalendarEdit::Exchange => {
                    let other = replicas[1 - who].save();
                    replicas[who].merge_bytes(&other).unwrap();
                    None
                }
            };
            if let Some(command) = command {
                // A refused command (attendance at a cancelled event) leaves no trace.
                let _ = replicas[who].apply(&authors[who], 1_770_000_000, command);
            }
        }
        let first = replicas[0].save();
        let second = replicas[1].save();
        replicas[0].merge_bytes(&second).unwrap();
        replicas[1].merge_bytes(&first).unwrap();
        proptest::prop_assert_eq!(replicas[0].programme(), replicas[1].programme());
        for replica in &replicas {
            let fresh = ProgrammeDocument::load(&replica.clone().save()).unwrap();
            proptest::prop_assert_eq!(fresh.programme(), replica.programme());
        }
        let programme = replicas[0].programme();
        for person in people {
            let completion = programme.completion_of(person).unwrap();
            let expected: u32 = programme.events.values().map(|event| event.credited_minutes(person)).sum();
            proptest::prop_assert_eq!(completion.minutes, expected);
            proptest::prop_assert_eq!(completion, replicas[1].programme().completion_of(person).unwrap());
        }
    }
}
