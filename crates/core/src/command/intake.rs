//! How the commands of applying by link write to the document: the
//! published form and its link, and what became of each application that
//! came in (taken in as a person with their consent, declined, withdrawn).
//!
//! A receipt is dealt with once. Taking one in writes the person (carrying
//! the receipt), their consent as given on the form and the receipt's
//! mark; declining or a withdrawal before it was taken in writes only the
//! mark, so nothing personal of that application stays in the programme.
//! Two coordinators taking in the same application apart make two people
//! with one receipt: the invariant `receipt-once` lists that after the
//! merge, settled by withdrawing one of them.

use automerge::transaction::Transaction;
use automerge::ObjId;
use autosurgeon::hydrate::MaybeMissing;
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::command::people::withdraw;
use crate::command::Command;
use crate::document::author::Author;
use crate::document::schema::{
    hydrate_entity, hydrate_entry, write_entity, CONSENTS, INTAKE, INTAKE_RECEIPTS, PEOPLE,
};
use crate::model::consent::{ConsentRecord, ConsentWay};
use crate::model::day::Day;
use crate::model::ids::PersonId;
use crate::model::intake::{
    to_hex, ApplicationForm, IntakeForm, IntakeSecrets, Receipt, ReceiptNote, ReceiptOutcome,
};
use crate::model::person::{Application, Person, Stage};
use crate::model::programme::Programme;
use crate::rules::error::{CommandError, IntakeError};
use crate::rules::intake::{check_form, person_with_receipt};
use crate::rules::people::{check_not_present, clean_details, identities};

/// How many days before its arrival an application's own date is
/// believed: a phone's clock can be wrong, and an application cannot have
/// been sent after it arrived.
pub(crate) const SENT_ON_TRUSTED_DAYS: i64 = 14;

/// What an intake command wrote: the form, a receipt's mark, a person with
/// their consent.
#[derive(Default)]
pub(crate) struct IntakeTouched {
    pub form: bool,
    pub receipt: Option<Receipt>,
    pub person: Option<PersonId>,
}

pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    command: Command,
) -> Result<IntakeTouched, CommandError> {
    match command {
        Command::PublishIntakeForm { form, today } => {
            let mut form = check_form(&form, today)?;
            if let Some(before) = &programme.intake {
                // Publishing again edits the form; a new inbox closes the
                // one before, which is still drained.
                form.closed_inboxes.extend(before.closed_inboxes.clone());
                form.inbox_keys.extend(before.inbox_keys.clone());
                if before.secrets.inbox != form.secrets.inbox {
                    form.keep_keys_of(&before.secrets);
                    form.closed_inboxes
                        .insert(before.secrets.inbox.clone(), today);
                    form.generation = before.generation + 1;
                } else {
                    form.generation = before.generation;
                }
            }
            form.closed_inboxes.remove(&form.secrets.inbox);
            form.keep_current_keys();
            form.closed_on = None;
            write_form(tx, programme_obj, &form)
        }
        Command::RenewIntakeLink {
            inbox,
            key_secret,
            reader,
            on,
        } => {
            let mut form = programme.intake.clone().ok_or(IntakeError::NoForm)?;
            let secrets = IntakeSecrets::new(inbox, key_secret, reader);
            if secrets.inbox == form.secrets.inbox
                || form.closed_inboxes.contains_key(&to_hex(&inbox))
            {
                return Err(IntakeError::SecretsMalformed.into());
            }
            // The inbox before still holds what came in before: its keys
            // stay until it is drained.
            form.keep_current_keys();
            form.closed_inboxes.insert(form.secrets.inbox.clone(), on);
            form.secrets = secrets;
            form.keep_current_keys();
            form.generation += 1;
            write_form(tx, programme_obj, &form)
        }
        Command::ForgetDrainedInbox { inbox, on } => {
            let mut form = programme.intake.clone().ok_or(IntakeError::NoForm)?;
            let inbox = to_hex(&inbox);
            if inbox == form.secrets.inbox {
                return Err(IntakeError::InboxInUse.into());
            }
            if form.inbox_keys.remove(&inbox).is_none() {
                return Err(IntakeError::NoSuchInbox.into());
            }
            form.closed_inboxes.entry(inbox).or_insert(on);
            write_form(tx, programme_obj, &form)
        }
        Command::CloseIntakeForm { on } => {
            let mut form = programme.intake.clone().ok_or(IntakeError::NoForm)?;
            if form.closed_on.is_some() {
                return Err(IntakeError::FormClosed.into());
            }
            form.closed_on = Some(on);
            write_form(tx, programme_obj, &form)
        }
        Command::TakeInApplication {
            id,
            application,
            received_on,
        } => take_in(
            tx,
            programme_obj,
            programme,
            author,
            id,
            application,
            received_on,
        ),
        Command::DeclineApplication { receipt, on } => {
            check_not_dealt_with(programme, receipt)?;
            write_note(tx, programme_obj, receipt, ReceiptOutcome::Declined, on)
        }
        Command::RecordApplicationWithdrawn { receipt, on } => {
            withdrawn(tx, programme_obj, programme, receipt, on)
        }
        _ => Err(CommandError::Document("not an intake command".into())),
    }
}

/// The person a withdrawal by receipt concerns once they were taken in:
/// their own history shows it.
pub(crate) fn subject(programme: &Programme, command: &Command) -> Option<String> {
    match command {
        Command::RecordApplicationWithdrawn { receipt, .. } => {
            person_with_receipt(programme, *receipt).map(|id| id.to_string())
        }
        _ => None,
    }
}

fn write_form(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    form: &IntakeForm,
) -> Result<IntakeTouched, CommandError> {
    reconcile_prop(tx, programme_obj, INTAKE, form)?;
    Ok(IntakeTouched {
        form: true,
        ..IntakeTouched::default()
    })
}

fn write_note(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    receipt: Receipt,
    outcome: ReceiptOutcome,
    on: Day,
) -> Result<IntakeTouched, CommandError> {
    let note = ReceiptNote { outcome, on };
    write_entity(
        tx,
        programme_obj,
        INTAKE_RECEIPTS,
        &receipt.to_string(),
        &note,
    )?;
    Ok(IntakeTouched {
        receipt: Some(receipt),
        ..IntakeTouched::default()
    })
}

/// Refuses a receipt the programme has dealt with.
fn check_not_dealt_with(programme: &Programme, receipt: Receipt) -> Result<(), CommandError> {
    if person_with_receipt(programme, receipt).is_some() {
        return Err(IntakeError::ReceiptTakenIn(receipt.to_string()).into());
    }
    if let Some(note) = programme.intake_receipts.get(&receipt) {
        return Err(IntakeError::AlreadyDealtWith(receipt.to_string(), note.outcome.code()).into());
    }
    Ok(())
}

/// The day of application: the day the applicant's device sent it, unless
/// that is after its arrival or long before it (a wrong clock); then the
/// day it arrived.
pub(crate) fn day_of_application(sent_on: Day, received_on: Day) -> Day {
    let days_before = received_on.days_since(sent_on);
    if (0..=SENT_ON_TRUSTED_DAYS).contains(&days_before) {
        sent_on
    } else {
        received_on
    }
}

fn take_in(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    id: PersonId,
    application: ApplicationForm,
    received_on: Day,
) -> Result<IntakeTouched, CommandError> {
    let application = application.cleaned()?;
    if !application.consents.processing {
        return Err(IntakeError::ProcessingNotGiven.into());
    }
    let receipt = application.receipt;
    check_not_dealt_with(programme, receipt)?;
    let details = clean_details(programme, &application.details())?;
    check_not_present(&identities(programme), &details)?;
    if programme.people.contains_key(&id) {
        return Err(CommandError::Document("person id already used".into()));
    }
    let applied_on = day_of_application(application.sent_on, received_on);
    let person = Person {
        import_key: Some(Person::identity_key(&details)),
        reminders: Default::default(),
        receipt: Some(receipt),
        details,
        application: Application::new(applied_on),
    };
    let consent = ConsentRecord {
        processing: true,
        photos: false,
        named_in_reports: application.consents.named_in_reports,
        given_on: applied_on,
        way: ConsentWay::OnlineForm,
        recorded_by: author.name.trim().to_string(),
        withdrawn_on: None,
    };
    let key = id.to_string();
    write_entity(tx, programme_obj, PEOPLE, &key, &person)?;
    write_entity(tx, programme_obj, CONSENTS, &key, &consent)?;
    write_note(
        tx,
        programme_obj,
        receipt,
        ReceiptOutcome::TakenIn,
        received_on,
    )?;
    Ok(IntakeTouched {
        form: false,
        receipt: Some(receipt),
        person: Some(id),
    })
}

/// The applicant withdrew. Before it was taken in, only the mark is kept;
/// after, their application is withdrawn as `Withdraw` does and their
/// consent counts as withdrawn from that day.
fn withdrawn(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    receipt: Receipt,
    on: Day,
) -> Result<IntakeTouched, CommandError> {
    let Some(id) = person_with_receipt(programme, receipt) else {
        if let Some(note) = programme.intake_receipts.get(&receipt) {
            if note.outcome != ReceiptOutcome::TakenIn {
                return Err(IntakeError::AlreadyDealtWith(
                    receipt.to_string(),
                    note.outcome.code(),
                )
                .into());
            }
        }
        return write_note(tx, programme_obj, receipt, ReceiptOutcome::Withdrawn, on);
    };
    let mut person = programme
        .people
        .get(&id)
        .cloned()
        .ok_or(CommandError::UnknownPerson)?;
    if person.application.stage != Stage::Withdrawn {
        let reason = format!("Über den Bewerbungslink zurückgezogen ({receipt})");
        withdraw(programme, id, &mut person, on, reason)?;
        write_entity(tx, programme_obj, PEOPLE, &id.to_string(), &person)?;
    }
    if let Some(consent) = programme.consents.get(&id).filter(|c| c.stands()) {
        let consent = ConsentRecord {
            withdrawn_on: Some(on.max(consent.given_on)),
            ..consent.clone()
        };
        write_entity(tx, programme_obj, CONSENTS, &id.to_string(), &consent)?;
    }
    write_note(tx, programme_obj, receipt, ReceiptOutcome::Withdrawn, on)?;
    Ok(IntakeTouched {
        form: false,
        receipt: Some(receipt),
        person: Some(id),
    })
}

pub(crate) fn refresh(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    programme: &mut Programme,
    touched: IntakeTouched,
) -> Result<(), CommandError> {
    let hydrate_error =
        |error: autosurgeon::HydrateError| CommandError::Document(error.to_string());
    if touched.form {
        let form: MaybeMissing<Option<IntakeForm>> =
            hydrate_prop(doc, programme_obj, INTAKE).map_err(hydrate_error)?;
        programme.intake = match form {
            MaybeMissing::Present(form) => form,
            MaybeMissing::Missing => None,
        };
    }
    if let Some(receipt) = touched.receipt {
        match hydrate_entry(doc, programme_obj, INTAKE_RECEIPTS, &receipt.to_string())? {
            Some(note) => programme.intake_receipts.insert(receipt, note),
            None => programme.intake_receipts.remove(&receipt),
        };
    }
    if let Some(id) = touched.person {
        let key = id.to_string();
        let person = hydrate_entity(doc, programme_obj, PEOPLE, &key)?;
        programme.people.insert(id, person);
        match hydrate_entry(doc, programme_obj, CONSENTS, &key)? {
            Some(consent) => programme.consents.insert(id, consent),
            None => programme.consents.remove(&id),
        };
    }
    Ok(())
}
