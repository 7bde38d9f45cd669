//! How the calendar's commands write to the document: events, attendance,
//! completion rules and certificates issued against them. Each writes only
//! the entry it concerns (one event's details, one person's line in one
//! attendance list), and only that is hydrated again.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ReadDoc};
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::command::Command;
use crate::document::author::Author;
use crate::document::schema::{
    hydrate_entity, hydrate_entry, map_at, refresh_attendance, write_entity, ATTENDANCE,
    CERTIFICATE_GRANTS, COMPLETION, EVENTS,
};
use crate::model::completion::CertificateGrant;
use crate::model::day::Day;
use crate::model::event::{Attendance, AttendanceStatus, Event};
use crate::model::ids::{EventId, PersonId};
use crate::model::programme::Programme;
use crate::rules::calendar::{check_minutes, clean_event_details};
use crate::rules::error::{CalendarError, CommandError};

/// What a calendar command wrote.
pub(crate) enum CalendarTouched {
    Event(EventId),
    /// One person's line in one event's attendance list.
    Attendance(EventId, PersonId),
    Completion,
    Grant(PersonId),
}

/// Validates one calendar command and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    command: Command,
) -> Result<CalendarTouched, CommandError> {
    match command {
        Command::CreateEvent { id, details } => {
            let details = clean_event_details(programme, &details)?;
            if programme.events.contains_key(&id) {
                return Err(CommandError::Document("event id already used".into()));
            }
            write_entity(
                tx,
                programme_obj,
                EVENTS,
                &id.to_string(),
                &Event::new(details),
            )?;
            Ok(CalendarTouched::Event(id))
        }
        Command::UpdateEvent { id, details } => {
            event_of(programme, id)?;
            let details = clean_event_details(programme, &details)?;
            let event = event_obj(tx, programme_obj, id)?;
            reconcile_prop(tx, &event, "details", &details)?;
            Ok(CalendarTouched::Event(id))
        }
        Command::CancelEvent { id, cancelled } => {
            event_of(programme, id)?;
            let event = event_obj(tx, programme_obj, id)?;
            tx.put(&event, "cancelled", cancelled)?;
            Ok(CalendarTouched::Event(id))
        }
        Command::MarkAttendance {
            event: id,
            person,
            status,
        } => mark_attendance(tx, programme_obj, programme, id, person, status),
        Command::SetAttendedMinutes {
            event: id,
            person,
            minutes,
        } => {
            let event = event_of(programme, id)?;
            check_can_record(programme, event, person)?;
            if let Some(minutes) = minutes {
                check_minutes(minutes)?;
            }
            // Hours entered for someone not yet marked mean they were there.
            let entry = Attendance {
                status: event
                    .attendance_of(person)
                    .map(|entry| entry.status)
                    .unwrap_or(AttendanceStatus::Attended),
                minutes,
            };
            write_attendance(tx, programme_obj, id, person, &entry)?;
            Ok(CalendarTouched::Attendance(id, person))
        }
        Command::SetCompletionRules { rules } => {
            let rules = rules.cleaned()?;
            reconcile_prop(tx, programme_obj, COMPLETION, &rules)?;
            Ok(CalendarTouched::Completion)
        }
        Command::GrantCertificate { person, reason, on } => {
            grant_certificate(tx, programme_obj, programme, author, person, reason, on)
        }
        Command::WithdrawCertificateGrant { person } => {
            if !programme.certificate_grants.contains_key(&person) {
                return Err(CommandError::UnknownValue);
            }
            let grants = map_at(tx, programme_obj, CERTIFICATE_GRANTS)?;
            tx.delete(&grants, person.to_string().as_str())?;
            Ok(CalendarTouched::Grant(person))
        }
        _ => Err(CommandError::Document("not a calendar command".into())),
    }
}

/// Hydrates again what a calendar command wrote, and nothing else.
pub(crate) fn refresh(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    programme: &mut Programme,
    touched: CalendarTouched,
) -> Result<(), CommandError> {
    match touched {
        CalendarTouched::Event(id) => {
            let event = hydrate_entity(doc, programme_obj, EVENTS, &id.to_string())?;
            programme.events.insert(id, event);
        }
        CalendarTouched::Attendance(id, person) => {
            refresh_attendance(doc, programme_obj, programme, id, person)?;
        }
        CalendarTouched::Completion => {
            programme.completion = hydrate_prop(doc, programme_obj, COMPLETION)
                .map_err(|error| CommandError::Document(error.to_string()))?;
        }
        CalendarTouched::Grant(person) => {
            match hydrate_entry(doc, programme_obj, CERTIFICATE_GRANTS, &person.to_string())? {
                Some(grant) => programme.certificate_grants.insert(person, grant),
                None => programme.certificate_grants.remove(&person),
            };
        }
    }
    Ok(())
}

fn event_of(programme: &Programme, id: EventId) -> Result<&Event, CommandError> {
    programme
        .events
        .get(&id)
        .ok_or(CommandError::Calendar(CalendarError::UnknownEvent))
}

/// Attendance is recorded for people in the programme at events that take
/// place.
fn check_can_record(
    programme: &Programme,
    event: &Event,
    person: PersonId,
) -> Result<(), CommandError> {
    if !programme.people.contains_key(&person) {
        return Err(CommandError::UnknownPerson);
    }
    if event.cancelled {
        return Err(CommandError::Calendar(CalendarError::EventCancelled));
    }
    Ok(())
}

fn event_obj(
    tx: &Transaction<'_>,
    programme_obj: &ObjId,
    id: EventId,
) -> Result<ObjId, CommandError> {
    let events = match tx.get(programme_obj, EVENTS)? {
        Some((_, events)) => events,
        None => return Err(CommandError::Calendar(CalendarError::UnknownEvent)),
    };
    match tx.get(&events, id.to_string().as_str())? {
        Some((_, event)) => Ok(event),
        None => Err(CommandError::Calendar(CalendarError::UnknownEvent)),
    }
}

fn write_attendance(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    id: EventId,
    person: PersonId,
    entry: &Attendance,
) -> Result<(), CommandError> {
    let event = event_obj(tx, programme_obj, id)?;
    let attendance = map_at(tx, &event, ATTENDANCE)?;
    reconcile_prop(tx, &attendance, person.to_string().as_str(), entry)?;
    Ok(())
}

/// Marks one person on one event's list, within the event's places.
fn mark_attendance(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    id: EventId,
    person: PersonId,
    status: AttendanceStatus,
) -> Result<CalendarTouched, CommandError> {
    let event = event_of(programme, id)?;
    check_can_record(programme, event, person)?;
    let before = event.attendance_of(person).copied();
    if status == AttendanceStatus::Registered
        && before.map(|entry| entry.status) != Some(AttendanceStatus::Registered)
    {
        if let Some(capacity) = event.details.capacity {
            if event.taken_places() >= capacity as usize {
                return Err(CommandError::Calendar(CalendarError::EventFull(capacity)));
            }
        }
    }
    let entry = Attendance {
        status,
        minutes: before.and_then(|entry| entry.minutes),
    };
    write_attendance(tx, programme_obj, id, person, &entry)?;
    Ok(CalendarTouched::Attendance(id, person))
}

/// Issues a certificate against the rules, with who decided it and why.
fn grant_certificate(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    person: PersonId,
    reason: String,
    on: Day,
) -> Result<CalendarTouched, CommandError> {
    if !programme.people.contains_key(&person) {
        return Err(CommandError::UnknownPerson);
    }
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(CommandError::ReasonMissing);
    }
    if reason.chars().count() > crate::rules::text::MAX_TEXT_CHARS {
        return Err(CommandError::TextTooLong);
    }
    let grant = CertificateGrant {
        by: author.id.to_string(),
        by_name: author.name.clone(),
        on,
        reason,
    };
    write_entity(
        tx,
        programme_obj,
        CERTIFICATE_GRANTS,
        &person.to_string(),
        &grant,
    )?;
    Ok(CalendarTouched::Grant(person))
}
