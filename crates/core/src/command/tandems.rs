//! How the tandem commands write to the document: forming, ending and
//! dissolving one tandem.

use automerge::transaction::{Transactable, Transaction};
use automerge::ObjId;

use crate::command::{Command, Touched};
use crate::document::author::Author;
use crate::document::schema::{map_at, write_entity, TANDEMS};
use crate::model::ids::TandemId;
use crate::model::programme::Programme;
use crate::model::tandem::{Tandem, TandemEnding, TandemStatus};
use crate::rules::error::{CommandError, TandemError};
use crate::rules::people::check_new_tandem;
use crate::rules::text::check_dates;

/// Validates one tandem command against the programme and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    _author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    match command {
        Command::CreateTandem {
            id,
            mentee,
            mentor,
            co_mentor,
            start,
            planned_end,
        } => {
            check_dates(start, planned_end)?;
            check_new_tandem(programme, id, mentee, mentor, co_mentor)?;
            let tandem = Tandem {
                mentee,
                mentor,
                co_mentor,
                start,
                planned_end,
                status: TandemStatus::Active,
                ended_on: None,
                end_reason: None,
            };
            write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
            Ok(Touched::Tandem(id))
        }
        Command::EndTandem { id, ending, on } => {
            let mut tandem = tandem_of(programme, id)?;
            if !tandem.is_active() {
                return Err(CommandError::Tandem(TandemError::TandemNotActive));
            }
            check_dates(tandem.start, on)?;
            match ending {
                TandemEnding::Completed => {
                    tandem.status = TandemStatus::Completed;
                    tandem.end_reason = None;
                }
                TandemEnding::Early { reason } => {
                    let reason = reason.trim().to_string();
                    if reason.is_empty() {
                        return Err(CommandError::ReasonMissing);
                    }
                    tandem.status = TandemStatus::EndedEarly;
                    tandem.end_reason = Some(reason);
                }
            }
            tandem.ended_on = Some(on);
            write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
            Ok(Touched::Tandem(id))
        }
        Command::DissolveTandem { id } => {
            if !programme.tandems.contains_key(&id) {
                return Err(CommandError::Tandem(TandemError::UnknownTandem));
            }
            let tandems = map_at(tx, programme_obj, TANDEMS)?;
            tx.delete(&tandems, id.to_string().as_str())?;
            Ok(Touched::TandemGone(id))
        }
        _ => Err(CommandError::Document("not a tandem command".into())),
    }
}

/// A copy of the tandem to change, or why there is none.
pub(crate) fn tandem_of(programme: &Programme, id: TandemId) -> Result<Tandem, CommandError> {
    programme
        .tandems
        .get(&id)
        .cloned()
        .ok_or(CommandError::Tandem(TandemError::UnknownTandem))
}
