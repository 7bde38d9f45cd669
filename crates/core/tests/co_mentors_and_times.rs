//! The second step of matching (co-mentors for the suggested tandems) and
//! the criteria of time and place: common times of the week and the
//! distance between cities.

mod common;

use common::{day, Cohort};
use proptest::prelude::*;
use tandem_core::TandemError;
use tandem_core::{
    co_mentor_allowed, explain, suggest, Command, CommandError, Criterion, Decision,
    MatchingWeights, NewTandem, PersonDetails, PersonId, Programme, Role, Rules, TandemId,
    UnmatchedReason,
};

fn person(
    cohort: &mut Cohort,
    name: &str,
    role: Role,
    koeln: bool,
    change: impl FnOnce(&mut PersonDetails),
) -> PersonId {
    let id = PersonId::random();
    let city = if koeln {
        cohort.koeln
    } else {
        cohort.duesseldorf
    };
    let mut details = Cohort::details(name, role, city);
    change(&mut details);
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

fn with_co_mentors(cohort: &mut Cohort, capacity: u32, across: bool) {
    cohort
        .apply(Command::SetRules {
            rules: Rules {
                different_organisations: across,
                mentor_capacity: capacity,
                co_mentors: true,
            },
        })
        .expect("rules with co-mentors are valid");
}

fn only(cohort: &mut Cohort, criterion: Criterion) {
    let mut weights = MatchingWeights::default();
    for c in Criterion::ALL {
        weights = weights.with(c, u32::from(c == criterion));
    }
    cohort
        .apply(Command::SetMatchingWeights { weights })
        .expect("weights up to ten are valid");
}

#[test]
fn common_evenings_and_the_distance_between_cities_are_scored_and_explained() {
    let mut cohort = Cohort::new();
    let mentee = person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |d| {
        d.location = "Köln".into();
        d.availability = "Di und Do abends".into();
    });
    let mentor = person(&mut cohort, "Nora Xanthopoulos", Role::Mentor, false, |d| {
        d.location = "Düsseldorf".into();
        d.availability = "Dienstag 18-20 Uhr, Fr vormittags".into();
    });
    let explanation = explain(cohort.document.programme(), mentee, mentor);
    let part = |criterion| {
        explanation
            .parts
            .iter()
            .find(|p| p.criterion == criterion)
            .cloned()
            .expect("every criterion is explained")
    };
    assert_eq!(part(Criterion::Availability).shared, vec!["tue-evening"]);
    assert_eq!(part(Criterion::Availability).percent, 50);
    assert_eq!(part(Criterion::Location).distance_km, Some(35));
    assert_eq!(part(Criterion::Location).percent, 65);
    assert!(part(Criterion::Location).shared.is_empty());
    let sum: u32 = explanation.parts.iter().map(|p| p.points).sum();
    assert_eq!(sum, explanation.score);
}

#[test]
fn the_nearer_mentor_is_suggested_when_place_is_what_counts() {
    let mut cohort = Cohort::new();
    only(&mut cohort, Criterion::Location);
    let mentee = person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |d| {
        d.location = "Kassel".into();
    });
    let far = person(&mut cohort, "Nora Xanthopoulos", Role::Mentor, false, |d| {
        d.location = "Köln".into();
    });
    let near = person(&mut cohort, "Jule Brandt", Role::Mentor, false, |d| {
        d.location = "Stadt Baunatal".into();
    });
    let matching = suggest(cohort.document.programme());
    let suggestion = matching
        .suggestion_for(mentee)
        .expect("the mentee is matched");
    assert_eq!(suggestion.mentor, near);
    assert!(suggestion.score() > explain(cohort.document.programme(), mentee, far).score);
}

#[test]
fn common_times_decide_between_two_mentors_who_are_otherwise_alike() {
    let mut cohort = Cohort::new();
    only(&mut cohort, Criterion::Availability);
    let mentee = person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |d| {
        d.availability = "Mo–Mi abends".into();
    });
    person(&mut cohort, "Nora Xanthopoulos", Role::Mentor, false, |d| {
        d.availability = "Fr vormittags".into();
    });
    let evenings = person(&mut cohort, "Jule Brandt", Role::Mentor, false, |d| {
        d.availability = "montags ab 17 Uhr, mittwochs abends".into();
    });
    let matching = suggest(cohort.document.programme());
    assert_eq!(matching.suggestion_for(mentee).unwrap().mentor, evenings);
    assert_eq!(matching.suggestion_for(mentee).unwrap().score(), 100);
}

#[test]
fn co_mentors_go_to_tandems_outside_their_organisation_and_never_where_excluded() {
    let mut cohort = Cohort::new();
    with_co_mentors(&mut cohort, 1, true);
    only(&mut cohort, Criterion::Topics);
    let topics = |list: &[&str]| list.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    let koeln_mentee = person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |d| {
        d.topics = topics(&["Haushalt"]);
    });
    let duesseldorf_mentee = person(&mut cohort, "Greta Olsen", Role::Mentee, false, |d| {
        d.topics = topics(&["Recht"]);
    });
    person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        false,
        |_| {},
    );
    person(&mut cohort, "Jule Brandt", Role::Mentor, true, |_| {});
    // The Köln co-mentor knows Haushalt, but the Köln mentee may not have
    // her; the Düsseldorf co-mentor is excluded for the Düsseldorf mentee.
    let koeln_co = person(&mut cohort, "Ida Vogel", Role::CoMentor, true, |d| {
        d.topics = topics(&["Haushalt"]);
    });
    let duesseldorf_co = person(&mut cohort, "Paul Ehrlich", Role::CoMentor, false, |d| {
        d.topics = topics(&["Recht"]);
    });
    cohort
        .apply(Command::ExcludePair {
            mentee: duesseldorf_mentee,
            mentor: duesseldorf_co,
        })
        .expect("a mentee and a co-mentor can be excluded");

    let programme = cohort.document.programme();
    let matching = suggest(programme);
    assert_eq!(matching.suggestions.len(), 2);
    let co_of = |mentee| {
        matching
            .suggestion_for(mentee)
            .and_then(|s| s.co_mentor.as_ref())
            .map(|c| c.co_mentor)
    };
    assert_eq!(co_of(koeln_mentee), Some(duesseldorf_co));
    assert_eq!(co_of(duesseldorf_mentee), Some(koeln_co));
    for s in &matching.suggestions {
        let choice = s.co_mentor.as_ref().unwrap();
        assert!(co_mentor_allowed(programme, s.mentee, choice.co_mentor));
        let sum: u32 = choice.explanation.parts.iter().map(|p| p.points).sum();
        assert_eq!(sum, choice.explanation.score);
    }

    // Confirming puts each co-mentor on their tandem, in one change.
    let tandems: Vec<NewTandem> = matching
        .suggestions
        .iter()
        .map(|s| NewTandem {
            id: TandemId::random(),
            mentee: s.mentee,
            mentor: s.mentor,
            co_mentor: s.co_mentor.as_ref().map(|c| c.co_mentor),
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .collect();
    cohort
        .apply(Command::CreateTandems { tandems })
        .expect("the suggestions keep every rule");
    let programme = cohort.document.programme();
    let with_co: Vec<_> = programme
        .active_tandems()
        .filter_map(|(_, t)| t.co_mentor.map(|c| (t.mentee, c)))
        .collect();
    assert!(with_co.contains(&(koeln_mentee, duesseldorf_co)));
    assert!(with_co.contains(&(duesseldorf_mentee, koeln_co)));
}

#[test]
fn a_running_tandem_without_a_co_mentor_gets_one_suggested_and_confirmed() {
    let mut cohort = Cohort::new();
    with_co_mentors(&mut cohort, 1, true);
    let mentee = person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |_| {});
    let mentor = person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        false,
        |_| {},
    );
    let other_mentee = person(&mut cohort, "Greta Olsen", Role::Mentee, true, |_| {});
    let other_mentor = person(&mut cohort, "Jule Brandt", Role::Mentor, false, |_| {});
    let co = person(&mut cohort, "Paul Ehrlich", Role::CoMentor, false, |_| {});
    let tandem = TandemId::random();
    let other_tandem = TandemId::random();
    for (id, mentee, mentor) in [
        (tandem, mentee, mentor),
        (other_tandem, other_mentee, other_mentor),
    ] {
        cohort
            .apply(Command::CreateTandem {
                id,
                mentee,
                mentor,
                co_mentor: None,
                start: day("2026-02-01"),
                planned_end: day("2027-04-30"),
            })
            .expect("a tandem without a co-mentor is valid");
    }

    // One co-mentor with one place for two running tandems: one gets her.
    let matching = suggest(cohort.document.programme());
    assert!(matching.suggestions.is_empty());
    assert_eq!(matching.running_co_mentors.len(), 1);
    let running = &matching.running_co_mentors[0];
    assert_eq!(running.choice.co_mentor, co);
    let chosen = running.tandem;

    // Putting her on both at once is refused as a whole: one place.
    let refused = cohort.apply(Command::AssignCoMentors {
        assignments: vec![(tandem, co), (other_tandem, co)],
    });
    assert!(matches!(
        refused,
        Err(CommandError::Tandem(TandemError::MentorFull { .. }))
    ));
    assert!(cohort
        .document
        .programme()
        .active_tandems()
        .all(|(_, t)| t.co_mentor.is_none()));

    cohort
        .apply(Command::AssignCoMentors {
            assignments: vec![(chosen, co)],
        })
        .expect("the suggested co-mentor keeps every rule");
    let programme = cohort.document.programme();
    assert_eq!(programme.tandems[&chosen].co_mentor, Some(co));
    let again = cohort.apply(Command::AssignCoMentors {
        assignments: vec![(chosen, co)],
    });
    assert!(matches!(
        again,
        Err(CommandError::Tandem(TandemError::CoMentorAlreadySet(_)))
    ));
    // With her place taken nothing more is suggested.
    let matching = suggest(cohort.document.programme());
    assert!(matching.running_co_mentors.is_empty());
}

#[test]
fn a_co_mentor_without_a_fitting_tandem_is_told_why() {
    let mut cohort = Cohort::new();
    with_co_mentors(&mut cohort, 1, true);
    person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |_| {});
    person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        false,
        |_| {},
    );
    let own_city = person(&mut cohort, "Ida Vogel", Role::CoMentor, true, |_| {});
    let matching = suggest(cohort.document.programme());
    assert_eq!(matching.suggestions.len(), 1);
    assert!(matching.suggestions[0].co_mentor.is_none());
    let reason = matching
        .unmatched
        .iter()
        .find(|u| u.person == own_city)
        .expect("the co-mentor is listed");
    assert_eq!(reason.role, Role::CoMentor);
    assert_eq!(reason.reason, UnmatchedReason::RemainingTandemsIncompatible);
}

#[test]
fn programmes_without_co_mentors_suggest_none() {
    let mut cohort = Cohort::new();
    person(&mut cohort, "Aylin Korkmaz", Role::Mentee, true, |_| {});
    person(
        &mut cohort,
        "Nora Xanthopoulos",
        Role::Mentor,
        false,
        |_| {},
    );
    let co = person(&mut cohort, "Ida Vogel", Role::CoMentor, false, |_| {});
    let matching = suggest(cohort.document.programme());
    assert!(matching.suggestions[0].co_mentor.is_none());
    assert!(!matching.unmatched.iter().any(|u| u.person == co));
}

// The co-mentor step against trying every assignment, on small cohorts.

const TOPICS: [&str; 4] = ["Führung", "Haushalt", "Recht", "Personal"];
const TIMES: [&str; 4] = ["", "Mo abends", "Di–Do abends", "flexibel"];
const PLACES: [&str; 4] = ["", "Köln", "Düsseldorf", "Kassel"];

#[derive(Debug, Clone)]
struct RandomPerson {
    role: usize,
    koeln: bool,
    accepted: bool,
    topics: Vec<usize>,
    time: usize,
    place: usize,
}

fn random_person() -> impl Strategy<Value = RandomPerson> {
    (
        0usize..3,
        any::<bool>(),
        prop::bool::weighted(0.85),
        prop::collection::vec(0usize..TOPICS.len(), 0..3),
        0usize..TIMES.len(),
        0usize..PLACES.len(),
    )
        .prop_map(
            |(role, koeln, accepted, topics, time, place)| RandomPerson {
                role,
                koeln,
                accepted,
                topics,
                time,
                place,
            },
        )
}

/// The best (number of co-mentors placed, total co-mentor score) for the
/// suggested tandems, by trying every assignment.
fn brute_force(programme: &Programme, mentees: &[PersonId]) -> (usize, u64) {
    let capacity = programme.rules.mentor_capacity;
    let co_mentors: Vec<(PersonId, u32)> = programme
        .accepted(Role::CoMentor)
        .into_iter()
        .map(|(id, _)| {
            let load = programme.active_tandems_of(id).count() as u32;
            (id, capacity.saturating_sub(load))
        })
        .collect();
    fn go(
        programme: &Programme,
        mentees: &[PersonId],
        co_mentors: &[(PersonId, u32)],
        used: &mut Vec<u32>,
    ) -> (usize, u64) {
        let Some((&mentee, rest)) = mentees.split_first() else {
            return (0, 0);
        };
        let mut best = go(programme, rest, co_mentors, used);
        for (index, &(co, free)) in co_mentors.iter().enumerate() {
            if used[index] < free && co_mentor_allowed(programme, mentee, co) {
                used[index] += 1;
                let (count, score) = go(programme, rest, co_mentors, used);
                used[index] -= 1;
                let score = score + u64::from(explain(programme, mentee, co).score);
                best = best.max((count + 1, score));
            }
        }
        best
    }
    let mut used = vec![0; co_mentors.len()];
    go(programme, mentees, &co_mentors, &mut used)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn co_mentors_keep_every_hard_rule_and_equal_the_best_possible(
        people in prop::collection::vec(random_person(), 1..9),
        capacity in 1u32..3,
        across in prop::bool::weighted(0.8),
        exclusions in prop::collection::vec((0usize..9, 0usize..9), 0..4),
        running in prop::option::of((0usize..9, 0usize..9)),
    ) {
        let mut cohort = Cohort::new();
        with_co_mentors(&mut cohort, capacity, across);
        let mut ids = Vec::new();
        for (index, who) in people.iter().enumerate() {
            let id = PersonId::random();
            let details = PersonDetails {
                topics: who.topics.iter().map(|t| TOPICS[*t].to_string()).collect(),
                availability: TIMES[who.time].into(),
                location: PLACES[who.place].into(),
                ..Cohort::details(
                    &format!("Person {index}"),
                    Role::ALL[who.role],
                    if who.koeln { cohort.koeln } else { cohort.duesseldorf },
                )
            };
            cohort.apply(Command::AddPerson { id, details, applied_on: day("2026-01-10") }).unwrap();
            if who.accepted {
                cohort.apply(Command::Decide { person: id, decision: Decision::Accept, on: day("2026-01-20") }).unwrap();
            }
            ids.push(id);
        }
        for &(a, b) in &exclusions {
            let _ = cohort.apply(Command::ExcludePair { mentee: ids[a % ids.len()], mentor: ids[b % ids.len()] });
        }
        if let Some((a, b)) = running {
            let _ = cohort.apply(Command::CreateTandem {
                id: TandemId::random(),
                mentee: ids[a % ids.len()],
                mentor: ids[b % ids.len()],
                co_mentor: None,
                start: day("2026-02-01"),
                planned_end: day("2027-04-30"),
            });
        }
        let programme = cohort.document.programme();
        let matching = suggest(programme);

        // Hard rules: allowed, each co-mentor within their places, and
        // never the mentee's own mentor.
        let mut load = std::collections::HashMap::new();
        for s in &matching.suggestions {
            if let Some(choice) = &s.co_mentor {
                prop_assert!(co_mentor_allowed(programme, s.mentee, choice.co_mentor));
                prop_assert!(choice.co_mentor != s.mentor && choice.co_mentor != s.mentee);
                *load.entry(choice.co_mentor).or_insert(0u32) += 1;
                let sum: u32 = choice.explanation.parts.iter().map(|p| p.points).sum();
                prop_assert_eq!(sum, choice.explanation.score);
            }
        }
        for r in &matching.running_co_mentors {
            prop_assert!(co_mentor_allowed(programme, r.mentee, r.choice.co_mentor));
            prop_assert!(programme.tandems[&r.tandem].co_mentor.is_none());
            *load.entry(r.choice.co_mentor).or_insert(0u32) += 1;
        }
        for (co, count) in load {
            let busy = programme.active_tandems_of(co).count() as u32;
            prop_assert!(count + busy <= capacity);
        }

        // The optimum for the suggested and running tandems.
        let mut mentees: Vec<PersonId> = matching.suggestions.iter().map(|s| s.mentee).collect();
        mentees.extend(
            programme
                .active_tandems()
                .filter(|(_, t)| t.co_mentor.is_none())
                .map(|(_, t)| t.mentee),
        );
        let placed = matching.suggestions.iter().filter(|s| s.co_mentor.is_some()).count()
            + matching.running_co_mentors.len();
        prop_assert_eq!((placed, matching.co_mentor_score()), brute_force(programme, &mentees));

        // Every accepted co-mentor left out has a reason.
        for (id, _) in programme.accepted(Role::CoMentor) {
            let placed = matching.suggestions.iter().any(|s| s.co_mentor.as_ref().is_some_and(|c| c.co_mentor == id))
                || matching.running_co_mentors.iter().any(|r| r.choice.co_mentor == id);
            let busy = programme.active_tandems_of(id).next().is_some();
            if !placed && !busy {
                prop_assert!(matching.unmatched.iter().any(|u| u.person == id && u.role == Role::CoMentor));
            }
        }
    }
}
