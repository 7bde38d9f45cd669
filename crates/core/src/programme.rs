//! The programme: one run of a mentoring scheme, with its partner
//! organisations. This is the shape of the whole Automerge document.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use crate::{Day, PartnerId, ProgrammeId};

/// What kind of mentoring scheme a programme runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Reconcile, Hydrate)]
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

impl ProgrammeKind {
    /// Every kind, in the order the app offers them.
    pub const ALL: [ProgrammeKind; 4] = [
        ProgrammeKind::CrossMentoring,
        ProgrammeKind::WithinOrganisation,
        ProgrammeKind::Political,
        ProgrammeKind::QualificationCourse,
    ];

    /// A stable name for forms and translations.
    pub fn code(self) -> &'static str {
        match self {
            ProgrammeKind::CrossMentoring => "cross-mentoring",
            ProgrammeKind::WithinOrganisation => "within-organisation",
            ProgrammeKind::Political => "political",
            ProgrammeKind::QualificationCourse => "qualification-course",
        }
    }

    /// The kind with the given [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// A city, district, administration or party branch taking part.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Partner {
    pub name: String,
}

/// A whole programme as the document holds it.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Programme {
    pub id: ProgrammeId,
    pub name: String,
    pub kind: ProgrammeKind,
    pub start: Day,
    pub end: Day,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub partners: BTreeMap<PartnerId, Partner>,
}

impl Programme {
    /// The partner organisations' names, sorted as a reader expects.
    pub fn partner_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.partners.values().map(|p| p.name.as_str()).collect();
        names.sort_by_key(|name| name.to_lowercase());
        names
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
