//! Values that arrive from a partner are input like typed ones.
//!
//! A command cleans and checks what a coordinator types; a partner's
//! change (a file, a live delivery, another tab) arrives as Automerge
//! operations that never passed a command here, and a modified app can
//! write anything. So after a merge every entity the merge changed is
//! checked as a command would check it: lengths, e-mail addresses, web
//! links (only `https:` and `http:`), line breaks and control characters
//! in fields that reach calendar files, spreadsheets and e-mail headers,
//! dates in the calendar's range. A merge that brings a value no command
//! here would write is refused with the first such value named, and the
//! programme stays as it was.
//!
//! Only what the merge changed is checked (compared with the programme
//! before it): data already here is not a reason to refuse a partner's
//! unrelated edit.
//!
//! `ProgrammeDocument::apply` runs the same check, entity by entity, on
//! what a command wrote, so that nothing a coordinator can type here is
//! refused when it reaches a partner.

use crate::model::completion::CertificateGrant;
use crate::model::consent::ConsentRecord;
use crate::model::day::Day;
use crate::model::event::{Event, EventDetails, MAX_EVENT_MINUTES, MAX_LINK_CHARS};
use crate::model::ids::{EventId, PartnerId, PersonId, ResponseId, SurveyId, TandemId};
use crate::model::intake::{
    from_hex, IntakeForm, Receipt, ReceiptNote, INBOX_ID_BYTES, INTAKE_SECRET_BYTES,
};
use crate::model::person::{Person, PersonDetails};
use crate::model::programme::{ContactPoint, Partner, Programme};
use crate::model::reminder::{MAX_REMINDERS_PER_PERSON, MAX_REMINDER_KEY_CHARS};
use crate::model::survey::{Answer, Survey, SurveyResponse, MAX_ANSWER_CHARS};
use crate::model::tandem::Tandem;
use crate::rules::intake::MAX_FORM_TEXT_CHARS;
use crate::rules::people::{is_email, is_phone};
use crate::rules::text::{MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Earliest and latest day a received date may name: far enough for any
/// programme, near enough that every calendar and spreadsheet reads it.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2199;

/// Why a received value is refused: which entity, which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    /// What the value belongs to ("person", "event", …) and its id.
    pub entity: String,
    /// The field and what is wrong with it.
    pub problem: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.entity, self.problem)
    }
}

/// Checks every entity of `after` that differs from `before`.
pub(crate) fn check_received(before: &Programme, after: &Programme) -> Result<(), Refused> {
    programme_fields(before, after)?;
    for (id, partner) in changed(&before.partners, &after.partners) {
        received_partner(*id, partner)?;
    }
    for (id, person) in changed(&before.people, &after.people) {
        received_person(*id, person)?;
    }
    for (id, tandem) in changed(&before.tandems, &after.tandems) {
        received_tandem(*id, tandem)?;
    }
    for (id, event) in changed(&before.events, &after.events) {
        received_event(*id, event)?;
    }
    check_records(before, after)
}

/// The programme's own fields, where they differ.
fn programme_fields(before: &Programme, after: &Programme) -> Result<(), Refused> {
    if after.id != before.id {
        return Err(refused("programme", "id", "changed"));
    }
    received_programme(ProgrammeFields::of(before), ProgrammeFields::of(after))
}

/// The programme's own fields a command or a partner can write.
#[derive(Clone, PartialEq)]
pub(crate) struct ProgrammeFields<'a> {
    pub name: &'a str,
    pub start: Day,
    pub end: Day,
    pub complaints_contact: Option<&'a ContactPoint>,
}

impl<'a> ProgrammeFields<'a> {
    pub(crate) fn of(programme: &'a Programme) -> Self {
        Self {
            name: &programme.name,
            start: programme.start,
            end: programme.end,
            complaints_contact: programme.complaints_contact.as_ref(),
        }
    }
}

/// Checks the programme's fields that differ.
pub(crate) fn received_programme(
    before: ProgrammeFields<'_>,
    after: ProgrammeFields<'_>,
) -> Result<(), Refused> {
    if after.name != before.name {
        name("programme", "name", after.name, true)?;
    }
    if (after.start, after.end) != (before.start, before.end) {
        for day in [after.start, after.end] {
            date("programme", day)?;
        }
    }
    if after.complaints_contact != before.complaints_contact {
        if let Some(contact) = after.complaints_contact {
            contact_point("programme", contact)?;
        }
    }
    Ok(())
}

pub(crate) fn received_partner(id: PartnerId, partner: &Partner) -> Result<(), Refused> {
    let entity = format!("partner {id}");
    name(&entity, "name", &partner.name, true)?;
    if let Some(contact) = &partner.coordinator {
        contact_point(&entity, contact)?;
    }
    Ok(())
}

pub(crate) fn received_person(id: PersonId, person: &Person) -> Result<(), Refused> {
    let entity = format!("person {id}");
    person_details(&entity, &person.details)?;
    let application = &person.application;
    let days = [
        application.applied_on,
        application.decided_on,
        application.interview.as_ref().map(|interview| interview.on),
        application
            .withdrawal
            .as_ref()
            .map(|withdrawal| withdrawal.on),
    ];
    for day in days.into_iter().flatten() {
        date(&entity, day)?;
    }
    if let Some(interview) = &application.interview {
        name(&entity, "interviewer", &interview.by, false)?;
        text(&entity, "interview notes", &interview.notes)?;
    }
    if let Some(withdrawal) = &application.withdrawal {
        text(&entity, "reason", &withdrawal.reason)?;
    }
    // Reminder marks: bounded in number and key, dated in range. A kind
    // this version does not know is kept (a newer partner's) and shown
    // nowhere.
    if person.reminders.len() > MAX_REMINDERS_PER_PERSON {
        return Err(refused(&entity, "reminders", "are too many"));
    }
    for (key, sent) in &person.reminders {
        long(&entity, "reminder", key, MAX_REMINDER_KEY_CHARS)?;
        one_line(&entity, "reminder", key)?;
        date(&entity, sent.on)?;
    }
    Ok(())
}

pub(crate) fn received_tandem(id: TandemId, tandem: &Tandem) -> Result<(), Refused> {
    let entity = format!("tandem {id}");
    for day in [
        Some(tandem.start),
        Some(tandem.planned_end),
        tandem.ended_on,
    ]
    .into_iter()
    .flatten()
    {
        date(&entity, day)?;
    }
    if let Some(reason) = &tandem.end_reason {
        text(&entity, "reason", reason)?;
    }
    Ok(())
}

pub(crate) fn received_event(id: EventId, event: &Event) -> Result<(), Refused> {
    event_details(&format!("event {id}"), &event.details)?;
    for attendance in event.attendance.values() {
        if attendance
            .minutes
            .is_some_and(|minutes| minutes > MAX_EVENT_MINUTES)
        {
            return Err(refused(&format!("event {id}"), "minutes", "too many"));
        }
    }
    Ok(())
}

/// Certificates, questionnaires, answers and consent, as [`check_received`].
fn check_records(before: &Programme, after: &Programme) -> Result<(), Refused> {
    for (person, grant) in changed(&before.certificate_grants, &after.certificate_grants) {
        received_grant(*person, grant)?;
    }
    for (id, survey) in changed(&before.surveys, &after.surveys) {
        received_survey(*id, survey)?;
    }
    for (id, response) in changed(&before.survey_responses, &after.survey_responses) {
        received_response(*id, response)?;
    }
    for (person, consent) in changed(&before.consents, &after.consents) {
        received_consent(*person, consent)?;
    }
    if let Some(form) = after
        .intake
        .as_ref()
        .filter(|form| before.intake.as_ref() != Some(*form))
    {
        received_intake_form(form)?;
    }
    for (receipt, note) in changed(&before.intake_receipts, &after.intake_receipts) {
        received_receipt_note(*receipt, note)?;
    }
    Ok(())
}

/// The most closed inboxes a form lists: one per renewal, years of them.
pub(crate) const MAX_CLOSED_INBOXES: usize = 500;

/// The application form, as a partner sent it: the texts an applicant
/// will read bounded, the link's secrets well formed.
pub(crate) fn received_intake_form(form: &IntakeForm) -> Result<(), Refused> {
    let entity = "application form";
    name(entity, "title", &form.title, true)?;
    date(entity, form.deadline)?;
    for text in [
        &form.consent.processing,
        &form.consent.share_contact,
        &form.consent.named_in_reports,
        &form.privacy_notice,
    ] {
        long(entity, "text", &text.de, MAX_FORM_TEXT_CHARS)?;
        long(entity, "text", &text.en, MAX_FORM_TEXT_CHARS)?;
    }
    contact_point(entity, &form.contact)?;
    if !form.secrets.are_well_formed() {
        return Err(refused(entity, "link", "is not well formed"));
    }
    if form.closed_inboxes.len() > MAX_CLOSED_INBOXES {
        return Err(refused(entity, "closed inboxes", "are too many"));
    }
    for (inbox, on) in &form.closed_inboxes {
        if from_hex::<INBOX_ID_BYTES>(inbox).is_none() {
            return Err(refused(entity, "closed inbox", "is not an inbox"));
        }
        date(entity, *on)?;
    }
    if form.inbox_keys.len() > MAX_CLOSED_INBOXES {
        return Err(refused(entity, "inbox keys", "are too many"));
    }
    for (inbox, keys) in &form.inbox_keys {
        let well_formed = from_hex::<INBOX_ID_BYTES>(inbox).is_some()
            && from_hex::<INTAKE_SECRET_BYTES>(&keys.key_secret).is_some()
            && from_hex::<INTAKE_SECRET_BYTES>(&keys.reader).is_some();
        if !well_formed {
            return Err(refused(entity, "inbox keys", "are not well formed"));
        }
    }
    if let Some(on) = form.closed_on {
        date(entity, on)?;
    }
    Ok(())
}

pub(crate) fn received_receipt_note(receipt: Receipt, note: &ReceiptNote) -> Result<(), Refused> {
    date(&format!("application {receipt}"), note.on)
}

pub(crate) fn received_grant(person: PersonId, grant: &CertificateGrant) -> Result<(), Refused> {
    let entity = format!("certificate {person}");
    name(&entity, "by", &grant.by_name, false)?;
    text(&entity, "reason", &grant.reason)?;
    date(&entity, grant.on)
}

pub(crate) fn received_survey(id: SurveyId, survey: &Survey) -> Result<(), Refused> {
    let entity = format!("questionnaire {id}");
    name(&entity, "title", &survey.title, true)?;
    for question in &survey.questions {
        long(&entity, "question", &question.text, MAX_ANSWER_CHARS)?;
    }
    Ok(())
}

pub(crate) fn received_response(id: ResponseId, response: &SurveyResponse) -> Result<(), Refused> {
    let entity = format!("answers {id}");
    date(&entity, response.on)?;
    for answer in response.answers.values() {
        if let Answer::Text { text } = answer {
            long(&entity, "answer", text, MAX_ANSWER_CHARS)?;
        }
    }
    Ok(())
}

pub(crate) fn received_consent(person: PersonId, consent: &ConsentRecord) -> Result<(), Refused> {
    let entity = format!("consent {person}");
    name(&entity, "recorded by", &consent.recorded_by, false)?;
    for day in [Some(consent.given_on), consent.withdrawn_on]
        .into_iter()
        .flatten()
    {
        date(&entity, day)?;
    }
    Ok(())
}

/// The entries of `after` that are new or differ from `before`.
fn changed<'a, K: Ord, V: PartialEq>(
    before: &'a std::collections::BTreeMap<K, V>,
    after: &'a std::collections::BTreeMap<K, V>,
) -> impl Iterator<Item = (&'a K, &'a V)> {
    after
        .iter()
        .filter(move |(key, value)| before.get(key) != Some(*value))
}

fn refused(entity: &str, field: &str, problem: &str) -> Refused {
    Refused {
        entity: entity.to_string(),
        problem: format!("{field} {problem}"),
    }
}

/// A one-line value: it reaches calendar files, spreadsheets and e-mail
/// headers, where a line break starts a new field.
fn one_line(entity: &str, field: &str, value: &str) -> Result<(), Refused> {
    if value.chars().any(char::is_control) {
        return Err(refused(
            entity,
            field,
            "holds a line break or control character",
        ));
    }
    Ok(())
}

fn name(entity: &str, field: &str, value: &str, needed: bool) -> Result<(), Refused> {
    if needed && value.trim().is_empty() {
        return Err(refused(entity, field, "is empty"));
    }
    long(entity, field, value, MAX_NAME_CHARS)?;
    one_line(entity, field, value)
}

fn text(entity: &str, field: &str, value: &str) -> Result<(), Refused> {
    long(entity, field, value, MAX_TEXT_CHARS)
}

fn long(entity: &str, field: &str, value: &str, limit: usize) -> Result<(), Refused> {
    // Bytes first: a 10 MB value is refused without counting its characters.
    if value.len() > limit * 4 || value.chars().count() > limit {
        return Err(refused(entity, field, "is too long"));
    }
    Ok(())
}

fn date(entity: &str, day: Day) -> Result<(), Refused> {
    let (year, _, _) = day.parts();
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(refused(entity, "date", "is out of range"));
    }
    Ok(())
}

fn email(entity: &str, value: &str) -> Result<(), Refused> {
    one_line(entity, "e-mail", value)?;
    if !value.is_empty() && !is_email(value) {
        return Err(refused(entity, "e-mail", "is not an e-mail address"));
    }
    long(entity, "e-mail", value, MAX_NAME_CHARS)
}

fn phone(entity: &str, value: &str) -> Result<(), Refused> {
    if !value.is_empty() && !is_phone(value) {
        return Err(refused(entity, "phone", "is not a phone number"));
    }
    long(entity, "phone", value, MAX_NAME_CHARS)
}

fn contact_point(entity: &str, contact: &ContactPoint) -> Result<(), Refused> {
    name(entity, "contact", &contact.name, false)?;
    email(entity, &contact.email)?;
    phone(entity, &contact.phone)
}

fn person_details(entity: &str, details: &PersonDetails) -> Result<(), Refused> {
    name(entity, "name", &details.name, true)?;
    for (field, value) in [
        ("salutation", &details.salutation),
        ("department", &details.department),
        ("position", &details.position),
        ("location", &details.location),
    ] {
        name(entity, field, value, false)?;
    }
    email(entity, &details.email)?;
    phone(entity, &details.phone)?;
    for item in details.topics.iter().chain(&details.languages) {
        name(entity, "list", item, false)?;
    }
    for (field, value) in [
        ("goal", &details.goal),
        ("motivation", &details.motivation),
        ("availability", &details.availability),
        ("notes", &details.notes),
    ] {
        text(entity, field, value)?;
    }
    Ok(())
}

fn event_details(entity: &str, details: &EventDetails) -> Result<(), Refused> {
    name(entity, "title", &details.title, true)?;
    name(entity, "place", &details.place, false)?;
    text(entity, "description", &details.description)?;
    let link = &details.online_link;
    if !link.is_empty() && details.web_link().is_none() {
        return Err(refused(entity, "link", "is not a web link (https://…)"));
    }
    long(entity, "link", link, MAX_LINK_CHARS)?;
    if details.minutes > MAX_EVENT_MINUTES {
        return Err(refused(entity, "minutes", "too many"));
    }
    for day in [details.start_day, details.end_day] {
        date(entity, day)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_control_characters_are_not_one_line() {
        assert!(one_line("person", "name", "Petra Probe").is_ok());
        assert!(one_line("person", "name", "Petra\r\nBcc: alle@example.org").is_err());
        assert!(one_line("person", "name", "Petra\u{0}").is_err());
    }

    #[test]
    fn a_ten_megabyte_value_is_too_long() {
        let value = "a".repeat(10 * 1024 * 1024);
        assert!(name("person", "name", &value, true).is_err());
        assert!(text("person", "notes", &value).is_err());
    }

    #[test]
    fn dates_beyond_the_calendar_range_are_refused() {
        assert!(date("tandem", Day::parse("2026-02-01").unwrap()).is_ok());
        assert!(date("tandem", Day::parse("9999-12-31").unwrap()).is_err());
        assert!(date("tandem", Day::parse("0001-01-01").unwrap()).is_err());
    }
}
