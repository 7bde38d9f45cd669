//! Commands: every change a coordinator makes to a programme.
//!
//! A command is a user's intent. [`ProgrammeDocument::apply`](crate::ProgrammeDocument::apply)
//! validates it against the programme, writes it in one transaction, touching
//! only the entity it concerns, and records the coordinator in the change
//! message. A refused command leaves the document as it was.

use crate::{
    ContactPoint, CoordinatorId, Day, Decision, Interview, MatchingWeights, PartnerId,
    PersonDetails, PersonId, ProgrammeKind, Rules, TandemEnding, TandemId,
};

/// Longest name a coordinator can give a programme, an organisation or a person.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest free text (goal, motivation, notes).
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The coordinator who makes a change. Kept in settings on each device; the
/// same person on two laptops is the same author with two actor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: CoordinatorId,
    pub name: String,
}

impl Author {
    /// A coordinator with a new random id.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: CoordinatorId::random(),
            name: name.into(),
        }
    }
}

/// What a coordinator fills in to start a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramme {
    pub name: String,
    pub kind: ProgrammeKind,
    pub start: Day,
    pub end: Day,
    /// Names of the partner organisations.
    pub partners: Vec<String>,
}

/// A person brought in from a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedPerson {
    pub id: PersonId,
    pub details: PersonDetails,
    pub applied_on: Day,
    /// Where the person stands, for cohorts kept in a spreadsheet so far.
    pub stage: crate::Stage,
}

/// One of several tandems formed at once (confirming suggestions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTandem {
    pub id: TandemId,
    pub mentee: PersonId,
    pub mentor: PersonId,
    pub co_mentor: Option<PersonId>,
    pub start: Day,
    pub planned_end: Day,
}

/// A change to an existing programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Rename {
        name: String,
    },
    SetDates {
        start: Day,
        end: Day,
    },
    SetRules {
        rules: Rules,
    },
    AddPartner {
        id: PartnerId,
        name: String,
    },
    RenamePartner {
        id: PartnerId,
        name: String,
    },
    SetPartnerCoordinator {
        id: PartnerId,
        contact: Option<ContactPoint>,
    },
    SetComplaintsContact {
        contact: Option<ContactPoint>,
    },
    /// How often tandems are expected to meet, in days; none for monthly.
    SetContactRhythm {
        days: Option<u32>,
    },
    /// A new applicant, as the intake form records them.
    AddPerson {
        id: PersonId,
        details: PersonDetails,
        applied_on: Day,
    },
    UpdatePerson {
        id: PersonId,
        details: PersonDetails,
    },
    /// People from a spreadsheet, in one change. Anyone already in the
    /// programme (same e-mail, or same name without e-mail) is refused.
    ImportPeople {
        people: Vec<ImportedPerson>,
    },
    RecordInterview {
        person: PersonId,
        interview: Interview,
    },
    Decide {
        person: PersonId,
        decision: Decision,
        on: Day,
    },
    Withdraw {
        person: PersonId,
        reason: String,
        on: Day,
    },
    CreateTandem {
        id: TandemId,
        mentee: PersonId,
        mentor: PersonId,
        co_mentor: Option<PersonId>,
        start: Day,
        planned_end: Day,
    },
    EndTandem {
        id: TandemId,
        ending: TandemEnding,
        on: Day,
    },
    /// How much each criterion counts when tandems are suggested.
    SetMatchingWeights {
        weights: MatchingWeights,
    },
    /// Keeps this pair in every suggestion (and lifts an exclusion of it).
    FixPair {
        mentee: PersonId,
        mentor: PersonId,
    },
    /// Keeps this pair out of every suggestion (and lifts a fixing of it).
    ExcludePair {
        mentee: PersonId,
        mentor: PersonId,
    },
    /// Lifts a fixing or an exclusion of this pair.
    ReleasePair {
        mentee: PersonId,
        mentor: PersonId,
    },
    /// Several tandems in one change: the confirmed suggestions. Each must
    /// pass the same rules as a tandem formed by hand, counting the ones
    /// before it; if one is refused, none is formed.
    CreateTandems {
        tandems: Vec<NewTandem>,
    },
    /// Co-mentors put on running tandems in one change (the confirmed
    /// co-mentor suggestions): tandem → co-mentor. Each must pass the
    /// rules for a co-mentor, counting the ones before it; if one is
    /// refused, none is put on.
    AssignCoMentors {
        assignments: Vec<(TandemId, PersonId)>,
    },
    /// Removes a tandem made by mistake, e.g. one side of a merge conflict.
    DissolveTandem {
        id: TandemId,
    },
    /// Takes back one earlier change by a new, inverse change. Values
    /// changed again since are left as they are.
    UndoChange {
        /// The hash of the change to take back.
        hash: String,
    },
    /// Plans an event in the programme's calendar.
    CreateEvent {
        id: crate::EventId,
        details: crate::EventDetails,
    },
    /// Changes what was planned for an event (not its attendance).
    UpdateEvent {
        id: crate::EventId,
        details: crate::EventDetails,
    },
    /// Cancels an event (its hours no longer count), or takes the
    /// cancellation back.
    CancelEvent {
        id: crate::EventId,
        cancelled: bool,
    },
    /// Records where one person stands for one event.
    MarkAttendance {
        event: crate::EventId,
        person: PersonId,
        status: crate::AttendanceStatus,
    },
    /// Credits a person other course minutes than the event's (came late,
    /// left early); `None` goes back to the event's.
    SetAttendedMinutes {
        event: crate::EventId,
        person: PersonId,
        minutes: Option<u32>,
    },
    /// What a participant must have done for the certificate.
    SetCompletionRules {
        rules: crate::CompletionRules,
    },
    /// Issues the certificate to a person against the rules, for the
    /// reason given; who and when are recorded with it.
    GrantCertificate {
        person: PersonId,
        reason: String,
        on: Day,
    },
    /// Takes back a certificate issued against the rules.
    WithdrawCertificateGrant {
        person: PersonId,
    },
    /// Adds a questionnaire, or changes one (same id).
    DefineSurvey {
        id: crate::SurveyId,
        survey: crate::Survey,
    },
    /// Removes a questionnaire nobody has answered yet.
    RemoveSurvey {
        id: crate::SurveyId,
    },
    /// One person's answers to a questionnaire, from paper or from their
    /// tandem page. Anonymous answers go under `anonymous_response`,
    /// without the person.
    RecordSurveyAnswers {
        survey: crate::SurveyId,
        person: PersonId,
        on: Day,
        source: crate::AnswerSource,
        answers: std::collections::BTreeMap<String, crate::Answer>,
        response: crate::ResponseId,
        anonymous_response: crate::ResponseId,
    },
    /// A mentee's outcome at the end or at a follow-up; `None` clears it.
    RecordOutcome {
        person: PersonId,
        when: crate::OutcomeWhen,
        outcome: Option<crate::Outcome>,
    },
    /// What a person agreed to (and when, how, and any withdrawal).
    RecordConsent {
        person: PersonId,
        consent: crate::ConsentRecord,
    },
    /// How many months after the programme's end personal data is kept;
    /// `None`: no period set.
    SetRetention {
        months: Option<u32>,
    },
    /// Settles a value two coordinators set differently at the same time.
    ChooseValue {
        /// Keys from the programme down to the value.
        path: Vec<String>,
        value: crate::ChosenValue,
    },
}

impl Command {
    /// A stable name for the change log.
    pub fn code(&self) -> &'static str {
        match self {
            Command::Rename { .. } => "rename",
            Command::SetDates { .. } => "set-dates",
            Command::SetRules { .. } => "set-rules",
            Command::AddPartner { .. } => "add-partner",
            Command::RenamePartner { .. } => "rename-partner",
            Command::SetPartnerCoordinator { .. } => "set-partner-coordinator",
            Command::SetComplaintsContact { .. } => "set-complaints-contact",
            Command::SetContactRhythm { .. } => "set-contact-rhythm",
            Command::AddPerson { .. } => "add-person",
            Command::UpdatePerson { .. } => "update-person",
            Command::ImportPeople { .. } => "import-people",
            Command::RecordInterview { .. } => "record-interview",
            Command::Decide { .. } => "decide",
            Command::Withdraw { .. } => "withdraw",
            Command::CreateTandem { .. } => "create-tandem",
            Command::EndTandem { .. } => "end-tandem",
            Command::SetMatchingWeights { .. } => "set-matching-weights",
            Command::FixPair { .. } => "fix-pair",
            Command::ExcludePair { .. } => "exclude-pair",
            Command::ReleasePair { .. } => "release-pair",
            Command::CreateTandems { .. } => "create-tandems",
            Command::AssignCoMentors { .. } => "assign-co-mentors",
            Command::DissolveTandem { .. } => "dissolve-tandem",
            Command::ChooseValue { .. } => "choose-value",
            Command::UndoChange { .. } => "undo-change",
            Command::CreateEvent { .. } => "create-event",
            Command::UpdateEvent { .. } => "update-event",
            Command::CancelEvent { .. } => "cancel-event",
            Command::MarkAttendance { .. } => "mark-attendance",
            Command::SetAttendedMinutes { .. } => "set-attended-minutes",
            Command::SetCompletionRules { .. } => "set-completion-rules",
            Command::GrantCertificate { .. } => "grant-certificate",
            Command::WithdrawCertificateGrant { .. } => "withdraw-certificate-grant",
            Command::DefineSurvey { .. } => "define-survey",
            Command::RemoveSurvey { .. } => "remove-survey",
            Command::RecordSurveyAnswers { .. } => "record-survey-answers",
            Command::RecordOutcome { .. } => "record-outcome",
            Command::RecordConsent { .. } => "record-consent",
            Command::SetRetention { .. } => "set-retention",
        }
    }

    /// The entity the command concerns, for the history of that entity.
    pub fn subject(&self) -> Option<String> {
        match self {
            Command::AddPartner { id, .. }
            | Command::RenamePartner { id, .. }
            | Command::SetPartnerCoordinator { id, .. } => Some(id.to_string()),
            Command::AddPerson { id, .. } | Command::UpdatePerson { id, .. } => {
                Some(id.to_string())
            }
            Command::RecordInterview { person, .. }
            | Command::Decide { person, .. }
            | Command::Withdraw { person, .. } => Some(person.to_string()),
            Command::CreateTandem { id, .. } | Command::EndTandem { id, .. } => {
                Some(id.to_string())
            }
            Command::FixPair { mentee, .. }
            | Command::ExcludePair { mentee, .. }
            | Command::ReleasePair { mentee, .. } => Some(mentee.to_string()),
            Command::CreateEvent { id, .. }
            | Command::UpdateEvent { id, .. }
            | Command::CancelEvent { id, .. } => Some(id.to_string()),
            Command::MarkAttendance { person, .. }
            | Command::SetAttendedMinutes { person, .. }
            | Command::GrantCertificate { person, .. }
            | Command::WithdrawCertificateGrant { person } => Some(person.to_string()),
            Command::DefineSurvey { id, .. } | Command::RemoveSurvey { id } => Some(id.to_string()),
            Command::RecordOutcome { person, .. } => Some(person.to_string()),
            Command::RecordConsent { person, .. } => Some(person.to_string()),
            _ => None,
        }
    }
}

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
    #[error("a weight can be at most {}", crate::MAX_WEIGHT)]
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
    #[error("an event can count for at most {} hours", crate::MAX_EVENT_MINUTES / 60)]
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
        crate::MAX_EVENTS_REQUIRED
    )]
    TooManyEventsRequired,
    #[error("a questionnaire needs a title")]
    SurveyTitleMissing,
    #[error("a questionnaire needs at least one question")]
    SurveyWithoutQuestions,
    #[error(
        "a questionnaire can have at most {} questions",
        crate::survey::MAX_QUESTIONS
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
        crate::MAX_RETENTION_MONTHS
    )]
    RetentionTooLong,
    #[error("consent cannot be withdrawn before it was given")]
    WithdrawnBeforeGiven,
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

/// A name as the coordinator meant it: trimmed, not empty, not overlong.
pub(crate) fn clean_name(name: &str, missing: CommandError) -> Result<String, CommandError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(missing);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CommandError::NameTooLong);
    }
    Ok(name)
}

pub(crate) fn check_dates(start: Day, end: Day) -> Result<(), CommandError> {
    if end < start {
        return Err(CommandError::EndsBeforeStart { start, end });
    }
    Ok(())
}
