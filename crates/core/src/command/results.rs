//! How the commands for results write to the document: questionnaires,
//! answers and mentees' outcomes. Each writes only the entry it concerns
//! (one questionnaire, one or two responses, one outcome record), and only
//! that is hydrated again.

use automerge::transaction::{Transactable, Transaction};
use automerge::ObjId;

use crate::command::Command;
use crate::document::schema::{
    hydrate_entry, map_at, write_entity, OUTCOMES, SURVEYS, SURVEY_RESPONSES,
};
use crate::model::ids::{PersonId, ResponseId, SurveyId};
use crate::model::outcome::{field_name, MenteeOutcomes};
use crate::model::person::Role;
use crate::model::programme::Programme;
use crate::model::survey::{AnswerSource, SurveyResponse};
use crate::page::document::TandemPageDocument;
use crate::rules::error::{CommandError, ResultsError, TandemError};
use crate::rules::results::{clean_outcome, clean_survey, split_answers};

/// What a results command wrote.
pub(crate) enum ResultsTouched {
    Survey(SurveyId),
    Responses(Vec<ResponseId>),
    Outcome(PersonId),
}

/// Validates one results command and writes it.
pub(crate) fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    command: Command,
) -> Result<ResultsTouched, CommandError> {
    match command {
        Command::DefineSurvey { id, survey } => {
            let survey = clean_survey(survey)?;
            write_entity(tx, programme_obj, SURVEYS, &id.to_string(), &survey)?;
            Ok(ResultsTouched::Survey(id))
        }
        Command::RemoveSurvey { id } => {
            if !programme.surveys.contains_key(&id) {
                return Err(CommandError::Results(ResultsError::UnknownSurvey));
            }
            if programme
                .survey_responses
                .values()
                .any(|response| response.survey == id)
            {
                return Err(CommandError::Results(ResultsError::SurveyHasAnswers));
            }
            let surveys = map_at(tx, programme_obj, SURVEYS)?;
            tx.delete(&surveys, id.to_string().as_str())?;
            Ok(ResultsTouched::Survey(id))
        }
        Command::RemoveSurveyResponse { response } => {
            if !programme.survey_responses.contains_key(&response) {
                return Err(CommandError::UnknownValue);
            }
            let responses = map_at(tx, programme_obj, SURVEY_RESPONSES)?;
            tx.delete(&responses, response.to_string().as_str())?;
            Ok(ResultsTouched::Responses(vec![response]))
        }
        command @ Command::RecordSurveyAnswers { .. } => {
            record_answers(tx, programme_obj, programme, command)
        }
        Command::RecordOutcome {
            person,
            when,
            outcome,
        } => {
            let someone = programme
                .people
                .get(&person)
                .ok_or(CommandError::UnknownPerson)?;
            // Clearing is allowed for anyone: it settles an outcome left
            // on someone whose role changed meanwhile.
            if outcome.is_some() && someone.details.role != Role::Mentee {
                return Err(CommandError::Tandem(TandemError::WrongRole {
                    name: someone.details.name.clone(),
                    role: "mentee",
                }));
            }
            let outcome = outcome
                .map(|outcome| clean_outcome(programme, outcome))
                .transpose()?;
            let outcomes = map_at(tx, programme_obj, OUTCOMES)?;
            let entry = map_at(tx, &outcomes, &person.to_string())?;
            autosurgeon::reconcile_prop(tx, &entry, field_name(when), &outcome)?;
            Ok(ResultsTouched::Outcome(person))
        }
        _ => Err(CommandError::Document("not a results command".into())),
    }
}

/// Hydrates again what a results command wrote, and nothing else.
pub(crate) fn refresh(
    doc: &impl autosurgeon::ReadDoc,
    programme_obj: &ObjId,
    programme: &mut Programme,
    touched: ResultsTouched,
) -> Result<(), CommandError> {
    match touched {
        ResultsTouched::Survey(id) => {
            match hydrate_entry(doc, programme_obj, SURVEYS, &id.to_string())? {
                Some(survey) => programme.surveys.insert(id, survey),
                None => programme.surveys.remove(&id),
            };
        }
        ResultsTouched::Responses(ids) => {
            for id in ids {
                match hydrate_entry(doc, programme_obj, SURVEY_RESPONSES, &id.to_string())? {
                    Some(response) => programme.survey_responses.insert(id, response),
                    None => programme.survey_responses.remove(&id),
                };
            }
        }
        ResultsTouched::Outcome(person) => {
            let outcomes: Option<MenteeOutcomes> =
                hydrate_entry(doc, programme_obj, OUTCOMES, &person.to_string())?;
            match outcomes {
                Some(outcomes) => programme.outcomes.insert(person, outcomes),
                None => programme.outcomes.remove(&person),
            };
        }
    }
    Ok(())
}

/// The commands that carry a page's answers into the programme: one per
/// member and questionnaire not yet recorded there. Answers that no longer
/// fit (a questionnaire changed meanwhile) are refused by the command.
pub fn carry_survey_answers(programme: &Programme, page: &TandemPageDocument) -> Vec<Command> {
    page.survey_answers()
        .into_iter()
        .filter(|answers| programme.surveys.contains_key(&answers.survey))
        .filter(|answers| !programme.has_answered(answers.survey, answers.person))
        .map(|answers| Command::RecordSurveyAnswers {
            survey: answers.survey,
            person: answers.person,
            on: answers.on,
            source: AnswerSource::TandemPage,
            answers: answers.answers,
            response: ResponseId::random(),
            anonymous_response: ResponseId::random(),
        })
        .collect()
}

/// Records one person's answers: the named part with the person, the
/// anonymous part without them, dated to the month.
fn record_answers(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    command: Command,
) -> Result<ResultsTouched, CommandError> {
    let Command::RecordSurveyAnswers {
        survey: survey_id,
        person,
        on,
        source,
        answers,
        response,
        anonymous_response,
    } = command
    else {
        return Err(CommandError::Document("not survey answers".into()));
    };
    let survey = programme
        .surveys
        .get(&survey_id)
        .ok_or(CommandError::Results(ResultsError::UnknownSurvey))?;
    let someone = programme
        .people
        .get(&person)
        .ok_or(CommandError::UnknownPerson)?;
    let role = someone.details.role;
    if !survey.audience.includes(role) {
        return Err(CommandError::Results(ResultsError::NotAsked(
            someone.details.name.clone(),
        )));
    }
    if programme.has_answered(survey_id, person) {
        return Err(CommandError::Results(ResultsError::AlreadyAnswered(
            someone.details.name.clone(),
        )));
    }
    if response == anonymous_response
        || programme.survey_responses.contains_key(&response)
        || programme.survey_responses.contains_key(&anonymous_response)
    {
        return Err(CommandError::Document("response id already used".into()));
    }
    let (named, anonymous) = split_answers(survey, answers)?;
    let organisation = someone.details.organisation;
    // The personal part is written even without named answers: it
    // records that the person took part.
    let personal = SurveyResponse {
        survey: survey_id,
        person: Some(person),
        role,
        organisation,
        on,
        source,
        answers: named,
    };
    write_entity(
        tx,
        programme_obj,
        SURVEY_RESPONSES,
        &response.to_string(),
        &personal,
    )?;
    let mut written = vec![response];
    if !anonymous.is_empty() {
        let (year, month, _) = on.parts();
        let month_start =
            crate::model::day::Day::parse(&format!("{year:04}-{month:02}-01")).unwrap_or(on);
        let unnamed = SurveyResponse {
            survey: survey_id,
            person: None,
            role: if role == Role::CoMentor {
                Role::Mentor
            } else {
                role
            },
            organisation,
            on: month_start,
            source,
            answers: anonymous,
        };
        write_entity(
            tx,
            programme_obj,
            SURVEY_RESPONSES,
            &anonymous_response.to_string(),
            &unnamed,
        )?;
        written.push(anonymous_response);
    }
    Ok(ResultsTouched::Responses(written))
}
