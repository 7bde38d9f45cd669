//! The programme model of Tandem and every rule of it.
//!
//! A programme is one Automerge document. This crate owns its shape (typed
//! with `autosurgeon`), the commands that change it and the checks that keep
//! it sound. It has no DOM and no storage: the browser app and the tests call
//! it the same way.
//!
//! ```
//! use tandem_core::{Author, Day, NewProgramme, ProgrammeDocument, ProgrammeKind};
//!
//! let anna = Author::new("Anna Beispiel");
//! let mut document = ProgrammeDocument::create(&anna, NewProgramme {
//!     name: "Cross-Mentoring Düsseldorf–Köln".into(),
//!     kind: ProgrammeKind::CrossMentoring,
//!     start: Day::parse("2026-02-01").unwrap(),
//!     end: Day::parse("2027-04-30").unwrap(),
//!     partners: vec!["Stadt Düsseldorf".into(), "Stadt Köln".into()],
//! }).unwrap();
//! assert_eq!(document.programme().partners.len(), 2);
//! let bytes = document.save();
//! let loaded = ProgrammeDocument::load(&bytes).unwrap();
//! assert_eq!(loaded.programme(), document.programme());
//! ```

mod certificate;
mod command;
mod completion;
mod conflicts;
mod dashboard;
mod day;
mod document;
mod event_commands;
mod events;
mod exchange;
mod export;
mod generation;
mod history_index;
mod ics;
mod ids;
mod import;
mod live;
mod matching;
mod merge;
mod outcome;
mod page_survey;
mod person;
mod privacy;
mod programme;
mod report;
mod reproducible;
mod result_commands;
pub mod rules;
mod survey;
mod tandem;
mod tandem_page;
mod undo;
mod view;

pub use certificate::{Certificate, CertificateEvent, Signatory};
pub use command::{
    Author, Command, CommandError, ImportedPerson, NewProgramme, NewTandem, MAX_NAME_CHARS,
};
pub use completion::{
    CertificateGrant, Completion, CompletionRules, Requirement, RuleCheck, MAX_EVENTS_REQUIRED,
};
pub use conflicts::{ChosenValue, ConcurrentValue, Conflict, TandemOrigin};
pub use dashboard::{Attention, Dashboard, OrganisationCounts};
pub use day::{Day, DayError};
pub use document::{ChangeNote, LoadError, ProgrammeDocument, FORMAT_VERSION};
pub use events::{
    hours_text, parse_hours, Attendance, AttendanceStatus, Audience, ClockTime, ClockTimeError,
    Event, EventDetails, EventKind, EVENT_TIME_ZONE, MAX_EVENT_MINUTES,
};
pub use exchange::{Contents, ExchangeError, ExchangeFile, ExchangeHeader, EXCHANGE_VERSION};
pub use export::{people_csv, tandems_csv, PeopleColumn, TandemColumn};
pub use generation::{without_person, CarriedOver, CarryError, Erasure, Generation};
pub use history_index::HistoryIndex;
pub use ics::{event_ics, event_uid, programme_ics};
pub use ids::{
    CoordinatorId, EventId, IdError, PartnerId, PersonId, ProgrammeId, ResponseId, SurveyId,
    TandemId,
};
pub use import::{
    decode_spreadsheet, ImportError, ImportField, ImportPlan, ImportProblem, ImportRow, RowVerdict,
};
pub use live::{LiveSync, Received, Replica};
pub use matching::{
    allowed, co_mentor_allowed, explain, next_best, solve, suggest, Alternative, Availability,
    BrokenFixedPair, Candidate, CoMentorChoice, Criterion, Explanation, Matching, MatchingInput,
    MatchingOutput, MatchingPlan, MatchingWeights, Pair, Places, RunningCoMentor, ScorePart,
    SolveReply, SolveRequest, Suggestion, Unmatched, UnmatchedReason, DAYS, DAY_PARTS, MAX_WEIGHT,
    NEAR_KM,
};
pub use merge::MergePreview;
pub use outcome::{GoalReached, LeadershipPost, MenteeOutcomes, Outcome, OutcomeWhen};
pub use page_survey::{carry_survey_answers, PageAnswers, PageSurvey, PageSurveyError};
pub use person::{
    Application, Decision, Interview, MeetingFormat, Person, PersonDetails, Role, SharedFields,
    Stage, Withdrawal,
};
pub use privacy::{
    access_report, due_for_erasure, keep_until, may_be_named, may_be_processed, ConsentRecord,
    ConsentWay, DueForErasure, EarlierValue, ErasureReason, PageContent, MAX_RETENTION_MONTHS,
};
pub use programme::{
    ContactPoint, Partner, Programme, ProgrammeKind, ProgrammeSummary, Rules, Standing,
};
pub use report::{
    report_csv, table_csv, Cell, MeetingLog, NamedTandems, NumberStyle, Rate, Report, ReportFilter,
    ReportTable,
};
pub use survey::{
    Answer, AnswerSource, DueSurvey, Question, QuestionKind, Survey, SurveyAudience, SurveyDue,
    SurveyResponse, MAX_ANSWER_CHARS, MAX_QUESTIONS,
};
pub use tandem::{Tandem, TandemEnding, TandemStatus};
pub use tandem_page::{
    contact_check, ContactConcern, Goal, GoalStatus, Meeting, MeetingKind, PageCommand, PageError,
    PageEvent, PageMember, ProgrammeSide, TandemPageDocument, DEFAULT_RHYTHM_DAYS, MAX_PAGE_TEXT,
    PAGE_FORMAT_VERSION,
};
pub use view::{Attached, ProgrammeView, ViewError};
