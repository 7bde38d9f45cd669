//! Completion: what a participant must have done to receive the certificate
//! of participation, and for every participant which rules are met and
//! what is missing.
//!
//! The rules are the programme's own (set by its coordinators): at least so
//! many course hours, at least so many events of a kind (2 of 3 seminars),
//! a completed tandem, the closing ceremony attended. Only attendance at
//! events that took place counts; a cancelled event's hours drop out. A
//! person is measured in the role they have now, with every event they
//! attended counting whatever their role was then. A coordinator may issue
//! the certificate against the rules, with a reason that is recorded.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::event::EventKind;
use crate::model::ids::{EventId, PersonId};
use crate::model::person::Role;
use crate::model::programme::{Programme, ProgrammeKind};

/// Most events of one kind a rule can ask for.
pub const MAX_EVENTS_REQUIRED: u32 = 100;

/// A programme's rules for the certificate. Every rule left at zero or off
/// is not asked for.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct CompletionRules {
    /// Course time a participant needs, in minutes.
    pub min_minutes: u32,
    /// At least this many events of a kind, by the kind's code
    /// (`seminar` → 2).
    pub events_of_kind: BTreeMap<String, u32>,
    /// The participant's tandem ran its course.
    pub tandem_completed: bool,
    /// The participant attended the closing ceremony.
    pub closing_ceremony: bool,
}

impl CompletionRules {
    /// The usual rules for a kind of programme: a qualification course
    /// asks for 40 hours; mentoring programmes for a completed tandem.
    pub fn for_kind(kind: ProgrammeKind) -> Self {
        match kind {
            ProgrammeKind::QualificationCourse => Self {
                min_minutes: 40 * 60,
                ..Self::default()
            },
            _ => Self {
                tandem_completed: true,
                ..Self::default()
            },
        }
    }

    /// The events-of-a-kind rules, with kinds this version knows.
    pub fn kind_minimums(&self) -> Vec<(EventKind, u32)> {
        let mut minimums: Vec<(EventKind, u32)> = self
            .events_of_kind
            .iter()
            .filter_map(|(code, needed)| Some((EventKind::from_code(code)?, *needed)))
            .filter(|(_, needed)| *needed > 0)
            .collect();
        minimums.sort();
        minimums
    }
}

/// A certificate issued against the rules: who decided it, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct CertificateGrant {
    /// The coordinator's id.
    pub by: String,
    /// The coordinator's name at the time.
    pub by_name: String,
    pub on: Day,
    pub reason: String,
}

/// One rule of the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Hours,
    EventsOfKind(EventKind),
    TandemCompleted,
    ClosingCeremony,
}

impl Requirement {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            Requirement::Hours => "hours",
            Requirement::EventsOfKind(_) => "events-of-kind",
            Requirement::TandemCompleted => "tandem-completed",
            Requirement::ClosingCeremony => "closing-ceremony",
        }
    }
}

/// How one participant stands against one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCheck {
    pub requirement: Requirement,
    /// What the person has: minutes for the hours rule, events for an
    /// events rule, 1 or 0 for the others.
    pub have: u32,
    /// What the rule asks.
    pub needed: u32,
    /// For an events rule: how many such events (not cancelled) are planned
    /// for the person. Zero means the rule does not concern them (a
    /// seminar series only for mentees, and the person is a mentor).
    pub offered: u32,
    pub met: bool,
}

impl RuleCheck {
    /// What is missing: minutes, events, or 1 for a yes/no rule.
    pub fn missing(&self) -> u32 {
        self.needed.saturating_sub(self.have)
    }
}

/// One participant against the programme's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub person: PersonId,
    pub role: Role,
    /// Course minutes credited from events that took place.
    pub minutes: u32,
    /// Events attended that took place, in the order they took place.
    pub attended: Vec<EventId>,
    pub checks: Vec<RuleCheck>,
    /// The certificate issued against the rules, if it was.
    pub grant: Option<CertificateGrant>,
}

impl Completion {
    /// Whether every rule is met.
    pub fn meets_rules(&self) -> bool {
        self.checks.iter().all(|check| check.met)
    }

    /// Whether the person receives a certificate: by the rules, or issued
    /// against them.
    pub fn certificate_due(&self) -> bool {
        self.meets_rules() || self.grant.is_some()
    }

    /// The rules not met yet.
    pub fn missing(&self) -> impl Iterator<Item = &RuleCheck> {
        self.checks.iter().filter(|check| !check.met)
    }
}

impl Programme {
    /// Participants measured against the rules: accepted people, by name.
    pub fn completions(&self) -> Vec<Completion> {
        let mut people: Vec<(PersonId, &str)> = self
            .people
            .iter()
            .filter(|(_, person)| person.is_accepted())
            .map(|(id, person)| (*id, person.details.name.as_str()))
            .collect();
        people.sort_by_key(|(_, name)| name.to_lowercase());
        people
            .into_iter()
            .filter_map(|(id, _)| self.completion_of(id))
            .collect()
    }

    /// How one person stands against the rules, if they are in the programme.
    pub fn completion_of(&self, id: PersonId) -> Option<Completion> {
        let person = self.people.get(&id)?;
        let events = self.events_in_order();
        let mut minutes = 0u32;
        let mut attended = Vec::new();
        let mut attended_by_kind: BTreeMap<EventKind, u32> = BTreeMap::new();
        for (event_id, event) in &events {
            if event.attended_by(id) {
                minutes = minutes.saturating_add(event.credited_minutes(id));
                attended.push(*event_id);
                *attended_by_kind.entry(event.details.kind).or_default() += 1;
            }
        }
        let offered = |kind: EventKind| -> u32 {
            events
                .iter()
                .filter(|(_, event)| {
                    event.details.kind == kind
                        && !event.cancelled
                        && (event.details.audience.includes(person)
                            || event.attendance.contains_key(&id))
                })
                .count() as u32
        };
        let rules = &self.completion;
        let mut checks = Vec::new();
        if rules.min_minutes > 0 {
            checks.push(RuleCheck {
                requirement: Requirement::Hours,
                have: minutes,
                needed: rules.min_minutes,
                offered: 0,
                met: minutes >= rules.min_minutes,
            });
        }
        for (kind, needed) in rules.kind_minimums() {
            let have = attended_by_kind.get(&kind).copied().unwrap_or(0);
            let offered = offered(kind);
            checks.push(RuleCheck {
                requirement: Requirement::EventsOfKind(kind),
                have,
                needed,
                offered,
                // Events of this kind not meant for the person's role or
                // organisation cannot be asked of them.
                met: have >= needed || offered == 0,
            });
        }
        if rules.tandem_completed {
            let completed = self
                .tandems_of(id)
                .any(|(_, tandem)| tandem.status == crate::model::tandem::TandemStatus::Completed);
            checks.push(RuleCheck {
                requirement: Requirement::TandemCompleted,
                have: u32::from(completed),
                needed: 1,
                offered: 0,
                met: completed,
            });
        }
        if rules.closing_ceremony {
            let have = attended_by_kind
                .get(&EventKind::ClosingCeremony)
                .copied()
                .unwrap_or(0)
                .min(1);
            checks.push(RuleCheck {
                requirement: Requirement::ClosingCeremony,
                have,
                needed: 1,
                offered: offered(EventKind::ClosingCeremony),
                met: have >= 1,
            });
        }
        Some(Completion {
            person: id,
            role: person.details.role,
            minutes,
            attended,
            checks,
            grant: self.certificate_grants.get(&id).cloned(),
        })
    }
}
