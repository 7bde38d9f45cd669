//! How the privacy commands write to the document: a consent record and
//! the retention period.

use automerge::transaction::Transaction;
use automerge::{Automerge, ObjId};

use crate::command::Command;
use crate::document::schema::{hydrate_entry, write_entity, CONSENTS, RETENTION};
use crate::model::consent::{ConsentRecord, MAX_RETENTION_MONTHS};
use crate::model::ids::PersonId;
use crate::model::programme::Programme;
use crate::rules::error::CommandError;

/// What a privacy command wrote.
pub(crate) enum PrivacyTouched {
    Consent(PersonId),
    Retention,
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
                return Err(CommandError::WithdrawnBeforeGiven);
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
                return Err(CommandError::RetentionTooLong);
            }
            autosurgeon::reconcile_prop(tx, programme_obj, RETENTION, months)?;
            Ok(PrivacyTouched::Retention)
        }
        _ => Err(CommandError::Document("not a privacy command".into())),
    }
}

pub(crate) fn refresh(
    doc: &Automerge,
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
        PrivacyTouched::Retention => {
            programme.retention_months =
                autosurgeon::hydrate_prop(doc, programme_obj, RETENTION)
                    .map_err(|error| CommandError::Document(error.to_string()))?;
        }
    }
    Ok(())
}
