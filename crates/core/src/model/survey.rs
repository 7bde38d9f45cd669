//! Surveys: the programme's questionnaires and the answers to them.
//!
//! A programme defines questionnaires (match quality after 30 days, a
//! mid-term and a final survey) with questions on a scale of 1 to 5, a
//! choice of options, or free text, and says when each is due for a
//! tandem. Answers come from paper (a coordinator types them in) or from
//! the participant's tandem page, which the coordinators' app carries into
//! the programme.
//!
//! Questions marked anonymous are stored apart from the person: one filled
//! questionnaire becomes a personal [`SurveyResponse`] (the person, their
//! named answers; it also records that they took part) and an anonymous
//! one (role and organisation only, for the report's filter), under two
//! unrelated random ids, so nothing in the programme ties the anonymous
//! answers back to the person.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId, SurveyId};
use crate::model::person::Role;
use crate::model::programme::Programme;
use crate::model::tandem::Tandem;

/// Longest answer to a free-text question, and longest question.
pub const MAX_ANSWER_CHARS: usize = 4_000;
/// Most questions in one questionnaire.
pub const MAX_QUESTIONS: usize = 50;
/// Lowest and highest point of a scale question.
pub(crate) const SCALE: std::ops::RangeInclusive<u8> = 1..=5;

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum QuestionKind {
    /// 1 (not at all) to 5 (fully).
    Scale,
    /// One of the given options.
    Choice { options: Vec<String> },
    /// Free text.
    FreeText,
}

impl QuestionKind {
    /// A stable name for forms and translations.
    pub fn code(&self) -> &'static str {
        match self {
            QuestionKind::Scale => "scale",
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::FreeText => "free-text",
        }
    }
}

/// One question of a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Question {
    /// Names the question within its questionnaire; answers refer to it.
    pub key: String,
    pub text: String,
    pub kind: QuestionKind,
    /// Answers are stored without the person.
    pub anonymous: bool,
}

/// When a questionnaire is due for a tandem.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub enum SurveyDue {
    /// So many days after the tandem started (match quality after 30 days).
    AfterStart { days: u32 },
    /// Halfway between the tandem's start and its planned end.
    MidTerm,
    /// At the tandem's (planned) end.
    Final,
    /// So many months after the tandem's end (a follow-up).
    AfterEnd { months: u32 },
}

impl SurveyDue {
    /// A stable name for forms and translations.
    pub fn code(&self) -> &'static str {
        match self {
            SurveyDue::AfterStart { .. } => "after-start",
            SurveyDue::MidTerm => "mid-term",
            SurveyDue::Final => "final",
            SurveyDue::AfterEnd { .. } => "after-end",
        }
    }

    /// The day the questionnaire is due for this tandem.
    pub fn day_for(&self, tandem: &Tandem) -> Day {
        let end = tandem.ended_on.unwrap_or(tandem.planned_end);
        match *self {
            SurveyDue::AfterStart { days } => tandem.start.plus_days(i64::from(days)),
            SurveyDue::MidTerm => tandem
                .start
                .plus_days(tandem.planned_end.days_since(tandem.start).max(0) / 2),
            SurveyDue::Final => end,
            SurveyDue::AfterEnd { months } => end.plus_days(i64::from(months) * 365 / 12),
        }
    }
}

/// Who a questionnaire asks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub enum SurveyAudience {
    Mentees,
    Mentors,
    /// Mentees, mentors and co-mentors.
    Everyone,
}

coded_enum! {
    SurveyAudience {
        Mentees => "mentees",
        Mentors => "mentors",
        Everyone => "everyone",
    }
}

impl SurveyAudience {
    /// Whether someone of this role is asked.
    pub fn includes(self, role: Role) -> bool {
        match self {
            SurveyAudience::Mentees => role == Role::Mentee,
            SurveyAudience::Mentors => role == Role::Mentor || role == Role::CoMentor,
            SurveyAudience::Everyone => true,
        }
    }
}

/// A questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Survey {
    pub title: String,
    pub due: SurveyDue,
    pub audience: SurveyAudience,
    pub questions: Vec<Question>,
}

impl Survey {
    /// The question with this key.
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|question| question.key == key)
    }
}

/// One answer.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub enum Answer {
    Scale { value: u8 },
    Choice { option: String },
    Text { text: String },
}

/// Where answers came from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub enum AnswerSource {
    /// Typed in by a coordinator from a paper form.
    Paper,
    /// Filled in by the participant on their tandem page.
    TandemPage,
}

/// Answers to one questionnaire: a person's named answers, or the
/// anonymous part of someone's answers (then without the person).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct SurveyResponse {
    pub survey: SurveyId,
    /// None for the anonymous part.
    pub person: Option<PersonId>,
    pub role: Role,
    pub organisation: Option<PartnerId>,
    /// The day answered (for the anonymous part, the month's first day,
    /// so the day does not point to the person either).
    pub on: Day,
    pub source: AnswerSource,
    /// Question key → answer.
    pub answers: BTreeMap<String, Answer>,
}

/// Answers by question key.
pub(crate) type Answers = BTreeMap<String, Answer>;

/// A questionnaire that is due for a tandem's member and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSurvey {
    pub survey: SurveyId,
    pub title: String,
    pub person: PersonId,
    pub due: Day,
}

impl Programme {
    /// Whether this person has answered this questionnaire.
    pub fn has_answered(&self, survey: SurveyId, person: PersonId) -> bool {
        self.survey_responses
            .values()
            .any(|response| response.survey == survey && response.person == Some(person))
    }

    /// The questionnaires due for the members of a tandem by `today`, not
    /// yet answered, oldest first.
    pub fn surveys_due(&self, tandem: &Tandem, today: Day) -> Vec<DueSurvey> {
        let mut due = Vec::new();
        for (id, survey) in &self.surveys {
            let day = survey.due.day_for(tandem);
            if day > today {
                continue;
            }
            for person in [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor]
                .into_iter()
                .flatten()
            {
                let Some(role) = self.people.get(&person).map(|p| p.details.role) else {
                    continue;
                };
                if survey.audience.includes(role) && !self.has_answered(*id, person) {
                    due.push(DueSurvey {
                        survey: *id,
                        title: survey.title.clone(),
                        person,
                        due: day,
                    });
                }
            }
        }
        due.sort_by(|a, b| (a.due, &a.title).cmp(&(b.due, &b.title)));
        due
    }
}
