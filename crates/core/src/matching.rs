//! Matching: the best set of tandems for the whole cohort, and why.
//!
//! [`suggest`] looks at every accepted mentee who is not yet in a running
//! tandem and every accepted mentor with a free place, and proposes the set
//! of pairs that
//!
//! 1. never breaks a hard rule: only accepted people, mentee and mentor from
//!    different organisations where the programme says so, a mentor's
//!    capacity minus the tandems they already run, never a pair a
//!    coordinator excluded, always the pairs a coordinator fixed;
//! 2. forms as many tandems as the hard rules allow, and among those
//! 3. has the highest total score.
//!
//! Where the programme uses co-mentors, a second step gives the suggested
//! tandems accepted co-mentors in the same way: as many tandems as the
//! rules allow get one (a co-mentor's capacity, a co-mentor from another
//! organisation than the mentee where the programme pairs across
//! organisations, never a mentee and co-mentor a coordinator excluded),
//! with the highest total score of mentee and co-mentor.
//!
//! A pair's score is the sum of weighted parts ([`Criterion`]): shared
//! topics, the mentee's goal against the mentor's experience, meeting
//! format, common times of the week ([`Availability`]), place or travel
//! distance between cities, and shared languages. Each part is returned
//! with its numbers ([`ScorePart`]) so the app can say in the coordinator's
//! language why a pair was suggested; the parts always add up to the score.
//!
//! Everyone left without a partner gets a [`UnmatchedReason`], and
//! [`next_best`] offers the best alternative for a single mentee.
//!
//! The work is cut in three so that the app can run the expensive middle
//! away from the page (in a web worker): [`MatchingPlan::new`] gathers the
//! cohort from the programme into a [`MatchingInput`] that serialises with
//! serde and names people only by position; [`solve`] scores every pair and
//! finds the optimum; [`MatchingPlan::finish`] turns the result back into
//! tandems with explanations and reasons. [`suggest`] does all three.
//!
//! The coordinators' decisions (weights, fixed and excluded pairs) live in
//! the programme document, so they merge like every other edit. A
//! suggestion is only a draft: confirming it is a
//! [`Command::CreateTandems`](crate::command::Command::CreateTandems).
//!
//! May use: `model`, `rules`. The weights and the [`Pair`] a coordinator
//! decides about are part of the programme (`model::weights`); this folder
//! scores and solves.

pub(crate) mod availability;
pub(crate) mod places;
pub(crate) mod score;

use std::collections::{BTreeMap, HashMap, HashSet};

use score::{Profiles, ScoreTable};
use serde::{Deserialize, Serialize};

use crate::model::ids::{PartnerId, PersonId};
use crate::model::person::{Person, Role};
use crate::model::programme::Programme;
use crate::model::weights::{Criterion, MatchingWeights, Pair};
use crate::rules::error::CommandError;

impl MatchingWeights {
    /// The highest score a pair can reach with these weights.
    pub fn max_score(&self) -> u32 {
        Criterion::ALL
            .iter()
            .map(|c| self.of(*c) * score::FULL)
            .sum()
    }
}

/// One criterion's share of a pair's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorePart {
    pub criterion: Criterion,
    /// The criterion's weight in the programme.
    pub weight: u32,
    /// How far the criterion is met, 0 to 100.
    pub percent: u32,
    /// `weight × percent`: what this part adds to the score.
    pub points: u32,
    /// What the two have in common for this criterion (topics, words of
    /// the goal, languages, the place), as the people wrote it; for
    /// availability the common slots as codes (`tue-evening`, see
    /// [`DAYS`] and [`DAY_PARTS`]).
    pub shared: Vec<String>,
    /// For place: how many kilometres apart their cities are, when both
    /// are known and they do not name the same place.
    pub distance_km: Option<u32>,
}

/// Why a pair scores what it scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The sum of the parts' points.
    pub score: u32,
    pub parts: Vec<ScorePart>,
}

/// A co-mentor suggested for a tandem, with how well they fit the mentee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoMentorChoice {
    pub co_mentor: PersonId,
    /// The mentee and the co-mentor compared like a mentee and a mentor.
    pub explanation: Explanation,
}

/// A suggested tandem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub mentee: PersonId,
    pub mentor: PersonId,
    /// A coordinator fixed this pair; it was not chosen by score.
    pub fixed: bool,
    pub explanation: Explanation,
    /// The suggested co-mentor, where the programme uses co-mentors.
    pub co_mentor: Option<CoMentorChoice>,
}

impl Suggestion {
    pub fn score(&self) -> u32 {
        self.explanation.score
    }
}

/// Why a person has no partner in the suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnmatchedReason {
    /// The programme pairs across organisations and the person has none.
    NoOrganisation,
    /// No mentor has been accepted yet.
    NoMentors,
    /// Every accepted mentor is from the mentee's own organisation.
    NoMentorOutsideOrganisation,
    /// Mentors the mentee could be paired with exist, but none has a free place.
    NoMentorWithFreePlace,
    /// A coordinator excluded every mentor with a free place the mentee
    /// could be paired with.
    AllMentorsExcluded,
    /// Every mentor the mentee could be paired with is in a suggested pair;
    /// giving one of them to this mentee would leave another mentee without
    /// a partner or lower the total score.
    CompatibleMentorsTaken,
    /// Every mentee is matched or in a running tandem.
    NoMenteeLeft,
    /// The mentees still without a partner are from the mentor's own
    /// organisation or excluded for this mentor.
    RemainingMenteesIncompatible,
    /// A co-mentor: every suggested tandem has a co-mentor (or there is
    /// no suggested tandem).
    NoTandemLeft,
    /// A co-mentor: the suggested tandems still without a co-mentor have
    /// mentees from the co-mentor's own organisation, or excluded for them.
    RemainingTandemsIncompatible,
}

impl UnmatchedReason {
    /// A stable name for translations.
    pub fn code(self) -> &'static str {
        match self {
            UnmatchedReason::NoOrganisation => "no-organisation",
            UnmatchedReason::NoMentors => "no-mentors",
            UnmatchedReason::NoMentorOutsideOrganisation => "no-mentor-outside-organisation",
            UnmatchedReason::NoMentorWithFreePlace => "no-mentor-with-free-place",
            UnmatchedReason::AllMentorsExcluded => "all-mentors-excluded",
            UnmatchedReason::CompatibleMentorsTaken => "compatible-mentors-taken",
            UnmatchedReason::NoMenteeLeft => "no-mentee-left",
            UnmatchedReason::RemainingMenteesIncompatible => "remaining-mentees-incompatible",
            UnmatchedReason::NoTandemLeft => "no-tandem-left",
            UnmatchedReason::RemainingTandemsIncompatible => "remaining-tandems-incompatible",
        }
    }
}

/// A person without a partner in the suggestions, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub person: PersonId,
    pub role: Role,
    pub reason: UnmatchedReason,
}

/// A fixed pair the suggestions cannot keep, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenFixedPair {
    pub mentee: PersonId,
    pub mentor: PersonId,
    /// Why the pair cannot be a tandem, as creating it would be refused.
    /// [`CommandError::PairExcluded`] when another coordinator excluded it.
    pub problem: CommandError,
}

/// A co-mentor suggested for a running tandem that has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningCoMentor {
    pub tandem: crate::model::ids::TandemId,
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub choice: CoMentorChoice,
}

/// The suggested tandems for a programme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matching {
    /// Fixed pairs first, then the chosen ones, each in the order of the
    /// mentees' ids.
    pub suggestions: Vec<Suggestion>,
    /// Co-mentors for running tandems without one, chosen together with
    /// the suggestions' co-mentors.
    pub running_co_mentors: Vec<RunningCoMentor>,
    /// Accepted mentees without a tandem, and accepted mentors and
    /// co-mentors with no tandem at all, each with a reason.
    pub unmatched: Vec<Unmatched>,
    pub broken_fixed: Vec<BrokenFixedPair>,
}

impl Matching {
    /// The sum of the suggested pairs' scores (mentee and mentor).
    pub fn total_score(&self) -> u64 {
        self.suggestions.iter().map(|s| u64::from(s.score())).sum()
    }

    /// The sum of the suggested co-mentors' scores with their mentees,
    /// for suggested and running tandems.
    pub fn co_mentor_score(&self) -> u64 {
        self.suggestions
            .iter()
            .filter_map(|s| s.co_mentor.as_ref())
            .chain(self.running_co_mentors.iter().map(|r| &r.choice))
            .map(|c| u64::from(c.explanation.score))
            .sum()
    }

    /// The suggestion for a mentee, if there is one.
    pub fn suggestion_for(&self, mentee: PersonId) -> Option<&Suggestion> {
        self.suggestions.iter().find(|s| s.mentee == mentee)
    }
}

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

/// What matching needs to know about one person, and nothing else: no
/// name, no contact details. People are named by their position in
/// [`MatchingInput::people`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Candidate {
    /// The organisation, as a number that is the same for the same
    /// organisation within one input.
    pub organisation: Option<u32>,
    /// Mentees bring a goal; mentors and co-mentors bring experience.
    pub mentee: bool,
    pub topics: Vec<String>,
    pub goal: String,
    pub department: String,
    pub position: String,
    /// A [`MeetingFormat`](crate::model::person::MeetingFormat) code.
    pub format: String,
    pub availability: String,
    pub languages: Vec<String>,
    pub location: String,
}

/// A mentor or co-mentor with their free places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    pub person: u32,
    pub free: u32,
}

/// Everything [`solve`] needs, with people by position in `people`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchingInput {
    pub weights: MatchingWeights,
    /// Mentee and mentor (and co-mentor) from different organisations.
    pub across: bool,
    pub people: Vec<Candidate>,
    /// Mentees to pair (fixed pairs already taken out).
    pub mentees: Vec<u32>,
    /// Mentors with their places left after running tandems and fixed pairs.
    pub mentors: Vec<Places>,
    /// Fixed pairs (mentee, mentor): they get co-mentors like the others.
    pub fixed: Vec<(u32, u32)>,
    /// Mentees of running tandems without a co-mentor: they get co-mentors
    /// like the suggested tandems.
    pub running: Vec<u32>,
    /// Excluded (mentee, mentor or co-mentor) pairs.
    pub excluded: Vec<(u32, u32)>,
    /// Co-mentors with their free places; empty where the programme does
    /// not use co-mentors.
    pub co_mentors: Vec<Places>,
}

/// What [`solve`] found, with people by position in the input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatchingOutput {
    /// (mentee, mentor), besides the fixed pairs.
    pub pairs: Vec<(u32, u32)>,
    /// (mentee, co-mentor), for fixed, chosen and running pairs.
    pub co_mentors: Vec<(u32, u32)>,
}

/// Scores every allowed pair and finds the best assignment: the mentees
/// to the mentors' places, then the tandems (fixed and chosen) to the
/// co-mentors' places. This is the part that takes time; it needs no
/// programme, so it runs wherever the input is sent.
pub fn solve(input: &MatchingInput) -> MatchingOutput {
    let profiles = Profiles::build(&input.people);
    let weights = &input.weights;
    let excluded: HashSet<(usize, usize)> = input
        .excluded
        .iter()
        .map(|&(a, b)| (a as usize, b as usize))
        .collect();
    let allowed = |a: usize, b: usize| {
        (!input.across || profiles.across_allowed(a, b)) && !excluded.contains(&(a, b))
    };

    let mentees: Vec<usize> = input.mentees.iter().map(|&m| m as usize).collect();
    let (mentors, slots) = columns_and_slots(&input.mentors);
    let table = ScoreTable::build(&profiles, weights, &mentees, &mentors, allowed);
    let pairs: Vec<(u32, u32)> = table
        .assign(&slots)
        .into_iter()
        .map(|(row, column)| (mentees[row] as u32, mentors[column] as u32))
        .collect();

    let mut co_mentors = Vec::new();
    if !input.co_mentors.is_empty() {
        let mut tandems: Vec<usize> = input
            .fixed
            .iter()
            .chain(&pairs)
            .map(|&(mentee, _)| mentee as usize)
            .chain(input.running.iter().map(|&mentee| mentee as usize))
            .collect();
        tandems.sort_unstable();
        tandems.dedup();
        let (columns, slots) = columns_and_slots(&input.co_mentors);
        let table = ScoreTable::build(&profiles, weights, &tandems, &columns, allowed);
        co_mentors = table
            .assign(&slots)
            .into_iter()
            .map(|(row, column)| (tandems[row] as u32, columns[column] as u32))
            .collect();
    }
    MatchingOutput { pairs, co_mentors }
}

/// What the app sends to a web worker that runs [`solve`]: the input, and
/// the number of the run it belongs to, so that the answer to an older run
/// can be told apart and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolveRequest {
    pub run: u64,
    pub input: MatchingInput,
}

/// What a worker that runs [`solve`] sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SolveReply {
    /// The worker has started and takes requests.
    Ready,
    /// The result of a run.
    Solved { run: u64, output: MatchingOutput },
    /// A request the worker could not read.
    Unreadable { reason: String },
}

impl SolveReply {
    /// The worker's answer to a request as sent (JSON), as JSON.
    pub fn answer(request: &str) -> String {
        let reply = match serde_json::from_str::<SolveRequest>(request) {
            Ok(request) => SolveReply::Solved {
                run: request.run,
                output: solve(&request.input),
            },
            Err(error) => SolveReply::Unreadable {
                reason: error.to_string(),
            },
        };
        serde_json::to_string(&reply).unwrap_or_default()
    }
}

/// The people of a list of places, and one slot (naming the person's
/// column) per free place.
fn columns_and_slots(places: &[Places]) -> (Vec<usize>, Vec<usize>) {
    let columns: Vec<usize> = places.iter().map(|p| p.person as usize).collect();
    let slots = places
        .iter()
        .enumerate()
        .flat_map(|(column, p)| std::iter::repeat_n(column, p.free as usize))
        .collect();
    (columns, slots)
}

/// People of a programme turned into [`Candidate`]s, each once, with
/// their position.
#[derive(Default)]
struct Roster {
    ids: Vec<PersonId>,
    positions: HashMap<PersonId, u32>,
    candidates: Vec<Candidate>,
    organisations: HashMap<PartnerId, u32>,
}

impl Roster {
    fn new(programme: &Programme) -> Self {
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

    fn add(&mut self, programme: &Programme, id: PersonId) -> u32 {
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

/// The best tandems for the whole cohort under the programme's rules,
/// with co-mentors where the programme uses them.
pub fn suggest(programme: &Programme) -> Matching {
    let plan = MatchingPlan::new(programme);
    let output = solve(plan.input());
    plan.finish(programme, &output)
}

/// Why a mentee and a mentor (or co-mentor) would make a good (or poor)
/// tandem, part by part, with the programme's weights. Hard rules are not
/// checked here.
pub fn explain(programme: &Programme, mentee: PersonId, mentor: PersonId) -> Explanation {
    let mut roster = Roster::new(programme);
    let a = roster.add(programme, mentee);
    let b = roster.add(programme, mentor);
    Profiles::build(&roster.candidates).explain(&programme.matching_weights, a as usize, b as usize)
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

/// Whether the hard rules allow a tandem of these two, apart from places:
/// both accepted in their roles, different organisations where the
/// programme says so, and not excluded by a coordinator.
pub fn allowed(programme: &Programme, mentee: PersonId, mentor: PersonId) -> bool {
    check_pair(programme, mentee, mentor).is_ok()
        && !programme
            .excluded_pairs
            .contains_key(&Pair { mentee, mentor })
}

/// The checks of a pair that a coordinator fixes: two different people,
/// an accepted mentee and an accepted mentor, from different organisations
/// where the programme says so.
pub(crate) fn check_pair(
    programme: &Programme,
    mentee: PersonId,
    mentor: PersonId,
) -> Result<(), CommandError> {
    if mentee == mentor {
        return Err(CommandError::SamePerson);
    }
    let mentee_person = member(programme, mentee, Role::Mentee)?;
    let mentor_person = member(programme, mentor, Role::Mentor)?;
    for person in [mentee_person, mentor_person] {
        if !person.is_accepted() {
            return Err(CommandError::NotAccepted(person.details.name.clone()));
        }
    }
    if programme.rules.different_organisations {
        let organisation = |person: &Person| {
            person
                .details
                .organisation
                .ok_or_else(|| CommandError::OrganisationMissing(person.details.name.clone()))
        };
        let mentee_org = organisation(mentee_person)?;
        if mentee_org == organisation(mentor_person)? {
            return Err(CommandError::SameOrganisation {
                mentee: mentee_person.details.name.clone(),
                mentor: mentor_person.details.name.clone(),
                organisation: programme.organisation_name(Some(mentee_org)).to_string(),
            });
        }
    }
    Ok(())
}

/// What fixing a pair needs: the pair is allowed apart from places, and
/// the mentee is not already in a running tandem.
pub(crate) fn check_fix(
    programme: &Programme,
    mentee: PersonId,
    mentor: PersonId,
) -> Result<(), CommandError> {
    check_pair(programme, mentee, mentor)?;
    if programme.active_tandems_of(mentee).next().is_some() {
        return Err(CommandError::AlreadyMatched(
            programme.person_name(mentee).to_string(),
        ));
    }
    Ok(())
}

/// What excluding a pair needs: a mentee and a mentor (or co-mentor) of
/// this programme.
pub(crate) fn check_exclude(
    programme: &Programme,
    mentee: PersonId,
    mentor: PersonId,
) -> Result<(), CommandError> {
    member(programme, mentee, Role::Mentee)?;
    member(programme, mentor, Role::Mentor)
        .or_else(|error| member(programme, mentor, Role::CoMentor).map_err(|_| error))?;
    Ok(())
}

/// What putting a co-mentor on a running tandem needs: the rules a
/// co-mentor of a new tandem meets (the programme uses co-mentors, an
/// accepted co-mentor with a free place, not the tandem's mentee or
/// mentor), a running tandem without a co-mentor, and no exclusion of
/// this mentee and co-mentor.
pub(crate) fn check_co_mentor(
    programme: &Programme,
    tandem: &crate::model::tandem::Tandem,
    co_mentor: PersonId,
) -> Result<(), CommandError> {
    if !programme.rules.co_mentors {
        return Err(CommandError::CoMentorsNotUsed);
    }
    if !tandem.is_active() {
        return Err(CommandError::TandemNotActive);
    }
    if tandem.co_mentor.is_some() {
        return Err(CommandError::CoMentorAlreadySet(
            programme.person_name(tandem.mentee).to_string(),
        ));
    }
    if co_mentor == tandem.mentee || co_mentor == tandem.mentor {
        return Err(CommandError::SamePerson);
    }
    let person = member(programme, co_mentor, Role::CoMentor)?;
    if !person.is_accepted() {
        return Err(CommandError::NotAccepted(person.details.name.clone()));
    }
    let capacity = programme.rules.mentor_capacity.max(1);
    if programme.active_tandems_of(co_mentor).count() >= capacity as usize {
        return Err(CommandError::MentorFull {
            name: person.details.name.clone(),
            capacity,
        });
    }
    if programme.excluded_pairs.contains_key(&Pair {
        mentee: tandem.mentee,
        mentor: co_mentor,
    }) {
        return Err(CommandError::PairExcluded);
    }
    Ok(())
}

/// Whether the hard rules allow this co-mentor for this mentee's tandem,
/// apart from places: the programme uses co-mentors, both are accepted in
/// their roles, from different organisations where the programme says so,
/// and not excluded by a coordinator.
pub fn co_mentor_allowed(programme: &Programme, mentee: PersonId, co_mentor: PersonId) -> bool {
    let (Ok(a), Ok(b)) = (
        member(programme, mentee, Role::Mentee),
        member(programme, co_mentor, Role::CoMentor),
    ) else {
        return false;
    };
    let across_ok = !programme.rules.different_organisations
        || (a.details.organisation.is_some()
            && b.details.organisation.is_some()
            && a.details.organisation != b.details.organisation);
    programme.rules.co_mentors
        && a.is_accepted()
        && b.is_accepted()
        && across_ok
        && !programme.excluded_pairs.contains_key(&Pair {
            mentee,
            mentor: co_mentor,
        })
}

/// A person of the given role, accepted or not.
pub(crate) fn member(
    programme: &Programme,
    id: PersonId,
    role: Role,
) -> Result<&Person, CommandError> {
    let person = programme
        .people
        .get(&id)
        .ok_or(CommandError::UnknownPerson)?;
    if person.details.role != role {
        return Err(CommandError::WrongRole {
            name: person.details.name.clone(),
            role: role.code(),
        });
    }
    Ok(person)
}

/// Who can be matched: accepted mentees without a running tandem, and
/// accepted mentors with their free places.
struct Cohort {
    mentees: Vec<PersonId>,
    mentors: Vec<PersonId>,
    /// Places each accepted mentor has left beside their running tandems.
    free_places: BTreeMap<PersonId, u32>,
    /// Where the programme uses co-mentors: places each accepted
    /// co-mentor has left beside their running tandems.
    co_mentor_places: BTreeMap<PersonId, u32>,
}

impl Cohort {
    fn gather(programme: &Programme) -> Self {
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

    fn allowed(&self, programme: &Programme, mentee: PersonId, mentor: PersonId) -> bool {
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
            return Err(CommandError::PairExcluded);
        }
        if free.get(&mentor).copied().unwrap_or(0) == 0 {
            return Err(CommandError::MentorFull {
                name: programme.person_name(mentor).to_string(),
                capacity: programme.rules.mentor_capacity.max(1),
            });
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
