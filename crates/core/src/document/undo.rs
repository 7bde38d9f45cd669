//! Looking back and taking back: the programme as it was after any earlier
//! change, and undoing one change by a new, inverse change.
//!
//! Undo never rewrites history. It reads what the change set (Automerge's
//! patches between the change's parents and the change), and writes back
//! each value as it was before, where the value is still what the change
//! left. A value someone changed since is not touched: the newer edit wins.

use std::collections::BTreeSet;

use automerge::{ChangeHash, ObjId, PatchAction, ReadDoc, ScalarValue, Value};
use autosurgeon::hydrate_prop;

use crate::document::author::Author;
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{commit_options, PROGRAMME};
use crate::document::LoadError;
use crate::model::programme::Programme;
use crate::rules::error::CommandError;

/// One write that takes a value back.
struct Inverse {
    obj: ObjId,
    key: String,
    before: Option<ScalarValue>,
}

fn parse(hash: &str) -> Result<ChangeHash, CommandError> {
    hash.parse().map_err(|_| CommandError::NothingToUndo)
}

impl ProgrammeDocument {
    /// The programme as it was right after the change `hash`, read-only.
    pub fn programme_at(&self, hash: &str) -> Result<Programme, LoadError> {
        let hash: ChangeHash = hash.parse().map_err(|_| LoadError::NotAProgramme)?;
        let past = self
            .doc
            .fork_at(&[hash])
            .map_err(|_| LoadError::NotAProgramme)?;
        hydrate_prop(&past, automerge::ROOT, PROGRAMME).map_err(|_| LoadError::NotAProgramme)
    }

    pub(crate) fn undo(
        &mut self,
        author: &Author,
        at: i64,
        hash: &str,
    ) -> Result<(), CommandError> {
        let hash = parse(hash)?;
        let inverse = self.inverse_of(hash)?;
        if inverse.is_empty() {
            return Err(CommandError::NothingToUndo);
        }
        let before = self.doc.get_heads();
        self.doc
            .transact_with(
                |_| commit_options(author, at, "undo-change", Some(hash.to_string())),
                |tx| {
                    use automerge::transaction::Transactable;
                    for write in &inverse {
                        match &write.before {
                            Some(value) => tx.put(&write.obj, write.key.as_str(), value.clone())?,
                            None => tx.delete(&write.obj, write.key.as_str())?,
                        }
                    }
                    Ok::<_, CommandError>(())
                },
            )
            .map_err(|failure| failure.error)?;
        self.refresh_since(&before)
            .map(|_| ())
            .map_err(|error| CommandError::Document(error.to_string()))
    }

    /// The writes that take back what the change set and nobody changed since.
    fn inverse_of(&self, hash: ChangeHash) -> Result<Vec<Inverse>, CommandError> {
        let change = self
            .doc
            .get_change_by_hash(&hash)
            .ok_or(CommandError::NothingToUndo)?;
        // The genesis change is the programme itself: it has nothing before it.
        if change.deps().is_empty() {
            return Err(CommandError::NothingToUndo);
        }
        let parents = change.deps().to_vec();
        let patches = self.doc.diff(&parents, &[hash]);
        // Objects the change made (a new person, a new tandem) go with their key.
        let mut created = BTreeSet::new();
        for patch in &patches {
            if let PatchAction::PutMap {
                value: (Value::Object(_), id),
                ..
            } = &patch.action
            {
                created.insert(id.clone());
            }
        }
        let mut inverse = Vec::new();
        for patch in patches {
            if created.contains(&patch.obj)
                || patch.path.iter().any(|(obj, _)| created.contains(obj))
            {
                continue;
            }
            let key = match &patch.action {
                PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => key.clone(),
                _ => continue,
            };
            let before = self
                .doc
                .get_at(&patch.obj, key.as_str(), &parents)
                .ok()
                .flatten();
            let after = self
                .doc
                .get_at(&patch.obj, key.as_str(), &[hash])
                .ok()
                .flatten();
            let now = self.doc.get(&patch.obj, key.as_str()).ok().flatten();
            if !same(&after, &now) {
                continue;
            }
            match before {
                None => inverse.push(Inverse {
                    obj: patch.obj.clone(),
                    key,
                    before: None,
                }),
                Some((Value::Scalar(value), _)) => inverse.push(Inverse {
                    obj: patch.obj.clone(),
                    key,
                    before: Some(value.into_owned()),
                }),
                // A whole object written over is not restored field by field.
                Some((Value::Object(_), _)) => continue,
            }
        }
        Ok(inverse)
    }
}

fn same(a: &Option<(Value<'_>, ObjId)>, b: &Option<(Value<'_>, ObjId)>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((Value::Scalar(x), _)), Some((Value::Scalar(y), _))) => x == y,
        (Some((Value::Object(_), x)), Some((Value::Object(_), y))) => x == y,
        _ => false,
    }
}
