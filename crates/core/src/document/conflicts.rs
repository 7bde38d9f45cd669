//! What broke when coordinators' changes met.
//!
//! A CRDT converges; it does not keep business rules. The conflict list is
//! exactly the violated invariants of the programme as it stands
//! (`rules::invariants`: a mentor with more mentees than the programme
//! allows, a person in two running tandems, a tandem inside one
//! organisation where the programme pairs across organisations, …), each
//! with the changes and coordinators that led there, followed by the values
//! two coordinators set differently at the same time (both values are kept
//! by Automerge and read with `get_all`). It is computed from the model, so
//! it is the same after a merge, a live delivery, an undo, a move to a new
//! generation and opening a stored programme; resolving a conflict is a
//! command like any other.

use std::collections::HashMap;

use automerge::{ActorId, ObjId, ObjType, ReadDoc, ScalarValue, Value, ValueRef};

use crate::document::merge::{Reach, Touch};
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{ATTENDANCE, EVENTS, PROGRAMME};
use crate::document::ChangeNote;
use crate::rules::invariants::{invariants, Cause, Violation};

/// A value a coordinator can choose to settle a concurrent edit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChosenValue {
    Text(String),
    Int(i64),
    Uint(u64),
    Bool(bool),
    Null,
}

impl ChosenValue {
    fn from_scalar(value: &ScalarValue) -> Option<Self> {
        Some(match value {
            ScalarValue::Str(text) => ChosenValue::Text(text.to_string()),
            ScalarValue::Int(n) => ChosenValue::Int(*n),
            ScalarValue::Uint(n) => ChosenValue::Uint(*n),
            ScalarValue::Boolean(b) => ChosenValue::Bool(*b),
            ScalarValue::Null => ChosenValue::Null,
            _ => return None,
        })
    }

    /// The value as a coordinator reads it.
    pub fn text(&self) -> String {
        match self {
            ChosenValue::Text(text) => text.clone(),
            ChosenValue::Int(n) => n.to_string(),
            ChosenValue::Uint(n) => n.to_string(),
            ChosenValue::Bool(b) => b.to_string(),
            ChosenValue::Null => String::new(),
        }
    }

    pub(crate) fn scalar(&self) -> ScalarValue {
        match self {
            ChosenValue::Text(text) => ScalarValue::Str(text.as_str().into()),
            ChosenValue::Int(n) => ScalarValue::Int(*n),
            ChosenValue::Uint(n) => ScalarValue::Uint(*n),
            ChosenValue::Bool(b) => ScalarValue::Boolean(*b),
            ChosenValue::Null => ScalarValue::Null,
        }
    }
}

/// One of the values set at the same time, with its author.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConcurrentValue {
    pub value: ChosenValue,
    /// The name the change that set it gives its coordinator.
    pub author: String,
    /// That change's actor (hex) and number among the actor's: whether a
    /// device vouched for it (`Provenance::made_by`).
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub seq: u64,
}

/// A rule the merged programme breaks, or a value set twice at once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Conflict {
    /// An invariant of the programme (`rules::invariants`) no longer
    /// holds, with who and what is involved, the changes that led there
    /// and the ways to settle it.
    Broken(Violation),
    ConcurrentValues {
        /// Keys from the programme down to the value, e.g.
        /// `["people", "<id>", "application", "stage"]`.
        path: Vec<String>,
        values: Vec<ConcurrentValue>,
    },
}

impl Conflict {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            Conflict::Broken(violation) => violation.invariant.code(),
            Conflict::ConcurrentValues { .. } => "concurrent-values",
        }
    }

    /// The broken rule, if this conflict is one.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            Conflict::Broken(violation) => Some(violation),
            Conflict::ConcurrentValues { .. } => None,
        }
    }
}

impl ProgrammeDocument {
    /// Every rule the programme breaks ([`invariants`] of the model, each
    /// with the changes that led there) and every value set differently at
    /// the same time, in a stable order.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut violations = invariants(&self.programme);
        // Who changed what is read from the history only when a rule is
        // broken: most of the time none is.
        if !violations.is_empty() {
            let causes = self.causes();
            for violation in &mut violations {
                let mut found: Vec<Cause> = violation
                    .subjects()
                    .iter()
                    .filter_map(|subject| causes.get(subject))
                    .flatten()
                    .cloned()
                    .collect();
                found.sort_by(|a, b| (a.at, &a.hash).cmp(&(b.at, &b.hash)));
                found.dedup();
                violation.causes = found;
            }
        }
        let mut conflicts: Vec<Conflict> = violations.into_iter().map(Conflict::Broken).collect();
        conflicts.extend(self.concurrent.iter().cloned());
        conflicts
    }

    /// The changes of each subject (entity id), oldest first.
    fn causes(&self) -> HashMap<String, Vec<Cause>> {
        let mut causes: HashMap<String, Vec<Cause>> = HashMap::new();
        for note in self.history() {
            let Some(subject) = note.subject.clone() else {
                continue;
            };
            causes.entry(subject.clone()).or_default().push(Cause {
                subject,
                command: note.command,
                by: note.name,
                at: note.at,
                hash: note.hash,
            });
        }
        causes
    }

    /// Looks for values set differently at the same time (after a merge).
    pub(crate) fn find_concurrent_values(&mut self) {
        self.concurrent = self.concurrent_values();
    }

    /// Like [`find_concurrent_values`](Self::find_concurrent_values) after
    /// a merge, looking again only at the entities the merge changed: a
    /// value found before elsewhere still stands, as only a change there
    /// could settle it. A programme of 2,000 people is not walked whole
    /// for a partner's edits of a few.
    pub(crate) fn find_concurrent_values_in(&mut self, reach: &Reach) {
        let Some(mut scan) = self.begin_concurrent_scan(reach) else {
            return self.find_concurrent_values();
        };
        for touch in reach.touches() {
            self.scan_touch(&mut scan, &touch);
        }
        self.end_concurrent_scan(scan);
    }

    /// Starts looking again for values set at the same time where a merge
    /// reached ([`scan_touch`](Self::scan_touch) for each place, then
    /// [`end_concurrent_scan`](Self::end_concurrent_scan)). None if the
    /// merge reached the programme's own fields or everything: then
    /// only [`find_concurrent_values`](Self::find_concurrent_values) will
    /// do.
    pub(crate) fn begin_concurrent_scan(&mut self, reach: &Reach) -> Option<ConcurrentScan> {
        let Reach::Parts {
            programme_fields: false,
            entities,
            marks,
        } = reach
        else {
            return None;
        };
        let Ok(Some((_, programme))) = self.doc.get(automerge::ROOT, PROGRAMME) else {
            return None;
        };
        let earlier: Vec<Vec<String>> = std::mem::take(&mut self.concurrent)
            .into_iter()
            .filter(|conflict| match conflict {
                Conflict::ConcurrentValues { path, .. } => {
                    !entities.iter().any(|(collection, key)| {
                        path.len() > 1 && path[0] == *collection && path[1] == *key
                    }) && !marks.iter().any(|(event, person)| {
                        path.len() > 3
                            && path[0] == EVENTS
                            && path[1] == *event
                            && path[2] == ATTENDANCE
                            && path[3] == *person
                    })
                }
                _ => false,
            })
            .filter_map(|conflict| match conflict {
                Conflict::ConcurrentValues { path, .. } => Some(path),
                _ => None,
            })
            .collect();
        Some(ConcurrentScan {
            programme,
            earlier,
            authors: None,
            found: Vec::new(),
        })
    }

    /// Looks for values set at the same time in one place a merge reached.
    pub(crate) fn scan_touch(&self, scan: &mut ConcurrentScan, touch: &Touch) {
        let ConcurrentScan {
            programme,
            authors,
            found,
            ..
        } = scan;
        match touch {
            Touch::Entity(collection, key) => {
                let Ok(Some((_, map))) = self.doc.get(&*programme, *collection) else {
                    return;
                };
                let mut path = vec![collection.to_string()];
                self.walk_key(&map, key, &mut path, authors, found);
            }
            Touch::Mark(event, person) => {
                let attendance = self
                    .doc
                    .get(&*programme, EVENTS)
                    .ok()
                    .flatten()
                    .and_then(|(_, events)| self.doc.get(&events, event.as_str()).ok().flatten())
                    .and_then(|(_, obj)| self.doc.get(&obj, ATTENDANCE).ok().flatten());
                let Some((_, attendance)) = attendance else {
                    return;
                };
                let mut path = vec![EVENTS.to_string(), event.clone(), ATTENDANCE.to_string()];
                self.walk_key(&attendance, person, &mut path, authors, found);
            }
        }
    }

    /// Ends a scan: the values found before outside what the merge
    /// reached are read again, and the list is kept in the order a whole
    /// walk finds it.
    pub(crate) fn end_concurrent_scan(&mut self, scan: ConcurrentScan) {
        let ConcurrentScan {
            programme,
            earlier,
            mut authors,
            mut found,
        } = scan;
        // A merged change may have replaced one of the earlier values
        // without changing which one is shown, and Automerge's patches
        // then say nothing.
        for path in earlier {
            let Some((last, parents)) = path.split_last() else {
                continue;
            };
            let mut obj = programme.clone();
            let mut reachable = true;
            for key in parents {
                match self.doc.get(&obj, key.as_str()) {
                    Ok(Some((Value::Object(ObjType::Map), child))) => obj = child,
                    _ => {
                        reachable = false;
                        break;
                    }
                }
            }
            if reachable {
                let mut parent_path = parents.to_vec();
                let mut values = Vec::new();
                self.walk_key(&obj, last, &mut parent_path, &mut authors, &mut values);
                // Only the value itself: what lies below it is not new.
                found.extend(values.into_iter().filter(|conflict| {
                    matches!(conflict, Conflict::ConcurrentValues { path: found, .. } if *found == path)
                }));
            }
        }
        // In the order a whole walk finds them: by path.
        found.sort_by(|a, b| match (a, b) {
            (
                Conflict::ConcurrentValues { path: a, .. },
                Conflict::ConcurrentValues { path: b, .. },
            ) => a.cmp(b),
            _ => std::cmp::Ordering::Equal,
        });
        self.concurrent = found;
    }

    /// Values two coordinators set differently at the same time.
    fn concurrent_values(&self) -> Vec<Conflict> {
        let mut authors = None;
        let mut found = Vec::new();
        if let Ok(Some((_, programme))) = self.doc.get(automerge::ROOT, PROGRAMME) {
            self.walk(&programme, &mut Vec::new(), &mut authors, &mut found);
        }
        found
    }

    fn walk(
        &self,
        obj: &ObjId,
        path: &mut Vec<String>,
        authors: &mut Option<HashMap<ActorId, ActorChanges>>,
        found: &mut Vec<Conflict>,
    ) {
        // One pass over the map: Automerge marks the keys that hold values
        // set at the same time, and only those are read whole. (Reading
        // every key on its own costs a search each: seconds for a
        // programme of 2,000 people.)
        let items: Vec<(String, bool, Option<ObjId>)> = self
            .doc
            .map_range(obj, ..)
            .map(|item| {
                let child = matches!(item.value, ValueRef::Object(ObjType::Map)).then(|| item.id());
                (item.key.into_owned(), item.conflict, child)
            })
            .collect();
        for (key, conflict, child) in items {
            if conflict {
                self.walk_key(obj, &key, path, authors, found);
            } else if let Some(child) = child {
                path.push(key);
                self.walk(&child, path, authors, found);
                path.pop();
            }
        }
    }

    /// Looks at one key of a map and everything below it. The coordinators
    /// behind the devices are read from the history only once a clash is
    /// found: most of the time none is.
    fn walk_key(
        &self,
        obj: &ObjId,
        key: &str,
        path: &mut Vec<String>,
        authors: &mut Option<HashMap<ActorId, ActorChanges>>,
        found: &mut Vec<Conflict>,
    ) {
        let Ok(values) = self.doc.get_all(obj, key) else {
            return;
        };
        path.push(key.to_string());
        if values.len() > 1 {
            let authors = authors.get_or_insert_with(|| self.actor_authors());
            let values: Vec<ConcurrentValue> = values
                .iter()
                .filter_map(|(value, id)| {
                    let chosen = match value {
                        Value::Scalar(scalar) => ChosenValue::from_scalar(scalar)?,
                        Value::Object(_) => return None,
                    };
                    let (author, actor, seq) = match id {
                        ObjId::Id(counter, actor, _) => authors.get(actor).map_or_else(
                            || (String::new(), actor.to_hex_string(), 0),
                            |changes| {
                                (
                                    changes.name.clone(),
                                    actor.to_hex_string(),
                                    changes.seq_of(*counter),
                                )
                            },
                        ),
                        ObjId::Root => (String::new(), String::new(), 0),
                    };
                    Some(ConcurrentValue {
                        value: chosen,
                        author,
                        actor,
                        seq,
                    })
                })
                .collect();
            // The same value typed on both sides is agreement, not a clash.
            let distinct = values
                .iter()
                .filter(|value| value.value != values[0].value)
                .count();
            if distinct > 0 {
                found.push(Conflict::ConcurrentValues {
                    path: path.clone(),
                    values,
                });
            }
        }
        if let Some((Value::Object(ObjType::Map), child)) = values.last() {
            self.walk(child, path, authors, found);
        }
        path.pop();
    }

    /// The coordinator behind each actor (device or tab) of the document,
    /// and where each of its changes ends.
    fn actor_authors(&self) -> HashMap<ActorId, ActorChanges> {
        let mut authors: HashMap<ActorId, ActorChanges> = HashMap::new();
        for change in self.doc.get_changes_meta(&[]) {
            let name = change
                .message
                .as_deref()
                .and_then(|message| serde_json::from_str::<ChangeNote>(message).ok())
                .map(|note| note.name);
            let entry = authors.entry(change.actor.into_owned()).or_default();
            if entry.name.is_empty() {
                entry.name = name.unwrap_or_default();
            }
            entry.ends.push((change.max_op, change.seq));
        }
        for changes in authors.values_mut() {
            changes.ends.sort_unstable();
        }
        authors
    }
}

/// A look for values set at the same time where a merge reached, under
/// way.
#[derive(Debug)]
pub(crate) struct ConcurrentScan {
    /// The programme's object.
    programme: ObjId,
    /// Values found before, outside what the merge reached.
    earlier: Vec<Vec<String>>,
    /// Who made each actor's changes, read once a value is found.
    authors: Option<HashMap<ActorId, ActorChanges>>,
    found: Vec<Conflict>,
}

/// One actor's changes: the coordinator its first named change gives, and
/// each change's last operation with its number.
#[derive(Debug, Default)]
struct ActorChanges {
    name: String,
    ends: Vec<(u64, u64)>,
}

impl ActorChanges {
    /// The number of the change that made operation `counter`.
    fn seq_of(&self, counter: u64) -> u64 {
        let at = self.ends.partition_point(|&(max_op, _)| max_op < counter);
        self.ends.get(at).map_or(0, |&(_, seq)| seq)
    }
}
