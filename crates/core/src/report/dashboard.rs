//! The programme dashboard's figures: who is where, per organisation, and
//! what needs a coordinator's attention, the programme's broken rules
//! first, by severity.

use std::collections::BTreeMap;

use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId};
use crate::model::person::{Role, Stage};
use crate::model::programme::{Programme, Standing};
use crate::model::tandem::TandemStatus;
use crate::rules::invariants::{invariants, Violation};

/// Counts for one organisation (or, for people without one, `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrganisationCounts {
    pub organisation: Option<PartnerId>,
    pub name: String,
    pub by_role: BTreeMap<Role, usize>,
    pub by_standing: BTreeMap<Standing, usize>,
}

impl OrganisationCounts {
    /// People of a role.
    pub fn role(&self, role: Role) -> usize {
        self.by_role.get(&role).copied().unwrap_or(0)
    }

    /// People who stand where `standing` says.
    pub fn standing(&self, standing: Standing) -> usize {
        self.by_standing.get(&standing).copied().unwrap_or(0)
    }

    /// Everyone counted here.
    pub fn people(&self) -> usize {
        self.by_role.values().sum()
    }
}

/// Something a coordinator should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attention {
    /// Applied, but the getting-to-know interview has not been held.
    InterviewNotHeld {
        person: PersonId,
        name: String,
        applied_on: Option<Day>,
    },
    /// Accepted, but in no running tandem.
    AcceptedWithoutTandem {
        person: PersonId,
        name: String,
        role: Role,
    },
}

/// The dashboard of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dashboard {
    /// One row per partner organisation, sorted by name, then a row for
    /// people without an organisation if there are any.
    pub organisations: Vec<OrganisationCounts>,
    pub totals: OrganisationCounts,
    pub tandems: BTreeMap<&'static str, usize>,
    pub attention: Vec<Attention>,
    /// The programme's broken rules (`rules::invariants`), most urgent
    /// first: they need attention before anything else.
    pub violations: Vec<Violation>,
}

impl Dashboard {
    /// The figures of a programme as it stands.
    pub fn of(programme: &Programme) -> Self {
        let mut rows: Vec<OrganisationCounts> = programme
            .partners_sorted()
            .into_iter()
            .map(|(id, partner)| OrganisationCounts {
                organisation: Some(id),
                name: partner.name.clone(),
                ..Default::default()
            })
            .collect();
        let mut without = OrganisationCounts::default();
        let mut totals = OrganisationCounts::default();
        let mut attention = Vec::new();

        let standings = programme.standings();
        for (id, person) in &programme.people {
            let Some(&standing) = standings.get(id) else {
                continue;
            };
            let role = person.details.role;
            let row = match person.details.organisation {
                Some(organisation) => rows
                    .iter_mut()
                    .find(|row| row.organisation == Some(organisation))
                    .unwrap_or(&mut without),
                None => &mut without,
            };
            for counts in [row, &mut totals] {
                *counts.by_role.entry(role).or_default() += 1;
                *counts.by_standing.entry(standing).or_default() += 1;
            }
            match standing {
                Standing::Applied if person.application.stage == Stage::Applied => {
                    attention.push(Attention::InterviewNotHeld {
                        person: *id,
                        name: person.details.name.clone(),
                        applied_on: person.application.applied_on,
                    })
                }
                Standing::Accepted if role != Role::CoMentor => {
                    attention.push(Attention::AcceptedWithoutTandem {
                        person: *id,
                        name: person.details.name.clone(),
                        role,
                    })
                }
                _ => {}
            }
        }
        if without.people() > 0 {
            rows.push(without);
        }
        attention.sort_by_key(|item| match item {
            Attention::InterviewNotHeld {
                applied_on, name, ..
            } => (0, *applied_on, name.to_lowercase()),
            Attention::AcceptedWithoutTandem { name, .. } => {
                (1, Some(programme.start), name.to_lowercase())
            }
        });

        let mut tandems = BTreeMap::new();
        for status in TandemStatus::ALL {
            tandems.insert(status.code(), 0);
        }
        for tandem in programme.tandems.values() {
            *tandems.entry(tandem.status.code()).or_default() += 1;
        }
        let mut violations = invariants(programme);
        // Stable: within one severity, in the order of the list of rules.
        violations.sort_by_key(Violation::severity);
        Self {
            organisations: rows,
            totals,
            tandems,
            attention,
            violations,
        }
    }
}
