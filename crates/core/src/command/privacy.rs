//! How the privacy commands write to the document: a consent record and
//! the retention period.

use automerge::transaction::Transaction;
use automerge::ObjId;

use crate::command::Command;
use crate::document::schema::{
    hydrate_entry, map_at, write_entity, ATTENDANCE, CERTIFICATE_GRANTS, CONSENTS, EVENTS,
    EXCLUDED_PAIRS, FIXED_PAIRS, OUTCOMES, RETENTION, SURVEY_RESPONSES,
};
use crate::model::consent::{ConsentRecord, MAX_RETENTION_MONTHS};
use crate::model::ids::PersonId;
use crate::model::programme::Programme;
use crate::rules::error::{CommandError, PrivacyError};

/// What a privacy command wrote.
pub(crate) enum PrivacyTouched {
    Consent(PersonId),
    Retention,
    /// Everything recorded about one person.
    RecordsOf,
}

pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    command: Command,
) -> Result<PrivacyTouched, CommandError> {
    match command {
        Command::RecordConsent { person, consent } => {
            if !programme.people.contains_key(&person) {
                return Err(CommandError::UnknownPerson);
            }
            if consent.withdrawn_on.is_some_and(|on| on < consent.given_on) {
                return Err(CommandError::Privacy(PrivacyError::WithdrawnBeforeGiven));
            }
            let consent = ConsentRecord {
                recorded_by: consent.recorded_by.trim().to_string(),
                ..consent
            };
            write_entity(tx, programme_obj, CONSENTS, &person.to_string(), &consent)?;
            Ok(PrivacyTouched::Consent(person))
        }
        Command::SetRetention { months } => {
            if months.is_some_and(|months| months > MAX_RETENTION_MONTHS) {
                return Err(CommandError::Privacy(PrivacyError::RetentionTooLong));
            }
            autosurgeon::reconcile_prop(tx, programme_obj, RETENTION, months)?;
            Ok(PrivacyTouched::Retention)
        }
        Command::RemoveRecordsOf { person } => {
            remove_records_of(tx, programme_obj, programme, person)?;
            Ok(PrivacyTouched::RecordsOf)
        }
        _ => Err(CommandError::Document("not a privacy command".into())),
    }
}

/// Removes what is recorded about someone who is not in the programme
/// (any more): their consent, outcomes, certificate, attendance, named
/// answers and pairs. Only ever arises when a person's entry was taken
/// back on one side while another recorded something about them.
fn remove_records_of(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    person: PersonId,
) -> Result<(), CommandError> {
    use automerge::transaction::Transactable;
    if programme.people.contains_key(&person) {
        return Err(CommandError::Document(
            "the person is in the programme; their records stay".into(),
        ));
    }
    let key = person.to_string();
    for (collection, present) in [
        (CONSENTS, programme.consents.contains_key(&person)),
        (OUTCOMES, programme.outcomes.contains_key(&person)),
        (
            CERTIFICATE_GRANTS,
            programme.certificate_grants.contains_key(&person),
        ),
    ] {
        if present {
            let map = map_at(tx, programme_obj, collection)?;
            tx.delete(&map, key.as_str())?;
        }
    }
    for (event_id, event) in &programme.events {
        if event.attendance.contains_key(&person) {
            let events = map_at(tx, programme_obj, EVENTS)?;
            let event = map_at(tx, &events, &event_id.to_string())?;
            let attendance = map_at(tx, &event, ATTENDANCE)?;
            tx.delete(&attendance, key.as_str())?;
        }
    }
    for (id, response) in &programme.survey_responses {
        if response.person == Some(person) {
            let responses = map_at(tx, programme_obj, SURVEY_RESPONSES)?;
            tx.delete(&responses, id.to_string().as_str())?;
        }
    }
    for (mentee, mentor) in &programme.fixed_pairs {
        if *mentee == person || *mentor == person {
            let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
            tx.delete(&fixed, mentee.to_string().as_str())?;
        }
    }
    for pair in programme.excluded_pairs.keys() {
        if pair.mentee == person || pair.mentor == person {
            let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
            tx.delete(&excluded, pair.to_string().as_str())?;
        }
    }
    Ok(())
}

pub(crate) fn refresh(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    programme: &mut Programme,
    touched: PrivacyTouched,
) -> Result<(), CommandError> {
    match touched {
        PrivacyTouched::Consent(person) => {
            match hydrate_entry(doc, programme_obj, CONSENTS, &person.to_string())? {
                Some(consent) => programme.consents.insert(person, consent),
                None => programme.consents.remove(&person),
            };
        }
        PrivacyTouched::RecordsOf => {
            // Rare (it settles a merge of a person taken back on one side
            // and recorded on another): the programme is read whole.
            let fresh: Programme = autosurgeon::hydrate_prop(
                doc,
                &automerge::ROOT,
                crate::document::schema::PROGRAMME,
            )
            .map_err(|error| CommandError::Document(error.to_string()))?;
            programme.consents = fresh.consents;
            programme.outcomes = fresh.outcomes;
            programme.certificate_grants = fresh.certificate_grants;
            programme.events = fresh.events;
            programme.survey_responses = fresh.survey_responses;
            programme.fixed_pairs = fresh.fixed_pairs;
            programme.excluded_pairs = fresh.excluded_pairs;
        }
        PrivacyTouched::Retention => {
            programme.retention_months =
                autosurgeon::hydrate_prop(doc, programme_obj, RETENTION)
                    .map_err(|error| CommandError::Document(error.to_string()))?;
        }
    }
    Ok(())
}
