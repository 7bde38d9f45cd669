//! A tandem page started afresh: the page as it stands, as a new document
//! with none of its history.
//!
//! An Automerge document keeps every value it ever held. When a tandem
//! ends, or a co-mentor is forgotten, the coordinators' app moves the page
//! to a new room as [`TandemPageDocument::afresh`]: one change holding
//! today's page, so a name taken off the page is in none of its bytes and
//! nothing of the old history reaches the new room.
//!
//! A participant whose link follows the page there still holds the old
//! document. Their app sees that the page in the new room
//! [does not share its history](TandemPageDocument::shares_history_with),
//! takes it instead of its own, and writes onto it what it had not yet
//! sent ([`TandemPageDocument::carry_onto`]), checked as any entry is.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ROOT};
use autosurgeon::reconcile_prop;

use crate::document::changes::known_heads;
use crate::model::ids::PersonId;
use crate::page::document::{
    options, Meeting, PageCommand, PageError, ProgrammeSide, TandemPageDocument, FORMAT, GOALS,
    MEETINGS, PAGE_FORMAT_VERSION, SIDE,
};
use crate::page::survey::{PageSurvey, ANSWERS, OFFERED};

impl TandemPageDocument {
    /// This page as a new document with no history: `side` as the
    /// programme's side, the goals and meetings as they stand, and the
    /// questionnaires and answers of the members `side` still has. A
    /// questionnaire left asking no one is left out.
    pub fn afresh(&self, side: ProgrammeSide, at: i64) -> Result<Self, PageError> {
        if side.tandem != self.tandem() {
            return Err(PageError::Document("another tandem's side".into()));
        }
        let members: BTreeSet<PersonId> = side.members.iter().map(|m| m.person).collect();
        let offered: BTreeMap<String, PageSurvey> = self
            .surveys_offered()
            .into_iter()
            .filter_map(|(id, mut survey)| {
                survey.asks.retain(|person| members.contains(person));
                (!survey.asks.is_empty()).then(|| (id.to_string(), survey))
            })
            .collect();
        let mut answers = self.answers_by_key();
        answers.retain(|_, answers| members.contains(&answers.person));
        let goals = self.goals().clone();
        let meetings: BTreeMap<String, _> = self
            .meetings()
            .into_iter()
            .map(|(key, meeting)| (key.clone(), meeting.clone()))
            .collect();
        let mut doc = Automerge::new();
        doc.transact_with(
            |_| options(at, "page-afresh"),
            |tx| {
                tx.put(ROOT, FORMAT, PAGE_FORMAT_VERSION)?;
                reconcile_prop(&mut *tx, ROOT, SIDE, &side)?;
                reconcile_prop(&mut *tx, ROOT, GOALS, &goals)?;
                reconcile_prop(&mut *tx, ROOT, MEETINGS, &meetings)?;
                if !offered.is_empty() {
                    reconcile_prop(&mut *tx, ROOT, OFFERED, &offered)?;
                }
                if !answers.is_empty() {
                    reconcile_prop(&mut *tx, ROOT, ANSWERS, &answers)?;
                }
                Ok::<_, PageError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        Self::from_doc(doc).map_err(|error| PageError::Document(error.to_string()))
    }

    /// Whether `other` grew from the same first change as this page: the
    /// same document, not one started afresh (or another tandem's).
    pub fn shares_history_with(&self, other: &TandemPageDocument) -> bool {
        match genesis(&other.doc) {
            Some(first) => self.doc.get_change_meta_by_hash(&first).is_some(),
            None => false,
        }
    }

    /// Writes onto `onto` (this page started afresh elsewhere) what was
    /// done here since `since`, the heads the page's room had: goals and
    /// meetings set or removed, answers given. Each goes through the
    /// checks of its command, so what `onto` would refuse is left out.
    /// Returns how many entries were written.
    pub fn carry_onto(
        &self,
        since: &[ChangeHash],
        onto: &mut TandemPageDocument,
        at: i64,
    ) -> usize {
        let since = known_heads(&self.doc, since);
        let touched = touched_entries(self, &since);
        let members: BTreeSet<PersonId> = onto.side().members.iter().map(|m| m.person).collect();
        let is_member = |who: &Option<PersonId>| who.is_none_or(|who| members.contains(&who));
        let answers = self.answers_by_key();
        let mut carried = 0;
        for (map, key) in touched {
            let done = match map {
                GOALS => match self.goals().get(&key) {
                    Some(goal) if is_member(&goal.by) && onto.goals().get(&key) != Some(goal) => {
                        let command = PageCommand::SetGoal {
                            key,
                            goal: goal.clone(),
                        };
                        onto.apply(command, at).is_ok()
                    }
                    _ => false,
                },
                MEETINGS => {
                    let here = self.meetings().into_iter().find(|(k, _)| **k == key);
                    let there = onto.meetings().into_iter().find(|(k, _)| **k == key);
                    match (here, there) {
                        (Some((_, meeting)), there)
                            if is_member(&meeting.logged_by)
                                && there.map(|(_, m)| m) != Some(meeting) =>
                        {
                            let command = PageCommand::LogMeeting {
                                key,
                                meeting: meeting.clone(),
                            };
                            onto.apply(command, at).is_ok()
                        }
                        (None, Some(_)) => {
                            onto.apply(PageCommand::RemoveMeeting { key }, at).is_ok()
                        }
                        _ => false,
                    }
                }
                _ => match answers.get(&key) {
                    Some(given) if members.contains(&given.person) => {
                        onto.answer_survey(given.clone(), at).is_ok()
                    }
                    _ => false,
                },
            };
            carried += usize::from(done);
        }
        carried
    }
}

/// The document's first change: the one that builds on none.
fn genesis(doc: &Automerge) -> Option<ChangeHash> {
    doc.get_changes_meta(&[])
        .iter()
        .find(|change| change.deps.is_empty())
        .map(|change| change.hash)
}

/// The goals, meetings and answers (map, key) whose value differs between
/// the page at `since` and the page now (read in whole at both: a page is
/// small, and comparing values needs no code beyond what reads a page).
fn touched_entries(
    page: &TandemPageDocument,
    since: &[ChangeHash],
) -> BTreeSet<(&'static str, String)> {
    let before = if since.is_empty() {
        None
    } else {
        page.doc
            .fork_at(since)
            .ok()
            .and_then(|doc| TandemPageDocument::from_doc(doc).ok())
    };
    let mut touched = BTreeSet::new();
    differing(
        &mut touched,
        GOALS,
        before
            .as_ref()
            .map(|p| p.goals().clone())
            .unwrap_or_default(),
        page.goals().clone(),
    );
    let meetings_of = |page: &TandemPageDocument| -> BTreeMap<String, Meeting> {
        page.meetings()
            .into_iter()
            .map(|(key, meeting)| (key.clone(), meeting.clone()))
            .collect()
    };
    differing(
        &mut touched,
        MEETINGS,
        before.as_ref().map(meetings_of).unwrap_or_default(),
        meetings_of(page),
    );
    differing(
        &mut touched,
        ANSWERS,
        before
            .as_ref()
            .map(TandemPageDocument::answers_by_key)
            .unwrap_or_default(),
        page.answers_by_key(),
    );
    touched
}

/// Adds to `touched` the keys whose values differ between `before` and
/// `now`, as `(map, key)`.
fn differing<T: PartialEq>(
    touched: &mut BTreeSet<(&'static str, String)>,
    map: &'static str,
    before: BTreeMap<String, T>,
    now: BTreeMap<String, T>,
) {
    for key in before.keys().chain(now.keys()) {
        if before.get(key) != now.get(key) {
            touched.insert((map, key.clone()));
        }
    }
}
