//! CSV import of people from the spreadsheets coordinators keep.
//!
//! Excel's German export separates fields with `;`, is Windows-1252 or
//! UTF-8 with a byte order mark, and writes dates as `31.12.2025`. Importing
//! happens in two steps: [`ImportPlan::read`] shows the column mapping and
//! every row's problems before anything is written; [`ImportPlan::command`]
//! then imports the rows that are ready, and the invalid ones only where the
//! coordinator said so (their faulty fields left empty). People already in
//! the programme are recognised, so importing the same file twice adds
//! nobody twice.

use std::collections::{BTreeMap, BTreeSet};

use crate::command::{Command, ImportedPerson};
use crate::model::coded_enum;
use crate::model::day::Day;
use crate::model::ids::PersonId;
use crate::model::person::{MeetingFormat, Person, PersonDetails, Role, Stage};
use crate::model::programme::Programme;
use crate::rules::people::{clean_list, is_email, is_phone};

/// A field of a person that a spreadsheet column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportField {
    Name,
    FirstName,
    LastName,
    Role,
    Salutation,
    Organisation,
    Department,
    Position,
    Email,
    Phone,
    Topics,
    Goal,
    Motivation,
    Availability,
    MeetingFormat,
    Languages,
    Location,
    AppliedOn,
    Stage,
}

coded_enum! {
    ImportField {
        Name => "name",
        FirstName => "first-name",
        LastName => "last-name",
        Role => "role",
        Salutation => "salutation",
        Organisation => "organisation",
        Department => "department",
        Position => "position",
        Email => "email",
        Phone => "phone",
        Topics => "topics",
        Goal => "goal",
        Motivation => "motivation",
        Availability => "availability",
        MeetingFormat => "meeting-format",
        Languages => "languages",
        Location => "location",
        AppliedOn => "applied-on",
        Stage => "stage",
    }
}

impl ImportField {
    /// The field a column header most likely means, in German or English.
    pub fn guess(header: &str) -> Option<Self> {
        let key: String = header
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let field = match key.as_str() {
            "name" | "vollständigername" | "fullname" | "namevorname" => ImportField::Name,
            "vorname" | "firstname" | "givenname" => ImportField::FirstName,
            "nachname" | "familienname" | "lastname" | "surname" | "familyname" => {
                ImportField::LastName
            }
            "rolle" | "role" | "rolleimprogramm" | "teilnahmeals" => ImportField::Role,
            "anrede" | "pronomen" | "anredepronomen" | "salutation" | "pronoun" | "pronouns" => {
                ImportField::Salutation
            }
            "organisation"
            | "organization"
            | "verwaltung"
            | "kommune"
            | "stadt"
            | "dienststelle"
            | "partner"
            | "partnerorganisation"
            | "arbeitgeber"
            | "employer" => ImportField::Organisation,
            "abteilung"
            | "amt"
            | "fachbereich"
            | "referat"
            | "sachgebiet"
            | "organisationseinheit"
            | "department" => ImportField::Department,
            "position" | "funktion" | "stelle" | "amtsbezeichnung" | "dienstbezeichnung"
            | "jobtitle" | "jobtitel" => ImportField::Position,
            "email" | "emailadresse" | "mail" | "mailadresse" | "emaildienstlich"
            | "emailaddress" => ImportField::Email,
            "telefon" | "tel" | "telefonnummer" | "telefondienstlich" | "phone" | "mobil"
            | "mobilnummer" | "handy" | "phonenumber" => ImportField::Phone,
            "themen" | "interessen" | "themeninteressen" | "topics" | "interests" => {
                ImportField::Topics
            }
            "ziel" | "ziele" | "entwicklungsziel" | "goal" | "developmentgoal" => ImportField::Goal,
            "motivation" => ImportField::Motivation,
            "verfügbarkeit" | "zeit" | "availability" => ImportField::Availability,
            "format" | "treffen" | "treffformat" | "meetingformat" | "bevorzugtesformat" => {
                ImportField::MeetingFormat
            }
            "sprachen" | "languages" | "sprache" => ImportField::Languages,
            "ort" | "wohnort" | "standort" | "location" | "city" | "arbeitsort" => {
                ImportField::Location
            }
            "beworbenam" | "bewerbungsdatum" | "bewerbungvom" | "bewerbungam"
            | "bewerbungseingang" | "eingang" | "eingangam" | "eingangsdatum" | "eingegangenam"
            | "datumderbewerbung" | "anmeldedatum" | "anmeldungam" | "appliedon"
            | "applicationdate" | "dateofapplication" => ImportField::AppliedOn,
            "stand" | "status" | "stage" | "bewerbungsstatus" | "bewerbungsstand" => {
                ImportField::Stage
            }
            _ => return None,
        };
        Some(field)
    }
}

/// A column Tandem recognises and deliberately does not take over, with
/// the reason (a code under which the app says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The column's header as the file writes it.
    pub header: String,
    pub reason: &'static str,
}

/// Why a recognised column is not imported: a programme needs no birth
/// date (or age, or nationality) to match tandems, and what it does not
/// need it does not keep (GDPR Art. 5(1)(c), data minimisation).
fn set_aside(header: &str) -> Option<&'static str> {
    let key: String = header
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match key.as_str() {
        "geburtsdatum"
        | "geboren"
        | "gebam"
        | "geburtstag"
        | "dateofbirth"
        | "birthdate"
        | "birthday"
        | "alter"
        | "age"
        | "staatsangehörigkeit"
        | "nationality" => Some("not-needed"),
        _ => None,
    }
}

/// Why a spreadsheet cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has no column for the name")]
    NoNameColumn,
    #[error("the file cannot be read as CSV: {0}")]
    Unreadable(String),
}

impl ImportError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Empty => "import-empty",
            ImportError::NoNameColumn => "import-no-name-column",
            ImportError::Unreadable(_) => "import-unreadable",
        }
    }
}

/// Something wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    NameMissing,
    RoleUnknown(String),
    OrganisationUnknown(String),
    EmailInvalid(String),
    PhoneInvalid(String),
    DateInvalid(String),
    FormatUnknown(String),
    StageUnknown(String),
    /// The same person appears earlier in the file, at this line.
    DuplicateInFile(usize),
}

impl ImportProblem {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            ImportProblem::NameMissing => "name-missing",
            ImportProblem::RoleUnknown(_) => "role-unknown",
            ImportProblem::OrganisationUnknown(_) => "organisation-unknown",
            ImportProblem::EmailInvalid(_) => "email-invalid",
            ImportProblem::PhoneInvalid(_) => "phone-invalid",
            ImportProblem::DateInvalid(_) => "date-invalid",
            ImportProblem::FormatUnknown(_) => "format-unknown",
            ImportProblem::StageUnknown(_) => "stage-unknown",
            ImportProblem::DuplicateInFile(_) => "duplicate-in-file",
        }
    }

    /// The value the message quotes.
    pub fn value(&self) -> String {
        match self {
            ImportProblem::NameMissing => String::new(),
            ImportProblem::DuplicateInFile(line) => line.to_string(),
            ImportProblem::RoleUnknown(value)
            | ImportProblem::OrganisationUnknown(value)
            | ImportProblem::EmailInvalid(value)
            | ImportProblem::PhoneInvalid(value)
            | ImportProblem::DateInvalid(value)
            | ImportProblem::FormatUnknown(value)
            | ImportProblem::StageUnknown(value) => value.clone(),
        }
    }

    /// Whether the row can still be imported with the faulty field left empty.
    pub fn can_be_left_out(&self) -> bool {
        !matches!(
            self,
            ImportProblem::NameMissing
                | ImportProblem::RoleUnknown(_)
                | ImportProblem::DuplicateInFile(_)
        )
    }
}

/// What will happen to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowVerdict {
    /// Imported as it is.
    Ready,
    /// The person is in the programme already; skipped.
    AlreadyPresent,
    /// Has problems; imported without the faulty fields only if the
    /// coordinator says so.
    Invalid,
    /// Cannot be imported (no name, no role, or twice in the file).
    Unusable,
}

impl RowVerdict {
    /// A stable name for translations.
    pub fn code(self) -> &'static str {
        match self {
            RowVerdict::Ready => "ready",
            RowVerdict::AlreadyPresent => "already-present",
            RowVerdict::Invalid => "invalid",
            RowVerdict::Unusable => "unusable",
        }
    }
}

/// One row of the spreadsheet, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The person as they would be imported, faulty fields left empty.
    pub details: PersonDetails,
    pub applied_on: Option<Day>,
    /// Where the person stands; applied unless the sheet says otherwise.
    pub stage: Stage,
    pub problems: Vec<ImportProblem>,
    pub verdict: RowVerdict,
}

/// A spreadsheet read against a programme: the mapping of its columns and
/// what would happen to every row. Nothing is written until
/// [`command`](Self::command) is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    pub headers: Vec<String>,
    pub mapping: Vec<Option<ImportField>>,
    pub rows: Vec<ImportRow>,
    /// Recognised columns left out on purpose, to tell the coordinator.
    pub set_aside: Vec<SetAside>,
}

/// The text of a spreadsheet file: UTF-8 (with or without a byte order
/// mark) if it is valid UTF-8, UTF-16 after its byte order mark (Excel's
/// "Unicode text"), otherwise Windows-1252 as older Excel versions write it.
///
/// Decoded here rather than with `encoding_rs` (whose decoder brings the
/// tables of every encoding it knows, about a tenth of the app's download);
/// a test compares every byte with `encoding_rs`.
pub fn decode_spreadsheet(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    if let Some(units) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(units, u16::from_le_bytes);
    }
    if let Some(units) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(units, u16::from_be_bytes);
    }
    bytes.iter().map(|&byte| windows_1252(byte)).collect()
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let pairs = bytes.chunks_exact(2);
    let odd_byte = !pairs.remainder().is_empty();
    let mut text: String = char::decode_utf16(pairs.map(|pair| unit([pair[0], pair[1]])))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if odd_byte {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// Windows-1252 as the WHATWG Encoding Standard defines it: Latin-1 but
/// for the printable characters at 0x80–0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

fn delimiter(text: &str) -> u8 {
    let first_line = text.lines().next().unwrap_or("");
    [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b';')
}

impl ImportPlan {
    /// Reads a spreadsheet, guessing what each column means.
    pub fn read(text: &str, programme: &Programme) -> Result<Self, ImportError> {
        Self::read_with(text, programme, None)
    }

    /// Reads a spreadsheet with the coordinator's own column mapping (one
    /// entry per column; `None` ignores the column).
    pub fn read_with(
        text: &str,
        programme: &Programme,
        mapping: Option<Vec<Option<ImportField>>>,
    ) -> Result<Self, ImportError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim().is_empty() {
            return Err(ImportError::Empty);
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(text))
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|error| ImportError::Unreadable(error.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mapping = match mapping {
            Some(mut mapping) => {
                mapping.resize(headers.len(), None);
                mapping
            }
            None => guess_mapping(&headers),
        };
        let has_name = mapping.iter().any(|field| {
            matches!(
                field,
                Some(ImportField::Name | ImportField::FirstName | ImportField::LastName)
            )
        });
        if !has_name {
            return Err(ImportError::NoNameColumn);
        }

        let mut rows = Vec::new();
        let known = crate::rules::people::identities(programme);
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (index, record) in reader.records().enumerate() {
            let line = index + 2;
            let record = record.map_err(|error| ImportError::Unreadable(error.to_string()))?;
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let cells: BTreeMap<ImportField, &str> = mapping
                .iter()
                .zip(record.iter())
                .filter_map(|(field, cell)| field.map(|field| (field, cell)))
                .collect();
            let mut row = read_row(line, &cells, programme);
            if !row.details.name.is_empty() {
                let key = Person::identity_key(&row.details);
                if known.contains(&key) {
                    row.verdict = RowVerdict::AlreadyPresent;
                } else if let Some(first) = seen.get(&key) {
                    row.problems.push(ImportProblem::DuplicateInFile(*first));
                    row.verdict = RowVerdict::Unusable;
                } else {
                    seen.insert(key, line);
                }
            }
            rows.push(row);
        }
        let set_aside = headers
            .iter()
            .zip(&mapping)
            .filter(|(_, field)| field.is_none())
            .filter_map(|(header, _)| {
                set_aside(header).map(|reason| SetAside {
                    header: header.clone(),
                    reason,
                })
            })
            .collect();
        Ok(Self {
            headers,
            mapping,
            rows,
            set_aside,
        })
    }

    /// Rows in each verdict.
    pub fn count(&self, verdict: RowVerdict) -> usize {
        self.rows
            .iter()
            .filter(|row| row.verdict == verdict)
            .count()
    }

    /// The command that imports the ready rows, and the invalid rows whose
    /// lines the coordinator chose in `include`; `new_id` gives each person
    /// their id. A row without an application date imports a person whose
    /// date is unknown: the day of the import is not when they applied.
    pub fn command(
        &self,
        include: &BTreeSet<usize>,
        mut new_id: impl FnMut() -> PersonId,
    ) -> Command {
        let people = self
            .rows
            .iter()
            .filter(|row| match row.verdict {
                RowVerdict::Ready => true,
                RowVerdict::Invalid => include.contains(&row.line),
                RowVerdict::AlreadyPresent | RowVerdict::Unusable => false,
            })
            .map(|row| ImportedPerson {
                id: new_id(),
                details: row.details.clone(),
                applied_on: row.applied_on,
                stage: row.stage,
            })
            .collect();
        Command::ImportPeople { people }
    }
}

fn guess_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut used = BTreeSet::new();
    headers
        .iter()
        .map(|header| {
            let field = ImportField::guess(header)?;
            used.insert(field).then_some(field)
        })
        .collect()
}

fn read_row(line: usize, cells: &BTreeMap<ImportField, &str>, programme: &Programme) -> ImportRow {
    let cell = |field| cells.get(&field).map(|value| value.trim()).unwrap_or("");
    let mut problems = Vec::new();
    let mut details = PersonDetails::default();

    let name = if !cell(ImportField::Name).is_empty() {
        cell(ImportField::Name).to_string()
    } else {
        format!(
            "{} {}",
            cell(ImportField::FirstName),
            cell(ImportField::LastName)
        )
    };
    details.name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if details.name.is_empty() {
        problems.push(ImportProblem::NameMissing);
    }

    match parse_role(cell(ImportField::Role)) {
        Some(role) => details.role = role,
        None => problems.push(ImportProblem::RoleUnknown(
            cell(ImportField::Role).to_string(),
        )),
    }

    let organisation = cell(ImportField::Organisation);
    if !organisation.is_empty() {
        match programme.partner_named(organisation) {
            Some(id) => details.organisation = Some(id),
            None => problems.push(ImportProblem::OrganisationUnknown(organisation.to_string())),
        }
    }

    let email = cell(ImportField::Email);
    if is_email(email) {
        details.email = email.to_string();
    } else if !email.is_empty() {
        problems.push(ImportProblem::EmailInvalid(email.to_string()));
    }
    let phone = cell(ImportField::Phone);
    if is_phone(phone) {
        details.phone = phone.to_string();
    } else if !phone.is_empty() {
        problems.push(ImportProblem::PhoneInvalid(phone.to_string()));
    }

    match parse_format(cell(ImportField::MeetingFormat)) {
        Some(format) => details.meeting_format = format,
        None => problems.push(ImportProblem::FormatUnknown(
            cell(ImportField::MeetingFormat).to_string(),
        )),
    }

    let applied = cell(ImportField::AppliedOn);
    let applied_on = if applied.is_empty() {
        None
    } else {
        match Day::parse(applied) {
            Ok(day) => Some(day),
            Err(_) => {
                problems.push(ImportProblem::DateInvalid(applied.to_string()));
                None
            }
        }
    };

    let stage_text = cell(ImportField::Stage);
    let stage = match parse_stage(stage_text) {
        Some(stage) => stage,
        None => {
            problems.push(ImportProblem::StageUnknown(stage_text.to_string()));
            Stage::Applied
        }
    };

    details.salutation = cell(ImportField::Salutation).to_string();
    details.department = cell(ImportField::Department).to_string();
    details.position = cell(ImportField::Position).to_string();
    details.goal = cell(ImportField::Goal).to_string();
    details.motivation = cell(ImportField::Motivation).to_string();
    details.availability = cell(ImportField::Availability).to_string();
    details.location = cell(ImportField::Location).to_string();
    details.topics = split_list(cell(ImportField::Topics));
    details.languages = split_list(cell(ImportField::Languages));

    let verdict = if problems.is_empty() {
        RowVerdict::Ready
    } else if problems.iter().all(ImportProblem::can_be_left_out) {
        RowVerdict::Invalid
    } else {
        RowVerdict::Unusable
    };
    ImportRow {
        line,
        details,
        applied_on,
        stage,
        problems,
        verdict,
    }
}

fn split_list(cell: &str) -> Vec<String> {
    let items: Vec<String> = cell.split([',', '|']).map(str::to_string).collect();
    clean_list(&items)
}

/// A role as coordinators write it: Mentee, Mentorin, Mentor:in, Co-Mentor …
fn parse_role(text: &str) -> Option<Role> {
    let key: String = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if key.starts_with("comentor") || key.starts_with("komentor") {
        Some(Role::CoMentor)
    } else if key.starts_with("mentee") {
        Some(Role::Mentee)
    } else if key.starts_with("mentor") {
        Some(Role::Mentor)
    } else {
        None
    }
}

/// A meeting format as people write it; an empty cell means either.
fn parse_format(text: &str) -> Option<MeetingFormat> {
    let key = text.trim().to_lowercase();
    if key.is_empty() {
        return Some(MeetingFormat::Either);
    }
    let in_person = [
        "präsenz",
        "persönlich",
        "vor ort",
        "in person",
        "in-person",
        "face to face",
    ];
    let online = ["online", "digital", "video", "virtuell", "remote"];
    let either = [
        "beides", "egal", "flexibel", "both", "either", "any", "hybrid", " oder ", " or ", "/",
    ];
    if either.iter().any(|word| key.contains(word)) {
        Some(MeetingFormat::Either)
    } else if in_person.iter().any(|word| key.contains(word)) {
        Some(MeetingFormat::InPerson)
    } else if online.iter().any(|word| key.contains(word)) {
        Some(MeetingFormat::Online)
    } else {
        None
    }
}

/// Where a person stands, as a spreadsheet says it; an empty cell means
/// applied. Withdrawn people are not imported as such: they come in as
/// applied, and the row says why.
fn parse_stage(text: &str) -> Option<Stage> {
    let key = text.trim().to_lowercase();
    if key.is_empty() {
        return Some(Stage::Applied);
    }
    let words: [(&[&str], Stage); 5] = [
        (
            &["abgelehnt", "absage", "declined", "rejected"],
            Stage::Declined,
        ),
        (&["warteliste", "waitlist", "waiting"], Stage::Waitlisted),
        (
            &[
                "angenommen",
                "zugesagt",
                "im tandem",
                "accepted",
                "in a tandem",
            ],
            Stage::Accepted,
        ),
        (&["gespräch", "interview"], Stage::Interviewed),
        (&["beworben", "bewerbung", "applied", "neu"], Stage::Applied),
    ];
    words
        .iter()
        .find(|(names, _)| names.iter().any(|name| key.contains(name)))
        .map(|(_, stage)| *stage)
}
