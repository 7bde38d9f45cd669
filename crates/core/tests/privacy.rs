//! Privacy by design: real erasure by a new document generation, files of a
//! retired generation refused, a partner's own edits carried over, consent
//! records, retention and the access report.

mod common;

use common::{day, Cohort};
use tandem_core::PrivacyError;
use tandem_core::{
    access_report, due_for_erasure, keep_until, may_be_named, may_be_processed, Arrival,
    AttendanceStatus, Audience, Author, ClockTime, Command, CommandError, ConsentRecord,
    ConsentWay, Contents, ErasureReason, EventDetails, EventId, EventKind, ExchangeError,
    NotTakenIn, PersonId, ProgrammeDocument, Role, TandemId,
};

const ERASED: &str = "Zoë Vergessenwerden";
const EARLIER_NAME: &str = "Zoe Frühername";
const EMAIL: &str = "zoe.vergessen@example.org";
const NOTE: &str = "Gesprächsnotiz: möchte ins Ordnungsamt";

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

struct World {
    cohort: Cohort,
    erased: PersonId,
    mentor: PersonId,
    other_mentee: PersonId,
    tandem: TandemId,
    event: EventId,
}

fn consent(given: &str) -> ConsentRecord {
    ConsentRecord {
        processing: true,
        photos: false,
        named_in_reports: true,
        given_on: day(given),
        way: ConsentWay::PaperForm,
        recorded_by: "Petra Probe".into(),
        withdrawn_on: None,
    }
}

/// A mentee with a history of names, notes, a tandem, attendance, a fixed
/// pair, a certificate and a consent record; a mentor and another mentee.
fn world() -> World {
    let mut cohort = Cohort::new();
    let (duesseldorf, koeln) = (cohort.duesseldorf, cohort.koeln);
    let erased = cohort.accepted(EARLIER_NAME, Role::Mentee, duesseldorf);
    let mentor = cohort.accepted("Hilde Mentorin", Role::Mentor, koeln);
    let other_mentee = cohort.accepted("Ida Bleibt", Role::Mentee, duesseldorf);
    let mut details = cohort.document.programme().people[&erased].details.clone();
    details.name = ERASED.into();
    details.email = EMAIL.into();
    details.notes = NOTE.into();
    cohort
        .apply(Command::UpdatePerson {
            id: erased,
            details,
        })
        .unwrap();
    let tandem = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id: tandem,
            mentee: erased,
            mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
    cohort
        .apply(Command::ExcludePair {
            mentee: other_mentee,
            mentor,
        })
        .ok();
    let event = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: event,
            details: EventDetails {
                kind: EventKind::KickOff,
                title: "Auftakt".into(),
                start_day: day("2026-02-05"),
                start_time: ClockTime::parse("17:00").unwrap(),
                end_day: day("2026-02-05"),
                end_time: ClockTime::parse("20:00").unwrap(),
                place: "Rathaus".into(),
                online_link: String::new(),
                host: None,
                audience: Audience::All,
                capacity: None,
                minutes: 180,
                description: String::new(),
            },
        })
        .unwrap();
    for person in [erased, mentor, other_mentee] {
        cohort
            .apply(Command::MarkAttendance {
                event,
                person,
                status: AttendanceStatus::Attended,
            })
            .unwrap();
    }
    cohort
        .apply(Command::GrantCertificate {
            person: erased,
            reason: "Krankheit, Stunden nachgeholt".into(),
            on: day("2027-04-30"),
        })
        .unwrap();
    cohort
        .apply(Command::RecordConsent {
            person: erased,
            consent: consent("2026-01-15"),
        })
        .unwrap();
    World {
        cohort,
        erased,
        mentor,
        other_mentee,
        tandem,
        event,
    }
}

#[test]
fn forgetting_a_person_leaves_no_byte_of_them_in_the_new_generation() {
    let world = world();
    let old_bytes = world.cohort.document.save_uncompressed();
    assert!(
        contains(&old_bytes, EARLIER_NAME),
        "the old history keeps the earlier name"
    );
    assert!(contains(&old_bytes, ERASED));

    let erasure = world
        .cohort
        .document
        .forget(&world.cohort.coordinator, 1_780_000_000, world.erased)
        .unwrap();
    let mut next = erasure.document;
    assert_eq!(erasure.tandems, vec![world.tandem]);

    let programme = next.programme();
    assert!(!programme.people.contains_key(&world.erased));
    assert!(programme.people.contains_key(&world.mentor));
    assert!(programme.people.contains_key(&world.other_mentee));
    assert!(programme.tandems.is_empty());
    assert!(!programme.events[&world.event]
        .attendance
        .contains_key(&world.erased));
    assert_eq!(programme.events[&world.event].attendance.len(), 2);
    assert!(programme.certificate_grants.is_empty());
    assert!(programme.consents.is_empty());

    let id = world.erased.to_string();
    for bytes in [next.save_uncompressed(), next.save()] {
        for needle in [ERASED, EARLIER_NAME, EMAIL, NOTE, "Vergessen", id.as_str()] {
            assert!(!contains(&bytes, needle), "„{needle}“ is still stored");
        }
    }
    // What is left reads back as the same programme.
    let reloaded = ProgrammeDocument::load(&next.save()).unwrap();
    assert_eq!(reloaded.programme(), next.programme());
    assert_eq!(reloaded.generation(), next.generation());
}

#[test]
fn a_new_generation_names_the_one_it_replaced_and_retires_all_before() {
    let world = world();
    let first = world.cohort.document.generation();
    assert!(!first.id.is_empty());
    assert_eq!(first.replaces, None);
    let author = &world.cohort.coordinator;
    let second = world
        .cohort
        .document
        .forget(author, 1, world.erased)
        .unwrap()
        .document;
    let third = second.forget(author, 2, world.mentor).unwrap().document;
    assert_eq!(
        second.generation().replaces.as_deref(),
        Some(first.id.as_str())
    );
    assert_eq!(second.generation().retired, vec![first.id.clone()]);
    assert_eq!(
        third.generation().retired,
        vec![first.id.clone(), second.generation().id]
    );
    assert_eq!(
        second.id(),
        world.cohort.document.id(),
        "the programme stays the same"
    );
}

#[test]
fn a_file_of_the_retired_generation_is_refused_and_the_new_one_untouched() {
    let world = world();
    let author = &world.cohort.coordinator;
    let next = world
        .cohort
        .document
        .forget(author, 1, world.erased)
        .unwrap()
        .document;
    for contains in [Contents::Changes, Contents::Whole] {
        let old_file = world.cohort.document.export("Ben", 2, contains, &[]);
        assert_eq!(
            next.preview(&old_file).err(),
            Some(ExchangeError::RetiredGeneration)
        );
        let decoded = tandem_core::ExchangeFile::decode(&old_file.encode()).unwrap();
        assert_eq!(
            next.preview(&decoded).err(),
            Some(ExchangeError::RetiredGeneration)
        );
    }
    // Even without a generation in the header (an older file), the two
    // share no history and the merge is refused.
    let mut headless = world.cohort.document.export("Ben", 2, Contents::Whole, &[]);
    headless.header.generation = None;
    headless.header.retires.clear();
    assert_eq!(
        next.preview(&headless).err(),
        Some(ExchangeError::NoCommonHistory)
    );
}

#[test]
fn a_coordinator_on_the_old_generation_moves_over_with_their_own_unsynced_edits() {
    let world = world();
    let anna = world.cohort.coordinator.clone();
    let ben = Author::new("Ben Partner");
    // Ben has the programme as it was before the erasure.
    let mut bens = ProgrammeDocument::load(&world.cohort.document.clone().save()).unwrap();
    let next = world
        .cohort
        .document
        .forget(&anna, 100, world.erased)
        .unwrap()
        .document;

    // Meanwhile Ben changes the mentor's position, adds a new applicant,
    // edits the erased person's notes and writes her name into another note.
    let mut mentor = bens.programme().people[&world.mentor].details.clone();
    mentor.position = "Amtsleiterin".into();
    bens.apply(
        &ben,
        200,
        Command::UpdatePerson {
            id: world.mentor,
            details: mentor,
        },
    )
    .unwrap();
    let newcomer = PersonId::random();
    bens.apply(
        &ben,
        201,
        Command::AddPerson {
            id: newcomer,
            details: Cohort::details("Nora Neu", Role::Mentee, world.cohort.koeln),
            applied_on: day("2026-03-01"),
        },
    )
    .unwrap();
    let mut gone = bens.programme().people[&world.erased].details.clone();
    gone.notes = "Nachtrag nach dem Gespräch".into();
    bens.apply(
        &ben,
        202,
        Command::UpdatePerson {
            id: world.erased,
            details: gone,
        },
    )
    .unwrap();
    let mut other = bens.programme().people[&world.other_mentee].details.clone();
    other.notes = format!("kennt {ERASED} aus dem Studium");
    bens.apply(
        &ben,
        203,
        Command::UpdatePerson {
            id: world.other_mentee,
            details: other,
        },
    )
    .unwrap();

    // Ben opens Anna's file of the new generation: it is recognised.
    let file = next.export("Anna", 300, Contents::Whole, &[]);
    assert_eq!(
        bens.preview(&file).err(),
        Some(ExchangeError::NewerGeneration)
    );
    let (mut moved, carried) = bens.move_to(&ben, 301, &file).unwrap();
    assert!(carried.values >= 2, "{carried:?}");
    assert!(carried.left_behind >= 2, "{carried:?}");

    let programme = moved.programme();
    assert_eq!(
        programme.people[&world.mentor].details.position,
        "Amtsleiterin"
    );
    assert_eq!(programme.people[&newcomer].details.name, "Nora Neu");
    assert!(!programme.people.contains_key(&world.erased));
    assert_eq!(programme.people[&world.other_mentee].details.notes, "");
    assert_eq!(moved.generation(), next.generation());
    for bytes in [moved.save_uncompressed(), moved.save()] {
        assert!(!contains(&bytes, ERASED));
        assert!(!contains(&bytes, &world.erased.to_string()));
    }

    // Anna merges what Ben carried over: the same generation, one history.
    let mut annas = ProgrammeDocument::load(&next.clone().save()).unwrap();
    let changes = moved.export("Ben", 302, Contents::Changes, &annas.heads());
    let preview = annas.preview(&changes).unwrap();
    annas.merge(preview).unwrap();
    assert_eq!(annas.programme(), moved.programme());
}

#[test]
fn carrying_over_onto_a_generation_that_did_not_replace_this_one_is_refused() {
    let world = world();
    let author = &world.cohort.coordinator;
    let unrelated = Cohort::new().document;
    let mut next = unrelated.forget(author, 1, PersonId::random()).err();
    assert_eq!(next.take(), Some(CommandError::UnknownPerson));
    let mut second = world
        .cohort
        .document
        .forget(author, 1, world.erased)
        .unwrap()
        .document;
    assert_eq!(
        unrelated
            .carry_over(author, 2, &mut second)
            .err()
            .map(|e| e.code()),
        Some("generation-not-successor")
    );
}

#[test]
fn consent_is_recorded_with_when_and_how_and_withdrawal_makes_the_person_due_for_erasure() {
    let mut world = world();
    let today = day("2026-06-01");
    assert!(due_for_erasure(world.cohort.document.programme(), today).is_empty());
    assert!(may_be_named(
        world.cohort.document.programme(),
        world.erased
    ));
    assert!(!may_be_named(
        world.cohort.document.programme(),
        world.mentor
    ));

    let mut withdrawn = consent("2026-01-15");
    withdrawn.withdrawn_on = Some(day("2026-05-20"));
    world
        .cohort
        .apply(Command::RecordConsent {
            person: world.erased,
            consent: withdrawn,
        })
        .unwrap();
    let programme = world.cohort.document.programme();
    assert!(!may_be_named(programme, world.erased));
    let due = due_for_erasure(programme, today);
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].person, world.erased);
    assert_eq!(due[0].reason, ErasureReason::ConsentWithdrawn);
    assert_eq!(due[0].since, day("2026-05-20"));

    let mut backwards = consent("2026-01-15");
    backwards.withdrawn_on = Some(day("2026-01-01"));
    assert_eq!(
        world.cohort.apply(Command::RecordConsent {
            person: world.erased,
            consent: backwards,
        }),
        Err(CommandError::Privacy(PrivacyError::WithdrawnBeforeGiven))
    );
    assert_eq!(
        world.cohort.apply(Command::RecordConsent {
            person: PersonId::random(),
            consent: consent("2026-01-15"),
        }),
        Err(CommandError::UnknownPerson)
    );
    // The record survives saving and loading.
    let reloaded = ProgrammeDocument::load(&world.cohort.document.save()).unwrap();
    assert_eq!(
        reloaded.programme().consents[&world.erased].withdrawn_on,
        Some(day("2026-05-20"))
    );
}

#[test]
fn after_the_retention_period_everyone_is_due_for_erasure() {
    let mut world = world();
    // The programme ends on 30 April 2027.
    assert_eq!(keep_until(world.cohort.document.programme()), None);
    world
        .cohort
        .apply(Command::SetRetention { months: Some(10) })
        .unwrap();
    let programme = world.cohort.document.programme();
    assert_eq!(keep_until(programme), Some(day("2028-02-29")));
    assert!(due_for_erasure(programme, day("2028-02-29")).is_empty());
    let due = due_for_erasure(programme, day("2028-03-01"));
    assert_eq!(due.len(), 3);
    assert!(due
        .iter()
        .all(|entry| entry.reason == ErasureReason::RetentionOver
            && entry.since == day("2028-03-01")));
    assert_eq!(
        world
            .cohort
            .apply(Command::SetRetention { months: Some(121) }),
        Err(CommandError::Privacy(PrivacyError::RetentionTooLong))
    );
}

#[test]
fn the_access_report_holds_current_data_earlier_values_tandems_attendance_and_pages() {
    let world = world();
    let heading = |key: &str| match key {
        "access-title" => "Auskunft".to_string(),
        "access-history" => "Frühere Werte".to_string(),
        other => other.to_string(),
    };
    let pages = vec![tandem_core::PageContent {
        goals: vec!["Führungsrolle übernehmen".into()],
        meetings: vec!["12.03.2026 · 60 min · Bewerbung".into()],
    }];
    let report = access_report(
        &world.cohort.document,
        world.erased,
        &pages,
        &heading,
        &given,
    )
    .unwrap();
    for expected in [
        "Auskunft",
        ERASED,
        EARLIER_NAME,
        EMAIL,
        NOTE,
        "Petra Probe",
        "Hilde Mentorin",
        "Auftakt",
        "Krankheit, Stunden nachgeholt",
        "Führungsrolle übernehmen",
        "Bewerbung",
        "access-consent-processing",
    ] {
        assert!(report.contains(expected), "the report lacks „{expected}“");
    }
    assert!(
        !report.contains("Ida Bleibt"),
        "nobody else's data is in it"
    );
    let history = world.cohort.document.field_history(world.erased);
    let names: Vec<&str> = history
        .iter()
        .filter(|value| value.field == "details.name")
        .map(|value| value.value.as_str())
        .collect();
    assert_eq!(names, vec![EARLIER_NAME, ERASED]);
    assert!(access_report(
        &world.cohort.document,
        PersonId::random(),
        &[],
        &heading,
        &given
    )
    .is_none());
}

/// Who changed a value, as the change names itself.
fn given(value: &tandem_core::EarlierValue) -> String {
    value.by.clone()
}

#[test]
fn the_access_report_names_who_changed_a_value_as_the_app_checked_it() {
    let world = world();
    let history = world.cohort.document.field_history(world.erased);
    let first = history.first().unwrap();
    assert!(!first.actor.is_empty() && first.seq > 0);
    // The app names the member list's coordinator for a change whose
    // device vouched for it, whatever name the change gives itself.
    let checked = |value: &tandem_core::EarlierValue| {
        if value.actor == first.actor && value.seq == first.seq {
            "Karla Köln (Stadt Köln) ✓".to_string()
        } else {
            format!("{} (nicht geprüft)", value.by)
        }
    };
    let report = access_report(
        &world.cohort.document,
        world.erased,
        &[],
        &|key| key.to_string(),
        &checked,
    )
    .unwrap();
    assert!(report.contains("Karla Köln (Stadt Köln) ✓"));
    assert!(report.contains("Petra Probe (nicht geprüft)"));
}

#[test]
fn text_in_the_report_is_escaped() {
    let mut cohort = Cohort::new();
    let id = cohort.applicant("<script>alert(1)</script>", Role::Mentee, cohort.koeln);
    let report = access_report(&cohort.document, id, &[], &|key| key.to_string(), &given).unwrap();
    assert!(!report.contains("<script>"));
    assert!(report.contains("&lt;script&gt;"));
}

#[test]
fn once_consent_is_withdrawn_the_person_is_in_no_export_and_gets_no_certificate() {
    let mut world = world();
    let name = world.cohort.document.programme().people[&world.erased]
        .details
        .name
        .clone();
    let csv = |world: &World| {
        String::from_utf8(tandem_core::people_csv(
            world.cohort.document.programme(),
            |column| column.code().to_string(),
            |code| code.to_string(),
        ))
        .unwrap()
    };
    assert!(csv(&world).contains(&name));
    assert!(world
        .cohort
        .document
        .programme()
        .certificate(world.erased)
        .is_some());
    assert!(may_be_processed(
        world.cohort.document.programme(),
        world.erased
    ));
    // Someone without a consent record (an older programme) is processed.
    assert!(may_be_processed(
        world.cohort.document.programme(),
        world.mentor
    ));

    let mut withdrawn = consent("2026-01-15");
    withdrawn.withdrawn_on = Some(day("2026-05-20"));
    world
        .cohort
        .apply(Command::RecordConsent {
            person: world.erased,
            consent: withdrawn,
        })
        .unwrap();
    let programme = world.cohort.document.programme();
    assert!(!may_be_processed(programme, world.erased));
    assert!(!csv(&world).contains(&name), "the export leaves her out");
    assert!(programme.certificate(world.erased).is_none());
    assert!(programme
        .certificates()
        .iter()
        .all(|certificate| certificate.person != world.erased));
    // The others are still exported.
    let mentor = programme.people[&world.mentor].details.name.clone();
    assert!(csv(&world).contains(&mentor));
}

#[test]
fn a_programme_arriving_by_link_is_told_apart_from_the_one_already_here() {
    let world = world();
    let author = &world.cohort.coordinator;
    let here = world.cohort.document.generation();
    // The same programme, as a partner's room holds it.
    let copy = ProgrammeDocument::load(&world.cohort.document.clone().save()).unwrap();
    assert_eq!(Arrival::of(&here, &copy.generation()), Arrival::AlreadyHere);
    // A newer and an older generation of it: neither replaces the other by
    // a link.
    let newer = world
        .cohort
        .document
        .forget(author, 1, world.erased)
        .unwrap()
        .document
        .generation();
    assert_eq!(Arrival::of(&here, &newer), Arrival::OtherGeneration);
    assert_eq!(Arrival::of(&newer, &here), Arrival::OtherGeneration);
    // Another genesis: a programme made elsewhere.
    let elsewhere = Cohort::new().document.generation();
    assert_eq!(Arrival::of(&here, &elsewhere), Arrival::OtherGenesis);
}

#[test]
fn a_device_admitted_to_a_room_merges_it_into_its_own_copy_of_the_same_generation_only() {
    let mut room = world().cohort;
    // Köln's copy came by a partner's file and was edited apart from the
    // room; the room went on meanwhile.
    let mut koeln = Cohort {
        document: ProgrammeDocument::load(&room.document.save()).unwrap(),
        coordinator: Author::new("Karla Köln"),
        duesseldorf: room.duesseldorf,
        koeln: room.koeln,
    };
    let offline = koeln.applicant("Olga Offline", Role::Mentee, koeln.koeln);
    let online = room.applicant("Rita Raum", Role::Mentor, room.duesseldorf);
    let ours = koeln.document.heads();

    let arrived = koeln.document.take_in_admitted(&room.document).unwrap();
    assert!(arrived >= 1, "the room's change arrived");
    let programme = koeln.document.programme();
    assert!(programme.people.contains_key(&online));
    assert!(
        programme.people.contains_key(&offline),
        "what Köln made stays"
    );
    // What Köln made is what the room lacks: sent from then on.
    assert!(room.document.count_after(&room.document.heads()) == 0);
    assert!(koeln.document.count_after(&room.document.heads()) >= 1);
    assert_eq!(koeln.document.count_after(&ours), arrived);

    // Another generation (after an erasure) and another genesis change
    // nothing here.
    let before = koeln.document.heads();
    let newer = room
        .document
        .forget(&room.coordinator, 1, online)
        .unwrap()
        .document;
    assert_eq!(
        koeln.document.take_in_admitted(&newer),
        Err(NotTakenIn::Arrival(Arrival::OtherGeneration))
    );
    assert_eq!(
        koeln.document.take_in_admitted(&Cohort::new().document),
        Err(NotTakenIn::Arrival(Arrival::OtherGenesis))
    );
    assert_eq!(koeln.document.heads(), before);
}

#[test]
fn a_room_whose_changes_break_a_rule_is_not_merged_into_the_copy_here() {
    let mut room = world().cohort;
    let mut here = ProgrammeDocument::load(&room.document.save()).unwrap();
    let before = here.heads();
    // A partner's modified app wrote a name with a line break in the room.
    let person = *room.document.programme().people.keys().next().unwrap();
    let mut raw = automerge::Automerge::load(&room.document.save()).unwrap();
    {
        use automerge::transaction::Transactable;
        use automerge::ReadDoc;
        let mut tx = raw.transaction();
        let mut obj = automerge::ROOT;
        for key in ["programme", "people", &person.to_string(), "details"] {
            obj = match tx.get(&obj, key).unwrap() {
                Some((automerge::Value::Object(_), child)) => child,
                other => panic!("no map at {key}: {other:?}"),
            };
        }
        tx.put(&obj, "name", "Zoë\nBCC: alle@example.org").unwrap();
        tx.commit();
    }
    let hostile = ProgrammeDocument::load(&raw.save()).unwrap();
    let refused = here.take_in_admitted(&hostile);
    assert!(
        matches!(refused, Err(NotTakenIn::Refused(ExchangeError::Refused(_)))),
        "{refused:?}"
    );
    assert_eq!(here.heads(), before, "nothing was merged");
}
