//! Why a command is refused: one error per broken rule, each with a code
//! and the arguments under which the app finds its message in the
//! coordinator's language.

use crate::model::day::Day;
use crate::rules::text::{MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Why a command was refused. Each has a [`code`](Self::code) and
/// [`args`](Self::args) under which the app finds the message in the
/// coordinator's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("the programme needs a name")]
    NameMissing,
    #[error("a name can have at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("a text can have at most {MAX_TEXT_CHARS} characters")]
    TextTooLong,
    #[error("the end ({end}) is before the start ({start})")]
    EndsBeforeStart { start: Day, end: Day },
    #[error("an organisation needs a name")]
    PartnerNameMissing,
    #[error("the organisation „{0}“ is already a partner")]
    PartnerTwice(String),
    #[error("there is no such partner organisation")]
    UnknownPartner,
    #[error("a mentor takes at least one mentee")]
    CapacityZero,
    #[error("a person needs a name")]
    PersonNameMissing,
    #[error("„{0}“ is not an e-mail address")]
    EmailInvalid(String),
    #[error("„{0}“ is not a phone number")]
    PhoneInvalid(String),
    #[error("{0} is already in the programme")]
    PersonTwice(String),
    #[error("there is no such person in the programme")]
    UnknownPerson,
    #[error("{name} cannot be moved from {from} to {to}")]
    StageNotAllowed {
        name: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("the interview needs the name of who held it")]
    InterviewerMissing,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("{0} is in a running tandem; end the tandem first")]
    InActiveTandem(String),
    #[error("{name} is not a {role}")]
    WrongRole { name: String, role: &'static str },
    #[error("{0} has not been accepted")]
    NotAccepted(String),
    #[error("mentee and mentor must be two people")]
    SamePerson,
    #[error("{0} is already in a running tandem")]
    AlreadyMatched(String),
    #[error("{name} already has {capacity} mentee(s), as many as the programme allows")]
    MentorFull { name: String, capacity: u32 },
    #[error("{mentee} and {mentor} are both from {organisation}; this programme pairs across organisations")]
    SameOrganisation {
        mentee: String,
        mentor: String,
        organisation: String,
    },
    #[error("{0} has no organisation; this programme pairs across organisations")]
    OrganisationMissing(String),
    #[error("this programme does not use co-mentors")]
    CoMentorsNotUsed,
    #[error("there is no such tandem")]
    UnknownTandem,
    #[error("the tandem has already ended")]
    TandemNotActive,
    #[error("there is no such value to settle")]
    UnknownValue,
    #[error("that change cannot be taken back: everything it set has changed since")]
    NothingToUndo,
    #[error("a weight can be at most {}", crate::model::weights::MAX_WEIGHT)]
    WeightTooHigh,
    #[error("the tandem of {0} already has a co-mentor")]
    CoMentorAlreadySet(String),
    #[error("a coordinator excluded this pair")]
    PairExcluded,
    #[error("an event needs a title")]
    EventTitleMissing,
    #[error("the event ends before it starts")]
    EventEndsBeforeStart,
    #[error("„{0}“ is not a web link (https://…)")]
    LinkInvalid(String),
    #[error("an event takes at least one person")]
    EventCapacityZero,
    #[error("an event can count for at most {} hours", crate::model::event::MAX_EVENT_MINUTES / 60)]
    HoursTooMany,
    #[error("there is no such event")]
    UnknownEvent,
    #[error("the event is cancelled")]
    EventCancelled,
    #[error("the event is full ({0} places)")]
    EventFull(u32),
    #[error("„{0}“ is not a kind of event")]
    UnknownEventKind(String),
    #[error(
        "a rule can ask for at most {} events of a kind",
        crate::model::completion::MAX_EVENTS_REQUIRED
    )]
    TooManyEventsRequired,
    #[error("a questionnaire needs a title")]
    SurveyTitleMissing,
    #[error("a questionnaire needs at least one question")]
    SurveyWithoutQuestions,
    #[error(
        "a questionnaire can have at most {} questions",
        crate::model::survey::MAX_QUESTIONS
    )]
    TooManyQuestions,
    #[error("a question needs a text")]
    QuestionTextMissing,
    #[error("a choice question needs at least two options")]
    ChoiceNeedsOptions,
    #[error("there is no such questionnaire")]
    UnknownSurvey,
    #[error("the questionnaire has answers and cannot be removed")]
    SurveyHasAnswers,
    #[error("the questionnaire has no such question")]
    UnknownQuestion,
    #[error("the answer does not fit the question „{0}“")]
    AnswerNotFitting(String),
    #[error("{0} is not asked by this questionnaire")]
    NotAsked(String),
    #[error("{0} has already answered this questionnaire")]
    AlreadyAnswered(String),
    #[error("the leadership post is dated years before the programme")]
    PostLongBefore,
    #[error(
        "personal data can be kept at most {} months after the end",
        crate::model::consent::MAX_RETENTION_MONTHS
    )]
    RetentionTooLong,
    #[error("consent cannot be withdrawn before it was given")]
    WithdrawnBeforeGiven,
    #[error("the change would break the programme's rule „{0}“")]
    BreaksRule(&'static str),
    #[error("a value cannot be stored: {0}")]
    ValueRefused(String),
    #[error("the programme document could not be written: {0}")]
    Document(String),
}

impl CommandError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NameMissing => "name-missing",
            CommandError::NameTooLong => "name-too-long",
            CommandError::TextTooLong => "text-too-long",
            CommandError::EndsBeforeStart { .. } => "ends-before-start",
            CommandError::PartnerNameMissing => "partner-name-missing",
            CommandError::PartnerTwice(_) => "partner-twice",
            CommandError::UnknownPartner => "unknown-partner",
            CommandError::CapacityZero => "capacity-zero",
            CommandError::PersonNameMissing => "person-name-missing",
            CommandError::EmailInvalid(_) => "email-invalid",
            CommandError::PhoneInvalid(_) => "phone-invalid",
            CommandError::PersonTwice(_) => "person-twice",
            CommandError::UnknownPerson => "unknown-person",
            CommandError::StageNotAllowed { .. } => "stage-not-allowed",
            CommandError::InterviewerMissing => "interviewer-missing",
            CommandError::ReasonMissing => "reason-missing",
            CommandError::InActiveTandem(_) => "in-active-tandem",
            CommandError::WrongRole { .. } => "wrong-role",
            CommandError::NotAccepted(_) => "not-accepted",
            CommandError::SamePerson => "same-person",
            CommandError::AlreadyMatched(_) => "already-matched",
            CommandError::MentorFull { .. } => "mentor-full",
            CommandError::SameOrganisation { .. } => "same-organisation",
            CommandError::OrganisationMissing(_) => "organisation-missing",
            CommandError::CoMentorsNotUsed => "co-mentors-not-used",
            CommandError::UnknownTandem => "unknown-tandem",
            CommandError::TandemNotActive => "tandem-not-active",
            CommandError::UnknownValue => "unknown-value",
            CommandError::NothingToUndo => "nothing-to-undo",
            CommandError::WeightTooHigh => "weight-too-high",
            CommandError::PairExcluded => "pair-excluded",
            CommandError::CoMentorAlreadySet(_) => "co-mentor-already-set",
            CommandError::Document(_) => "document",
            CommandError::EventTitleMissing => "event-title-missing",
            CommandError::EventEndsBeforeStart => "event-ends-before-start",
            CommandError::LinkInvalid(_) => "link-invalid",
            CommandError::EventCapacityZero => "event-capacity-zero",
            CommandError::HoursTooMany => "hours-too-many",
            CommandError::UnknownEvent => "unknown-event",
            CommandError::EventCancelled => "event-cancelled",
            CommandError::EventFull(_) => "event-full",
            CommandError::UnknownEventKind(_) => "unknown-event-kind",
            CommandError::TooManyEventsRequired => "too-many-events-required",
            CommandError::SurveyTitleMissing => "survey-title-missing",
            CommandError::SurveyWithoutQuestions => "survey-without-questions",
            CommandError::TooManyQuestions => "too-many-questions",
            CommandError::QuestionTextMissing => "question-text-missing",
            CommandError::ChoiceNeedsOptions => "choice-needs-options",
            CommandError::UnknownSurvey => "unknown-survey",
            CommandError::SurveyHasAnswers => "survey-has-answers",
            CommandError::UnknownQuestion => "unknown-question",
            CommandError::AnswerNotFitting(_) => "answer-not-fitting",
            CommandError::NotAsked(_) => "not-asked",
            CommandError::AlreadyAnswered(_) => "already-answered",
            CommandError::PostLongBefore => "post-long-before",
            CommandError::RetentionTooLong => "retention-too-long",
            CommandError::WithdrawnBeforeGiven => "withdrawn-before-given",
            CommandError::BreaksRule(_) => "breaks-rule",
            CommandError::ValueRefused(_) => "value-refused",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CommandError::EndsBeforeStart { start, end } => {
                vec![("start", start.german()), ("end", end.german())]
            }
            CommandError::PartnerTwice(name) => vec![("name", name.clone())],
            CommandError::LinkInvalid(value) | CommandError::UnknownEventKind(value) => {
                vec![("value", value.clone())]
            }
            CommandError::EventFull(capacity) => vec![("capacity", capacity.to_string())],
            CommandError::EmailInvalid(value) | CommandError::PhoneInvalid(value) => {
                vec![("value", value.clone())]
            }
            CommandError::PersonTwice(name)
            | CommandError::InActiveTandem(name)
            | CommandError::NotAccepted(name)
            | CommandError::AlreadyMatched(name)
            | CommandError::OrganisationMissing(name)
            | CommandError::CoMentorAlreadySet(name)
            | CommandError::NotAsked(name)
            | CommandError::AlreadyAnswered(name) => vec![("name", name.clone())],
            CommandError::AnswerNotFitting(question) => vec![("question", question.clone())],
            CommandError::BreaksRule(rule) => vec![("rule", rule.to_string())],
            CommandError::ValueRefused(value) => vec![("value", value.clone())],
            CommandError::StageNotAllowed { name, from, to } => vec![
                ("name", name.clone()),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ],
            CommandError::WrongRole { name, role } => {
                vec![("name", name.clone()), ("role", role.to_string())]
            }
            CommandError::MentorFull { name, capacity } => {
                vec![("name", name.clone()), ("capacity", capacity.to_string())]
            }
            CommandError::SameOrganisation {
                mentee,
                mentor,
                organisation,
            } => vec![
                ("mentee", mentee.clone()),
                ("mentor", mentor.clone()),
                ("organisation", organisation.clone()),
            ],
            _ => Vec::new(),
        }
    }
}

impl From<automerge::AutomergeError> for CommandError {
    fn from(error: automerge::AutomergeError) -> Self {
        CommandError::Document(error.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for CommandError {
    fn from(error: autosurgeon::ReconcileError) -> Self {
        CommandError::Document(error.to_string())
    }
}
