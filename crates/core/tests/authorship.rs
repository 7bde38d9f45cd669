//! Who made a change, when a partner's device may write any name: the
//! name a change gives itself counts only once the signed delivery of the
//! device behind it held the change (`Provenance`), and a device never
//! takes in a file that puts changes in its own name.

mod common;

use common::{day, Cohort};
use tandem_core::{
    Author, ChosenValue, Command, Conflict, Contents, Decision, ExchangeFile, ProgrammeDocument,
    Provenance, Replica, Role,
};

const NOW: i64 = 1_770_000_000;
const DUESSELDORF: [u8; 32] = [0xd5; 32];
const KOELN: [u8; 32] = [0x4b; 32];

fn file(document: &ProgrammeDocument) -> ExchangeFile {
    ExchangeFile::decode(&document.export("", NOW, Contents::Whole, &[]).encode()).unwrap()
}

/// Köln's browser, joined by an invitation, editing as Köln's device.
fn koeln_of(duesseldorf: &Cohort) -> ProgrammeDocument {
    let invite = duesseldorf
        .document
        .export("Petra Probe", NOW, Contents::Invite, &[]);
    let mut koeln =
        ProgrammeDocument::join(&ExchangeFile::decode(&invite.encode()).unwrap()).unwrap();
    koeln.act_as_device(&KOELN);
    koeln
}

fn rename(document: &mut ProgrammeDocument, by: &str, name: &str) -> Vec<u8> {
    let before = document.heads();
    document
        .apply(&Author::new(by), NOW, Command::Rename { name: name.into() })
        .unwrap();
    document.changes_after(&before)
}

#[test]
fn a_change_in_another_coordinators_name_is_checked_only_as_its_own_devices() {
    let mut duesseldorf = Cohort::new();
    duesseldorf.document.act_as_device(&DUESSELDORF);
    let mut koeln = koeln_of(&duesseldorf);
    let mut seen_in_koeln = Provenance::new();

    // Düsseldorf's device writes a change that names Karla from Köln as
    // its coordinator, and pushes it signed by itself.
    let forged = rename(&mut duesseldorf.document, "Karla Köln", "Umbenannt");
    seen_in_koeln.vouch(&DUESSELDORF, &forged);
    koeln.merge_changes(&forged).unwrap();
    let note = koeln.history().pop().unwrap();
    assert_eq!(note.name, "Karla Köln", "the name the change gives itself");
    assert_eq!(
        seen_in_koeln.made_by(&note.actor, note.seq),
        Some(DUESSELDORF[..16].to_vec()),
        "the device that signed it, whatever name it gives"
    );

    // The same change passed on by Köln's device is not Köln's.
    let mut seen_elsewhere = Provenance::new();
    assert_eq!(seen_elsewhere.vouch(&KOELN, &forged), 0);
    assert_eq!(seen_elsewhere.made_by(&note.actor, note.seq), None);
}

#[test]
fn a_file_that_puts_changes_in_this_devices_name_is_recognised() {
    let mut duesseldorf = Cohort::new();
    duesseldorf.document.act_as_device(&DUESSELDORF);
    let mut koeln = koeln_of(&duesseldorf);
    rename(&mut koeln, "Karla Köln", "Von Köln");
    duesseldorf
        .document
        .merge_changes(&koeln.save_after(&[]))
        .unwrap();

    // A file of Köln's own changes, passed back: nothing new in its name.
    let back = koeln.preview(&file(&duesseldorf.document)).unwrap();
    assert!(!back.claims_device(&KOELN));

    // Düsseldorf writes the next change under Köln's actor.
    let mut forger = ProgrammeDocument::load(&duesseldorf.document.save()).unwrap();
    forger.act_as_device(&KOELN);
    rename(&mut forger, "Karla Köln", "Gefälscht");
    let forged = koeln.preview(&file(&forger)).unwrap();
    assert!(
        forged.claims_device(&KOELN),
        "a change Köln never made, in its name"
    );
    assert!(!forged.claims_device(&DUESSELDORF));

    // Düsseldorf's own changes are no claim on Köln.
    rename(&mut duesseldorf.document, "Petra Probe", "Von Düsseldorf");
    let own = koeln.preview(&file(&duesseldorf.document)).unwrap();
    assert!(!own.claims_device(&KOELN));
}

#[test]
fn each_value_set_at_once_names_the_change_that_set_it() {
    let mut duesseldorf = Cohort::new();
    duesseldorf.document.act_as_device(&DUESSELDORF);
    let miriam = duesseldorf.applicant("Miriam Beispiel", Role::Mentee, duesseldorf.koeln);
    let mut koeln = koeln_of(&duesseldorf);
    let preview = koeln.preview(&file(&duesseldorf.document)).unwrap();
    koeln.merge(preview).unwrap();
    duesseldorf
        .apply(Command::Decide {
            person: miriam,
            decision: Decision::Accept,
            on: day("2026-01-20"),
        })
        .unwrap();
    koeln
        .apply(
            &Author::new("Karla Köln"),
            NOW,
            Command::Decide {
                person: miriam,
                decision: Decision::Decline,
                on: day("2026-01-20"),
            },
        )
        .unwrap();
    let preview = koeln.preview(&file(&duesseldorf.document)).unwrap();
    koeln.merge(preview).unwrap();

    let history = koeln.history();
    let values = koeln
        .conflicts()
        .into_iter()
        .find_map(|conflict| match conflict {
            Conflict::ConcurrentValues { values, .. }
                if values
                    .iter()
                    .any(|value| value.value == ChosenValue::Text("Declined".into())) =>
            {
                Some(values)
            }
            _ => None,
        })
        .unwrap();
    for value in &values {
        let note = history
            .iter()
            .find(|note| note.actor == value.actor && note.seq == value.seq)
            .unwrap_or_else(|| panic!("no change of {value:?}"));
        assert_eq!(note.name, value.author);
        assert_eq!(note.command, "decide");
    }
    let actors: Vec<&str> = values.iter().map(|value| value.actor.as_str()).collect();
    assert!(actors
        .iter()
        .any(|actor| actor.starts_with(&hex(&KOELN[..16]))));
    assert!(actors
        .iter()
        .any(|actor| actor.starts_with(&hex(&DUESSELDORF[..16]))));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
