//! The part of matching that takes time: scoring every allowed pair and
//! finding the best assignment. It works on a [`MatchingInput`] that names
//! people only by position and carries no name or contact detail, so the
//! app can send it to a web worker ([`SolveRequest`], [`SolveReply`]).
//!
//! May use: `model`, and `score` beside it.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::score::{Profiles, ScoreTable};
use crate::model::weights::MatchingWeights;

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
