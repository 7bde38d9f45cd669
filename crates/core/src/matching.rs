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
//! scores and solves:
//!
//! - `plan`: from the programme to a [`MatchingInput`] and back to tandems;
//! - `solve`: the optimum over positions, and the worker's request and reply;
//! - `score`, `availability`, `places`: a pair's score, part by part;
//! - `alternatives`: [`next_best`] for one mentee;
//! - here: the results' types and the hard rules of a pair.

mod alternatives;
pub(crate) mod availability;
pub(crate) mod places;
mod plan;
pub(crate) mod score;
mod solve;

pub use alternatives::{next_best, Alternative};
pub use plan::MatchingPlan;
use plan::Roster;
pub use solve::{
    solve, Candidate, MatchingInput, MatchingOutput, Places, SolveReply, SolveRequest,
};

use score::Profiles;

use crate::model::ids::PersonId;
use crate::model::person::{Person, Role};
use crate::model::programme::Programme;
use crate::model::weights::{Criterion, MatchingWeights, Pair};
use crate::rules::error::{CommandError, MatchingError, TandemError};
use crate::rules::people::of_role;

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
    /// [`CommandError::Matching(MatchingError::PairExcluded)`] when another coordinator excluded it.
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
        return Err(CommandError::Tandem(TandemError::SamePerson));
    }
    let mentee_person = of_role(programme, mentee, Role::Mentee)?;
    let mentor_person = of_role(programme, mentor, Role::Mentor)?;
    for person in [mentee_person, mentor_person] {
        if !person.is_accepted() {
            return Err(CommandError::Tandem(TandemError::NotAccepted(
                person.details.name.clone(),
            )));
        }
    }
    if programme.rules.different_organisations {
        let organisation = |person: &Person| {
            person.details.organisation.ok_or_else(|| {
                CommandError::Tandem(TandemError::OrganisationMissing(
                    person.details.name.clone(),
                ))
            })
        };
        let mentee_org = organisation(mentee_person)?;
        if mentee_org == organisation(mentor_person)? {
            return Err(CommandError::Tandem(TandemError::SameOrganisation {
                mentee: mentee_person.details.name.clone(),
                mentor: mentor_person.details.name.clone(),
                organisation: programme.organisation_name(Some(mentee_org)).to_string(),
            }));
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
        return Err(CommandError::Tandem(TandemError::AlreadyMatched(
            programme.person_name(mentee).to_string(),
        )));
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
    of_role(programme, mentee, Role::Mentee)?;
    of_role(programme, mentor, Role::Mentor)
        .or_else(|error| of_role(programme, mentor, Role::CoMentor).map_err(|_| error))?;
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
        return Err(CommandError::Tandem(TandemError::CoMentorsNotUsed));
    }
    if !tandem.is_active() {
        return Err(CommandError::Tandem(TandemError::TandemNotActive));
    }
    if tandem.co_mentor.is_some() {
        return Err(CommandError::Tandem(TandemError::CoMentorAlreadySet(
            programme.person_name(tandem.mentee).to_string(),
        )));
    }
    if co_mentor == tandem.mentee || co_mentor == tandem.mentor {
        return Err(CommandError::Tandem(TandemError::SamePerson));
    }
    let person = of_role(programme, co_mentor, Role::CoMentor)?;
    if !person.is_accepted() {
        return Err(CommandError::Tandem(TandemError::NotAccepted(
            person.details.name.clone(),
        )));
    }
    let capacity = programme.rules.mentor_capacity.max(1);
    if programme.active_tandems_of(co_mentor).count() >= capacity as usize {
        return Err(CommandError::Tandem(TandemError::MentorFull {
            name: person.details.name.clone(),
            capacity,
        }));
    }
    if programme.excluded_pairs.contains_key(&Pair {
        mentee: tandem.mentee,
        mentor: co_mentor,
    }) {
        return Err(CommandError::Matching(MatchingError::PairExcluded));
    }
    Ok(())
}

/// Whether the hard rules allow this co-mentor for this mentee's tandem,
/// apart from places: the programme uses co-mentors, both are accepted in
/// their roles, from different organisations where the programme says so,
/// and not excluded by a coordinator.
pub fn co_mentor_allowed(programme: &Programme, mentee: PersonId, co_mentor: PersonId) -> bool {
    let (Ok(a), Ok(b)) = (
        of_role(programme, mentee, Role::Mentee),
        of_role(programme, co_mentor, Role::CoMentor),
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
