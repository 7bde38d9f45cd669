//! A run of the matching around [`solve`](super::solve::solve): gathering
//! the cohort from the programme into a [`MatchingInput`], and turning the
//! solver's answer back into tandems, explanations and the reasons why
//! people were left without a partner.
//!
//! May use: `model`, `rules`, and the other parts of matching.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::score::Profiles;
use super::solve::{Candidate, MatchingInput, MatchingOutput, Places};
use super::{
    allowed, check_pair, BrokenFixedPair, CoMentorChoice, Matching, RunningCoMentor, Suggestion,
    Unmatched, UnmatchedReason,
};

use crate::model::ids::{PartnerId, PersonId};
use crate::model::person::Role;
use crate::model::programme::Programme;
use crate::model::weights::Pair;
use crate::rules::error::{CommandError, MatchingError, TandemError};

/// People of a programme turned into [`Candidate`]s, each once, with
/// their position.
#[derive(Default)]
pub(super) struct Roster {
    pub(super) ids: Vec<PersonId>,
    pub(super) positions: HashMap<PersonId, u32>,
    pub(super) candidates: Vec<Candidate>,
    pub(super) organisations: HashMap<PartnerId, u32>,
}

impl Roster {
    pub(super) fn new(programme: &Programme) -> Self {
        Self {
            organisations: programme
                .partners
                .keys()
                .enumerate()
                .map(|(number, id)| (*id, number as u32))
                .collect(),
            ..Self::default()
        }
    }

    pub(super) fn add(&mut self, programme: &Programme, id: PersonId) -> u32 {
        if let Some(&position) = self.positions.get(&id) {
            return position;
        }
        let position = self.ids.len() as u32;
        let candidate = match programme.people.get(&id) {
            Some(person) => {
                let details = &person.details;
                Candidate {
                    organisation: details
                        .organisation
                        .and_then(|o| self.organisations.get(&o).copied()),
                    mentee: details.role == Role::Mentee,
                    topics: details.topics.clone(),
                    goal: details.goal.clone(),
                    department: details.department.clone(),
                    position: details.position.clone(),
                    format: details.meeting_format.code().to_string(),
                    availability: details.availability.clone(),
                    languages: details.languages.clone(),
                    location: details.location.clone(),
                }
            }
            None => Candidate::default(),
        };
        self.ids.push(id);
        self.positions.insert(id, position);
        self.candidates.push(candidate);
        position
    }
}

/// A run of the matching, from the programme to the suggestions: see the
/// module documentation.
pub struct MatchingPlan {
    input: MatchingInput,
    ids: Vec<PersonId>,
    fixed: Vec<(PersonId, PersonId)>,
    /// Running tandems without a co-mentor, by their mentee's position.
    running: HashMap<u32, (crate::model::ids::TandemId, PersonId, PersonId)>,
    broken_fixed: Vec<BrokenFixedPair>,
    free_after_fixed: BTreeMap<PersonId, u32>,
    cohort: Cohort,
}

impl MatchingPlan {
    /// Gathers the cohort: who can be matched, with their free places, the
    /// fixed pairs that can be kept, and the excluded pairs.
    pub fn new(programme: &Programme) -> Self {
        let cohort = Cohort::gather(programme);
        let mut roster = Roster::new(programme);

        // Fixed pairs first: they are kept as long as the rules allow them,
        // and they take their mentor's place before anything is scored.
        let mut free = cohort.free_places.clone();
        let mut fixed = Vec::new();
        let mut broken_fixed = Vec::new();
        for (&mentee, &mentor) in &programme.fixed_pairs {
            if programme.active_tandems_of(mentee).next().is_some() {
                continue;
            }
            match cohort.check_fixed(programme, mentee, mentor, &free) {
                Ok(()) => {
                    *free.entry(mentor).or_default() -= 1;
                    fixed.push((mentee, mentor));
                }
                Err(problem) => broken_fixed.push(BrokenFixedPair {
                    mentee,
                    mentor,
                    problem,
                }),
            }
        }
        let fixed_mentees: HashSet<PersonId> = fixed.iter().map(|(mentee, _)| *mentee).collect();

        let mut input = MatchingInput {
            weights: programme.matching_weights,
            across: programme.rules.different_organisations,
            ..MatchingInput::default()
        };
        for &mentee in &cohort.mentees {
            let position = roster.add(programme, mentee);
            if !fixed_mentees.contains(&mentee) {
                input.mentees.push(position);
            }
        }
        for &mentor in &cohort.mentors {
            let position = roster.add(programme, mentor);
            let places = free.get(&mentor).copied().unwrap_or(0);
            if places > 0 {
                input.mentors.push(Places {
                    person: position,
                    free: places,
                });
            }
        }
        for &(mentee, mentor) in &fixed {
            input
                .fixed
                .push((roster.add(programme, mentee), roster.add(programme, mentor)));
        }
        let mut running = HashMap::new();
        if programme.rules.co_mentors {
            for (&tandem, t) in programme.active_tandems() {
                if t.co_mentor.is_none() {
                    let position = roster.add(programme, t.mentee);
                    input.running.push(position);
                    running.insert(position, (tandem, t.mentee, t.mentor));
                }
            }
        }
        for (&co_mentor, &places) in &cohort.co_mentor_places {
            let position = roster.add(programme, co_mentor);
            if places > 0 {
                input.co_mentors.push(Places {
                    person: position,
                    free: places,
                });
            }
        }
        for pair in programme.excluded_pairs.keys() {
            if let (Some(&a), Some(&b)) = (
                roster.positions.get(&pair.mentee),
                roster.positions.get(&pair.mentor),
            ) {
                input.excluded.push((a, b));
            }
        }
        input.people = std::mem::take(&mut roster.candidates);
        Self {
            input,
            ids: roster.ids,
            fixed,
            running,
            broken_fixed,
            free_after_fixed: free,
            cohort,
        }
    }

    /// What [`solve`] needs.
    pub fn input(&self) -> &MatchingInput {
        &self.input
    }

    /// The suggestions from what [`solve`] found for this plan's input.
    /// An answer that does not fit the input (a pair the rules do not
    /// allow, a person not in the cohort, a place too many) is not
    /// trusted: such pairs are left out.
    pub fn finish(&self, programme: &Programme, output: &MatchingOutput) -> Matching {
        let profiles = Profiles::build(&self.input.people);
        let weights = &self.input.weights;
        let excluded: HashSet<(u32, u32)> = self.input.excluded.iter().copied().collect();
        let allowed = |a: u32, b: u32| {
            (!self.input.across || profiles.across_allowed(a as usize, b as usize))
                && !excluded.contains(&(a, b))
        };
        let id = |position: u32| self.ids.get(position as usize).copied();
        let position_of: HashMap<PersonId, u32> = self
            .ids
            .iter()
            .enumerate()
            .map(|(position, id)| (*id, position as u32))
            .collect();

        // Co-mentors first, so that each suggestion can carry its own.
        let (chosen, co_mentor_of) = self.checked_choices(output, &allowed);

        let suggestion = |mentee_id: PersonId, mentor_id: PersonId, fixed: bool| {
            let position = |id: &PersonId| position_of.get(id).copied().unwrap_or(u32::MAX);
            let (mentee, mentor) = (position(&mentee_id), position(&mentor_id));
            Suggestion {
                mentee: mentee_id,
                mentor: mentor_id,
                fixed,
                explanation: profiles.explain(weights, mentee as usize, mentor as usize),
                co_mentor: co_mentor_of.get(&mentee).and_then(|&co| {
                    Some(CoMentorChoice {
                        co_mentor: id(co)?,
                        explanation: profiles.explain(weights, mentee as usize, co as usize),
                    })
                }),
            }
        };
        let mut matching = Matching {
            broken_fixed: self.broken_fixed.clone(),
            ..Matching::default()
        };
        for &(mentee, mentor) in &self.fixed {
            matching.suggestions.push(suggestion(mentee, mentor, true));
        }
        for &(mentee, mentor) in &chosen {
            if let (Some(mentee), Some(mentor)) = (id(mentee), id(mentor)) {
                matching.suggestions.push(suggestion(mentee, mentor, false));
            }
        }
        let mut running: Vec<RunningCoMentor> = self
            .running
            .iter()
            .filter_map(|(&mentee, &(tandem, mentee_id, mentor_id))| {
                let co = *co_mentor_of.get(&mentee)?;
                Some(RunningCoMentor {
                    tandem,
                    mentee: mentee_id,
                    mentor: mentor_id,
                    choice: CoMentorChoice {
                        co_mentor: id(co)?,
                        explanation: profiles.explain(weights, mentee as usize, co as usize),
                    },
                })
            })
            .collect();
        running.sort_by_key(|r| r.mentee);
        matching.running_co_mentors = running;
        matching.unmatched =
            self.cohort
                .reasons(programme, &matching.suggestions, &self.free_after_fixed);
        matching.unmatched.extend(self.co_mentor_reasons(
            programme,
            &matching.suggestions,
            &matching.running_co_mentors,
        ));
        matching
    }

    /// The solver's pairs and co-mentors that keep every rule and free
    /// place, the pairs in the order of the mentees' ids; co-mentors by
    /// mentee.
    fn checked_choices(
        &self,
        output: &MatchingOutput,
        allowed: &dyn Fn(u32, u32) -> bool,
    ) -> (Vec<(u32, u32)>, HashMap<u32, u32>) {
        let mut co_places: HashMap<u32, u32> = self
            .input
            .co_mentors
            .iter()
            .map(|p| (p.person, p.free))
            .collect();
        let mut co_mentor_of: HashMap<u32, u32> = HashMap::new();
        let mut pair_places: HashMap<u32, u32> = self
            .input
            .mentors
            .iter()
            .map(|p| (p.person, p.free))
            .collect();
        let open_mentees: HashSet<u32> = self.input.mentees.iter().copied().collect();
        let mut paired: HashSet<u32> = HashSet::new();
        let mut chosen = Vec::new();
        for &(mentee, mentor) in &output.pairs {
            let place = pair_places.get_mut(&mentor);
            if !open_mentees.contains(&mentee)
                || paired.contains(&mentee)
                || !allowed(mentee, mentor)
            {
                continue;
            }
            let Some(place) = place.filter(|free| **free > 0) else {
                continue;
            };
            *place -= 1;
            paired.insert(mentee);
            chosen.push((mentee, mentor));
        }
        chosen.sort_unstable_by_key(|&(mentee, _)| self.ids.get(mentee as usize).copied());
        let tandem_mentees: HashSet<u32> = self
            .input
            .fixed
            .iter()
            .map(|(mentee, _)| *mentee)
            .chain(paired.iter().copied())
            .chain(self.running.keys().copied())
            .collect();
        for &(mentee, co_mentor) in &output.co_mentors {
            if !tandem_mentees.contains(&mentee)
                || co_mentor_of.contains_key(&mentee)
                || !allowed(mentee, co_mentor)
            {
                continue;
            }
            let Some(place) = co_places.get_mut(&co_mentor).filter(|free| **free > 0) else {
                continue;
            };
            *place -= 1;
            co_mentor_of.insert(mentee, co_mentor);
        }
        (chosen, co_mentor_of)
    }

    /// A reason for every co-mentor with free places and no tandem.
    fn co_mentor_reasons(
        &self,
        programme: &Programme,
        suggestions: &[Suggestion],
        running: &[RunningCoMentor],
    ) -> Vec<Unmatched> {
        let taken: HashSet<PersonId> = suggestions
            .iter()
            .filter_map(|s| s.co_mentor.as_ref().map(|c| c.co_mentor))
            .chain(running.iter().map(|r| r.choice.co_mentor))
            .collect();
        let without = suggestions.iter().filter(|s| s.co_mentor.is_none()).count()
            + self.running.len().saturating_sub(running.len());
        let across = programme.rules.different_organisations;
        self.cohort
            .co_mentor_places
            .keys()
            .filter(|id| !taken.contains(id) && programme.active_tandems_of(**id).next().is_none())
            .map(|&person| {
                let organisation = programme
                    .people
                    .get(&person)
                    .and_then(|p| p.details.organisation);
                let reason = if across && organisation.is_none() {
                    UnmatchedReason::NoOrganisation
                } else if without == 0 {
                    UnmatchedReason::NoTandemLeft
                } else {
                    UnmatchedReason::RemainingTandemsIncompatible
                };
                Unmatched {
                    person,
                    role: Role::CoMentor,
                    reason,
                }
            })
            .collect()
    }
}

/// Who can be matched: accepted mentees without a running tandem, and
/// accepted mentors with their free places.
pub(super) struct Cohort {
    pub(super) mentees: Vec<PersonId>,
    pub(super) mentors: Vec<PersonId>,
    /// Places each accepted mentor has left beside their running tandems.
    pub(super) free_places: BTreeMap<PersonId, u32>,
    /// Where the programme uses co-mentors: places each accepted
    /// co-mentor has left beside their running tandems.
    pub(super) co_mentor_places: BTreeMap<PersonId, u32>,
}

impl Cohort {
    pub(super) fn gather(programme: &Programme) -> Self {
        let capacity = programme.rules.mentor_capacity.max(1);
        let mut load: HashMap<PersonId, u32> = HashMap::new();
        let mut busy_mentees = std::collections::HashSet::new();
        for (_, tandem) in programme.active_tandems() {
            *load.entry(tandem.mentor).or_default() += 1;
            if let Some(co_mentor) = tandem.co_mentor {
                *load.entry(co_mentor).or_default() += 1;
            }
            busy_mentees.insert(tandem.mentee);
        }
        let mut co_mentor_places = BTreeMap::new();
        let mut mentees = Vec::new();
        let mut mentors = Vec::new();
        let mut free_places = BTreeMap::new();
        for (&id, person) in &programme.people {
            if !person.is_accepted() {
                continue;
            }
            match person.details.role {
                Role::Mentee if !busy_mentees.contains(&id) => mentees.push(id),
                Role::Mentor => {
                    mentors.push(id);
                    let used = load.get(&id).copied().unwrap_or(0);
                    free_places.insert(id, capacity.saturating_sub(used));
                }
                Role::CoMentor if programme.rules.co_mentors => {
                    let used = load.get(&id).copied().unwrap_or(0);
                    co_mentor_places.insert(id, capacity.saturating_sub(used));
                }
                _ => {}
            }
        }
        Self {
            mentees,
            mentors,
            free_places,
            co_mentor_places,
        }
    }

    pub(super) fn allowed(
        &self,
        programme: &Programme,
        mentee: PersonId,
        mentor: PersonId,
    ) -> bool {
        allowed(programme, mentee, mentor)
    }

    fn check_fixed(
        &self,
        programme: &Programme,
        mentee: PersonId,
        mentor: PersonId,
        free: &BTreeMap<PersonId, u32>,
    ) -> Result<(), CommandError> {
        check_pair(programme, mentee, mentor)?;
        if programme
            .excluded_pairs
            .contains_key(&Pair { mentee, mentor })
        {
            return Err(CommandError::Matching(MatchingError::PairExcluded));
        }
        if free.get(&mentor).copied().unwrap_or(0) == 0 {
            return Err(CommandError::Tandem(TandemError::MentorFull {
                name: programme.person_name(mentor).to_string(),
                capacity: programme.rules.mentor_capacity.max(1),
            }));
        }
        Ok(())
    }

    /// A reason for everyone the suggestions leave out.
    fn reasons(
        &self,
        programme: &Programme,
        suggestions: &[Suggestion],
        free_after_fixed: &BTreeMap<PersonId, u32>,
    ) -> Vec<Unmatched> {
        let matched_mentees: std::collections::HashSet<PersonId> =
            suggestions.iter().map(|s| s.mentee).collect();
        let mut suggested_load: HashMap<PersonId, u32> = HashMap::new();
        for suggestion in suggestions.iter().filter(|s| !s.fixed) {
            *suggested_load.entry(suggestion.mentor).or_default() += 1;
        }
        let organisation_of = |id: PersonId| {
            programme
                .people
                .get(&id)
                .and_then(|p| p.details.organisation)
        };
        let across = programme.rules.different_organisations;
        let left_mentees: Vec<PersonId> = self
            .mentees
            .iter()
            .copied()
            .filter(|id| !matched_mentees.contains(id))
            .collect();

        let mut unmatched = Vec::new();
        for &mentee in &left_mentees {
            let own = organisation_of(mentee);
            let reason = if across && own.is_none() {
                UnmatchedReason::NoOrganisation
            } else if self.mentors.is_empty() {
                UnmatchedReason::NoMentors
            } else {
                let outside: Vec<PersonId> = self
                    .mentors
                    .iter()
                    .copied()
                    .filter(|&m| !across || organisation_of(m).is_some_and(|o| Some(o) != own))
                    .collect();
                let with_place: Vec<PersonId> = outside
                    .iter()
                    .copied()
                    .filter(|m| free_after_fixed.get(m).copied().unwrap_or(0) > 0)
                    .collect();
                if outside.is_empty() {
                    UnmatchedReason::NoMentorOutsideOrganisation
                } else if with_place.is_empty() {
                    UnmatchedReason::NoMentorWithFreePlace
                } else if !with_place
                    .iter()
                    .any(|&m| self.allowed(programme, mentee, m))
                {
                    UnmatchedReason::AllMentorsExcluded
                } else {
                    UnmatchedReason::CompatibleMentorsTaken
                }
            };
            unmatched.push(Unmatched {
                person: mentee,
                role: Role::Mentee,
                reason,
            });
        }

        let running: std::collections::HashSet<PersonId> = programme
            .active_tandems()
            .map(|(_, tandem)| tandem.mentor)
            .collect();
        let fixed_mentors: std::collections::HashSet<PersonId> = suggestions
            .iter()
            .filter(|s| s.fixed)
            .map(|s| s.mentor)
            .collect();
        for &mentor in &self.mentors {
            if running.contains(&mentor)
                || fixed_mentors.contains(&mentor)
                || suggested_load.contains_key(&mentor)
            {
                continue;
            }
            let reason = if left_mentees.is_empty() {
                UnmatchedReason::NoMenteeLeft
            } else if across && organisation_of(mentor).is_none() {
                UnmatchedReason::NoOrganisation
            } else {
                UnmatchedReason::RemainingMenteesIncompatible
            };
            unmatched.push(Unmatched {
                person: mentor,
                role: Role::Mentor,
                reason,
            });
        }
        unmatched
    }
}
