//! The report's figures on a small programme computed by hand: who took
//! part, acceptance and matching, tandems completed or ended early,
//! meetings, events and hours, survey averages, outcomes, an earlier run
//! beside this one, and the CSV export. Empty and partial data give counts
//! and "–", never a division by zero.

// The 100-line limit is for the crate's code; a test that computes a
// whole programme's figures by hand reads best as one story.
#![allow(clippy::too_many_lines)]

mod common;

use std::collections::BTreeMap;
use tandem_core::{ResultsError, TandemError};

use common::{day, Cohort};
use tandem_core::{
    report_csv, table_csv, Answer, AnswerSource, Attendance, AttendanceStatus, Audience, Cell,
    ClockTime, Command, CommandError, ConsentRecord, ConsentWay, Decision, EventDetails, EventId,
    EventKind, GoalReached, LeadershipPost, Meeting, MeetingKind, MeetingLog, NumberStyle, Outcome,
    OutcomeWhen, PageCommand, PersonId, ProgrammeDocument, ProgrammeSide, Question, QuestionKind,
    Rate, Report, ReportFilter, ResponseId, Role, Survey, SurveyAudience, SurveyDue, SurveyId,
    TandemEnding, TandemId, TandemPageDocument,
};

/// The hand-computed programme (Düsseldorf–Köln, ends 30.04.2027):
///
/// | mentee | city | tandem | aimed | post | goal | recommend |
/// |---|---|---|---|---|---|---|
/// | Anna | D | completed | yes | 01.03.2027 | fully | yes |
/// | Berta | D | completed | yes | 01.10.2027 (12-month follow-up) | partly | yes |
/// | Clara | D | ended early, „Umzug“ | yes | – | not | no |
/// | Dora | D | running | yes | 15.01.2027 | fully | – |
/// | Frida | K | completed | yes | – | – | yes |
/// | Gerda | K | ended early, „Zeitmangel“ | yes | – | – | – |
///
/// Eva (D) was declined, Hanna (K) waitlisted. Mentors M1–M4 from Köln,
/// N1–N2 from Düsseldorf, all accepted.
struct Hand {
    cohort: Cohort,
    mentees: BTreeMap<&'static str, PersonId>,
    mentors: BTreeMap<&'static str, PersonId>,
    tandems: BTreeMap<&'static str, TandemId>,
    logs: BTreeMap<TandemId, MeetingLog>,
    survey: SurveyId,
}

fn time(text: &str) -> ClockTime {
    ClockTime::parse(text).expect("test times are valid")
}

fn event(kind: EventKind, title: &str, on: &str, minutes: u32) -> EventDetails {
    EventDetails {
        kind,
        title: title.into(),
        start_day: day(on),
        start_time: time("09:00"),
        end_day: day(on),
        end_time: time("17:00"),
        place: "Rathaus".into(),
        online_link: String::new(),
        host: None,
        audience: Audience::All,
        capacity: None,
        minutes,
        description: String::new(),
    }
}

fn outcome(
    aimed: Option<bool>,
    post: Option<&str>,
    goal: Option<GoalReached>,
    recommend: Option<bool>,
) -> Outcome {
    Outcome {
        aimed_for_leadership: aimed,
        leadership_post: post.map(|on| LeadershipPost {
            on: day(on),
            position: "Sachgebietsleitung".into(),
        }),
        other_steps: String::new(),
        goal,
        would_recommend: recommend,
        recorded_on: Some(day("2027-04-30")),
    }
}

fn fit_survey() -> Survey {
    Survey {
        title: "Passung nach 30 Tagen".into(),
        due: SurveyDue::AfterStart { days: 30 },
        audience: SurveyAudience::Mentees,
        questions: vec![
            Question {
                key: "fit".into(),
                text: "Wie gut passt Ihr Tandem?".into(),
                kind: QuestionKind::Scale,
                anonymous: false,
            },
            Question {
                key: "often".into(),
                text: "Wie oft treffen Sie sich?".into(),
                kind: QuestionKind::Choice {
                    options: vec!["wöchentlich".into(), "monatlich".into(), "seltener".into()],
                },
                anonymous: true,
            },
            Question {
                key: "missing".into(),
                text: "Was fehlt Ihnen?".into(),
                kind: QuestionKind::FreeText,
                anonymous: true,
            },
        ],
    }
}

fn answers(fit: u8, often: &str, missing: &str) -> BTreeMap<String, Answer> {
    BTreeMap::from([
        ("fit".to_string(), Answer::Scale { value: fit }),
        (
            "often".to_string(),
            Answer::Choice {
                option: often.into(),
            },
        ),
        (
            "missing".to_string(),
            Answer::Text {
                text: missing.into(),
            },
        ),
    ])
}

fn record_answers(
    cohort: &mut Cohort,
    survey: SurveyId,
    person: PersonId,
    answers: BTreeMap<String, Answer>,
) -> Result<(), CommandError> {
    cohort.apply(Command::RecordSurveyAnswers {
        survey,
        person,
        on: day("2026-04-07"),
        source: AnswerSource::Paper,
        answers,
        response: ResponseId::random(),
        anonymous_response: ResponseId::random(),
    })
}

fn record(cohort: &mut Cohort, person: PersonId, when: OutcomeWhen, outcome: Outcome) {
    cohort
        .apply(Command::RecordOutcome {
            person,
            when,
            outcome: Some(outcome),
        })
        .expect("the outcome is valid");
}

fn page_with_meetings(cohort: &Cohort, tandem: TandemId, minutes: &[u32]) -> MeetingLog {
    let side =
        ProgrammeSide::project(cohort.document.programme(), tandem).expect("the tandem exists");
    let mut page = TandemPageDocument::create(side, 0).expect("a page can be made");
    for (index, minutes) in minutes.iter().enumerate() {
        page.apply(
            PageCommand::LogMeeting {
                key: format!("m{index}"),
                meeting: Meeting {
                    on: day("2026-05-01").plus_days(index as i64 * 30),
                    minutes: *minutes,
                    kind: MeetingKind::InPerson,
                    topics: "Karriereplanung".into(),
                    next_steps: String::new(),
                    logged_by: None,
                },
            },
            0,
        )
        .expect("the meeting is valid");
    }
    // As the app reads it: the page as stored, loaded again.
    let page = TandemPageDocument::load(&page.save()).expect("the page loads");
    MeetingLog::of(&page)
}

fn hand_computed() -> Hand {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let mut mentees = BTreeMap::new();
    for (name, city) in [
        ("Anna", d),
        ("Berta", d),
        ("Clara", d),
        ("Dora", d),
        ("Frida", k),
        ("Gerda", k),
    ] {
        mentees.insert(name, cohort.accepted(name, Role::Mentee, city));
    }
    let mut mentors = BTreeMap::new();
    for (name, city) in [
        ("M1", k),
        ("M2", k),
        ("M3", k),
        ("M4", k),
        ("N1", d),
        ("N2", d),
    ] {
        mentors.insert(name, cohort.accepted(name, Role::Mentor, city));
    }
    let eva = cohort.applicant("Eva", Role::Mentee, d);
    cohort
        .apply(Command::Decide {
            person: eva,
            decision: Decision::Decline,
            on: day("2026-01-20"),
        })
        .unwrap();
    let hanna = cohort.applicant("Hanna", Role::Mentee, k);
    cohort
        .apply(Command::Decide {
            person: hanna,
            decision: Decision::Waitlist,
            on: day("2026-01-20"),
        })
        .unwrap();
    // Someone who only applied counts nowhere yet.
    cohort.applicant("Ida", Role::Mentee, k);

    let mut tandems = BTreeMap::new();
    for (mentee, mentor) in [
        ("Anna", "M1"),
        ("Berta", "M2"),
        ("Clara", "M3"),
        ("Dora", "M4"),
        ("Frida", "N1"),
        ("Gerda", "N2"),
    ] {
        let id = TandemId::random();
        cohort
            .apply(Command::CreateTandem {
                id,
                mentee: mentees[mentee],
                mentor: mentors[mentor],
                co_mentor: None,
                start: day("2026-03-01"),
                planned_end: day("2027-03-31"),
            })
            .unwrap();
        tandems.insert(mentee, id);
    }
    for (mentee, ending) in [
        ("Anna", TandemEnding::Completed),
        ("Berta", TandemEnding::Completed),
        ("Frida", TandemEnding::Completed),
        (
            "Clara",
            TandemEnding::Early {
                reason: "Umzug".into(),
            },
        ),
        (
            "Gerda",
            TandemEnding::Early {
                reason: "Zeitmangel".into(),
            },
        ),
    ] {
        cohort
            .apply(Command::EndTandem {
                id: tandems[mentee],
                ending,
                on: day("2027-03-31"),
            })
            .unwrap();
    }

    // Kick-off, 3 hours: Anna, Berta, M1 there; Frida excused; Gerda absent.
    let kick_off = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: kick_off,
            details: event(EventKind::KickOff, "Auftakt", "2026-02-15", 180),
        })
        .unwrap();
    for (person, status) in [
        (mentees["Anna"], AttendanceStatus::Attended),
        (mentees["Berta"], AttendanceStatus::Attended),
        (mentors["M1"], AttendanceStatus::Attended),
        (mentees["Frida"], AttendanceStatus::Excused),
        (mentees["Gerda"], AttendanceStatus::Absent),
    ] {
        cohort
            .apply(Command::MarkAttendance {
                event: kick_off,
                person,
                status,
            })
            .unwrap();
    }
    // Seminar, 2 hours: Anna came late (1 hour credited), Clara registered.
    let seminar = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: seminar,
            details: event(EventKind::Seminar, "Seminar Führung", "2026-05-10", 120),
        })
        .unwrap();
    cohort
        .apply(Command::SetAttendedMinutes {
            event: seminar,
            person: mentees["Anna"],
            minutes: Some(60),
        })
        .unwrap();
    cohort
        .apply(Command::MarkAttendance {
            event: seminar,
            person: mentees["Clara"],
            status: AttendanceStatus::Registered,
        })
        .unwrap();
    // A cancelled network meeting counts nowhere.
    let cancelled = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: cancelled,
            details: event(
                EventKind::NetworkMeeting,
                "Netzwerktreffen",
                "2026-06-10",
                120,
            ),
        })
        .unwrap();
    cohort
        .apply(Command::MarkAttendance {
            event: cancelled,
            person: mentees["Dora"],
            status: AttendanceStatus::Attended,
        })
        .unwrap();
    cohort
        .apply(Command::CancelEvent {
            id: cancelled,
            cancelled: true,
        })
        .unwrap();

    // Meeting logs: Anna's tandem 4 meetings (6 h), Berta's 2 (2 h),
    // Frida's page is empty; the others have no page.
    let mut logs = BTreeMap::new();
    logs.insert(
        tandems["Anna"],
        page_with_meetings(&cohort, tandems["Anna"], &[90, 90, 90, 90]),
    );
    logs.insert(
        tandems["Berta"],
        page_with_meetings(&cohort, tandems["Berta"], &[60, 60]),
    );
    logs.insert(
        tandems["Frida"],
        page_with_meetings(&cohort, tandems["Frida"], &[]),
    );

    // The 30-day survey: Anna 5, Berta 4, Frida 2.
    let survey = SurveyId::random();
    cohort
        .apply(Command::DefineSurvey {
            id: survey,
            survey: fit_survey(),
        })
        .unwrap();
    record_answers(
        &mut cohort,
        survey,
        mentees["Anna"],
        answers(5, "monatlich", "Mehr Zeit"),
    )
    .unwrap();
    record_answers(
        &mut cohort,
        survey,
        mentees["Berta"],
        answers(4, "monatlich", ""),
    )
    .unwrap();
    record_answers(
        &mut cohort,
        survey,
        mentees["Frida"],
        answers(2, "seltener", ""),
    )
    .unwrap();

    // Outcomes at the end, and follow-ups.
    use GoalReached::*;
    let m = |name: &str| mentees[name];
    let end = OutcomeWhen::End;
    record(
        &mut cohort,
        m("Anna"),
        end,
        outcome(Some(true), Some("2027-03-01"), Some(Fully), Some(true)),
    );
    record(
        &mut cohort,
        m("Anna"),
        OutcomeWhen::AfterSixMonths,
        outcome(Some(true), None, Some(Fully), None),
    );
    record(
        &mut cohort,
        m("Berta"),
        end,
        outcome(Some(true), None, Some(Partly), Some(true)),
    );
    record(
        &mut cohort,
        m("Berta"),
        OutcomeWhen::AfterTwelveMonths,
        outcome(None, Some("2027-10-01"), None, None),
    );
    record(
        &mut cohort,
        m("Clara"),
        end,
        outcome(Some(true), None, Some(Not), Some(false)),
    );
    record(
        &mut cohort,
        m("Dora"),
        end,
        outcome(Some(true), Some("2027-01-15"), Some(Fully), None),
    );
    record(
        &mut cohort,
        m("Frida"),
        end,
        outcome(Some(true), None, None, Some(true)),
    );
    record(
        &mut cohort,
        m("Gerda"),
        end,
        outcome(Some(true), None, None, None),
    );

    Hand {
        cohort,
        mentees,
        mentors,
        tandems,
        logs,
        survey,
    }
}

fn everyone() -> ReportFilter {
    ReportFilter::default()
}

fn only(name: &str) -> ReportFilter {
    ReportFilter {
        organisation: Some(name.into()),
    }
}

fn de(cell: &Cell) -> String {
    cell.text(&NumberStyle::german())
}

fn figure(report: &Report, code: &str) -> String {
    report
        .key_figures()
        .into_iter()
        .find(|(figure, _)| *figure == code)
        .map(|(_, cell)| de(&cell))
        .unwrap_or_else(|| panic!("no figure {code}"))
}

#[test]
fn participants_are_counted_per_organisation_and_role_once_accepted() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let rows: Vec<(&str, usize, usize, usize)> = report
        .participants
        .iter()
        .map(|row| {
            (
                row.organisation.as_str(),
                row.mentees,
                row.mentors,
                row.total(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Landeshauptstadt Düsseldorf", 4, 2, 6),
            ("Stadt Köln", 2, 4, 6)
        ]
    );
    assert_eq!(figure(&report, "participants"), "12");
}

#[test]
fn acceptance_and_matching_rates_keep_their_counts() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    // 12 accepted of 14 decided (Eva declined, Hanna waitlisted, Ida undecided).
    assert_eq!(report.acceptance, Rate::new(12, 14));
    assert_eq!(figure(&report, "acceptance"), "12 von 14 · 86 %");
    assert_eq!(figure(&report, "matching"), "6 von 6 · 100 %");
}

#[test]
fn tandems_completed_and_ended_early_are_counted_with_their_reasons() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let t = &report.tandems;
    assert_eq!(
        (t.total, t.active, t.completed, t.ended_early),
        (6, 1, 3, 2)
    );
    assert_eq!(figure(&report, "tandems-completed"), "3 von 5 · 60 %");
    assert_eq!(
        t.early_reasons,
        vec![("Umzug".to_string(), 1), ("Zeitmangel".to_string(), 1)]
    );
}

#[test]
fn meetings_per_tandem_come_from_the_tandem_pages_meeting_logs() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    // 6 meetings over the 3 tandems with a page; 8 hours.
    assert_eq!((report.meetings, report.tandems_with_log), (6, 3));
    assert_eq!(figure(&report, "meetings-per-tandem"), "2,0 (n = 3)");
    assert_eq!(figure(&report, "meeting-hours"), "8,0 Std.");
    // Without any pages there is nothing to divide by.
    let none = Report::of(
        hand.cohort.document.programme(),
        &everyone(),
        &BTreeMap::new(),
    );
    assert_eq!(figure(&none, "meetings-per-tandem"), "–");
}

#[test]
fn event_attendance_and_hours_count_only_events_that_take_place() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let events: Vec<(&str, String, String)> = report
        .events
        .iter()
        .map(|event| {
            (
                event.title.as_str(),
                event.attendance().text(&NumberStyle::german()),
                de(&Cell::Hours(event.minutes)),
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "Auftakt",
                "3 von 5 · 60 %".to_string(),
                "9,0 Std.".to_string()
            ),
            (
                "Seminar Führung",
                "1 von 2 · 50 %".to_string(),
                "1,0 Std.".to_string()
            ),
        ]
    );
    assert_eq!(figure(&report, "event-attendance"), "4 von 7 · 57 %");
    assert_eq!(figure(&report, "event-hours"), "10,0 Std.");
}

#[test]
fn survey_averages_come_with_their_counts_and_anonymous_answers_without_the_person() {
    let hand = hand_computed();
    let programme = hand.cohort.document.programme();
    let report = Report::of(programme, &everyone(), &hand.logs);
    let survey = &report.surveys[0];
    assert_eq!(survey.respondents, 3);
    let fit = &survey.questions[0];
    // (5 + 4 + 2) / 3 = 3.67
    assert_eq!(fit.average.text(&NumberStyle::german()), "3,7 (n = 3)");
    assert_eq!(fit.average.text(&NumberStyle::english()), "3.7 (n = 3)");
    let often = &survey.questions[1];
    assert_eq!(
        often.distribution,
        vec![
            ("wöchentlich".to_string(), 0),
            ("monatlich".to_string(), 2),
            ("seltener".to_string(), 1)
        ]
    );
    assert_eq!(
        survey.questions[2].answered, 1,
        "empty texts are no answers"
    );

    // Each person's named answers carry the person; the anonymous ones
    // carry neither the person nor the day they answered.
    let responses: Vec<_> = programme.survey_responses.values().collect();
    assert_eq!(responses.len(), 6);
    for response in &responses {
        match response.person {
            Some(_) => assert_eq!(response.answers.keys().collect::<Vec<_>>(), vec!["fit"]),
            None => {
                assert!(!response.answers.contains_key("fit"));
                assert_eq!(response.on, day("2026-04-01"));
            }
        }
    }
    assert!(programme.has_answered(hand.survey, hand.mentees["Anna"]));
}

#[test]
fn answers_that_do_not_fit_or_come_twice_are_refused() {
    let mut hand = hand_computed();
    let anna = hand.mentees["Anna"];
    let clara = hand.mentees["Clara"];
    let survey = hand.survey;
    assert_eq!(
        record_answers(&mut hand.cohort, survey, anna, answers(3, "monatlich", "")),
        Err(CommandError::Results(ResultsError::AlreadyAnswered(
            "Anna".into()
        )))
    );
    let too_high = BTreeMap::from([("fit".to_string(), Answer::Scale { value: 6 })]);
    assert!(matches!(
        record_answers(&mut hand.cohort, survey, clara, too_high),
        Err(CommandError::Results(ResultsError::AnswerNotFitting(_)))
    ));
    let no_option = BTreeMap::from([(
        "often".to_string(),
        Answer::Choice {
            option: "täglich".into(),
        },
    )]);
    assert!(matches!(
        record_answers(&mut hand.cohort, survey, clara, no_option),
        Err(CommandError::Results(ResultsError::AnswerNotFitting(_)))
    ));
    let unknown = BTreeMap::from([("weather".to_string(), Answer::Scale { value: 3 })]);
    assert_eq!(
        record_answers(&mut hand.cohort, survey, clara, unknown),
        Err(CommandError::Results(ResultsError::UnknownQuestion))
    );
    let mentor = hand.mentors["M1"];
    assert_eq!(
        record_answers(
            &mut hand.cohort,
            survey,
            mentor,
            answers(3, "monatlich", "")
        ),
        Err(CommandError::Results(ResultsError::NotAsked("M1".into())))
    );
    assert_eq!(
        hand.cohort.apply(Command::RemoveSurvey { id: survey }),
        Err(CommandError::Results(ResultsError::SurveyHasAnswers))
    );
}

#[test]
fn a_questionnaire_without_title_questions_or_options_is_refused() {
    let mut cohort = Cohort::new();
    let mut survey = fit_survey();
    survey.title = "  ".into();
    assert_eq!(
        cohort.apply(Command::DefineSurvey {
            id: SurveyId::random(),
            survey
        }),
        Err(CommandError::Results(ResultsError::SurveyTitleMissing))
    );
    let mut survey = fit_survey();
    survey.questions.clear();
    assert_eq!(
        cohort.apply(Command::DefineSurvey {
            id: SurveyId::random(),
            survey
        }),
        Err(CommandError::Results(ResultsError::SurveyWithoutQuestions))
    );
    let mut survey = fit_survey();
    survey.questions[1].kind = QuestionKind::Choice {
        options: vec!["ja".into(), " ".into()],
    };
    assert_eq!(
        cohort.apply(Command::DefineSurvey {
            id: SurveyId::random(),
            survey
        }),
        Err(CommandError::Results(ResultsError::ChoiceNeedsOptions))
    );
}

#[test]
fn a_questionnaire_is_due_for_those_it_asks_until_they_answer() {
    let hand = hand_computed();
    let programme = hand.cohort.document.programme();
    let dora_tandem = &programme.tandems[&hand.tandems["Dora"]];
    // Started 01.03.2026, due 30 days later, only for the mentee.
    assert!(programme
        .surveys_due(dora_tandem, day("2026-03-30"))
        .is_empty());
    let due = programme.surveys_due(dora_tandem, day("2026-03-31"));
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].person, due[0].due),
        (hand.mentees["Dora"], day("2026-03-31"))
    );
    let anna_tandem = &programme.tandems[&hand.tandems["Anna"]];
    assert!(programme
        .surveys_due(anna_tandem, day("2026-06-01"))
        .is_empty());
}

#[test]
fn half_of_the_mentees_aiming_for_leadership_reached_a_post() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let o = &report.outcomes;
    assert_eq!(o.recorded, 6);
    assert_eq!(o.leadership.text(&NumberStyle::german()), "3 von 6 · 50 %");
    assert_eq!(o.leadership.text(&NumberStyle::english()), "3 of 6 · 50%");
    // Berta's post came after the programme's end (30.04.2027).
    assert_eq!(o.leadership_during, Rate::new(2, 6));
    assert_eq!(o.goal_fully, Rate::new(2, 4));
    assert_eq!(o.goal_partly, Rate::new(1, 4));
    assert_eq!(o.goal_not, Rate::new(1, 4));
    assert_eq!(o.would_recommend, Rate::new(3, 4));
    assert_eq!(o.follow_up_6, Rate::new(1, 6));
    assert_eq!(o.follow_up_12, Rate::new(1, 6));
}

#[test]
fn the_organisation_filter_counts_only_that_organisations_people() {
    let hand = hand_computed();
    let programme = hand.cohort.document.programme();
    let duesseldorf = Report::of(programme, &only("Landeshauptstadt Düsseldorf"), &hand.logs);
    assert_eq!(duesseldorf.participants.len(), 1);
    assert_eq!(figure(&duesseldorf, "participants"), "6");
    assert_eq!(figure(&duesseldorf, "acceptance"), "6 von 7 · 86 %");
    assert_eq!(duesseldorf.outcomes.leadership, Rate::new(3, 4));
    // Cross-mentoring: every tandem has someone from Düsseldorf.
    assert_eq!(duesseldorf.tandems.total, 6);
    // Kick-off: Anna and Berta; seminar: Anna of Anna and Clara.
    assert_eq!(duesseldorf.event_attendance(), Rate::new(3, 4));
    assert_eq!(
        duesseldorf.surveys[0].questions[0]
            .average
            .text(&NumberStyle::german()),
        "4,5 (n = 2)"
    );
    // Names are matched as people write them.
    let koeln = Report::of(programme, &only("  stadt   KÖLN "), &hand.logs);
    assert_eq!(
        koeln.outcomes.leadership.text(&NumberStyle::german()),
        "0 von 2 · 0 %"
    );
}

#[test]
fn an_empty_programme_reports_zero_counts_and_dashes_never_a_division_by_zero() {
    let cohort = Cohort::new();
    let report = Report::of(cohort.document.programme(), &everyone(), &BTreeMap::new());
    let figures: BTreeMap<&str, String> = report
        .key_figures()
        .iter()
        .map(|(code, cell)| (*code, de(cell)))
        .collect();
    assert_eq!(figures["participants"], "0");
    assert_eq!(figures["tandems"], "0");
    for code in [
        "acceptance",
        "matching",
        "tandems-completed",
        "meetings-per-tandem",
        "event-attendance",
        "leadership",
        "would-recommend",
    ] {
        assert_eq!(figures[code], "–", "{code}");
    }
    assert_eq!(figures["event-hours"], "0,0 Std.");
    assert_eq!(report.participants.len(), 2, "each partner has its row");
    // An organisation that is not a partner gives an empty report too.
    let nobody = Report::of(
        cohort.document.programme(),
        &only("Stadt Bonn"),
        &BTreeMap::new(),
    );
    assert!(nobody.participants.is_empty());
    assert_eq!(nobody.outcomes.leadership.text(&NumberStyle::german()), "–");
}

#[test]
fn partial_outcomes_count_only_what_was_answered() {
    let mut cohort = Cohort::new();
    let koeln = cohort.koeln;
    let jana = cohort.accepted("Jana", Role::Mentee, koeln);
    let kim = cohort.accepted("Kim", Role::Mentee, koeln);
    // Jana's record says nothing yet; Kim did not aim for leadership.
    record(&mut cohort, jana, OutcomeWhen::End, Outcome::default());
    record(
        &mut cohort,
        kim,
        OutcomeWhen::End,
        outcome(Some(false), None, Some(GoalReached::Partly), None),
    );
    let report = Report::of(cohort.document.programme(), &everyone(), &BTreeMap::new());
    assert_eq!(report.outcomes.recorded, 2);
    assert_eq!(report.outcomes.leadership, Rate::new(0, 0));
    assert_eq!(
        report.outcomes.goal_partly.text(&NumberStyle::german()),
        "1 von 1 · 100 %"
    );
    assert_eq!(report.outcomes.follow_up_6, Rate::new(0, 2));
    // A record cleared is gone from the figures.
    cohort
        .apply(Command::RecordOutcome {
            person: kim,
            when: OutcomeWhen::End,
            outcome: None,
        })
        .unwrap();
    let report = Report::of(cohort.document.programme(), &everyone(), &BTreeMap::new());
    assert_eq!(report.outcomes.recorded, 1);
    assert_eq!(report.outcomes.goal_partly, Rate::new(0, 0));
}

#[test]
fn outcomes_are_recorded_for_mentees_only() {
    let mut cohort = Cohort::new();
    let koeln = cohort.koeln;
    let mentor = cohort.accepted("Olga", Role::Mentor, koeln);
    assert!(matches!(
        cohort.apply(Command::RecordOutcome {
            person: mentor,
            when: OutcomeWhen::End,
            outcome: Some(Outcome::default()),
        }),
        Err(CommandError::Tandem(TandemError::WrongRole { .. }))
    ));
    assert_eq!(
        cohort.apply(Command::RecordOutcome {
            person: PersonId::random(),
            when: OutcomeWhen::End,
            outcome: Some(Outcome::default()),
        }),
        Err(CommandError::UnknownPerson)
    );
}

#[test]
fn an_earlier_run_stands_beside_this_one_matched_by_organisation_name() {
    let hand = hand_computed();
    // The first run: same partners, 1 of 2 aiming mentees reached a post.
    let mut first = Cohort::new();
    let (d, k) = (first.duesseldorf, first.koeln);
    let lea = first.accepted("Lea", Role::Mentee, d);
    let mia = first.accepted("Mia", Role::Mentee, k);
    record(
        &mut first,
        lea,
        OutcomeWhen::End,
        outcome(Some(true), Some("2026-12-01"), None, None),
    );
    record(
        &mut first,
        mia,
        OutcomeWhen::End,
        outcome(Some(true), None, None, None),
    );
    let mut first_programme = first.document.programme().clone();
    first_programme.name = "Cross-Mentoring 2024".into();

    let filter = only("Stadt Köln");
    let this = Report::of(hand.cohort.document.programme(), &filter, &hand.logs);
    let earlier = Report::of(&first_programme, &filter, &BTreeMap::new());
    let tables = this.tables(Some(&earlier), |code| code.to_string());
    let outcomes = tables.iter().find(|table| table.id == "outcomes").unwrap();
    assert_eq!(outcomes.columns.len(), 3);
    assert_eq!(outcomes.columns[2], "Cross-Mentoring 2024");
    let leadership = &outcomes.rows[0];
    assert_eq!(de(&leadership[0]), "report-outcome-leadership");
    assert_eq!(de(&leadership[1]), "0 von 2 · 0 %");
    assert_eq!(de(&leadership[2]), "0 von 1 · 0 %");
    let everyone_earlier = Report::of(&first_programme, &everyone(), &BTreeMap::new());
    assert_eq!(everyone_earlier.outcomes.leadership, Rate::new(1, 2));
}

#[test]
fn every_table_goes_to_csv_as_excel_opens_it() {
    let hand = hand_computed();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let tables = report.tables(None, |code| code.to_string());
    let ids: Vec<&str> = tables.iter().map(|table| table.id.as_str()).collect();
    assert_eq!(
        &ids[..7],
        &[
            "key-figures",
            "outcomes",
            "participants",
            "tandems",
            "early-endings",
            "completed-tandems",
            "events"
        ]
    );
    assert_eq!(ids.len(), 8, "one table per questionnaire");
    let all = report_csv(&tables, &NumberStyle::german());
    assert!(all.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(all[3..].to_vec()).unwrap();
    assert!(
        text.contains("report-outcome-leadership;3 von 6 · 50 %"),
        "{text}"
    );
    assert!(text.contains("Landeshauptstadt Düsseldorf;4;2;0;6"));
    assert!(text.contains("Auftakt;15.02.2026;event-kind-kick-off;3;1;1;0;3 von 5 · 60 %;9,0 Std."));
    let outcomes = tables.iter().find(|table| table.id == "outcomes").unwrap();
    let one = String::from_utf8(table_csv(outcomes, &NumberStyle::german())[3..].to_vec()).unwrap();
    assert!(one.starts_with("report-column-outcome;Cross-Mentoring Düsseldorf–Köln\r\n"));
    assert_eq!(one.lines().count(), 9);
}

#[test]
fn a_reason_typed_as_a_formula_is_written_as_text() {
    let mut hand = hand_computed();
    let id = hand.tandems["Dora"];
    hand.cohort
        .apply(Command::EndTandem {
            id,
            ending: TandemEnding::Early {
                reason: "=HYPERLINK(\"x\")".into(),
            },
            on: day("2027-01-31"),
        })
        .unwrap();
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    let tables = report.tables(None, |code| code.to_string());
    let csv = String::from_utf8(report_csv(&tables, &NumberStyle::german())).unwrap();
    assert!(csv.contains("'=HYPERLINK"));
}

#[test]
fn surveys_answers_and_outcomes_survive_saving_and_loading() {
    let mut hand = hand_computed();
    let bytes = hand.cohort.document.save();
    let loaded = ProgrammeDocument::load(&bytes).unwrap();
    assert_eq!(loaded.programme(), hand.cohort.document.programme());
    assert_eq!(loaded.programme().outcomes.len(), 6);
}

#[test]
fn a_programme_stored_before_reports_existed_still_opens() {
    let mut cohort = Cohort::new();
    let bytes = cohort.document.save();
    // Take the new maps out, as a programme written by an older version.
    let mut doc = automerge::Automerge::load(&bytes).unwrap();
    {
        use automerge::{transaction::Transactable, ReadDoc};
        let mut tx = doc.transaction();
        let (_, programme) = tx.get(automerge::ROOT, "programme").unwrap().unwrap();
        for key in ["surveys", "survey_responses", "outcomes"] {
            tx.delete(&programme, key).unwrap();
        }
        tx.commit();
    }
    let loaded = ProgrammeDocument::load(&doc.save()).expect("an older programme opens");
    assert!(loaded.programme().surveys.is_empty());
    assert!(loaded.programme().outcomes.is_empty());
}

#[test]
fn attendance_for_a_person_credited_hours_counts_those_hours() {
    // Guarding the hand figure above: Anna's seminar entry is attended
    // with 60 minutes though the seminar counts 120.
    let hand = hand_computed();
    let programme = hand.cohort.document.programme();
    let seminar = programme
        .events
        .values()
        .find(|event| event.details.title == "Seminar Führung")
        .unwrap();
    assert_eq!(
        seminar.attendance_of(hand.mentees["Anna"]),
        Some(&Attendance {
            status: AttendanceStatus::Attended,
            minutes: Some(60)
        })
    );
}

#[test]
fn a_mentee_answers_on_the_tandem_page_and_the_coordinators_carry_it_into_the_programme() {
    let mut hand = hand_computed();
    let dora = hand.mentees["Dora"];
    let tandem = hand.tandems["Dora"];
    let programme = hand.cohort.document.programme();
    // The coordinators' app offers what is due: only Dora is asked.
    let offered = tandem_core::PageSurvey::due_for(programme, tandem, day("2026-04-01"));
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[&hand.survey].asks, vec![dora]);
    let side = ProgrammeSide::project(programme, tandem).unwrap();
    let mut coordinators_page = TandemPageDocument::create(side, 0).unwrap();
    assert!(coordinators_page.offer_surveys(offered.clone(), 0).unwrap());
    assert!(
        !coordinators_page.offer_surveys(offered, 0).unwrap(),
        "nothing new, nothing written"
    );

    // Dora's copy of the page, as the link gives it to her.
    let mut doras_page = TandemPageDocument::load(&coordinators_page.save()).unwrap();
    let mentor = hand.mentors["M4"];
    assert_eq!(
        doras_page.answer_survey(
            tandem_core::PageAnswers {
                survey: hand.survey,
                person: mentor,
                on: day("2026-04-02"),
                answers: answers(3, "monatlich", ""),
            },
            0
        ),
        Err(tandem_core::PageSurveyError::NotOffered)
    );
    assert_eq!(
        doras_page.answer_survey(
            tandem_core::PageAnswers {
                survey: hand.survey,
                person: dora,
                on: day("2026-04-02"),
                answers: BTreeMap::from([("fit".to_string(), Answer::Scale { value: 9 })]),
            },
            0
        ),
        Err(tandem_core::PageSurveyError::AnswerNotFitting)
    );
    doras_page
        .answer_survey(
            tandem_core::PageAnswers {
                survey: hand.survey,
                person: dora,
                on: day("2026-04-02"),
                answers: answers(3, "wöchentlich", "Mehr Austausch mit anderen Mentees"),
            },
            0,
        )
        .unwrap();

    // The coordinators' app receives the page and carries the answers over.
    let received = TandemPageDocument::load(&doras_page.save()).unwrap();
    let commands = tandem_core::carry_survey_answers(hand.cohort.document.programme(), &received);
    assert_eq!(commands.len(), 1);
    for command in commands {
        hand.cohort.apply(command).unwrap();
    }
    let programme = hand.cohort.document.programme();
    assert!(programme.has_answered(hand.survey, dora));
    assert!(
        tandem_core::carry_survey_answers(programme, &received).is_empty(),
        "carried once"
    );
    assert!(tandem_core::PageSurvey::due_for(programme, tandem, day("2026-04-03")).is_empty());
    // The anonymous answers are in the programme without Dora.
    let anonymous: Vec<_> = programme
        .survey_responses
        .values()
        .filter(|r| r.answers.contains_key("missing"))
        .filter(|r| matches!(&r.answers["missing"], Answer::Text { text } if text.contains("Austausch")))
        .collect();
    assert_eq!(anonymous.len(), 1);
    assert_eq!(anonymous[0].person, None);
    assert_eq!(anonymous[0].source, AnswerSource::TandemPage);
    let report = Report::of(programme, &everyone(), &hand.logs);
    assert_eq!(report.surveys[0].respondents, 4);
    // (5 + 4 + 2 + 3) / 4 = 3.5
    assert_eq!(
        report.surveys[0].questions[0]
            .average
            .text(&NumberStyle::german()),
        "3,5 (n = 4)"
    );
}

#[test]
fn an_outcome_two_coordinators_set_differently_at_once_is_listed_and_can_be_settled() {
    let mut hand = hand_computed();
    let dora = hand.mentees["Dora"];
    let mut other = ProgrammeDocument::load(&hand.cohort.document.save()).unwrap();
    let kassel = tandem_core::Author::new("Karla Koordination");
    // Dora's goal was fully reached; here it becomes "not", there "partly".
    let partly = outcome(
        Some(true),
        Some("2027-01-15"),
        Some(GoalReached::Partly),
        None,
    );
    other
        .apply(
            &kassel,
            1_770_000_100,
            Command::RecordOutcome {
                person: dora,
                when: OutcomeWhen::End,
                outcome: Some(partly),
            },
        )
        .unwrap();
    let not = outcome(Some(true), Some("2027-01-15"), Some(GoalReached::Not), None);
    record(&mut hand.cohort, dora, OutcomeWhen::End, not);
    hand.cohort.document.merge_bytes(&other.save()).unwrap();
    let path = hand
        .cohort
        .document
        .conflicts()
        .into_iter()
        .find_map(|conflict| match conflict {
            tandem_core::Conflict::ConcurrentValues { path, .. }
                if path.first().map(String::as_str) == Some("outcomes")
                    && path.last().map(String::as_str) == Some("goal") =>
            {
                Some(path)
            }
            _ => None,
        })
        .expect("the goal set twice at once is listed");
    // Settle on the value the merge did not happen to show.
    let shown = hand.cohort.document.programme().outcomes[&dora]
        .end
        .as_ref()
        .and_then(|o| o.goal);
    let (chosen, text) = if shown == Some(GoalReached::Partly) {
        (GoalReached::Not, "Not")
    } else {
        (GoalReached::Partly, "Partly")
    };
    hand.cohort
        .apply(Command::ChooseValue {
            path,
            value: tandem_core::ChosenValue::Text(text.into()),
        })
        .unwrap();
    let programme = hand.cohort.document.programme().clone();
    assert_eq!(
        programme.outcomes[&dora].end.as_ref().and_then(|o| o.goal),
        Some(chosen),
        "the settled value is what the report counts, without reloading"
    );
    let reloaded = ProgrammeDocument::load(&hand.cohort.document.save()).unwrap();
    assert_eq!(reloaded.programme(), &programme);
}

fn consent_to_be_named(named: bool, withdrawn_on: Option<&str>) -> ConsentRecord {
    ConsentRecord {
        processing: true,
        photos: false,
        named_in_reports: named,
        given_on: day("2026-01-15"),
        way: ConsentWay::PaperForm,
        recorded_by: "Petra Probe".into(),
        withdrawn_on: withdrawn_on.map(day),
    }
}

#[test]
fn completed_tandems_are_named_only_with_the_consent_of_all_their_members() {
    let mut hand = hand_computed();
    // Nobody has consented yet: the three completed tandems are counted.
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    assert!(report.completed_tandems.named.is_empty());
    assert_eq!(report.completed_tandems.unnamed, 3);

    // Anna and M1 consented; Berta did but M2 did not; Frida did, N1
    // withdrew hers.
    for (person, named, withdrawn) in [
        (hand.mentees["Anna"], true, None),
        (hand.mentors["M1"], true, None),
        (hand.mentees["Berta"], true, None),
        (hand.mentors["M2"], false, None),
        (hand.mentees["Frida"], true, None),
        (hand.mentors["N1"], true, Some("2026-06-01")),
        // Clara's tandem ended early: her consent names nobody.
        (hand.mentees["Clara"], true, None),
        (hand.mentors["M3"], true, None),
    ] {
        hand.cohort
            .apply(Command::RecordConsent {
                person,
                consent: consent_to_be_named(named, withdrawn),
            })
            .unwrap();
    }
    let report = Report::of(hand.cohort.document.programme(), &everyone(), &hand.logs);
    assert_eq!(
        report.completed_tandems.named,
        vec![("Anna".to_string(), "M1".to_string())]
    );
    assert_eq!(report.completed_tandems.unnamed, 2);

    let tables = report.tables(None, |code| code.to_string());
    let table = tables
        .iter()
        .find(|table| table.id == "completed-tandems")
        .expect("the report lists completed tandems");
    assert_eq!(
        table.rows,
        vec![
            vec![Cell::Text("Anna".into()), Cell::Text("M1".into())],
            vec![Cell::Text("report-unnamed-tandems".into()), Cell::Count(2)],
        ]
    );
    // No table names anyone who did not consent.
    for table in &tables {
        for cell in table.rows.iter().flatten() {
            if let Cell::Text(text) = cell {
                for unnamed in ["Berta", "M2", "Frida", "N1", "Clara", "M3"] {
                    assert_ne!(text, unnamed, "{unnamed} is named in {}", table.id);
                }
            }
        }
    }
}
