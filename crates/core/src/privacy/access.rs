//! The access report's contents: everything Tandem holds about one person,
//! with the earlier values of their fields from the history and what their
//! tandem pages say. `access_html` turns them into one printable page.

use std::collections::BTreeMap;

use automerge::{Automerge, ObjId, ReadDoc, ScalarValue, Value, ROOT};

use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{PEOPLE, PROGRAMME};
use crate::model::ids::PersonId;
use crate::page::document::TandemPageDocument;

/// Goals and meetings from a person's tandem page, for the access report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageContent {
    pub goals: Vec<String>,
    pub meetings: Vec<String>,
}

impl PageContent {
    /// What a tandem page holds, as lines.
    pub fn of(page: &TandemPageDocument) -> Self {
        Self {
            goals: page
                .goals()
                .values()
                .map(|goal| {
                    let mut line = goal.text.clone();
                    if !goal.milestones.is_empty() {
                        line.push_str(" — ");
                        line.push_str(&goal.milestones.join(", "));
                    }
                    line
                })
                .collect(),
            meetings: page
                .meetings()
                .into_iter()
                .map(|(_, meeting)| {
                    format!(
                        "{} · {} min · {} · {}",
                        meeting.on.german(),
                        meeting.minutes,
                        meeting.topics,
                        meeting.next_steps
                    )
                })
                .collect(),
        }
    }
}

/// One earlier value of one of the person's fields, from the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierValue {
    pub field: String,
    pub value: String,
    /// The name the change that set it gives its coordinator.
    pub by: String,
    pub at: i64,
    /// That change's actor (hex) and number among the actor's: whether a
    /// member device vouched for it (`Provenance::made_by`).
    pub actor: String,
    pub seq: u64,
}

impl ProgrammeDocument {
    /// Every value each of the person's recorded fields has had, oldest
    /// first, with who set it and when.
    pub fn field_history(&self, person: PersonId) -> Vec<EarlierValue> {
        let key = person.to_string();
        let mut last: BTreeMap<String, String> = BTreeMap::new();
        let mut values = Vec::new();
        for change in self.doc.get_changes(&[]) {
            let heads = [change.hash()];
            let note: Option<crate::document::ChangeNote> =
                change.message().and_then(|m| serde_json::from_str(m).ok());
            let Some(person_obj) = path_at(&self.doc, &heads, &[PROGRAMME, PEOPLE, &key]) else {
                continue;
            };
            let mut fields = Vec::new();
            collect_fields(&self.doc, &heads, &person_obj, "", &mut fields);
            for (field, value) in fields {
                if last.get(&field) == Some(&value) {
                    continue;
                }
                last.insert(field.clone(), value.clone());
                values.push(EarlierValue {
                    field,
                    value,
                    by: note.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
                    at: change.timestamp(),
                    actor: change.actor_id().to_hex_string(),
                    seq: change.seq(),
                });
            }
        }
        values
    }
}

fn path_at(doc: &Automerge, heads: &[automerge::ChangeHash], path: &[&str]) -> Option<ObjId> {
    let mut obj = ROOT;
    for key in path {
        match doc.get_at(&obj, *key, heads) {
            Ok(Some((Value::Object(_), child))) => obj = child,
            _ => return None,
        }
    }
    Some(obj)
}

fn collect_fields(
    doc: &Automerge,
    heads: &[automerge::ChangeHash],
    obj: &ObjId,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) {
    match doc.object_type(obj) {
        Ok(automerge::ObjType::List) => {
            let items: Vec<String> = (0..doc.length_at(obj, heads))
                .filter_map(|index| match doc.get_at(obj, index, heads) {
                    Ok(Some((Value::Scalar(value), _))) => Some(scalar_text(&value)),
                    _ => None,
                })
                .collect();
            out.push((prefix.to_string(), items.join(", ")));
        }
        Ok(automerge::ObjType::Text) => {
            if let Ok(text) = doc.text_at(obj, heads) {
                out.push((prefix.to_string(), text));
            }
        }
        _ => {
            for key in doc.keys_at(obj, heads) {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match doc.get_at(obj, key.as_str(), heads) {
                    Ok(Some((Value::Scalar(value), _))) => out.push((name, scalar_text(&value))),
                    Ok(Some((Value::Object(_), child))) => {
                        collect_fields(doc, heads, &child, &name, out)
                    }
                    _ => {}
                }
            }
        }
    }
}

fn scalar_text(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(text) => text.to_string(),
        ScalarValue::Null => String::new(),
        other => other.to_string(),
    }
}

/// A person's fields as they are now, each as (path, value), in the
/// document's order.
pub(crate) fn current_fields(
    document: &ProgrammeDocument,
    person: PersonId,
) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    if let Some(obj) = path_at(
        &document.doc,
        &document.doc.get_heads(),
        &[PROGRAMME, PEOPLE, &person.to_string()],
    ) {
        collect_fields(
            &document.doc,
            &document.doc.get_heads(),
            &obj,
            "",
            &mut fields,
        );
    }
    fields
}
