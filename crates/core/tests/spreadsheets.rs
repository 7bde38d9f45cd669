//! Importing people from the spreadsheets coordinators keep, and exporting
//! people and tandems for Excel.

mod common;

use std::collections::BTreeSet;

use common::{day, Cohort};
use tandem_core::{
    decode_spreadsheet, people_csv, tandems_csv, Command, ImportField, ImportPlan, ImportProblem,
    MeetingFormat, PersonId, Role, RowVerdict, TandemId,
};

const SHEET: &str = "Vorname;Nachname;Rolle;Organisation;E-Mail;Telefon;Themen;Format;Beworben am\r\n\
Miriam;Beispiel;Mentee;Stadt Köln;miriam@example.org;0221 123456;Führung, Haushalt;online;31.12.2025\r\n\
Klaus;Muster;Mentor;Landeshauptstadt Düsseldorf;klaus@example.org;;Führung;Präsenz;02.01.2026\r\n\
Jana;Exempel;Mentee;Stadt Bonn;jana@example.org;;;;\r\n\
Ute;Vorbild;Mentorin;Stadt Köln;ute(at)example.org;;;;\r\n\
;;Mentee;Stadt Köln;;;;;\r\n\
Tom;Referent;Praktikant;Stadt Köln;;;;;\r\n\
Miriam;Beispiel;Mentee;Stadt Köln;MIRIAM@example.org;;;;\r\n";

fn ids() -> impl FnMut() -> PersonId {
    PersonId::random
}

#[test]
fn a_german_excel_sheet_is_read_with_its_columns_recognised() {
    let cohort = Cohort::new();
    let plan = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    assert_eq!(plan.mapping[0], Some(ImportField::FirstName));
    assert_eq!(plan.mapping[2], Some(ImportField::Role));
    assert_eq!(plan.mapping[8], Some(ImportField::AppliedOn));
    let miriam = &plan.rows[0];
    assert_eq!(miriam.details.name, "Miriam Beispiel");
    assert_eq!(miriam.details.role, Role::Mentee);
    assert_eq!(miriam.details.organisation, Some(cohort.koeln));
    assert_eq!(miriam.details.topics, vec!["Führung", "Haushalt"]);
    assert_eq!(miriam.details.meeting_format, MeetingFormat::Online);
    assert_eq!(miriam.applied_on, Some(day("2025-12-31")));
    assert_eq!(miriam.verdict, RowVerdict::Ready);
    assert_eq!(plan.rows[1].details.meeting_format, MeetingFormat::InPerson);
}

#[test]
fn every_bad_row_is_reported_with_its_line_and_problem() {
    let cohort = Cohort::new();
    let plan = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    let by_line = |line: usize| plan.rows.iter().find(|row| row.line == line).unwrap();
    assert_eq!(
        by_line(4).problems,
        vec![ImportProblem::OrganisationUnknown("Stadt Bonn".into())]
    );
    assert_eq!(by_line(4).verdict, RowVerdict::Invalid);
    assert_eq!(
        by_line(5).problems,
        vec![ImportProblem::EmailInvalid("ute(at)example.org".into())]
    );
    assert_eq!(
        by_line(5).details.role,
        Role::Mentor,
        "Mentorin is a mentor"
    );
    assert_eq!(by_line(6).problems, vec![ImportProblem::NameMissing]);
    assert_eq!(by_line(6).verdict, RowVerdict::Unusable);
    assert_eq!(
        by_line(7).problems,
        vec![ImportProblem::RoleUnknown("Praktikant".into())]
    );
    assert_eq!(by_line(8).problems, vec![ImportProblem::DuplicateInFile(2)]);
    assert_eq!(plan.count(RowVerdict::Ready), 2);
    assert_eq!(plan.count(RowVerdict::Invalid), 2);
    assert_eq!(plan.count(RowVerdict::Unusable), 3);
}

#[test]
fn only_ready_rows_are_imported_unless_the_coordinator_includes_an_invalid_one() {
    let mut cohort = Cohort::new();
    let plan = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    let include: BTreeSet<usize> = [5].into();
    cohort.apply(plan.command(&include, ids())).unwrap();
    let programme = cohort.document.programme();
    let mut names: Vec<&str> = programme
        .people
        .values()
        .map(|p| p.details.name.as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["Klaus Muster", "Miriam Beispiel", "Ute Vorbild"]
    );
    let ute = programme
        .people
        .values()
        .find(|p| p.details.name == "Ute Vorbild")
        .unwrap();
    assert_eq!(ute.details.email, "", "the faulty address is left out");
    assert_eq!(
        ute.application.applied_on, None,
        "no date in the row: unknown, never the day of the import"
    );
}

#[test]
fn importing_the_same_sheet_again_adds_nobody_twice() {
    let mut cohort = Cohort::new();
    let plan = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    cohort.apply(plan.command(&BTreeSet::new(), ids())).unwrap();
    let again = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    // Lines 2 and 3, and line 8 (Miriam again, her address in capitals).
    assert_eq!(again.count(RowVerdict::AlreadyPresent), 3);
    assert_eq!(again.count(RowVerdict::Ready), 0);
    cohort
        .apply(again.command(&BTreeSet::new(), ids()))
        .unwrap();
    assert_eq!(cohort.document.programme().people.len(), 2);
}

#[test]
fn a_windows_1252_sheet_with_umlauts_is_read_correctly() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252
        .encode("Name;Rolle;Organisation\r\nJürgen Weiß;Mentor;Stadt Köln\r\n");
    let text = decode_spreadsheet(&bytes);
    let cohort = Cohort::new();
    let plan = ImportPlan::read(&text, cohort.document.programme()).unwrap();
    assert_eq!(plan.rows[0].details.name, "Jürgen Weiß");
    assert_eq!(plan.rows[0].details.organisation, Some(cohort.koeln));
}

#[test]
fn a_utf8_sheet_with_byte_order_mark_and_commas_is_read_correctly() {
    let text = decode_spreadsheet(
        "\u{feff}Name,Role,Organisation\nJürgen Weiß,mentor,stadt köln\n".as_bytes(),
    );
    let cohort = Cohort::new();
    let plan = ImportPlan::read(&text, cohort.document.programme()).unwrap();
    assert_eq!(plan.headers[0], "Name");
    assert_eq!(plan.rows[0].details.name, "Jürgen Weiß");
    assert_eq!(plan.rows[0].verdict, RowVerdict::Ready);
}

#[test]
fn a_sheet_without_a_name_column_or_without_anything_is_refused() {
    let cohort = Cohort::new();
    let programme = cohort.document.programme();
    assert_eq!(
        ImportPlan::read("Rolle;Ort\nMentee;Köln\n", programme)
            .unwrap_err()
            .code(),
        "import-no-name-column"
    );
    assert_eq!(
        ImportPlan::read("  \n", programme).unwrap_err().code(),
        "import-empty"
    );
}

#[test]
fn the_coordinator_can_map_a_column_by_hand() {
    let cohort = Cohort::new();
    let text = "Teilnehmende;Typ\nMiriam Beispiel;Mentee\n";
    assert!(ImportPlan::read(text, cohort.document.programme()).is_err());
    let plan = ImportPlan::read_with(
        text,
        cohort.document.programme(),
        Some(vec![Some(ImportField::Name), Some(ImportField::Role)]),
    )
    .unwrap();
    assert_eq!(plan.rows[0].details.name, "Miriam Beispiel");
    assert_eq!(plan.rows[0].verdict, RowVerdict::Ready);
}

#[test]
fn the_people_export_opens_in_german_excel_and_reads_back_in() {
    let mut cohort = Cohort::new();
    let plan = ImportPlan::read(SHEET, cohort.document.programme()).unwrap();
    cohort.apply(plan.command(&BTreeSet::new(), ids())).unwrap();
    let csv = people_csv(
        cohort.document.programme(),
        |c| header_de(c.code()),
        term_de,
    );
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "a byte order mark tells Excel it is UTF-8"
    );
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.split("\r\n");
    assert!(lines
        .next()
        .unwrap()
        .starts_with("\u{feff}Name;Rolle;Anrede;Organisation"));
    assert!(text.contains("Klaus Muster;Mentor:in;;Landeshauptstadt Düsseldorf"));
    assert!(text.contains("31.12.2025"));

    // Another coordinator's programme with the same partners reads it back.
    let other = Cohort::new();
    let back = ImportPlan::read(
        &decode_spreadsheet(text.as_bytes()),
        other.document.programme(),
    )
    .unwrap();
    assert_eq!(back.count(RowVerdict::Ready), 2, "{:?}", back.rows);
    assert_eq!(back.rows[0].details.organisation, Some(other.duesseldorf));
}

#[test]
fn a_name_that_looks_like_a_formula_is_exported_as_text() {
    let mut cohort = Cohort::new();
    cohort.applicant("=HYPERLINK(\"x\")", Role::Mentee, cohort.koeln);
    let text = String::from_utf8(people_csv(
        cohort.document.programme(),
        |c| c.code().to_string(),
        |t| t.to_string(),
    ))
    .unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
}

#[test]
fn the_tandem_export_names_both_partners_and_how_it_ended() {
    let mut cohort = Cohort::new();
    let mentee = cohort.accepted("Miriam Beispiel", Role::Mentee, cohort.koeln);
    let mentor = cohort.accepted("Klaus Muster", Role::Mentor, cohort.duesseldorf);
    let id = TandemId::random();
    cohort
        .apply(Command::CreateTandem {
            id,
            mentee,
            mentor,
            co_mentor: None,
            start: day("2026-02-01"),
            planned_end: day("2027-04-30"),
        })
        .unwrap();
    cohort
        .apply(Command::EndTandem {
            id,
            ending: tandem_core::TandemEnding::Early {
                reason: "Umzug".into(),
            },
            on: day("2026-09-30"),
        })
        .unwrap();
    let text = String::from_utf8(tandems_csv(
        cohort.document.programme(),
        |c| c.code().to_string(),
        term_de,
    ))
    .unwrap();
    assert!(
        text.contains("Miriam Beispiel;Stadt Köln;Klaus Muster;Landeshauptstadt Düsseldorf;;01.02.2026;30.04.2027;vorzeitig beendet;30.09.2026;Umzug"),
        "{text}"
    );
}

fn header_de(code: &str) -> String {
    match code {
        "name" => "Name",
        "role" => "Rolle",
        "salutation" => "Anrede",
        "organisation" => "Organisation",
        "email" => "E-Mail",
        "applied-on" => "Beworben am",
        other => other,
    }
    .to_string()
}

fn term_de(code: &str) -> String {
    match code {
        "role-mentee" => "Mentee",
        "role-mentor" => "Mentor:in",
        "tandem-status-ended-early" => "vorzeitig beendet",
        other => other,
    }
    .to_string()
}

#[test]
fn a_cohort_kept_in_a_spreadsheet_comes_in_where_it_stands() {
    let mut cohort = Cohort::new();
    let sheet = "Name;Rolle;Organisation;Stand\n\
        Miriam Beispiel;Mentee;Stadt Köln;angenommen\n\
        Jana Exempel;Mentee;Stadt Köln;Warteliste\n\
        Klaus Muster;Mentor;Landeshauptstadt Düsseldorf;\n\
        Ute Vorbild;Mentorin;Landeshauptstadt Düsseldorf;zurückgezogen\n";
    let plan = ImportPlan::read(sheet, cohort.document.programme()).unwrap();
    assert_eq!(plan.mapping[3], Some(ImportField::Stage));
    assert_eq!(
        plan.rows[3].problems,
        vec![ImportProblem::StageUnknown("zurückgezogen".into())]
    );
    cohort.apply(plan.command(&BTreeSet::new(), ids())).unwrap();
    let stage = |name: &str| {
        let programme = cohort.document.programme();
        programme
            .people
            .values()
            .find(|p| p.details.name == name)
            .map(|p| p.application.stage)
    };
    assert_eq!(stage("Miriam Beispiel"), Some(tandem_core::Stage::Accepted));
    assert_eq!(stage("Jana Exempel"), Some(tandem_core::Stage::Waitlisted));
    assert_eq!(stage("Klaus Muster"), Some(tandem_core::Stage::Applied));
    assert_eq!(
        stage("Ute Vorbild"),
        None,
        "an unknown stage is not imported without the coordinator's say"
    );
}

#[test]
fn the_headers_german_offices_write_for_the_application_date_are_recognised() {
    for header in [
        "Bewerbung am",
        "Eingangsdatum",
        "Bewerbungseingang",
        "Eingang am",
        "Datum der Bewerbung",
        "Beworben am",
    ] {
        assert_eq!(
            ImportField::guess(header),
            Some(ImportField::AppliedOn),
            "{header}"
        );
    }
    assert_eq!(
        ImportField::guess("Amtsbezeichnung"),
        Some(ImportField::Position)
    );
    assert_eq!(
        ImportField::guess("Sachgebiet"),
        Some(ImportField::Department)
    );
    assert_eq!(ImportField::guess("Mobilnummer"), Some(ImportField::Phone));
}

#[test]
fn a_birth_date_column_is_left_out_with_a_note_and_the_application_date_taken() {
    let mut cohort = Cohort::new();
    let sheet = "Name;Geburtsdatum;Eingangsdatum;Rolle;Organisation\r\n\
                 Miriam Beispiel;03.04.1988;12.01.2026;Mentee;Stadt Köln\r\n\
                 Klaus Muster;17.09.1971;;Mentor;Landeshauptstadt Düsseldorf\r\n";
    let plan = ImportPlan::read(sheet, cohort.document.programme()).unwrap();
    assert_eq!(plan.mapping[1], None, "the birth date is not mapped");
    assert_eq!(
        plan.set_aside,
        vec![tandem_core::SetAside {
            header: "Geburtsdatum".into(),
            reason: "not-needed"
        }]
    );
    cohort.apply(plan.command(&BTreeSet::new(), ids())).unwrap();
    let programme = cohort.document.programme();
    let applied = |name: &str| {
        programme
            .people
            .values()
            .find(|person| person.details.name == name)
            .map(|person| person.application.applied_on)
    };
    assert_eq!(applied("Miriam Beispiel"), Some(Some(day("2026-01-12"))));
    assert_eq!(applied("Klaus Muster"), Some(None), "no date: unknown");
    let csv = String::from_utf8(people_csv(
        programme,
        |c| c.code().to_string(),
        |t| t.to_string(),
    ))
    .unwrap();
    assert!(!csv.contains("1988"), "the birth date went nowhere: {csv}");
}
