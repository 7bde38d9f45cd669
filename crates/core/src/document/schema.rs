//! The programme document's schema in one place: the keys under which the
//! programme and each collection are stored, and how one entity is read
//! from or written to its collection. A command writes only the entry it
//! concerns and reads only that back, so a programme of 2,000 people changes
//! as quickly as one of 20.

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate};

use crate::document::author::Author;
use crate::document::ChangeNote;
use crate::model::event::Attendance;
use crate::model::ids::{EventId, PersonId};
use crate::model::programme::Programme;
use crate::rules::error::{CalendarError, CommandError};

/// The root key of the generation record.
pub(crate) const GENERATION: &str = "generation";
pub(crate) const FORMAT: &str = "format";
pub(crate) const PROGRAMME: &str = "programme";
pub(crate) const PARTNERS: &str = "partners";
pub(crate) const PEOPLE: &str = "people";
pub(crate) const TANDEMS: &str = "tandems";
pub(crate) const MATCHING_WEIGHTS: &str = "matching_weights";
pub(crate) const FIXED_PAIRS: &str = "fixed_pairs";
pub(crate) const EXCLUDED_PAIRS: &str = "excluded_pairs";

/// Writes one entity into the map `collection` of the programme.
pub(crate) fn write_entity<V: autosurgeon::Reconcile>(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
    value: &V,
) -> Result<(), CommandError> {
    let map = map_at(tx, programme_obj, collection)?;
    reconcile_prop(tx, &map, key, value)?;
    Ok(())
}

/// Reads one entry of the map `collection`, or `None` if it is not there.
pub(crate) fn hydrate_entry<V: Hydrate>(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
) -> Result<Option<V>, CommandError> {
    let Some((_, map)) = doc.get(programme_obj, collection)? else {
        return Ok(None);
    };
    let entry: autosurgeon::hydrate::MaybeMissing<V> =
        hydrate_prop(doc, &map, key).map_err(|error| CommandError::Document(error.to_string()))?;
    Ok(match entry {
        autosurgeon::hydrate::MaybeMissing::Present(value) => Some(value),
        autosurgeon::hydrate::MaybeMissing::Missing => None,
    })
}

/// Reads one entity from the map `collection` of the programme.
pub(crate) fn hydrate_entity<V: Hydrate>(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    collection: &str,
    key: &str,
) -> Result<V, CommandError> {
    let map = match doc.get(programme_obj, collection)? {
        Some((_, id)) => id,
        None => {
            return Err(CommandError::Document(format!(
                "no {collection} in the document"
            )))
        }
    };
    hydrate_prop(doc, &map, key).map_err(|error| CommandError::Document(error.to_string()))
}

/// The map at `key` inside `parent`, made if a concurrent edit has not yet
/// brought it.
pub(crate) fn map_at(
    tx: &mut Transaction<'_>,
    parent: &ObjId,
    key: &str,
) -> Result<ObjId, CommandError> {
    match tx.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(tx.put_object(parent, key, ObjType::Map)?),
    }
}

pub(crate) fn commit_options(
    author: &Author,
    at: i64,
    command: &str,
    subject: Option<String>,
) -> CommitOptions {
    let note = ChangeNote {
        by: author.id.to_string(),
        name: author.name.clone(),
        command: command.to_string(),
        subject,
        at,
        hash: String::new(),
        actor: String::new(),
        seq: 0,
    };
    let message = serde_json::to_string(&note).unwrap_or_default();
    CommitOptions::default().with_message(message).with_time(at)
}

pub(crate) const EVENTS: &str = "events";
pub(crate) const COMPLETION: &str = "completion";
pub(crate) const CERTIFICATE_GRANTS: &str = "certificate_grants";
pub(crate) const ATTENDANCE: &str = "attendance";

pub(crate) const SURVEYS: &str = "surveys";
pub(crate) const SURVEY_RESPONSES: &str = "survey_responses";
pub(crate) const OUTCOMES: &str = "outcomes";

pub(crate) const CONSENTS: &str = "consents";
pub(crate) const RETENTION: &str = "retention_months";

pub(crate) const INTAKE: &str = "intake";
pub(crate) const INTAKE_RECEIPTS: &str = "intake_receipts";

/// Reads one person's line in one event's attendance list again, and
/// nothing else: an event with hundreds of marks is not read whole for one.
pub(crate) fn refresh_attendance(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    programme: &mut Programme,
    id: EventId,
    person: PersonId,
) -> Result<(), CommandError> {
    let Some(event) = programme.events.get_mut(&id) else {
        return Err(CommandError::Calendar(CalendarError::UnknownEvent));
    };
    let entry = doc
        .get(programme_obj, EVENTS)?
        .and_then(|(_, events)| doc.get(&events, id.to_string().as_str()).ok().flatten())
        .and_then(|(_, event)| doc.get(&event, ATTENDANCE).ok().flatten())
        .map(|(_, attendance)| {
            hydrate_prop::<_, autosurgeon::hydrate::MaybeMissing<Attendance>, _, _>(
                doc,
                &attendance,
                person.to_string().as_str(),
            )
        })
        .transpose()
        .map_err(|error| CommandError::Document(error.to_string()))?;
    match entry {
        Some(autosurgeon::hydrate::MaybeMissing::Present(entry)) => {
            event.attendance.insert(person, entry);
        }
        _ => {
            event.attendance.remove(&person);
        }
    }
    Ok(())
}
