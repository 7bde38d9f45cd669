//! Generations of a programme document: how "forget this person" really
//! erases.
//!
//! An Automerge document keeps every value it ever held in its history, so
//! deleting a person from the programme map would leave their name in every
//! saved byte. Erasure therefore starts a new *generation*: a fresh document,
//! with a genesis of its own, built from the hydrated programme as it stands
//! minus the person and everything that names them (their tandems, fixed and
//! excluded pairs, attendance, certificate grants, consent record). The new
//! document records which generation it replaced and every generation it
//! retires, at the root beside the programme:
//!
//! ```text
//! generation: { id, replaces, replaced_at: [heads], retired: [ids] }
//! ```
//!
//! A document without that record is the programme's first generation; its
//! id is the hash of its genesis change. Exchange files name their
//! generation in the header, so a file of a retired generation is refused
//! with a message of its own, and a coordinator still on the old generation
//! who opens a file of the new one can move over: [`carry_over`] writes the
//! edits they made after the erasure onto the new generation, field by
//! field, and never writes back anything that names the erased person.
//!
//! [`carry_over`]: ProgrammeDocument::carry_over

use std::collections::BTreeSet;

use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile};

use crate::document::author::Author;
use crate::document::exchange::{Contents, ExchangeError, ExchangeFile};
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{commit_options, GENERATION, PROGRAMME};
use crate::model::ids::{PersonId, TandemId};
use crate::model::programme::Programme;
use crate::rules::error::CommandError;

/// Which generation of its programme a document is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub struct Generation {
    /// This generation's id.
    pub id: String,
    /// The generation this one replaced, if any.
    pub replaces: Option<String>,
    /// The heads of the replaced generation this one was built from: where
    /// a coordinator still on it starts carrying their own edits over.
    pub replaced_at: Vec<String>,
    /// Every generation this one retires (the one it replaced and those
    /// that one retired). Their files and deliveries are refused.
    pub retired: Vec<String>,
}

/// How a programme arriving by an invite link or an approval file stands
/// to the programme of the same id already kept here. Joining never puts
/// another history in place of the one here: any other generation is
/// refused, whichever is newer. The same generation is merged in only by a
/// device admitted to its room, into a copy not shared from here (see
/// [`ProgrammeDocument::take_in_admitted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The same generation of the same programme: nothing to store.
    AlreadyHere,
    /// Another generation of this programme (one retires the other): the
    /// coordinators must settle which one holds.
    OtherGeneration,
    /// A programme of another genesis under the same id: not this one.
    OtherGenesis,
}

impl Arrival {
    /// How `arriving` stands to `here`, both of the same programme id.
    pub fn of(here: &Generation, arriving: &Generation) -> Self {
        if here.id == arriving.id {
            Arrival::AlreadyHere
        } else if here.retired.contains(&arriving.id) || arriving.retired.contains(&here.id) {
            Arrival::OtherGeneration
        } else {
            Arrival::OtherGenesis
        }
    }

    /// A stable name for translations.
    pub fn code(self) -> &'static str {
        match self {
            Arrival::AlreadyHere => "join-already-here",
            Arrival::OtherGeneration => "join-other-generation",
            Arrival::OtherGenesis => "join-other-genesis",
        }
    }
}

/// Why the programme a device was admitted to was not taken into the copy
/// of it kept here. The copy here is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTakenIn {
    /// Not the same generation of the same programme.
    Arrival(Arrival),
    /// Its changes do not read, or break a rule, as a file's would.
    Refused(ExchangeError),
}

impl ProgrammeDocument {
    /// Takes the programme a device was admitted to (what its room, or an
    /// approval file, holds) into the copy of it kept here, which came
    /// apart from that room (from a partner's file): the same generation is
    /// merged, its changes checked as a file's are, and every change made
    /// here stays (the room receives them from then on). Another
    /// generation or genesis changes nothing. Returns how many changes
    /// arrived that were not here.
    pub fn take_in_admitted(&mut self, arriving: &ProgrammeDocument) -> Result<usize, NotTakenIn> {
        match Arrival::of(&self.generation(), &arriving.generation()) {
            Arrival::AlreadyHere => self
                .merge_bytes(&arriving.save_after(&self.heads()))
                .map_err(NotTakenIn::Refused),
            other => Err(NotTakenIn::Arrival(other)),
        }
    }
}

/// What forgetting a person made.
#[derive(Debug, Clone)]
pub struct Erasure {
    /// The programme's new generation, without the person.
    pub document: ProgrammeDocument,
    /// Who was forgotten.
    pub person: PersonId,
    /// Their tandems, gone with them: their tandem pages must go too.
    pub tandems: Vec<TandemId>,
}

/// Why a coordinator's edits could not be carried onto a new generation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarryError {
    #[error("the new programme does not replace this one")]
    NotTheSuccessor,
    #[error("this browser has none of the changes the new programme was built from")]
    NoCommonPoint,
    #[error(transparent)]
    Document(#[from] CommandError),
}

impl CarryError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            CarryError::NotTheSuccessor => "generation-not-successor",
            CarryError::NoCommonPoint => "generation-no-common-point",
            CarryError::Document(error) => error.code(),
        }
    }
}

/// What moving onto a new generation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CarriedOver {
    /// Values of this coordinator's own edits written onto the new generation.
    pub values: usize,
    /// Values left behind because they named the erased person.
    pub left_behind: usize,
}

/// The programme without one person and everything that names them; and
/// the tandems that went with them.
pub fn without_person(programme: &Programme, person: PersonId) -> (Programme, Vec<TandemId>) {
    let mut programme = programme.clone();
    programme.people.remove(&person);
    let gone: Vec<TandemId> = programme
        .tandems
        .iter()
        .filter(|(_, tandem)| tandem.mentee == person || tandem.mentor == person)
        .map(|(id, _)| *id)
        .collect();
    for id in &gone {
        programme.tandems.remove(id);
    }
    // A co-mentor leaves the tandem; mentee and mentor keep it.
    for tandem in programme.tandems.values_mut() {
        if tandem.co_mentor == Some(person) {
            tandem.co_mentor = None;
        }
    }
    programme
        .fixed_pairs
        .retain(|mentee, mentor| *mentee != person && *mentor != person);
    programme
        .excluded_pairs
        .retain(|pair, _| pair.mentee != person && pair.mentor != person);
    for event in programme.events.values_mut() {
        event.attendance.remove(&person);
    }
    programme.certificate_grants.remove(&person);
    crate::model::consent::forget_records(&mut programme, person);
    (programme, gone)
}

impl ProgrammeDocument {
    /// Which generation this document is.
    pub fn generation(&self) -> Generation {
        self.stored_generation().unwrap_or_else(|| Generation {
            id: genesis_of(&self.doc),
            ..Generation::default()
        })
    }

    /// The generation the document names; none for a first generation
    /// made before generations were named (its id is its genesis).
    fn stored_generation(&self) -> Option<Generation> {
        match hydrate_prop::<_, autosurgeon::hydrate::MaybeMissing<Generation>, _, _>(
            &self.doc, ROOT, GENERATION,
        ) {
            Ok(autosurgeon::hydrate::MaybeMissing::Present(generation)) => Some(generation),
            _ => None,
        }
    }

    /// Forgets a person: a new generation of the programme, built from its
    /// current state without them, with no history that could hold their
    /// values. This document is left as it was; the caller replaces it.
    pub fn forget(
        &self,
        author: &Author,
        at: i64,
        person: PersonId,
    ) -> Result<Erasure, CommandError> {
        if !self.programme.people.contains_key(&person) {
            return Err(CommandError::UnknownPerson);
        }
        let (programme, tandems) = without_person(&self.programme, person);
        let old = self.generation();
        let mut retired = old.retired.clone();
        retired.push(old.id.clone());
        let generation = Generation {
            id: uuid::Uuid::new_v4().to_string(),
            replaces: Some(old.id),
            replaced_at: self.doc.get_heads().iter().map(|h| h.to_string()).collect(),
            retired,
        };
        let mut doc = Automerge::new();
        // The change message names the coordinator and the command, never
        // the person.
        doc.transact_with(
            |_| commit_options(author, at, "new-generation", None),
            |tx| {
                tx.put(ROOT, "format", crate::document::FORMAT_VERSION)?;
                reconcile_prop(tx, ROOT, PROGRAMME, &programme)?;
                reconcile_prop(tx, ROOT, GENERATION, &generation)?;
                Ok::<_, CommandError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        let document = ProgrammeDocument {
            doc,
            saved_heads: Vec::new(),
            programme,
            concurrent: Vec::new(),
            merged_chunk: None,
        };
        Ok(Erasure {
            document,
            person,
            tandems,
        })
    }

    /// Whether `other` is a generation of this programme that this one has
    /// retired.
    pub fn retires(&self, generation: &str) -> bool {
        self.generation().retired.iter().any(|id| id == generation)
    }

    /// Whether `file` is of the generation that replaced this one (a
    /// partner forgot a person): a file of this programme that retires
    /// this generation. It is then not merged but moved to
    /// ([`carry_over`](Self::carry_over)). Most files retire no
    /// generation: this one's id, which a first generation finds only by
    /// reading its whole history, is then not looked up.
    pub fn is_replaced_by(&self, file: &ExchangeFile) -> bool {
        file.header.programme == self.id().to_string()
            && !file.header.retires.is_empty()
            && file.header.retires.contains(&self.generation().id)
    }

    /// Moves onto `successor`, the generation that replaced this one: the
    /// edits made here after it was built are written onto it, field by
    /// field. Nothing that names a person the successor no longer has (by
    /// id or by name) is written back.
    pub fn carry_over(
        &self,
        author: &Author,
        at: i64,
        successor: &mut ProgrammeDocument,
    ) -> Result<CarriedOver, CarryError> {
        let next = successor.generation();
        if next.replaces.as_deref() != Some(self.generation().id.as_str()) {
            return Err(CarryError::NotTheSuccessor);
        }
        let replaced_at: Vec<ChangeHash> = next
            .replaced_at
            .iter()
            .filter_map(|hash| hash.parse().ok())
            .collect();
        let base_heads = crate::document::changes::known_heads(&self.doc, &replaced_at);
        // Without any of them, everything here would count as an edit of
        // this browser's and overwrite the successor: refuse instead.
        if base_heads.is_empty() {
            return Err(CarryError::NoCommonPoint);
        }
        let base = self.doc.fork_at(&base_heads).map_err(CommandError::from)?;
        let base_programme: Programme = hydrate_prop(&base, ROOT, PROGRAMME)
            .map_err(|error| CommandError::Document(error.to_string()))?;
        // Who is gone: people the successor was built without.
        let erased: Vec<(String, String)> = base_programme
            .people
            .iter()
            .filter(|(id, _)| !successor.programme.people.contains_key(id))
            .map(|(id, person)| (id.to_string(), person.details.name.trim().to_lowercase()))
            .collect();
        let mut skipped_keys: BTreeSet<String> = erased.iter().map(|(id, _)| id.clone()).collect();
        for (id, tandem) in self.programme.tandems.iter() {
            let names_erased = [Some(tandem.mentee), Some(tandem.mentor)]
                .into_iter()
                .flatten()
                .any(|person| skipped_keys.contains(&person.to_string()));
            if names_erased {
                skipped_keys.insert(id.to_string());
            }
        }
        let walk = Walk {
            erased: &erased,
            skipped_keys: &skipped_keys,
        };
        let (Some((_, base_obj)), Some((_, mine_obj))) = (
            base.get(ROOT, PROGRAMME).ok().flatten(),
            self.doc.get(ROOT, PROGRAMME).ok().flatten(),
        ) else {
            return Err(CarryError::Document(CommandError::Document(
                "no programme in the document".into(),
            )));
        };
        let mut candidate = successor.doc.clone();
        let mut carried = CarriedOver::default();
        candidate
            .transact_with(
                |_| commit_options(author, at, "carry-over", None),
                |tx| {
                    let Some((_, target)) = tx.get(ROOT, PROGRAMME)? else {
                        return Err(CommandError::Document("no programme".into()));
                    };
                    walk.map(
                        &base,
                        Some(&base_obj),
                        &self.doc,
                        &mine_obj,
                        tx,
                        &target,
                        &mut carried,
                    )
                },
            )
            .map_err(|failure| failure.error)?;
        // Whatever was carried must still read as a programme; otherwise
        // the successor stays as it was.
        let programme: Programme = hydrate_prop(&candidate, ROOT, PROGRAMME)
            .map_err(|error| CommandError::Document(error.to_string()))?;
        successor.doc = candidate;
        successor.programme = programme;
        successor.find_concurrent_values();
        Ok(carried)
    }

    /// Moves onto the generation a partner's whole-programme file carries,
    /// carrying this browser's own edits made since.
    pub fn move_to(
        &self,
        author: &Author,
        at: i64,
        file: &ExchangeFile,
    ) -> Result<(ProgrammeDocument, CarriedOver), ExchangeError> {
        if file.header.contains == Contents::Changes {
            return Err(ExchangeError::MissingEarlierChanges);
        }
        let mut successor = ProgrammeDocument::join(file)?;
        if successor.id() != self.id() {
            return Err(ExchangeError::OtherProgramme(
                file.header.programme_name.clone(),
            ));
        }
        let carried = self
            .carry_over(author, at, &mut successor)
            .map_err(|error| match error {
                CarryError::NotTheSuccessor | CarryError::NoCommonPoint => {
                    ExchangeError::NoCommonHistory
                }
                CarryError::Document(_) => ExchangeError::Damaged,
            })?;
        Ok((successor, carried))
    }

    /// The document's bytes without compression, so that a search for a
    /// name finds it if it is there at all.
    pub fn save_uncompressed(&self) -> Vec<u8> {
        self.doc.save_nocompress()
    }
}

/// Refuses a file of a generation this document retired, and recognises a
/// file of a generation that retired this one. Files without a generation
/// (older ones) are left to the merge's own checks.
pub(crate) fn check_file(
    document: &ProgrammeDocument,
    file: &ExchangeFile,
) -> Result<(), ExchangeError> {
    let Some(theirs) = file.header.generation.as_deref() else {
        return Ok(());
    };
    // The usual case, a file of this very first generation, is known by
    // its genesis alone, without looking through the whole history for
    // this document's.
    if document.stored_generation().is_none() && is_genesis(&document.doc, theirs) {
        return Ok(());
    }
    let mine = document.generation();
    if theirs == mine.id {
        return Ok(());
    }
    if mine.retired.iter().any(|id| id == theirs) {
        return Err(ExchangeError::RetiredGeneration);
    }
    if file.header.retires.contains(&mine.id) {
        return Err(ExchangeError::NewerGeneration);
    }
    Ok(())
}

/// The id of a first generation: the hash of its genesis change. (The
/// changes' metadata only: their operations are not needed.)
fn genesis_of(doc: &Automerge) -> String {
    doc.get_changes_meta(&[])
        .iter()
        .find(|change| change.deps.is_empty())
        .map(|change| change.hash.to_string())
        .unwrap_or_default()
}

/// Whether `hash` names the document's genesis: a change it holds that
/// builds on none (a document grows from one).
fn is_genesis(doc: &Automerge, hash: &str) -> bool {
    hash.parse::<ChangeHash>()
        .ok()
        .and_then(|hash| doc.get_change_meta_by_hash(&hash))
        .is_some_and(|change| change.deps.is_empty())
}

/// A three-way walk: what changed between `base` and `mine` is written onto
/// the target.
struct Walk<'a> {
    /// Erased people: id and name (lowercase).
    erased: &'a [(String, String)],
    /// Keys whose whole entry stays behind.
    skipped_keys: &'a BTreeSet<String>,
}

impl Walk<'_> {
    fn names_erased(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.erased
            .iter()
            .any(|(id, name)| lower.contains(id) || (!name.is_empty() && lower.contains(name)))
    }

    fn key_skipped(&self, key: &str) -> bool {
        self.skipped_keys.contains(key)
            || self.erased.iter().any(|(id, _)| key.contains(id.as_str()))
    }

    #[allow(clippy::too_many_arguments)]
    fn map(
        &self,
        base: &Automerge,
        base_obj: Option<&ObjId>,
        mine: &Automerge,
        mine_obj: &ObjId,
        tx: &mut automerge::transaction::Transaction<'_>,
        target: &ObjId,
        carried: &mut CarriedOver,
    ) -> Result<(), CommandError> {
        let mut keys: BTreeSet<String> = mine.keys(mine_obj).collect();
        if let Some(base_obj) = base_obj {
            keys.extend(base.keys(base_obj));
        }
        for key in keys {
            if self.key_skipped(&key) {
                if mine.get(mine_obj, key.as_str())?.is_some() {
                    carried.left_behind += 1;
                }
                continue;
            }
            let before = match base_obj {
                Some(obj) => base.get(obj, key.as_str())?,
                None => None,
            };
            let now = mine.get(mine_obj, key.as_str())?;
            match (before, now) {
                (None, None) => {}
                (Some(_), None) => {
                    if tx.get(target, key.as_str())?.is_some() {
                        tx.delete(target, key.as_str())?;
                        carried.values += 1;
                    }
                }
                (before, Some((Value::Scalar(value), _))) => {
                    let unchanged =
                        matches!(&before, Some((Value::Scalar(old), _)) if *old == value);
                    if unchanged {
                        continue;
                    }
                    if self.scalar_names_erased(&value) {
                        carried.left_behind += 1;
                        continue;
                    }
                    tx.put(target, key.as_str(), value.into_owned())?;
                    carried.values += 1;
                }
                (before, Some((Value::Object(ObjType::Map | ObjType::Table), mine_child))) => {
                    let base_child = match before {
                        Some((Value::Object(ObjType::Map | ObjType::Table), child)) => Some(child),
                        _ => None,
                    };
                    if base_child.is_none() && self.object_names_erased(mine, &mine_child)? {
                        carried.left_behind += 1;
                        continue;
                    }
                    let target_child = match tx.get(target, key.as_str())? {
                        Some((Value::Object(ObjType::Map | ObjType::Table), child)) => child,
                        _ => tx.put_object(target, key.as_str(), ObjType::Map)?,
                    };
                    self.map(
                        base,
                        base_child.as_ref(),
                        mine,
                        &mine_child,
                        tx,
                        &target_child,
                        carried,
                    )?;
                }
                (before, Some((Value::Object(kind), mine_child))) => {
                    // A list or text changed: the whole value as it is here.
                    let same = match &before {
                        Some((Value::Object(_), base_child)) => {
                            render(base, base_child) == render(mine, &mine_child)
                        }
                        _ => false,
                    };
                    if same {
                        continue;
                    }
                    if self.object_names_erased(mine, &mine_child)? {
                        carried.left_behind += 1;
                        continue;
                    }
                    let copy = tx.put_object(target, key.as_str(), kind)?;
                    copy_object(mine, &mine_child, tx, &copy)?;
                    carried.values += 1;
                }
            }
        }
        Ok(())
    }

    fn scalar_names_erased(&self, value: &ScalarValue) -> bool {
        match value {
            ScalarValue::Str(text) => self.names_erased(text),
            _ => false,
        }
    }

    fn object_names_erased(&self, doc: &Automerge, obj: &ObjId) -> Result<bool, CommandError> {
        Ok(self.names_erased(&render(doc, obj)))
    }
}

/// An object's contents as text, to compare and search.
fn render(doc: &Automerge, obj: &ObjId) -> String {
    let mut out = String::new();
    render_into(doc, obj, &mut out);
    out
}

fn render_into(doc: &Automerge, obj: &ObjId, out: &mut String) {
    match doc.object_type(obj) {
        Ok(ObjType::Map | ObjType::Table) => {
            for key in doc.keys(obj) {
                out.push_str(&key);
                out.push('=');
                if let Ok(Some((value, child))) = doc.get(obj, key.as_str()) {
                    render_value(doc, value, &child, out);
                }
                out.push(';');
            }
        }
        Ok(ObjType::Text) => {
            if let Ok(text) = doc.text(obj) {
                out.push_str(&text);
            }
        }
        Ok(ObjType::List) => {
            for index in 0..doc.length(obj) {
                if let Ok(Some((value, child))) = doc.get(obj, index) {
                    render_value(doc, value, &child, out);
                }
                out.push(',');
            }
        }
        Err(_) => {}
    }
}

fn render_value(doc: &Automerge, value: Value<'_>, child: &ObjId, out: &mut String) {
    match value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(text) => out.push_str(text),
            other => out.push_str(&other.to_string()),
        },
        Value::Object(_) => {
            out.push('{');
            render_into(doc, child, out);
            out.push('}');
        }
    }
}

/// Copies an object from `doc` into a new, empty object of the target.
fn copy_object(
    doc: &Automerge,
    obj: &ObjId,
    tx: &mut automerge::transaction::Transaction<'_>,
    target: &ObjId,
) -> Result<(), CommandError> {
    match doc.object_type(obj)? {
        ObjType::Text => {
            let text = doc.text(obj)?;
            tx.splice_text(target, 0, 0, &text)?;
        }
        ObjType::List => {
            for index in 0..doc.length(obj) {
                match doc.get(obj, index)? {
                    Some((Value::Scalar(value), _)) => {
                        tx.insert(target, index, value.into_owned())?;
                    }
                    Some((Value::Object(kind), child)) => {
                        let copy = tx.insert_object(target, index, kind)?;
                        copy_object(doc, &child, tx, &copy)?;
                    }
                    None => {}
                }
            }
        }
        ObjType::Map | ObjType::Table => {
            for key in doc.keys(obj) {
                match doc.get(obj, key.as_str())? {
                    Some((Value::Scalar(value), _)) => {
                        tx.put(target, key.as_str(), value.into_owned())?;
                    }
                    Some((Value::Object(kind), child)) => {
                        let copy = tx.put_object(target, key.as_str(), kind)?;
                        copy_object(doc, &child, tx, &copy)?;
                    }
                    None => {}
                }
            }
        }
    }
    Ok(())
}
