//! Questionnaires on a tandem page: the coordinators' app offers the pair
//! the questionnaires that are due for them; a participant fills one in on
//! the page; the coordinators' app, which syncs the page, carries the
//! answers into the programme as [`Command::RecordSurveyAnswers`], where
//! anonymous answers are stored without the person.
//!
//! On the page, an offered questionnaire names whom it asks, so each
//! member sees only their own. The page is one document shared by the
//! pair: what one member answers is in the bytes the other holds, so the
//! page says so beside the form. Answers are kept under
//! `survey/person`; answering again replaces the earlier answers until the
//! coordinators' app has carried them over, after which the programme
//! refuses a second set.

use std::collections::BTreeMap;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ObjType, ReadDoc, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::{PersonId, SurveyId};
use crate::model::programme::Programme;
use crate::model::survey::{Answer, Question};
use crate::page::document::TandemPageDocument;

/// Why a tandem page refused answers to a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageSurveyError {
    #[error("this questionnaire is not offered to this person on the page")]
    NotOffered,
    #[error("an answer does not fit its question")]
    AnswerNotFitting,
    #[error("the answers could not be written: {0}")]
    Document(String),
}

impl PageSurveyError {
    /// A stable code for the message in the user's language.
    pub fn code(&self) -> &'static str {
        match self {
            PageSurveyError::NotOffered => "page-survey-not-offered",
            PageSurveyError::AnswerNotFitting => "page-answer-not-fitting",
            PageSurveyError::Document(_) => "document",
        }
    }
}

pub(crate) const OFFERED: &str = "surveys_offered";
pub(crate) const ANSWERS: &str = "survey_answers";

/// A questionnaire offered on a tandem page.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PageSurvey {
    pub title: String,
    pub questions: Vec<Question>,
    /// The members it asks who have not answered yet.
    pub asks: Vec<PersonId>,
    pub due: Day,
}

/// One member's answers to one questionnaire, as given on the page.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct PageAnswers {
    pub survey: SurveyId,
    pub person: PersonId,
    pub on: Day,
    pub answers: BTreeMap<String, Answer>,
}

impl PageAnswers {
    /// Where a member's answers to one questionnaire are kept on the page:
    /// `survey/person`.
    pub(crate) fn key(&self) -> String {
        format!("{}/{}", self.survey, self.person)
    }
}

impl PageSurvey {
    /// The questionnaires due by `today` for the members of a tandem who
    /// have not answered them, as the page offers them.
    pub fn due_for(
        programme: &Programme,
        tandem: crate::model::ids::TandemId,
        today: Day,
    ) -> BTreeMap<SurveyId, PageSurvey> {
        let mut offered: BTreeMap<SurveyId, PageSurvey> = BTreeMap::new();
        let Some(tandem) = programme.tandems.get(&tandem) else {
            return offered;
        };
        for due in programme.surveys_due(tandem, today) {
            let Some(survey) = programme.surveys.get(&due.survey) else {
                continue;
            };
            offered
                .entry(due.survey)
                .or_insert_with(|| PageSurvey {
                    title: survey.title.clone(),
                    questions: survey.questions.clone(),
                    asks: Vec::new(),
                    due: due.due,
                })
                .asks
                .push(due.person);
        }
        offered
    }
}

impl TandemPageDocument {
    /// Writes the questionnaires on offer (see [`PageSurvey::due_for`]);
    /// only what differs is changed. Returns whether anything did.
    pub fn offer_surveys(
        &mut self,
        offered: BTreeMap<SurveyId, PageSurvey>,
        at: i64,
    ) -> Result<bool, PageSurveyError> {
        if offered == self.surveys_offered() {
            return Ok(false);
        }
        let offered: BTreeMap<String, PageSurvey> = offered
            .into_iter()
            .map(|(id, survey)| (id.to_string(), survey))
            .collect();
        self.doc
            .transact_with(
                |_| {
                    CommitOptions::default()
                        .with_message("offer-surveys")
                        .with_time(at)
                },
                |tx| reconcile_prop(tx, ROOT, OFFERED, &offered),
            )
            .map_err(|failure| PageSurveyError::Document(failure.error.to_string()))?;
        Ok(true)
    }

    /// The questionnaires on offer.
    pub fn surveys_offered(&self) -> BTreeMap<SurveyId, PageSurvey> {
        let read: Result<Option<BTreeMap<String, PageSurvey>>, _> =
            hydrate_prop(&self.doc, ROOT, OFFERED);
        read.ok()
            .flatten()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(id, survey)| Some((id.parse().ok()?, survey)))
            .collect()
    }

    /// A member's answers to an offered questionnaire. Answers are checked
    /// here as the programme will check them, so a participant hears at
    /// once what does not fit.
    pub fn answer_survey(&mut self, answers: PageAnswers, at: i64) -> Result<(), PageSurveyError> {
        let offered = self.surveys_offered();
        let survey = offered
            .get(&answers.survey)
            .filter(|survey| survey.asks.contains(&answers.person))
            .ok_or(PageSurveyError::NotOffered)?;
        let as_programme_survey = crate::model::survey::Survey {
            title: survey.title.clone(),
            due: crate::model::survey::SurveyDue::Final,
            audience: crate::model::survey::SurveyAudience::Everyone,
            questions: survey.questions.clone(),
        };
        let (named, anonymous) =
            crate::rules::results::split_answers(&as_programme_survey, answers.answers)
                .map_err(|_| PageSurveyError::AnswerNotFitting)?;
        let cleaned = PageAnswers {
            answers: named.into_iter().chain(anonymous).collect(),
            ..answers
        };
        let key = cleaned.key();
        self.doc
            .transact_with(
                |_| {
                    CommitOptions::default()
                        .with_message("answer-survey")
                        .with_time(at)
                },
                |tx| {
                    let document = |error: automerge::AutomergeError| {
                        PageSurveyError::Document(error.to_string())
                    };
                    let map = match tx.get(ROOT, ANSWERS).map_err(document)? {
                        Some((automerge::Value::Object(ObjType::Map), id)) => id,
                        _ => tx
                            .put_object(ROOT, ANSWERS, ObjType::Map)
                            .map_err(document)?,
                    };
                    reconcile_prop(tx, &map, key.as_str(), &cleaned)
                        .map_err(|error| PageSurveyError::Document(error.to_string()))
                },
            )
            .map_err(|failure| PageSurveyError::Document(failure.error.to_string()))?;
        Ok(())
    }

    /// Every member's answers given on the page, under their key.
    pub(crate) fn answers_by_key(&self) -> BTreeMap<String, PageAnswers> {
        self.survey_answers()
            .into_iter()
            .map(|answers| (answers.key(), answers))
            .collect()
    }

    /// Every member's answers given on the page.
    pub fn survey_answers(&self) -> Vec<PageAnswers> {
        let read: Result<Option<BTreeMap<String, PageAnswers>>, _> =
            hydrate_prop(&self.doc, ROOT, ANSWERS);
        read.ok()
            .flatten()
            .unwrap_or_default()
            .into_values()
            .collect()
    }
}
