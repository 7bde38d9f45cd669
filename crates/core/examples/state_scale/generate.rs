//! The state-scale programme: a statewide citizen-mentor scheme run for
//! years by 8 partner organisations and 6 coordinators, with 2,000 people
//! (1,000 mentees, 900 mentors, 100 co-mentors), 1,000 tandems, 300 events
//! with 15,000 attendance marks, made by more than 100,000 commands. Each
//! coordinator works on a copy of their own (their own actor id) and the
//! copies are merged again after each phase, so the history has the
//! concurrent branches a real programme has. Each tandem also gets its
//! page with 20 meetings, and one coordinator's last 10,000 changes are
//! written as the `.tandem` file a partner would merge.
//!
//! Everything follows from the seed: ids, names, times and actor ids, so
//! the same seed writes the same programme. The output is kept under
//! `$HOME/.cache/tandem/state-scale/<seed>` (or `$TANDEM_SCALE_DIR/<seed>`)
//! so that benchmarks do not make it again each time.

#![allow(dead_code)] // shared by the example and the benchmarks, each using a part

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tandem_core::{
    AttendanceStatus, Audience, Author, ClockTime, Command, Contents, CoordinatorId, Day, Decision,
    EventDetails, EventId, EventKind, Interview, Meeting, MeetingFormat, MeetingKind, NewProgramme,
    PageCommand, PartnerId, PersonDetails, PersonId, ProgrammeDocument, ProgrammeId, ProgrammeKind,
    ProgrammeSide, Role, Rules, SharedFields, TandemId, TandemPageDocument,
};

pub(crate) const MENTEES: usize = 1_000;
pub(crate) const MENTORS: usize = 900;
pub(crate) const CO_MENTORS: usize = 100;
pub(crate) const PEOPLE: usize = MENTEES + MENTORS + CO_MENTORS;
pub(crate) const TANDEMS: usize = 1_000;
pub(crate) const EVENTS: usize = 300;
pub(crate) const MARKS_PER_EVENT: usize = 50;
pub(crate) const COORDINATORS: usize = 6;
pub(crate) const MEETINGS_PER_PAGE: usize = 20;
/// Commands the programme is made of, at least.
pub(crate) const COMMANDS: usize = 100_000;
/// Changes in the `.tandem` file of one coordinator.
pub(crate) const FILE_CHANGES: usize = 10_000;

const PARTNERS: [&str; 8] = [
    "Landeshauptstadt Wiesbaden",
    "Stadt Kassel",
    "Landkreis Kassel",
    "Stadt Fulda",
    "Wetteraukreis",
    "Stadt Marburg",
    "Regierungspräsidium Gießen",
    "Landesehrenamtsagentur",
];
const FIRST: [&str; 24] = [
    "Anna", "Berit", "Cem", "Dana", "Emil", "Fatma", "Gerd", "Hanna", "Ilias", "Jule", "Kemal",
    "Lena", "Mira", "Nils", "Olga", "Paul", "Rosa", "Sven", "Tarek", "Ute", "Vera", "Wim",
    "Yasmin", "Zoe",
];
const LAST: [&str; 20] = [
    "Achterberg",
    "Brunnhuber",
    "Cordes",
    "Dornbusch",
    "Eschweiler",
    "Feldkamp",
    "Grünewald",
    "Hollerbach",
    "Immenkamp",
    "Jansing",
    "Kettler",
    "Lindqvist",
    "Mohrbach",
    "Nettelbeck",
    "Ostendorf",
    "Pfeilschifter",
    "Quandel",
    "Rosenthaler",
    "Steinbrink",
    "Tiedemann",
];
const TOPICS: [&str; 10] = [
    "Führung",
    "Ehrenamt",
    "Digitalisierung",
    "Haushalt",
    "Recht",
    "Kommunikation",
    "Gleichstellung",
    "Integration",
    "Vereinsarbeit",
    "Öffentlichkeitsarbeit",
];
const POSITIONS: [&str; 6] = [
    "Sachbearbeiter:in",
    "Referent:in",
    "Teamleitung",
    "Vorstand Förderverein",
    "Projektleitung",
    "Ehrenamtliche:r",
];
const CITIES: [&str; 8] = [
    "Wiesbaden",
    "Kassel",
    "Baunatal",
    "Fulda",
    "Friedberg",
    "Marburg",
    "Gießen",
    "Frankfurt",
];
const EVENT_KINDS: [EventKind; 6] = [
    EventKind::Seminar,
    EventKind::NetworkMeeting,
    EventKind::FiresideEvening,
    EventKind::RegularsTable,
    EventKind::CourseDay,
    EventKind::InfoEvent,
];

/// The first second of the programme's history.
const START_AT: i64 = 1_767_225_600; // 2026-01-01

/// What the generator wrote, read back by benchmarks.
pub(crate) struct StateScale {
    pub dir: PathBuf,
    pub programme: Vec<u8>,
    pub file: Vec<u8>,
}

impl StateScale {
    /// The tandem pages' saved bytes.
    pub(crate) fn pages(&self) -> io::Result<Vec<Vec<u8>>> {
        let mut pages = Vec::new();
        let mut entries: Vec<_> = fs::read_dir(self.dir.join("pages"))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect();
        entries.sort();
        for path in entries {
            pages.push(fs::read(path)?);
        }
        Ok(pages)
    }
}

/// Where the programme of `seed` is kept.
pub(crate) fn cache_dir(seed: u64) -> PathBuf {
    let base = std::env::var_os("TANDEM_SCALE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
            PathBuf::from(home).join(".cache/tandem/state-scale")
        });
    base.join(seed.to_string())
}

/// The programme of `seed`, made now if it is not kept yet.
pub(crate) fn ensure(seed: u64) -> io::Result<StateScale> {
    let dir = cache_dir(seed);
    if !dir.join("manifest.json").exists() {
        generate(seed, &dir)?;
    }
    Ok(StateScale {
        programme: fs::read(dir.join("programme.automerge"))?,
        file: fs::read(dir.join("last-10000.tandem"))?,
        dir,
    })
}

/// Ids, names and times drawn from the seed.
struct Draw {
    rng: ChaCha8Rng,
}

impl Draw {
    fn uuid(&mut self) -> String {
        let bits: u128 = self.rng.random();
        // Version 4, variant 1, like the random ids the app makes.
        let bits = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    fn id<T: std::str::FromStr>(&mut self) -> T
    where
        T::Err: std::fmt::Debug,
    {
        self.uuid().parse().expect("a drawn uuid is a valid id")
    }

    fn actor(&mut self) -> Vec<u8> {
        let bits: u128 = self.rng.random();
        bits.to_be_bytes().to_vec()
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.random_range(0..from.len())]
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }
}

/// One coordinator with their own copy of the programme.
struct Desk {
    author: Author,
    document: ProgrammeDocument,
}

/// The clock of the whole history: every command a little later.
struct Clock {
    at: i64,
    commands: usize,
}

impl Clock {
    fn tick(&mut self) -> i64 {
        self.at += 47;
        self.commands += 1;
        self.at
    }
}

fn apply(desk: &mut Desk, clock: &mut Clock, command: Command) {
    let code = command.code();
    let at = clock.tick();
    if let Err(error) = desk.document.apply(&desk.author, at, command) {
        panic!("the generator's {code} was refused: {error}");
    }
}

/// Every desk gets every other desk's changes: all into the first, then
/// the first's into every other, as partners exchanging files would.
fn merge_round(desks: &mut [Desk]) {
    let (hub, others) = desks.split_first_mut().expect("there are desks");
    for desk in others.iter() {
        let bytes = desk.document.save_after(&hub.document.heads());
        hub.document
            .merge_bytes(&bytes)
            .expect("a coordinator's changes merge");
    }
    for desk in others.iter_mut() {
        let bytes = hub.document.save_after(&desk.document.heads());
        desk.document
            .merge_bytes(&bytes)
            .expect("the merged programme merges back");
    }
}

/// Which coordinator looks after a partner organisation.
fn desk_of_partner(partner: usize) -> usize {
    partner % COORDINATORS
}

/// Partner organisation of the n-th person of a role.
fn partner_of(role: Role, n: usize) -> usize {
    match role {
        Role::Mentee => n % PARTNERS.len(),
        Role::Mentor => (n + 3) % PARTNERS.len(),
        Role::CoMentor => (n + 5) % PARTNERS.len(),
    }
}

struct Roster {
    /// (id, role, partner index) for every person, mentees first.
    people: Vec<(PersonId, Role, usize)>,
}

impl Roster {
    fn mentee(&self, n: usize) -> PersonId {
        self.people[n].0
    }
    fn mentor(&self, n: usize) -> PersonId {
        self.people[MENTEES + n].0
    }
    fn co_mentor(&self, n: usize) -> PersonId {
        self.people[MENTEES + MENTORS + n].0
    }
}

fn details(draw: &mut Draw, role: Role, partner: PartnerId, city: &str, n: usize) -> PersonDetails {
    let first = draw.pick(&FIRST);
    let last = draw.pick(&LAST);
    let name = format!("{first} {last} {n}");
    let topics = vec![
        draw.pick(&TOPICS).to_string(),
        draw.pick(&TOPICS).to_string(),
    ];
    PersonDetails {
        role,
        name: name.clone(),
        salutation: String::new(),
        organisation: Some(partner),
        department: format!("Fachbereich {}", 1 + draw.below(40)),
        position: draw.pick(&POSITIONS).to_string(),
        email: format!(
            "{}.{}.{n}@beispiel.example",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        phone: format!("0561 {:06}", draw.below(1_000_000)),
        topics,
        goal: "Mehr Verantwortung im Ehrenamt übernehmen und ein eigenes Projekt leiten.".into(),
        motivation: "Ich möchte mein Wissen weitergeben und selbst dazulernen.".into(),
        availability: ["Mo–Mi abends", "dienstags ab 17 Uhr", "flexibel"][draw.below(3)].into(),
        meeting_format: MeetingFormat::ALL[draw.below(3)],
        languages: vec!["Deutsch".into()],
        location: city.to_string(),
        shared_with_tandem: SharedFields {
            email: true,
            phone: draw.below(2) == 0,
            organisation: true,
            position: true,
            location: true,
        },
        notes: String::new(),
    }
}

/// A small, realistic edit of one field, as coordinators make them over years.
fn edited(draw: &mut Draw, before: &PersonDetails, n: usize) -> PersonDetails {
    let mut details = before.clone();
    match draw.below(6) {
        0 => details.phone = format!("0561 {:06}", draw.below(1_000_000)),
        1 => details.position = draw.pick(&POSITIONS).to_string(),
        2 => {
            details.notes = format!(
                "Rückruf am {}. vereinbart (Vermerk {n})",
                1 + draw.below(28)
            )
        }
        3 => {
            details.availability = ["Mo–Mi abends", "donnerstags", "flexibel"][draw.below(3)].into()
        }
        4 => details.department = format!("Fachbereich {}", 1 + draw.below(40)),
        _ => details.topics[0] = draw.pick(&TOPICS).to_string(),
    }
    details
}

/// Makes the state-scale programme of `seed` and writes it into `dir`.
pub(crate) fn generate(seed: u64, dir: &Path) -> io::Result<()> {
    let began = Instant::now();
    let mut draw = Draw {
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    let mut clock = Clock {
        at: START_AT,
        commands: 0,
    };
    let names = [
        "Ines Koordinatorin",
        "Jonas Koordinator",
        "Katrin Koordinatorin",
        "Levent Koordinator",
        "Maren Koordinatorin",
        "Niklas Koordinator",
    ];
    let authors: Vec<Author> = names
        .iter()
        .map(|name| Author {
            id: draw.id::<CoordinatorId>(),
            name: name.to_string(),
        })
        .collect();
    let programme_id: ProgrammeId = draw.id();
    let partner_ids: Vec<PartnerId> = PARTNERS.iter().map(|_| draw.id()).collect();
    let genesis = ProgrammeDocument::create_reproducible(
        &authors[0],
        clock.tick(),
        NewProgramme {
            name: "Bürgermentoring Hessen 2026–2029".into(),
            kind: ProgrammeKind::CrossMentoring,
            start: day("2026-01-01"),
            end: day("2029-12-31"),
            partners: PARTNERS.iter().map(|name| name.to_string()).collect(),
        },
        programme_id,
        &partner_ids,
        &draw.actor(),
    )
    .map_err(io::Error::other)?;
    let mut desks: Vec<Desk> = authors
        .iter()
        .map(|author| Desk {
            author: author.clone(),
            document: genesis.fork_as(&draw.actor()),
        })
        .collect();
    apply(
        &mut desks[0],
        &mut clock,
        Command::SetRules {
            rules: Rules {
                different_organisations: true,
                mentor_capacity: 2,
                co_mentors: true,
            },
        },
    );
    merge_round(&mut desks);
    eprintln!("genesis and rules: {:.1?}", began.elapsed());

    // Intake: each coordinator records the applicants of their partners.
    let mut roster = Roster { people: Vec::new() };
    for (role, count) in [
        (Role::Mentee, MENTEES),
        (Role::Mentor, MENTORS),
        (Role::CoMentor, CO_MENTORS),
    ] {
        for n in 0..count {
            roster.people.push((draw.id(), role, partner_of(role, n)));
        }
    }
    for (n, &(id, role, partner)) in roster.people.iter().enumerate() {
        let person = details(&mut draw, role, partner_ids[partner], CITIES[partner], n);
        apply(
            &mut desks[desk_of_partner(partner)],
            &mut clock,
            Command::AddPerson {
                id,
                details: person,
                applied_on: day("2026-01-15"),
            },
        );
    }
    merge_round(&mut desks);
    eprintln!("{} people: {:.1?}", PEOPLE, began.elapsed());

    // Getting-to-know interviews and decisions.
    for &(id, _, partner) in &roster.people {
        let desk = &mut desks[desk_of_partner(partner)];
        let by = desk.author.name.clone();
        apply(
            desk,
            &mut clock,
            Command::RecordInterview {
                person: id,
                interview: Interview {
                    on: day("2026-02-10"),
                    by,
                    minutes: 30,
                    notes: "Offen, gut vorbereitet, klare Vorstellung vom Ziel.".into(),
                },
            },
        );
        apply(
            desk,
            &mut clock,
            Command::Decide {
                person: id,
                decision: Decision::Accept,
                on: day("2026-02-20"),
            },
        );
    }
    merge_round(&mut desks);
    eprintln!("interviews and decisions: {:.1?}", began.elapsed());

    // Tandems: mentee n with mentor n mod 900 (never the same partner);
    // the first 100 with a co-mentor. The mentee's coordinator forms it.
    let mut tandems: Vec<TandemId> = Vec::new();
    for n in 0..TANDEMS {
        let id: TandemId = draw.id();
        tandems.push(id);
        let partner = partner_of(Role::Mentee, n);
        apply(
            &mut desks[desk_of_partner(partner)],
            &mut clock,
            Command::CreateTandem {
                id,
                mentee: roster.mentee(n),
                mentor: roster.mentor(n % MENTORS),
                co_mentor: (n < CO_MENTORS).then(|| roster.co_mentor(n)),
                start: day("2026-03-01"),
                planned_end: day("2027-02-28"),
            },
        );
    }
    merge_round(&mut desks);
    eprintln!("{} tandems: {:.1?}", TANDEMS, began.elapsed());

    // Events over four years, each planned by one coordinator, who marks
    // its attendance at the door.
    let mut events: Vec<(EventId, usize)> = Vec::new();
    for n in 0..EVENTS {
        let id: EventId = draw.id();
        let desk = n % COORDINATORS;
        let start_day = day("2026-03-05").plus_days((n * 4) as i64);
        let kind = EVENT_KINDS[n % EVENT_KINDS.len()];
        apply(
            &mut desks[desk],
            &mut clock,
            Command::CreateEvent {
                id,
                details: EventDetails {
                    kind,
                    title: format!("Treffen {} im Programm", n + 1),
                    start_day,
                    start_time: ClockTime::from_hm(17, 0).expect("a valid time"),
                    end_day: start_day,
                    end_time: ClockTime::from_hm(20, 0).expect("a valid time"),
                    place: format!("Bürgerhaus {}", CITIES[n % CITIES.len()]),
                    online_link: String::new(),
                    host: Some(partner_ids[n % PARTNERS.len()]),
                    audience: Audience::All,
                    capacity: None,
                    minutes: 180,
                    description: "Austausch, Impulsvortrag und Zeit für die Tandems.".into(),
                },
            },
        );
        events.push((id, desk));
    }
    for (n, &(event, desk)) in events.iter().enumerate() {
        for k in 0..MARKS_PER_EVENT {
            let person = roster.people[(n * 37 + k * 41) % PEOPLE].0;
            let status = match draw.below(10) {
                0 => AttendanceStatus::Excused,
                1 => AttendanceStatus::Absent,
                _ => AttendanceStatus::Attended,
            };
            apply(
                &mut desks[desk],
                &mut clock,
                Command::MarkAttendance {
                    event,
                    person,
                    status,
                },
            );
        }
        if n % 100 == 99 {
            merge_round(&mut desks);
        }
    }
    merge_round(&mut desks);
    eprintln!(
        "{} events with {} marks: {:.1?}",
        EVENTS,
        EVENTS * MARKS_PER_EVENT,
        began.elapsed()
    );

    // Years of small edits, each coordinator on their own people, merged
    // every 10,000 commands.
    let mut since_merge = 0;
    while clock.commands < COMMANDS {
        let n = draw.below(PEOPLE);
        let (id, _, partner) = roster.people[n];
        let desk = &mut desks[desk_of_partner(partner)];
        let before = desk.document.programme().people[&id].details.clone();
        let details = edited(&mut draw, &before, clock.commands);
        apply(desk, &mut clock, Command::UpdatePerson { id, details });
        since_merge += 1;
        if since_merge == 10_000 {
            merge_round(&mut desks);
            since_merge = 0;
            eprintln!("{} commands: {:.1?}", clock.commands, began.elapsed());
        }
    }
    merge_round(&mut desks);
    let programme_commands = clock.commands;
    eprintln!("{programme_commands} commands: {:.1?}", began.elapsed());

    fs::create_dir_all(dir.join("pages"))?;
    let programme_bytes = desks[0].document.save();
    fs::write(dir.join("programme.automerge"), &programme_bytes)?;

    // One coordinator's next 10,000 changes, not yet merged anywhere: the
    // file a partner brings.
    let seen = desks[0].document.heads();
    let last = COORDINATORS - 1;
    // An edit that sets a value to what it was makes no change: go on
    // until the file holds 10,000 changes.
    let mut made = 0;
    let mut k = 0;
    while made < FILE_CHANGES {
        k += 1;
        let before = desks[last].document.heads();
        let (id, _, _) = roster.people[draw.below(PEOPLE)];
        let command = if k % 5 == 0 {
            let (event, _) = events[draw.below(EVENTS)];
            Command::MarkAttendance {
                event,
                person: id,
                status: AttendanceStatus::Attended,
            }
        } else {
            let before = desks[last].document.programme().people[&id].details.clone();
            let details = edited(&mut draw, &before, clock.commands);
            Command::UpdatePerson { id, details }
        };
        apply(&mut desks[last], &mut clock, command);
        if desks[last].document.heads() != before {
            made += 1;
        }
    }
    let file =
        desks[last]
            .document
            .export(&desks[last].author.name, clock.at, Contents::Changes, &seen);
    let file_bytes = file.encode();
    fs::write(dir.join("last-10000.tandem"), &file_bytes)?;
    eprintln!("file of {FILE_CHANGES} changes: {:.1?}", began.elapsed());

    // A page per tandem with 20 meetings, logged by mentee and mentor.
    let programme = desks[0].document.programme().clone();
    for (n, tandem) in tandems.iter().enumerate() {
        let side = ProgrammeSide::project(&programme, *tandem).expect("the tandem is there");
        let members: Vec<PersonId> = side.members.iter().map(|member| member.person).collect();
        let mut page = TandemPageDocument::create(side, clock.tick()).map_err(io::Error::other)?;
        for m in 0..MEETINGS_PER_PAGE {
            let on = day("2026-03-10").plus_days((m * 14 + n % 7) as i64);
            page.apply(
                PageCommand::LogMeeting {
                    key: format!("m{m:02}"),
                    meeting: Meeting {
                        on,
                        minutes: 60 + 15 * (m as u32 % 4),
                        kind: [
                            MeetingKind::InPerson,
                            MeetingKind::Online,
                            MeetingKind::Phone,
                        ][m % 3],
                        topics: "Ziele, nächste Schritte im Verein, Vorbereitung Seminar".into(),
                        next_steps: "Gespräch mit dem Vorstand vorbereiten".into(),
                        logged_by: Some(members[m % 2]),
                    },
                },
                clock.tick(),
            )
            .map_err(io::Error::other)?;
        }
        fs::write(dir.join(format!("pages/{tandem}.automerge")), page.save())?;
    }
    eprintln!("{TANDEMS} tandem pages: {:.1?}", began.elapsed());

    let edit_person = roster.mentee(0);
    let manifest = serde_json::json!({
        "seed": seed,
        "programme": programme_id.to_string(),
        "programme_name": programme.name,
        "partners": PARTNERS.len(),
        "coordinators": COORDINATORS,
        "people": programme.people.len(),
        "tandems": programme.tandems.len(),
        "events": programme.events.len(),
        "attendance_marks": programme.events.values().map(|event| event.attendance.len()).sum::<usize>(),
        "commands": programme_commands,
        "changes": desks[0].document.history().len(),
        "file_changes": FILE_CHANGES,
        "programme_bytes": programme_bytes.len(),
        "file_bytes": file_bytes.len(),
        "edit_person": edit_person.to_string(),
        "tandem_ids": tandems.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
        "generated_in_seconds": began.elapsed().as_secs_f64(),
    });
    fs::write(
        dir.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?,
    )?;
    Ok(())
}

fn day(text: &str) -> Day {
    Day::parse(text).expect("the generator's dates are valid")
}
