//! How long suggesting tandems takes for a whole cohort, with every rule
//! on: mentee and mentor from different organisations, mentor capacity,
//! fixed and excluded pairs; every criterion scored, with availability
//! read from text and distances between cities. Targets: 1,000 × 1,000
//! within a second and 500 × 500 within a quarter of a second, natively.
//! A third run adds the co-mentor step: 1,000 × 1,000 and 500 co-mentors.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tandem_core::{
    suggest, Application, Author, Day, MeetingFormat, NewProgramme, Pair, Person, PersonDetails,
    PersonId, Programme, ProgrammeDocument, ProgrammeKind, Role, Stage,
};

const TOPICS: [&str; 24] = [
    "Führung",
    "Haushalt",
    "Personal",
    "Recht",
    "Digitalisierung",
    "Kommunikation",
    "Finanzen",
    "Vergabe",
    "Stadtplanung",
    "Umwelt",
    "Soziales",
    "Jugend",
    "Bildung",
    "Kultur",
    "Gesundheit",
    "Ordnung",
    "Verkehr",
    "Wirtschaft",
    "Gleichstellung",
    "Organisation",
    "Projektmanagement",
    "Öffentlichkeitsarbeit",
    "Controlling",
    "IT-Sicherheit",
];
const GOAL_WORDS: [&str; 16] = [
    "Abteilung leiten",
    "Führung in Teilzeit",
    "Personalentwicklung",
    "Haushaltsplanung verstehen",
    "Netzwerk aufbauen",
    "Projekte steuern",
    "Verhandeln lernen",
    "Sichtbarkeit erhöhen",
    "Digitalisierung voranbringen",
    "Team übernehmen",
    "Referatsleitung",
    "Karriereplanung",
    "Konflikte lösen",
    "Organisation entwickeln",
    "Recht sicher anwenden",
    "Strategie",
];
const DEPARTMENTS: [&str; 8] = [
    "Personalamt",
    "Kämmerei",
    "Rechtsamt",
    "Amt für Digitalisierung",
    "Stadtplanungsamt",
    "Sozialamt",
    "Jugendamt",
    "Hauptamt",
];
const POSITIONS: [&str; 5] = [
    "Abteilungsleitung",
    "Amtsleitung",
    "Referatsleitung",
    "Teamleitung",
    "Projektleitung",
];
const PLACES: [&str; 5] = ["Baunatal", "Kassel", "Hofgeismar", "Wolfhagen", "Melsungen"];
const AVAILABILITY: [&str; 8] = [
    "Mo–Mi abends",
    "dienstags ab 17 Uhr",
    "Do 9-12 Uhr, Fr vormittags",
    "werktags mittags",
    "flexibel",
    "Mi und Fr nachmittags",
    "",
    "Montag, Donnerstag abends",
];
const LANGUAGES: [&str; 5] = ["Deutsch", "Englisch", "Türkisch", "Polnisch", "Französisch"];

/// A small deterministic generator, so every run measures the same cohort.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }

    fn some(&mut self, from: &[&str], most: usize) -> Vec<String> {
        let count = 1 + self.roll(most);
        (0..count)
            .map(|_| from[self.roll(from.len())].to_string())
            .collect()
    }
}

/// Four administrations of a region, `size` mentees and `size` mentors,
/// and `co_mentors` co-mentors (the programme uses them if there are any).
fn cohort(size: usize, co_mentors: usize) -> Programme {
    let author = Author::new("Petra Probe");
    let document = ProgrammeDocument::create(
        &author,
        NewProgramme {
            name: "Cross-Mentoring Nordhessen".into(),
            kind: ProgrammeKind::CrossMentoring,
            start: Day::parse("2026-02-01").expect("a valid date"),
            end: Day::parse("2027-01-31").expect("a valid date"),
            partners: vec![
                "Stadt Baunatal".into(),
                "Landkreis Kassel".into(),
                "Stadt Kassel".into(),
                "Regierungspräsidium Kassel".into(),
            ],
        },
    )
    .expect("a valid programme");
    let mut programme = document.programme().clone();
    let partners: Vec<_> = programme.partners.keys().copied().collect();
    let applied_on = Day::parse("2026-01-10").expect("a valid date");
    let mut dice = Dice(0x5eed_1234_abcd_ef01);
    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    programme.rules.co_mentors = co_mentors > 0;
    for index in 0..size * 2 + co_mentors {
        let role = if index >= size * 2 {
            Role::CoMentor
        } else if index % 2 == 0 {
            Role::Mentee
        } else {
            Role::Mentor
        };
        let details = PersonDetails {
            role,
            name: format!("Person {index}"),
            organisation: Some(partners[dice.roll(partners.len())]),
            department: DEPARTMENTS[dice.roll(DEPARTMENTS.len())].into(),
            position: POSITIONS[dice.roll(POSITIONS.len())].into(),
            topics: dice.some(&TOPICS, 4),
            goal: dice.some(&GOAL_WORDS, 3).join(", "),
            meeting_format: MeetingFormat::ALL[dice.roll(3)],
            location: PLACES[dice.roll(PLACES.len())].into(),
            availability: AVAILABILITY[dice.roll(AVAILABILITY.len())].into(),
            languages: dice.some(&LANGUAGES, 2),
            ..Default::default()
        };
        let mut application = Application::new(applied_on);
        application.stage = Stage::Accepted;
        let id = PersonId::random();
        programme.people.insert(
            id,
            Person {
                details,
                application,
                import_key: None,
                reminders: Default::default(),
                receipt: None,
            },
        );
        match role {
            Role::Mentee => mentees.push(id),
            Role::Mentor => mentors.push(id),
            Role::CoMentor => {}
        }
    }
    // Coordinators' decisions: a few fixed pairs, more excluded ones.
    for i in 0..size / 100 {
        programme.fixed_pairs.insert(mentees[i], mentors[i]);
    }
    for _ in 0..size / 10 {
        let pair = Pair {
            mentee: mentees[dice.roll(size)],
            mentor: mentors[dice.roll(size)],
        };
        programme.excluded_pairs.insert(pair, true);
    }
    programme
}

fn matching(c: &mut Criterion) {
    let mut group = c.benchmark_group("suggest");
    group.sample_size(10);
    for size in [500, 1000] {
        let programme = cohort(size, 0);
        group.bench_function(format!("{size} mentees x {size} mentors"), |b| {
            b.iter(|| suggest(black_box(&programme)))
        });
    }
    let programme = cohort(1000, 500);
    group.bench_function("1000 mentees x 1000 mentors, then 500 co-mentors", |b| {
        b.iter(|| suggest(black_box(&programme)))
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
