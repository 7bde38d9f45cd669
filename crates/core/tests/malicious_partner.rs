//! A partner's app can be modified to write anything into the shared
//! document. What it sends is input: refused or flagged, and the programme
//! here always opens and every page's data still renders.

mod common;

use std::collections::BTreeMap;

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};
use common::{day, Cohort};
use tandem_core::{
    invariants, people_csv, programme_ics, tandems_csv, Audience, ClockTime, Command, Contents,
    Dashboard, EventDetails, EventId, EventKind, ExchangeError, ExchangeFile, Invariant,
    ProgrammeDocument, Report, ReportFilter, Role, Settle,
};

/// A cohort with a person and an event a partner can tamper with.
fn cohort() -> (Cohort, tandem_core::PersonId, EventId) {
    let mut cohort = Cohort::new();
    let miriam = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let event = EventId::random();
    cohort
        .apply(Command::CreateEvent {
            id: event,
            details: EventDetails {
                kind: EventKind::Workshop,
                title: "Auftakt".into(),
                start_day: day("2026-03-10"),
                start_time: ClockTime::parse("09:00").unwrap(),
                end_day: day("2026-03-10"),
                end_time: ClockTime::parse("12:00").unwrap(),
                place: String::new(),
                online_link: "https://meet.example.org/auftakt".into(),
                host: None,
                audience: Audience::All,
                capacity: Some(20),
                minutes: 180,
                description: String::new(),
            },
        })
        .unwrap();
    (cohort, miriam, event)
}

/// The map at `keys` below `obj`.
fn at(tx: &Transaction<'_>, obj: &ObjId, keys: &[&str]) -> ObjId {
    let mut obj = obj.clone();
    for key in keys {
        obj = match tx.get(&obj, *key).unwrap() {
            Some((automerge::Value::Object(_), child)) => child,
            other => panic!("no map at {key}: {other:?}"),
        };
    }
    obj
}

/// Changes a modified partner app would send: written straight into the
/// Automerge document, past every command.
fn forged(
    document: &ProgrammeDocument,
    edit: impl FnOnce(&mut Transaction<'_>, &ObjId),
) -> Vec<u8> {
    let mut raw = Automerge::load(&document.clone().save()).unwrap();
    let heads = raw.get_heads();
    let mut tx = raw.transaction();
    let programme = at(&tx, &ROOT, &["programme"]);
    edit(&mut tx, &programme);
    tx.commit();
    raw.save_after(&heads)
}

/// Everything the journey's pages read from a programme still computes.
fn pages_render(document: &ProgrammeDocument) {
    let programme = document.programme();
    let _ = Dashboard::of(programme);
    let _ = Report::of(programme, &ReportFilter::default(), &BTreeMap::new());
    let _ = programme.certificates();
    let _ = people_csv(programme, |c| c.code().to_string(), |t| t.to_string());
    let _ = tandems_csv(programme, |c| c.code().to_string(), |t| t.to_string());
    let _ = programme_ics(programme, 0, |kind| kind.code().to_string());
    let _ = document.conflicts();
    for event in programme.events.values() {
        if let Some(link) = event.details.web_link() {
            assert!(link.starts_with("https://") || link.starts_with("http://"));
        }
    }
}

/// The forged changes are refused by file and by live delivery alike, and
/// the programme here is as it was and opens.
fn refused(cohort: &mut Cohort, bytes: &[u8]) -> String {
    let before = cohort.document.programme().clone();
    let heads = cohort.document.heads();
    let error = cohort
        .document
        .merge_bytes(bytes)
        .expect_err("the changes are refused");
    let ExchangeError::Refused(reason) = &error else {
        panic!("refused with a reason, not {error:?}");
    };
    assert_eq!(cohort.document.heads(), heads, "nothing was merged");
    assert_eq!(cohort.document.programme(), &before);
    // By file: previewed from the changes' metadata, refused when merged
    // (step by step), with the same reason.
    let mut file = ExchangeFile::new(
        cohort.document.id(),
        "Cross-Mentoring",
        Contents::Changes,
        "Petra Probe",
        0,
        Vec::new(),
        bytes.to_vec(),
    );
    let exported = cohort
        .document
        .export("Petra Probe", 0, Contents::Changes, &[]);
    file.header.generation = exported.header.generation;
    let preview = cohort.document.preview(&file).expect("the changes read");
    let by_file = cohort
        .document
        .merge(preview)
        .expect_err("the file is refused");
    assert_eq!(by_file.args(), vec![("reason", reason.clone())]);
    assert_eq!(cohort.document.heads(), heads, "nothing was merged");
    assert_eq!(cohort.document.programme(), &before);
    let mut live = tandem_core::LiveSync::new(heads.clone());
    assert!(live.receive(&mut cohort.document, bytes.to_vec()).is_err());
    assert_eq!(cohort.document.heads(), heads);
    let opened = ProgrammeDocument::load(&cohort.document.save()).expect("the programme opens");
    assert_eq!(opened.programme(), &before);
    pages_render(&opened);
    reason.clone()
}

#[test]
fn a_change_to_an_unknown_document_format_is_refused_with_a_message() {
    let (mut cohort, _, _) = cohort();
    let bytes = forged(&cohort.document, |tx, _| {
        tx.put(ROOT, "format", 99_u64).unwrap();
    });
    let reason = refused(&mut cohort, &bytes);
    assert!(reason.contains("format to 99"), "{reason}");
    // A format that is no number at all is refused as well.
    let bytes = forged(&cohort.document, |tx, _| {
        tx.put(ROOT, "format", "zwei").unwrap();
    });
    refused(&mut cohort, &bytes);
}

#[test]
fn a_javascript_link_is_refused_and_never_rendered_as_a_link() {
    let (mut cohort, _, event) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let details = at(tx, programme, &["events", &event.to_string(), "details"]);
        tx.put(&details, "online_link", "javascript:alert(document.cookie)")
            .unwrap();
    });
    let reason = refused(&mut cohort, &bytes);
    assert!(reason.contains("link"), "{reason}");
    let mut details = cohort.document.programme().events[&event].details.clone();
    details.online_link = "javascript:alert(1)".into();
    assert_eq!(details.web_link(), None);
    details.online_link = "https://meet.example.org/x".into();
    assert_eq!(details.web_link(), Some("https://meet.example.org/x"));
}

#[test]
fn a_ten_megabyte_name_is_refused() {
    let (mut cohort, miriam, _) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let details = at(tx, programme, &["people", &miriam.to_string(), "details"]);
        tx.put(&details, "name", "M".repeat(10 * 1024 * 1024))
            .unwrap();
    });
    let reason = refused(&mut cohort, &bytes);
    assert!(reason.contains("too long"), "{reason}");
}

#[test]
fn a_name_with_a_line_break_is_refused_as_it_would_reach_calendar_files_and_mail_headers() {
    let (mut cohort, miriam, event) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let details = at(tx, programme, &["people", &miriam.to_string(), "details"]);
        tx.put(&details, "name", "Miriam\r\nBcc: alle@example.org")
            .unwrap();
    });
    assert!(refused(&mut cohort, &bytes).contains("line break"));
    let bytes = forged(&cohort.document, |tx, programme| {
        let details = at(tx, programme, &["events", &event.to_string(), "details"]);
        tx.put(&details, "title", "Auftakt\r\nEND:VEVENT").unwrap();
    });
    assert!(refused(&mut cohort, &bytes).contains("line break"));
}

#[test]
fn a_negative_capacity_is_refused_and_the_programme_still_opens() {
    let (mut cohort, _, _) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let rules = at(tx, programme, &["rules"]);
        tx.put(&rules, "mentor_capacity", ScalarValue::Int(-1))
            .unwrap();
    });
    refused(&mut cohort, &bytes);
}

#[test]
fn a_date_beyond_any_calendar_is_refused() {
    let (mut cohort, miriam, _) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let application = at(
            tx,
            programme,
            &["people", &miriam.to_string(), "application"],
        );
        tx.put(&application, "decided_on", "9999-12-31").unwrap();
    });
    assert!(refused(&mut cohort, &bytes).contains("out of range"));
}

#[test]
fn an_e_mail_address_that_is_none_is_refused() {
    let (mut cohort, miriam, _) = cohort();
    let bytes = forged(&cohort.document, |tx, programme| {
        let details = at(tx, programme, &["people", &miriam.to_string(), "details"]);
        tx.put(&details, "email", "x@y.de>\r\nTo: alle@example.org")
            .unwrap();
    });
    refused(&mut cohort, &bytes);
}

#[test]
fn a_tandem_naming_a_person_who_does_not_exist_is_listed_and_settled_by_dissolving_it() {
    let (mut cohort, miriam, _) = cohort();
    let ghost = tandem_core::PersonId::random();
    let id = tandem_core::TandemId::random();
    let bytes = forged(&cohort.document, |tx, programme| {
        let tandems = at(tx, programme, &["tandems"]);
        let tandem = tx
            .put_object(&tandems, id.to_string(), ObjType::Map)
            .unwrap();
        tx.put(&tandem, "mentee", miriam.to_string()).unwrap();
        tx.put(&tandem, "mentor", ghost.to_string()).unwrap();
        tx.put(&tandem, "co_mentor", ScalarValue::Null).unwrap();
        tx.put(&tandem, "start", "2026-02-01").unwrap();
        tx.put(&tandem, "planned_end", "2027-01-31").unwrap();
        tx.put(&tandem, "status", "Active").unwrap();
        tx.put(&tandem, "ended_on", ScalarValue::Null).unwrap();
        tx.put(&tandem, "end_reason", ScalarValue::Null).unwrap();
    });
    // Structurally a tandem: it is merged, and the broken rule listed with
    // its way to settle.
    cohort.document.merge_bytes(&bytes).unwrap();
    let violations = invariants(cohort.document.programme());
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].invariant, Invariant::TandemMembers);
    assert!(violations[0].settle.contains(&Settle::DissolveTandem(id)));
    assert_eq!(cohort.document.conflicts().len(), 1);
    pages_render(&cohort.document);
    let opened = ProgrammeDocument::load(&cohort.document.save()).unwrap();
    assert_eq!(opened.conflicts(), cohort.document.conflicts());
    // The tandem is not built on: Miriam gets no certificate period from it.
    cohort.apply(Command::DissolveTandem { id }).unwrap();
    assert!(invariants(cohort.document.programme()).is_empty());
}

#[test]
fn a_partner_file_with_forged_changes_is_refused_before_anything_changes() {
    let (mut cohort, miriam, _) = cohort();
    let partner = cohort.document.clone();
    let bytes = forged(&partner, |tx, programme| {
        let details = at(tx, programme, &["people", &miriam.to_string(), "details"]);
        tx.put(&details, "name", "").unwrap();
    });
    let mut tampered = partner.clone();
    tampered.merge_bytes(&bytes).expect_err("refused there too");
    let file = tandem_core::ExchangeFile::new(
        cohort.document.id(),
        "Cross-Mentoring",
        Contents::Changes,
        "Mallory",
        0,
        Vec::new(),
        bytes,
    );
    // The preview lists the changes from their metadata; what they do to
    // the programme is read and checked when merging, before anything
    // here changes.
    let preview = cohort
        .document
        .preview(&file)
        .expect("the changes read as changes");
    let before = cohort.document.programme().clone();
    let heads = cohort.document.heads();
    let error = cohort
        .document
        .merge(preview)
        .expect_err("the forged change is refused");
    // Told as the preview would have told it.
    assert_eq!(error.code(), "exchange-refused", "{error}");
    assert!(error.to_string().contains("refused"), "{error}");
    assert_eq!(cohort.document.heads(), heads);
    assert_eq!(cohort.document.programme(), &before);
}

#[test]
fn a_forged_application_form_with_a_header_in_its_title_or_a_broken_link_is_refused() {
    let (mut cohort, _, _) = cohort();
    cohort
        .apply(Command::PublishIntakeForm {
            form: tandem_core::IntakeForm::new(
                "Bewerbung 2026",
                day("2026-03-31"),
                tandem_core::IntakeSecrets::new([1; 16], [2; 32], [3; 32]),
            ),
            today: day("2026-01-05"),
        })
        .unwrap();
    let bytes = forged(&cohort.document, |tx, programme| {
        let form = at(tx, programme, &["intake"]);
        tx.put(&form, "title", "Bewerbung\r\nBcc: alle@example.org")
            .unwrap();
    });
    let reason = refused(&mut cohort, &bytes);
    assert!(reason.contains("application form"), "{reason}");
    let bytes = forged(&cohort.document, |tx, programme| {
        let secrets = at(tx, programme, &["intake", "secrets"]);
        tx.put(&secrets, "key_secret", "zu kurz").unwrap();
    });
    refused(&mut cohort, &bytes);
    // An earlier inbox's keys that could not open anything.
    let bytes = forged(&cohort.document, |tx, programme| {
        let keys = at(tx, programme, &["intake", "inbox_keys"]);
        let inbox = tx.put_object(&keys, "09".repeat(16), ObjType::Map).unwrap();
        tx.put(&inbox, "key_secret", "zu kurz").unwrap();
        tx.put(&inbox, "reader", "0a".repeat(32)).unwrap();
    });
    let reason = refused(&mut cohort, &bytes);
    assert!(reason.contains("inbox keys"), "{reason}");
    // A receipt's mark with a day beyond any calendar.
    let bytes = forged(&cohort.document, |tx, programme| {
        let receipts = tx
            .put_object(programme, "intake_receipts", ObjType::Map)
            .unwrap();
        let note = tx.put_object(&receipts, "K7QF-9M2D", ObjType::Map).unwrap();
        tx.put(&note, "outcome", "Declined").unwrap();
        tx.put(&note, "on", "9999-12-31").unwrap();
    });
    refused(&mut cohort, &bytes);
}
