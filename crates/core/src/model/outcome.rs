//! Outcomes: what a mentee reached, recorded at the end of the programme
//! and again at a follow-up 6 or 12 months later.
//!
//! Programmes are judged by these: the Kassel region reports the share of
//! mentees aiming for a leadership post who reached one. Each record says
//! whether the mentee aimed for a leadership post, whether (when, which
//! post) they reached one, other career steps, how far their goal was
//! reached and whether they would recommend the programme.

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;

/// When an outcome was taken.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum OutcomeWhen {
    /// At the end of the programme.
    End,
    /// The follow-up 6 months later.
    AfterSixMonths,
    /// The follow-up 12 months later.
    AfterTwelveMonths,
}

coded_enum! {
    OutcomeWhen {
        End => "end",
        AfterSixMonths => "after-6-months",
        AfterTwelveMonths => "after-12-months",
    }
}

/// How far the mentee's goal was reached.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum GoalReached {
    Fully,
    Partly,
    Not,
}

coded_enum! {
    GoalReached {
        Fully => "fully",
        Partly => "partly",
        Not => "not",
    }
}

/// A leadership post a mentee took up.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct LeadershipPost {
    pub on: Day,
    pub position: String,
}

/// One outcome record of a mentee. Unknown answers are `None`.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct Outcome {
    pub aimed_for_leadership: Option<bool>,
    pub leadership_post: Option<LeadershipPost>,
    /// Other career steps, in the coordinator's words.
    pub other_steps: String,
    pub goal: Option<GoalReached>,
    pub would_recommend: Option<bool>,
    pub recorded_on: Option<Day>,
}

/// A mentee's outcome records: at the end and at the follow-ups.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct MenteeOutcomes {
    #[autosurgeon(missing = "Option::default")]
    pub end: Option<Outcome>,
    #[autosurgeon(missing = "Option::default")]
    pub after_6_months: Option<Outcome>,
    #[autosurgeon(missing = "Option::default")]
    pub after_12_months: Option<Outcome>,
}

impl MenteeOutcomes {
    /// The record taken at `when`.
    pub fn at(&self, when: OutcomeWhen) -> Option<&Outcome> {
        match when {
            OutcomeWhen::End => self.end.as_ref(),
            OutcomeWhen::AfterSixMonths => self.after_6_months.as_ref(),
            OutcomeWhen::AfterTwelveMonths => self.after_12_months.as_ref(),
        }
    }

    /// The records there are, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &Outcome> {
        OutcomeWhen::ALL
            .into_iter()
            .filter_map(|when| self.at(when))
    }

    /// Whether the mentee aimed for a leadership post, as the latest record
    /// that says so has it.
    pub fn aimed_for_leadership(&self) -> Option<bool> {
        self.records()
            .filter_map(|record| record.aimed_for_leadership)
            .last()
    }

    /// The first leadership post recorded.
    pub fn leadership_post(&self) -> Option<&LeadershipPost> {
        self.records()
            .filter_map(|record| record.leadership_post.as_ref())
            .min_by_key(|post| post.on)
    }

    /// The latest answer to a question of the records.
    pub fn latest<T: Copy>(&self, field: impl Fn(&Outcome) -> Option<T>) -> Option<T> {
        self.records().filter_map(field).last()
    }
}

/// The document key of a record, under the mentee's entry.
pub(crate) fn field_name(when: OutcomeWhen) -> &'static str {
    match when {
        OutcomeWhen::End => "end",
        OutcomeWhen::AfterSixMonths => "after_6_months",
        OutcomeWhen::AfterTwelveMonths => "after_12_months",
    }
}
