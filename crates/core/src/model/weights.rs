//! What a coordinator weighs when matching (the criteria and their
//! weights) and a pair of mentee and mentor as the key of a decision about
//! them. The programme stores both; the scoring itself is in `matching`.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::model::ids::{IdError, PersonId};

/// The highest weight a coordinator can give one criterion.
pub const MAX_WEIGHT: u32 = 10;

/// The parts of a pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    /// Topics both named.
    Topics,
    /// The mentee's development goal against the mentor's department,
    /// position and topics.
    Goal,
    /// Whether the ways they like to meet (in person, online) fit.
    Format,
    /// Times of the week both can meet.
    Availability,
    /// The same place, or how near their cities are.
    Location,
    /// Languages both speak.
    Languages,
}

coded_enum! {
    Criterion {
        Topics => "topics",
        Goal => "goal",
        Format => "format",
        Availability => "availability",
        Location => "location",
        Languages => "languages",
    }
}

/// How much each criterion counts, from 0 (ignored) to [`MAX_WEIGHT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct MatchingWeights {
    pub topics: u32,
    pub goal: u32,
    pub format: u32,
    /// Programmes that set their weights before availability was scored
    /// get the default.
    #[autosurgeon(missing = "default_availability_weight")]
    pub availability: u32,
    pub location: u32,
    pub languages: u32,
}

fn default_availability_weight() -> u32 {
    MatchingWeights::default().availability
}

impl Default for MatchingWeights {
    /// Topics and goals say most about what a tandem will talk about; a
    /// fitting meeting format and common free evenings keep it going;
    /// place and language help.
    fn default() -> Self {
        Self {
            topics: 4,
            goal: 3,
            format: 2,
            availability: 2,
            location: 1,
            languages: 1,
        }
    }
}

impl MatchingWeights {
    /// The weight of one criterion.
    pub fn of(&self, criterion: Criterion) -> u32 {
        match criterion {
            Criterion::Topics => self.topics,
            Criterion::Goal => self.goal,
            Criterion::Format => self.format,
            Criterion::Availability => self.availability,
            Criterion::Location => self.location,
            Criterion::Languages => self.languages,
        }
    }

    /// These weights with one criterion's weight changed.
    pub fn with(mut self, criterion: Criterion, weight: u32) -> Self {
        let slot = match criterion {
            Criterion::Topics => &mut self.topics,
            Criterion::Goal => &mut self.goal,
            Criterion::Format => &mut self.format,
            Criterion::Availability => &mut self.availability,
            Criterion::Location => &mut self.location,
            Criterion::Languages => &mut self.languages,
        };
        *slot = weight;
        self
    }
}

/// A mentee and a mentor (or co-mentor), as the key of a coordinator's
/// decision about them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Pair {
    pub mentee: PersonId,
    pub mentor: PersonId,
}

impl fmt::Display for Pair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{}", self.mentee, self.mentor)
    }
}

impl FromStr for Pair {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        let (mentee, mentor) = text
            .split_once('+')
            .ok_or_else(|| IdError(text.chars().take(80).collect()))?;
        Ok(Self {
            mentee: mentee.parse()?,
            mentor: mentor.parse()?,
        })
    }
}
