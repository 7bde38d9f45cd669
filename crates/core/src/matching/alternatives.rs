//! One mentee's best other mentor, given the current suggestions: a
//! mentor with a free place, or a swap with another suggested pair.
//!
//! May use: `model`, `rules`, and the other parts of matching.

use std::collections::HashMap;

use super::plan::{Cohort, Roster};
use super::score::Profiles;
use super::{Explanation, Matching, Suggestion};

use crate::model::ids::PersonId;
use crate::model::programme::Programme;

/// A different mentor for one mentee, and what it costs the cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub mentor: PersonId,
    pub explanation: Explanation,
    /// When the alternative mentor is taken: their current mentee, who
    /// would move to this mentee's mentor in exchange.
    pub swap: Option<Suggestion>,
    /// How the total score changes (usually a loss, so negative).
    pub change: i64,
}

/// The best other mentor for one mentee, given the current suggestions:
/// a mentor with a free place, or a swap with another suggested pair that
/// keeps both mentees matched. The alternative that loses the least total
/// score comes first; `None` if there is none under the hard rules.
pub fn next_best(
    programme: &Programme,
    matching: &Matching,
    mentee: PersonId,
) -> Option<Alternative> {
    let cohort = Cohort::gather(programme);
    if !cohort.mentees.contains(&mentee) {
        return None;
    }
    let current = matching.suggestion_for(mentee);
    if current.is_some_and(|s| s.fixed) {
        return None;
    }
    let current_mentor = current.map(|s| s.mentor);
    let current_score = i64::from(current.map_or(0, |s| s.score()));
    let mut roster = Roster::new(programme);
    for &id in cohort.mentees.iter().chain(&cohort.mentors) {
        roster.add(programme, id);
    }
    let profiles = Profiles::build(&roster.candidates);
    let weights = &programme.matching_weights;
    let position = |id: PersonId| {
        roster
            .positions
            .get(&id)
            .map_or(usize::MAX, |p| *p as usize)
    };
    let score =
        |a: PersonId, b: PersonId| i64::from(profiles.score(weights, position(a), position(b)));
    let explain_with =
        |a: PersonId, b: PersonId| profiles.explain(weights, position(a), position(b));

    let mut taken: HashMap<PersonId, u32> = HashMap::new();
    for suggestion in &matching.suggestions {
        *taken.entry(suggestion.mentor).or_default() += 1;
    }
    let mut best: Option<Alternative> = None;
    let mut consider = |alternative: Alternative| {
        let better = best.as_ref().is_none_or(|b| {
            (alternative.change, std::cmp::Reverse(alternative.mentor))
                > (b.change, std::cmp::Reverse(b.mentor))
        });
        if better {
            best = Some(alternative);
        }
    };
    for &mentor in &cohort.mentors {
        if Some(mentor) == current_mentor || !cohort.allowed(programme, mentee, mentor) {
            continue;
        }
        let free = cohort.free_places.get(&mentor).copied().unwrap_or(0);
        let used = taken.get(&mentor).copied().unwrap_or(0);
        let gain = score(mentee, mentor) - current_score;
        if used < free {
            consider(Alternative {
                mentor,
                explanation: explain_with(mentee, mentor),
                swap: None,
                change: gain,
            });
            continue;
        }
        let Some(old_mentor) = current_mentor else {
            continue;
        };
        for other in matching
            .suggestions
            .iter()
            .filter(|s| s.mentor == mentor && !s.fixed)
        {
            if !cohort.allowed(programme, other.mentee, old_mentor) {
                continue;
            }
            let moved = score(other.mentee, old_mentor);
            consider(Alternative {
                mentor,
                explanation: explain_with(mentee, mentor),
                swap: Some(Suggestion {
                    mentee: other.mentee,
                    mentor: old_mentor,
                    fixed: false,
                    explanation: explain_with(other.mentee, old_mentor),
                    co_mentor: None,
                }),
                change: gain + moved - i64::from(other.score()),
            });
        }
    }
    best
}
