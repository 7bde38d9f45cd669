//! Suggested tandems: the hard rules, the optimum, the explanations and the
//! reasons for everyone left without a partner.

mod common;

use common::{day, Cohort};
use proptest::prelude::*;
use tandem_core::{
    allowed, explain, next_best, suggest, Command, CommandError, Criterion, Decision,
    MatchingWeights, MeetingFormat, NewTandem, PartnerId, PersonDetails, PersonId,
    ProgrammeDocument, Role, Rules, TandemId, UnmatchedReason,
};
use tandem_core::{MatchingError, TandemError};

/// What a test says about a person beyond name, role and city.
#[derive(Clone, Default)]
struct About {
    topics: Vec<&'static str>,
    goal: &'static str,
    department: &'static str,
    position: &'static str,
    format: MeetingFormat,
    location: &'static str,
    languages: Vec<&'static str>,
}

fn person(cohort: &mut Cohort, name: &str, role: Role, city: PartnerId, about: About) -> PersonId {
    let id = PersonId::random();
    let details = PersonDetails {
        topics: about.topics.iter().map(|t| t.to_string()).collect(),
        goal: about.goal.into(),
        department: about.department.into(),
        position: about.position.into(),
        meeting_format: about.format,
        location: about.location.into(),
        languages: about.languages.iter().map(|l| l.to_string()).collect(),
        ..Cohort::details(name, role, city)
    };
    cohort
        .apply(Command::AddPerson {
            id,
            details,
            applied_on: day("2026-01-10"),
        })
        .expect("the applicant is valid");
    cohort
        .apply(Command::Decide {
            person: id,
            decision: Decision::Accept,
            on: day("2026-01-20"),
        })
        .expect("an applicant can be accepted");
    id
}

fn topics(list: &[&'static str]) -> About {
    About {
        topics: list.to_vec(),
        ..About::default()
    }
}

fn only_topics_count(cohort: &mut Cohort) {
    cohort
        .apply(Command::SetMatchingWeights {
            weights: MatchingWeights {
                topics: 1,
                goal: 0,
                format: 0,
                availability: 0,
                location: 0,
                languages: 0,
            },
        })
        .unwrap();
}

fn set_capacity(cohort: &mut Cohort, capacity: u32, different_organisations: bool) {
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                different_organisations,
                mentor_capacity: capacity,
                co_mentors: false,
            },
        })
        .unwrap();
}

fn running_tandem(cohort: &mut Cohort, mentee: PersonId, mentor: PersonId) {
    cohort
        .apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
}

fn pairs(cohort: &Cohort) -> Vec<(PersonId, PersonId)> {
    let mut pairs: Vec<_> = suggest(cohort.document.programme())
        .suggestions
        .iter()
        .map(|s| (s.mentee, s.mentor))
        .collect();
    pairs.sort();
    pairs
}

#[test]
fn each_mentee_gets_the_mentor_from_the_other_city_who_shares_her_topics() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["Führung"]),
    );
    let frieda = person(
        &mut cohort,
        "Frieda Pohl",
        Role::Mentee,
        d,
        topics(&["Haushalt"]),
    );
    let jutta = person(
        &mut cohort,
        "Jutta Thiel",
        Role::Mentor,
        k,
        topics(&["Haushalt"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&["Führung"]),
    );
    let mut expected = vec![(aylin, nora), (frieda, jutta)];
    expected.sort();
    assert_eq!(pairs(&cohort), expected);
    let matching = suggest(cohort.document.programme());
    assert!(matching.unmatched.is_empty());
    assert!(matching.broken_fixed.is_empty());
}

#[test]
fn the_optimal_suggestions_beat_taking_the_best_pair_first() {
    // Aylin fits Nora perfectly and Olga well; Birte fits only Nora. Taking
    // the best pair first (Aylin–Nora) leaves Birte with Olga and nothing in
    // common; the whole cohort is better off with Aylin–Olga and Birte–Nora.
    let mut cohort = Cohort::new();
    only_topics_count(&mut cohort);
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["A", "B", "C", "D", "E"]),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        topics(&["F", "G", "H", "I", "J", "K", "L", "M", "N", "Z"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&[
            "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N",
        ]),
    );
    let olga = person(
        &mut cohort,
        "Olga Yilmaz",
        Role::Mentor,
        d,
        topics(&["A", "B", "C"]),
    );
    let programme = cohort.document.programme();
    let score = |a, b| explain(programme, a, b).score;
    assert_eq!(
        (
            score(aylin, nora),
            score(aylin, olga),
            score(birte, nora),
            score(birte, olga)
        ),
        (100, 60, 90, 0)
    );

    let greedy_total = score(aylin, nora) + score(birte, olga);
    let matching = suggest(programme);
    assert_eq!(matching.total_score(), 150);
    assert!(matching.total_score() > u64::from(greedy_total));
    assert_eq!(matching.suggestion_for(aylin).map(|s| s.mentor), Some(olga));
    assert_eq!(matching.suggestion_for(birte).map(|s| s.mentor), Some(nora));
}

#[test]
fn every_explanation_adds_up_to_its_score_and_names_what_the_pair_shares() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About {
            topics: vec!["Führung", "Personal"],
            goal: "Ich möchte eine Abteilung leiten und Führung in Teilzeit lernen.",
            format: MeetingFormat::Online,
            location: "Köln",
            languages: vec!["Deutsch", "Türkisch"],
            ..About::default()
        },
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About {
            topics: vec!["führung", "Haushalt"],
            department: "Abteilung Personal",
            position: "Führungskraft in Teilzeit",
            format: MeetingFormat::Either,
            location: "Köln",
            languages: vec!["deutsch"],
            ..About::default()
        },
    );
    let explanation = explain(cohort.document.programme(), aylin, nora);
    let weights = MatchingWeights::default();
    for part in &explanation.parts {
        assert_eq!(part.weight, weights.of(part.criterion));
        assert_eq!(part.points, part.weight * part.percent);
    }
    let sum: u32 = explanation.parts.iter().map(|p| p.points).sum();
    assert_eq!(sum, explanation.score);
    let part = |criterion| {
        explanation
            .parts
            .iter()
            .find(|p| p.criterion == criterion)
            .cloned()
            .unwrap()
    };
    assert_eq!(part(Criterion::Topics).percent, 50);
    assert_eq!(part(Criterion::Topics).shared, vec!["Führung"]);
    assert_eq!(part(Criterion::Goal).percent, 100);
    assert_eq!(part(Criterion::Format).percent, 100);
    assert_eq!(part(Criterion::Location).shared, vec!["Köln"]);
    assert_eq!(part(Criterion::Languages).percent, 50);

    let matching = suggest(cohort.document.programme());
    let suggestion = matching.suggestion_for(aylin).unwrap();
    assert_eq!(suggestion.explanation, explanation);
    assert_eq!(matching.total_score(), u64::from(explanation.score));
}

#[test]
fn a_fixed_pair_is_kept_even_when_the_scores_prefer_another() {
    let mut cohort = Cohort::new();
    only_topics_count(&mut cohort);
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["Führung"]),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        topics(&["Haushalt"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&["Führung"]),
    );
    let olga = person(
        &mut cohort,
        "Olga Yilmaz",
        Role::Mentor,
        d,
        topics(&["Haushalt"]),
    );
    cohort
        .apply(Command::FixPair {
            mentee: aylin,
            mentor: olga,
        })
        .unwrap();
    let matching = suggest(cohort.document.programme());
    let fixed = matching.suggestion_for(aylin).unwrap();
    assert_eq!((fixed.mentor, fixed.fixed), (olga, true));
    assert_eq!(matching.suggestion_for(birte).map(|s| s.mentor), Some(nora));
    assert_eq!(
        cohort
            .document
            .history_of(&aylin.to_string())
            .last()
            .map(|n| n.command.clone()),
        Some("fix-pair".to_string())
    );
}

#[test]
fn an_excluded_pair_never_appears_and_fixing_it_lifts_the_exclusion() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["Führung"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&["Führung"]),
    );
    cohort
        .apply(Command::ExcludePair {
            mentee: aylin,
            mentor: nora,
        })
        .unwrap();
    let matching = suggest(cohort.document.programme());
    assert!(matching.suggestions.is_empty());
    assert_eq!(
        matching.unmatched[0].reason,
        UnmatchedReason::AllMentorsExcluded
    );
    assert_eq!(
        matching.unmatched[1].reason,
        UnmatchedReason::RemainingMenteesIncompatible
    );

    cohort
        .apply(Command::FixPair {
            mentee: aylin,
            mentor: nora,
        })
        .unwrap();
    assert!(cohort.document.programme().excluded_pairs.is_empty());
    assert_eq!(pairs(&cohort), vec![(aylin, nora)]);

    cohort
        .apply(Command::ReleasePair {
            mentee: aylin,
            mentor: nora,
        })
        .unwrap();
    assert!(cohort.document.programme().fixed_pairs.is_empty());
}

#[test]
fn a_pair_inside_one_city_cannot_be_fixed_in_cross_mentoring() {
    let mut cohort = Cohort::new();
    let k = cohort.koeln;
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    let jutta = person(
        &mut cohort,
        "Jutta Thiel",
        Role::Mentor,
        k,
        About::default(),
    );
    assert!(matches!(
        cohort.apply(Command::FixPair {
            mentee: aylin,
            mentor: jutta
        }),
        Err(CommandError::Tandem(TandemError::SameOrganisation { .. }))
    ));
}

#[test]
fn a_fixed_pair_that_another_coordinator_excluded_is_reported_not_kept() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    let mut programme = cohort.document.programme().clone();
    programme.fixed_pairs.insert(aylin, nora);
    programme.excluded_pairs.insert(
        tandem_core::Pair {
            mentee: aylin,
            mentor: nora,
        },
        true,
    );
    let matching = suggest(&programme);
    assert!(matching.suggestions.is_empty());
    assert_eq!(matching.broken_fixed.len(), 1);
    assert_eq!(
        matching.broken_fixed[0].problem,
        CommandError::Matching(MatchingError::PairExcluded)
    );
}

#[test]
fn matching_decisions_and_weights_survive_saving_and_loading() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        About::default(),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    let weights = MatchingWeights::default().with(Criterion::Languages, 7);
    cohort
        .apply(Command::SetMatchingWeights { weights })
        .unwrap();
    cohort
        .apply(Command::FixPair {
            mentee: aylin,
            mentor: nora,
        })
        .unwrap();
    cohort
        .apply(Command::ExcludePair {
            mentee: birte,
            mentor: nora,
        })
        .unwrap();
    let loaded = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    assert_eq!(loaded.programme(), cohort.document.programme());
    assert_eq!(loaded.programme().matching_weights.languages, 7);
    assert_eq!(loaded.programme().fixed_pairs.get(&aylin), Some(&nora));
    assert_eq!(loaded.programme().excluded_pairs.len(), 1);
}

#[test]
fn a_weight_above_ten_is_refused() {
    let mut cohort = Cohort::new();
    let weights = MatchingWeights::default().with(Criterion::Topics, 11);
    assert_eq!(
        cohort.apply(Command::SetMatchingWeights { weights }),
        Err(CommandError::Matching(MatchingError::WeightTooHigh))
    );
}

#[test]
fn a_mentee_with_only_mentors_from_her_own_city_is_told_why() {
    let mut cohort = Cohort::new();
    let k = cohort.koeln;
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    person(
        &mut cohort,
        "Jutta Thiel",
        Role::Mentor,
        k,
        About::default(),
    );
    let matching = suggest(cohort.document.programme());
    let reason = matching
        .unmatched
        .iter()
        .find(|u| u.person == aylin)
        .unwrap();
    assert_eq!(reason.reason, UnmatchedReason::NoMentorOutsideOrganisation);
}

#[test]
fn a_mentee_whose_mentors_are_all_taken_by_better_pairs_is_told_why() {
    let mut cohort = Cohort::new();
    only_topics_count(&mut cohort);
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["Führung"]),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        topics(&["Haushalt"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&["Führung"]),
    );
    let matching = suggest(cohort.document.programme());
    assert_eq!(matching.suggestion_for(aylin).map(|s| s.mentor), Some(nora));
    let left = &matching.unmatched;
    assert_eq!(left.len(), 1);
    assert_eq!(
        (left[0].person, left[0].reason),
        (birte, UnmatchedReason::CompatibleMentorsTaken)
    );
}

#[test]
fn a_mentee_is_told_when_every_mentor_outside_her_city_is_full() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    let frieda = person(
        &mut cohort,
        "Frieda Pohl",
        Role::Mentee,
        d,
        About::default(),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    person(
        &mut cohort,
        "Jutta Thiel",
        Role::Mentor,
        k,
        About::default(),
    );
    let greta = person(
        &mut cohort,
        "Greta Quast",
        Role::Mentee,
        k,
        About::default(),
    );
    running_tandem(&mut cohort, greta, nora);
    let matching = suggest(cohort.document.programme());
    let reason = |who| {
        matching
            .unmatched
            .iter()
            .find(|u| u.person == who)
            .map(|u| u.reason)
    };
    assert_eq!(reason(aylin), Some(UnmatchedReason::NoMentorWithFreePlace));
    assert_eq!(reason(frieda), None);
    assert_eq!(
        reason(greta),
        None,
        "a mentee in a running tandem is not matched again"
    );
}

#[test]
fn mentors_with_more_places_take_as_many_mentees_as_they_have_free() {
    let mut cohort = Cohort::new();
    set_capacity(&mut cohort, 2, true);
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let mentees: Vec<PersonId> = ["Aylin", "Birte", "Carla"]
        .iter()
        .map(|name| person(&mut cohort, name, Role::Mentee, k, About::default()))
        .collect();
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    let matching = suggest(cohort.document.programme());
    assert_eq!(matching.suggestions.len(), 2);
    running_tandem(&mut cohort, mentees[0], nora);
    let matching = suggest(cohort.document.programme());
    assert_eq!(matching.suggestions.len(), 1);
    assert_eq!(matching.unmatched.len(), 1);
}

#[test]
fn the_next_best_mentor_is_offered_with_what_it_costs() {
    let mut cohort = Cohort::new();
    only_topics_count(&mut cohort);
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        topics(&["Führung", "Recht"]),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        topics(&["Haushalt"]),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        topics(&["Führung", "Recht"]),
    );
    let olga = person(
        &mut cohort,
        "Olga Yilmaz",
        Role::Mentor,
        d,
        topics(&["Haushalt", "Recht"]),
    );
    let paula = person(
        &mut cohort,
        "Paula Zimmer",
        Role::Mentor,
        d,
        topics(&["Recht"]),
    );
    let programme = cohort.document.programme();
    let matching = suggest(programme);
    assert_eq!(matching.suggestion_for(aylin).map(|s| s.mentor), Some(nora));
    assert_eq!(matching.suggestion_for(birte).map(|s| s.mentor), Some(olga));

    // Paula is free and shares half of Aylin's topics: 100 → 50.
    let alternative = next_best(programme, &matching, aylin).unwrap();
    assert_eq!(alternative.mentor, paula);
    assert_eq!(alternative.change, -50);
    assert!(alternative.swap.is_none());

    // Without Paula, the next best is a swap with Birte.
    cohort
        .apply(Command::ExcludePair {
            mentee: aylin,
            mentor: paula,
        })
        .unwrap();
    let programme = cohort.document.programme();
    let matching = suggest(programme);
    let alternative = next_best(programme, &matching, aylin).unwrap();
    assert_eq!(alternative.mentor, olga);
    let swap = alternative.swap.unwrap();
    assert_eq!((swap.mentee, swap.mentor), (birte, nora));
    // Aylin–Olga 50 and Birte–Nora 0, instead of 100 and 100.
    assert_eq!(alternative.change, -150);
}

#[test]
fn confirming_suggestions_forms_every_tandem_in_one_change() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    person(
        &mut cohort,
        "Frieda Pohl",
        Role::Mentee,
        d,
        About::default(),
    );
    person(
        &mut cohort,
        "Jutta Thiel",
        Role::Mentor,
        k,
        About::default(),
    );
    person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    let matching = suggest(cohort.document.programme());
    let tandems: Vec<NewTandem> = matching
        .suggestions
        .iter()
        .map(|s| NewTandem {
            id: TandemId::random(),
            mentee: s.mentee,
            mentor: s.mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .collect();
    let changes = cohort.document.history().len();
    cohort.apply(Command::CreateTandems { tandems }).unwrap();
    assert_eq!(cohort.document.history().len(), changes + 1);
    assert_eq!(cohort.document.programme().active_tandems().count(), 2);
    assert!(suggest(cohort.document.programme()).suggestions.is_empty());
}

#[test]
fn confirming_two_tandems_for_a_full_mentor_is_refused_as_a_whole() {
    let mut cohort = Cohort::new();
    let (d, k) = (cohort.duesseldorf, cohort.koeln);
    let aylin = person(
        &mut cohort,
        "Aylin Korkmaz",
        Role::Mentee,
        k,
        About::default(),
    );
    let birte = person(
        &mut cohort,
        "Birte Lorenzen",
        Role::Mentee,
        k,
        About::default(),
    );
    let nora = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        d,
        About::default(),
    );
    let tandem = |mentee| NewTandem {
        id: TandemId::random(),
        mentee,
        mentor: nora,
        co_mentor: None,
        start: day("2026-02-01"),
        planned_end: day("2027-04-30"),
    };
    let refused = cohort.apply(Command::CreateTandems {
        tandems: vec![tandem(aylin), tandem(birte)],
    });
    assert!(matches!(
        refused,
        Err(CommandError::Tandem(TandemError::MentorFull { .. }))
    ));
    assert!(cohort.document.programme().tandems.is_empty());
}

// Small random cohorts: the suggestions keep every hard rule and are as
// good as the best of all possible sets of pairs.

#[derive(Debug, Clone)]
struct RandomPerson {
    mentor: bool,
    accepted: bool,
    koeln: bool,
    topics: Vec<usize>,
    format: usize,
    location: usize,
    availability: usize,
    languages: Vec<usize>,
}

fn random_person() -> impl Strategy<Value = RandomPerson> {
    (
        any::<bool>(),
        prop::bool::weighted(0.85),
        any::<bool>(),
        prop::collection::vec(0usize..5, 0..3),
        0usize..3,
        0usize..PLACES.len(),
        0usize..AVAILABILITY.len(),
        prop::collection::vec(0usize..3, 0..2),
    )
        .prop_map(
            |(mentor, accepted, koeln, topics, format, location, availability, languages)| {
                RandomPerson {
                    mentor,
                    accepted,
                    koeln,
                    topics,
                    format,
                    location,
                    availability,
                    languages,
                }
            },
        )
}

const TOPICS: [&str; 5] = [
    "Führung",
    "Haushalt",
    "Personal",
    "Recht",
    "Digitalisierung",
];
const PLACES: [&str; 5] = ["", "Köln", "Düsseldorf", "Neuss", "Kassel"];
const AVAILABILITY: [&str; 5] = [
    "",
    "Mo abends",
    "Di–Do abends, Fr vormittags",
    "werktags 9-12 Uhr",
    "flexibel",
];
const LANGUAGES: [&str; 3] = ["Deutsch", "Englisch", "Türkisch"];

struct RandomCase {
    cohort: Cohort,
    people: Vec<PersonId>,
}

fn build(
    people: &[RandomPerson],
    capacity: u32,
    across: bool,
    exclusions: &[(usize, usize)],
    running: Option<(usize, usize)>,
) -> RandomCase {
    let mut cohort = Cohort::new();
    set_capacity(&mut cohort, capacity, across);
    let mut ids = Vec::new();
    for (index, who) in people.iter().enumerate() {
        let id = PersonId::random();
        let city = if who.koeln {
            cohort.koeln
        } else {
            cohort.duesseldorf
        };
        let role = if who.mentor {
            Role::Mentor
        } else {
            Role::Mentee
        };
        let details = PersonDetails {
            topics: who.topics.iter().map(|t| TOPICS[*t].to_string()).collect(),
            meeting_format: MeetingFormat::ALL[who.format],
            location: PLACES[who.location].into(),
            availability: AVAILABILITY[who.availability].into(),
            languages: who
                .languages
                .iter()
                .map(|l| LANGUAGES[*l].to_string())
                .collect(),
            ..Cohort::details(&format!("Person {index}"), role, city)
        };
        cohort
            .apply(Command::AddPerson {
                id,
                details,
                applied_on: day("2026-01-10"),
            })
            .unwrap();
        if who.accepted {
            cohort
                .apply(Command::Decide {
                    person: id,
                    decision: Decision::Accept,
                    on: day("2026-01-20"),
                })
                .unwrap();
        }
        ids.push(id);
    }
    let index = |i: usize| ids[i % ids.len()];
    for &(a, b) in exclusions {
        let _ = cohort.apply(Command::ExcludePair {
            mentee: index(a),
            mentor: index(b),
        });
    }
    if let Some((a, b)) = running {
        let _ = cohort.apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee: index(a),
            mentor: index(b),
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        });
    }
    RandomCase {
        cohort,
        people: ids,
    }
}

/// The best (number of tandems, total score) over every possible set of
/// pairs, by trying them all.
fn brute_force(programme: &tandem_core::Programme) -> (usize, u64) {
    let capacity = programme.rules.mentor_capacity;
    let mentees: Vec<PersonId> = programme
        .accepted(Role::Mentee)
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| programme.active_tandems_of(*id).next().is_none())
        .collect();
    let mentors: Vec<(PersonId, u32)> = programme
        .accepted(Role::Mentor)
        .into_iter()
        .map(|(id, _)| {
            let load = programme.active_tandems_of(id).count() as u32;
            (id, capacity.saturating_sub(load))
        })
        .collect();
    fn go(
        programme: &tandem_core::Programme,
        mentees: &[PersonId],
        mentors: &[(PersonId, u32)],
        used: &mut Vec<u32>,
    ) -> (usize, u64) {
        let Some((&mentee, rest)) = mentees.split_first() else {
            return (0, 0);
        };
        let mut best = go(programme, rest, mentors, used);
        for (index, &(mentor, free)) in mentors.iter().enumerate() {
            if used[index] < free && allowed(programme, mentee, mentor) {
                used[index] += 1;
                let (count, score) = go(programme, rest, mentors, used);
                used[index] -= 1;
                let with = (
                    count + 1,
                    score + u64::from(explain(programme, mentee, mentor).score),
                );
                best = best.max(with);
            }
        }
        best
    }
    let mut used = vec![0; mentors.len()];
    go(programme, &mentees, &mentors, &mut used)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn suggestions_keep_every_hard_rule_and_equal_the_best_possible(
        people in prop::collection::vec(random_person(), 1..8),
        capacity in 1u32..3,
        across in prop::bool::weighted(0.8),
        exclusions in prop::collection::vec((0usize..8, 0usize..8), 0..4),
        running in prop::option::of((0usize..8, 0usize..8)),
    ) {
        let case = build(&people, capacity, across, &exclusions, running);
        let programme = case.cohort.document.programme();
        let matching = suggest(programme);

        // Hard rules.
        let mut seen_mentees = std::collections::HashSet::new();
        let mut load = std::collections::HashMap::new();
        for s in &matching.suggestions {
            prop_assert!(allowed(programme, s.mentee, s.mentor));
            prop_assert!(programme.active_tandems_of(s.mentee).next().is_none());
            prop_assert!(seen_mentees.insert(s.mentee));
            *load.entry(s.mentor).or_insert(0u32) += 1;
            let sum: u32 = s.explanation.parts.iter().map(|p| p.points).sum();
            prop_assert_eq!(sum, s.score());
        }
        for (mentor, count) in load {
            let running = programme.active_tandems_of(mentor).count() as u32;
            prop_assert!(count + running <= capacity);
        }

        // The optimum: as many tandems as possible, then the highest total.
        let best = brute_force(programme);
        prop_assert_eq!((matching.suggestions.len(), matching.total_score()), best);

        // Everyone accepted and left out has a reason.
        for (id, person) in &programme.people {
            let in_running = programme.active_tandems_of(*id).next().is_some();
            let suggested = matching.suggestions.iter().any(|s| s.mentee == *id || s.mentor == *id);
            if person.is_accepted() && !in_running && !suggested {
                prop_assert!(matching.unmatched.iter().any(|u| u.person == *id));
            }
        }
        prop_assert!(case.people.len() == people.len());
    }
}
