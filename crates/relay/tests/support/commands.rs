//! Random commands a coordinator could give, drawn from the programme as it
//! stands, for the convergence harness and the fuzzers.
//!
//! Most commands drawn here are valid; some are refused (a name taken, a
//! mentor full since), as they would be in the app. Every identifier comes
//! from the seeded generator, so a seed replays the same commands.
#![allow(dead_code)]

use rand::seq::IndexedRandom;
use rand::Rng;
use tandem_core::{
    ChosenValue, Command, Conflict, ContactPoint, Day, Decision, Interview, MatchingWeights,
    MeetingFormat, PartnerId, PersonDetails, PersonId, Programme, Role, Rules, TandemEnding,
    TandemId,
};

const FIRST_NAMES: [&str; 12] = [
    "Anna", "Jörg", "Fatma", "Lena", "Mehmet", "Ute", "Sven", "Ayşe", "Klaus", "Miriam", "Tom",
    "Zoë",
];
const LAST_NAMES: [&str; 10] = [
    "Beispiel",
    "Muster",
    "Probe",
    "Exempel",
    "Vorbild",
    "Test",
    "Modell",
    "Schablone",
    "Entwurf",
    "Skizze",
];
const TOPICS: [&str; 6] = [
    "Führung",
    "Haushalt",
    "Digitalisierung",
    "Vereinbarkeit",
    "Kommunalpolitik",
    "Verhandeln",
];
const POSITIONS: [&str; 5] = [
    "Sachbearbeiterin",
    "Referentin",
    "Amtsleiterin",
    "Teamleitung",
    "Dezernentin",
];
const CITIES: [&str; 6] = ["Kassel", "Baunatal", "Köln", "Düsseldorf", "Bonn", "Fulda"];

/// A version-4 UUID from the seeded generator, as text.
pub(crate) fn uuid(rng: &mut impl Rng) -> String {
    let mut bytes: [u8; 16] = rng.random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

pub(crate) fn person_id(rng: &mut impl Rng) -> PersonId {
    uuid(rng).parse().expect("a generated UUID is an id")
}

pub(crate) fn tandem_id(rng: &mut impl Rng) -> TandemId {
    uuid(rng).parse().expect("a generated UUID is an id")
}

pub(crate) fn partner_id(rng: &mut impl Rng) -> PartnerId {
    uuid(rng).parse().expect("a generated UUID is an id")
}

pub(crate) fn day(rng: &mut impl Rng) -> Day {
    let month = rng.random_range(1..=12);
    let date = rng.random_range(1..=28);
    Day::parse(&format!("2026-{month:02}-{date:02}")).expect("a valid day")
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> Option<&'a T> {
    items.choose(rng)
}

fn random_details(rng: &mut impl Rng, programme: &Programme) -> PersonDetails {
    let first = FIRST_NAMES.choose(rng).copied().unwrap_or("Anna");
    let last = LAST_NAMES.choose(rng).copied().unwrap_or("Beispiel");
    let role = match rng.random_range(0..100) {
        0..=44 => Role::Mentee,
        45..=84 => Role::Mentor,
        _ => Role::CoMentor,
    };
    let partners: Vec<PartnerId> = programme.partners.keys().copied().collect();
    let organisation = if rng.random_bool(0.9) {
        pick(rng, &partners).copied()
    } else {
        None
    };
    let email = if rng.random_bool(0.5) {
        format!(
            "{}.{}{}@example.org",
            first.to_lowercase(),
            last.to_lowercase(),
            rng.random_range(0..50)
        )
    } else {
        String::new()
    };
    PersonDetails {
        role,
        name: format!("{first} {last}"),
        organisation,
        email,
        topics: TOPICS
            .iter()
            .filter(|_| rng.random_bool(0.3))
            .map(|t| t.to_string())
            .collect(),
        position: pick(rng, &POSITIONS).copied().unwrap_or("").to_string(),
        location: pick(rng, &CITIES).copied().unwrap_or("").to_string(),
        meeting_format: *pick(rng, &MeetingFormat::ALL).unwrap_or(&MeetingFormat::Either),
        ..Default::default()
    }
}

/// One edit of a person's details, as the intake form would make it.
fn edited_details(
    rng: &mut impl Rng,
    programme: &Programme,
    details: &PersonDetails,
) -> PersonDetails {
    let mut details = details.clone();
    let partners: Vec<PartnerId> = programme.partners.keys().copied().collect();
    match rng.random_range(0..8) {
        0 => details.position = pick(rng, &POSITIONS).copied().unwrap_or("").to_string(),
        1 => details.department = format!("Amt {}", rng.random_range(10..99)),
        2 => details.notes = format!("Rückruf am {}", day(rng).german()),
        3 => {
            details.topics = TOPICS
                .iter()
                .filter(|_| rng.random_bool(0.4))
                .map(|t| t.to_string())
                .collect()
        }
        4 => details.organisation = pick(rng, &partners).copied(),
        5 => details.location = pick(rng, &CITIES).copied().unwrap_or("").to_string(),
        6 => details.goal = format!("Ziel {}", rng.random_range(0..1000)),
        _ => {
            details.phone = format!("0561 {}", rng.random_range(100_000..999_999));
            details.shared_with_tandem.phone = rng.random_bool(0.5);
        }
    }
    details
}

fn accepted_without_tandem(programme: &Programme, role: Role) -> Vec<PersonId> {
    programme
        .accepted(role)
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| programme.active_tandems_of(*id).next().is_none())
        .collect()
}

fn mentors_with_room(programme: &Programme) -> Vec<PersonId> {
    let capacity = programme.rules.mentor_capacity.max(1) as usize;
    programme
        .accepted(Role::Mentor)
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| {
            programme
                .active_tandems()
                .filter(|(_, tandem)| tandem.mentor == *id)
                .count()
                < capacity
        })
        .collect()
}

/// A tandem the programme's rules allow, if there is one.
fn new_tandem(rng: &mut impl Rng, programme: &Programme) -> Option<Command> {
    let mentees = accepted_without_tandem(programme, Role::Mentee);
    let mentors = mentors_with_room(programme);
    let mentee = *pick(rng, &mentees)?;
    let organisation = |id: PersonId| {
        programme
            .people
            .get(&id)
            .and_then(|p| p.details.organisation)
    };
    let fitting: Vec<PersonId> = mentors
        .into_iter()
        .filter(|mentor| {
            !programme.rules.different_organisations
                || (organisation(mentee).is_some()
                    && organisation(*mentor).is_some()
                    && organisation(mentee) != organisation(*mentor))
        })
        .collect();
    let mentor = *pick(rng, &fitting)?;
    let co_mentor = if programme.rules.co_mentors && rng.random_bool(0.5) {
        pick(rng, &accepted_without_tandem(programme, Role::CoMentor)).copied()
    } else {
        None
    };
    Some(Command::CreateTandem {
        id: tandem_id(rng),
        mentee,
        mentor,
        co_mentor,
        start: programme.start,
        planned_end: programme.end,
    })
}

/// A command a coordinator could give next. `conflicts` and `history` (the
/// hashes of recent changes, for undo) are asked for only when needed:
/// reading them takes the whole history.
#[expect(
    clippy::too_many_lines,
    reason = "one short arm per kind of command, side by side to compare"
)]
pub(crate) fn random_command(
    rng: &mut impl Rng,
    programme: &Programme,
    conflicts: impl FnOnce() -> Vec<Conflict>,
    history: impl FnOnce() -> Vec<String>,
    author_name: &str,
) -> Command {
    let people: Vec<PersonId> = programme.people.keys().copied().collect();
    let tandems: Vec<TandemId> = programme.tandems.keys().copied().collect();
    let active: Vec<TandemId> = programme.active_tandems().map(|(id, _)| *id).collect();
    let partners: Vec<PartnerId> = programme.partners.keys().copied().collect();
    let roll = rng.random_range(0..100);
    let command = match roll {
        25..=39 => pick(rng, &people).map(|id| {
            let details = &programme.people[id].details;
            Command::UpdatePerson {
                id: *id,
                details: edited_details(rng, programme, details),
            }
        }),
        40..=46 => pick(rng, &people).map(|id| Command::RecordInterview {
            person: *id,
            interview: Interview {
                on: day(rng),
                by: author_name.to_string(),
                minutes: 30,
                notes: "Kennenlerngespräch".into(),
            },
        }),
        47..=61 => pick(rng, &people).map(|id| Command::Decide {
            person: *id,
            decision: match rng.random_range(0..10) {
                0..=6 => Decision::Accept,
                7..=8 => Decision::Waitlist,
                _ => Decision::Decline,
            },
            on: day(rng),
        }),
        62..=64 => pick(rng, &people).map(|id| Command::Withdraw {
            person: *id,
            reason: "Umzug".into(),
            on: day(rng),
        }),
        65..=77 => new_tandem(rng, programme),
        78..=81 => pick(rng, &active).map(|id| {
            let tandem = &programme.tandems[id];
            Command::EndTandem {
                id: *id,
                ending: if rng.random_bool(0.5) {
                    TandemEnding::Completed
                } else {
                    TandemEnding::Early {
                        reason: "Stellenwechsel".into(),
                    }
                },
                on: tandem.planned_end.max(tandem.start),
            }
        }),
        82..=83 => pick(rng, &tandems).map(|id| Command::DissolveTandem { id: *id }),
        84 => Some(Command::Rename {
            name: format!("Cross-Mentoring {}", rng.random_range(2026..2030)),
        }),
        85 => Some(Command::SetRules {
            rules: Rules {
                different_organisations: rng.random_bool(0.8),
                mentor_capacity: rng.random_range(1..=2),
                co_mentors: rng.random_bool(0.5),
            },
        }),
        86 => Some(Command::AddPartner {
            id: partner_id(rng),
            name: format!("Stadt {}", pick(rng, &CITIES).copied().unwrap_or("Kassel")),
        }),
        87 => pick(rng, &partners).map(|id| Command::RenamePartner {
            id: *id,
            name: format!(
                "Landkreis {}",
                pick(rng, &CITIES).copied().unwrap_or("Kassel")
            ),
        }),
        88 => pick(rng, &partners).map(|id| Command::SetPartnerCoordinator {
            id: *id,
            contact: Some(ContactPoint {
                name: author_name.to_string(),
                email: "koordination@example.org".into(),
                phone: String::new(),
            }),
        }),
        89..=92 => {
            let conflicts = conflicts();
            let open: Vec<(&Vec<String>, &ChosenValue)> = conflicts
                .iter()
                .filter_map(|conflict| match conflict {
                    Conflict::ConcurrentValues { path, values } => {
                        values.first().map(|value| (path, &value.value))
                    }
                    _ => None,
                })
                .collect();
            pick(rng, &open).map(|(path, value)| Command::ChooseValue {
                path: (*path).clone(),
                value: (*value).clone(),
            })
        }
        93..=95 => pick(rng, &history()).map(|hash| Command::UndoChange { hash: hash.clone() }),
        96..=97 => {
            let mentees: Vec<PersonId> = programme
                .accepted(Role::Mentee)
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            let mentors: Vec<PersonId> = programme
                .accepted(Role::Mentor)
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            match (pick(rng, &mentees), pick(rng, &mentors)) {
                (Some(mentee), Some(mentor)) => Some(match rng.random_range(0..3) {
                    0 => Command::FixPair {
                        mentee: *mentee,
                        mentor: *mentor,
                    },
                    1 => Command::ExcludePair {
                        mentee: *mentee,
                        mentor: *mentor,
                    },
                    _ => Command::ReleasePair {
                        mentee: *mentee,
                        mentor: *mentor,
                    },
                }),
                _ => None,
            }
        }
        98 => Some(Command::SetMatchingWeights {
            weights: MatchingWeights {
                topics: rng.random_range(0..=10),
                goal: rng.random_range(0..=10),
                format: rng.random_range(0..=10),
                location: rng.random_range(0..=10),
                languages: rng.random_range(0..=10),
                ..Default::default()
            },
        }),
        99 => Some(Command::SetComplaintsContact {
            contact: Some(ContactPoint {
                name: "Gleichstellungsbüro".into(),
                email: String::new(),
                phone: format!("0561 {}", rng.random_range(1000..9999)),
            }),
        }),
        _ => None,
    };
    command.unwrap_or_else(|| Command::AddPerson {
        id: person_id(rng),
        details: random_details(rng, programme),
        applied_on: day(rng),
    })
}
