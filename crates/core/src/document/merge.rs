//! Passing a programme between coordinators: export to an exchange file,
//! join from an invitation, preview what a partner's file brings, merge it.
//!
//! Merging never guesses. A file for another programme, or one whose
//! programme grew from another genesis (a programme of the same name made
//! separately), is refused; a file that builds on changes this browser has
//! not received is refused too, and the local programme is untouched. After
//! a merge only the entities named in Automerge's patches are hydrated again.
//!
//! A file of changes is previewed from the changes' metadata alone (who
//! changed what, and whether they fit onto this programme's history): a
//! partner's 10,000 changes read in a fraction of what merging them into
//! a copy of a large programme takes. That merge, and the reading and
//! checking below, then happen when the coordinator merges, a few changes
//! at a time (`document::stepped`).
//!
//! What a partner sends is input: the merged entities are read and checked
//! as a command checks typed values (`rules::received`) before anything
//! here changes, and a change that would set the document's format to one
//! this version cannot read, or that does not read as a programme, is
//! refused with a message. Nothing a partner sends can make a programme
//! unopenable. The rules a merge can break together are not refused: they
//! are the conflict list (`document::conflicts`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use automerge::{
    ActorId, Automerge, Change, ChangeHash, Patch, PatchAction, PatchLog, Prop, ReadDoc,
};
use autosurgeon::hydrate_prop;

use crate::document::changes::{holds, known_heads, merge_into_logged, note_of, notes_of};
use crate::document::chunks::{chunks, Chunk};
use crate::document::exchange::{Contents, ExchangeError, ExchangeFile};
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{
    hydrate_entity, ATTENDANCE, EVENTS, PARTNERS, PEOPLE, PROGRAMME, TANDEMS,
};
use crate::document::stepped::received;
use crate::document::{ChangeNote, LoadError};
use crate::rules::error::CommandError;
use crate::rules::received::check_received;

/// What a partner's file would bring, shown before it is merged.
#[derive(Debug, Clone)]
pub struct MergePreview {
    prepared: Prepared,
    /// The changes this browser has not seen, oldest first.
    pub changes: Vec<ChangeNote>,
    /// The heads of the document the file was made from.
    pub file_heads: Vec<ChangeHash>,
    /// The heads of the programme here when the preview was made.
    base: Vec<ChangeHash>,
}

/// A partner's file being read for its preview, a few changes at a time
/// ([`ProgrammeDocument::preview_in_steps`]). Each change is parsed and its
/// checksum checked (about 10 µs each natively); nothing is applied.
#[derive(Debug)]
pub struct PreviewSteps<'f> {
    file: &'f ExchangeFile,
    file_heads: Vec<ChangeHash>,
    /// How many bytes of the body are read.
    read: usize,
    /// The changes read, each once, in the file's order.
    changes: Vec<Change>,
    seen: HashSet<ChangeHash>,
    /// False once the body held something other than changes (a whole
    /// document, damaged bytes): only merging it into a copy tells.
    only_changes: bool,
}

impl PreviewSteps<'_> {
    /// Changes read in one step (a change of many operations takes
    /// milliseconds on its own).
    const CHANGES_PER_STEP: usize = 16;

    /// Reads the next few changes. True once the body is read.
    pub fn step(&mut self) -> bool {
        if !self.only_changes {
            return true;
        }
        let body = self.file.body.get(self.read..).unwrap_or_default();
        let mut chunks = chunks(body);
        for _ in 0..Self::CHANGES_PER_STEP {
            match chunks.next() {
                None => break,
                Some(Ok(Chunk::Change(change))) => {
                    if self.seen.insert(change.hash()) {
                        self.changes.push(*change);
                    }
                }
                Some(_) => {
                    self.only_changes = false;
                    return true;
                }
            }
        }
        self.read = self.file.body.len() - chunks.left();
        self.read == self.file.body.len()
    }
}

/// How far a preview went.
#[derive(Debug, Clone)]
enum Prepared {
    /// Changes read from their metadata only: what they do to the
    /// programme is read and checked by [`merge`](ProgrammeDocument::merge).
    Read {
        /// The changes the programme here lacks, in the order they apply.
        changes: Vec<Change>,
        /// The actor of each of them.
        actors: Vec<ActorId>,
    },
    /// Merged into a copy (a whole document), read and checked.
    Merged(Box<Merged>),
}

/// The file merged into a copy of the programme, read and checked.
#[derive(Debug, Clone)]
struct Merged {
    candidate: Automerge,
    /// The merged programme and where it changed; none if the file brings
    /// nothing.
    read: Option<(crate::model::programme::Programme, Reach)>,
}

impl MergePreview {
    /// The changes the programme lacks (in the order they apply) and the
    /// file's heads; the preview itself if it is not only changes. No
    /// changes at all if merging would bring nothing.
    pub(crate) fn into_changes(self) -> Result<(Vec<Change>, Vec<ChangeHash>), Self> {
        match self.prepared {
            Prepared::Read { changes, .. } => Ok((changes, self.file_heads)),
            Prepared::Merged(_) => Err(self),
        }
    }

    /// Whether merging would change nothing (the file was merged before).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the file holds a change made under an actor of the device
    /// `device` ([`device_actor`](crate::document::provenance::device_actor)) that the programme
    /// here lacks. Only that device writes under its actors and it holds
    /// all it wrote, so such a change is someone else's under its name:
    /// merged and pushed from here, the device's signature would vouch for
    /// it.
    pub fn claims_device(&self, device: &[u8]) -> bool {
        let Some(prefix) = device.get(..crate::document::provenance::DEVICE_PREFIX) else {
            return false;
        };
        match &self.prepared {
            Prepared::Read { actors, .. } => actors
                .iter()
                .any(|actor| actor.to_bytes().starts_with(prefix)),
            Prepared::Merged(merged) => merged
                .candidate
                .get_changes_meta(&self.base)
                .iter()
                .any(|change| change.actor.to_bytes().starts_with(prefix)),
        }
    }
}

/// The order Automerge applies new changes in (and lists them after):
/// first those whose dependencies are all here, in the order received,
/// then each as the last of its dependencies is applied. Every dependency
/// is here or among `new` (whose hashes are `hashes`).
fn applied_order(new: &[Change], hashes: &HashSet<ChangeHash>) -> Vec<usize> {
    let mut unsatisfied = vec![0usize; new.len()];
    let mut waiting_on: HashMap<ChangeHash, Vec<usize>> = HashMap::new();
    for (index, change) in new.iter().enumerate() {
        for dep in change.deps().iter().filter(|dep| hashes.contains(dep)) {
            unsatisfied[index] += 1;
            waiting_on.entry(*dep).or_default().push(index);
        }
    }
    let mut ready: VecDeque<usize> = (0..new.len())
        .filter(|&index| unsatisfied[index] == 0)
        .collect();
    let mut order = Vec::with_capacity(new.len());
    while let Some(index) = ready.pop_front() {
        order.push(index);
        for dependent in waiting_on.remove(&new[index].hash()).into_iter().flatten() {
            unsatisfied[dependent] -= 1;
            if unsatisfied[dependent] == 0 {
                ready.push_back(dependent);
            }
        }
    }
    order
}

/// The notes of the changes a file brings, oldest first, the actor of
/// each of them, and the changes themselves in the order they apply.
type Listed = (Vec<ChangeNote>, Vec<ActorId>, Vec<Change>);

/// Which part of the programme changed, from a patch's path.
enum Part {
    Programme,
    Entity(&'static str, String),
    /// One person's line in one event's attendance list.
    Attendance(String, String),
    Everything,
}

impl ProgrammeDocument {
    /// The document's heads: the exact state it is in.
    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Takes the current state as stored: the next
    /// [`save_incremental`](Self::save_incremental) starts from here. For
    /// changes another tab has already stored.
    pub fn mark_saved(&mut self) {
        self.saved_heads = self.doc.get_heads();
        self.merged_chunk = None;
    }

    /// The changes after `heads` (those of them this document knows), in
    /// the form [`merge_bytes`](Self::merge_bytes) reads.
    pub fn save_after(&self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(&known_heads(&self.doc, heads))
    }

    /// How many changes came after `heads`.
    pub fn count_after(&self, heads: &[ChangeHash]) -> usize {
        self.doc
            .get_changes_meta(&known_heads(&self.doc, heads))
            .len()
    }

    /// Whether the document already holds every change up to `heads`.
    pub fn has_seen(&self, heads: &[ChangeHash]) -> bool {
        heads.iter().all(|hash| holds(&self.doc, hash))
    }

    /// An exchange file. For [`Contents::Changes`], only the changes after
    /// `seen` (what the partner is known to have) are in it.
    pub fn export(
        &self,
        by: &str,
        at: i64,
        contains: Contents,
        seen: &[ChangeHash],
    ) -> ExchangeFile {
        let body = match contains {
            Contents::Changes => self.doc.save_after(&known_heads(&self.doc, seen)),
            Contents::Whole | Contents::Invite => self.doc.save(),
        };
        let heads = self.doc.get_heads().iter().map(|h| h.to_string()).collect();
        let mut file = ExchangeFile::new(
            self.id(),
            &self.programme.name,
            contains,
            by,
            at,
            heads,
            body,
        );
        let generation = self.generation();
        file.header.generation = Some(generation.id);
        file.header.retires = generation.retired;
        file
    }

    /// Joins a programme from an invitation (or any whole-programme file).
    pub fn join(file: &ExchangeFile) -> Result<Self, ExchangeError> {
        if file.header.contains == Contents::Changes {
            return Err(ExchangeError::MissingEarlierChanges);
        }
        let expected = file.programme()?;
        let document = ProgrammeDocument::load(&file.body).map_err(|error| match error {
            LoadError::TooNew(format) => {
                ExchangeError::TooNew(u32::try_from(format).unwrap_or(u32::MAX))
            }
            _ => ExchangeError::Damaged,
        })?;
        if document.id() != expected {
            return Err(ExchangeError::Damaged);
        }
        Ok(document)
    }

    /// What merging the file would bring, or why it is refused.
    pub fn preview(&self, file: &ExchangeFile) -> Result<MergePreview, ExchangeError> {
        let mut steps = self.preview_in_steps(file)?;
        while !steps.step() {}
        self.finish_preview(steps)
    }

    /// [`preview`](Self::preview) a few changes at a time, so that a page
    /// can draw between the steps: the file is checked against this
    /// programme at once, its changes are read by
    /// [`PreviewSteps::step`], and [`finish_preview`](Self::finish_preview)
    /// tells what this programme lacks of them, as it stands then.
    ///
    /// # Errors
    /// As [`preview`](Self::preview), for what is told from the file's
    /// header.
    pub fn preview_in_steps<'f>(
        &self,
        file: &'f ExchangeFile,
    ) -> Result<PreviewSteps<'f>, ExchangeError> {
        if file.programme()? != self.id() {
            return Err(ExchangeError::OtherProgramme(
                file.header.programme_name.clone(),
            ));
        }
        crate::document::generation::check_file(self, file)?;
        // A body damaged behind a valid checksum loads only in part, and
        // Automerge says nothing: a head the file names that the merge
        // lacks gives it away.
        let file_heads: Vec<ChangeHash> = file
            .header
            .heads
            .iter()
            .map(|hash| hash.parse().map_err(|_| ExchangeError::Damaged))
            .collect::<Result<_, _>>()?;
        Ok(PreviewSteps {
            file,
            file_heads,
            read: 0,
            changes: Vec::new(),
            seen: HashSet::new(),
            only_changes: true,
        })
    }

    /// What the file read by `steps` would bring to this programme, read
    /// to its end first if the steps were not.
    ///
    /// # Errors
    /// As [`preview`](Self::preview).
    pub fn finish_preview(
        &self,
        mut steps: PreviewSteps<'_>,
    ) -> Result<MergePreview, ExchangeError> {
        while !steps.step() {}
        let file_heads = steps.file_heads;
        if steps.only_changes {
            let (notes, actors, changes) = self.list_changes(steps.changes, &file_heads)?;
            return Ok(MergePreview {
                prepared: Prepared::Read { changes, actors },
                changes: notes,
                file_heads,
                base: self.doc.get_heads(),
            });
        }
        let base = self.doc.get_heads();
        let (merged, changes) = self.prepare(&steps.file.body, &file_heads)?;
        Ok(MergePreview {
            prepared: Prepared::Merged(Box::new(merged)),
            changes,
            file_heads,
            base,
        })
    }

    /// The notes and actors of the changes read from a file that this
    /// programme lacks, and those changes in the order they apply. Refused
    /// as a merge would refuse them: changes built on changes neither here
    /// nor in the file, a second genesis, a head of the file found nowhere.
    fn list_changes(
        &self,
        read: Vec<Change>,
        file_heads: &[ChangeHash],
    ) -> Result<Listed, ExchangeError> {
        let new: Vec<Change> = read
            .into_iter()
            .filter(|change| !holds(&self.doc, &change.hash()))
            .collect();
        let hashes: HashSet<ChangeHash> = new.iter().map(Change::hash).collect();
        // Two changes of one actor with the same number: Automerge refuses
        // the bytes.
        let mut numbers = HashSet::new();
        if !new
            .iter()
            .all(|change| numbers.insert((change.actor_id(), change.seq())))
        {
            return Err(ExchangeError::Damaged);
        }
        let lacking = |hash: &ChangeHash| !holds(&self.doc, hash) && !hashes.contains(hash);
        if new.iter().any(|change| change.deps().iter().any(&lacking)) {
            return Err(ExchangeError::MissingEarlierChanges);
        }
        // The programme here grew from its own genesis: another one in the
        // file is a separately made document.
        if new.iter().any(|change| change.deps().is_empty()) {
            return Err(ExchangeError::NoCommonHistory);
        }
        if file_heads.iter().any(lacking) {
            return Err(ExchangeError::Damaged);
        }
        let order = applied_order(&new, &hashes);
        let changes = order
            .iter()
            .filter_map(|&index| {
                let change = &new[index];
                note_of(
                    change.message(),
                    change.timestamp(),
                    &change.hash(),
                    change.actor_id(),
                    change.seq(),
                )
            })
            .collect();
        let actors = new.iter().map(|change| change.actor_id().clone()).collect();
        let mut unordered: Vec<Option<Change>> = new.into_iter().map(Some).collect();
        let ordered = order
            .iter()
            .filter_map(|&index| unordered.get_mut(index).and_then(Option::take))
            .collect();
        Ok((changes, actors, ordered))
    }

    /// Merges the changes into a copy, reads what they changed and checks
    /// it as input: the programme here is not touched until
    /// [`merge`](Self::merge), and not at all if the changes are refused.
    fn prepare(
        &self,
        body: &[u8],
        file_heads: &[ChangeHash],
    ) -> Result<(Merged, Vec<ChangeNote>), ExchangeError> {
        let mut candidate = self.doc.clone();
        let mut log = PatchLog::active();
        merge_into_logged(&mut candidate, body, &mut log)?;
        if file_heads.iter().any(|hash| !holds(&candidate, hash)) {
            return Err(ExchangeError::Damaged);
        }
        let base = self.doc.get_heads();
        let changes = notes_of(&candidate.get_changes_meta(&base));
        if changes.is_empty() && candidate.get_heads() == base {
            return Ok((
                Merged {
                    candidate,
                    read: None,
                },
                changes,
            ));
        }
        // Nothing a partner sends may make the programme unopenable: a
        // format this version cannot read, or data that does not read as
        // a programme, is refused here.
        check_merged_format(&candidate)?;
        let mut trial = ProgrammeDocument {
            doc: candidate,
            saved_heads: Vec::new(),
            programme: self.programme.clone(),
            concurrent: Vec::new(),
            merged_chunk: None,
        };
        let patches = trial.doc.make_patches(&mut log);
        let reach = trial.refresh_with(patches).map_err(not_a_programme)?;
        check_received(&self.programme, &trial.programme)
            .map_err(|refused| ExchangeError::Refused(refused.to_string()))?;
        Ok((
            Merged {
                candidate: trial.doc,
                read: Some((trial.programme, reach)),
            },
            changes,
        ))
    }

    /// Merges a previewed file. Returns how many changes it brought.
    /// Changes previewed from their metadata are merged into a copy, read
    /// and checked here first ([`merge_in_steps`](Self::merge_in_steps),
    /// run to the end): refused, they change nothing.
    pub fn merge(&mut self, preview: MergePreview) -> Result<usize, CommandError> {
        let preview = match self.merge_in_steps(preview) {
            Ok(steps) => return self.finish_merge(steps),
            Err(preview) => preview,
        };
        let MergePreview {
            prepared,
            changes,
            file_heads,
            base,
        } = preview;
        let Prepared::Merged(merged) = prepared else {
            return Ok(0);
        };
        if base == self.doc.get_heads() {
            return Ok(self.take_merged(*merged, changes.len()));
        }
        // The programme may have moved on since the preview (a command, a
        // live delivery): the file's changes are then read again on top.
        self.merge_read_again(&merged.candidate.save_after(&base), &file_heads)
    }

    /// Merges `bytes` into a copy, reads and checks it, and takes it in.
    fn merge_read_again(
        &mut self,
        bytes: &[u8],
        file_heads: &[ChangeHash],
    ) -> Result<usize, CommandError> {
        let (merged, changes) = self.prepare(bytes, file_heads).map_err(received)?;
        Ok(self.take_merged(merged, changes.len()))
    }

    /// Takes in a merged copy; returns `count`, or 0 if it brought nothing.
    fn take_merged(&mut self, merged: Merged, count: usize) -> usize {
        let Some((programme, reach)) = merged.read else {
            return 0;
        };
        self.doc = merged.candidate;
        self.programme = programme;
        self.find_concurrent_values_in(&reach);
        count
    }

    /// Merges changes from another copy of the same programme (another
    /// tab's chunk). Unknown or foreign bytes are refused untouched.
    pub fn merge_bytes(&mut self, bytes: &[u8]) -> Result<usize, ExchangeError> {
        let (merged, changes) = self.prepare(bytes, &[])?;
        Ok(self.take_merged(merged, changes.len()))
    }

    /// Hydrates again what changed since `before`, as Automerge's patches
    /// name it, and says where that was.
    pub(crate) fn refresh_since(&mut self, before: &[ChangeHash]) -> Result<Reach, LoadError> {
        let after = self.doc.get_heads();
        let patches = self.doc.diff(before, &after);
        self.refresh_with(patches)
    }

    /// Hydrates again what `patches` name (what happened to the
    /// document's state) and says where that was.
    fn refresh_with(&mut self, patches: Vec<Patch>) -> Result<Reach, LoadError> {
        let mut touched = Touched::default();
        touched.note(patches);
        let reach = touched.reach();
        let Some(programme_obj) = self.refresh_whole(&reach)? else {
            return Ok(reach);
        };
        for touch in reach.touches() {
            self.refresh_touch(&programme_obj, &touch)?;
        }
        Ok(reach)
    }

    /// Hydrates again the programme whole, or its own fields, as far as
    /// `reach` says. Returns the programme's object when entities are
    /// left to read one by one ([`refresh_touch`](Self::refresh_touch)).
    pub(crate) fn refresh_whole(
        &mut self,
        reach: &Reach,
    ) -> Result<Option<automerge::ObjId>, LoadError> {
        let Reach::Parts {
            programme_fields, ..
        } = reach
        else {
            self.programme = hydrate_prop(&self.doc, automerge::ROOT, PROGRAMME)
                .map_err(|_| LoadError::NotAProgramme)?;
            return Ok(None);
        };
        let programme_obj = match self.doc.get(automerge::ROOT, PROGRAMME) {
            Ok(Some((_, id))) => id,
            _ => return Err(LoadError::NotAProgramme),
        };
        if *programme_fields {
            // Scalars and small maps at the top: cheap to read again whole,
            // keeping the collections already in memory.
            let mut fresh: crate::model::programme::Programme =
                hydrate_prop(&self.doc, automerge::ROOT, PROGRAMME)
                    .map_err(|_| LoadError::NotAProgramme)?;
            std::mem::swap(&mut fresh.people, &mut self.programme.people);
            std::mem::swap(&mut fresh.tandems, &mut self.programme.tandems);
            std::mem::swap(&mut fresh.partners, &mut self.programme.partners);
            std::mem::swap(&mut fresh.events, &mut self.programme.events);
            self.programme = fresh;
        }
        Ok(Some(programme_obj))
    }

    /// Hydrates again one entity, or one attendance line, a merge reached.
    pub(crate) fn refresh_touch(
        &mut self,
        programme_obj: &automerge::ObjId,
        touch: &Touch,
    ) -> Result<(), LoadError> {
        let (doc, programme) = (&self.doc, &mut self.programme);
        match touch {
            Touch::Entity(EVENTS, key) => {
                refresh_entry(doc, programme_obj, EVENTS, key, &mut programme.events)
            }
            Touch::Entity(PEOPLE, key) => {
                refresh_entry(doc, programme_obj, PEOPLE, key, &mut programme.people)
            }
            Touch::Entity(TANDEMS, key) => {
                refresh_entry(doc, programme_obj, TANDEMS, key, &mut programme.tandems)
            }
            Touch::Entity(_, key) => {
                refresh_entry(doc, programme_obj, PARTNERS, key, &mut programme.partners)
            }
            Touch::Mark(event, person) => {
                let (Ok(event), Ok(person)) = (event.parse(), person.parse()) else {
                    return Ok(());
                };
                crate::document::schema::refresh_attendance(
                    doc,
                    programme_obj,
                    programme,
                    event,
                    person,
                )
                .map_err(|_| LoadError::NotAProgramme)
            }
        }
    }
}

/// Refuses merged changes that would make the programme unopenable: a
/// document format this version cannot read, or no programme at all.
pub(crate) fn check_merged_format(doc: &Automerge) -> Result<(), ExchangeError> {
    ProgrammeDocument::check_format(doc).map_err(|error| {
        ExchangeError::Refused(match error {
            LoadError::TooNew(format) => format!(
                "the changes set the document's format to {format}, which this version cannot read"
            ),
            other => other.to_string(),
        })
    })
}

/// Refuses merged changes whose data does not read as a programme.
pub(crate) fn not_a_programme(_: LoadError) -> ExchangeError {
    ExchangeError::Refused("the changes hold data that does not read as a programme".into())
}

/// Reads one entity of a collection again after a merge, or drops it when
/// the merge removed it. Keys that are not ids are left alone.
fn refresh_entry<K: std::str::FromStr + Ord, V: autosurgeon::Hydrate>(
    doc: &Automerge,
    programme_obj: &automerge::ObjId,
    collection: &str,
    key: &str,
    entries: &mut BTreeMap<K, V>,
) -> Result<(), LoadError> {
    let Ok(id) = key.parse() else {
        return Ok(());
    };
    let present = matches!(
        doc.get(programme_obj, collection),
        Ok(Some((_, ref map))) if matches!(doc.get(map, key), Ok(Some(_)))
    );
    if present {
        let entry = hydrate_entity(doc, programme_obj, collection, key)
            .map_err(|_| LoadError::NotAProgramme)?;
        entries.insert(id, entry);
    } else {
        entries.remove(&id);
    }
    Ok(())
}

/// Where a merge changed the programme: everywhere, or the programme's own
/// fields and some entities (collection, key).
#[derive(Debug, Clone)]
pub(crate) enum Reach {
    Everything,
    Parts {
        programme_fields: bool,
        entities: BTreeSet<(&'static str, String)>,
        /// Attendance lines (event, person) of events not in `entities`.
        marks: BTreeSet<(String, String)>,
    },
}

impl Reach {
    /// The entities and attendance lines reached, each to be read again
    /// on its own: entities first, then lines, each in order.
    pub(crate) fn touches(&self) -> Vec<Touch> {
        let Reach::Parts {
            entities, marks, ..
        } = self
        else {
            return Vec::new();
        };
        entities
            .iter()
            .map(|(collection, key)| Touch::Entity(collection, key.clone()))
            .chain(
                marks
                    .iter()
                    .map(|(event, person)| Touch::Mark(event.clone(), person.clone())),
            )
            .collect()
    }
}

/// One place a merge reached, read again on its own.
#[derive(Debug, Clone)]
pub(crate) enum Touch {
    /// An entity of a collection (collection, key).
    Entity(&'static str, String),
    /// One person's line in one event's attendance list (event, person).
    Mark(String, String),
}

/// Where Automerge's patches reached, gathered over one batch of changes
/// or several.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    everything: bool,
    programme_fields: bool,
    entities: BTreeSet<(&'static str, String)>,
    marks: BTreeSet<(String, String)>,
}

impl Touched {
    /// Notes where `patches` (what happened to the document's state) were.
    pub(crate) fn note(&mut self, patches: Vec<Patch>) {
        for patch in patches {
            let mut props: Vec<String> = patch
                .path
                .iter()
                .map(|(_, prop)| match prop {
                    Prop::Map(key) => key.clone(),
                    Prop::Seq(index) => index.to_string(),
                })
                .collect();
            match &patch.action {
                PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                    props.push(key.clone())
                }
                PatchAction::Conflict {
                    prop: Prop::Map(key),
                } => props.push(key.clone()),
                _ => {}
            }
            match classify(&props) {
                Part::Programme => self.programme_fields = true,
                Part::Entity(collection, key) => {
                    self.entities.insert((collection, key));
                }
                Part::Attendance(event, person) => {
                    self.marks.insert((event, person));
                }
                Part::Everything => self.everything = true,
            }
        }
    }

    /// Where that was. The lines of an event read whole are left out.
    pub(crate) fn reach(self) -> Reach {
        let Touched {
            everything,
            programme_fields,
            entities,
            mut marks,
        } = self;
        if everything {
            return Reach::Everything;
        }
        marks.retain(|(event, _)| !entities.contains(&(EVENTS, event.clone())));
        Reach::Parts {
            programme_fields,
            entities,
            marks,
        }
    }
}

fn classify(props: &[String]) -> Part {
    match props {
        [] => Part::Everything,
        [root] if root == PROGRAMME => Part::Everything,
        [root, ..] if root != PROGRAMME => Part::Programme,
        [_, collection] if is_collection(collection) => Part::Everything,
        [_, collection, event, list, person, ..] if collection == EVENTS && list == ATTENDANCE => {
            Part::Attendance(event.clone(), person.clone())
        }
        [_, collection, key, ..] if is_collection(collection) => {
            Part::Entity(collection_name(collection), key.clone())
        }
        _ => Part::Programme,
    }
}

fn is_collection(name: &str) -> bool {
    name == PEOPLE || name == TANDEMS || name == PARTNERS || name == EVENTS
}

fn collection_name(name: &str) -> &'static str {
    match name {
        PEOPLE => PEOPLE,
        TANDEMS => TANDEMS,
        EVENTS => EVENTS,
        _ => PARTNERS,
    }
}
