//! How the programme's own commands write to the document: its name,
//! dates, rules, contact rhythm and complaints contact, the partner
//! organisations, and a value chosen where two were set at once.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc};
use autosurgeon::reconcile_prop;

use crate::command::{Command, Touched};
use crate::document::author::Author;
use crate::document::schema::{map_at, write_entity, PARTNERS, PEOPLE, TANDEMS};
use crate::model::ids::PartnerId;
use crate::model::programme::{Partner, Programme};
use crate::rules::error::{CommandError, PeopleError, ProgrammeError};
use crate::rules::text::{check_dates, clean_name};

/// Validates one programme command against the programme and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    _author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    match command {
        Command::Rename { name } => {
            let name = clean_name(&name, CommandError::Programme(ProgrammeError::NameMissing))?;
            reconcile_prop(tx, programme_obj, "name", &name)?;
            Ok(Touched::Programme)
        }
        Command::SetDates { start, end } => {
            check_dates(start, end)?;
            reconcile_prop(tx, programme_obj, "start", start)?;
            reconcile_prop(tx, programme_obj, "end", end)?;
            Ok(Touched::Programme)
        }
        Command::SetRules { rules } => {
            if rules.mentor_capacity == 0 {
                return Err(CommandError::Programme(ProgrammeError::CapacityZero));
            }
            reconcile_prop(tx, programme_obj, "rules", rules)?;
            Ok(Touched::Programme)
        }
        Command::SetContactRhythm { days } => {
            let days = days.filter(|days| *days > 0).map(|days| days.min(366));
            reconcile_prop(tx, programme_obj, "contact_rhythm_days", days)?;
            Ok(Touched::Programme)
        }
        Command::SetComplaintsContact { contact } => {
            let contact = contact.map(clean_contact).transpose()?;
            reconcile_prop(tx, programme_obj, "complaints_contact", &contact)?;
            Ok(Touched::Programme)
        }
        Command::AddPartner { id, name } => {
            let name = clean_name(
                &name,
                CommandError::Programme(ProgrammeError::PartnerNameMissing),
            )?;
            check_partner_is_new(programme.partners.values(), &name)?;
            let partners = map_at(tx, programme_obj, PARTNERS)?;
            let partner = Partner {
                name,
                coordinator: None,
            };
            reconcile_prop(tx, &partners, id.to_string().as_str(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::RenamePartner { id, name } => {
            let name = clean_name(
                &name,
                CommandError::Programme(ProgrammeError::PartnerNameMissing),
            )?;
            let mut partner = partner_of(programme, id)?;
            let others = programme
                .partners
                .iter()
                .filter(|(other, _)| **other != id)
                .map(|(_, partner)| partner);
            check_partner_is_new(others, &name)?;
            partner.name = name;
            write_entity(tx, programme_obj, PARTNERS, &id.to_string(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::SetPartnerCoordinator { id, contact } => {
            let mut partner = partner_of(programme, id)?;
            partner.coordinator = contact.map(clean_contact).transpose()?;
            write_entity(tx, programme_obj, PARTNERS, &id.to_string(), &partner)?;
            Ok(Touched::Partner(id))
        }
        Command::ChooseValue { path, value } => choose_value(tx, programme_obj, &path, &value),
        _ => Err(CommandError::Document("not a programme command".into())),
    }
}

/// Writes the chosen value where two were set at once; the new write
/// supersedes both.
pub(crate) fn choose_value(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    path: &[String],
    value: &crate::document::conflicts::ChosenValue,
) -> Result<Touched, CommandError> {
    let Some((last, parents)) = path.split_last() else {
        return Err(CommandError::UnknownValue);
    };
    let mut obj = programme_obj.clone();
    for key in parents {
        obj = match tx.get(&obj, key.as_str())? {
            Some((automerge::Value::Object(ObjType::Map), child)) => child,
            _ => return Err(CommandError::UnknownValue),
        };
    }
    if tx.get_all(&obj, last.as_str())?.len() < 2 {
        return Err(CommandError::UnknownValue);
    }
    tx.put(&obj, last.as_str(), value.scalar())?;
    let id = path.get(1).map(String::as_str).unwrap_or_default();
    Ok(match path.first().map(String::as_str) {
        Some(PEOPLE) => Touched::People(id.parse().map(|id| vec![id]).unwrap_or_default()),
        Some(TANDEMS) => id
            .parse()
            .map(Touched::Tandem)
            .unwrap_or(Touched::Programme),
        Some(PARTNERS) => id
            .parse()
            .map(Touched::Partner)
            .unwrap_or(Touched::Programme),
        Some(crate::document::schema::EVENTS) => id
            .parse()
            .map(|id| Touched::Calendar(crate::command::calendar::CalendarTouched::Event(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::document::schema::OUTCOMES) => id
            .parse()
            .map(|id| Touched::Results(crate::command::results::ResultsTouched::Outcome(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::document::schema::SURVEYS) => id
            .parse()
            .map(|id| Touched::Results(crate::command::results::ResultsTouched::Survey(id)))
            .unwrap_or(Touched::Programme),
        Some(crate::document::schema::SURVEY_RESPONSES) => id
            .parse()
            .map(|id| {
                Touched::Results(crate::command::results::ResultsTouched::Responses(vec![id]))
            })
            .unwrap_or(Touched::Programme),
        _ => Touched::Programme,
    })
}

pub(crate) fn clean_contact(
    contact: crate::model::programme::ContactPoint,
) -> Result<crate::model::programme::ContactPoint, CommandError> {
    let name = clean_name(
        &contact.name,
        CommandError::People(PeopleError::PersonNameMissing),
    )?;
    let email = contact.email.trim().to_string();
    if !email.is_empty() && !crate::rules::people::is_email(&email) {
        return Err(CommandError::EmailInvalid(email));
    }
    let phone = contact.phone.trim().to_string();
    if !phone.is_empty() && !crate::rules::people::is_phone(&phone) {
        return Err(CommandError::PhoneInvalid(phone));
    }
    Ok(crate::model::programme::ContactPoint { name, email, phone })
}

/// A copy of the partner to change, or why there is none.
pub(crate) fn partner_of(programme: &Programme, id: PartnerId) -> Result<Partner, CommandError> {
    programme
        .partners
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownPartner)
}

pub(crate) fn check_partner_is_new<'a>(
    existing: impl IntoIterator<Item = &'a Partner>,
    name: &str,
) -> Result<(), CommandError> {
    let wanted = name.to_lowercase();
    if existing
        .into_iter()
        .any(|partner| partner.name.to_lowercase() == wanted)
    {
        return Err(CommandError::Programme(ProgrammeError::PartnerTwice(
            name.to_string(),
        )));
    }
    Ok(())
}
