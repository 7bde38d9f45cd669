//! Applying by link, the rules: reading the public form and an
//! applicant's message from bytes, cleaning every value in them, checking
//! a form before it is published, and reviewing what came into the inbox.
//!
//! Everything read here comes from the network: the public form from the
//! relay (to the applicant's device), a message from an inbox anyone with
//! the link can write to. So it is read like a partner's values
//! (`rules::received`) and typed ones (`rules::people`): bounded in bytes
//! before it is parsed, unknown fields refused, one-line fields (they reach
//! calendar files, spreadsheets and e-mail headers) without line breaks or
//! control characters, e-mail addresses and phone numbers checked, free
//! texts bounded. A value that does not pass is an [`IntakeError`], never a
//! panic.
//!
//! # Threat model (tests in `tests/intake.rs`)
//!
//! - **Anyone with the link** can send anything: bytes that are no
//!   message, huge ones, unknown fields, line breaks meant to become
//!   e-mail headers or calendar lines. Refused or cleaned, never a panic
//!   (`random_bytes_never_panic_the_readers`,
//!   `values_in_an_application_are_cleaned_or_refused_like_typed_ones`,
//!   `an_application_with_an_unknown_field_or_a_newer_version_is_refused`),
//!   and answers to fields the form did not ask are refused
//!   (`an_application_must_fit_the_form_it_answers`).
//! - **A hostile relay** can serve applicants a form it changed: it can
//!   make it larger, add fields, put control characters in its texts. The
//!   applicant's device reads it bounded and cleaned
//!   (`a_public_form_too_large_damaged_or_newer_is_refused`). It cannot
//!   learn the link's secrets from the form: they are never in it
//!   (`the_public_form_reads_back_as_written_and_carries_no_secret`).
//! - **A modified partner app** can write a form or a receipt's mark past
//!   every command; a merge checks them like typed values
//!   (`rules::received`; `tests/malicious_partner.rs`,
//!   `a_forged_application_form_with_a_header_in_its_title_or_a_broken_link_is_refused`).
//! - **An applicant sending twice, or two coordinators taking the same
//!   application in apart**: a receipt is taken in once
//!   (`a_receipt_taken_in_once_is_refused_the_second_time`), and the
//!   invariant `receipt-once` lists what a merge brings together
//!   (`one_application_taken_in_on_two_sides_is_a_conflict_settled_by_withdrawing_one`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::day::Day;
use crate::model::ids::PersonId;
use crate::model::intake::{
    ApplicationAnswers, ApplicationForm, AskedField, IncomingMessage, IncomingReview,
    IncomingVerdict, IntakeForm, IntakeMessage, LocalText, PublicIntakeForm, Receipt,
    ReceiptOutcome, INTAKE_FORMAT, MAX_INTAKE_MESSAGE_BYTES, MAX_PUBLIC_FORM_BYTES,
};
use crate::model::person::{Person, PersonDetails, SharedFields};
use crate::model::programme::{normalise, ContactPoint, Programme};
use crate::rules::error::IntakeError;
use crate::rules::people::{is_email, is_phone};
use crate::rules::text::{MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// The most items a list answer (topics, languages) holds.
pub(crate) const MAX_LIST_ITEMS: usize = 30;
/// The longest consent or privacy text of a form, per language.
pub(crate) const MAX_FORM_TEXT_CHARS: usize = 4_000;

/// What the first bytes of a form or message say about its version; read
/// before the rest, so a newer version is told apart from damage.
#[derive(Deserialize)]
struct Probe {
    format: u32,
}

fn check_format(bytes: &[u8], limit: usize) -> Result<(), IntakeError> {
    if bytes.len() > limit {
        return Err(IntakeError::TooLarge(limit));
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|_| IntakeError::Damaged)?;
    if probe.format != INTAKE_FORMAT {
        return Err(IntakeError::OtherFormat);
    }
    Ok(())
}

impl PublicIntakeForm {
    /// The bytes the relay keeps and shows (JSON), refused when larger
    /// than [`MAX_PUBLIC_FORM_BYTES`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, IntakeError> {
        let bytes = serde_json::to_vec(self).map_err(|_| IntakeError::Damaged)?;
        if bytes.len() > MAX_PUBLIC_FORM_BYTES {
            return Err(IntakeError::TooLarge(MAX_PUBLIC_FORM_BYTES));
        }
        Ok(bytes)
    }

    /// A form from the relay, every text cleaned and bounded.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IntakeError> {
        check_format(bytes, MAX_PUBLIC_FORM_BYTES)?;
        let form: PublicIntakeForm =
            serde_json::from_slice(bytes).map_err(|_| IntakeError::Damaged)?;
        form.cleaned()
    }

    fn cleaned(self) -> Result<Self, IntakeError> {
        let title = one_line("title", &self.title)?;
        if title.is_empty() {
            return Err(IntakeError::TitleMissing);
        }
        check_fields(&self.fields)?;
        check_roles(&self.roles)?;
        let organisations = self
            .organisations
            .into_iter()
            .map(|mut organisation| {
                organisation.name = one_line("organisation", &organisation.name)?;
                Ok(organisation)
            })
            .collect::<Result<Vec<_>, IntakeError>>()?;
        Ok(Self {
            programme: one_line("programme", &self.programme)?,
            title,
            organisations,
            consent: crate::model::intake::ConsentTexts {
                processing: form_text("consent", &self.consent.processing)?,
                share_contact: form_text("consent", &self.consent.share_contact)?,
                named_in_reports: form_text("consent", &self.consent.named_in_reports)?,
            },
            privacy_notice: form_text("privacy notice", &self.privacy_notice)?,
            contact: contact_point(&self.contact)?,
            ..self
        })
    }
}

/// The envelope a message travels in: the version, then the message.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: u32,
    message: IntakeMessage,
}

impl IntakeMessage {
    /// The bytes the applicant's device seals (JSON), refused when larger
    /// than [`MAX_INTAKE_MESSAGE_BYTES`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, IntakeError> {
        let envelope = Envelope {
            format: INTAKE_FORMAT,
            message: self.clone(),
        };
        let bytes = serde_json::to_vec(&envelope).map_err(|_| IntakeError::Damaged)?;
        if bytes.len() > MAX_INTAKE_MESSAGE_BYTES {
            return Err(IntakeError::TooLarge(MAX_INTAKE_MESSAGE_BYTES));
        }
        Ok(bytes)
    }

    /// A message opened from the inbox, every value cleaned and checked as
    /// a typed one is. Whether it fits the programme's form (fields asked,
    /// roles offered) is [`ApplicationForm::check_against`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IntakeError> {
        check_format(bytes, MAX_INTAKE_MESSAGE_BYTES)?;
        let envelope: Envelope = serde_json::from_slice(bytes).map_err(|_| IntakeError::Damaged)?;
        Ok(match envelope.message {
            IntakeMessage::Application(application) => {
                IntakeMessage::Application(Box::new((*application).cleaned()?))
            }
            withdrawal @ IntakeMessage::Withdrawal { .. } => withdrawal,
        })
    }
}

impl ApplicationForm {
    /// The application with every answer cleaned as a typed value is:
    /// one-line fields with their spaces tidied and no control characters,
    /// texts trimmed and bounded, the e-mail address and phone number
    /// checked, lists tidied. The name and e-mail address are needed.
    pub fn cleaned(self) -> Result<Self, IntakeError> {
        let a = self.answers;
        let line = |field: AskedField, value: Option<String>| {
            value
                .map(|value| one_line(field.code(), &value))
                .transpose()
        };
        let text = |field: AskedField, value: Option<String>| {
            value
                .map(|value| free_text(field.code(), &value))
                .transpose()
        };
        let list = |field: AskedField, value: Option<Vec<String>>| {
            value
                .map(|items| clean_items(field.code(), &items))
                .transpose()
        };
        let name = line(AskedField::Name, a.name)?.filter(|name| !name.is_empty());
        if name.is_none() {
            return Err(IntakeError::Missing(AskedField::Name.code()));
        }
        let email = line(AskedField::Email, a.email)?.filter(|email| !email.is_empty());
        match &email {
            None => return Err(IntakeError::Missing(AskedField::Email.code())),
            Some(email) if !is_email(email) => {
                return Err(IntakeError::EmailInvalid(email.chars().take(80).collect()))
            }
            Some(_) => {}
        }
        let phone = line(AskedField::Phone, a.phone)?;
        if let Some(phone) = phone.as_deref().filter(|phone| !phone.is_empty()) {
            if !is_phone(phone) {
                return Err(IntakeError::PhoneInvalid(phone.chars().take(80).collect()));
            }
        }
        let answers = ApplicationAnswers {
            name,
            salutation: line(AskedField::Salutation, a.salutation)?,
            organisation: a.organisation,
            department: line(AskedField::Department, a.department)?,
            position: line(AskedField::Position, a.position)?,
            email,
            phone,
            topics: list(AskedField::Topics, a.topics)?,
            goal: text(AskedField::Goal, a.goal)?,
            motivation: text(AskedField::Motivation, a.motivation)?,
            availability: text(AskedField::Availability, a.availability)?,
            format: a.format,
            languages: list(AskedField::Languages, a.languages)?,
            location: line(AskedField::Location, a.location)?,
        };
        Ok(Self { answers, ..self })
    }

    /// Whether the application fits the form it answers: only asked fields,
    /// a role the form offers, an organisation it lists, and consent to
    /// processing.
    pub fn check_against(&self, form: &PublicIntakeForm) -> Result<(), IntakeError> {
        if let Some(field) = self
            .answers
            .answered()
            .into_iter()
            .find(|field| !form.asks(*field))
        {
            return Err(IntakeError::NotAsked(field.code()));
        }
        if !form.roles.contains(&self.role) {
            return Err(IntakeError::RoleNotOffered(self.role.code()));
        }
        if let Some(organisation) = self.answers.organisation {
            if !form.organisations.iter().any(|o| o.id == organisation) {
                return Err(IntakeError::UnknownOrganisation);
            }
        }
        if !self.consents.processing {
            return Err(IntakeError::ProcessingNotGiven);
        }
        Ok(())
    }

    /// The person details the application gives: what was answered, and
    /// the contact details answered shared with the tandem partner if the
    /// applicant agreed to that. Coordinators' notes stay empty.
    pub fn details(&self) -> PersonDetails {
        let a = &self.answers;
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let given = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.is_empty());
        let share = self.consents.share_contact;
        PersonDetails {
            role: self.role,
            name: text(&a.name),
            salutation: text(&a.salutation),
            organisation: a.organisation,
            department: text(&a.department),
            position: text(&a.position),
            email: text(&a.email),
            phone: text(&a.phone),
            topics: a.topics.clone().unwrap_or_default(),
            goal: text(&a.goal),
            motivation: text(&a.motivation),
            availability: text(&a.availability),
            meeting_format: a.format.unwrap_or_default(),
            languages: a.languages.clone().unwrap_or_default(),
            location: text(&a.location),
            shared_with_tandem: SharedFields {
                email: share && given(&a.email),
                phone: share && given(&a.phone),
                organisation: share && a.organisation.is_some(),
                position: share && given(&a.position),
                location: share && given(&a.location),
            },
            notes: String::new(),
        }
    }
}

/// Checks a form before it is published, as of `today`: a title, a
/// deadline not past, name and e-mail asked and no field twice, a role
/// offered, texts bounded, the link's secrets well formed.
pub(crate) fn check_form(form: &IntakeForm, today: Day) -> Result<IntakeForm, IntakeError> {
    let title = one_line("title", &form.title)?;
    if title.is_empty() {
        return Err(IntakeError::TitleMissing);
    }
    if form.deadline < today {
        return Err(IntakeError::DeadlinePassed(form.deadline));
    }
    check_fields(&form.fields)?;
    check_roles(&form.roles)?;
    if !form.secrets.are_well_formed() {
        return Err(IntakeError::SecretsMalformed);
    }
    Ok(IntakeForm {
        title,
        consent: crate::model::intake::ConsentTexts {
            processing: form_text("consent", &form.consent.processing)?,
            share_contact: form_text("consent", &form.consent.share_contact)?,
            named_in_reports: form_text("consent", &form.consent.named_in_reports)?,
        },
        privacy_notice: form_text("privacy notice", &form.privacy_notice)?,
        contact: contact_point(&form.contact)?,
        ..form.clone()
    })
}

fn check_fields(fields: &[AskedField]) -> Result<(), IntakeError> {
    for required in AskedField::REQUIRED {
        if !fields.contains(&required) {
            return Err(IntakeError::FieldRequired(required.code()));
        }
    }
    for (index, field) in fields.iter().enumerate() {
        if fields[..index].contains(field) {
            return Err(IntakeError::FieldTwice(field.code()));
        }
    }
    Ok(())
}

fn check_roles(roles: &[crate::model::person::Role]) -> Result<(), IntakeError> {
    if roles.is_empty() {
        return Err(IntakeError::NoRole);
    }
    for (index, role) in roles.iter().enumerate() {
        if roles[..index].contains(role) {
            return Err(IntakeError::FieldTwice(role.code()));
        }
    }
    Ok(())
}

/// A one-line value: spaces tidied (a line break becomes a space, as in a
/// typed field), no other control character, at most a name's length.
fn one_line(field: &'static str, value: &str) -> Result<String, IntakeError> {
    if value.len() > MAX_NAME_CHARS * 4 {
        return Err(IntakeError::TooLong(field));
    }
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().any(char::is_control) {
        return Err(IntakeError::NotOneLine(field));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(IntakeError::TooLong(field));
    }
    Ok(value)
}

/// A free text: trimmed, line breaks kept (as `\n`), no other control
/// character, bounded.
fn free_text(field: &'static str, value: &str) -> Result<String, IntakeError> {
    bounded_text(field, value, MAX_TEXT_CHARS)
}

fn bounded_text(field: &'static str, value: &str, limit: usize) -> Result<String, IntakeError> {
    if value.len() > limit * 4 {
        return Err(IntakeError::TooLong(field));
    }
    let value = value.replace("\r\n", "\n").trim().to_string();
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(IntakeError::NotOneLine(field));
    }
    if value.chars().count() > limit {
        return Err(IntakeError::TooLong(field));
    }
    Ok(value)
}

fn form_text(field: &'static str, text: &LocalText) -> Result<LocalText, IntakeError> {
    Ok(LocalText {
        de: bounded_text(field, &text.de, MAX_FORM_TEXT_CHARS)?,
        en: bounded_text(field, &text.en, MAX_FORM_TEXT_CHARS)?,
    })
}

fn clean_items(field: &'static str, items: &[String]) -> Result<Vec<String>, IntakeError> {
    if items.len() > MAX_LIST_ITEMS {
        return Err(IntakeError::TooLong(field));
    }
    let mut clean: Vec<String> = Vec::new();
    for item in items {
        let item = one_line(field, item)?;
        if !item.is_empty() && !clean.iter().any(|c| normalise(c) == normalise(&item)) {
            clean.push(item);
        }
    }
    Ok(clean)
}

fn contact_point(contact: &ContactPoint) -> Result<ContactPoint, IntakeError> {
    let email = one_line("contact e-mail", &contact.email)?;
    if !email.is_empty() && !is_email(&email) {
        return Err(IntakeError::EmailInvalid(email.chars().take(80).collect()));
    }
    let phone = one_line("contact phone", &contact.phone)?;
    if !phone.is_empty() && !is_phone(&phone) {
        return Err(IntakeError::PhoneInvalid(phone.chars().take(80).collect()));
    }
    Ok(ContactPoint {
        name: one_line("contact", &contact.name)?,
        email,
        phone,
    })
}

/// Who in the programme carries `receipt` (taken in by link).
pub fn person_with_receipt(programme: &Programme, receipt: Receipt) -> Option<PersonId> {
    programme
        .people
        .iter()
        .find(|(_, person)| person.receipt == Some(receipt))
        .map(|(id, _)| *id)
}

/// What a coordinator should know about each application in the inbox
/// before taking it in, one review per application (withdrawals are read,
/// not reviewed), in the inbox's order. The most decisive verdict wins:
/// dealt with already (by its receipt, in the programme), withdrawn by a
/// later message with its receipt, the same person as someone in the
/// programme (same e-mail address, case aside, or same name and
/// organisation), the same as an earlier application in the inbox, new.
pub fn review_incoming(programme: &Programme, incoming: &[IncomingMessage]) -> Vec<IncomingReview> {
    let mut ordered: Vec<&IncomingMessage> = incoming.iter().collect();
    ordered.sort_by_key(|message| message.seq);
    let mut withdrawals: BTreeMap<Receipt, Vec<u64>> = BTreeMap::new();
    for message in &ordered {
        if let IntakeMessage::Withdrawal { receipt } = &message.message {
            withdrawals.entry(*receipt).or_default().push(message.seq);
        }
    }
    let mut earlier: Vec<(u64, &ApplicationForm)> = Vec::new();
    let mut reviews = Vec::new();
    for message in ordered {
        let IntakeMessage::Application(application) = &message.message else {
            continue;
        };
        let receipt = application.receipt;
        let person = person_with_receipt(programme, receipt);
        let withdrawn_by = withdrawals
            .get(&receipt)
            .and_then(|seqs| seqs.iter().find(|seq| **seq > message.seq).copied());
        let verdict = if let Some(note) = programme.intake_receipts.get(&receipt) {
            IncomingVerdict::AlreadyDealtWith {
                outcome: note.outcome,
                person,
            }
        } else if person.is_some() {
            IncomingVerdict::AlreadyDealtWith {
                outcome: ReceiptOutcome::TakenIn,
                person,
            }
        } else if let Some(by) = withdrawn_by {
            IncomingVerdict::Withdrawn { by }
        } else if let Some(id) = same_person_in(programme, application) {
            IncomingVerdict::SamePersonAs(id)
        } else if let Some((seq, _)) = earlier
            .iter()
            .find(|(_, other)| other.receipt == receipt || same_applicant(other, application))
        {
            IncomingVerdict::SameAsIncoming(*seq)
        } else {
            IncomingVerdict::New
        };
        earlier.push((message.seq, &**application));
        reviews.push(IncomingReview {
            seq: message.seq,
            receipt,
            verdict,
        });
    }
    reviews
}

/// Someone in the programme the application is likely from: the same
/// e-mail address (case aside), or the same name and organisation.
fn same_person_in(programme: &Programme, application: &ApplicationForm) -> Option<PersonId> {
    let details = application.details();
    let key = Person::identity_key(&details);
    let name = normalise(&details.name);
    programme
        .people
        .iter()
        .find(|(_, person)| {
            Person::has_identity_key(&person.details, &key)
                || (normalise(&person.details.email) == normalise(&details.email)
                    && !details.email.is_empty())
                || (details.organisation.is_some()
                    && person.details.organisation == details.organisation
                    && normalise(&person.details.name) == name)
        })
        .map(|(id, _)| *id)
}

fn same_applicant(one: &ApplicationForm, other: &ApplicationForm) -> bool {
    let (a, b) = (&one.answers, &other.answers);
    let same = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => !x.is_empty() && normalise(x) == normalise(y),
        _ => false,
    };
    same(&a.email, &b.email)
        || (same(&a.name, &b.name) && a.organisation.is_some() && a.organisation == b.organisation)
}
