//! Scoring pairs and finding the best assignment.
//!
//! Everyone taking part in a run of the matching is turned into a
//! [`Profile`] once: words interned as numbers, availability as slots of
//! the week, the place as a city of the distance table. Comparing two
//! people is then comparing short sorted lists, so a cohort of
//! 1,000 × 1,000 (a million comparisons) stays well within a second.

use std::collections::HashMap;

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use super::availability::Availability;
use super::places::{self, DistanceTable};
use super::{Candidate, Explanation, ScorePart};
use crate::model::person::MeetingFormat;
use crate::model::programme::normalise;
use crate::model::weights::{Criterion, MatchingWeights};

/// What a criterion adds to a pair's score when it is fully met, before its
/// weight: the parts are counted in percent.
pub(super) const FULL: u32 = 100;

/// A goal counts as fully met by the mentor's experience when this many of
/// its words match.
const GOAL_WORDS_FOR_FULL: usize = 3;

/// Availability counts as fully met when the two share this many slots of
/// the week (or every slot the mentee named, if fewer): one common evening
/// is enough to meet, a second one lets a tandem move a meeting.
const SLOTS_FOR_FULL: usize = 2;

/// Interned words, so that comparing two people is comparing short sorted
/// lists of numbers.
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
pub(super) struct Profile {
    pub organisation: Option<u32>,
    topics: Vec<u32>,
    /// The mentee's goal; empty for mentors and co-mentors.
    goal: Vec<u32>,
    /// A mentor's or co-mentor's department, position and topics; empty
    /// for mentees.
    experience: Vec<u32>,
    format: MeetingFormat,
    availability: Availability,
    place: Option<u32>,
    city: Option<u8>,
    languages: Vec<u32>,
}

/// The profiles of everyone in a run, in the order of the input.
pub(super) struct Profiles {
    words: Words,
    pub people: Vec<Profile>,
    distances: DistanceTable,
}

impl Profiles {
    pub(super) fn build(candidates: &[Candidate]) -> Self {
        let mut words = Words::default();
        let people = candidates
            .iter()
            .map(|candidate| {
                let topics = words.list(&candidate.topics);
                let (goal, experience) = if candidate.mentee {
                    (words.stems(&[&candidate.goal]), Vec::new())
                } else {
                    let mut texts =
                        vec![candidate.department.as_str(), candidate.position.as_str()];
                    texts.extend(candidate.topics.iter().map(String::as_str));
                    (Vec::new(), words.stems(&texts))
                };
                let place = normalise(&candidate.location);
                let place = (!place.is_empty()).then(|| words.id(place, candidate.location.trim()));
                Profile {
                    organisation: candidate.organisation,
                    topics,
                    goal,
                    experience,
                    format: MeetingFormat::from_code(&candidate.format).unwrap_or_default(),
                    availability: Availability::parse(&candidate.availability),
                    place,
                    city: places::city_of(&candidate.location),
                    languages: words.list(&candidate.languages),
                }
            })
            .collect();
        Self {
            words,
            people,
            distances: DistanceTable::new(),
        }
    }

    /// Kilometres between two people's cities, if both are in the table
    /// and they do not name the same place.
    fn kilometres(&self, a: &Profile, b: &Profile) -> Option<u32> {
        if a.place.is_some() && a.place == b.place {
            return None;
        }
        match (a.city, b.city) {
            (Some(x), Some(y)) => Some(self.distances.get(x, y)),
            _ => None,
        }
    }

    /// Each criterion's percentage for a pair, in the order of [`Criterion::ALL`].
    fn percents(&self, mentee: &Profile, mentor: &Profile) -> [u32; 6] {
        let share = |shared: usize, of: usize| {
            (shared.min(of) * FULL as usize)
                .checked_div(of)
                .unwrap_or(0) as u32
        };
        let goal_words = mentee.goal.len().min(GOAL_WORDS_FOR_FULL);
        let slots = mentee.availability.len().min(SLOTS_FOR_FULL);
        let location = if mentee.place.is_some() && mentee.place == mentor.place {
            FULL
        } else {
            self.kilometres(mentee, mentor).map_or(0, places::nearness)
        };
        [
            share(overlap(&mentee.topics, &mentor.topics), mentee.topics.len()),
            share(overlap(&mentee.goal, &mentor.experience), goal_words),
            if formats_fit(mentee.format, mentor.format) {
                FULL
            } else {
                0
            },
            share(mentee.availability.shared(mentor.availability).len(), slots),
            location,
            share(
                overlap(&mentee.languages, &mentor.languages),
                mentee.languages.len(),
            ),
        ]
    }

    /// The score of two people of the run, by their positions.
    pub(super) fn score(&self, weights: &MatchingWeights, mentee: usize, mentor: usize) -> u32 {
        match (self.people.get(mentee), self.people.get(mentor)) {
            (Some(a), Some(b)) => points(weights, self.percents(a, b)),
            _ => 0,
        }
    }

    /// Why two people of the run would make a good (or poor) tandem.
    pub(super) fn explain(
        &self,
        weights: &MatchingWeights,
        mentee: usize,
        mentor: usize,
    ) -> Explanation {
        let (Some(a), Some(b)) = (self.people.get(mentee), self.people.get(mentor)) else {
            return Explanation {
                score: 0,
                parts: Vec::new(),
            };
        };
        let percents = self.percents(a, b);
        let shown = |ids: Vec<u32>| -> Vec<String> {
            ids.into_iter()
                .filter_map(|id| self.words.shown.get(id as usize).cloned())
                .collect()
        };
        let parts: Vec<ScorePart> = Criterion::ALL
            .iter()
            .zip(percents)
            .map(|(&criterion, percent)| {
                let weight = weights.of(criterion);
                let mut distance_km = None;
                let shared = match criterion {
                    Criterion::Topics => shown(shared(&a.topics, &b.topics)),
                    Criterion::Goal => shown(shared(&a.goal, &b.experience)),
                    Criterion::Format => Vec::new(),
                    Criterion::Availability => a.availability.shared(b.availability).codes(),
                    Criterion::Location if a.place.is_some() && a.place == b.place => {
                        shown(a.place.into_iter().collect())
                    }
                    Criterion::Location => {
                        distance_km = self.kilometres(a, b);
                        Vec::new()
                    }
                    Criterion::Languages => shown(shared(&a.languages, &b.languages)),
                };
                ScorePart {
                    criterion,
                    weight,
                    percent,
                    points: weight * percent,
                    shared,
                    distance_km,
                }
            })
            .collect();
        Explanation {
            score: parts.iter().map(|part| part.points).sum(),
            parts,
        }
    }

    /// Whether the rule of different organisations allows two people
    /// together (both need an organisation, and not the same one).
    pub(super) fn across_allowed(&self, a: usize, b: usize) -> bool {
        match (self.people.get(a), self.people.get(b)) {
            (Some(a), Some(b)) => {
                a.organisation.is_some()
                    && b.organisation.is_some()
                    && a.organisation != b.organisation
            }
            _ => false,
        }
    }
}

fn points(weights: &MatchingWeights, percents: [u32; 6]) -> u32 {
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

/// Every row's score with every column, and which pairs the hard rules
/// allow. Rows are mentees (or tandems, for co-mentors); columns are
/// mentors (or co-mentors).
pub(super) struct ScoreTable {
    columns: usize,
    /// Row-major: `scores[row * columns + column]`, `None` where not allowed.
    scores: Vec<Option<u32>>,
    rows: usize,
    /// Added to every allowed pair so that one more pair always outweighs
    /// any difference in score: the result leaves nobody out who could
    /// have a partner.
    bonus: i64,
}

impl ScoreTable {
    /// `rows` and `columns` are positions in `profiles`; `allowed` says
    /// whether the hard rules allow a row with a column.
    pub(super) fn build(
        profiles: &Profiles,
        weights: &MatchingWeights,
        rows: &[usize],
        columns: &[usize],
        allowed: impl Fn(usize, usize) -> bool,
    ) -> Self {
        let mut scores = Vec::with_capacity(rows.len() * columns.len());
        for &row in rows {
            let a = profiles.people.get(row);
            for &column in columns {
                let b = profiles.people.get(column);
                scores.push(match (a, b) {
                    (Some(a), Some(b)) if allowed(row, column) => {
                        Some(points(weights, profiles.percents(a, b)))
                    }
                    _ => None,
                });
            }
        }
        let pairs = rows.len().min(columns.len()) as i64;
        Self {
            columns: columns.len(),
            rows: rows.len(),
            scores,
            bonus: (i64::from(weights.max_score()) + 1) * (pairs + 1),
        }
    }

    fn weight(&self, row: usize, column: usize) -> i64 {
        match self.scores[row * self.columns + column] {
            Some(score) => self.bonus + i64::from(score),
            None => 0,
        }
    }

    /// The best assignment of rows to the columns' free places (`slots`,
    /// each naming a column), as (row, column) pairs the rules allow.
    ///
    /// A mentor with several free places becomes several identical slots,
    /// which turns the capacities into a plain assignment problem. It is
    /// solved with the Kuhn–Munkres (Hungarian) algorithm of the
    /// `pathfinding` crate: exact, O(n³) on a dense table, which is what a
    /// cohort is (most pairs are allowed). A min-cost flow would only pay
    /// off on sparse tables. Pairs the rules forbid weigh 0 and are dropped
    /// afterwards, so they act as "nobody".
    pub(super) fn assign(&self, slots: &[usize]) -> Vec<(usize, usize)> {
        if self.rows == 0 || slots.is_empty() {
            return Vec::new();
        }
        // The algorithm wants no more rows than columns: with more rows
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
