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

mod command;
mod conflicts;
mod dashboard;
mod day;
mod document;
mod exchange;
mod export;
mod ids;
mod import;
mod matching;
mod merge;
mod person;
mod programme;
pub mod rules;
mod tandem;
mod undo;

pub use command::{
    Author, Command, CommandError, ImportedPerson, NewProgramme, NewTandem, MAX_NAME_CHARS,
};
pub use conflicts::{ChosenValue, ConcurrentValue, Conflict, TandemOrigin};
pub use dashboard::{Attention, Dashboard, OrganisationCounts};
pub use day::{Day, DayError};
pub use document::{ChangeNote, LoadError, ProgrammeDocument, FORMAT_VERSION};
pub use exchange::{Contents, ExchangeError, ExchangeFile, ExchangeHeader, EXCHANGE_VERSION};
pub use export::{people_csv, tandems_csv, PeopleColumn, TandemColumn};
pub use ids::{CoordinatorId, IdError, PartnerId, PersonId, ProgrammeId, TandemId};
pub use import::{
    decode_spreadsheet, ImportError, ImportField, ImportPlan, ImportProblem, ImportRow, RowVerdict,
};
pub use matching::{
    allowed, explain, next_best, suggest, Alternative, BrokenFixedPair, Criterion, Explanation,
    Matching, MatchingWeights, Pair, ScorePart, Suggestion, Unmatched, UnmatchedReason, MAX_WEIGHT,
};
pub use merge::MergePreview;
pub use person::{
    Application, Decision, Interview, MeetingFormat, Person, PersonDetails, Role, SharedFields,
    Stage, Withdrawal,
};
pub use programme::{
    ContactPoint, Partner, Programme, ProgrammeKind, ProgrammeSummary, Rules, Standing,
};
pub use tandem::{Tandem, TandemEnding, TandemStatus};
