//! The tandem page's reminders without a push service: the next meeting
//! due by the programme's rhythm, and a calendar file with an alarm for
//! each meeting due and for the programme's next events.

mod common;

use common::{day, Cohort};
use icalendar::{Calendar, Component, DatePerhapsTime, EventLike};
use tandem_core::{
    next_meeting_due, tandem_ics, Audience, CalendarTexts, ClockTime, Command, EventDetails,
    EventId, EventKind, Meeting, MeetingKind, PageCommand, ProgrammeSide, Role, TandemId,
    TandemPageDocument,
};

fn texts() -> CalendarTexts {
    CalendarTexts {
        meeting_due: "Tandem-Treffen fällig".into(),
        meeting_due_details: "Zeit für Ihr nächstes Treffen, Mara; tragen Sie es ein.\nDanke!"
            .into(),
        event_tomorrow: "Morgen".into(),
    }
}

fn page() -> TandemPageDocument {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Mara Mentee", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Olga Ober", Role::Mentor, cohort.duesseldorf);
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
    cohort
        .apply(Command::CreateEvent {
            id: EventId::random(),
            details: EventDetails {
                kind: EventKind::Workshop,
                title: "Netzwerkabend, Rathaus; Saal 2".into(),
                start_day: day("2026-06-10"),
                start_time: ClockTime::parse("18:30").unwrap(),
                end_day: day("2026-06-10"),
                end_time: ClockTime::parse("21:00").unwrap(),
                place: "Rathaus Köln".into(),
                online_link: "https://meet.example.org/netzwerk?raum=2".into(),
                host: None,
                audience: Audience::All,
                capacity: None,
                minutes: 150,
                description: String::new(),
            },
        })
        .unwrap();
    let side = ProgrammeSide::project(cohort.document.programme(), tandem).unwrap();
    let mut page = TandemPageDocument::create(side, 1_770_000_000).unwrap();
    page.apply(
        PageCommand::LogMeeting {
            key: "m1".into(),
            meeting: Meeting {
                on: day("2026-05-02"),
                minutes: 60,
                kind: MeetingKind::InPerson,
                topics: String::new(),
                next_steps: String::new(),
                logged_by: Some(mentee),
            },
        },
        1_777_000_000,
    )
    .unwrap();
    page
}

#[test]
fn the_next_meeting_is_due_one_rhythm_after_the_last_one() {
    let page = page();
    let rhythm = i64::from(page.side().rhythm_days);
    assert_eq!(
        next_meeting_due(&page),
        Some(day("2026-05-02").plus_days(rhythm))
    );
}

#[test]
fn the_calendar_file_repeats_the_due_meeting_with_an_alarm_and_lists_the_next_events() {
    let page = page();
    let rhythm = page.side().rhythm_days;
    let text = tandem_ics(&page, day("2026-05-10"), &texts());
    assert!(
        text.lines().all(|line| line.len() <= 76),
        "lines are folded"
    );
    let calendar: Calendar = text.parse().expect("the file is valid iCalendar");
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|component| component.as_event())
        .collect();
    assert_eq!(events.len(), 2);
    let due = events[0];
    assert_eq!(due.get_summary(), Some("Tandem-Treffen fällig"));
    assert_eq!(
        due.get_start(),
        Some(DatePerhapsTime::Date(
            chrono::NaiveDate::parse_from_str(
                &day("2026-05-02").plus_days(i64::from(rhythm)).iso(),
                "%Y-%m-%d"
            )
            .unwrap()
        ))
    );
    assert_eq!(
        due.property_value("RRULE"),
        Some(format!("FREQ=DAILY;INTERVAL={rhythm};UNTIL=20270331").as_str())
    );
    assert_eq!(
        due.get_description(),
        Some("Zeit für Ihr nächstes Treffen, Mara; tragen Sie es ein.\nDanke!")
    );
    let event = events[1];
    assert_eq!(event.get_summary(), Some("Netzwerkabend, Rathaus; Saal 2"));
    assert_eq!(event.get_location(), Some("Rathaus Köln"));
    assert_eq!(
        event.property_value("URL"),
        Some("https://meet.example.org/netzwerk?raum=2")
    );
    let unfolded = text.replace("\r\n ", "");
    assert_eq!(unfolded.matches("BEGIN:VALARM").count(), 2);
    assert!(unfolded.contains("TRIGGER:PT9H"));
    assert!(unfolded.contains("TRIGGER:-P1D"));
    assert!(unfolded.contains("DTSTART:20260610T183000"));
}

#[test]
fn an_event_already_past_is_left_out() {
    let page = page();
    let text = tandem_ics(&page, day("2026-07-01"), &texts());
    assert!(!text.contains("Netzwerkabend"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
}
