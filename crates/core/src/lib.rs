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
//! let programme = document.programme().unwrap();
//! assert_eq!(programme.partners.len(), 2);
//! let bytes = document.save();
//! assert_eq!(ProgrammeDocument::load(&bytes).unwrap().programme().unwrap(), programme);
//! ```

mod command;
mod day;
mod document;
mod ids;
mod programme;

pub use command::{Author, Command, CommandError, NewProgramme};
pub use day::{Day, DayError};
pub use document::{ChangeNote, LoadError, ProgrammeDocument, FORMAT_VERSION};
pub use ids::{CoordinatorId, IdError, PartnerId, ProgrammeId};
pub use programme::{Partner, Programme, ProgrammeKind, ProgrammeSummary};
