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
//! A pair's score is the sum of weighted parts ([`Criterion`]): shared
//! topics, the mentee's goal against the mentor's experience, meeting
//! format, place and shared languages. Each part is returned with its
//! numbers ([`ScorePart`]) so the app can say in the coordinator's language
//! why a pair was suggested; the parts always add up to the score.
//!
//! Everyone left without a partner gets a [`UnmatchedReason`], and
//! [`next_best`] offers the best alternative for a single mentee.
//!
//! The coordinators' decisions (weights, fixed and excluded pairs) live in
//! the programme document, so they merge like every other edit. A
//! suggestion is only a draft: confirming it is a
//! [`Command::CreateTandems`](crate::Command::CreateTandems).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, Reconcile};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use crate::programme::normalise;
use crate::{CommandError, IdError, MeetingFormat, Person, PersonId, Programme, Role};

/// The highest weight a coordinator can give one criterion.
pub const MAX_WEIGHT: u32 = 10;

/// What a criterion adds to a pair's score when it is fully met, before its
/// weight: the parts are counted in percent.
const FULL: u32 = 100;

/// A goal counts as fully met by the mentor's experience when this many of
/// its words match.
const GOAL_WORDS_FOR_FULL: usize = 3;

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
    /// The same place (city, site).
    Location,
    /// Languages both speak.
    Languages,
}

impl Criterion {
    /// Every criterion, in the order explanations list them.
    pub const ALL: [Criterion; 5] = [
        Criterion::Topics,
        Criterion::Goal,
        Criterion::Format,
        Criterion::Location,
        Criterion::Languages,
    ];

    /// A stable name for forms and translations.
    pub fn code(self) -> &'static str {
        match self {
            Criterion::Topics => "topics",
            Criterion::Goal => "goal",
            Criterion::Format => "format",
            Criterion::Location => "location",
            Criterion::Languages => "languages",
        }
    }

    /// The criterion with the given [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// How much each criterion counts, from 0 (ignored) to [`MAX_WEIGHT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub struct MatchingWeights {
    pub topics: u32,
    pub goal: u32,
    pub format: u32,
    pub location: u32,
    pub languages: u32,
}

impl Default for MatchingWeights {
    /// Topics and goals say most about what a tandem will talk about; a
    /// fitting meeting format keeps it going; place and language help.
    fn default() -> Self {
        Self {
            topics: 4,
            goal: 3,
            format: 2,
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
            Criterion::Location => &mut self.location,
            Criterion::Languages => &mut self.languages,
        };
        *slot = weight;
        self
    }

    /// The highest score a pair can reach with these weights.
    pub fn max_score(&self) -> u32 {
        Criterion::ALL.iter().map(|c| self.of(*c) * FULL).sum()
    }

    pub(crate) fn check(&self) -> Result<(), CommandError> {
        if Criterion::ALL.iter().any(|c| self.of(*c) > MAX_WEIGHT) {
            return Err(CommandError::WeightTooHigh);
        }
        Ok(())
    }
}

/// A mentee and a mentor, as the key of a coordinator's decision about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// the goal, languages, the place), as the people wrote it.
    pub shared: Vec<String>,
}

/// Why a pair scores what it scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The sum of the parts' points.
    pub score: u32,
    pub parts: Vec<ScorePart>,
}

/// A suggested tandem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub mentee: PersonId,
    pub mentor: PersonId,
    /// A coordinator fixed this pair; it was not chosen by score.
    pub fixed: bool,
    pub explanation: Explanation,
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

/// The suggested tandems for a programme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matching {
    /// Fixed pairs first, then the chosen ones, each in the order of the
    /// mentees' ids.
    pub suggestions: Vec<Suggestion>,
    /// Accepted mentees without a tandem, and accepted mentors with no
    /// tandem at all, each with a reason.
    pub unmatched: Vec<Unmatched>,
    pub broken_fixed: Vec<BrokenFixedPair>,
}

impl Matching {
    /// The sum of the suggested pairs' scores.
    pub fn total_score(&self) -> u64 {
        self.suggestions.iter().map(|s| u64::from(s.score())).sum()
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

/// The best tandems for the whole cohort under the programme's rules.
pub fn suggest(programme: &Programme) -> Matching {
    let cohort = Cohort::gather(programme);
    let mut matching = Matching::default();

    // Fixed pairs first: they are kept as long as the rules allow them, and
    // they take their mentor's place before anything is scored.
    let mut free = cohort.free_places.clone();
    let mut fixed_mentees = BTreeMap::new();
    for (&mentee, &mentor) in &programme.fixed_pairs {
        if programme.active_tandems_of(mentee).next().is_some() {
            continue;
        }
        match cohort.check_fixed(programme, mentee, mentor, &free) {
            Ok(()) => {
                *free.entry(mentor).or_default() -= 1;
                fixed_mentees.insert(mentee, mentor);
            }
            Err(problem) => matching.broken_fixed.push(BrokenFixedPair {
                mentee,
                mentor,
                problem,
            }),
        }
    }

    let mentees: Vec<PersonId> = cohort
        .mentees
        .iter()
        .copied()
        .filter(|id| !fixed_mentees.contains_key(id))
        .collect();
    let mentors: Vec<PersonId> = cohort
        .mentors
        .iter()
        .copied()
        .filter(|id| free.get(id).copied().unwrap_or(0) > 0)
        .collect();
    let profiles = Profiles::build(programme, cohort.mentees.iter().chain(&cohort.mentors));
    let weights = programme.matching_weights;
    let table = ScoreTable::build(programme, &profiles, &weights, &mentees, &mentors);
    let slots: Vec<usize> = mentors
        .iter()
        .enumerate()
        .flat_map(|(index, id)| {
            std::iter::repeat_n(index, free.get(id).copied().unwrap_or(0) as usize)
        })
        .collect();
    let chosen = table.assign(&slots);

    for (&mentee, &mentor) in &fixed_mentees {
        matching.suggestions.push(Suggestion {
            mentee,
            mentor,
            fixed: true,
            explanation: explain_with(&profiles, &weights, mentee, mentor),
        });
    }
    for &(row, column) in &chosen {
        let (mentee, mentor) = (mentees[row], mentors[column]);
        matching.suggestions.push(Suggestion {
            mentee,
            mentor,
            fixed: false,
            explanation: explain_with(&profiles, &weights, mentee, mentor),
        });
    }
    matching.unmatched = cohort.reasons(programme, &matching.suggestions, &free);
    matching
}

/// Why a mentee and a mentor would make a good (or poor) tandem, part by
/// part, with the programme's weights. Hard rules are not checked here.
pub fn explain(programme: &Programme, mentee: PersonId, mentor: PersonId) -> Explanation {
    let profiles = Profiles::build(programme, [mentee, mentor].iter());
    explain_with(&profiles, &programme.matching_weights, mentee, mentor)
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
    let profiles = Profiles::build(programme, cohort.mentees.iter().chain(&cohort.mentors));
    let weights = &programme.matching_weights;
    let score = |a: PersonId, b: PersonId| i64::from(profiles.score(weights, a, b));

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
                explanation: explain_with(&profiles, weights, mentee, mentor),
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
                explanation: explain_with(&profiles, weights, mentee, mentor),
                swap: Some(Suggestion {
                    mentee: other.mentee,
                    mentor: old_mentor,
                    fixed: false,
                    explanation: explain_with(&profiles, weights, other.mentee, old_mentor),
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

/// What excluding a pair needs: a mentee and a mentor of this programme.
pub(crate) fn check_exclude(
    programme: &Programme,
    mentee: PersonId,
    mentor: PersonId,
) -> Result<(), CommandError> {
    member(programme, mentee, Role::Mentee)?;
    member(programme, mentor, Role::Mentor)?;
    Ok(())
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
}

impl Cohort {
    fn gather(programme: &Programme) -> Self {
        let capacity = programme.rules.mentor_capacity.max(1);
        let mut load: HashMap<PersonId, u32> = HashMap::new();
        let mut busy_mentees = std::collections::HashSet::new();
        for (_, tandem) in programme.active_tandems() {
            *load.entry(tandem.mentor).or_default() += 1;
            busy_mentees.insert(tandem.mentee);
        }
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
                _ => {}
            }
        }
        Self {
            mentees,
            mentors,
            free_places,
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

/// Interned words, so that comparing two people is comparing short sorted
/// lists of numbers: a cohort of 1,000 × 1,000 is a million comparisons.
#[derive(Default)]
struct Words {
    ids: HashMap<String, u32>,
    /// How the word was first written, for explanations.
    shown: Vec<String>,
}

impl Words {
    fn id(&mut self, key: String, shown: &str) -> u32 {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.shown.len() as u32;
        self.ids.insert(key, id);
        self.shown.push(shown.to_string());
        id
    }

    fn list<'a>(&mut self, items: impl IntoIterator<Item = &'a String>) -> Vec<u32> {
        let mut ids: Vec<u32> = items
            .into_iter()
            .map(|item| (normalise(item), item))
            .filter(|(key, _)| !key.is_empty())
            .map(|(key, item)| self.id(key, item.trim()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn stems(&mut self, texts: &[&str]) -> Vec<u32> {
        let mut ids = Vec::new();
        for text in texts {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                let lower = word.to_lowercase();
                if lower.chars().count() < 4 || STOP_WORDS.contains(&lower.as_str()) {
                    continue;
                }
                ids.push(self.id(stem(&lower), word));
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Words that say nothing about a goal or an experience.
const STOP_WORDS: &[&str] = &[
    "aber", "alle", "auch", "bitte", "dass", "diese", "dieser", "eine", "einem", "einen", "einer",
    "eines", "gerne", "gern", "haben", "ich", "mehr", "mich", "mein", "meine", "meinem", "meinen",
    "meiner", "möchte", "möchten", "noch", "oder", "sehr", "sich", "sowie", "über", "und", "unter",
    "werden", "will", "wollen", "zwischen", "about", "also", "from", "have", "into", "more",
    "that", "their", "this", "want", "with", "would",
];

/// Words that share their first six letters count as the same word, so
/// that "Führung" meets "Führungskraft" and "Personal" meets
/// "Personalentwicklung".
fn stem(word: &str) -> String {
    word.chars().take(6).collect()
}

/// What one person brings to a comparison.
struct Profile {
    organisation: Option<crate::PartnerId>,
    topics: Vec<u32>,
    /// The mentee's goal; empty for mentors.
    goal: Vec<u32>,
    /// The mentor's department, position and topics; empty for mentees.
    experience: Vec<u32>,
    format: MeetingFormat,
    location: Option<u32>,
    languages: Vec<u32>,
}

struct Profiles {
    words: Words,
    people: HashMap<PersonId, Profile>,
}

impl Profiles {
    fn build<'a>(programme: &Programme, ids: impl IntoIterator<Item = &'a PersonId>) -> Self {
        let mut words = Words::default();
        let mut people = HashMap::new();
        for &id in ids {
            let Some(person) = programme.people.get(&id) else {
                continue;
            };
            let details = &person.details;
            let topics = words.list(&details.topics);
            let (goal, experience) = match details.role {
                Role::Mentee => (words.stems(&[&details.goal]), Vec::new()),
                _ => {
                    let mut texts = vec![details.department.as_str(), details.position.as_str()];
                    texts.extend(details.topics.iter().map(String::as_str));
                    (Vec::new(), words.stems(&texts))
                }
            };
            let location = normalise(&details.location);
            let location =
                (!location.is_empty()).then(|| words.id(location, details.location.trim()));
            people.insert(
                id,
                Profile {
                    organisation: details.organisation,
                    topics,
                    goal,
                    experience,
                    format: details.meeting_format,
                    location,
                    languages: words.list(&details.languages),
                },
            );
        }
        Self { words, people }
    }

    /// Each criterion's percentage for a pair, in the order of [`Criterion::ALL`].
    fn percents(&self, mentee: &Profile, mentor: &Profile) -> [u32; 5] {
        let share = |shared: usize, of: usize| {
            (shared.min(of) * FULL as usize)
                .checked_div(of)
                .unwrap_or(0) as u32
        };
        let goal_words = mentee.goal.len().min(GOAL_WORDS_FOR_FULL);
        [
            share(overlap(&mentee.topics, &mentor.topics), mentee.topics.len()),
            share(overlap(&mentee.goal, &mentor.experience), goal_words),
            if formats_fit(mentee.format, mentor.format) {
                FULL
            } else {
                0
            },
            if mentee.location.is_some() && mentee.location == mentor.location {
                FULL
            } else {
                0
            },
            share(
                overlap(&mentee.languages, &mentor.languages),
                mentee.languages.len(),
            ),
        ]
    }

    fn score(&self, weights: &MatchingWeights, mentee: PersonId, mentor: PersonId) -> u32 {
        match (self.people.get(&mentee), self.people.get(&mentor)) {
            (Some(a), Some(b)) => points(weights, self.percents(a, b)),
            _ => 0,
        }
    }
}

fn points(weights: &MatchingWeights, percents: [u32; 5]) -> u32 {
    Criterion::ALL
        .iter()
        .zip(percents)
        .map(|(criterion, percent)| weights.of(*criterion) * percent)
        .sum()
}

fn formats_fit(a: MeetingFormat, b: MeetingFormat) -> bool {
    a == b || a == MeetingFormat::Either || b == MeetingFormat::Either
}

/// How many numbers two sorted lists share.
fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                count += 1;
                i += 1;
                j += 1;
            }
        }
    }
    count
}

fn shared(a: &[u32], b: &[u32]) -> Vec<u32> {
    a.iter()
        .copied()
        .filter(|x| b.binary_search(x).is_ok())
        .collect()
}

fn explain_with(
    profiles: &Profiles,
    weights: &MatchingWeights,
    mentee: PersonId,
    mentor: PersonId,
) -> Explanation {
    let (Some(a), Some(b)) = (profiles.people.get(&mentee), profiles.people.get(&mentor)) else {
        return Explanation {
            score: 0,
            parts: Vec::new(),
        };
    };
    let percents = profiles.percents(a, b);
    let shown = |ids: Vec<u32>| -> Vec<String> {
        ids.into_iter()
            .filter_map(|id| profiles.words.shown.get(id as usize).cloned())
            .collect()
    };
    let parts: Vec<ScorePart> = Criterion::ALL
        .iter()
        .zip(percents)
        .map(|(&criterion, percent)| {
            let weight = weights.of(criterion);
            let shared = match criterion {
                Criterion::Topics => shown(shared(&a.topics, &b.topics)),
                Criterion::Goal => shown(shared(&a.goal, &b.experience)),
                Criterion::Format => Vec::new(),
                Criterion::Location if percent > 0 => shown(a.location.into_iter().collect()),
                Criterion::Location => Vec::new(),
                Criterion::Languages => shown(shared(&a.languages, &b.languages)),
            };
            ScorePart {
                criterion,
                weight,
                percent,
                points: weight * percent,
                shared,
            }
        })
        .collect();
    Explanation {
        score: parts.iter().map(|part| part.points).sum(),
        parts,
    }
}

/// Every mentee's score with every mentor, and which pairs the hard rules
/// allow.
struct ScoreTable {
    columns: usize,
    /// Row-major: `scores[row * columns + column]`, `None` where not allowed.
    scores: Vec<Option<u32>>,
    rows: usize,
    /// Added to every allowed pair so that one more tandem always outweighs
    /// any difference in score: the suggestions leave nobody out who could
    /// have a partner.
    tandem_bonus: i64,
}

impl ScoreTable {
    fn build(
        programme: &Programme,
        profiles: &Profiles,
        weights: &MatchingWeights,
        mentees: &[PersonId],
        mentors: &[PersonId],
    ) -> Self {
        let across = programme.rules.different_organisations;
        let mentee_profiles: Vec<Option<&Profile>> =
            mentees.iter().map(|id| profiles.people.get(id)).collect();
        let mentor_profiles: Vec<Option<&Profile>> =
            mentors.iter().map(|id| profiles.people.get(id)).collect();
        let mut scores = Vec::with_capacity(mentees.len() * mentors.len());
        for (row, mentee) in mentee_profiles.iter().enumerate() {
            for (column, mentor) in mentor_profiles.iter().enumerate() {
                let score = match (mentee, mentor) {
                    (Some(a), Some(b))
                        if (!across
                            || (a.organisation.is_some()
                                && b.organisation.is_some()
                                && a.organisation != b.organisation))
                            && !programme.excluded_pairs.contains_key(&Pair {
                                mentee: mentees[row],
                                mentor: mentors[column],
                            }) =>
                    {
                        Some(points(weights, profiles.percents(a, b)))
                    }
                    _ => None,
                };
                scores.push(score);
            }
        }
        let pairs = mentees.len().min(mentors.len()) as i64;
        Self {
            columns: mentors.len(),
            rows: mentees.len(),
            scores,
            tandem_bonus: (i64::from(weights.max_score()) + 1) * (pairs + 1),
        }
    }

    fn weight(&self, row: usize, column: usize) -> i64 {
        match self.scores[row * self.columns + column] {
            Some(score) => self.tandem_bonus + i64::from(score),
            None => 0,
        }
    }

    /// The best assignment of mentees (rows) to mentors' free places
    /// (`slots`, each naming a mentor column), as (row, mentor column)
    /// pairs the rules allow.
    ///
    /// A mentor with several free places becomes several identical slots,
    /// which turns the capacities into a plain assignment problem. It is
    /// solved with the Kuhn–Munkres (Hungarian) algorithm of the
    /// `pathfinding` crate: exact, O(n³) on a dense table, which is what a
    /// cohort is (most pairs are allowed), and it solves 1,000 × 1,000 well
    /// within a second natively. A min-cost flow would only pay off on
    /// sparse tables. Pairs the rules forbid weigh 0 and are dropped
    /// afterwards, so they act as "nobody".
    fn assign(&self, slots: &[usize]) -> Vec<(usize, usize)> {
        if self.rows == 0 || slots.is_empty() {
            return Vec::new();
        }
        // The algorithm wants no more rows than columns: with more mentees
        // than places, the places are the rows.
        let transposed = self.rows > slots.len();
        let (rows, columns) = if transposed {
            (slots.len(), self.rows)
        } else {
            (self.rows, slots.len())
        };
        let mut weights = Vec::with_capacity(rows * columns);
        for row in 0..rows {
            for column in 0..columns {
                weights.push(if transposed {
                    self.weight(column, slots[row])
                } else {
                    self.weight(row, slots[column])
                });
            }
        }
        let Ok(matrix) = Matrix::from_vec(rows, columns, weights) else {
            return Vec::new();
        };
        let (_, assignment) = kuhn_munkres(&matrix);
        let mut chosen: Vec<(usize, usize)> = assignment
            .into_iter()
            .enumerate()
            .map(|(row, column)| {
                if transposed {
                    (column, slots[row])
                } else {
                    (row, slots[column])
                }
            })
            .filter(|&(row, column)| self.scores[row * self.columns + column].is_some())
            .collect();
        chosen.sort_unstable();
        chosen
    }
}
