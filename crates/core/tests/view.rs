//! The programme's materialised view: it shows exactly what the document
//! holds, and is used only when it names the document's state.

mod common;

use common::{day, Cohort};
use tandem_core::{
    Attached, Author, Command, Contents, Decision, ExchangeFile, PersonId, ProgrammeDocument,
    ProgrammeView, Role, TandemId, ViewError,
};

const NOW: i64 = 1_770_000_000;

/// A programme with people, a tandem and a value two coordinators set at
/// the same time, saved as the app stores it.
fn programme() -> (ProgrammeDocument, Vec<u8>) {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    cohort
        .apply(Command::CreateTandem {
            id: TandemId::random(),
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-03-01"),
            planned_end: day("2027-03-01"),
        })
        .unwrap();
    let waiting = cohort.applicant("Wanda Warteliste", Role::Mentee, cohort.koeln);

    // Another coordinator decides about the same applicant meanwhile.
    let bytes = cohort.document.save();
    let mut other = ProgrammeDocument::load(&bytes).unwrap();
    other
        .apply(
            &Author::new("Karla Köln"),
            NOW,
            Command::Decide {
                person: waiting,
                decision: Decision::Waitlist,
                on: day("2026-01-21"),
            },
        )
        .unwrap();
    cohort
        .apply(Command::Decide {
            person: waiting,
            decision: Decision::Accept,
            on: day("2026-01-22"),
        })
        .unwrap();
    let file = ExchangeFile::decode(&other.export("", NOW, Contents::Whole, &[]).encode()).unwrap();
    let preview = cohort.document.preview(&file).unwrap();
    cohort.document.merge(preview).unwrap();
    let bytes = cohort.document.save();
    (cohort.document, bytes)
}

fn chunks() -> Vec<String> {
    vec!["p/0-snapshot/a".into(), "p/1-incremental/b".into()]
}

#[test]
fn a_view_read_back_shows_the_programme_the_document_holds() {
    let (document, bytes) = programme();
    assert!(
        !document.conflicts().is_empty(),
        "the fixture has a conflict"
    );
    let view = ProgrammeView::decode(&ProgrammeView::of(&document, &chunks()).encode()).unwrap();
    let hydrated = ProgrammeDocument::load(&bytes).unwrap();
    assert_eq!(view.programme(), hydrated.programme());
    assert_eq!(view.conflicts(), hydrated.conflicts().as_slice());
    assert_eq!(view.heads(), {
        let mut heads = hydrated.heads();
        heads.sort();
        heads
    });
    assert!(view.made_from(&["p/1-incremental/b".into(), "p/0-snapshot/a".into()]));
    assert!(!view.made_from(&["p/0-snapshot/a".into()]));
}

#[test]
fn attaching_the_same_state_takes_the_model_from_the_view() {
    let (document, bytes) = programme();
    let view = ProgrammeView::of(&document, &chunks());
    let (attached, how) = view.attach(&bytes).unwrap();
    assert_eq!(how, Attached::FromView);
    let hydrated = ProgrammeDocument::load(&bytes).unwrap();
    assert_eq!(attached.programme(), hydrated.programme());
    assert_eq!(attached.conflicts(), hydrated.conflicts());
    assert!(attached.is_saved());

    // The attached document takes commands like one loaded afresh.
    let mut attached = attached;
    let person = *attached.programme().people.keys().next().unwrap();
    let mut details = attached.programme().people[&person].details.clone();
    details.phone = "0211 123456".into();
    attached
        .apply(
            &Author::new("Petra Probe"),
            NOW,
            Command::UpdatePerson {
                id: person,
                details,
            },
        )
        .unwrap();
    assert!(!attached.is_saved());
    let reloaded = ProgrammeDocument::load(&attached.save()).unwrap();
    assert_eq!(reloaded.programme(), attached.programme());
    assert_eq!(
        reloaded.programme().people[&person].details.phone,
        "0211 123456"
    );
}

#[test]
fn a_view_of_other_heads_is_not_used() {
    let (mut document, _) = programme();
    let view = ProgrammeView::of(&document, &chunks());
    // Another tab adds someone after the view was written.
    let added = PersonId::random();
    document
        .apply(
            &Author::new("Karla Köln"),
            NOW,
            Command::AddPerson {
                id: added,
                details: Cohort::details(
                    "Nina Neu",
                    Role::Mentor,
                    *document.programme().partners.keys().next().unwrap(),
                ),
                applied_on: day("2026-01-12"),
            },
        )
        .unwrap();
    let bytes = document.save();
    let (attached, how) = view.attach(&bytes).unwrap();
    assert_eq!(how, Attached::FromDocument);
    assert!(attached.programme().people.contains_key(&added));
    assert_eq!(
        attached.programme(),
        ProgrammeDocument::load(&bytes).unwrap().programme()
    );
}

#[test]
fn a_damaged_view_is_refused_and_the_document_still_opens() {
    let (document, bytes) = programme();
    let encoded = ProgrammeView::of(&document, &chunks()).encode();
    for at in [0, 4, 10, 40, encoded.len() / 2, encoded.len() - 1] {
        let mut damaged = encoded.clone();
        damaged[at] ^= 0x5a;
        assert!(
            ProgrammeView::decode(&damaged).is_err(),
            "a byte changed at {at}"
        );
    }
    assert!(ProgrammeView::decode(&encoded[..encoded.len() - 3]).is_err());
    assert!(ProgrammeView::decode(b"").is_err());
    assert_eq!(
        ProgrammeView::decode(&{
            let mut other = encoded.clone();
            other[4] = 99;
            other
        }),
        Err(ViewError::OtherFormat)
    );
    // A view stored by the version before (format 1, SHA-256) is passed
    // by: the document is loaded and a new view written.
    let mut earlier = encoded[..5].to_vec();
    earlier[4] = 1;
    earlier.extend_from_slice(&[0; 32]);
    earlier.extend_from_slice(&encoded[9..]);
    assert_eq!(ProgrammeView::decode(&earlier), Err(ViewError::OtherFormat));
    // Nothing is lost: the document is the truth.
    assert_eq!(
        ProgrammeDocument::load(&bytes).unwrap().programme(),
        document.programme()
    );
}

#[test]
fn a_view_does_not_attach_to_damaged_bytes() {
    let (document, bytes) = programme();
    let view = ProgrammeView::of(&document, &chunks());
    assert!(view.attach(&bytes[..bytes.len() / 2]).is_err());
}
