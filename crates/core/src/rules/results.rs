//! The rules for questionnaires, answers and a mentee's outcomes.

use std::collections::BTreeMap;

use crate::model::outcome::Outcome;
use crate::model::programme::Programme;
use crate::model::survey::{
    Answer, Answers, Question, QuestionKind, Survey, MAX_ANSWER_CHARS, MAX_QUESTIONS, SCALE,
};
use crate::rules::error::{CommandError, ResultsError};

/// A questionnaire as a coordinator wrote it, cleaned: trimmed texts,
/// unique question keys, options present for choices.
pub(crate) fn clean_survey(survey: Survey) -> Result<Survey, CommandError> {
    let title = crate::rules::text::clean_name(
        &survey.title,
        CommandError::Results(ResultsError::SurveyTitleMissing),
    )?;
    if survey.questions.is_empty() {
        return Err(CommandError::Results(ResultsError::SurveyWithoutQuestions));
    }
    if survey.questions.len() > MAX_QUESTIONS {
        return Err(CommandError::Results(ResultsError::TooManyQuestions));
    }
    let mut questions = Vec::with_capacity(survey.questions.len());
    for question in survey.questions {
        let text = question.text.trim().to_string();
        if text.is_empty() {
            return Err(CommandError::Results(ResultsError::QuestionTextMissing));
        }
        if text.chars().count() > MAX_ANSWER_CHARS {
            return Err(CommandError::TextTooLong);
        }
        let key = question.key.trim().to_string();
        if key.is_empty() || questions.iter().any(|q: &Question| q.key == key) {
            return Err(CommandError::Document(
                "question keys must be unique".into(),
            ));
        }
        let kind = match question.kind {
            QuestionKind::Choice { options } => {
                let mut cleaned: Vec<String> = Vec::new();
                for option in options {
                    let option = option.trim().to_string();
                    if option.chars().count() > crate::rules::text::MAX_NAME_CHARS {
                        return Err(CommandError::NameTooLong);
                    }
                    if !option.is_empty() && !cleaned.contains(&option) {
                        cleaned.push(option);
                    }
                }
                if cleaned.len() < 2 {
                    return Err(CommandError::Results(ResultsError::ChoiceNeedsOptions));
                }
                QuestionKind::Choice { options: cleaned }
            }
            other => other,
        };
        questions.push(Question {
            key,
            text,
            kind,
            anonymous: question.anonymous,
        });
    }
    Ok(Survey {
        title,
        due: survey.due,
        audience: survey.audience,
        questions,
    })
}

/// Checks answers against the questionnaire and splits them into the
/// named part and the anonymous part. Empty answers are left out.
pub(crate) fn split_answers(
    survey: &Survey,
    answers: BTreeMap<String, Answer>,
) -> Result<(Answers, Answers), CommandError> {
    let mut named = BTreeMap::new();
    let mut anonymous = BTreeMap::new();
    for (key, answer) in answers {
        let question = survey
            .question(&key)
            .ok_or(CommandError::Results(ResultsError::UnknownQuestion))?;
        let answer = match (&question.kind, answer) {
            (QuestionKind::Scale, Answer::Scale { value }) if SCALE.contains(&value) => {
                Answer::Scale { value }
            }
            (QuestionKind::Choice { options }, Answer::Choice { option })
                if options.contains(&option) =>
            {
                Answer::Choice { option }
            }
            (QuestionKind::FreeText, Answer::Text { text }) => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    continue;
                }
                if text.chars().count() > MAX_ANSWER_CHARS {
                    return Err(CommandError::TextTooLong);
                }
                Answer::Text { text }
            }
            _ => {
                return Err(CommandError::Results(ResultsError::AnswerNotFitting(
                    question.text.clone(),
                )))
            }
        };
        if question.anonymous {
            anonymous.insert(key, answer);
        } else {
            named.insert(key, answer);
        }
    }
    Ok((named, anonymous))
}

/// An outcome as a coordinator recorded it, cleaned.
pub(crate) fn clean_outcome(
    programme: &Programme,
    mut outcome: Outcome,
) -> Result<Outcome, CommandError> {
    outcome.other_steps = outcome.other_steps.trim().to_string();
    if outcome.other_steps.chars().count() > crate::rules::text::MAX_TEXT_CHARS {
        return Err(CommandError::TextTooLong);
    }
    if let Some(post) = &mut outcome.leadership_post {
        post.position = post.position.trim().to_string();
        if post.position.chars().count() > crate::rules::text::MAX_NAME_CHARS {
            return Err(CommandError::NameTooLong);
        }
        if post.on < programme.start.plus_days(-366 * 5) {
            return Err(CommandError::Results(ResultsError::PostLongBefore));
        }
        // A post reached means the mentee aimed for one, unless the
        // coordinator says otherwise.
        if outcome.aimed_for_leadership.is_none() {
            outcome.aimed_for_leadership = Some(true);
        }
    }
    Ok(outcome)
}
