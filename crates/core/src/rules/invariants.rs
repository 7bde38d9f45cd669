//! The programme's invariants: one list of the rules every state of a
//! programme keeps, each a function of the model that returns its
//! violations.
//!
//! A command checks these on the state it would produce and is refused
//! when it would break one (`ProgrammeDocument::apply`), each invariant
//! only for the keys the entities it wrote reach (`rules::scope`: an
//! edited person with the tandems they are in and the entries that could
//! be the same person). An undo, which may write anything, is checked
//! whole, and the state before it only when the state after breaks a rule.
//! After a merge, a live delivery, an undo, a move to a new generation or
//! opening a stored programme, the conflict list is exactly [`invariants`]
//! of the merged model, each violation with the ways to settle it. A CRDT converges but
//! keeps no business rule: two coordinators working apart can each keep
//! every rule and still, together, break one. This list is what makes that
//! visible.
//!
//! | invariant                    | in the programme's words                                                  | broken by                                   |
//! |------------------------------|---------------------------------------------------------------------------|---------------------------------------------|
//! | `programme-dates`            | the programme ends on or after its start                                  | two date changes at once; a partner's data  |
//! | `capacity-set`               | a mentor takes at least one mentee                                        | a partner's data                            |
//! | `partner-once`               | each partner organisation is named once                                   | the same organisation added on two sides    |
//! | `organisation-known`         | a person's organisation, an event's host and audience are partners        | a partner's data                            |
//! | `person-once`                | nobody applies twice (same e-mail, or same name without e-mail)          | the same person entered on two sides        |
//! | `tandem-members`             | a tandem is three (or two) different people of the programme, in their roles | a role changed on one side, a tandem formed on the other; a partner's data |
//! | `tandem-dates`               | a tandem ends on or after its start                                       | a partner's data                            |
//! | `members-accepted`           | everyone in a running tandem is accepted                                  | a withdrawal on one side, a tandem on the other |
//! | `one-running-tandem`         | a mentee is in one running tandem at most                                 | two tandems formed apart                    |
//! | `mentor-capacity`            | a mentor (or co-mentor) has at most as many running tandems as allowed    | tandems formed apart; a lowered capacity    |
//! | `across-organisations`       | where the programme pairs across organisations, a tandem does             | an organisation changed on one side         |
//! | `co-mentors-used`            | co-mentors only where the programme uses them                             | co-mentors switched off on one side         |
//! | `pair-fixed-and-excluded`    | a pair is fixed or excluded, not both                                     | fixed on one side, excluded on the other    |
//! | `event-places`               | an event has no more people registered than places (who came is recorded regardless) | people registered on two sides   |
//! | `event-dates`                | an event ends after it starts                                             | a partner's data                            |
//! | `known-people`               | attendance, certificates, consent, outcomes, answers and pairs name people of the programme | a partner's data                |
//! | `answered-once`              | a person answers a questionnaire once                                     | the same answers recorded on two sides      |
//! | `answers-to-known-survey`    | a questionnaire with answers stays                                        | removed on one side, answered on the other  |
//! | `outcome-of-mentee`          | outcomes are recorded for mentees                                         | a role changed on one side                  |
//! | `consent-dates`              | consent is withdrawn on or after it was given                             | a partner's data                            |
//! | `retention-limit`            | personal data is kept at most the longest period allowed                  | a partner's data                            |
//! | `receipt-once`               | an application by link is taken in once (one receipt, one person)        | the same application taken in on two sides  |
//!
//! What commands refuse that is *not* here, and why: malformed input (an
//! e-mail, a link, a name too long; checked by the cleaning functions of
//! this folder, for typed and received values alike), and the
//! preconditions of a step (an application moves only along allowed steps;
//! attendance is marked only at events that take place; a pair is fixed
//! only for an unmatched mentee; answers come only from the questionnaire's
//! audience; a questionnaire is removed only while unanswered — its
//! answers are then kept by `answers-to-known-survey`). Those say whether a
//! step may be taken now, not what every later state must be. The tandem
//! page's own rules (goals, meetings, contact) live in its document
//! (`page::document`), which has one writer per tandem.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::consent::MAX_RETENTION_MONTHS;
use crate::model::day::Day;
use crate::model::ids::{EventId, PartnerId, PersonId, ResponseId, SurveyId, TandemId};
use crate::model::outcome::OutcomeWhen;
use crate::model::person::{Person, Role, Stage};
use crate::model::programme::{Programme, Rules};
use crate::model::weights::Pair;
use crate::rules::error::{
    CalendarError, CommandError, PeopleError, PrivacyError, ProgrammeError, TandemError,
};
use crate::rules::scope::Keys;

/// One rule of the list, named in the programme's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Invariant {
    ProgrammeDates,
    CapacitySet,
    PartnerOnce,
    OrganisationKnown,
    PersonOnce,
    TandemMembers,
    TandemDates,
    MembersAccepted,
    OneRunningTandem,
    MentorCapacity,
    AcrossOrganisations,
    CoMentorsUsed,
    PairFixedAndExcluded,
    EventPlaces,
    EventDates,
    KnownPeople,
    AnsweredOnce,
    AnswersToKnownSurvey,
    OutcomeOfMentee,
    ConsentDates,
    RetentionLimit,
    ReceiptOnce,
}

/// How urgent a broken rule is, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Data that cannot be right: figures, certificates and exports leave
    /// it out until it is settled.
    Error,
    /// A rule of the programme is broken: someone is affected.
    Warning,
    /// Untidy, nobody is affected yet.
    Notice,
}

impl Severity {
    /// A stable name for translations.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

impl Invariant {
    /// Every invariant, in the order of the list above.
    pub const ALL: [Invariant; 22] = [
        Invariant::ProgrammeDates,
        Invariant::CapacitySet,
        Invariant::PartnerOnce,
        Invariant::OrganisationKnown,
        Invariant::PersonOnce,
        Invariant::TandemMembers,
        Invariant::TandemDates,
        Invariant::MembersAccepted,
        Invariant::OneRunningTandem,
        Invariant::MentorCapacity,
        Invariant::AcrossOrganisations,
        Invariant::CoMentorsUsed,
        Invariant::PairFixedAndExcluded,
        Invariant::EventPlaces,
        Invariant::EventDates,
        Invariant::KnownPeople,
        Invariant::AnsweredOnce,
        Invariant::AnswersToKnownSurvey,
        Invariant::OutcomeOfMentee,
        Invariant::ConsentDates,
        Invariant::RetentionLimit,
        Invariant::ReceiptOnce,
    ];

    /// A stable name for translations and logs.
    pub fn code(self) -> &'static str {
        match self {
            Invariant::ProgrammeDates => "programme-dates",
            Invariant::CapacitySet => "capacity-set",
            Invariant::PartnerOnce => "partner-once",
            Invariant::OrganisationKnown => "organisation-known",
            Invariant::PersonOnce => "person-once",
            Invariant::TandemMembers => "tandem-members",
            Invariant::TandemDates => "tandem-dates",
            Invariant::MembersAccepted => "members-accepted",
            Invariant::OneRunningTandem => "one-running-tandem",
            Invariant::MentorCapacity => "mentor-capacity",
            Invariant::AcrossOrganisations => "across-organisations",
            Invariant::CoMentorsUsed => "co-mentors-used",
            Invariant::PairFixedAndExcluded => "pair-fixed-and-excluded",
            Invariant::EventPlaces => "event-places",
            Invariant::EventDates => "event-dates",
            Invariant::KnownPeople => "known-people",
            Invariant::AnsweredOnce => "answered-once",
            Invariant::AnswersToKnownSurvey => "answers-to-known-survey",
            Invariant::OutcomeOfMentee => "outcome-of-mentee",
            Invariant::ConsentDates => "consent-dates",
            Invariant::RetentionLimit => "retention-limit",
            Invariant::ReceiptOnce => "receipt-once",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Invariant::ProgrammeDates
            | Invariant::CapacitySet
            | Invariant::OrganisationKnown
            | Invariant::TandemMembers
            | Invariant::TandemDates
            | Invariant::EventDates
            | Invariant::KnownPeople
            | Invariant::ConsentDates
            | Invariant::RetentionLimit
            | Invariant::AnsweredOnce
            | Invariant::AnswersToKnownSurvey => Severity::Error,
            Invariant::PersonOnce
            | Invariant::MembersAccepted
            | Invariant::OneRunningTandem
            | Invariant::MentorCapacity
            | Invariant::AcrossOrganisations
            | Invariant::CoMentorsUsed
            | Invariant::EventPlaces
            | Invariant::OutcomeOfMentee
            | Invariant::ReceiptOnce => Severity::Warning,
            Invariant::PartnerOnce | Invariant::PairFixedAndExcluded => Severity::Notice,
        }
    }

    /// This invariant's violations in the programme.
    pub fn check(self, programme: &Programme) -> Vec<Violation> {
        self.check_within(programme, &Keys::everything())
    }

    /// This invariant's violations whose keys are among `keys`
    /// (`rules::scope`): those a command that wrote these entities can
    /// have changed.
    pub(crate) fn check_within(self, programme: &Programme, keys: &Keys) -> Vec<Violation> {
        let mut found = Vec::new();
        let mut report = |violation: Violation| found.push(violation);
        match self {
            Invariant::ProgrammeDates => programme_dates(programme, keys, &mut report),
            Invariant::CapacitySet => capacity_set(programme, keys, &mut report),
            Invariant::PartnerOnce => partner_once(programme, keys, &mut report),
            Invariant::OrganisationKnown => organisation_known(programme, keys, &mut report),
            Invariant::PersonOnce => person_once(programme, keys, &mut report),
            Invariant::TandemMembers => tandem_members(programme, keys, &mut report),
            Invariant::TandemDates => tandem_dates(programme, keys, &mut report),
            Invariant::MembersAccepted => members_accepted(programme, keys, &mut report),
            Invariant::OneRunningTandem => one_running_tandem(programme, keys, &mut report),
            Invariant::MentorCapacity => mentor_capacity(programme, keys, &mut report),
            Invariant::AcrossOrganisations => across_organisations(programme, keys, &mut report),
            Invariant::CoMentorsUsed => co_mentors_used(programme, keys, &mut report),
            Invariant::PairFixedAndExcluded => {
                pair_fixed_and_excluded(programme, keys, &mut report)
            }
            Invariant::EventPlaces => event_places(programme, keys, &mut report),
            Invariant::EventDates => event_dates(programme, keys, &mut report),
            Invariant::KnownPeople => known_people(programme, keys, &mut report),
            Invariant::AnsweredOnce => answered_once(programme, keys, &mut report),
            Invariant::AnswersToKnownSurvey => {
                answers_to_known_survey(programme, keys, &mut report)
            }
            Invariant::OutcomeOfMentee => outcome_of_mentee(programme, keys, &mut report),
            Invariant::ConsentDates => consent_dates(programme, keys, &mut report),
            Invariant::RetentionLimit => retention_limit(programme, keys, &mut report),
            Invariant::ReceiptOnce => receipt_once(programme, keys, &mut report),
        }
        found
    }
}

/// A way to settle a violation. Most are one command as they stand; the
/// ones that need the coordinator's input (a new name, corrected dates)
/// lead to the form where it is entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Settle {
    /// Remove a tandem made by mistake.
    DissolveTandem(TandemId),
    /// End a running tandem early (the coordinator gives the reason).
    EndTandem(TandemId),
    /// Accept the person again.
    AcceptAgain(PersonId),
    /// Change the programme's rules to these.
    SetRules(Rules),
    SetDates {
        start: Day,
        end: Day,
    },
    /// Lift the fixing and the exclusion of the pair.
    ReleasePair(Pair),
    /// Keep the pair fixed (lifts the exclusion).
    FixPair(Pair),
    /// Keep the pair excluded (lifts the fixing).
    ExcludePair(Pair),
    /// Give the event this many places.
    SetEventPlaces {
        event: EventId,
        places: u32,
    },
    SetRetention(u32),
    /// Let the event end when it starts (then correct it in its form).
    EndEventAtStart(EventId),
    /// Give the partner organisation this name (the name with a number).
    RenamePartnerTo {
        partner: PartnerId,
        name: String,
    },
    /// Remove one recorded response (a second answer, or answers to a
    /// questionnaire that is gone).
    RemoveResponse(ResponseId),
    /// Clear the outcome recorded for the person at that time.
    ClearOutcome {
        person: PersonId,
        when: OutcomeWhen,
    },
    /// Remove what is recorded about someone not in the programme.
    RemoveRecordsOf(PersonId),
    /// Take the consent's withdrawal as given on the day it was given.
    WithdrawConsentOnGiven(PersonId),
    /// Take one of two entries of the same person out of the cohort.
    WithdrawDuplicate(PersonId),
    /// Correct the person's details (role, organisation, e-mail).
    EditPerson(PersonId),
    EditEvent(EventId),
    RenamePartner(PartnerId),
    EditConsent(PersonId),
    /// Nothing a command can do; the data is left out of figures and
    /// certificates, and the coordinator who sent it is asked to correct it.
    AskSender,
}

impl Settle {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            Settle::DissolveTandem(_) => "dissolve-tandem",
            Settle::EndTandem(_) => "end-tandem",
            Settle::AcceptAgain(_) => "accept-again",
            Settle::SetRules(_) => "set-rules",
            Settle::SetDates { .. } => "set-dates",
            Settle::ReleasePair(_) => "release-pair",
            Settle::FixPair(_) => "fix-pair",
            Settle::ExcludePair(_) => "exclude-pair",
            Settle::SetEventPlaces { .. } => "set-event-places",
            Settle::SetRetention(_) => "set-retention",
            Settle::EndEventAtStart(_) => "end-event-at-start",
            Settle::RenamePartnerTo { .. } => "rename-partner-to",
            Settle::RemoveResponse(_) => "remove-response",
            Settle::ClearOutcome { .. } => "clear-outcome",
            Settle::WithdrawConsentOnGiven(_) => "withdraw-consent-on-given",
            Settle::RemoveRecordsOf(_) => "remove-records-of",
            Settle::WithdrawDuplicate(_) => "withdraw-duplicate",
            Settle::EditPerson(_) => "edit-person",
            Settle::EditEvent(_) => "edit-event",
            Settle::RenamePartner(_) => "rename-partner",
            Settle::EditConsent(_) => "edit-consent",
            Settle::AskSender => "ask-sender",
        }
    }
}

/// A change that led to a violation: who made it, when, and what it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// The entity the change concerned (a person's, tandem's, event's id).
    pub subject: String,
    /// The command's code.
    pub command: String,
    /// The coordinator's name.
    pub by: String,
    /// Seconds since 1970, as the author's clock said.
    pub at: i64,
    /// The change's hash.
    pub hash: String,
}

/// One broken rule: which, who and what are involved, how many against
/// which limit, the changes that led there, and the ways to settle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub invariant: Invariant,
    pub people: Vec<PersonId>,
    pub tandems: Vec<TandemId>,
    pub events: Vec<EventId>,
    pub partners: Vec<PartnerId>,
    pub surveys: Vec<SurveyId>,
    /// How many there are, where the rule counts (tandems, people).
    pub count: Option<u32>,
    /// The limit the rule sets (capacity, places).
    pub limit: Option<u32>,
    /// The changes that led here (filled in by the document, which holds
    /// the history).
    pub causes: Vec<Cause>,
    pub settle: Vec<Settle>,
}

impl Violation {
    fn new(invariant: Invariant) -> Self {
        Self {
            invariant,
            people: Vec::new(),
            tandems: Vec::new(),
            events: Vec::new(),
            partners: Vec::new(),
            surveys: Vec::new(),
            count: None,
            limit: None,
            causes: Vec::new(),
            settle: Vec::new(),
        }
    }

    pub fn severity(&self) -> Severity {
        self.invariant.severity()
    }

    /// The ids of everything involved, as the history names subjects.
    pub fn subjects(&self) -> Vec<String> {
        let mut subjects: Vec<String> = self.people.iter().map(ToString::to_string).collect();
        subjects.extend(self.tandems.iter().map(ToString::to_string));
        subjects.extend(self.events.iter().map(ToString::to_string));
        subjects.extend(self.partners.iter().map(ToString::to_string));
        subjects.extend(self.surveys.iter().map(ToString::to_string));
        subjects
    }

    /// Whether this violation is no more than `other` (same rule, nothing
    /// involved that `other` does not involve): a command may leave a
    /// violation as it found it or make it smaller, never new or larger.
    pub fn within(&self, other: &Violation) -> bool {
        fn subset<T: PartialEq>(small: &[T], large: &[T]) -> bool {
            small.iter().all(|item| large.contains(item))
        }
        self.invariant == other.invariant
            && subset(&self.people, &other.people)
            && subset(&self.tandems, &other.tandems)
            && subset(&self.events, &other.events)
            && subset(&self.partners, &other.partners)
            && subset(&self.surveys, &other.surveys)
            && self.count.unwrap_or(0) <= other.count.unwrap_or(0)
            && match (self.limit, other.limit) {
                (Some(now), Some(before)) => now >= before,
                _ => true,
            }
    }

    /// Whether the person, tandem or event takes part in this violation.
    pub fn involves_person(&self, person: PersonId) -> bool {
        self.people.contains(&person)
    }

    pub fn involves_tandem(&self, tandem: TandemId) -> bool {
        self.tandems.contains(&tandem)
    }

    pub fn involves_event(&self, event: EventId) -> bool {
        self.events.contains(&event)
    }
}

/// Every violation of every invariant, in the order of the list and, for
/// each, of the entities' ids: the same on every replica of one state.
pub fn invariants(programme: &Programme) -> Vec<Violation> {
    Invariant::ALL
        .iter()
        .flat_map(|invariant| invariant.check(programme))
        .collect()
}

/// The violations in `after` that `before` did not have (or had smaller):
/// what a command would break.
pub fn new_violations(before: &[Violation], after: &[Violation]) -> Vec<Violation> {
    after
        .iter()
        .filter(|violation| !before.iter().any(|earlier| violation.within(earlier)))
        .cloned()
        .collect()
}

/// The first violation in `after` that `before` did not have (or had
/// smaller), if any.
pub(crate) fn first_new_violation<'a>(
    before: &[Violation],
    after: &'a [Violation],
) -> Option<&'a Violation> {
    after
        .iter()
        .find(|violation| !before.iter().any(|earlier| violation.within(earlier)))
}

/// Refuses a state that breaks an invariant the state before kept (or
/// breaks one more than it did), with the error that names the rule in
/// the coordinator's words. The rules are read whole once for `after`;
/// those of the state before (`before`) only when `after` breaks one.
pub(crate) fn keeps_invariants(
    before: impl FnOnce() -> Vec<Violation>,
    after: &Programme,
) -> Result<(), CommandError> {
    let now = invariants(after);
    if now.is_empty() {
        return Ok(());
    }
    match first_new_violation(&before(), &now) {
        None => Ok(()),
        Some(violation) => Err(refusal(after, violation)),
    }
}

/// Why a command that would break the rule is refused.
pub(crate) fn refusal(programme: &Programme, violation: &Violation) -> CommandError {
    let name = |index: usize| {
        violation
            .people
            .get(index)
            .map(|person| programme.person_name(*person).to_string())
            .unwrap_or_default()
    };
    match violation.invariant {
        Invariant::MentorCapacity => CommandError::Tandem(TandemError::MentorFull {
            name: name(0),
            capacity: violation.limit.unwrap_or(1),
        }),
        Invariant::OneRunningTandem => CommandError::Tandem(TandemError::AlreadyMatched(name(0))),
        Invariant::MembersAccepted => CommandError::People(PeopleError::InActiveTandem(name(0))),
        Invariant::CoMentorsUsed => CommandError::Tandem(TandemError::CoMentorsNotUsed),
        Invariant::EventPlaces => {
            CommandError::Calendar(CalendarError::EventFull(violation.limit.unwrap_or(0)))
        }
        Invariant::PersonOnce => CommandError::People(PeopleError::PersonTwice(name(0))),
        Invariant::CapacitySet => CommandError::Programme(ProgrammeError::CapacityZero),
        Invariant::ProgrammeDates => CommandError::EndsBeforeStart {
            start: programme.start,
            end: programme.end,
        },
        Invariant::ConsentDates => CommandError::Privacy(PrivacyError::WithdrawnBeforeGiven),
        Invariant::RetentionLimit => CommandError::Privacy(PrivacyError::RetentionTooLong),
        Invariant::EventDates => CommandError::Calendar(CalendarError::EventEndsBeforeStart),
        Invariant::OrganisationKnown => CommandError::UnknownPartner,
        Invariant::AcrossOrganisations => {
            let organisation = violation
                .partners
                .first()
                .map(|partner| programme.organisation_name(Some(*partner)).to_string());
            match organisation {
                Some(organisation) if violation.partners.len() == 1 => {
                    CommandError::Tandem(TandemError::SameOrganisation {
                        mentee: name(0),
                        mentor: name(1),
                        organisation,
                    })
                }
                _ => CommandError::Tandem(TandemError::OrganisationMissing(name(0))),
            }
        }
        other => CommandError::BreaksRule(other.code()),
    }
}

type Report<'a> = dyn FnMut(Violation) + 'a;

fn programme_dates(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    if keys.whole_programme() && programme.end < programme.start {
        let mut violation = Violation::new(Invariant::ProgrammeDates);
        violation.settle.push(Settle::SetDates {
            start: programme.end,
            end: programme.start,
        });
        report(violation);
    }
}

fn capacity_set(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    if keys.whole_programme() && programme.rules.mentor_capacity == 0 {
        let mut violation = Violation::new(Invariant::CapacitySet);
        violation.settle.push(Settle::SetRules(Rules {
            mentor_capacity: 1,
            ..programme.rules
        }));
        report(violation);
    }
}

fn partner_once(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    // Partners are few: a written partner checks them all.
    if !keys.whole_partners() {
        return;
    }
    let mut by_name: BTreeMap<String, Vec<PartnerId>> = BTreeMap::new();
    for (id, partner) in &programme.partners {
        by_name
            .entry(partner.name.to_lowercase())
            .or_default()
            .push(*id);
    }
    for partners in by_name.into_values().filter(|ids| ids.len() > 1) {
        let mut violation = Violation::new(Invariant::PartnerOnce);
        let taken: BTreeSet<String> = programme
            .partners
            .values()
            .map(|partner| partner.name.to_lowercase())
            .collect();
        for id in partners.iter().skip(1) {
            let name = &programme.partners[id].name;
            // The first free "Name (2)", "Name (3)", …
            if let Some(free) = (2..)
                .map(|n| format!("{name} ({n})"))
                .take(100)
                .find(|candidate| !taken.contains(&candidate.to_lowercase()))
            {
                violation.settle.push(Settle::RenamePartnerTo {
                    partner: *id,
                    name: free,
                });
            }
        }
        violation
            .settle
            .extend(partners.iter().map(|id| Settle::RenamePartner(*id)));
        violation.count = Some(partners.len() as u32);
        violation.partners = partners;
        report(violation);
    }
}

fn organisation_known(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let unknown = |partner: Option<PartnerId>| {
        partner.is_some_and(|partner| !programme.partners.contains_key(&partner))
    };
    let people = keys.among_people(&programme.people, keys.whole_partners());
    for (id, person) in people {
        if unknown(person.details.organisation) {
            let mut violation = Violation::new(Invariant::OrganisationKnown);
            violation.people.push(*id);
            violation.settle.push(Settle::EditPerson(*id));
            report(violation);
        }
    }
    let events = keys.among_events(&programme.events, keys.whole_partners());
    for (id, event) in events {
        let audience = match event.details.audience {
            crate::model::event::Audience::Organisation(partner) => Some(partner),
            _ => None,
        };
        if unknown(event.details.host) || unknown(audience) {
            let mut violation = Violation::new(Invariant::OrganisationKnown);
            violation.events.push(*id);
            violation.settle.push(Settle::EditEvent(*id));
            report(violation);
        }
    }
}

/// Whether the person still counts as one of the cohort's applications
/// (not withdrawn or declined), for `person-once`.
fn in_cohort(person: &Person) -> bool {
    !matches!(person.application.stage, Stage::Withdrawn | Stage::Declined)
}

fn person_once(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let mut by_key: BTreeMap<String, Vec<PersonId>> = BTreeMap::new();
    for (id, person) in &programme.people {
        if in_cohort(person) && keys.identity_of(&person.details) {
            by_key
                .entry(Person::identity_key(&person.details))
                .or_default()
                .push(*id);
        }
    }
    for people in by_key.into_values().filter(|ids| ids.len() > 1) {
        let mut violation = Violation::new(Invariant::PersonOnce);
        violation.count = Some(people.len() as u32);
        for id in &people {
            // A duplicate in a running tandem is withdrawn once the tandem
            // has ended.
            for (tandem, _) in programme.active_tandems_of(*id) {
                violation.settle.push(Settle::EndTandem(*tandem));
            }
            violation.settle.push(Settle::WithdrawDuplicate(*id));
            violation.settle.push(Settle::EditPerson(*id));
        }
        violation.people = people;
        report(violation);
    }
}

/// One receipt, one person: an application by link taken in on two
/// sides is two entries of one applicant. Withdrawing one settles it.
fn receipt_once(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let mut by_receipt: BTreeMap<crate::model::intake::Receipt, Vec<PersonId>> = BTreeMap::new();
    for (id, person) in &programme.people {
        if let Some(receipt) = person.receipt {
            if in_cohort(person) && keys.receipt(&receipt) {
                by_receipt.entry(receipt).or_default().push(*id);
            }
        }
    }
    for people in by_receipt.into_values().filter(|ids| ids.len() > 1) {
        let mut violation = Violation::new(Invariant::ReceiptOnce);
        violation.count = Some(people.len() as u32);
        for id in &people {
            for (tandem, _) in programme.active_tandems_of(*id) {
                violation.settle.push(Settle::EndTandem(*tandem));
            }
            violation.settle.push(Settle::WithdrawDuplicate(*id));
        }
        violation.people = people;
        report(violation);
    }
}

fn tandem_members(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    for (id, tandem) in keys.among_tandems(&programme.tandems, false) {
        let members = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor];
        let members: Vec<PersonId> = members.into_iter().flatten().collect();
        let distinct: BTreeSet<PersonId> = members.iter().copied().collect();
        let mut broken = distinct.len() != members.len();
        let mut wrong_role = Vec::new();
        let roles = [
            (Some(tandem.mentee), Role::Mentee),
            (Some(tandem.mentor), Role::Mentor),
            (tandem.co_mentor, Role::CoMentor),
        ];
        for (member, role) in roles {
            let Some(member) = member else { continue };
            match programme.people.get(&member) {
                None => broken = true,
                // Roles matter while the tandem runs; an ended tandem is
                // history, and a person may take another role later.
                Some(person) if tandem.is_active() && person.details.role != role => {
                    wrong_role.push(member)
                }
                Some(_) => {}
            }
        }
        if broken || !wrong_role.is_empty() {
            let mut violation = Violation::new(Invariant::TandemMembers);
            violation.tandems.push(*id);
            violation.people = distinct
                .into_iter()
                .filter(|person| programme.people.contains_key(person))
                .collect();
            violation.settle.push(Settle::DissolveTandem(*id));
            violation
                .settle
                .extend(wrong_role.into_iter().map(Settle::EditPerson));
            report(violation);
        }
    }
}

fn tandem_dates(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    for (id, tandem) in keys.among_tandems(&programme.tandems, false) {
        if tandem.planned_end < tandem.start || tandem.ended_on.is_some_and(|on| on < tandem.start)
        {
            let mut violation = Violation::new(Invariant::TandemDates);
            violation.tandems.push(*id);
            violation.settle.push(Settle::DissolveTandem(*id));
            report(violation);
        }
    }
}

fn members_accepted(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let running = keys
        .among_tandems(&programme.tandems, false)
        .filter(|(_, tandem)| tandem.is_active());
    for (id, tandem) in running {
        let members = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor];
        for member in members.into_iter().flatten() {
            let Some(person) = programme.people.get(&member) else {
                continue;
            };
            if !person.is_accepted() {
                let mut violation = Violation::new(Invariant::MembersAccepted);
                violation.tandems.push(*id);
                violation.people.push(member);
                violation.settle.push(Settle::EndTandem(*id));
                violation.settle.push(Settle::DissolveTandem(*id));
                // Withdrawn people come back only by a new application.
                if person.application.stage != Stage::Withdrawn {
                    violation.settle.push(Settle::AcceptAgain(member));
                }
                report(violation);
            }
        }
    }
}

fn one_running_tandem(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let mut by_mentee: BTreeMap<PersonId, Vec<TandemId>> = BTreeMap::new();
    for (id, tandem) in programme.active_tandems() {
        if keys.person(&tandem.mentee) {
            by_mentee.entry(tandem.mentee).or_default().push(*id);
        }
    }
    for (mentee, tandems) in by_mentee {
        if tandems.len() > 1 {
            let mut violation = Violation::new(Invariant::OneRunningTandem);
            violation.people.push(mentee);
            violation.count = Some(tandems.len() as u32);
            violation.limit = Some(1);
            for id in &tandems {
                violation.settle.push(Settle::DissolveTandem(*id));
                violation.settle.push(Settle::EndTandem(*id));
            }
            violation.tandems = tandems;
            report(violation);
        }
    }
}

fn mentor_capacity(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let mut by_mentor: BTreeMap<PersonId, Vec<TandemId>> = BTreeMap::new();
    // The rules' capacity reaches every mentor.
    let counted = |mentor: &PersonId| keys.whole_programme() || keys.person(mentor);
    for (id, tandem) in programme.active_tandems() {
        if counted(&tandem.mentor) {
            by_mentor.entry(tandem.mentor).or_default().push(*id);
        }
        // A co-mentor, like a mentor, takes as many tandems as the
        // programme's capacity allows.
        if let Some(co_mentor) = tandem.co_mentor.filter(counted) {
            by_mentor.entry(co_mentor).or_default().push(*id);
        }
    }
    let capacity = programme.rules.mentor_capacity.max(1);
    for (mentor, tandems) in by_mentor {
        if tandems.len() > capacity as usize {
            let mut violation = Violation::new(Invariant::MentorCapacity);
            violation.people.push(mentor);
            violation.count = Some(tandems.len() as u32);
            violation.limit = Some(capacity);
            for id in &tandems {
                violation.settle.push(Settle::DissolveTandem(*id));
                violation.settle.push(Settle::EndTandem(*id));
            }
            violation.settle.push(Settle::SetRules(Rules {
                mentor_capacity: tandems.len() as u32,
                ..programme.rules
            }));
            violation.tandems = tandems;
            report(violation);
        }
    }
}

fn across_organisations(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    if !programme.rules.different_organisations {
        return;
    }
    let organisation = |person: PersonId| {
        programme
            .people
            .get(&person)
            .and_then(|person| person.details.organisation)
    };
    let tandems = keys
        .among_tandems(&programme.tandems, keys.whole_programme())
        .filter(|(_, tandem)| tandem.is_active());
    for (id, tandem) in tandems {
        // A tandem naming someone not in the programme is `tandem-members`.
        if !programme.people.contains_key(&tandem.mentee)
            || !programme.people.contains_key(&tandem.mentor)
        {
            continue;
        }
        let (mentee, mentor) = (organisation(tandem.mentee), organisation(tandem.mentor));
        if mentee.is_none() || mentor.is_none() || mentee == mentor {
            let mut violation = Violation::new(Invariant::AcrossOrganisations);
            violation.tandems.push(*id);
            violation.people = vec![tandem.mentee, tandem.mentor];
            violation.partners = mentee.into_iter().chain(mentor).collect();
            violation.partners.dedup();
            violation.settle.push(Settle::DissolveTandem(*id));
            violation.settle.push(Settle::EndTandem(*id));
            violation.settle.push(Settle::SetRules(Rules {
                different_organisations: false,
                ..programme.rules
            }));
            report(violation);
        }
    }
}

fn co_mentors_used(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    if programme.rules.co_mentors {
        return;
    }
    let tandems = keys
        .among_tandems(&programme.tandems, keys.whole_programme())
        .filter(|(_, tandem)| tandem.is_active());
    for (id, tandem) in tandems {
        if let Some(co_mentor) = tandem.co_mentor {
            let mut violation = Violation::new(Invariant::CoMentorsUsed);
            violation.tandems.push(*id);
            violation.people.push(co_mentor);
            violation.settle.push(Settle::SetRules(Rules {
                co_mentors: true,
                ..programme.rules
            }));
            violation.settle.push(Settle::EndTandem(*id));
            report(violation);
        }
    }
}

fn pair_fixed_and_excluded(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let fixed = programme
        .fixed_pairs
        .iter()
        .filter(|(mentee, mentor)| keys.person(mentee) || keys.person(mentor));
    for (mentee, mentor) in fixed {
        let pair = Pair {
            mentee: *mentee,
            mentor: *mentor,
        };
        if programme.excluded_pairs.contains_key(&pair) {
            let mut violation = Violation::new(Invariant::PairFixedAndExcluded);
            violation.people = vec![*mentee, *mentor];
            violation.settle = vec![
                Settle::FixPair(pair),
                Settle::ExcludePair(pair),
                Settle::ReleasePair(pair),
            ];
            report(violation);
        }
    }
}

fn event_places(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    for (id, event) in keys.among_events(&programme.events, false) {
        let Some(capacity) = event.details.capacity else {
            continue;
        };
        // People who came are recorded even beyond the places (they were
        // there); registrations are what the places limit.
        let taken = event
            .attendance
            .values()
            .filter(|entry| entry.status == crate::model::event::AttendanceStatus::Registered)
            .count();
        if taken > capacity as usize {
            let mut violation = Violation::new(Invariant::EventPlaces);
            violation.events.push(*id);
            violation.count = Some(taken as u32);
            violation.limit = Some(capacity);
            violation.settle.push(Settle::SetEventPlaces {
                event: *id,
                places: taken as u32,
            });
            report(violation);
        }
    }
}

fn event_dates(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    for (id, event) in keys.among_events(&programme.events, false) {
        let details = &event.details;
        if (details.end_day, details.end_time) < (details.start_day, details.start_time) {
            let mut violation = Violation::new(Invariant::EventDates);
            violation.events.push(*id);
            violation.settle.push(Settle::EndEventAtStart(*id));
            violation.settle.push(Settle::EditEvent(*id));
            report(violation);
        }
    }
}

fn known_people(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    // One violation for the whole programme. A command adds people and
    // records only about people the programme knows, so this can only
    // shrink unless a written record names someone unknown (`Keys`).
    if !keys.whole_records() {
        return;
    }
    let known = |person: &PersonId| programme.people.contains_key(person);
    let mut unknown: BTreeSet<PersonId> = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut surveys = BTreeSet::new();
    for (id, event) in &programme.events {
        for person in event.attendance.keys().filter(|person| !known(person)) {
            unknown.insert(*person);
            events.insert(*id);
        }
    }
    let keyed = programme
        .certificate_grants
        .keys()
        .chain(programme.consents.keys())
        .chain(programme.outcomes.keys())
        .chain(programme.fixed_pairs.keys())
        .chain(programme.fixed_pairs.values())
        .chain(programme.excluded_pairs.keys().map(|pair| &pair.mentee))
        .chain(programme.excluded_pairs.keys().map(|pair| &pair.mentor));
    unknown.extend(keyed.filter(|person| !known(person)));
    for response in programme.survey_responses.values() {
        if let Some(person) = response.person.filter(|person| !known(person)) {
            unknown.insert(person);
            surveys.insert(response.survey);
        }
    }
    if !unknown.is_empty() {
        let mut violation = Violation::new(Invariant::KnownPeople);
        violation.count = Some(unknown.len() as u32);
        violation.settle = unknown
            .iter()
            .copied()
            .map(Settle::RemoveRecordsOf)
            .collect();
        violation.settle.push(Settle::AskSender);
        violation.people = unknown.into_iter().collect();
        violation.events = events.into_iter().collect();
        violation.surveys = surveys.into_iter().collect();
        report(violation);
    }
}

fn answered_once(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let mut answers: BTreeMap<(SurveyId, PersonId), Vec<(Day, ResponseId)>> = BTreeMap::new();
    let responses = programme
        .survey_responses
        .iter()
        .filter(|(_, response)| keys.survey(&response.survey));
    for (id, response) in responses {
        if let Some(person) = response.person {
            answers
                .entry((response.survey, person))
                .or_default()
                .push((response.on, *id));
        }
    }
    for ((survey, person), mut responses) in answers {
        if responses.len() > 1 {
            responses.sort();
            let mut violation = Violation::new(Invariant::AnsweredOnce);
            violation.people.push(person);
            violation.surveys.push(survey);
            violation.count = Some(responses.len() as u32);
            violation.limit = Some(1);
            // The first answer stays; the later ones can go.
            violation.settle = responses
                .iter()
                .skip(1)
                .map(|(_, id)| Settle::RemoveResponse(*id))
                .collect();
            report(violation);
        }
    }
}

fn answers_to_known_survey(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let orphaned: BTreeSet<SurveyId> = programme
        .survey_responses
        .values()
        .map(|response| response.survey)
        .filter(|survey| keys.survey(survey) && !programme.surveys.contains_key(survey))
        .collect();
    for survey in orphaned {
        let mut violation = Violation::new(Invariant::AnswersToKnownSurvey);
        violation.surveys.push(survey);
        let responses: Vec<ResponseId> = programme
            .survey_responses
            .iter()
            .filter(|(_, response)| response.survey == survey)
            .map(|(id, _)| *id)
            .collect();
        violation.count = Some(responses.len() as u32);
        violation.settle = responses.into_iter().map(Settle::RemoveResponse).collect();
        report(violation);
    }
}

fn outcome_of_mentee(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    let outcomes = keys.among_people(&programme.outcomes, false);
    for (person, outcomes) in outcomes {
        let Some(someone) = programme.people.get(person) else {
            continue;
        };
        let recorded: Vec<OutcomeWhen> = [
            (OutcomeWhen::End, &outcomes.end),
            (OutcomeWhen::AfterSixMonths, &outcomes.after_6_months),
            (OutcomeWhen::AfterTwelveMonths, &outcomes.after_12_months),
        ]
        .into_iter()
        .filter(|(_, outcome)| outcome.is_some())
        .map(|(when, _)| when)
        .collect();
        if !recorded.is_empty() && someone.details.role != Role::Mentee {
            let mut violation = Violation::new(Invariant::OutcomeOfMentee);
            violation.people.push(*person);
            violation.count = Some(recorded.len() as u32);
            for when in recorded {
                violation.settle.push(Settle::ClearOutcome {
                    person: *person,
                    when,
                });
            }
            violation.settle.push(Settle::EditPerson(*person));
            report(violation);
        }
    }
}

fn consent_dates(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    for (person, consent) in keys.among_people(&programme.consents, false) {
        if consent.withdrawn_on.is_some_and(|on| on < consent.given_on) {
            let mut violation = Violation::new(Invariant::ConsentDates);
            violation.people.push(*person);
            violation
                .settle
                .push(Settle::WithdrawConsentOnGiven(*person));
            violation.settle.push(Settle::EditConsent(*person));
            report(violation);
        }
    }
}

fn retention_limit(programme: &Programme, keys: &Keys, report: &mut Report<'_>) {
    if let Some(months) = programme
        .retention_months
        .filter(|months| keys.whole_retention() && *months > MAX_RETENTION_MONTHS)
    {
        let mut violation = Violation::new(Invariant::RetentionLimit);
        violation.count = Some(months);
        violation.limit = Some(MAX_RETENTION_MONTHS);
        violation
            .settle
            .push(Settle::SetRetention(MAX_RETENTION_MONTHS));
        report(violation);
    }
}
