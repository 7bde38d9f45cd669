//! The programme document: an Automerge document holding one programme.
//!
//! Layout at the root: `format` (the document format version) and
//! `programme` (the [`Programme`]). Every change carries a message naming
//! the coordinator and the command, so the history can say who did what.

use automerge::{
    transaction::{CommitOptions, Transactable},
    Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ROOT,
};
use autosurgeon::{hydrate_prop, reconcile_prop};
use serde::{Deserialize, Serialize};

use crate::command::{check_dates, clean_name};
use crate::{
    Author, Command, CommandError, CoordinatorId, NewProgramme, Partner, PartnerId, Programme,
    ProgrammeId,
};

/// The document format this version of Tandem writes and reads.
pub const FORMAT_VERSION: u64 = 1;

const FORMAT: &str = "format";
const PROGRAMME: &str = "programme";
const PARTNERS: &str = "partners";

/// Why stored or received bytes are not a programme this version can open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("the data is damaged and cannot be read as a programme")]
    Damaged,
    #[error("the data is not a Tandem programme")]
    NotAProgramme,
    #[error("the programme was written by a newer version of Tandem (format {0})")]
    TooNew(u64),
}

impl LoadError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Damaged => "damaged",
            LoadError::NotAProgramme => "not-a-programme",
            LoadError::TooNew(_) => "too-new",
        }
    }
}

/// Who made one change and what it was, read from the change message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeNote {
    /// The coordinator's id, as text so that old or foreign messages still read.
    pub by: String,
    /// The coordinator's name at the time of the change.
    pub name: String,
    /// The command's code.
    pub command: String,
    /// Seconds since 1970 when the change was made, as the author's clock said.
    #[serde(skip)]
    pub at: i64,
}

/// One programme's Automerge document and the commands that change it.
#[derive(Debug, Clone)]
pub struct ProgrammeDocument {
    doc: Automerge,
    /// Heads at the last [`save`](Self::save) or
    /// [`save_incremental`](Self::save_incremental).
    saved_heads: Vec<ChangeHash>,
}

impl ProgrammeDocument {
    /// Starts a programme: the genesis document every partner will share.
    pub fn create(author: &Author, new: NewProgramme) -> Result<Self, CommandError> {
        Self::create_at(author, 0, new)
    }

    /// Like [`create`](Self::create), with the time of the change in seconds
    /// since 1970.
    pub fn create_at(author: &Author, at: i64, new: NewProgramme) -> Result<Self, CommandError> {
        let name = clean_name(&new.name, CommandError::NameMissing)?;
        check_dates(new.start, new.end)?;
        let mut partners = std::collections::BTreeMap::new();
        for partner in &new.partners {
            let partner_name = clean_name(partner, CommandError::PartnerNameMissing)?;
            check_partner_is_new(partners.values(), &partner_name)?;
            partners.insert(PartnerId::random(), Partner { name: partner_name });
        }
        let programme = Programme {
            id: ProgrammeId::random(),
            name,
            kind: new.kind,
            start: new.start,
            end: new.end,
            partners,
        };
        let mut doc = Automerge::new();
        doc.transact_with(
            |_| commit_options(author, at, "create-programme"),
            |tx| {
                tx.put(ROOT, FORMAT, FORMAT_VERSION)?;
                reconcile_prop(tx, ROOT, PROGRAMME, &programme)?;
                Ok::<_, CommandError>(())
            },
        )
        .map_err(|failure| failure.error)?;
        Ok(Self {
            doc,
            saved_heads: Vec::new(),
        })
    }

    /// Opens a programme from bytes written by [`save`](Self::save), followed
    /// by any number of [`save_incremental`](Self::save_incremental) chunks.
    pub fn load(bytes: &[u8]) -> Result<Self, LoadError> {
        let doc = Automerge::load(bytes).map_err(|_| LoadError::Damaged)?;
        let format = match doc.get(ROOT, FORMAT) {
            Ok(Some((value, _))) => value.as_u64().ok_or(LoadError::NotAProgramme)?,
            Ok(None) => return Err(LoadError::NotAProgramme),
            Err(_) => return Err(LoadError::Damaged),
        };
        if format > FORMAT_VERSION {
            return Err(LoadError::TooNew(format));
        }
        let saved_heads = doc.get_heads();
        let document = Self { doc, saved_heads };
        document.programme()?;
        Ok(document)
    }

    /// The programme as it stands.
    pub fn programme(&self) -> Result<Programme, LoadError> {
        hydrate_prop(&self.doc, ROOT, PROGRAMME).map_err(|_| LoadError::NotAProgramme)
    }

    /// The programme's id, without reading the rest.
    pub fn id(&self) -> Result<ProgrammeId, LoadError> {
        let programme = self.programme_obj().map_err(|_| LoadError::NotAProgramme)?;
        hydrate_prop(&self.doc, &programme, "id").map_err(|_| LoadError::NotAProgramme)
    }

    /// Applies one coordinator's command in one transaction, or refuses it
    /// and leaves the document untouched.
    pub fn apply(
        &mut self,
        author: &Author,
        at: i64,
        command: Command,
    ) -> Result<(), CommandError> {
        let current = self
            .programme()
            .map_err(|error| CommandError::Document(error.to_string()))?;
        let programme_obj = self.programme_obj()?;
        let code = command.code();
        self.doc
            .transact_with(
                |_| commit_options(author, at, code),
                |tx| match command {
                    Command::Rename { name } => {
                        let name = clean_name(&name, CommandError::NameMissing)?;
                        reconcile_prop(tx, &programme_obj, "name", &name)?;
                        Ok(())
                    }
                    Command::SetDates { start, end } => {
                        check_dates(start, end)?;
                        reconcile_prop(tx, &programme_obj, "start", start)?;
                        reconcile_prop(tx, &programme_obj, "end", end)?;
                        Ok(())
                    }
                    Command::AddPartner { id, name } => {
                        let name = clean_name(&name, CommandError::PartnerNameMissing)?;
                        check_partner_is_new(current.partners.values(), &name)?;
                        let partners = map_at(tx, &programme_obj, PARTNERS)?;
                        reconcile_prop(tx, &partners, id.to_string().as_str(), &Partner { name })?;
                        Ok(())
                    }
                    Command::RenamePartner { id, name } => {
                        let name = clean_name(&name, CommandError::PartnerNameMissing)?;
                        if !current.partners.contains_key(&id) {
                            return Err(CommandError::UnknownPartner);
                        }
                        check_partner_is_new(
                            current
                                .partners
                                .iter()
                                .filter(|(other, _)| **other != id)
                                .map(|(_, partner)| partner),
                            &name,
                        )?;
                        let partners = map_at(tx, &programme_obj, PARTNERS)?;
                        let partner = map_at(tx, &partners, &id.to_string())?;
                        reconcile_prop(tx, &partner, "name", &name)?;
                        Ok(())
                    }
                },
            )
            .map(|_| ())
            .map_err(|failure| failure.error)
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.saved_heads = self.doc.get_heads();
        self.doc.save()
    }

    /// The changes since the last save, to append to stored chunks. Empty if
    /// nothing changed.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved_heads);
        self.saved_heads = self.doc.get_heads();
        bytes
    }

    /// The document's current heads as one short text, naming this exact
    /// state (storage keys use it).
    pub fn heads_key(&self) -> String {
        let mut heads: Vec<String> = self.doc.get_heads().iter().map(|h| h.to_string()).collect();
        heads.sort();
        heads
            .iter()
            .map(|h| &h[..16.min(h.len())])
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Who changed what, oldest first.
    pub fn history(&self) -> Vec<ChangeNote> {
        self.doc
            .get_changes(&[])
            .iter()
            .filter_map(|change| {
                let mut note: ChangeNote = serde_json::from_str(change.message()?).ok()?;
                note.at = change.timestamp();
                Some(note)
            })
            .collect()
    }

    fn programme_obj(&self) -> Result<ObjId, CommandError> {
        match self.doc.get(ROOT, PROGRAMME)? {
            Some((_, id)) => Ok(id),
            None => Err(CommandError::Document(
                "no programme in the document".into(),
            )),
        }
    }
}

/// The map at `key` inside `parent`, made if a concurrent edit has not yet
/// brought it.
fn map_at<T: Transactable>(tx: &mut T, parent: &ObjId, key: &str) -> Result<ObjId, CommandError> {
    match tx.get(parent, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Ok(id),
        _ => Ok(tx.put_object(parent, key, ObjType::Map)?),
    }
}

fn check_partner_is_new<'a>(
    existing: impl IntoIterator<Item = &'a Partner>,
    name: &str,
) -> Result<(), CommandError> {
    let wanted = name.to_lowercase();
    if existing
        .into_iter()
        .any(|partner| partner.name.to_lowercase() == wanted)
    {
        return Err(CommandError::PartnerTwice(name.to_string()));
    }
    Ok(())
}

fn commit_options(author: &Author, at: i64, command: &str) -> CommitOptions {
    let note = ChangeNote {
        by: author.id.to_string(),
        name: author.name.clone(),
        command: command.to_string(),
        at,
    };
    let message = serde_json::to_string(&note).unwrap_or_default();
    CommitOptions::default().with_message(message).with_time(at)
}

impl ChangeNote {
    /// The author's id, if the note carries a valid one.
    pub fn coordinator(&self) -> Option<CoordinatorId> {
        self.by.parse().ok()
    }
}
