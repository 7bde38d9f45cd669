//! How the matching commands write to the document: the weights, fixed
//! and excluded pairs, and the tandems and co-mentors confirmed from the
//! matching board.

use automerge::transaction::{Transactable, Transaction};
use automerge::ObjId;
use autosurgeon::reconcile_prop;

use crate::command::tandems::tandem_of;
use crate::command::{Command, Touched};
use crate::document::author::Author;
use crate::document::schema::{
    map_at, write_entity, EXCLUDED_PAIRS, FIXED_PAIRS, MATCHING_WEIGHTS, TANDEMS,
};
use crate::model::programme::Programme;
use crate::model::tandem::{Tandem, TandemStatus};
use crate::rules::error::CommandError;
use crate::rules::people::check_new_tandem;
use crate::rules::text::check_dates;

/// Validates one matching command against the programme and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    _author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    match command {
        Command::SetMatchingWeights { weights } => {
            weights.check()?;
            reconcile_prop(tx, programme_obj, MATCHING_WEIGHTS, weights)?;
            Ok(Touched::MatchingWeights)
        }
        Command::FixPair { mentee, mentor } => {
            crate::matching::check_fix(programme, mentee, mentor)?;
            let pair = crate::model::weights::Pair { mentee, mentor };
            if programme.excluded_pairs.contains_key(&pair) {
                let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
                tx.delete(&excluded, pair.to_string().as_str())?;
            }
            let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
            tx.put(&fixed, mentee.to_string().as_str(), mentor.to_string())?;
            Ok(Touched::Pair(pair))
        }
        Command::ExcludePair { mentee, mentor } => {
            crate::matching::check_exclude(programme, mentee, mentor)?;
            let pair = crate::model::weights::Pair { mentee, mentor };
            if programme.fixed_pairs.get(&mentee) == Some(&mentor) {
                let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
                tx.delete(&fixed, mentee.to_string().as_str())?;
            }
            let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
            tx.put(&excluded, pair.to_string().as_str(), true)?;
            Ok(Touched::Pair(pair))
        }
        Command::ReleasePair { mentee, mentor } => {
            let pair = crate::model::weights::Pair { mentee, mentor };
            if programme.fixed_pairs.get(&mentee) == Some(&mentor) {
                let fixed = map_at(tx, programme_obj, FIXED_PAIRS)?;
                tx.delete(&fixed, mentee.to_string().as_str())?;
            }
            if programme.excluded_pairs.contains_key(&pair) {
                let excluded = map_at(tx, programme_obj, EXCLUDED_PAIRS)?;
                tx.delete(&excluded, pair.to_string().as_str())?;
            }
            Ok(Touched::Pair(pair))
        }
        Command::CreateTandems { tandems } => {
            // Each tandem is checked against the programme with the ones
            // before it, so a batch keeps every rule a single tandem keeps.
            let mut working = programme.clone();
            let mut ids = Vec::with_capacity(tandems.len());
            for new in tandems {
                check_dates(new.start, new.planned_end)?;
                check_new_tandem(&working, new.id, new.mentee, new.mentor, new.co_mentor)?;
                let tandem = Tandem {
                    mentee: new.mentee,
                    mentor: new.mentor,
                    co_mentor: new.co_mentor,
                    start: new.start,
                    planned_end: new.planned_end,
                    status: TandemStatus::Active,
                    ended_on: None,
                    end_reason: None,
                };
                write_entity(tx, programme_obj, TANDEMS, &new.id.to_string(), &tandem)?;
                working.tandems.insert(new.id, tandem);
                ids.push(new.id);
            }
            Ok(Touched::Tandems(ids))
        }
        Command::AssignCoMentors { assignments } => {
            // Checked against the programme with the ones before, so a
            // co-mentor's places count every assignment of the batch.
            let mut working = programme.clone();
            let mut ids = Vec::with_capacity(assignments.len());
            for (id, co_mentor) in assignments {
                let mut tandem = tandem_of(&working, id)?;
                crate::matching::check_co_mentor(&working, &tandem, co_mentor)?;
                tandem.co_mentor = Some(co_mentor);
                write_entity(tx, programme_obj, TANDEMS, &id.to_string(), &tandem)?;
                working.tandems.insert(id, tandem);
                ids.push(id);
            }
            Ok(Touched::Tandems(ids))
        }
        _ => Err(CommandError::Document("not a matching command".into())),
    }
}
