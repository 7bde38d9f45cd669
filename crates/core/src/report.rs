//! The programme's report: the figures a council committee or a mayor asks
//! for, computed from the programme (and the meeting logs of the tandem
//! pages), optionally for one partner organisation.
//!
//! Every figure keeps its counts: a rate is `count` of `of`, an average
//! is a total over a number of values. Nothing is divided when there is
//! nothing to count; the text then reads "–". The same [`Report`] feeds
//! the charts, the tables behind them and the CSV export
//! ([`Report::tables`], [`table_csv`], [`report_csv`]), so the three never
//! disagree. An earlier run of the programme is reported the same way and
//! set beside this one; organisations are matched by name, since each run
//! has its own ids.
//!
//! May use: `model`, `rules`, `page` (meeting logs), `privacy` (who may be
//! named), `files` (CSV writing).

pub(crate) mod dashboard;
pub(crate) mod reminders;

use std::collections::BTreeMap;

use crate::model::consent::may_be_named;
use crate::model::day::Day;
use crate::model::event::AttendanceStatus;
use crate::model::ids::{PersonId, SurveyId, TandemId};
use crate::model::outcome::GoalReached;
use crate::model::person::{Role, Stage};
use crate::model::programme::{normalise, Programme};
use crate::model::survey::QuestionKind;
use crate::model::tandem::TandemStatus;
use crate::page::document::TandemPageDocument;

/// How numbers are written in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberStyle {
    /// The word between count and total: "von", "of".
    pub of: String,
    /// `2,5` rather than `2.5`.
    pub decimal_comma: bool,
    /// `50 %` rather than `50%`.
    pub space_before_percent: bool,
    /// "Std." / "h" after hours.
    pub hours: String,
}

impl NumberStyle {
    pub fn german() -> Self {
        Self {
            of: "von".into(),
            decimal_comma: true,
            space_before_percent: true,
            hours: "Std.".into(),
        }
    }

    pub fn english() -> Self {
        Self {
            of: "of".into(),
            decimal_comma: false,
            space_before_percent: false,
            hours: "h".into(),
        }
    }

    /// A number with one decimal, from tenths.
    fn tenths(&self, tenths: u64) -> String {
        let text = format!("{}.{}", tenths / 10, tenths % 10);
        if self.decimal_comma {
            text.replace('.', ",")
        } else {
            text
        }
    }

    fn percent(&self, percent: u64) -> String {
        if self.space_before_percent {
            format!("{percent} %")
        } else {
            format!("{percent}%")
        }
    }
}

/// Shown where there is nothing to count.
pub(crate) const NOTHING: &str = "–";

/// A share: `count` of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    pub count: usize,
    pub of: usize,
}

impl Rate {
    pub fn new(count: usize, of: usize) -> Self {
        Self { count, of }
    }

    /// The share in whole percent, rounded half up; none when there is
    /// nothing to count.
    pub fn percent(&self) -> Option<u64> {
        if self.of == 0 {
            return None;
        }
        let (count, of) = (self.count as u64, self.of as u64);
        Some((count * 200 + of) / (2 * of))
    }

    /// "3 von 6 · 50 %", or "–" when there is nothing to count.
    pub fn text(&self, style: &NumberStyle) -> String {
        match self.percent() {
            Some(percent) => format!(
                "{} {} {} · {}",
                self.count,
                style.of,
                self.of,
                style.percent(percent)
            ),
            None => NOTHING.into(),
        }
    }
}

/// An average: a total over a number of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Average {
    pub total: u64,
    pub count: usize,
}

impl Average {
    /// The average in tenths, rounded half up; none without values.
    pub fn tenths(&self) -> Option<u64> {
        if self.count == 0 {
            return None;
        }
        let count = self.count as u64;
        Some((self.total * 20 + count) / (2 * count))
    }

    /// "3,7 (n = 12)", or "–" without values.
    pub fn text(&self, style: &NumberStyle) -> String {
        match self.tenths() {
            Some(tenths) => format!("{} (n = {})", style.tenths(tenths), self.count),
            None => NOTHING.into(),
        }
    }
}

/// One cell of a report table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Count(usize),
    Rate(Rate),
    Average(Average),
    /// A duration in minutes, shown in hours.
    Hours(u64),
    Day(Day),
    /// Nothing to show (no earlier run, say).
    Empty,
}

impl Cell {
    /// The cell as the reader sees it.
    pub fn text(&self, style: &NumberStyle) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Count(count) => count.to_string(),
            Cell::Rate(rate) => rate.text(style),
            Cell::Average(average) => average.text(style),
            Cell::Hours(minutes) => {
                format!("{} {}", style.tenths((minutes * 10 + 30) / 60), style.hours)
            }
            Cell::Day(day) => day.german(),
            Cell::Empty => String::new(),
        }
    }
}

/// One table of the report, with its title and column headers already in
/// the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTable {
    /// A stable name (for file names, anchors and tests).
    pub id: String,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Which part of the programme the report covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportFilter {
    /// Only people of this partner organisation (by name, so the same
    /// filter works on an earlier run); none for everyone.
    pub organisation: Option<String>,
}

/// How much a tandem logged on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeetingLog {
    pub meetings: usize,
    pub minutes: u64,
}

impl MeetingLog {
    /// The meetings logged on a tandem page.
    pub fn of(page: &TandemPageDocument) -> Self {
        let meetings = page.meetings();
        Self {
            meetings: meetings.len(),
            minutes: meetings
                .iter()
                .map(|(_, meeting)| u64::from(meeting.minutes))
                .sum(),
        }
    }
}

/// People of one organisation by role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantRow {
    pub organisation: String,
    pub mentees: usize,
    pub mentors: usize,
    pub co_mentors: usize,
}

impl ParticipantRow {
    pub fn total(&self) -> usize {
        self.mentees + self.mentors + self.co_mentors
    }
}

/// Tandems by how they stand or ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TandemFigures {
    pub total: usize,
    pub active: usize,
    pub completed: usize,
    pub ended_early: usize,
    /// Why tandems ended early: reason → how many, most frequent first.
    pub early_reasons: Vec<(String, usize)>,
}

impl TandemFigures {
    /// Completed of those that ended.
    pub fn completion(&self) -> Rate {
        Rate::new(self.completed, self.completed + self.ended_early)
    }
}

/// One event's attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub title: String,
    pub kind: &'static str,
    pub day: Day,
    pub attended: usize,
    pub excused: usize,
    pub absent: usize,
    /// Registered, not yet marked.
    pub registered: usize,
    /// Course minutes credited to those who attended.
    pub minutes: u64,
}

impl EventRow {
    /// Attended of those expected (registered, attended, excused, absent).
    pub fn attendance(&self) -> Rate {
        Rate::new(
            self.attended,
            self.attended + self.excused + self.absent + self.registered,
        )
    }
}

/// The answers to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionFigures {
    pub key: String,
    pub text: String,
    pub kind: &'static str,
    pub anonymous: bool,
    /// How many answered it.
    pub answered: usize,
    /// For scale questions.
    pub average: Average,
    /// Scale points ("1"…"5") or options, with how many chose each.
    pub distribution: Vec<(String, usize)>,
}

/// The answers to one questionnaire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyFigures {
    pub survey: SurveyId,
    pub title: String,
    /// People who answered it.
    pub respondents: usize,
    pub questions: Vec<QuestionFigures>,
}

/// What mentees reached.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutcomeFigures {
    /// Mentees with at least one outcome record.
    pub recorded: usize,
    /// Of the mentees aiming for a leadership post, those who reached one.
    pub leadership: Rate,
    /// The same, counting only posts taken up by the programme's end.
    pub leadership_during: Rate,
    pub goal_fully: Rate,
    pub goal_partly: Rate,
    pub goal_not: Rate,
    pub would_recommend: Rate,
    /// Of the mentees with a record at the end, those followed up.
    pub follow_up_6: Rate,
    pub follow_up_12: Rate,
    /// Mentees with other career steps recorded.
    pub other_steps: usize,
}

/// The completed tandems a report may name: only those whose every member
/// consented to being named in reports (and has not withdrawn it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamedTandems {
    /// Mentee and mentor (co-mentor after a comma), sorted by mentee.
    pub named: Vec<(String, String)>,
    /// Completed tandems left unnamed for want of consent.
    pub unnamed: usize,
}

/// The report of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub programme: String,
    pub start: Day,
    pub end: Day,
    pub filter: ReportFilter,
    /// One row per partner organisation (as the filter allows), then one
    /// for people without an organisation if there are any.
    pub participants: Vec<ParticipantRow>,
    /// Accepted of the applications decided.
    pub acceptance: Rate,
    /// Accepted mentees who got a tandem.
    pub matching: Rate,
    pub tandems: TandemFigures,
    pub completed_tandems: NamedTandems,
    /// Tandems whose page has a meeting log.
    pub tandems_with_log: usize,
    pub meetings: usize,
    pub meeting_minutes: u64,
    pub events: Vec<EventRow>,
    pub surveys: Vec<SurveyFigures>,
    pub outcomes: OutcomeFigures,
    /// The programme's broken rules when the figures were made, most
    /// urgent first: the report lists them, so that no figure silently
    /// counts data that breaks one.
    pub broken_rules: Vec<crate::rules::invariants::Violation>,
    /// Reminders marked as sent, by kind: one per person written to.
    pub reminders_sent: BTreeMap<crate::model::reminder::ReminderKind, usize>,
    /// Applications that came in by link, by what became of them (taken
    /// in, declined, withdrawn). Declined and withdrawn ones keep no
    /// organisation, so a report for one organisation leaves them out.
    pub applications_by_link: BTreeMap<crate::model::intake::ReceiptOutcome, usize>,
}

impl Report {
    /// The figures of a programme, for the people the filter covers, with
    /// the meeting logs read from the tandem pages stored here.
    pub fn of(
        programme: &Programme,
        filter: &ReportFilter,
        logs: &BTreeMap<TandemId, MeetingLog>,
    ) -> Self {
        let wanted = filter.organisation.as_deref().map(normalise);
        let included = |person: PersonId| match &wanted {
            None => true,
            Some(wanted) => programme.people.get(&person).is_some_and(|p| {
                normalise(programme.organisation_name(p.details.organisation)) == *wanted
            }),
        };
        let organisation_included =
            |organisation: Option<crate::model::ids::PartnerId>| match &wanted {
                None => true,
                Some(wanted) => normalise(programme.organisation_name(organisation)) == *wanted,
            };

        let (participants, acceptance, matching) =
            participant_figures(programme, &included, &organisation_included);

        // Tandems, their endings and their meetings.
        let mut tandems = TandemFigures::default();
        let mut completed_tandems = NamedTandems::default();
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        let (mut tandems_with_log, mut meetings, mut meeting_minutes) = (0, 0, 0);
        for (id, tandem) in &programme.tandems {
            let members = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor];
            if !members.into_iter().flatten().any(&included) {
                continue;
            }
            tandems.total += 1;
            match tandem.status {
                TandemStatus::Active => tandems.active += 1,
                TandemStatus::Completed => {
                    tandems.completed += 1;
                    if members
                        .into_iter()
                        .flatten()
                        .all(|p| may_be_named(programme, p))
                    {
                        let mut mentor = programme.person_name(tandem.mentor).to_string();
                        if let Some(co_mentor) = tandem.co_mentor {
                            mentor = format!("{mentor}, {}", programme.person_name(co_mentor));
                        }
                        completed_tandems
                            .named
                            .push((programme.person_name(tandem.mentee).to_string(), mentor));
                    } else {
                        completed_tandems.unnamed += 1;
                    }
                }
                TandemStatus::EndedEarly => {
                    tandems.ended_early += 1;
                    let reason = tandem
                        .end_reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|reason| !reason.is_empty())
                        .unwrap_or(NOTHING)
                        .to_string();
                    *reasons.entry(reason).or_default() += 1;
                }
            }
            if let Some(log) = logs.get(id) {
                tandems_with_log += 1;
                meetings += log.meetings;
                meeting_minutes += log.minutes;
            }
        }
        let mut early_reasons: Vec<(String, usize)> = reasons.into_iter().collect();
        early_reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        tandems.early_reasons = early_reasons;
        completed_tandems.named.sort();

        let events = event_rows(programme, &included);

        Self {
            programme: programme.name.clone(),
            start: programme.start,
            end: programme.end,
            filter: filter.clone(),
            participants,
            acceptance,
            matching,
            tandems,
            completed_tandems,
            tandems_with_log,
            meetings,
            meeting_minutes,
            events,
            surveys: survey_figures(programme, &organisation_included),
            outcomes: outcome_figures(programme, &included),
            broken_rules: {
                let mut broken = crate::rules::invariants::invariants(programme);
                broken.sort_by_key(crate::rules::invariants::Violation::severity);
                broken
            },
            reminders_sent: reminders_sent(programme, &included),
            applications_by_link: applications_by_link(programme, wanted.is_some(), &included),
        }
    }

    /// Applications by link, by what became of them, if any came.
    fn applications_by_link_table(&self, term: &impl Fn(&str) -> String) -> Option<ReportTable> {
        (!self.applications_by_link.is_empty()).then(|| ReportTable {
            id: "applications-by-link".into(),
            title: term("report-table-applications-by-link"),
            columns: ["outcome", "count"]
                .iter()
                .map(|code| term(&format!("report-column-{code}")))
                .collect(),
            rows: self
                .applications_by_link
                .iter()
                .map(|(outcome, count)| {
                    vec![
                        Cell::Text(term(&format!("receipt-outcome-{}", outcome.code()))),
                        Cell::Count(*count),
                    ]
                })
                .collect(),
        })
    }

    /// The reminders sent, by kind, if any were.
    fn reminders_table(&self, term: &impl Fn(&str) -> String) -> Option<ReportTable> {
        (!self.reminders_sent.is_empty()).then(|| ReportTable {
            id: "reminders".into(),
            title: term("report-table-reminders"),
            columns: ["reminder", "count"]
                .iter()
                .map(|code| term(&format!("report-column-{code}")))
                .collect(),
            rows: self
                .reminders_sent
                .iter()
                .map(|(kind, count)| {
                    vec![
                        Cell::Text(term(&format!("reminder-kind-{}", kind.code()))),
                        Cell::Count(*count),
                    ]
                })
                .collect(),
        })
    }

    /// Meetings per tandem, over the tandems with a meeting log.
    pub fn meetings_per_tandem(&self) -> Average {
        Average {
            total: self.meetings as u64,
            count: self.tandems_with_log,
        }
    }

    /// Hours at events, over all who attended.
    pub fn event_minutes(&self) -> u64 {
        self.events.iter().map(|event| event.minutes).sum()
    }

    /// Attended of those expected, over all events.
    pub fn event_attendance(&self) -> Rate {
        self.events.iter().fold(Rate::default(), |sum, event| {
            let rate = event.attendance();
            Rate::new(sum.count + rate.count, sum.of + rate.of)
        })
    }

    /// The headline figures, each under a stable code.
    pub fn key_figures(&self) -> Vec<(&'static str, Cell)> {
        let participants: usize = self.participants.iter().map(ParticipantRow::total).sum();
        vec![
            ("participants", Cell::Count(participants)),
            ("acceptance", Cell::Rate(self.acceptance)),
            ("matching", Cell::Rate(self.matching)),
            ("tandems", Cell::Count(self.tandems.total)),
            ("tandems-completed", Cell::Rate(self.tandems.completion())),
            ("tandems-ended-early", Cell::Count(self.tandems.ended_early)),
            (
                "meetings-per-tandem",
                Cell::Average(self.meetings_per_tandem()),
            ),
            ("meeting-hours", Cell::Hours(self.meeting_minutes)),
            ("event-attendance", Cell::Rate(self.event_attendance())),
            ("event-hours", Cell::Hours(self.event_minutes())),
            ("leadership", Cell::Rate(self.outcomes.leadership)),
            (
                "leadership-during",
                Cell::Rate(self.outcomes.leadership_during),
            ),
            ("would-recommend", Cell::Rate(self.outcomes.would_recommend)),
        ]
    }

    /// The outcome figures, each under a stable code.
    pub fn outcome_rows(&self) -> Vec<(&'static str, Rate)> {
        let o = &self.outcomes;
        vec![
            ("leadership", o.leadership),
            ("leadership-during", o.leadership_during),
            ("goal-fully", o.goal_fully),
            ("goal-partly", o.goal_partly),
            ("goal-not", o.goal_not),
            ("would-recommend", o.would_recommend),
            ("follow-up-6", o.follow_up_6),
            ("follow-up-12", o.follow_up_12),
        ]
    }

    /// Every table of the report. `term` gives the reader's words for the
    /// codes `report-table-…`, `report-column-…`, `report-figure-…`,
    /// `report-outcome-…`, `event-kind-…` and `receipt-outcome-…`; with an earlier run, the key
    /// figures and outcomes get a column for it.
    pub fn tables(
        &self,
        earlier: Option<&Report>,
        term: impl Fn(&str) -> String,
    ) -> Vec<ReportTable> {
        let mut tables = Vec::new();

        tables.extend(self.comparison_tables(earlier, &term));

        if !self.broken_rules.is_empty() {
            tables.push(ReportTable {
                id: "broken-rules".into(),
                title: term("report-table-broken-rules"),
                columns: ["severity", "rule", "count"]
                    .iter()
                    .map(|code| term(&format!("report-column-{code}")))
                    .collect(),
                rows: self
                    .broken_rules
                    .iter()
                    .map(|violation| {
                        vec![
                            Cell::Text(term(&format!("severity-{}", violation.severity().code()))),
                            Cell::Text(term(&format!("rule-{}", violation.invariant.code()))),
                            Cell::Count(violation.count.map_or(1, |count| count as usize)),
                        ]
                    })
                    .collect(),
            });
        }

        tables.push(ReportTable {
            id: "participants".into(),
            title: term("report-table-participants"),
            columns: ["organisation", "mentees", "mentors", "co-mentors", "total"]
                .iter()
                .map(|code| term(&format!("report-column-{code}")))
                .collect(),
            rows: self
                .participants
                .iter()
                .map(|row| {
                    vec![
                        Cell::Text(if row.organisation.is_empty() {
                            term("report-no-organisation")
                        } else {
                            row.organisation.clone()
                        }),
                        Cell::Count(row.mentees),
                        Cell::Count(row.mentors),
                        Cell::Count(row.co_mentors),
                        Cell::Count(row.total()),
                    ]
                })
                .collect(),
        });

        tables.extend(self.tandem_tables(&term));

        tables.push(self.events_table(&term));

        tables.extend(self.reminders_table(&term));

        tables.extend(self.applications_by_link_table(&term));

        for survey in &self.surveys {
            tables.push(ReportTable {
                id: format!("survey-{}", survey.survey),
                title: format!(
                    "{}: {} ({} {})",
                    term("report-table-survey"),
                    survey.title,
                    survey.respondents,
                    term("report-respondents")
                ),
                columns: ["question", "answered", "average", "distribution"]
                    .iter()
                    .map(|code| term(&format!("report-column-{code}")))
                    .collect(),
                rows: survey
                    .questions
                    .iter()
                    .map(|question| {
                        let distribution = question
                            .distribution
                            .iter()
                            .map(|(label, count)| format!("{label}: {count}"))
                            .collect::<Vec<_>>()
                            .join(" · ");
                        vec![
                            Cell::Text(question.text.clone()),
                            Cell::Count(question.answered),
                            if question.kind == "scale" {
                                Cell::Average(question.average)
                            } else {
                                Cell::Empty
                            },
                            Cell::Text(distribution),
                        ]
                    })
                    .collect(),
            });
        }
        tables
    }

    /// Every event that took place (or will), with its attendance and
    /// hours.
    fn events_table(&self, term: &dyn Fn(&str) -> String) -> ReportTable {
        ReportTable {
            id: "events".into(),
            title: term("report-table-events"),
            columns: [
                "event",
                "day",
                "kind",
                "attended",
                "excused",
                "absent",
                "registered",
                "attendance",
                "hours",
            ]
            .iter()
            .map(|code| term(&format!("report-column-{code}")))
            .collect(),
            rows: self
                .events
                .iter()
                .map(|event| {
                    vec![
                        Cell::Text(event.title.clone()),
                        Cell::Day(event.day),
                        Cell::Text(term(&format!("event-kind-{}", event.kind))),
                        Cell::Count(event.attended),
                        Cell::Count(event.excused),
                        Cell::Count(event.absent),
                        Cell::Count(event.registered),
                        Cell::Rate(event.attendance()),
                        Cell::Hours(event.minutes),
                    ]
                })
                .collect(),
        }
    }

    /// The key figures and the outcomes, beside an earlier run's where
    /// one is given.
    fn comparison_tables(
        &self,
        earlier: Option<&Report>,
        term: &dyn Fn(&str) -> String,
    ) -> Vec<ReportTable> {
        let with_earlier = |mut columns: Vec<String>| {
            if let Some(earlier) = earlier {
                columns.push(earlier.programme.clone());
            }
            columns
        };
        let mut tables = Vec::new();
        let earlier_figures: BTreeMap<&str, Cell> = earlier
            .map(|earlier| earlier.key_figures().into_iter().collect())
            .unwrap_or_default();
        tables.push(ReportTable {
            id: "key-figures".into(),
            title: term("report-table-key-figures"),
            columns: with_earlier(vec![term("report-column-figure"), self.programme.clone()]),
            rows: self
                .key_figures()
                .into_iter()
                .map(|(code, cell)| {
                    let mut row = vec![Cell::Text(term(&format!("report-figure-{code}"))), cell];
                    if earlier.is_some() {
                        row.push(earlier_figures.get(code).cloned().unwrap_or(Cell::Empty));
                    }
                    row
                })
                .collect(),
        });

        let earlier_outcomes: BTreeMap<&str, Rate> = earlier
            .map(|earlier| earlier.outcome_rows().into_iter().collect())
            .unwrap_or_default();
        tables.push(ReportTable {
            id: "outcomes".into(),
            title: term("report-table-outcomes"),
            columns: with_earlier(vec![term("report-column-outcome"), self.programme.clone()]),
            rows: self
                .outcome_rows()
                .into_iter()
                .map(|(code, rate)| {
                    let mut row = vec![
                        Cell::Text(term(&format!("report-outcome-{code}"))),
                        Cell::Rate(rate),
                    ];
                    if earlier.is_some() {
                        row.push(
                            earlier_outcomes
                                .get(code)
                                .map(|rate| Cell::Rate(*rate))
                                .unwrap_or(Cell::Empty),
                        );
                    }
                    row
                })
                .collect(),
        });
        tables
    }

    /// The tandems by status, the reasons of early endings and the
    /// completed tandems.
    fn tandem_tables(&self, term: &dyn Fn(&str) -> String) -> Vec<ReportTable> {
        let mut tables = Vec::new();
        let t = &self.tandems;
        tables.push(ReportTable {
            id: "tandems".into(),
            title: term("report-table-tandems"),
            columns: vec![term("report-column-status"), term("report-column-count")],
            rows: [
                ("active", t.active),
                ("completed", t.completed),
                ("ended-early", t.ended_early),
            ]
            .into_iter()
            .map(|(code, count)| {
                vec![
                    Cell::Text(term(&format!("report-tandems-{code}"))),
                    Cell::Count(count),
                ]
            })
            .collect(),
        });

        tables.push(ReportTable {
            id: "early-endings".into(),
            title: term("report-table-early-endings"),
            columns: vec![term("report-column-reason"), term("report-column-count")],
            rows: t
                .early_reasons
                .iter()
                .map(|(reason, count)| vec![Cell::Text(reason.clone()), Cell::Count(*count)])
                .collect(),
        });

        // Names only with everyone's consent; the others are counted.
        let named = &self.completed_tandems;
        let mut rows: Vec<Vec<Cell>> = named
            .named
            .iter()
            .map(|(mentee, mentor)| vec![Cell::Text(mentee.clone()), Cell::Text(mentor.clone())])
            .collect();
        if named.unnamed > 0 {
            rows.push(vec![
                Cell::Text(term("report-unnamed-tandems")),
                Cell::Count(named.unnamed),
            ]);
        }
        tables.push(ReportTable {
            id: "completed-tandems".into(),
            title: term("report-table-completed-tandems"),
            columns: vec![term("report-column-mentee"), term("report-column-mentor")],
            rows,
        });
        tables
    }
}

/// Participants per organisation and role (those who were accepted), the
/// acceptance rate over everyone decided on, and the rate of accepted
/// mentees in a tandem.
fn participant_figures(
    programme: &Programme,
    included: &dyn Fn(PersonId) -> bool,
    organisation_included: &dyn Fn(Option<crate::model::ids::PartnerId>) -> bool,
) -> (Vec<ParticipantRow>, Rate, Rate) {
    let mut participants: Vec<ParticipantRow> = programme
        .partners_sorted()
        .into_iter()
        .filter(|(id, _)| organisation_included(Some(*id)))
        .map(|(_, partner)| ParticipantRow {
            organisation: partner.name.clone(),
            ..Default::default()
        })
        .collect();
    let mut without = ParticipantRow::default();
    let mut acceptance = Rate::default();
    let mut matching = Rate::default();
    for (id, person) in &programme.people {
        if !included(*id) {
            continue;
        }
        let accepted = was_accepted(programme, *id);
        let application = &person.application;
        let decided = accepted
            || matches!(application.stage, Stage::Waitlisted | Stage::Declined)
            || application
                .withdrawal
                .as_ref()
                .is_some_and(|w| matches!(w.from, Stage::Waitlisted | Stage::Declined));
        if decided {
            acceptance.of += 1;
            acceptance.count += usize::from(accepted);
        }
        if person.details.role == Role::Mentee && accepted {
            matching.of += 1;
            matching.count += usize::from(programme.tandems_of(*id).next().is_some());
        }
        // Participants are those who were accepted.
        if !accepted {
            continue;
        }
        let name = programme.organisation_name(person.details.organisation);
        let row = match participants.iter_mut().find(|row| row.organisation == name) {
            Some(row) => row,
            None => &mut without,
        };
        match person.details.role {
            Role::Mentee => row.mentees += 1,
            Role::Mentor => row.mentors += 1,
            Role::CoMentor => row.co_mentors += 1,
        }
    }
    if without.total() > 0 {
        participants.push(without);
    }
    (participants, acceptance, matching)
}

/// Events that took place (or will), with the attendance of the people the
/// filter covers.
fn event_rows(programme: &Programme, included: &dyn Fn(PersonId) -> bool) -> Vec<EventRow> {
    let mut events: Vec<EventRow> = programme
        .events_in_order()
        .into_iter()
        .filter(|(_, event)| !event.cancelled)
        .map(|(_, event)| {
            let mut row = EventRow {
                title: event.details.title.clone(),
                kind: event.details.kind.code(),
                day: event.details.start_day,
                attended: 0,
                excused: 0,
                absent: 0,
                registered: 0,
                minutes: 0,
            };
            for (person, entry) in &event.attendance {
                if !included(*person) {
                    continue;
                }
                match entry.status {
                    AttendanceStatus::Attended => {
                        row.attended += 1;
                        row.minutes += u64::from(event.credited_minutes(*person));
                    }
                    AttendanceStatus::Excused => row.excused += 1,
                    AttendanceStatus::Absent => row.absent += 1,
                    AttendanceStatus::Registered => row.registered += 1,
                    AttendanceStatus::Invited => {}
                }
            }
            row
        })
        .collect();
    events.sort_by(|a, b| (a.day, &a.title).cmp(&(b.day, &b.title)));
    events
}

/// Whether a person was accepted into the programme (also if they are
/// matched, or withdrew after being accepted).
fn was_accepted(programme: &Programme, id: PersonId) -> bool {
    let Some(person) = programme.people.get(&id) else {
        return false;
    };
    let application = &person.application;
    application.stage == Stage::Accepted
        || application
            .withdrawal
            .as_ref()
            .is_some_and(|w| w.from == Stage::Accepted)
        || programme.tandems_of(id).next().is_some()
}

fn survey_figures(
    programme: &Programme,
    organisation_included: &dyn Fn(Option<crate::model::ids::PartnerId>) -> bool,
) -> Vec<SurveyFigures> {
    let mut surveys: Vec<SurveyFigures> = programme
        .surveys
        .iter()
        .map(|(id, survey)| {
            let responses: Vec<&crate::model::survey::SurveyResponse> = programme
                .survey_responses
                .values()
                .filter(|response| response.survey == *id)
                .filter(|response| organisation_included(response.organisation))
                .collect();
            let respondents = responses
                .iter()
                .filter(|response| response.person.is_some())
                .count();
            let questions = survey
                .questions
                .iter()
                .map(|question| {
                    let answers: Vec<&crate::model::survey::Answer> = responses
                        .iter()
                        .filter_map(|response| response.answers.get(&question.key))
                        .collect();
                    let mut average = Average::default();
                    let distribution: Vec<(String, usize)> = match &question.kind {
                        QuestionKind::Scale => crate::model::survey::SCALE
                            .map(|point| {
                                let count = answers
                                    .iter()
                                    .filter(|answer| {
                                        matches!(answer, crate::model::survey::Answer::Scale { value } if *value == point)
                                    })
                                    .count();
                                average.total += u64::from(point) * count as u64;
                                average.count += count;
                                (point.to_string(), count)
                            })
                            .collect(),
                        QuestionKind::Choice { options } => options
                            .iter()
                            .map(|option| {
                                let count = answers
                                    .iter()
                                    .filter(|answer| {
                                        matches!(answer, crate::model::survey::Answer::Choice { option: chosen } if chosen == option)
                                    })
                                    .count();
                                (option.clone(), count)
                            })
                            .collect(),
                        QuestionKind::FreeText => Vec::new(),
                    };
                    QuestionFigures {
                        key: question.key.clone(),
                        text: question.text.clone(),
                        kind: question.kind.code(),
                        anonymous: question.anonymous,
                        answered: answers.len(),
                        average,
                        distribution,
                    }
                })
                .collect();
            SurveyFigures {
                survey: *id,
                title: survey.title.clone(),
                respondents,
                questions,
            }
        })
        .collect();
    surveys.sort_by_key(|survey| survey.title.to_lowercase());
    surveys
}

fn outcome_figures(programme: &Programme, included: &dyn Fn(PersonId) -> bool) -> OutcomeFigures {
    let mut figures = OutcomeFigures::default();
    let mut goals = 0;
    let (mut fully, mut partly, mut not) = (0, 0, 0);
    for (person, outcomes) in &programme.outcomes {
        let is_mentee = programme
            .people
            .get(person)
            .is_some_and(|p| p.details.role == Role::Mentee);
        if !is_mentee || !included(*person) || outcomes.records().next().is_none() {
            continue;
        }
        figures.recorded += 1;
        if outcomes.aimed_for_leadership() == Some(true) {
            figures.leadership.of += 1;
            figures.leadership_during.of += 1;
            if let Some(post) = outcomes.leadership_post() {
                figures.leadership.count += 1;
                figures.leadership_during.count += usize::from(post.on <= programme.end);
            }
        }
        if let Some(goal) = outcomes.latest(|record| record.goal) {
            goals += 1;
            match goal {
                GoalReached::Fully => fully += 1,
                GoalReached::Partly => partly += 1,
                GoalReached::Not => not += 1,
            }
        }
        if let Some(recommend) = outcomes.latest(|record| record.would_recommend) {
            figures.would_recommend.of += 1;
            figures.would_recommend.count += usize::from(recommend);
        }
        if outcomes.end.is_some() {
            figures.follow_up_6.of += 1;
            figures.follow_up_12.of += 1;
            figures.follow_up_6.count += usize::from(outcomes.after_6_months.is_some());
            figures.follow_up_12.count += usize::from(outcomes.after_12_months.is_some());
        }
        if outcomes
            .records()
            .any(|record| !record.other_steps.is_empty())
        {
            figures.other_steps += 1;
        }
    }
    figures.goal_fully = Rate::new(fully, goals);
    figures.goal_partly = Rate::new(partly, goals);
    figures.goal_not = Rate::new(not, goals);
    figures
}

/// One report table as a CSV file, as Excel in a German office opens it.
pub fn table_csv(table: &ReportTable, style: &NumberStyle) -> Vec<u8> {
    crate::files::export::write(
        table.columns.clone(),
        table.rows.iter().map(|row| {
            row.iter()
                .map(|cell| crate::files::export::guard_formula(cell.text(style)))
                .collect()
        }),
    )
}

/// Every report table in one CSV file: each table under a line with its
/// title, an empty line between tables.
pub fn report_csv(tables: &[ReportTable], style: &NumberStyle) -> Vec<u8> {
    let width = tables
        .iter()
        .map(|table| table.columns.len())
        .max()
        .unwrap_or(1);
    let pad = |mut row: Vec<String>| {
        row.resize(width, String::new());
        row
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        if index > 0 {
            rows.push(pad(Vec::new()));
        }
        rows.push(pad(vec![crate::files::export::guard_formula(
            table.title.clone(),
        )]));
        rows.push(pad(table
            .columns
            .iter()
            .cloned()
            .map(crate::files::export::guard_formula)
            .collect()));
        for row in &table.rows {
            rows.push(pad(row
                .iter()
                .map(|cell| crate::files::export::guard_formula(cell.text(style)))
                .collect()));
        }
    }
    let mut rows = rows.into_iter();
    let header = rows.next().unwrap_or_default();
    crate::files::export::write(header, rows)
}

/// Reminders marked as sent to the people the report covers, by kind
/// (kinds a newer version added are not counted).
fn reminders_sent(
    programme: &Programme,
    included: &impl Fn(PersonId) -> bool,
) -> BTreeMap<crate::model::reminder::ReminderKind, usize> {
    let mut sent = BTreeMap::new();
    for (id, person) in &programme.people {
        if !included(*id) {
            continue;
        }
        for key in person.reminders.keys() {
            if let Some(kind) = crate::model::reminder::ReminderKind::of_key(key) {
                *sent.entry(kind).or_default() += 1;
            }
        }
    }
    sent
}

/// Applications by link by what became of them. With an organisation's
/// filter only those taken in of people it covers count: a declined or
/// withdrawn application keeps no organisation.
fn applications_by_link(
    programme: &Programme,
    filtered: bool,
    included: &impl Fn(PersonId) -> bool,
) -> BTreeMap<crate::model::intake::ReceiptOutcome, usize> {
    use crate::model::intake::ReceiptOutcome;
    let mut counts = BTreeMap::new();
    if filtered {
        let taken_in = programme
            .people
            .iter()
            .filter(|(id, person)| person.receipt.is_some() && included(**id))
            .count();
        if taken_in > 0 {
            counts.insert(ReceiptOutcome::TakenIn, taken_in);
        }
        return counts;
    }
    for note in programme.intake_receipts.values() {
        *counts.entry(note.outcome).or_default() += 1;
    }
    counts
}
