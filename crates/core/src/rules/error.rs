//! Why a command is refused: one error per broken rule, each with a code
//! and the arguments under which the app finds its message in the
//! coordinator's language.
//!
//! Each domain a command writes has its own error (the programme, people,
//! tandems, matching, the calendar, results, privacy), wrapped into
//! [`CommandError`], which adds what any domain may refuse (an unknown
//! person, an overlong text, a broken invariant) and failures of the
//! document. A domain's error keeps its message and code as they are: the
//! wrapper is transparent.

use crate::model::day::Day;
use crate::rules::text::{MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Why a command was refused. Each has a [`code`](Self::code) and
/// [`args`](Self::args) under which the app finds the message in the
/// coordinator's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Programme(#[from] ProgrammeError),
    #[error(transparent)]
    People(#[from] PeopleError),
    #[error(transparent)]
    Tandem(#[from] TandemError),
    #[error(transparent)]
    Matching(#[from] MatchingError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Results(#[from] ResultsError),
    #[error(transparent)]
    Privacy(#[from] PrivacyError),
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error("a name can have at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("a text can have at most {MAX_TEXT_CHARS} characters")]
    TextTooLong,
    #[error("the end ({end}) is before the start ({start})")]
    EndsBeforeStart { start: Day, end: Day },
    #[error("there is no such partner organisation")]
    UnknownPartner,
    #[error("„{0}“ is not an e-mail address")]
    EmailInvalid(String),
    #[error("„{0}“ is not a phone number")]
    PhoneInvalid(String),
    #[error("there is no such person in the programme")]
    UnknownPerson,
    #[error("a reason is needed")]
    ReasonMissing,
    #[error("there is no such value to settle")]
    UnknownValue,
    #[error("that change cannot be taken back: everything it set has changed since")]
    NothingToUndo,
    #[error("the change would break the programme's rule „{0}“")]
    BreaksRule(&'static str),
    #[error("a value cannot be stored: {0}")]
    ValueRefused(String),
    #[error("the programme document could not be written: {0}")]
    Document(String),
    /// Received changes (a partner's file) refused when merging: the
    /// refusal's own code, arguments and message, so that it reads as it
    /// would have at the preview.
    #[error("{message}")]
    Received {
        code: &'static str,
        args: Vec<(&'static str, String)>,
        message: String,
    },
}

impl CommandError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::Programme(error) => error.code(),
            CommandError::People(error) => error.code(),
            CommandError::Tandem(error) => error.code(),
            CommandError::Matching(error) => error.code(),
            CommandError::Calendar(error) => error.code(),
            CommandError::Results(error) => error.code(),
            CommandError::Privacy(error) => error.code(),
            CommandError::Intake(error) => error.code(),
            CommandError::NameTooLong => "name-too-long",
            CommandError::TextTooLong => "text-too-long",
            CommandError::EndsBeforeStart { .. } => "ends-before-start",
            CommandError::UnknownPartner => "unknown-partner",
            CommandError::EmailInvalid(_) => "email-invalid",
            CommandError::PhoneInvalid(_) => "phone-invalid",
            CommandError::UnknownPerson => "unknown-person",
            CommandError::ReasonMissing => "reason-missing",
            CommandError::UnknownValue => "unknown-value",
            CommandError::NothingToUndo => "nothing-to-undo",
            CommandError::BreaksRule(_) => "breaks-rule",
            CommandError::ValueRefused(_) => "value-refused",
            CommandError::Document(_) => "document",
            CommandError::Received { code, .. } => code,
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CommandError::Programme(error) => error.args(),
            CommandError::People(error) => error.args(),
            CommandError::Tandem(error) => error.args(),
            CommandError::Matching(error) => error.args(),
            CommandError::Calendar(error) => error.args(),
            CommandError::Results(error) => error.args(),
            CommandError::Privacy(error) => error.args(),
            CommandError::Intake(error) => error.args(),
            CommandError::EndsBeforeStart { start, end } => {
                vec![("start", start.german()), ("end", end.german())]
            }
            CommandError::EmailInvalid(value)
            | CommandError::PhoneInvalid(value)
            | CommandError::ValueRefused(value) => vec![("value", value.clone())],
            CommandError::BreaksRule(rule) => vec![("rule", rule.to_string())],
            CommandError::Received { args, .. } => args.clone(),
            CommandError::NameTooLong
            | CommandError::TextTooLong
            | CommandError::UnknownPartner
            | CommandError::UnknownPerson
            | CommandError::ReasonMissing
            | CommandError::UnknownValue
            | CommandError::NothingToUndo
            | CommandError::Document(_) => Vec::new(),
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

/// Why a command about the programme itself: its name, partners and rules was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("the programme needs a name")]
    NameMissing,
    #[error("an organisation needs a name")]
    PartnerNameMissing,
    #[error("the organisation „{0}“ is already a partner")]
    PartnerTwice(String),
    #[error("a mentor takes at least one mentee")]
    CapacityZero,
}

impl ProgrammeError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            ProgrammeError::NameMissing => "name-missing",
            ProgrammeError::PartnerNameMissing => "partner-name-missing",
            ProgrammeError::PartnerTwice(_) => "partner-twice",
            ProgrammeError::CapacityZero => "capacity-zero",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ProgrammeError::PartnerTwice(name) => vec![("name", name.clone())],
            _ => Vec::new(),
        }
    }
}

/// Why a command about the people of the programme and where each stands was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleError {
    #[error("a person needs a name")]
    PersonNameMissing,
    #[error("{0} is already in the programme")]
    PersonTwice(String),
    #[error("{name} cannot be moved from {from} to {to}")]
    StageNotAllowed {
        name: String,
        from: &'static str,
        to: &'static str,
    },
    #[error("the interview needs the name of who held it")]
    InterviewerMissing,
    #[error("{0} is in a running tandem; end the tandem first")]
    InActiveTandem(String),
}

impl PeopleError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            PeopleError::PersonNameMissing => "person-name-missing",
            PeopleError::PersonTwice(_) => "person-twice",
            PeopleError::StageNotAllowed { .. } => "stage-not-allowed",
            PeopleError::InterviewerMissing => "interviewer-missing",
            PeopleError::InActiveTandem(_) => "in-active-tandem",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PeopleError::PersonTwice(name) | PeopleError::InActiveTandem(name) => {
                vec![("name", name.clone())]
            }
            PeopleError::StageNotAllowed { name, from, to } => vec![
                ("name", name.clone()),
                ("from", from.to_string()),
                ("to", to.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

/// Why a command about forming, ending and dissolving tandems, by hand or from suggestions was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TandemError {
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
    #[error("the tandem of {0} already has a co-mentor")]
    CoMentorAlreadySet(String),
}

impl TandemError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            TandemError::WrongRole { .. } => "wrong-role",
            TandemError::NotAccepted(_) => "not-accepted",
            TandemError::SamePerson => "same-person",
            TandemError::AlreadyMatched(_) => "already-matched",
            TandemError::MentorFull { .. } => "mentor-full",
            TandemError::SameOrganisation { .. } => "same-organisation",
            TandemError::OrganisationMissing(_) => "organisation-missing",
            TandemError::CoMentorsNotUsed => "co-mentors-not-used",
            TandemError::UnknownTandem => "unknown-tandem",
            TandemError::TandemNotActive => "tandem-not-active",
            TandemError::CoMentorAlreadySet(_) => "co-mentor-already-set",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            TandemError::NotAccepted(name)
            | TandemError::AlreadyMatched(name)
            | TandemError::OrganisationMissing(name)
            | TandemError::CoMentorAlreadySet(name) => vec![("name", name.clone())],
            TandemError::WrongRole { name, role } => {
                vec![("name", name.clone()), ("role", role.to_string())]
            }
            TandemError::MentorFull { name, capacity } => {
                vec![("name", name.clone()), ("capacity", capacity.to_string())]
            }
            TandemError::SameOrganisation {
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

/// Why a command about the matching weights and fixed or excluded pairs was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchingError {
    #[error("a weight can be at most {}", crate::model::weights::MAX_WEIGHT)]
    WeightTooHigh,
    #[error("a coordinator excluded this pair")]
    PairExcluded,
}

impl MatchingError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            MatchingError::WeightTooHigh => "weight-too-high",
            MatchingError::PairExcluded => "pair-excluded",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            MatchingError::WeightTooHigh | MatchingError::PairExcluded => Vec::new(),
        }
    }
}

/// Why a command about events, attendance, completion rules and certificates was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
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
}

impl CalendarError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::EventTitleMissing => "event-title-missing",
            CalendarError::EventEndsBeforeStart => "event-ends-before-start",
            CalendarError::LinkInvalid(_) => "link-invalid",
            CalendarError::EventCapacityZero => "event-capacity-zero",
            CalendarError::HoursTooMany => "hours-too-many",
            CalendarError::UnknownEvent => "unknown-event",
            CalendarError::EventCancelled => "event-cancelled",
            CalendarError::EventFull(_) => "event-full",
            CalendarError::UnknownEventKind(_) => "unknown-event-kind",
            CalendarError::TooManyEventsRequired => "too-many-events-required",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            CalendarError::LinkInvalid(value) | CalendarError::UnknownEventKind(value) => {
                vec![("value", value.clone())]
            }
            CalendarError::EventFull(capacity) => vec![("capacity", capacity.to_string())],
            _ => Vec::new(),
        }
    }
}

/// Why a command about questionnaires, answers and outcomes was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsError {
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
}

impl ResultsError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            ResultsError::SurveyTitleMissing => "survey-title-missing",
            ResultsError::SurveyWithoutQuestions => "survey-without-questions",
            ResultsError::TooManyQuestions => "too-many-questions",
            ResultsError::QuestionTextMissing => "question-text-missing",
            ResultsError::ChoiceNeedsOptions => "choice-needs-options",
            ResultsError::UnknownSurvey => "unknown-survey",
            ResultsError::SurveyHasAnswers => "survey-has-answers",
            ResultsError::UnknownQuestion => "unknown-question",
            ResultsError::AnswerNotFitting(_) => "answer-not-fitting",
            ResultsError::NotAsked(_) => "not-asked",
            ResultsError::AlreadyAnswered(_) => "already-answered",
            ResultsError::PostLongBefore => "post-long-before",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ResultsError::NotAsked(name) | ResultsError::AlreadyAnswered(name) => {
                vec![("name", name.clone())]
            }
            ResultsError::AnswerNotFitting(question) => vec![("question", question.clone())],
            _ => Vec::new(),
        }
    }
}

/// Why a command about consent and how long personal data is kept was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrivacyError {
    #[error(
        "personal data can be kept at most {} months after the end",
        crate::model::consent::MAX_RETENTION_MONTHS
    )]
    RetentionTooLong,
    #[error("consent cannot be withdrawn before it was given")]
    WithdrawnBeforeGiven,
}

impl PrivacyError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            PrivacyError::RetentionTooLong => "retention-too-long",
            PrivacyError::WithdrawnBeforeGiven => "withdrawn-before-given",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            PrivacyError::RetentionTooLong | PrivacyError::WithdrawnBeforeGiven => Vec::new(),
        }
    }
}

/// Why an application form, an applicant's message or a command about
/// applying by link was refused. What comes from the network (the public
/// form, an opened message) is refused with these too, never with a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("the form or message is larger than allowed ({0} bytes at most)")]
    TooLarge(usize),
    #[error("the form or message is damaged")]
    Damaged,
    #[error("the form or message was made by a newer version of Tandem")]
    OtherFormat,
    #[error("the application form needs a title")]
    TitleMissing,
    #[error("the deadline {0} has passed")]
    DeadlinePassed(Day),
    #[error("the form must ask for „{0}“")]
    FieldRequired(&'static str),
    #[error("the form asks for „{0}“ twice")]
    FieldTwice(&'static str),
    #[error("the form must offer at least one role")]
    NoRole,
    #[error("the link's secrets are not well formed")]
    SecretsMalformed,
    #[error("the programme has no application form")]
    NoForm,
    #[error("the application form is closed")]
    FormClosed,
    #[error("the current link's inbox is still in use")]
    InboxInUse,
    #[error("the programme keeps no such inbox")]
    NoSuchInbox,
    #[error("„{0}“ was not asked")]
    NotAsked(&'static str),
    #[error("„{0}“ is missing")]
    Missing(&'static str),
    #[error("„{0}“ is too long")]
    TooLong(&'static str),
    #[error("„{0}“ holds a line break or control character")]
    NotOneLine(&'static str),
    #[error("„{0}“ is not an e-mail address")]
    EmailInvalid(String),
    #[error("„{0}“ is not a phone number")]
    PhoneInvalid(String),
    #[error("one cannot apply as „{0}“ here")]
    RoleNotOffered(&'static str),
    #[error("the chosen organisation is not a partner of the programme")]
    UnknownOrganisation,
    #[error("the applicant did not agree to their data being processed")]
    ProcessingNotGiven,
    #[error("the application {0} has been dealt with already ({1})")]
    AlreadyDealtWith(String, &'static str),
    #[error("the application {0} has been taken in already")]
    ReceiptTakenIn(String),
}

impl IntakeError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::TooLarge(_) => "intake-too-large",
            IntakeError::Damaged => "intake-damaged",
            IntakeError::OtherFormat => "intake-other-format",
            IntakeError::TitleMissing => "intake-title-missing",
            IntakeError::DeadlinePassed(_) => "intake-deadline-passed",
            IntakeError::FieldRequired(_) => "intake-field-required",
            IntakeError::FieldTwice(_) => "intake-field-twice",
            IntakeError::NoRole => "intake-no-role",
            IntakeError::SecretsMalformed => "intake-secrets-malformed",
            IntakeError::NoForm => "intake-no-form",
            IntakeError::FormClosed => "intake-form-closed",
            IntakeError::InboxInUse => "intake-inbox-in-use",
            IntakeError::NoSuchInbox => "intake-no-such-inbox",
            IntakeError::NotAsked(_) => "intake-not-asked",
            IntakeError::Missing(_) => "intake-missing",
            IntakeError::TooLong(_) => "intake-too-long",
            IntakeError::NotOneLine(_) => "intake-not-one-line",
            IntakeError::EmailInvalid(_) => "email-invalid",
            IntakeError::PhoneInvalid(_) => "phone-invalid",
            IntakeError::RoleNotOffered(_) => "intake-role-not-offered",
            IntakeError::UnknownOrganisation => "unknown-partner",
            IntakeError::ProcessingNotGiven => "intake-processing-not-given",
            IntakeError::AlreadyDealtWith(..) => "intake-already-dealt-with",
            IntakeError::ReceiptTakenIn(_) => "intake-receipt-taken-in",
        }
    }

    /// The names and values a translated message fills in.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            IntakeError::TooLarge(bytes) => vec![("bytes", bytes.to_string())],
            IntakeError::DeadlinePassed(day) => vec![("day", day.german())],
            IntakeError::FieldRequired(field)
            | IntakeError::FieldTwice(field)
            | IntakeError::NotAsked(field)
            | IntakeError::Missing(field)
            | IntakeError::TooLong(field)
            | IntakeError::NotOneLine(field) => vec![("field", field.to_string())],
            IntakeError::RoleNotOffered(role) => vec![("role", role.to_string())],
            IntakeError::EmailInvalid(value) | IntakeError::PhoneInvalid(value) => {
                vec![("value", value.clone())]
            }
            IntakeError::AlreadyDealtWith(receipt, outcome) => {
                vec![
                    ("receipt", receipt.clone()),
                    ("outcome", outcome.to_string()),
                ]
            }
            IntakeError::ReceiptTakenIn(receipt) => vec![("receipt", receipt.clone())],
            IntakeError::Damaged
            | IntakeError::OtherFormat
            | IntakeError::TitleMissing
            | IntakeError::NoRole
            | IntakeError::SecretsMalformed
            | IntakeError::NoForm
            | IntakeError::FormClosed
            | IntakeError::InboxInUse
            | IntakeError::NoSuchInbox
            | IntakeError::UnknownOrganisation
            | IntakeError::ProcessingNotGiven => Vec::new(),
        }
    }
}
