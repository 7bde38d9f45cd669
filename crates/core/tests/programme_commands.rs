//! The rules for starting and changing a programme.

use tandem_core::ProgrammeError;
use tandem_core::{
    Author, Command, CommandError, Day, LoadError, NewProgramme, PartnerId, ProgrammeDocument,
    ProgrammeKind,
};

fn day(text: &str) -> Day {
    Day::parse(text).expect("test dates are valid")
}

fn duesseldorf_koeln() -> NewProgramme {
    NewProgramme {
        name: "  Cross-Mentoring   Düsseldorf–Köln ".into(),
        kind: ProgrammeKind::CrossMentoring,
        start: day("2026-02-01"),
        end: day("2027-04-30"),
        partners: vec!["Stadt Düsseldorf".into(), "Stadt Köln".into()],
    }
}

#[test]
fn a_new_programme_keeps_its_name_dates_and_partners() {
    let anna = Author::new("Anna Beispiel");
    let document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let programme = document.programme();
    assert_eq!(programme.name, "Cross-Mentoring Düsseldorf–Köln");
    assert_eq!(programme.kind, ProgrammeKind::CrossMentoring);
    assert_eq!(programme.start, day("01.02.2026"));
    assert_eq!(programme.end, day("30.04.2027"));
    assert_eq!(
        programme.partner_names(),
        vec!["Stadt Düsseldorf", "Stadt Köln"]
    );
}

#[test]
fn a_programme_without_a_name_is_refused() {
    let mut new = duesseldorf_koeln();
    new.name = "   ".into();
    let refused = ProgrammeDocument::create(&Author::new("Anna"), new).unwrap_err();
    assert_eq!(
        refused,
        CommandError::Programme(ProgrammeError::NameMissing)
    );
}

#[test]
fn a_programme_that_ends_before_it_starts_is_refused() {
    let mut new = duesseldorf_koeln();
    new.end = day("2026-01-31");
    let refused = ProgrammeDocument::create(&Author::new("Anna"), new).unwrap_err();
    assert_eq!(refused.code(), "ends-before-start");
}

#[test]
fn the_same_organisation_cannot_be_a_partner_twice() {
    let mut new = duesseldorf_koeln();
    new.partners.push("stadt köln".into());
    let refused = ProgrammeDocument::create(&Author::new("Anna"), new).unwrap_err();
    assert_eq!(
        refused,
        CommandError::Programme(ProgrammeError::PartnerTwice("stadt köln".into()))
    );
}

#[test]
fn an_overlong_name_is_refused() {
    let mut new = duesseldorf_koeln();
    new.name = "M".repeat(201);
    let refused = ProgrammeDocument::create(&Author::new("Anna"), new).unwrap_err();
    assert_eq!(refused, CommandError::NameTooLong);
}

#[test]
fn adding_a_partner_is_recorded_with_its_author() {
    let anna = Author::new("Anna Beispiel");
    let mut document =
        ProgrammeDocument::create_at(&anna, 1_700_000_000, duesseldorf_koeln()).unwrap();
    let bernd = Author::new("Bernd Muster");
    let bonn = PartnerId::random();
    document
        .apply(
            &bernd,
            1_700_000_100,
            Command::AddPartner {
                id: bonn,
                name: "Bundesstadt Bonn".into(),
            },
        )
        .unwrap();
    let programme = document.programme();
    assert_eq!(programme.partners[&bonn].name, "Bundesstadt Bonn");

    let history = document.history();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].name, "Anna Beispiel");
    assert_eq!(history[0].command, "create-programme");
    assert_eq!(history[1].coordinator(), Some(bernd.id));
    assert_eq!(history[1].command, "add-partner");
    assert_eq!(history[1].at, 1_700_000_100);
}

#[test]
fn a_refused_command_leaves_the_document_as_it_was() {
    let anna = Author::new("Anna");
    let mut document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let before = document.save();
    let refused = document.apply(
        &anna,
        0,
        Command::SetDates {
            start: day("2026-05-01"),
            end: day("2026-04-01"),
        },
    );
    assert!(matches!(refused, Err(CommandError::EndsBeforeStart { .. })));
    assert_eq!(document.save(), before);
    assert_eq!(document.history().len(), 1);
}

#[test]
fn renaming_an_unknown_partner_is_refused() {
    let anna = Author::new("Anna");
    let mut document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let refused = document
        .apply(
            &anna,
            0,
            Command::RenamePartner {
                id: PartnerId::random(),
                name: "Bonn".into(),
            },
        )
        .unwrap_err();
    assert_eq!(refused, CommandError::UnknownPartner);
}

#[test]
fn a_partner_can_be_renamed_but_not_onto_another_partner() {
    let anna = Author::new("Anna");
    let mut document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let programme = document.programme();
    let (&koeln, _) = programme
        .partners
        .iter()
        .find(|(_, p)| p.name == "Stadt Köln")
        .unwrap();
    let refused = document
        .apply(
            &anna,
            0,
            Command::RenamePartner {
                id: koeln,
                name: "Stadt Düsseldorf".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        refused,
        CommandError::Programme(ProgrammeError::PartnerTwice("Stadt Düsseldorf".into()))
    );
    document
        .apply(
            &anna,
            0,
            Command::RenamePartner {
                id: koeln,
                name: "Stadt Köln (Gleichstellungsstelle)".into(),
            },
        )
        .unwrap();
    assert_eq!(
        document.programme().partners[&koeln].name,
        "Stadt Köln (Gleichstellungsstelle)"
    );
}

#[test]
fn a_snapshot_followed_by_incremental_chunks_loads_as_one_programme() {
    let anna = Author::new("Anna");
    let mut document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let mut stored = document.save();
    for city in ["Bonn", "Essen", "Duisburg"] {
        document
            .apply(
                &anna,
                0,
                Command::AddPartner {
                    id: PartnerId::random(),
                    name: format!("Stadt {city}"),
                },
            )
            .unwrap();
        stored.extend(document.save_incremental());
    }
    assert!(
        document.save_incremental().is_empty(),
        "nothing changed since the last chunk"
    );
    let loaded = ProgrammeDocument::load(&stored).unwrap();
    assert_eq!(loaded.programme(), document.programme());
    assert_eq!(loaded.programme().partners.len(), 5);
}

#[test]
fn damaged_bytes_are_refused_with_a_reason() {
    let anna = Author::new("Anna");
    let mut document = ProgrammeDocument::create(&anna, duesseldorf_koeln()).unwrap();
    let mut bytes = document.save();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    assert!(ProgrammeDocument::load(&bytes).is_err());
    assert_eq!(
        ProgrammeDocument::load(b"not a programme").unwrap_err(),
        LoadError::Damaged
    );
}

#[test]
fn an_automerge_document_that_is_not_a_programme_is_refused() {
    let empty = automerge::Automerge::new().save();
    assert_eq!(
        ProgrammeDocument::load(&empty).unwrap_err(),
        LoadError::NotAProgramme
    );
}

#[test]
fn a_programme_from_a_newer_tandem_is_refused_as_too_new() {
    use automerge::transaction::Transactable;
    let mut doc = automerge::Automerge::new();
    doc.transact(|tx| tx.put(automerge::ROOT, "format", 99_u64))
        .unwrap();
    assert_eq!(
        ProgrammeDocument::load(&doc.save()).unwrap_err(),
        LoadError::TooNew(99)
    );
}
