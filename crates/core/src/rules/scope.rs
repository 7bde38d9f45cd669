//! What one command can affect: the entities it wrote, and the keys of
//! the invariants those entities reach.
//!
//! A command writes one entity or a few; checking all 21 invariants over
//! 2,000 people and 1,000 tandems for each keystroke's save costs more than
//! the write itself. So a command's check evaluates each invariant only for
//! the keys the written entities reach (the tandems a person is in, the
//! mentee and mentors of a tandem, the identity a person's e-mail gives, …),
//! on the state before and on the state it would produce. A violation whose
//! key is not reached reads the same data in both states, so it is the same
//! violation before and after and cannot be new: the scoped check refuses
//! exactly what the whole check refuses (`tests/invariants_scoped.rs`
//! compares the two on random commands and merged states).
//!
//! Keys are gathered from both states: a tandem that moves from one mentor
//! to another reaches both mentors' capacity. Reaching a key too many is
//! harmless (its violation is computed in both states alike); one too few
//! would miss a broken rule.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::ids::{EventId, PersonId, SurveyId, TandemId};
use crate::model::intake::Receipt;
use crate::model::person::{Person, PersonDetails};
use crate::model::programme::Programme;

/// The keys a command's check covers.
#[derive(Debug, Default, Clone)]
pub(crate) struct Keys {
    /// Every key of every invariant (a command that rewrites much).
    pub everything: bool,
    /// The programme's dates and rules: the invariants of the whole
    /// programme, and those its rules decide for every tandem.
    pub programme: bool,
    pub retention: bool,
    /// A partner organisation: names and who refers to one.
    pub partners: bool,
    /// A record naming a person not (or no longer) in the programme was
    /// written: `known-people` is checked whole.
    pub records_of_unknown: bool,
    pub people: BTreeSet<PersonId>,
    pub tandems: BTreeSet<TandemId>,
    pub events: BTreeSet<EventId>,
    pub surveys: BTreeSet<SurveyId>,
    /// Who a person is for `person-once` (e-mail or name).
    pub identities: BTreeSet<String>,
    /// The receipts of applications by link people carry, for
    /// `receipt-once`.
    pub receipts: BTreeSet<Receipt>,
}

impl Keys {
    pub(crate) fn everything() -> Self {
        Self {
            everything: true,
            ..Self::default()
        }
    }

    /// People written: their own checks, the tandems they are in, the
    /// identity their details give.
    pub(crate) fn add_people(&mut self, programme: &Programme, ids: &[PersonId]) {
        for id in ids {
            self.people.insert(*id);
            if let Some(person) = programme.people.get(id) {
                self.identities
                    .insert(Person::identity_key(&person.details));
                self.receipts.extend(person.receipt);
            }
        }
        for (tandem_id, tandem) in &programme.tandems {
            if ids.iter().any(|id| tandem.includes(*id)) {
                self.tandems.insert(*tandem_id);
            }
        }
    }

    /// Tandems written: their own checks, the mentee's and mentors'
    /// counts of running tandems, and the members' duplicates (whose ways
    /// to settle name their running tandems).
    pub(crate) fn add_tandems(&mut self, programme: &Programme, ids: &[TandemId]) {
        for id in ids {
            self.tandems.insert(*id);
            if let Some(tandem) = programme.tandems.get(id) {
                let members = [Some(tandem.mentee), Some(tandem.mentor), tandem.co_mentor];
                for member in members.into_iter().flatten() {
                    self.people.insert(member);
                    if let Some(person) = programme.people.get(&member) {
                        self.identities
                            .insert(Person::identity_key(&person.details));
                    }
                }
            }
        }
    }

    /// An event or its attendance written.
    pub(crate) fn add_event(&mut self, programme: &Programme, id: EventId) {
        self.events.insert(id);
        if let Some(event) = programme.events.get(&id) {
            self.add_records_of(programme, event.attendance.keys().copied());
        }
    }

    /// A record about a person written (a certificate grant, a consent,
    /// an outcome, a pair, answers): the person's own checks, and whether
    /// it names someone the programme does not know.
    pub(crate) fn add_records_of(
        &mut self,
        programme: &Programme,
        people: impl IntoIterator<Item = PersonId>,
    ) {
        for person in people {
            if !programme.people.contains_key(&person) {
                self.records_of_unknown = true;
            }
            self.people.insert(person);
        }
    }

    pub(crate) fn add_survey(&mut self, survey: SurveyId) {
        self.surveys.insert(survey);
    }

    // What each invariant asks of the keys. `everything` answers yes to all.

    pub(crate) fn whole_programme(&self) -> bool {
        self.everything || self.programme
    }

    pub(crate) fn whole_retention(&self) -> bool {
        self.everything || self.retention
    }

    pub(crate) fn whole_partners(&self) -> bool {
        self.everything || self.partners
    }

    pub(crate) fn whole_records(&self) -> bool {
        self.everything || self.records_of_unknown
    }

    pub(crate) fn person(&self, id: &PersonId) -> bool {
        self.everything || self.people.contains(id)
    }

    pub(crate) fn receipt(&self, receipt: &Receipt) -> bool {
        self.everything || self.receipts.contains(receipt)
    }

    pub(crate) fn survey(&self, id: &SurveyId) -> bool {
        self.everything || self.surveys.contains(id)
    }

    /// Whether the person's details give one of the identities (without
    /// writing out the identity of each of 2,000 people).
    pub(crate) fn identity_of(&self, details: &PersonDetails) -> bool {
        self.everything
            || self
                .identities
                .iter()
                .any(|key| Person::has_identity_key(details, key))
    }

    /// The entries of a map keyed by person that are among the people
    /// (all of them with `all`), in the map's order.
    pub(crate) fn among_people<'a, V>(
        &'a self,
        map: &'a BTreeMap<PersonId, V>,
        all: bool,
    ) -> impl Iterator<Item = (&'a PersonId, &'a V)> + 'a {
        entries(map, &self.people, self.everything || all)
    }

    pub(crate) fn among_tandems<'a, V>(
        &'a self,
        map: &'a BTreeMap<TandemId, V>,
        all: bool,
    ) -> impl Iterator<Item = (&'a TandemId, &'a V)> + 'a {
        entries(map, &self.tandems, self.everything || all)
    }

    pub(crate) fn among_events<'a, V>(
        &'a self,
        map: &'a BTreeMap<EventId, V>,
        all: bool,
    ) -> impl Iterator<Item = (&'a EventId, &'a V)> + 'a {
        entries(map, &self.events, self.everything || all)
    }
}

/// The entries of `map` whose keys are in `set`, or all of them, in the
/// map's order: a few look-ups instead of a walk through thousands.
fn entries<'a, K: Ord, V>(
    map: &'a BTreeMap<K, V>,
    set: &'a BTreeSet<K>,
    all: bool,
) -> impl Iterator<Item = (&'a K, &'a V)> + 'a {
    let (every, some) = if all {
        (Some(map.iter()), None)
    } else {
        (
            None,
            Some(set.iter().filter_map(|key| map.get_key_value(key))),
        )
    };
    every
        .into_iter()
        .flatten()
        .chain(some.into_iter().flatten())
}
