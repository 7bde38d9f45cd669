//! Tandems: a mentee and a mentor (and optionally a co-mentor) who meet over
//! the programme's months.

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::PersonId;

/// Where a tandem stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum TandemStatus {
    Active,
    Completed,
    EndedEarly,
}

impl TandemStatus {
    pub const ALL: [TandemStatus; 3] = [
        TandemStatus::Active,
        TandemStatus::Completed,
        TandemStatus::EndedEarly,
    ];

    /// A stable name for files and translations.
    pub fn code(self) -> &'static str {
        match self {
            TandemStatus::Active => "active",
            TandemStatus::Completed => "completed",
            TandemStatus::EndedEarly => "ended-early",
        }
    }
}

/// How a tandem ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TandemEnding {
    /// The tandem ran its course.
    Completed,
    /// The tandem ended before its planned end, for the reason given.
    Early { reason: String },
}

/// One tandem.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Tandem {
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub co_mentor: Option<PersonId>,
    pub start: Day,
    pub planned_end: Day,
    pub status: TandemStatus,
    pub ended_on: Option<Day>,
    /// Why the tandem ended early; empty otherwise.
    pub end_reason: Option<String>,
}

impl Tandem {
    /// Whether the tandem is running.
    pub fn is_active(&self) -> bool {
        self.status == TandemStatus::Active
    }

    /// Whether the person is in this tandem, in any role.
    pub fn includes(&self, person: PersonId) -> bool {
        self.mentee == person || self.mentor == person || self.co_mentor == Some(person)
    }
}
