//! What broke when coordinators' changes met.
//!
//! A CRDT converges; it does not keep business rules. After every merge the
//! programme is checked: a mentor with more mentees than the programme
//! allows, a person in two running tandems, a tandem inside one organisation
//! where the programme pairs across organisations, and a value that two
//! coordinators set differently at the same time (both values are kept by
//! Automerge and read with `get_all`). Each conflict names who did what and
//! when; resolving it is a command like any other.

use std::collections::{BTreeMap, HashMap};

use automerge::{ActorId, ObjId, ObjType, ReadDoc, ScalarValue, Value, ValueRef};

use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{ATTENDANCE, EVENTS, PROGRAMME};
use crate::document::ChangeNote;
use crate::model::ids::{PersonId, TandemId};

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

/// Who made a tandem, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TandemOrigin {
    pub tandem: TandemId,
    pub created_by: String,
    pub at: i64,
}

/// One of the values set at the same time, with its author.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConcurrentValue {
    pub value: ChosenValue,
    pub author: String,
}

/// A rule the merged programme breaks, or a value set twice at once.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Conflict {
    MentorOverCapacity {
        mentor: PersonId,
        capacity: u32,
        tandems: Vec<TandemOrigin>,
    },
    InSeveralTandems {
        person: PersonId,
        tandems: Vec<TandemOrigin>,
    },
    SameOrganisation {
        tandem: TandemOrigin,
    },
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
            Conflict::MentorOverCapacity { .. } => "mentor-over-capacity",
            Conflict::InSeveralTandems { .. } => "in-several-tandems",
            Conflict::SameOrganisation { .. } => "same-organisation",
            Conflict::ConcurrentValues { .. } => "concurrent-values",
        }
    }
}

impl ProgrammeDocument {
    /// Every rule the programme breaks and every value set differently at
    /// the same time, in a stable order.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let programme = &self.programme;
        let mut conflicts = Vec::new();

        let mut by_person: BTreeMap<PersonId, Vec<TandemId>> = BTreeMap::new();
        let mut by_mentor: BTreeMap<PersonId, Vec<TandemId>> = BTreeMap::new();
        for (id, tandem) in programme.active_tandems() {
            by_person.entry(tandem.mentee).or_default().push(*id);
            by_mentor.entry(tandem.mentor).or_default().push(*id);
            // A co-mentor, like a mentor, may take as many tandems as the
            // programme's capacity allows.
            if let Some(co_mentor) = tandem.co_mentor {
                by_mentor.entry(co_mentor).or_default().push(*id);
            }
        }
        let origin = |id: &TandemId| TandemOrigin {
            tandem: *id,
            created_by: String::new(),
            at: 0,
        };
        let capacity = programme.rules.mentor_capacity.max(1);
        for (mentor, tandems) in &by_mentor {
            if tandems.len() > capacity as usize {
                conflicts.push(Conflict::MentorOverCapacity {
                    mentor: *mentor,
                    capacity,
                    tandems: tandems.iter().map(origin).collect(),
                });
            }
        }
        for (person, tandems) in &by_person {
            if tandems.len() > 1 {
                conflicts.push(Conflict::InSeveralTandems {
                    person: *person,
                    tandems: tandems.iter().map(origin).collect(),
                });
            }
        }
        if programme.rules.different_organisations {
            for (id, tandem) in programme.active_tandems() {
                let organisation = |person: PersonId| {
                    programme
                        .people
                        .get(&person)
                        .and_then(|p| p.details.organisation)
                };
                let (mentee, mentor) = (organisation(tandem.mentee), organisation(tandem.mentor));
                if mentee.is_some() && mentee == mentor {
                    conflicts.push(Conflict::SameOrganisation { tandem: origin(id) });
                }
            }
        }
        // Who made each tandem is read from the history only when a rule
        // is broken: most of the time none is.
        if !conflicts.is_empty() {
            let origins = self.tandem_origins();
            let fill = |origin: &mut TandemOrigin| {
                if let Some(known) = origins.get(&origin.tandem) {
                    *origin = known.clone();
                }
            };
            for conflict in &mut conflicts {
                match conflict {
                    Conflict::MentorOverCapacity { tandems, .. }
                    | Conflict::InSeveralTandems { tandems, .. } => {
                        tandems.iter_mut().for_each(fill)
                    }
                    Conflict::SameOrganisation { tandem } => fill(tandem),
                    Conflict::ConcurrentValues { .. } => {}
                }
            }
        }
        conflicts.extend(self.concurrent.iter().cloned());
        conflicts
    }

    /// Looks for values set differently at the same time (after a merge).
    pub(crate) fn find_concurrent_values(&mut self) {
        self.concurrent = self.concurrent_values();
    }

    /// Who created each tandem.
    fn tandem_origins(&self) -> HashMap<TandemId, TandemOrigin> {
        let mut origins = HashMap::new();
        for note in self.history() {
            if note.command != "create-tandem" {
                continue;
            }
            let Some(id) = note
                .subject
                .as_deref()
                .and_then(|s| s.parse::<TandemId>().ok())
            else {
                continue;
            };
            origins.entry(id).or_insert(TandemOrigin {
                tandem: id,
                created_by: note.name.clone(),
                at: note.at,
            });
        }
        origins
    }

    /// Like [`find_concurrent_values`](Self::find_concurrent_values) after
    /// a merge, looking again only at the entities the merge changed: a
    /// value found before elsewhere still stands, as only a change there
    /// could settle it. A programme of 2,000 people is not walked whole
    /// for a partner's edits of a few.
    pub(crate) fn find_concurrent_values_in(&mut self, reach: &crate::document::merge::Reach) {
        let crate::document::merge::Reach::Parts {
            programme_fields: false,
            entities,
            marks,
        } = reach
        else {
            return self.find_concurrent_values();
        };
        let Ok(Some((_, programme))) = self.doc.get(automerge::ROOT, PROGRAMME) else {
            return self.find_concurrent_values();
        };
        let mut authors = None;
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
        // Values found before outside what the merge reached are read
        // again: a merged change may have replaced one of them without
        // changing which one is shown, and Automerge's patches then say
        // nothing.
        let mut found = Vec::new();
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
        for (collection, key) in entities {
            let Ok(Some((_, map))) = self.doc.get(&programme, *collection) else {
                continue;
            };
            let mut path = vec![collection.to_string()];
            self.walk_key(&map, key, &mut path, &mut authors, &mut found);
        }
        for (event, person) in marks {
            let attendance = self
                .doc
                .get(&programme, EVENTS)
                .ok()
                .flatten()
                .and_then(|(_, events)| self.doc.get(&events, event.as_str()).ok().flatten())
                .and_then(|(_, obj)| self.doc.get(&obj, ATTENDANCE).ok().flatten());
            let Some((_, attendance)) = attendance else {
                continue;
            };
            let mut path = vec![EVENTS.to_string(), event.clone(), ATTENDANCE.to_string()];
            self.walk_key(&attendance, person, &mut path, &mut authors, &mut found);
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
        authors: &mut Option<HashMap<ActorId, String>>,
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
        authors: &mut Option<HashMap<ActorId, String>>,
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
                    let author = match id {
                        ObjId::Id(_, actor, _) => authors.get(actor).cloned().unwrap_or_default(),
                        ObjId::Root => String::new(),
                    };
                    Some(ConcurrentValue {
                        value: chosen,
                        author,
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

    /// The coordinator behind each actor (device or tab) of the document.
    fn actor_authors(&self) -> HashMap<ActorId, String> {
        let mut authors = HashMap::new();
        for change in self.doc.get_changes_meta(&[]) {
            if authors.contains_key(change.actor.as_ref()) {
                continue;
            }
            if let Some(note) = change
                .message
                .as_deref()
                .and_then(|message| serde_json::from_str::<ChangeNote>(message).ok())
            {
                authors.insert(change.actor.into_owned(), note.name);
            }
        }
        authors
    }
}
