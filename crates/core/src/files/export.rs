//! CSV export of people and tandems, as Excel in a German office opens it:
//! `;` between fields, UTF-8 with a byte order mark, dates as `31.12.2026`.
//!
//! Coordinators' private notes are never exported. A row whose data breaks
//! one of the programme's rules (`rules::invariants`) says which in its
//! last column, so no spreadsheet carries such data silently.

use crate::model::consent::may_be_processed;
use crate::model::day::Day;
use crate::model::ids::TandemId;
use crate::model::programme::{Programme, Standing};
use crate::rules::invariants::invariants;

/// The columns of the people export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeopleColumn {
    Name,
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
    Standing,
    AppliedOn,
    InterviewOn,
    /// The programme's rules broken by data of this row, if any: an
    /// export never carries such data without saying so.
    BrokenRules,
}

impl PeopleColumn {
    pub const ALL: [PeopleColumn; 19] = [
        PeopleColumn::Name,
        PeopleColumn::Role,
        PeopleColumn::Salutation,
        PeopleColumn::Organisation,
        PeopleColumn::Department,
        PeopleColumn::Position,
        PeopleColumn::Email,
        PeopleColumn::Phone,
        PeopleColumn::Topics,
        PeopleColumn::Goal,
        PeopleColumn::Motivation,
        PeopleColumn::Availability,
        PeopleColumn::MeetingFormat,
        PeopleColumn::Languages,
        PeopleColumn::Location,
        PeopleColumn::Standing,
        PeopleColumn::AppliedOn,
        PeopleColumn::InterviewOn,
        PeopleColumn::BrokenRules,
    ];

    /// A stable name for translations of the header.
    pub fn code(self) -> &'static str {
        match self {
            PeopleColumn::Name => "name",
            PeopleColumn::Role => "role",
            PeopleColumn::Salutation => "salutation",
            PeopleColumn::Organisation => "organisation",
            PeopleColumn::Department => "department",
            PeopleColumn::Position => "position",
            PeopleColumn::Email => "email",
            PeopleColumn::Phone => "phone",
            PeopleColumn::Topics => "topics",
            PeopleColumn::Goal => "goal",
            PeopleColumn::Motivation => "motivation",
            PeopleColumn::Availability => "availability",
            PeopleColumn::MeetingFormat => "meeting-format",
            PeopleColumn::Languages => "languages",
            PeopleColumn::Location => "location",
            PeopleColumn::Standing => "standing",
            PeopleColumn::AppliedOn => "applied-on",
            PeopleColumn::InterviewOn => "interview-on",
            PeopleColumn::BrokenRules => "broken-rules",
        }
    }
}

/// The columns of the tandem export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TandemColumn {
    Mentee,
    MenteeOrganisation,
    Mentor,
    MentorOrganisation,
    CoMentor,
    Start,
    PlannedEnd,
    Status,
    EndedOn,
    EndReason,
    /// The programme's rules broken by this tandem, if any.
    BrokenRules,
}

impl TandemColumn {
    pub const ALL: [TandemColumn; 11] = [
        TandemColumn::Mentee,
        TandemColumn::MenteeOrganisation,
        TandemColumn::Mentor,
        TandemColumn::MentorOrganisation,
        TandemColumn::CoMentor,
        TandemColumn::Start,
        TandemColumn::PlannedEnd,
        TandemColumn::Status,
        TandemColumn::EndedOn,
        TandemColumn::EndReason,
        TandemColumn::BrokenRules,
    ];

    /// A stable name for translations of the header.
    pub fn code(self) -> &'static str {
        match self {
            TandemColumn::Mentee => "mentee",
            TandemColumn::MenteeOrganisation => "mentee-organisation",
            TandemColumn::Mentor => "mentor",
            TandemColumn::MentorOrganisation => "mentor-organisation",
            TandemColumn::CoMentor => "co-mentor",
            TandemColumn::Start => "start",
            TandemColumn::PlannedEnd => "planned-end",
            TandemColumn::Status => "status",
            TandemColumn::EndedOn => "ended-on",
            TandemColumn::EndReason => "end-reason",
            TandemColumn::BrokenRules => "broken-rules",
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn day(day: Option<Day>) -> String {
    day.map(|day| day.german()).unwrap_or_default()
}

/// Every person as a CSV file. `header` names a column, `term` names a code
/// such as `role-mentee` or `standing-matched`, both in the reader's language.
pub fn people_csv(
    programme: &Programme,
    header: impl Fn(PeopleColumn) -> String,
    term: impl Fn(&str) -> String,
) -> Vec<u8> {
    // Nobody who withdrew their consent leaves the programme in a file.
    let mut people: Vec<_> = programme
        .people
        .iter()
        .filter(|(id, _)| may_be_processed(programme, **id))
        .collect();
    people.sort_by_key(|(_, person)| person.details.name.to_lowercase());
    let standings = programme.standings();
    let broken = invariants(programme);
    let broken_rules = |ids: &[String]| {
        let mut names: Vec<String> = broken
            .iter()
            .filter(|violation| {
                violation
                    .subjects()
                    .iter()
                    .any(|subject| ids.contains(subject))
            })
            .map(|violation| term(&format!("rule-{}", violation.invariant.code())))
            .collect();
        names.dedup();
        names.join(", ")
    };
    let rows = people.into_iter().map(|(id, person)| {
        let details = &person.details;
        let standing = standings.get(id).copied().unwrap_or(Standing::Applied);
        PeopleColumn::ALL
            .iter()
            .map(|column| match column {
                PeopleColumn::Name => details.name.clone(),
                PeopleColumn::Role => term(&format!("role-{}", details.role.code())),
                PeopleColumn::Salutation => details.salutation.clone(),
                PeopleColumn::Organisation => programme
                    .organisation_name(details.organisation)
                    .to_string(),
                PeopleColumn::Department => details.department.clone(),
                PeopleColumn::Position => details.position.clone(),
                PeopleColumn::Email => details.email.clone(),
                PeopleColumn::Phone => details.phone.clone(),
                PeopleColumn::Topics => details.topics.join(", "),
                PeopleColumn::Goal => details.goal.clone(),
                PeopleColumn::Motivation => details.motivation.clone(),
                PeopleColumn::Availability => details.availability.clone(),
                PeopleColumn::MeetingFormat => {
                    term(&format!("format-{}", details.meeting_format.code()))
                }
                PeopleColumn::Languages => details.languages.join(", "),
                PeopleColumn::Location => details.location.clone(),
                PeopleColumn::Standing => term(&format!("standing-{}", standing.code())),
                PeopleColumn::AppliedOn => day(person.application.applied_on),
                PeopleColumn::InterviewOn => {
                    day(person.application.interview.as_ref().map(|i| i.on))
                }
                PeopleColumn::BrokenRules => broken_rules(&[id.to_string()]),
            })
            .map(guard_formula)
            .collect::<Vec<_>>()
    });
    write(PeopleColumn::ALL.iter().map(|c| header(*c)).collect(), rows)
}

/// Every tandem as a CSV file, in the reader's language as for [`people_csv`].
pub fn tandems_csv(
    programme: &Programme,
    header: impl Fn(TandemColumn) -> String,
    term: impl Fn(&str) -> String,
) -> Vec<u8> {
    let broken = invariants(programme);
    let broken_rules = |id: TandemId| {
        let mut names: Vec<String> = broken
            .iter()
            .filter(|violation| violation.involves_tandem(id))
            .map(|violation| term(&format!("rule-{}", violation.invariant.code())))
            .collect();
        names.dedup();
        names.join(", ")
    };
    let mut tandems: Vec<_> = programme.tandems.iter().collect();
    tandems.sort_by_key(|(_, tandem)| {
        (
            tandem.start,
            programme.person_name(tandem.mentee).to_lowercase(),
        )
    });
    let organisation = |person| {
        programme
            .organisation_name(
                programme
                    .people
                    .get(&person)
                    .and_then(|p| p.details.organisation),
            )
            .to_string()
    };
    let rows = tandems.into_iter().map(|(id, tandem)| {
        TandemColumn::ALL
            .iter()
            .map(|column| match column {
                TandemColumn::Mentee => programme.person_name(tandem.mentee).to_string(),
                TandemColumn::MenteeOrganisation => organisation(tandem.mentee),
                TandemColumn::Mentor => programme.person_name(tandem.mentor).to_string(),
                TandemColumn::MentorOrganisation => organisation(tandem.mentor),
                TandemColumn::CoMentor => tandem
                    .co_mentor
                    .map(|id| programme.person_name(id).to_string())
                    .unwrap_or_default(),
                TandemColumn::Start => tandem.start.german(),
                TandemColumn::PlannedEnd => tandem.planned_end.german(),
                TandemColumn::Status => term(&format!("tandem-status-{}", tandem.status.code())),
                TandemColumn::EndedOn => day(tandem.ended_on),
                TandemColumn::EndReason => tandem.end_reason.clone().unwrap_or_default(),
                TandemColumn::BrokenRules => broken_rules(*id),
            })
            .map(guard_formula)
            .collect::<Vec<_>>()
    });
    write(TandemColumn::ALL.iter().map(|c| header(*c)).collect(), rows)
}

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a
/// formula; a name typed by an applicant must never do that.
pub(crate) fn guard_formula(value: String) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@')
            if !value
                .chars()
                .all(|c| c.is_ascii_digit() || " +-/()".contains(c)) =>
        {
            format!("'{value}")
        }
        _ => value,
    }
}

pub(crate) fn write(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    // Writing to memory cannot fail; a failure would only lose that row.
    let _ = writer.write_record(&header);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}
