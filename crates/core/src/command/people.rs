//! How the people commands write to the document: adding, updating and
//! importing people, interviews, decisions and withdrawals.

use automerge::transaction::Transaction;
use automerge::{ObjId, ObjType, ReadDoc};
use autosurgeon::reconcile_prop;

use crate::command::{Command, ImportedPerson, Touched};
use crate::document::author::Author;
use crate::document::schema::{map_at, write_entity, PEOPLE};
use crate::model::ids::PersonId;
use crate::model::person::{Application, Interview, Person, Stage, Withdrawal};
use crate::model::programme::Programme;
use crate::rules::error::{CommandError, PeopleError};
use crate::rules::people::{
    check_decision, check_not_present, check_step, clean_details, identities,
};
use crate::rules::text::clean_name;

/// Validates one people command against the programme and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    _author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    match command {
        Command::AddPerson {
            id,
            details,
            applied_on,
        } => {
            let details = clean_details(programme, &details)?;
            check_not_present(&identities(programme), &details)?;
            if programme.people.contains_key(&id) {
                return Err(CommandError::Document("person id already used".into()));
            }
            let person = Person {
                import_key: Some(Person::identity_key(&details)),
                reminders: Default::default(),
                receipt: None,
                details,
                application: Application::new(applied_on),
            };
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::UpdatePerson { id, details } => {
            let mut person = person_of(programme, id)?;
            person.details = clean_details(programme, &details)?;
            // Only the details are compared and written: the application
            // and the rest of the person stay untouched.
            let people = map_at(tx, programme_obj, PEOPLE)?;
            match tx.get(&people, id.to_string().as_str())? {
                Some((automerge::Value::Object(ObjType::Map), person_obj)) => {
                    reconcile_prop(tx, &person_obj, "details", &person.details)?
                }
                _ => write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?,
            }
            Ok(Touched::People(vec![id]))
        }
        Command::ImportPeople { people } => import_people(tx, programme_obj, programme, people),
        Command::RecordInterview {
            person: id,
            interview,
        } => record_interview(tx, programme_obj, programme, id, interview),
        Command::Decide {
            person: id,
            decision,
            on,
        } => {
            let mut person = person_of(programme, id)?;
            let stage = check_decision(programme, id, &person, decision)?;
            person.application.stage = stage;
            person.application.decided_on = Some(on);
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::Withdraw {
            person: id,
            reason,
            on,
        } => {
            let mut person = person_of(programme, id)?;
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(CommandError::ReasonMissing);
            }
            withdraw(programme, id, &mut person, on, reason)?;
            write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
            Ok(Touched::People(vec![id]))
        }
        Command::RecordReminderSent { key, people, on } => {
            record_reminder_sent(tx, programme_obj, programme, &key, people, on)
        }
        _ => Err(CommandError::Document("not a people command".into())),
    }
}

/// Marks a reminder as sent to each of `people`: one entry in the person's
/// `reminders` map, so marks by two coordinators at once both stay.
fn record_reminder_sent(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    key: &str,
    people: Vec<PersonId>,
    on: crate::model::day::Day,
) -> Result<Touched, CommandError> {
    if crate::model::reminder::ReminderKind::of_key(key).is_none()
        || key.chars().count() > crate::model::reminder::MAX_REMINDER_KEY_CHARS
    {
        return Err(CommandError::Document(format!("no such reminder: {key}")));
    }
    let people_obj = map_at(tx, programme_obj, PEOPLE)?;
    for id in &people {
        let person = person_of(programme, *id)?;
        if !person.reminders.contains_key(key)
            && person.reminders.len() >= crate::model::reminder::MAX_REMINDERS_PER_PERSON
        {
            return Err(CommandError::TextTooLong);
        }
        let Some((_, person_obj)) = tx.get(&people_obj, id.to_string().as_str())? else {
            return Err(CommandError::UnknownPerson);
        };
        let reminders = map_at(tx, &person_obj, "reminders")?;
        reconcile_prop(
            tx,
            &reminders,
            key,
            crate::model::reminder::SentReminder { on },
        )?;
    }
    Ok(Touched::People(people))
}

/// Ends `person`'s (the programme's `id`) way into the programme on `on`,
/// for `reason`: refused where the stage allows no withdrawal or the person
/// is in an active tandem.
pub(crate) fn withdraw(
    programme: &Programme,
    id: PersonId,
    person: &mut Person,
    on: crate::model::day::Day,
    reason: String,
) -> Result<(), CommandError> {
    check_step(programme, id, person, Stage::Withdrawn)?;
    if programme.active_tandems_of(id).next().is_some() {
        return Err(CommandError::People(PeopleError::InActiveTandem(
            person.details.name.clone(),
        )));
    }
    person.application.withdrawal = Some(Withdrawal {
        on,
        reason,
        from: person.application.stage,
    });
    person.application.stage = Stage::Withdrawn;
    Ok(())
}

/// A copy of the person to change, or why there is none.
pub(crate) fn person_of(programme: &Programme, id: PersonId) -> Result<Person, CommandError> {
    programme
        .people
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownPerson)
}

/// Adds the people of one spreadsheet, all or none.
fn import_people(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    people: Vec<ImportedPerson>,
) -> Result<Touched, CommandError> {
    // One look at who is here, not one per imported row.
    let known = identities(programme);
    let mut seen = std::collections::BTreeSet::new();
    let mut written = Vec::new();
    for imported in people {
        let details = clean_details(programme, &imported.details)?;
        check_not_present(&known, &details)?;
        let key = Person::identity_key(&details);
        if !seen.insert(key.clone()) || programme.people.contains_key(&imported.id) {
            return Err(CommandError::People(PeopleError::PersonTwice(details.name)));
        }
        let mut application = Application {
            applied_on: imported.applied_on,
            ..Application::new(crate::model::day::Day::EPOCH)
        };
        if imported.stage != Stage::Withdrawn {
            application.stage = imported.stage;
        }
        if matches!(
            application.stage,
            Stage::Accepted | Stage::Waitlisted | Stage::Declined
        ) {
            application.decided_on = imported.applied_on;
        }
        let person = Person {
            details,
            application,
            import_key: Some(key),
            reminders: Default::default(),
            receipt: None,
        };
        write_entity(tx, programme_obj, PEOPLE, &imported.id.to_string(), &person)?;
        written.push(imported.id);
    }
    Ok(Touched::People(written))
}

/// Records the getting-to-know interview; moves an applicant on to interviewed.
fn record_interview(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    id: PersonId,
    interview: Interview,
) -> Result<Touched, CommandError> {
    let mut person = person_of(programme, id)?;
    let by = clean_name(
        &interview.by,
        CommandError::People(PeopleError::InterviewerMissing),
    )?;
    let notes = interview.notes.trim().to_string();
    if notes.chars().count() > crate::rules::text::MAX_TEXT_CHARS {
        return Err(CommandError::TextTooLong);
    }
    // Recording the interview of someone already decided on keeps
    // the decision; it only adds the interview.
    if matches!(person.application.stage, Stage::Applied) {
        check_step(programme, id, &person, Stage::Interviewed)?;
        person.application.stage = Stage::Interviewed;
    } else if person.application.stage == Stage::Withdrawn {
        check_step(programme, id, &person, Stage::Interviewed)?;
    }
    person.application.interview = Some(crate::model::person::Interview {
        by,
        notes,
        ..interview
    });
    write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
    Ok(Touched::People(vec![id]))
}
