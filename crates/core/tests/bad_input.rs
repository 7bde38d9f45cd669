//! No file, stored bytes or spreadsheet can break a programme: every
//! malformed input is refused with an error, nothing panics, memory stays
//! bounded, and a refused input leaves the programme as it was. The
//! calendar export reads back as the events it was made from.
//!
//! Fuzzed with the seeded mutator in `tandem-test-support` (`crates/test-support`)
//! (stable Rust, part of `cargo test`); `TANDEM_FUZZ_EXECS` raises the
//! executions per target, `TANDEM_FUZZ_SEED` changes the seed.

mod common;

use std::collections::BTreeSet;
use tandem_test_support::fuzz;

use common::{day, Cohort};
use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use rand::seq::IndexedRandom;
use rand::Rng;
use tandem_core::{
    decode_spreadsheet, programme_ics, Audience, ClockTime, Command, Contents, EventDetails,
    EventId, EventKind, ExchangeFile, ImportField, ImportPlan, PersonId, ProgrammeDocument, Role,
};

#[global_allocator]
static ALLOCATOR: fuzz::Counting = fuzz::Counting;

/// A programme with people, a tandem and a partner's later changes.
fn programme_with_history() -> (Cohort, ProgrammeDocument) {
    let mut cohort = Cohort::new();
    let partner_copy = ProgrammeDocument::load(&cohort.document.save()).expect("it loads");
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    cohort
        .apply(Command::CreateTandem {
            id: tandem_core::TandemId::random(),
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-03-01"),
            planned_end: day("2027-03-01"),
        })
        .expect("the tandem is allowed");
    (cohort, partner_copy)
}

/// Memory one execution may hold: a few copies of a small document.
fn document_memory(len: usize) -> usize {
    48 * 1024 * 1024 + 200 * len
}

/// A document that was refused must be exactly as before.
fn assert_untouched(document: &ProgrammeDocument, before: &ProgrammeDocument, what: &str) {
    assert_eq!(
        document.heads(),
        before.heads(),
        "a refused {what} changed the document"
    );
    assert_eq!(
        document.programme(),
        before.programme(),
        "a refused {what} changed the programme"
    );
}

/// A document that was accepted must be whole: it reads, saves and loads.
fn assert_usable(document: &mut ProgrammeDocument) {
    let _ = document.conflicts();
    let _ = document.history();
    let bytes = document.save();
    let again = ProgrammeDocument::load(&bytes).expect("an accepted programme saves and loads");
    assert_eq!(again.programme(), document.programme());
}

#[test]
fn damaged_or_forged_exchange_files_are_refused_and_change_nothing() {
    let (cohort, partner) = programme_with_history();
    let document = &cohort.document;
    let changes = document.export("Petra Probe", 1, Contents::Changes, &partner.heads());
    let whole = document.export("Petra Probe", 1, Contents::Whole, &[]);
    let invite = document.export("Petra Probe", 1, Contents::Invite, &[]);
    let corpus: Vec<Vec<u8>> = [&changes, &whole, &invite]
        .iter()
        .map(|file| file.encode())
        .collect();
    let bodies: Vec<Vec<u8>> = [&changes, &whole].iter().map(|f| f.body.clone()).collect();
    let headers: Vec<Vec<u8>> = [&changes, &whole, &invite]
        .iter()
        .map(|f| serde_json::to_vec(&f.header).expect("a header serialises"))
        .collect();
    let mut mutator = fuzz::Mutator::new(
        fuzz::seed(),
        &[
            b"TANDEM-EXCHANGE\n",
            b"\"version\":2",
            b"\"contains\":\"invite\"",
            b"\"heads\":[\"00\"]",
            b"\"body_length\":18446744073709551615",
            b"\n",
        ],
        256 * 1024,
    );
    let template = changes.clone();
    let report = fuzz::fuzz(
        "exchange-file",
        800,
        |mutator| match mutator.rng.random_range(0..3) {
            // Raw damage: caught by the format, the header or the checksum.
            0 => mutator.next(&corpus),
            // A body damaged behind a valid checksum: Automerge's bytes.
            1 => {
                let mut file = template.clone();
                file.header.contains = *[Contents::Changes, Contents::Whole, Contents::Invite]
                    .choose(&mut mutator.rng)
                    .expect("three");
                let body = mutator.next(&bodies);
                ExchangeFile::new(
                    document.id(),
                    "Cross-Mentoring",
                    file.header.contains,
                    "Petra Probe",
                    1,
                    file.header.heads,
                    body,
                )
                .encode()
            }
            // A forged header in front of a good body.
            _ => {
                let header = mutator.next(&headers);
                let body = &bodies[mutator.rng.random_range(0..bodies.len())];
                let mut bytes = b"TANDEM-EXCHANGE\n".to_vec();
                bytes.extend(header.iter().filter(|b| **b != b'\n'));
                bytes.push(b'\n');
                bytes.extend(body);
                bytes
            }
        },
        &mut mutator,
        document_memory,
        |bytes| {
            let Ok(file) = ExchangeFile::decode(bytes) else {
                return false;
            };
            let mut accepted = false;
            if let Ok(mut joined) = ProgrammeDocument::join(&file) {
                assert_usable(&mut joined);
                accepted = true;
            }
            let mut local = partner.clone();
            match local.preview(&file) {
                Ok(preview) => {
                    local.merge(preview).expect("a previewed file merges");
                    assert_usable(&mut local);
                    accepted = true;
                }
                Err(_) => assert_untouched(&local, &partner, "file"),
            }
            accepted
        },
    );
    assert!(report.refused > 0);
}

#[test]
fn a_file_whose_body_was_damaged_behind_a_valid_checksum_is_refused_as_damaged() {
    let (cohort, partner) = programme_with_history();
    let file = cohort
        .document
        .export("Petra Probe", 1, Contents::Changes, &partner.heads());
    let mut body = file.body.clone();
    let middle = body.len() / 2;
    body[middle] ^= 0x55;
    // Rewrapped with a checksum that fits the damaged body, as a faulty
    // exporter or a forged file would be.
    let damaged = ExchangeFile::new(
        cohort.document.id(),
        "Cross-Mentoring",
        Contents::Changes,
        "Petra Probe",
        1,
        file.header.heads.clone(),
        body,
    );
    let local = partner.clone();
    assert_eq!(
        local.preview(&damaged).err(),
        Some(tandem_core::ExchangeError::Damaged)
    );
    assert_untouched(&local, &partner, "file");
    assert!(local.preview(&file).is_ok(), "the undamaged file merges");
}

#[test]
fn damaged_stored_programmes_and_chunks_are_refused_and_change_nothing() {
    let (mut cohort, partner) = programme_with_history();
    let whole = cohort.document.save();
    let chunk = cohort
        .document
        .export("", 0, Contents::Changes, &partner.heads())
        .body;
    let corpus = vec![
        whole.clone(),
        chunk.clone(),
        [whole, chunk.clone()].concat(),
    ];
    let mut mutator =
        fuzz::Mutator::new(fuzz::seed() ^ 1, &[&[0x85, 0x6f, 0x4a, 0x83]], 256 * 1024);
    let report = fuzz::fuzz(
        "stored-bytes",
        250,
        |mutator| mutator.next(&corpus),
        &mut mutator,
        document_memory,
        |bytes| {
            let mut accepted = false;
            if let Ok(mut loaded) = ProgrammeDocument::load(bytes) {
                assert_usable(&mut loaded);
                accepted = true;
            }
            // Another tab's chunk or a relay delivery (both authenticated
            // where they come from; damaged ones merge nothing).
            let mut local = partner.clone();
            match local.merge_bytes(bytes) {
                Ok(count) => {
                    assert_usable(&mut local);
                    accepted |= count > 0;
                }
                Err(_) => assert_untouched(&local, &partner, "chunk"),
            }
            accepted
        },
    );
    assert!(report.refused > 0 && report.accepted > 0);
}

const SHEET: &str = "Vorname;Nachname;Rolle;Organisation;E-Mail;Telefon;Themen;Format;Beworben am;Status\r\n\
Miriam;Beispiel;Mentee;Stadt Köln;miriam@example.org;0221 123456;Führung, Haushalt;online;31.12.2025;angenommen\r\n\
Klaus;Muster;Mentorin;Landeshauptstadt Düsseldorf;klaus@example.org;;Führung;Präsenz;02.01.2026;\r\n\
\"Jana \"\"JJ\"\"\";Exempel;Mentee;Stadt Bonn;jana@example.org;;;;;Warteliste\r\n";

#[test]
fn any_spreadsheet_is_read_or_refused_and_its_import_keeps_every_rule() {
    let cohort = Cohort::new();
    let (windows_1252, _, _) = encoding_rs::WINDOWS_1252.encode(SHEET);
    let corpus = vec![
        SHEET.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), SHEET.as_bytes()].concat(),
        windows_1252.into_owned(),
        SHEET.replace(';', ",").into_bytes(),
        SHEET.replace(';', "\t").into_bytes(),
    ];
    let mut mutator = fuzz::Mutator::new(
        fuzz::seed() ^ 2,
        &[
            b";",
            b",",
            b"\t",
            b"\"",
            b"\"\"",
            b"\r\n",
            b"\n",
            b"\r",
            b"\xEF\xBB\xBF",
            b"\xe4",
            b"31.12.2025",
            b"2025-12-31",
            b"Mentee",
            b"Co-Mentorin",
            b"Stadt K\xc3\xb6ln",
            b"@example.org",
            b"E-Mail",
            b"Name",
        ],
        64 * 1024,
    );
    let report = fuzz::fuzz(
        "spreadsheet",
        150,
        |mutator| mutator.next(&corpus),
        &mut mutator,
        |len| 16 * 1024 * 1024 + 400 * len,
        |bytes| {
            let text = decode_spreadsheet(bytes);
            let programme = cohort.document.programme();
            let plan = match ImportPlan::read(&text, programme) {
                Ok(plan) => plan,
                Err(_) => return false,
            };
            // The coordinator's own mapping: any column to any field.
            let mapping: Vec<Option<ImportField>> = (0..plan.headers.len())
                .map(|i| {
                    ImportField::ALL
                        .get((bytes.len() + i * 7) % (ImportField::ALL.len() + 3))
                        .copied()
                })
                .collect();
            let _ = ImportPlan::read_with(&text, programme, Some(mapping));
            let include: BTreeSet<usize> = plan.rows.iter().map(|row| row.line).collect();
            let command = plan.command(&include, PersonId::random);
            let mut document = cohort.document.clone();
            match document.apply(&cohort.coordinator, 1_770_000_000, command) {
                Ok(()) => {
                    assert!(document.conflicts().is_empty(), "an import breaks no rule");
                    true
                }
                Err(_) => {
                    assert_untouched(&document, &cohort.document, "import");
                    false
                }
            }
        },
    );
    assert!(report.accepted > 0 && report.refused > 0);
}

/// Text a coordinator might type, with what calendar files must escape.
fn awkward_text(rng: &mut impl Rng) -> String {
    let pieces = [
        "Kaminabend",
        "Netzwerktreffen",
        ";",
        ",",
        "\\",
        "\\n",
        "\n",
        "\r\n",
        ":",
        "\"",
        "ä",
        "ß",
        "€",
        "👩‍💼",
        "Rathaus, Saal 2; 3. OG",
        " ",
        "\t",
        "BEGIN:VEVENT",
        "END:VCALENDAR",
        "https://example.org/raum?x=1&y=2",
    ];
    let count = rng.random_range(0..12);
    let mut text: String = (0..count)
        .map(|_| *pieces.choose(rng).expect("pieces"))
        .collect();
    if rng.random_bool(0.1) {
        text.push_str(&"Ü".repeat(rng.random_range(30..120)));
    }
    text
}

#[test]
fn the_calendar_export_reads_back_as_the_events_it_was_made_from() {
    let mut mutator = fuzz::Mutator::new(fuzz::seed() ^ 3, &[], 16);
    let report = fuzz::fuzz(
        "calendar-round-trip",
        100,
        |mutator| mutator.rng.random::<u64>().to_le_bytes().to_vec(),
        &mut mutator,
        |_| 32 * 1024 * 1024,
        |seed| {
            use rand::SeedableRng;
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(u64::from_le_bytes(
                seed.try_into().expect("eight bytes"),
            ));
            let mut cohort = Cohort::new();
            let mut planned = Vec::new();
            for _ in 0..rng.random_range(1..6) {
                let id = EventId::random();
                let on = day(&format!(
                    "2026-{:02}-{:02}",
                    rng.random_range(1..=12),
                    rng.random_range(1..=28)
                ));
                let details = EventDetails {
                    kind: *EventKind::ALL.choose(&mut rng).expect("kinds"),
                    title: awkward_text(&mut rng),
                    start_day: on,
                    start_time: ClockTime::parse(&format!("{}:30", rng.random_range(6..12)))
                        .expect("a time"),
                    end_day: on,
                    end_time: ClockTime::parse(&format!("{}:00", rng.random_range(13..23)))
                        .expect("a time"),
                    place: awkward_text(&mut rng),
                    online_link: String::new(),
                    host: None,
                    audience: Audience::All,
                    capacity: None,
                    minutes: 60,
                    description: awkward_text(&mut rng),
                };
                if cohort.apply(Command::CreateEvent { id, details }).is_ok() {
                    planned.push(id);
                }
            }
            let programme = cohort.document.programme();
            let text = programme_ics(programme, 1_780_000_000, |kind| kind.code().to_string());
            // RFC 5545 asks for lines of at most 75 bytes. The icalendar
            // crate (0.17) lets the last piece of a folded line reach 76
            // (the leading space plus 75); every reader unfolds it.
            for line in text.split("\r\n") {
                let limit = if line.starts_with(' ') { 76 } else { 75 };
                assert!(line.len() <= limit, "a calendar line is too long: {line:?}");
            }
            let calendar: Calendar = text.parse().expect("the export is valid iCalendar");
            let events: Vec<&icalendar::Event> = calendar
                .components
                .iter()
                .filter_map(|component| match component {
                    CalendarComponent::Event(event) => Some(event),
                    _ => None,
                })
                .collect();
            assert_eq!(events.len(), planned.len(), "every event is in the file");
            for id in &planned {
                let event = &programme.events[id];
                let uid = tandem_core::event_uid(*id);
                let entry = events
                    .iter()
                    .find(|e| e.get_uid() == Some(uid.as_str()))
                    .expect("each event keeps its UID");
                let summary = entry.get_summary().unwrap_or_default();
                assert_eq!(summary, event.details.title, "the title reads back");
                let location = entry.get_location().unwrap_or_default();
                assert_eq!(location, event.details.place, "the place reads back");
            }
            !planned.is_empty()
        },
    );
    assert!(report.accepted > 0);
}
