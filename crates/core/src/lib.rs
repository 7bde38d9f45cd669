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
//!
//! # Layers
//!
//! Each folder of `src/` is one layer (a module `foo.rs` beside its folder
//! `foo/`, as Automerge lays out its crate). A layer uses only the layers
//! below it, and always by path (`use crate::model::person::Person`), never
//! through the re-exports here: then a cycle shows in the imports instead
//! of hiding behind this file. `tests/layers.rs` checks the table below
//! and that no cycle runs between folders.
//!
//! ```text
//!   report    files    privacy     figures; spreadsheets, calendar files,
//!      │        │         │        certificates; retention, access report
//!      ▼        ▼         ▼
//!   command ─────────► matching    Command, one writer per domain, apply
//!      │                  │
//!      ▼                  │
//!    page                 │        the tandem page
//!      │                  │
//!      ▼                  │
//!   document              │        Automerge: schema, merge, conflicts, …
//!      │                  │
//!      ▼                  ▼
//!    rules                         invariants and CommandError
//!      │
//!      ▼
//!    model                         the programme's nouns; uses nothing
//! ```
//!
//! Arrows point to what a layer uses (every layer uses `model`); the table
//! says exactly which layers each may use.
//!
//! | folder     | what it holds                                            | may use |
//! |------------|----------------------------------------------------------|---------|
//! | `model`    | programme, person, tandem, event, survey, outcome, consent, intake (applying by link), weights, ids, day | – |
//! | `rules`    | the invariants a command keeps; `CommandError` and the errors of each domain | model |
//! | `document` | the Automerge document: schema, load/save, merge, conflict list, exchange, generation, undo, history, view, live | model, rules |
//! | `page`     | the tandem page a mentee and mentor share                | model, rules, document |
//! | `matching` | scoring and solving the cohort's pairs                   | model, rules |
//! | `command`  | the `Command` enum, one writer per domain, `apply`       | model, rules, document, page, matching |
//! | `privacy`  | retention, erasure, the access report                    | model, rules, document, page, command |
//! | `files`    | spreadsheet import and export, calendar files, certificates | model, rules, command, privacy |
//! | `report`   | the report and the dashboard                             | model, rules, page, privacy, files |
//!
//! Where this differs from a first sketch, and why:
//! - The errors live in `rules`, not in `command`: every refusal names a
//!   broken rule, and the document layer (merge, undo, generation) returns
//!   them too; with the errors in `command`, `document` and `command` would
//!   use each other.
//! - The conflict list lives in `document` (`document::conflicts`): it is
//!   found by reading concurrent values out of Automerge while merging, so
//!   it belongs to the layer that owns Automerge; `rules` stays pure
//!   functions of the model, which the tandem page can use.
//! - `ProgrammeDocument::create` and `apply` are written in `command`
//!   (an `impl` block there), so the document layer needs no command.
//! - Author (who signs a change) is in `document`, beside the change note.
//! - The matching weights and `Pair` are in `model` because the programme
//!   stores them; scoring stays in `matching`.
//!
//! # Features
//!
//! The default feature `coordinator` builds everything. Without it
//! (`cargo check -p tandem-core --no-default-features`) only `model`,
//! `rules`, the tandem page and the parts of `document` it needs are
//! built: what a participant's small app needs, the application form an
//! applicant fills in included (`PublicIntakeForm`, `IntakeMessage`,
//! `ApplicationForm`, `Receipt`, read and cleaned in `rules::intake`).

// Without the coordinator's modules, some of the model's helpers and the
// rules only commands use have no caller; they stay, so both builds share
// one model.
#![cfg_attr(not(feature = "coordinator"), allow(dead_code))]

#[cfg(feature = "coordinator")]
mod command;
mod document;
#[cfg(feature = "coordinator")]
mod files;
#[cfg(feature = "coordinator")]
mod matching;
mod model;
mod page;
#[cfg(feature = "coordinator")]
mod privacy;
#[cfg(feature = "coordinator")]
mod report;
mod rules;

#[cfg(feature = "coordinator")]
pub use command::results::carry_survey_answers;
#[cfg(feature = "coordinator")]
#[doc(hidden)]
pub use command::written::Scoped;
#[cfg(feature = "coordinator")]
pub use command::{Command, ImportedPerson, NewProgramme, NewTandem};
#[cfg(feature = "coordinator")]
pub use document::author::Author;
#[cfg(feature = "coordinator")]
pub use document::conflicts::{ChosenValue, ConcurrentValue, Conflict};
pub use document::exchange::{
    Contents, ExchangeError, ExchangeFile, ExchangeHeader, FileReading, EXCHANGE_VERSION,
};
#[cfg(feature = "coordinator")]
pub use document::generation::{
    without_person, Arrival, CarriedOver, CarryError, Erasure, Generation, NotTakenIn,
};
#[cfg(feature = "coordinator")]
pub use document::history::HistoryIndex;
pub use document::live::{LiveSync, Received, Replica};
#[cfg(feature = "coordinator")]
pub use document::merge::{MergePreview, PreviewSteps};
#[cfg(feature = "coordinator")]
pub use document::programme::ProgrammeDocument;
#[cfg(feature = "coordinator")]
pub use document::provenance::{device_actor, Provenance, DEVICE_PREFIX};
#[cfg(feature = "coordinator")]
pub use document::stepped::MergeSteps;
#[cfg(feature = "coordinator")]
pub use document::view::{Attached, ProgrammeView, ViewError};
pub use document::{ChangeNote, LoadError, FORMAT_VERSION};
#[cfg(feature = "coordinator")]
pub use files::certificate::{Certificate, CertificateEvent, Signatory};
#[cfg(feature = "coordinator")]
pub use files::export::{people_csv, tandems_csv, PeopleColumn, TandemColumn};
#[cfg(feature = "coordinator")]
pub use files::ics::{event_ics, event_uid, programme_ics};
#[cfg(feature = "coordinator")]
pub use files::import::{
    decode_spreadsheet, ImportError, ImportField, ImportPlan, ImportProblem, ImportRow, RowVerdict,
    SetAside,
};
#[cfg(feature = "coordinator")]
pub use matching::availability::{Availability, DAYS, DAY_PARTS};
#[cfg(feature = "coordinator")]
pub use matching::places::NEAR_KM;
#[cfg(feature = "coordinator")]
pub use matching::{
    allowed, co_mentor_allowed, explain, next_best, solve, suggest, Alternative, BrokenFixedPair,
    Candidate, CoMentorChoice, Explanation, Matching, MatchingInput, MatchingOutput, MatchingPlan,
    Places, RunningCoMentor, ScorePart, SolveReply, SolveRequest, Suggestion, Unmatched,
    UnmatchedReason,
};
pub use model::completion::{
    CertificateGrant, Completion, CompletionRules, Requirement, RuleCheck, MAX_EVENTS_REQUIRED,
};
pub use model::consent::{
    may_be_named, may_be_processed, ConsentRecord, ConsentWay, MAX_RETENTION_MONTHS,
};
pub use model::day::{Day, DayError};
pub use model::event::{
    hours_text, parse_hours, web_link, Attendance, AttendanceStatus, Audience, ClockTime,
    ClockTimeError, Event, EventDetails, EventKind, EVENT_TIME_ZONE, MAX_EVENT_MINUTES,
};
pub use model::ids::{
    CoordinatorId, EventId, IdError, PartnerId, PersonId, ProgrammeId, ResponseId, SurveyId,
    TandemId,
};
pub use model::intake::{
    from_hex, to_hex, ApplicationAnswers, ApplicationForm, AskedField, ConsentTexts, FormLanguage,
    GivenConsents, InboxKeys, IncomingMessage, IncomingReview, IncomingVerdict, IntakeForm,
    IntakeMessage, IntakeSecrets, LocalText, PublicIntakeForm, PublicOrganisation, Receipt,
    ReceiptError, ReceiptNote, ReceiptOutcome, INBOX_ID_BYTES, INTAKE_FORMAT, INTAKE_SECRET_BYTES,
    MAX_INTAKE_MESSAGE_BYTES, MAX_PUBLIC_FORM_BYTES,
};
pub use model::outcome::{GoalReached, LeadershipPost, MenteeOutcomes, Outcome, OutcomeWhen};
pub use model::person::{
    Application, Decision, Interview, MeetingFormat, Person, PersonDetails, Role, SharedFields,
    Stage, Withdrawal,
};
pub use model::programme::{
    ContactPoint, Partner, Programme, ProgrammeKind, ProgrammeSummary, Rules, Standing,
};
pub use model::reminder::{ReminderKind, SentReminder};
pub use model::survey::{
    Answer, AnswerSource, DueSurvey, Question, QuestionKind, Survey, SurveyAudience, SurveyDue,
    SurveyResponse, MAX_ANSWER_CHARS, MAX_QUESTIONS,
};
pub use model::tandem::{Tandem, TandemEnding, TandemStatus};
pub use model::weights::{Criterion, MatchingWeights, Pair, MAX_WEIGHT};
pub use page::calendar::{next_meeting_due, tandem_ics, CalendarTexts};
pub use page::document::{
    contact_check, ContactConcern, Goal, GoalStatus, Meeting, MeetingKind, PageCommand, PageError,
    PageEvent, PageMember, ProgrammeSide, TandemPageDocument, DEFAULT_RHYTHM_DAYS, MAX_PAGE_TEXT,
    PAGE_FORMAT_VERSION,
};
pub use page::survey::{PageAnswers, PageSurvey, PageSurveyError};
#[cfg(feature = "coordinator")]
pub use privacy::access::{EarlierValue, PageContent};
#[cfg(feature = "coordinator")]
pub use privacy::access_html::access_report;
#[cfg(feature = "coordinator")]
pub use privacy::retention::{due_for_erasure, keep_until, DueForErasure, ErasureReason};
#[cfg(feature = "coordinator")]
pub use report::dashboard::{Attention, Dashboard, OrganisationCounts};
#[cfg(feature = "coordinator")]
pub use report::reminders::{
    mailto, reminders, Addressee, MessageLanguage, Reminder, ERASURE_NOTICE_DAYS, EVENT_WINDOW_DAYS,
};
#[cfg(feature = "coordinator")]
pub use report::{
    report_csv, table_csv, Cell, MeetingLog, NamedTandems, NumberStyle, Rate, Report, ReportFilter,
    ReportTable,
};
pub use rules::error::{
    CalendarError, CommandError, IntakeError, MatchingError, PeopleError, PrivacyError,
    ProgrammeError, ResultsError, TandemError,
};
pub use rules::intake::{person_with_receipt, review_incoming};
pub use rules::invariants::{
    invariants, new_violations, Cause, Invariant, Settle, Severity, Violation,
};
pub use rules::text::MAX_NAME_CHARS;
