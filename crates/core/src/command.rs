//! Commands: every change a coordinator makes to a programme.
//!
//! A command is a user's intent. [`ProgrammeDocument::apply`](crate::document::programme::ProgrammeDocument::apply)
//! validates it against the programme, writes it in one transaction, touching
//! only the entity it concerns, and records the coordinator in the change
//! message. A refused command leaves the document as it was.
//!
//! This folder holds the [`Command`] enum and one writer per domain:
//! [`programme`] (name, dates, partners, rules), [`people`], [`tandems`],
//! [`matching`] (weights, fixed and excluded pairs, confirmed suggestions),
//! [`calendar`], [`results`], [`privacy`] and [`intake`] (applying by link). [`ProgrammeDocument::apply`]
//! is a short dispatch to them, followed by hydrating again only what the
//! writer touched.
//!
//! May use: `model`, `rules`, `document`, `matching` (a fixed pair must be
//! allowed), `page` (answers carried over from a tandem page).
//!
//! # Every rule a command keeps
//!
//! `apply` reads the state a command would produce back from its open
//! transaction and refuses it if it breaks an invariant of
//! `rules::invariants` that held before (or breaks one further). It reads
//! only what the command wrote (kept as it was before in `written`, so the
//! programme is never copied whole) and the invariants' keys those entities
//! reach (`rules::scope`); the tests hold it to the whole check
//! (`apply_checking_whole`) on random commands and merged states. The
//! writers ask the same rules ahead, for a refusal that names the person;
//! either way the rule is the invariant. What each command refuses, by
//! kind (*invariant*: a rule of every state, in the list the conflict list
//! is made of; *input*: what was typed, checked by the cleaning functions
//! that also check a partner's values, `rules::received`; *step*: whether
//! this step may be taken now):
//!
//! | command | refuses | kind |
//! |---|---|---|
//! | `create` | no name, name too long, end before start, partner twice | input; `programme-dates`, `partner-once` |
//! | `Rename`, `RenamePartner`, `AddPartner` | no or overlong name; a name another partner has | input; `partner-once` |
//! | `SetDates` | end before start | `programme-dates` |
//! | `SetRules` | capacity 0; a capacity, pairing or co-mentor rule running tandems no longer keep | `capacity-set`, `mentor-capacity`, `across-organisations`, `co-mentors-used` |
//! | `SetComplaintsContact`, `SetPartnerCoordinator` | no name, bad e-mail or phone; unknown partner | input |
//! | `AddPerson`, `ImportPeople` | no name, overlong texts, bad e-mail or phone; unknown organisation; the same person again | input; `organisation-known`, `person-once` |
//! | `UpdatePerson` | as `AddPerson`; a role, organisation or address that breaks a running tandem, an outcome or makes a duplicate | input; `tandem-members`, `across-organisations`, `outcome-of-mentee`, `person-once` |
//! | `RecordInterview` | no interviewer, notes too long; a withdrawn applicant | input; step |
//! | `Decide`, `Withdraw` | steps not allowed (`check_step`); no reason; taking someone in a running tandem out of the cohort | step; `members-accepted` |
//! | `CreateTandem`, `CreateTandems` | end before start; unknown people, wrong roles, the same person twice, not accepted; mentee already matched; mentor full; one organisation; co-mentors not used | `tandem-dates`, `tandem-members`, `members-accepted`, `one-running-tandem`, `mentor-capacity`, `across-organisations`, `co-mentors-used` |
//! | `AssignCoMentors` | as above for the co-mentor; tandem ended or with a co-mentor; an excluded pair | the same invariants; step |
//! | `EndTandem` | ended before its start; tandem ended already; no reason for an early end | `tandem-dates`; step; input |
//! | `DissolveTandem` | unknown tandem | step |
//! | `SetMatchingWeights` | a weight too high | input |
//! | `FixPair`, `ExcludePair`, `ReleasePair` | not a mentee and mentor of the programme; fixing for a matched mentee | step (`pair-fixed-and-excluded` holds by writing both) |
//! | `CreateEvent`, `UpdateEvent` | no title, overlong texts, a link that is no `https:`/`http:` link, 0 places, too many hours, unknown partner; ends before it starts; fewer places than registrations | input; `event-dates`, `event-places`, `organisation-known` |
//! | `CancelEvent` | unknown event | step |
//! | `MarkAttendance`, `SetAttendedMinutes` | unknown person or event, cancelled event, too many hours; registering beyond the places | `known-people`; step; input; `event-places` |
//! | `SetCompletionRules` | unknown event kinds, too many events or hours | input |
//! | `GrantCertificate`, `WithdrawCertificateGrant` | unknown person; no or overlong reason; no grant to withdraw | `known-people`; input; step |
//! | `RecordReminderSent` | an unknown reminder or person; more marks than a person keeps | step; `known-people`; input |
//! | `DefineSurvey` | no title, no or too many questions, question without text, choice without options | input |
//! | `RemoveSurvey` | unknown questionnaire; one with answers | step; `answers-to-known-survey` |
//! | `RemoveSurveyResponse` | unknown response | step |
//! | `RecordSurveyAnswers` | unknown questionnaire or person, not asked, answer not fitting; answered already | step; input; `answered-once` |
//! | `RecordOutcome` | unknown person, not a mentee; overlong texts, a post dated years before | `known-people`, `outcome-of-mentee`; input |
//! | `RecordConsent` | unknown person; withdrawn before given | `known-people`, `consent-dates` |
//! | `SetRetention` | longer than allowed | `retention-limit` |
//! | `RemoveRecordsOf` | a person still in the programme | step (it settles `known-people`) |
//! | `PublishIntakeForm` | no title, deadline past, name or e-mail not asked, a field twice, no role, overlong texts, malformed secrets | input |
//! | `RenewIntakeLink`, `CloseIntakeForm` | no form; an inbox used before; closed already | step |
//! | `ForgetDrainedInbox` | no form; the current inbox; an inbox not kept | step |
//! | `TakeInApplication` | a receipt dealt with; no consent to processing; as `AddPerson` | step; input; `person-once`, `receipt-once` |
//! | `DeclineApplication`, `RecordApplicationWithdrawn` | a receipt dealt with; withdrawing someone in a running tandem | step; `members-accepted` |
//! | `ChooseValue` | no such clash | step (the value chosen is one a coordinator set; the invariants are checked on it like on any command) |
//! | `UndoChange` | nothing left to take back; an undo that would break a rule | step; every invariant |

pub(crate) mod calendar;
pub(crate) mod intake;
pub(crate) mod matching;
pub(crate) mod people;
pub(crate) mod privacy;
pub(crate) mod programme;
pub(crate) mod reproducible;
pub(crate) mod results;
pub(crate) mod tandems;
pub(crate) mod written;

use std::collections::BTreeMap;

use automerge::transaction::{Transactable, Transaction};
use automerge::{Automerge, ObjId, ReadDoc, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop};

use crate::command::programme::check_partner_is_new;
use crate::command::written::{Scoped, Written};
use crate::document::author::Author;
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{
    commit_options, hydrate_entity, hydrate_entry, EXCLUDED_PAIRS, FIXED_PAIRS, FORMAT,
    MATCHING_WEIGHTS, PARTNERS, PEOPLE, PROGRAMME, TANDEMS,
};
use crate::document::FORMAT_VERSION;
use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId, ProgrammeId, TandemId};
use crate::model::person::{Decision, Interview, PersonDetails};
use crate::model::programme::{ContactPoint, Partner, Programme, ProgrammeKind, Rules};
use crate::model::tandem::TandemEnding;
use crate::model::weights::MatchingWeights;
use crate::rules::error::{CommandError, ProgrammeError};
use crate::rules::invariants::{first_new_violation, invariants, keeps_invariants, refusal};
use crate::rules::received::check_received;
use crate::rules::text::{check_dates, clean_name};

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
    /// When they applied, if the spreadsheet says.
    pub applied_on: Option<Day>,
    /// Where the person stands, for cohorts kept in a spreadsheet so far.
    pub stage: crate::model::person::Stage,
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
        id: crate::model::ids::EventId,
        details: crate::model::event::EventDetails,
    },
    /// Changes what was planned for an event (not its attendance).
    UpdateEvent {
        id: crate::model::ids::EventId,
        details: crate::model::event::EventDetails,
    },
    /// Cancels an event (its hours no longer count), or takes the
    /// cancellation back.
    CancelEvent {
        id: crate::model::ids::EventId,
        cancelled: bool,
    },
    /// Records where one person stands for one event.
    MarkAttendance {
        event: crate::model::ids::EventId,
        person: PersonId,
        status: crate::model::event::AttendanceStatus,
    },
    /// Credits a person other course minutes than the event's (came late,
    /// left early); `None` goes back to the event's.
    SetAttendedMinutes {
        event: crate::model::ids::EventId,
        person: PersonId,
        minutes: Option<u32>,
    },
    /// What a participant must have done for the certificate.
    SetCompletionRules {
        rules: crate::model::completion::CompletionRules,
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
    /// Marks a reminder as sent to these people by the coordinator's own
    /// mail program; `key` names the reminder (`report::reminders`).
    RecordReminderSent {
        key: String,
        people: Vec<PersonId>,
        on: Day,
    },
    /// Adds a questionnaire, or changes one (same id).
    DefineSurvey {
        id: crate::model::ids::SurveyId,
        survey: crate::model::survey::Survey,
    },
    /// Removes a questionnaire nobody has answered yet.
    RemoveSurvey {
        id: crate::model::ids::SurveyId,
    },
    /// Removes one recorded response: a second answer of the same person,
    /// or answers left to a questionnaire that is gone (both only arise
    /// when coordinators' changes meet).
    RemoveSurveyResponse {
        response: crate::model::ids::ResponseId,
    },
    /// One person's answers to a questionnaire, from paper or from their
    /// tandem page. Anonymous answers go under `anonymous_response`,
    /// without the person.
    RecordSurveyAnswers {
        survey: crate::model::ids::SurveyId,
        person: PersonId,
        on: Day,
        source: crate::model::survey::AnswerSource,
        answers: std::collections::BTreeMap<String, crate::model::survey::Answer>,
        response: crate::model::ids::ResponseId,
        anonymous_response: crate::model::ids::ResponseId,
    },
    /// A mentee's outcome at the end or at a follow-up; `None` clears it.
    RecordOutcome {
        person: PersonId,
        when: crate::model::outcome::OutcomeWhen,
        outcome: Option<crate::model::outcome::Outcome>,
    },
    /// What a person agreed to (and when, how, and any withdrawal).
    RecordConsent {
        person: PersonId,
        consent: crate::model::consent::ConsentRecord,
    },
    /// Removes what is recorded about someone no longer in the programme
    /// (their entry was taken back on one side while another recorded
    /// something about them).
    RemoveRecordsOf {
        person: PersonId,
    },
    /// How many months after the programme's end personal data is kept;
    /// `None`: no period set.
    SetRetention {
        months: Option<u32>,
    },
    /// Publishes the application form (or changes the published one),
    /// checked as of `today`: a title, a deadline not past, name and
    /// e-mail asked, a role offered, the link's secrets well formed. A new
    /// inbox closes the one before (it stays listed, to be drained).
    PublishIntakeForm {
        form: crate::model::intake::IntakeForm,
        today: Day,
    },
    /// A new application link: new inbox, intake key and reader token (the
    /// app makes them at random). The inbox before is listed as closed.
    RenewIntakeLink {
        inbox: [u8; crate::model::intake::INBOX_ID_BYTES],
        key_secret: [u8; crate::model::intake::INTAKE_SECRET_BYTES],
        reader: [u8; crate::model::intake::INTAKE_SECRET_BYTES],
        on: Day,
    },
    /// Forgets the keys of an earlier inbox once everything in it was
    /// read and dealt with (and the relay has deleted it).
    ForgetDrainedInbox {
        inbox: [u8; crate::model::intake::INBOX_ID_BYTES],
        on: Day,
    },
    /// Stops taking applications by link.
    CloseIntakeForm {
        on: Day,
    },
    /// Takes an application that came by link into the programme: a new
    /// person (applied on the day of application) with their consent as
    /// given on the form.
    TakeInApplication {
        id: PersonId,
        application: crate::model::intake::ApplicationForm,
        received_on: Day,
    },
    /// Declines an application that came by link without taking it in:
    /// only its receipt is kept, with the mark.
    DeclineApplication {
        receipt: crate::model::intake::Receipt,
        on: Day,
    },
    /// The applicant withdrew their application (by its receipt); if it
    /// was taken in, the person's application and consent are withdrawn.
    RecordApplicationWithdrawn {
        receipt: crate::model::intake::Receipt,
        on: Day,
    },
    /// Settles a value two coordinators set differently at the same time.
    ChooseValue {
        /// Keys from the programme down to the value.
        path: Vec<String>,
        value: crate::document::conflicts::ChosenValue,
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
            Command::RecordReminderSent { .. } => "record-reminder-sent",
            Command::DefineSurvey { .. } => "define-survey",
            Command::RemoveSurvey { .. } => "remove-survey",
            Command::RemoveSurveyResponse { .. } => "remove-survey-response",
            Command::RecordSurveyAnswers { .. } => "record-survey-answers",
            Command::RecordOutcome { .. } => "record-outcome",
            Command::RecordConsent { .. } => "record-consent",
            Command::SetRetention { .. } => "set-retention",
            Command::RemoveRecordsOf { .. } => "remove-records-of",
            Command::PublishIntakeForm { .. } => "publish-intake-form",
            Command::RenewIntakeLink { .. } => "renew-intake-link",
            Command::ForgetDrainedInbox { .. } => "forget-drained-inbox",
            Command::CloseIntakeForm { .. } => "close-intake-form",
            Command::TakeInApplication { .. } => "take-in-application",
            Command::DeclineApplication { .. } => "decline-application",
            Command::RecordApplicationWithdrawn { .. } => "record-application-withdrawn",
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
            Command::TakeInApplication { id, .. } => Some(id.to_string()),
            Command::RecordReminderSent { people, .. } if people.len() == 1 => {
                people.first().map(ToString::to_string)
            }
            _ => None,
        }
    }
}

/// What a command wrote, so that only that is hydrated again.
pub(crate) enum Touched {
    Programme,
    Partner(PartnerId),
    People(Vec<PersonId>),
    Tandem(TandemId),
    TandemGone(TandemId),
    Tandems(Vec<TandemId>),
    MatchingWeights,
    /// A fixing or exclusion of one pair.
    Pair(crate::model::weights::Pair),
    /// An event, the completion rules or a certificate grant.
    Calendar(crate::command::calendar::CalendarTouched),
    /// A questionnaire, answers or a mentee's outcome.
    Results(crate::command::results::ResultsTouched),
    /// A consent record or the retention period.
    Privacy(crate::command::privacy::PrivacyTouched),
    /// The application form, a receipt's mark, a person taken in by link.
    Intake(crate::command::intake::IntakeTouched),
}

impl ProgrammeDocument {
    /// Starts a programme: the genesis document every partner will share.
    pub fn create(author: &Author, new: NewProgramme) -> Result<Self, CommandError> {
        Self::create_at(author, 0, new)
    }

    /// Like [`create`](Self::create), with the time of the change in seconds
    /// since 1970.
    pub fn create_at(author: &Author, at: i64, new: NewProgramme) -> Result<Self, CommandError> {
        let name = clean_name(
            &new.name,
            CommandError::Programme(ProgrammeError::NameMissing),
        )?;
        check_dates(new.start, new.end)?;
        let mut partners = BTreeMap::new();
        for partner in &new.partners {
            let partner_name = clean_name(
                partner,
                CommandError::Programme(ProgrammeError::PartnerNameMissing),
            )?;
            check_partner_is_new(partners.values(), &partner_name)?;
            partners.insert(
                PartnerId::random(),
                Partner {
                    name: partner_name,
                    coordinator: None,
                },
            );
        }
        let programme = Programme {
            id: ProgrammeId::random(),
            name,
            kind: new.kind,
            start: new.start,
            end: new.end,
            partners,
            rules: Rules::for_kind(new.kind),
            complaints_contact: None,
            people: BTreeMap::new(),
            tandems: BTreeMap::new(),
            matching_weights: crate::model::weights::MatchingWeights::default(),
            fixed_pairs: BTreeMap::new(),
            excluded_pairs: BTreeMap::new(),
            events: BTreeMap::new(),
            completion: crate::model::completion::CompletionRules::for_kind(new.kind),
            certificate_grants: BTreeMap::new(),
            contact_rhythm_days: None,
            surveys: BTreeMap::new(),
            survey_responses: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            consents: BTreeMap::new(),
            retention_months: None,
            intake: None,
            intake_receipts: BTreeMap::new(),
        };
        Self::genesis(Automerge::new(), author, at, programme)
    }

    /// Writes the programme's first change, the whole programme, into the
    /// empty `doc`.
    pub(crate) fn genesis(
        mut doc: Automerge,
        author: &Author,
        at: i64,
        programme: Programme,
    ) -> Result<Self, CommandError> {
        doc.transact_with(
            |_| commit_options(author, at, "create-programme", None),
            |tx| {
                tx.put(ROOT, FORMAT, FORMAT_VERSION)?;
                reconcile_prop(tx, ROOT, PROGRAMME, &programme)?;
                Ok::<_, CommandError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        Ok(Self {
            doc,
            saved_heads: Vec::new(),
            programme,
            concurrent: Vec::new(),
            merged_chunk: None,
        })
    }

    /// Applies one coordinator's command in one transaction, or refuses it
    /// and leaves the document untouched.
    ///
    /// Besides the writer's own checks, the command is checked against every
    /// invariant (`rules::invariants`) on the state it would produce, read
    /// back from the open transaction: it may leave a broken rule as a
    /// merge left it, or settle it, but never break one or make one worse.
    /// The check reads only what the command wrote and the invariants it
    /// reaches (`command::written`, `rules::scope`), not the whole
    /// programme.
    pub fn apply(
        &mut self,
        author: &Author,
        at: i64,
        command: Command,
    ) -> Result<(), CommandError> {
        self.apply_scoped(author, at, command).map(|_| ())
    }

    /// Applies a command as [`apply`](Self::apply) does and returns the
    /// violations its check looked at (none for an undo, which is checked
    /// whole): the tests hold them against the whole programme's.
    #[doc(hidden)]
    pub fn apply_scoped(
        &mut self,
        author: &Author,
        at: i64,
        command: Command,
    ) -> Result<Option<Scoped>, CommandError> {
        if let Command::UndoChange { hash } = &command {
            return self.undo_checked(author, at, hash).map(|()| None);
        }
        // Any edit may settle a value that was set twice at once; while such
        // values are open, look again after each command.
        let settles_values = !self.concurrent.is_empty();
        let programme_obj = self.programme_obj()?;
        let code = command.code();
        let subject = self.subject_of(&command);
        let programme = &mut self.programme;
        let scoped = self
            .doc
            .transact_with(
                |_| commit_options(author, at, code, subject),
                |tx| {
                    let touched = write(tx, &programme_obj, programme, author, command)?;
                    let mut written = Written::keep(programme, &touched);
                    let checked = refresh(&*tx, &programme_obj, programme, touched)
                        .and_then(|()| written.check(programme));
                    if checked.is_err() {
                        // The transaction is rolled back; so is what was
                        // read from it.
                        written.swap(programme);
                    }
                    checked
                },
            )
            .map_err(|failure| failure.error)?
            .result;
        if settles_values {
            self.find_concurrent_values();
        }
        Ok(Some(scoped))
    }

    /// The entity a command concerns, for its history: as the command
    /// names it, or found in the programme (a withdrawal by receipt).
    fn subject_of(&self, command: &Command) -> Option<String> {
        command
            .subject()
            .or_else(|| intake::subject(&self.programme, command))
    }

    /// Undo writes what Automerge's history says, not one entity: it is
    /// tried on a copy and kept only if every rule holds. The rules are
    /// read whole, for the state before only when the undo breaks one.
    fn undo_checked(&mut self, author: &Author, at: i64, hash: &str) -> Result<(), CommandError> {
        let mut trial = self.clone();
        trial.undo(author, at, hash)?;
        keeps_invariants(|| invariants(&self.programme), &trial.programme)?;
        *self = trial;
        self.find_concurrent_values();
        Ok(())
    }

    /// Applies a command as [`apply`](Self::apply) does, but checks the
    /// whole programme: every value against the programme before, every
    /// invariant before and after, on a copy of the programme. It is the
    /// measure the scoped check of `apply` is held to (the tests compare
    /// the two on random commands); far slower, not for the app.
    #[doc(hidden)]
    pub fn apply_checking_whole(
        &mut self,
        author: &Author,
        at: i64,
        command: Command,
    ) -> Result<(), CommandError> {
        if let Command::UndoChange { hash } = &command {
            return self.undo_checked(author, at, hash);
        }
        let settles_values = !self.concurrent.is_empty();
        let programme_obj = self.programme_obj()?;
        let code = command.code();
        let subject = self.subject_of(&command);
        let programme = &self.programme;
        let mut after = programme.clone();
        self.doc
            .transact_with(
                |_| commit_options(author, at, code, subject),
                |tx| {
                    let touched = write(tx, &programme_obj, programme, author, command)?;
                    refresh(&*tx, &programme_obj, &mut after, touched)?;
                    check_received(programme, &after)
                        .map_err(|refused| CommandError::ValueRefused(refused.to_string()))?;
                    match first_new_violation(&invariants(programme), &invariants(&after)) {
                        None => Ok(()),
                        Some(violation) => Err(refusal(&after, violation)),
                    }
                },
            )
            .map_err(|failure| failure.error)?;
        self.programme = after;
        if settles_values {
            self.find_concurrent_values();
        }
        Ok(())
    }

    fn programme_obj(&self) -> Result<ObjId, CommandError> {
        match self.doc.get(ROOT, PROGRAMME)? {
            Some((_, id)) => Ok(id),
            None => Err(CommandError::Document(
                "no programme in the document".into(),
            )),
        }
    }
}

/// Hydrates again what a command wrote, and nothing else, from the
/// document or from the open transaction.
fn refresh<D: autosurgeon::ReadDoc>(
    doc: &D,
    programme_obj: &ObjId,
    programme: &mut Programme,
    touched: Touched,
) -> Result<(), CommandError> {
    let hydrate_error =
        |error: autosurgeon::HydrateError| CommandError::Document(error.to_string());
    match touched {
        Touched::Programme => {
            programme.name = hydrate_prop(doc, programme_obj, "name").map_err(hydrate_error)?;
            programme.start = hydrate_prop(doc, programme_obj, "start").map_err(hydrate_error)?;
            programme.end = hydrate_prop(doc, programme_obj, "end").map_err(hydrate_error)?;
            programme.rules = hydrate_prop(doc, programme_obj, "rules").map_err(hydrate_error)?;
            programme.complaints_contact =
                hydrate_prop(doc, programme_obj, "complaints_contact").map_err(hydrate_error)?;
            programme.contact_rhythm_days =
                hydrate_prop(doc, programme_obj, "contact_rhythm_days").map_err(hydrate_error)?;
        }
        Touched::Partner(id) => {
            let partner = hydrate_entity(doc, programme_obj, PARTNERS, &id.to_string())?;
            programme.partners.insert(id, partner);
        }
        Touched::People(ids) => {
            for id in ids {
                let person = hydrate_entity(doc, programme_obj, PEOPLE, &id.to_string())?;
                programme.people.insert(id, person);
            }
        }
        Touched::Tandem(id) => {
            let tandem = hydrate_entity(doc, programme_obj, TANDEMS, &id.to_string())?;
            programme.tandems.insert(id, tandem);
        }
        Touched::TandemGone(id) => {
            programme.tandems.remove(&id);
        }
        Touched::Tandems(ids) => {
            for id in ids {
                let tandem = hydrate_entity(doc, programme_obj, TANDEMS, &id.to_string())?;
                programme.tandems.insert(id, tandem);
            }
        }
        Touched::MatchingWeights => {
            let weights: autosurgeon::hydrate::MaybeMissing<
                crate::model::weights::MatchingWeights,
            > = hydrate_prop(doc, programme_obj, MATCHING_WEIGHTS).map_err(hydrate_error)?;
            programme.matching_weights = match weights {
                autosurgeon::hydrate::MaybeMissing::Present(weights) => weights,
                autosurgeon::hydrate::MaybeMissing::Missing => Default::default(),
            };
        }
        Touched::Calendar(touched) => {
            crate::command::calendar::refresh(doc, programme_obj, programme, touched)?;
        }
        Touched::Results(touched) => {
            crate::command::results::refresh(doc, programme_obj, programme, touched)?;
        }
        Touched::Privacy(touched) => {
            crate::command::privacy::refresh(doc, programme_obj, programme, touched)?;
        }
        Touched::Intake(touched) => {
            crate::command::intake::refresh(doc, programme_obj, programme, touched)?;
        }
        Touched::Pair(pair) => {
            let key = pair.mentee.to_string();
            match hydrate_entry(doc, programme_obj, FIXED_PAIRS, &key)? {
                Some(mentor) => programme.fixed_pairs.insert(pair.mentee, mentor),
                None => programme.fixed_pairs.remove(&pair.mentee),
            };
            match hydrate_entry(doc, programme_obj, EXCLUDED_PAIRS, &pair.to_string())? {
                Some(excluded) => programme.excluded_pairs.insert(pair, excluded),
                None => programme.excluded_pairs.remove(&pair),
            };
        }
    }
    Ok(())
}

/// Validates a command against the programme and writes it, by the
/// writer of its domain.
fn write(
    tx: &mut Transaction<'_>,
    programme_obj: &ObjId,
    programme: &Programme,
    author: &Author,
    command: Command,
) -> Result<Touched, CommandError> {
    match Domain::of(&command) {
        Domain::Programme => programme::write(tx, programme_obj, programme, author, command),
        Domain::People => people::write(tx, programme_obj, programme, author, command),
        Domain::Tandems => tandems::write(tx, programme_obj, programme, author, command),
        Domain::Matching => matching::write(tx, programme_obj, programme, author, command),
        Domain::Calendar => {
            calendar::write(tx, programme_obj, programme, author, command).map(Touched::Calendar)
        }
        Domain::Results => {
            results::write(tx, programme_obj, programme, command).map(Touched::Results)
        }
        Domain::Privacy => {
            privacy::write(tx, programme_obj, programme, command).map(Touched::Privacy)
        }
        Domain::Intake => {
            intake::write(tx, programme_obj, programme, author, command).map(Touched::Intake)
        }
        // Undoing needs the document's history, not one entity: see
        // `document::undo`; `apply` handles it before writing.
        Domain::History => Err(CommandError::NothingToUndo),
    }
}

/// Which writer a command goes to.
enum Domain {
    Programme,
    People,
    Tandems,
    Matching,
    Calendar,
    Results,
    Privacy,
    Intake,
    History,
}

impl Domain {
    fn of(command: &Command) -> Self {
        match command {
            Command::Rename { .. }
            | Command::SetDates { .. }
            | Command::SetRules { .. }
            | Command::SetContactRhythm { .. }
            | Command::SetComplaintsContact { .. }
            | Command::AddPartner { .. }
            | Command::RenamePartner { .. }
            | Command::SetPartnerCoordinator { .. }
            | Command::ChooseValue { .. } => Domain::Programme,
            Command::AddPerson { .. }
            | Command::UpdatePerson { .. }
            | Command::ImportPeople { .. }
            | Command::RecordInterview { .. }
            | Command::Decide { .. }
            | Command::Withdraw { .. }
            | Command::RecordReminderSent { .. } => Domain::People,
            Command::CreateTandem { .. }
            | Command::EndTandem { .. }
            | Command::DissolveTandem { .. } => Domain::Tandems,
            Command::SetMatchingWeights { .. }
            | Command::FixPair { .. }
            | Command::ExcludePair { .. }
            | Command::ReleasePair { .. }
            | Command::CreateTandems { .. }
            | Command::AssignCoMentors { .. } => Domain::Matching,
            Command::CreateEvent { .. }
            | Command::UpdateEvent { .. }
            | Command::CancelEvent { .. }
            | Command::MarkAttendance { .. }
            | Command::SetAttendedMinutes { .. }
            | Command::SetCompletionRules { .. }
            | Command::GrantCertificate { .. }
            | Command::WithdrawCertificateGrant { .. } => Domain::Calendar,
            Command::DefineSurvey { .. }
            | Command::RemoveSurvey { .. }
            | Command::RemoveSurveyResponse { .. }
            | Command::RecordSurveyAnswers { .. }
            | Command::RecordOutcome { .. } => Domain::Results,
            Command::RecordConsent { .. }
            | Command::SetRetention { .. }
            | Command::RemoveRecordsOf { .. } => Domain::Privacy,
            Command::PublishIntakeForm { .. }
            | Command::RenewIntakeLink { .. }
            | Command::ForgetDrainedInbox { .. }
            | Command::CloseIntakeForm { .. }
            | Command::TakeInApplication { .. }
            | Command::DeclineApplication { .. }
            | Command::RecordApplicationWithdrawn { .. } => Domain::Intake,
            Command::UndoChange { .. } => Domain::History,
        }
    }
}

impl crate::rules::invariants::Settle {
    /// The command that takes this way of settling a violation, as of
    /// `on`, with `reason` where the command records one (ending a tandem
    /// early, withdrawing a duplicate entry). `None` for the ways that need
    /// the coordinator's input in a form (new dates, a corrected person).
    pub fn command(&self, programme: &Programme, on: Day, reason: &str) -> Option<Command> {
        use crate::rules::invariants::Settle;
        Some(match self {
            Settle::DissolveTandem(id) => Command::DissolveTandem { id: *id },
            Settle::EndTandem(id) => Command::EndTandem {
                id: *id,
                ending: TandemEnding::Early {
                    reason: reason.to_string(),
                },
                // Never before the tandem's start, which the command refuses.
                on: programme
                    .tandems
                    .get(id)
                    .map_or(on, |tandem| on.max(tandem.start)),
            },
            Settle::AcceptAgain(person) => Command::Decide {
                person: *person,
                decision: Decision::Accept,
                on,
            },
            Settle::SetRules(rules) => Command::SetRules { rules: *rules },
            Settle::SetDates { start, end } => Command::SetDates {
                start: *start,
                end: *end,
            },
            Settle::ReleasePair(pair) => Command::ReleasePair {
                mentee: pair.mentee,
                mentor: pair.mentor,
            },
            Settle::FixPair(pair) => Command::FixPair {
                mentee: pair.mentee,
                mentor: pair.mentor,
            },
            Settle::ExcludePair(pair) => Command::ExcludePair {
                mentee: pair.mentee,
                mentor: pair.mentor,
            },
            Settle::SetEventPlaces { event, places } => {
                let mut details = programme.events.get(event)?.details.clone();
                details.capacity = Some(*places);
                Command::UpdateEvent {
                    id: *event,
                    details,
                }
            }
            Settle::SetRetention(months) => Command::SetRetention {
                months: Some(*months),
            },
            Settle::EndEventAtStart(event) => {
                let mut details = programme.events.get(event)?.details.clone();
                details.end_day = details.start_day;
                details.end_time = details.start_time;
                Command::UpdateEvent {
                    id: *event,
                    details,
                }
            }
            Settle::RenamePartnerTo { partner, name } => Command::RenamePartner {
                id: *partner,
                name: name.clone(),
            },
            Settle::RemoveResponse(response) => Command::RemoveSurveyResponse {
                response: *response,
            },
            Settle::ClearOutcome { person, when } => Command::RecordOutcome {
                person: *person,
                when: *when,
                outcome: None,
            },
            Settle::WithdrawConsentOnGiven(person) => {
                let consent = programme.consents.get(person)?;
                Command::RecordConsent {
                    person: *person,
                    consent: crate::model::consent::ConsentRecord {
                        withdrawn_on: Some(consent.given_on),
                        ..consent.clone()
                    },
                }
            }
            Settle::WithdrawDuplicate(person) => Command::Withdraw {
                person: *person,
                reason: reason.to_string(),
                on,
            },
            Settle::RemoveRecordsOf(person) => Command::RemoveRecordsOf { person: *person },
            Settle::EditPerson(_)
            | Settle::EditEvent(_)
            | Settle::RenamePartner(_)
            | Settle::EditConsent(_)
            | Settle::AskSender => return None,
        })
    }
}
