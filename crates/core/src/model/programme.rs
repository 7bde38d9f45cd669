//! The programme: one run of a mentoring scheme, with its partner
//! organisations, rules, people and tandems. This is the shape of the whole
//! Automerge document.

use std::collections::{BTreeMap, BTreeSet};

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId, ProgrammeId, TandemId};
use crate::model::person::{Person, Role, Stage};
use crate::model::tandem::Tandem;
use crate::model::weights::{MatchingWeights, Pair};

/// What kind of mentoring scheme a programme runs.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum ProgrammeKind {
    /// Mentees and mentors from different organisations (cities, administrations).
    CrossMentoring,
    /// Mentoring inside one organisation.
    WithinOrganisation,
    /// Political mentoring: mentees shadow experienced members.
    Political,
    /// A qualification course with hours and a certificate.
    QualificationCourse,
}

coded_enum! {
    ProgrammeKind {
        CrossMentoring => "cross-mentoring",
        WithinOrganisation => "within-organisation",
        Political => "political",
        QualificationCourse => "qualification-course",
    }
}

/// The programme's rules for tandems.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct Rules {
    /// Mentee and mentor must come from different organisations, so that
    /// there is no line of authority between them.
    pub different_organisations: bool,
    /// How many mentees one mentor takes at a time.
    pub mentor_capacity: u32,
    /// Whether tandems may have a co-mentor (often a politician's staff).
    pub co_mentors: bool,
}

impl Rules {
    /// The usual rules for a kind of programme.
    pub fn for_kind(kind: ProgrammeKind) -> Self {
        Self {
            different_organisations: kind == ProgrammeKind::CrossMentoring,
            mentor_capacity: 1,
            co_mentors: kind == ProgrammeKind::Political,
        }
    }
}

/// Someone participants can turn to.
#[derive(
    Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct ContactPoint {
    pub name: String,
    pub email: String,
    pub phone: String,
}

/// A city, district, administration or party branch taking part.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Partner {
    pub name: String,
    /// The coordinator for this organisation.
    #[autosurgeon(missing = "Option::default")]
    pub coordinator: Option<ContactPoint>,
}

/// Where a person stands, as the dashboard and the people table count it:
/// their application stage, with accepted people in an active tandem
/// counted as matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Standing {
    Applied,
    Interviewed,
    Accepted,
    Matched,
    Waitlisted,
    Declined,
    Withdrawn,
}

coded_enum! {
    Standing {
        Applied => "applied",
        Interviewed => "interviewed",
        Accepted => "accepted",
        Matched => "matched",
        Waitlisted => "waitlisted",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

/// A whole programme as the document holds it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: String,
    pub kind: ProgrammeKind,
    pub start: Day,
    pub end: Day,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub partners: BTreeMap<PartnerId, Partner>,
    pub rules: Rules,
    /// The confidential contact for discrimination complaints, shown to every
    /// participant.
    pub complaints_contact: Option<ContactPoint>,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub people: BTreeMap<PersonId, Person>,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub tandems: BTreeMap<TandemId, Tandem>,
    /// How much each criterion counts when tandems are suggested.
    #[autosurgeon(missing = "Default::default")]
    pub matching_weights: MatchingWeights,
    /// Pairs a coordinator fixed for the suggestions: mentee → mentor.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub fixed_pairs: BTreeMap<PersonId, PersonId>,
    /// Pairs a coordinator excluded from the suggestions.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub excluded_pairs: BTreeMap<Pair, bool>,
    /// The programme's events: the calendar, with attendance.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub events: BTreeMap<crate::model::ids::EventId, crate::model::event::Event>,
    /// What a participant must have done for the certificate.
    #[autosurgeon(missing = "Default::default")]
    pub completion: crate::model::completion::CompletionRules,
    /// Certificates issued against the rules, by person.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub certificate_grants: BTreeMap<PersonId, crate::model::completion::CertificateGrant>,
    /// How often a tandem is expected to meet, in days (none: monthly).
    #[autosurgeon(missing = "Option::default")]
    pub contact_rhythm_days: Option<u32>,
    /// The programme's questionnaires.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub surveys: BTreeMap<crate::model::ids::SurveyId, crate::model::survey::Survey>,
    /// Answers to the questionnaires; anonymous parts without the person.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub survey_responses:
        BTreeMap<crate::model::ids::ResponseId, crate::model::survey::SurveyResponse>,
    /// What mentees reached, at the end and at follow-ups.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub outcomes: BTreeMap<PersonId, crate::model::outcome::MenteeOutcomes>,
    /// What each person agreed to, and when and how.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    pub consents: BTreeMap<PersonId, crate::model::consent::ConsentRecord>,
    /// Months after the programme's end that personal data is kept.
    #[autosurgeon(missing = "Option::default")]
    pub retention_months: Option<u32>,
    /// The application form published by link, with its secrets.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub intake: Option<crate::model::intake::IntakeForm>,
    /// What became of each application that came in by link, by receipt.
    #[autosurgeon(
        missing = "Default::default",
        with = "autosurgeon::map_with_parseable_keys"
    )]
    #[serde(default)]
    pub intake_receipts: BTreeMap<crate::model::intake::Receipt, crate::model::intake::ReceiptNote>,
}

impl Programme {
    /// The partner organisations' names, sorted as a reader expects.
    pub fn partner_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.partners.values().map(|p| p.name.as_str()).collect();
        names.sort_by_key(|name| name.to_lowercase());
        names
    }

    /// The partner organisations, sorted by name.
    pub fn partners_sorted(&self) -> Vec<(PartnerId, &Partner)> {
        let mut partners: Vec<(PartnerId, &Partner)> =
            self.partners.iter().map(|(id, p)| (*id, p)).collect();
        partners.sort_by_key(|(_, partner)| partner.name.to_lowercase());
        partners
    }

    /// The partner with this name, compared as people write names (case and
    /// spacing do not matter).
    pub fn partner_named(&self, name: &str) -> Option<PartnerId> {
        let wanted = normalise(name);
        self.partners
            .iter()
            .find(|(_, partner)| normalise(&partner.name) == wanted)
            .map(|(id, _)| *id)
    }

    /// The name of an organisation, or an empty text for none.
    pub fn organisation_name(&self, organisation: Option<PartnerId>) -> &str {
        organisation
            .and_then(|id| self.partners.get(&id))
            .map(|partner| partner.name.as_str())
            .unwrap_or("")
    }

    /// The tandems that are running.
    pub fn active_tandems(&self) -> impl Iterator<Item = (&TandemId, &Tandem)> {
        self.tandems.iter().filter(|(_, tandem)| tandem.is_active())
    }

    /// The running tandems a person is in.
    pub fn active_tandems_of(
        &self,
        person: PersonId,
    ) -> impl Iterator<Item = (&TandemId, &Tandem)> {
        self.active_tandems()
            .filter(move |(_, tandem)| tandem.includes(person))
    }

    /// Every tandem a person is or was in.
    pub fn tandems_of(&self, person: PersonId) -> impl Iterator<Item = (&TandemId, &Tandem)> {
        self.tandems
            .iter()
            .filter(move |(_, tandem)| tandem.includes(person))
    }

    /// Where a person stands.
    pub fn standing(&self, id: PersonId) -> Option<Standing> {
        let person = self.people.get(&id)?;
        let matched = person.application.stage == Stage::Accepted
            && self.active_tandems_of(id).next().is_some();
        Some(standing_of(person.application.stage, matched))
    }

    /// Where everyone stands, from one pass over the tandems: for lists of
    /// many people, where asking [`standing`](Self::standing) for each
    /// would go through every tandem once per person.
    pub fn standings(&self) -> BTreeMap<PersonId, Standing> {
        let matched: BTreeSet<PersonId> = self
            .active_tandems()
            .flat_map(|(_, tandem)| [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor])
            .flatten()
            .collect();
        self.people
            .iter()
            .map(|(id, person)| {
                let stage = person.application.stage;
                (*id, standing_of(stage, matched.contains(id)))
            })
            .collect()
    }

    /// The person's name, or an empty text if they are not (any more) here.
    pub fn person_name(&self, id: PersonId) -> &str {
        self.people
            .get(&id)
            .map(|person| person.details.name.as_str())
            .unwrap_or("")
    }

    /// Accepted people of a role, sorted by name: who can go into a tandem.
    pub fn accepted(&self, role: Role) -> Vec<(PersonId, &Person)> {
        let mut people: Vec<(PersonId, &Person)> = self
            .people
            .iter()
            .filter(|(_, person)| person.details.role == role && person.is_accepted())
            .map(|(id, person)| (*id, person))
            .collect();
        people.sort_by_key(|(_, person)| person.details.name.to_lowercase());
        people
    }

    /// What the list of programmes shows of this one.
    pub fn summary(&self) -> ProgrammeSummary {
        ProgrammeSummary {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind,
            start: self.start,
            end: self.end,
            partners: self.partner_names().into_iter().map(String::from).collect(),
        }
    }
}

pub(crate) fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One line in the list of programmes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSummary {
    pub id: ProgrammeId,
    pub name: String,
    pub kind: ProgrammeKind,
    pub start: Day,
    pub end: Day,
    pub partners: Vec<String>,
}

/// Where someone at `stage` of their application stands; `matched`: they
/// are in a running tandem.
fn standing_of(stage: Stage, matched: bool) -> Standing {
    match stage {
        Stage::Applied => Standing::Applied,
        Stage::Interviewed => Standing::Interviewed,
        Stage::Accepted if matched => Standing::Matched,
        Stage::Accepted => Standing::Accepted,
        Stage::Waitlisted => Standing::Waitlisted,
        Stage::Declined => Standing::Declined,
        Stage::Withdrawn => Standing::Withdrawn,
    }
}
