//! A materialised view of a programme: what the screens show, stored beside
//! the document so that a programme opens without reading its history.
//!
//! Loading a programme run for years (100,000 changes and more) means
//! Automerge rebuilding every operation, then hydrating the model and
//! scanning it for values set twice at once: seconds. A [`ProgrammeView`]
//! is the hydrated [`Programme`] with its conflicts, encoded compactly
//! (serde and postcard) together with the document's heads and the stored
//! chunks it was made from. The app shows the programme from the view at
//! once and loads the document afterwards; [`ProgrammeView::attach`] then
//! takes the model from the view only if the loaded document has exactly
//! the view's heads and agrees with it where it is probed. Otherwise the
//! document is read as always: the document is the truth, the view only a
//! copy that may be stale, damaged or missing.
//!
//! Encoding: `TVIW`, the view format (1 byte), the Adler-32 of the body
//! (4 bytes, little-endian), the body (postcard). A view of another format,
//! or whose body does not match its checksum, is not used. The checksum
//! finds damage; it need not resist forgery, because the browser stores the
//! view sealed under its record key (an authenticated cipher) like every
//! record, and a view is only ever a copy the document is checked against.
//! (Format 1 used SHA-256, which cost the first screen tens of
//! milliseconds in the browser.)

use std::collections::BTreeMap;
use std::fmt::Display;

use automerge::{Automerge, ChangeHash, ObjId, ReadDoc, ROOT};
use autosurgeon::hydrate::MaybeMissing;
use autosurgeon::{hydrate_prop, Hydrate};
use serde::{Deserialize, Serialize};

use crate::document::conflicts::Conflict;
use crate::document::programme::ProgrammeDocument;
use crate::document::schema::{PARTNERS, PEOPLE, PROGRAMME, TANDEMS};
use crate::document::{LoadError, FORMAT_VERSION};
use crate::model::day::Day;
use crate::model::programme::Programme;

const MAGIC: &[u8; 4] = b"TVIW";
/// Raised whenever the encoding of the model changes shape.
const VIEW_FORMAT: u8 = 3;
const CHECKSUM_LEN: usize = 4;

/// Why stored bytes are not a view this version can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("the view was written by another version of Tandem")]
    OtherFormat,
    #[error("the view is damaged")]
    Damaged,
}

/// The programme as the screens show it, at one state of its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeView {
    heads: Vec<ChangeHash>,
    chunks: Vec<String>,
    programme: Programme,
    conflicts: Vec<Conflict>,
    concurrent: Vec<Conflict>,
}

/// What is encoded: the view and the document format it was read from.
#[derive(Serialize, Deserialize)]
struct Body {
    document_format: u64,
    heads: Vec<[u8; 32]>,
    chunks: Vec<String>,
    programme: Programme,
    conflicts: Vec<Conflict>,
    concurrent: Vec<Conflict>,
}

/// Whether [`ProgrammeView::attach`] could take the model from the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attached {
    /// The document has the view's state: the model came from the view.
    FromView,
    /// The document moved on (or disagreed): the model was read from it.
    FromDocument,
}

impl ProgrammeView {
    /// The view of a document as it stands. `chunks` are the keys of the
    /// stored chunks that make exactly this document.
    pub fn of(document: &ProgrammeDocument, chunks: &[String]) -> Self {
        let mut heads = document.doc.get_heads();
        heads.sort();
        let mut chunks = chunks.to_vec();
        chunks.sort();
        Self {
            heads,
            chunks,
            programme: document.programme.clone(),
            conflicts: document.conflicts(),
            concurrent: document.concurrent.clone(),
        }
    }

    /// The programme as the view shows it.
    pub fn programme(&self) -> &Programme {
        &self.programme
    }

    /// The conflicts as [`ProgrammeDocument::conflicts`] gave them.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// The document heads the view shows.
    pub fn heads(&self) -> &[ChangeHash] {
        &self.heads
    }

    /// Whether the stored chunks are the ones the view was made from (in
    /// any order). If not, another tab or a compaction wrote since, and the
    /// view is stale.
    pub fn made_from(&self, chunks: &[String]) -> bool {
        let mut chunks = chunks.to_vec();
        chunks.sort();
        chunks == self.chunks
    }

    /// The view as stored bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = Body {
            document_format: FORMAT_VERSION,
            heads: self.heads.iter().map(|hash| hash.0).collect(),
            chunks: self.chunks.clone(),
            programme: self.programme.clone(),
            conflicts: self.conflicts.clone(),
            concurrent: self.concurrent.clone(),
        };
        // Every type in the body serialises without fail (no maps with
        // keys postcard refuses, no unsized sequences).
        let body = postcard::to_allocvec(&body).unwrap_or_default();
        let mut bytes = Vec::with_capacity(MAGIC.len() + 1 + CHECKSUM_LEN + body.len());
        bytes.extend_from_slice(MAGIC);
        bytes.push(VIEW_FORMAT);
        bytes.extend_from_slice(&adler2::adler32_slice(&body).to_le_bytes());
        bytes.extend_from_slice(&body);
        bytes
    }

    /// Reads stored bytes; refuses a view of another format and a damaged one.
    pub fn decode(bytes: &[u8]) -> Result<Self, ViewError> {
        let header = MAGIC.len() + 1 + CHECKSUM_LEN;
        if bytes.len() < header || &bytes[..MAGIC.len()] != MAGIC {
            return Err(ViewError::Damaged);
        }
        if bytes[MAGIC.len()] != VIEW_FORMAT {
            return Err(ViewError::OtherFormat);
        }
        let (checksum, body) = bytes[MAGIC.len() + 1..].split_at(CHECKSUM_LEN);
        if adler2::adler32_slice(body).to_le_bytes() != checksum {
            return Err(ViewError::Damaged);
        }
        let body: Body = postcard::from_bytes(body).map_err(|_| ViewError::Damaged)?;
        if body.document_format != FORMAT_VERSION {
            return Err(ViewError::OtherFormat);
        }
        let mut heads: Vec<ChangeHash> = body.heads.into_iter().map(ChangeHash).collect();
        heads.sort();
        Ok(Self {
            heads,
            chunks: body.chunks,
            programme: body.programme,
            conflicts: body.conflicts,
            concurrent: body.concurrent,
        })
    }

    /// Opens the document from its stored bytes (every chunk, as
    /// [`ProgrammeDocument::load`] reads them). If it holds exactly the
    /// state of this view, the model is taken from the view and neither
    /// hydrated nor scanned again; if not, it is read from the document.
    pub fn attach(self, bytes: &[u8]) -> Result<(ProgrammeDocument, Attached), LoadError> {
        let doc = Automerge::load(bytes).map_err(|_| LoadError::Damaged)?;
        self.attach_loaded(doc)
    }

    /// Like [`attach`](Self::attach), with the document already loaded.
    pub fn attach_loaded(self, doc: Automerge) -> Result<(ProgrammeDocument, Attached), LoadError> {
        ProgrammeDocument::check_format(&doc)?;
        let mut heads = doc.get_heads();
        heads.sort();
        if heads != self.heads || !agrees(&doc, &self.programme) {
            return ProgrammeDocument::hydrated(doc)
                .map(|document| (document, Attached::FromDocument));
        }
        let document = ProgrammeDocument {
            saved_heads: doc.get_heads(),
            doc,
            programme: self.programme,
            concurrent: self.concurrent,
            merged_chunk: None,
        };
        Ok((document, Attached::FromView))
    }
}

impl ProgrammeDocument {
    /// Whether everything in the document has been handed out by
    /// [`save`](Self::save) or [`save_incremental`](Self::save_incremental):
    /// only then do the stored chunks make exactly this document.
    pub fn is_saved(&self) -> bool {
        let mut saved = self.saved_heads.clone();
        saved.sort();
        let mut heads = self.doc.get_heads();
        heads.sort();
        saved == heads
    }
}

/// Whether the document agrees with the view's programme where it is
/// probed: the programme's own fields and the first and last entry of each
/// collection, with their number. Equal heads mean equal states; the probe
/// guards against a view whose encoding no longer matches the model it is
/// read into.
fn agrees(doc: &Automerge, programme: &Programme) -> bool {
    let Ok(Some((_, obj))) = doc.get(ROOT, PROGRAMME) else {
        return false;
    };
    let name: Option<String> = hydrate_prop(doc, &obj, "name").ok();
    let start: Option<Day> = hydrate_prop(doc, &obj, "start").ok();
    let end: Option<Day> = hydrate_prop(doc, &obj, "end").ok();
    let rules: Option<crate::model::programme::Rules> = hydrate_prop(doc, &obj, "rules").ok();
    name.as_ref() == Some(&programme.name)
        && start == Some(programme.start)
        && end == Some(programme.end)
        && rules == Some(programme.rules)
        && probe(doc, &obj, PARTNERS, &programme.partners)
        && probe(doc, &obj, PEOPLE, &programme.people)
        && probe(doc, &obj, TANDEMS, &programme.tandems)
        && probe(doc, &obj, "events", &programme.events)
        && probe(
            doc,
            &obj,
            "certificate_grants",
            &programme.certificate_grants,
        )
        && probe(doc, &obj, "surveys", &programme.surveys)
        && probe(doc, &obj, "survey_responses", &programme.survey_responses)
        && probe(doc, &obj, "outcomes", &programme.outcomes)
        && probe(doc, &obj, "consents", &programme.consents)
        && probe(doc, &obj, "fixed_pairs", &programme.fixed_pairs)
        && probe(doc, &obj, "excluded_pairs", &programme.excluded_pairs)
}

/// Whether the map `collection` has as many entries as `expected` and its
/// first and last entries read as they do there.
fn probe<K: Display, V: Hydrate + PartialEq>(
    doc: &Automerge,
    programme: &ObjId,
    collection: &str,
    expected: &BTreeMap<K, V>,
) -> bool {
    let map = match doc.get(programme, collection) {
        Ok(Some((_, map))) => map,
        Ok(None) => return expected.is_empty(),
        Err(_) => return false,
    };
    if doc.length(&map) != expected.len() {
        return false;
    }
    let entry = |(key, value): (&K, &V)| {
        let found: Result<MaybeMissing<V>, _> = hydrate_prop(doc, &map, key.to_string().as_str());
        matches!(found, Ok(MaybeMissing::Present(found)) if found == *value)
    };
    expected.iter().next().is_none_or(entry) && expected.iter().next_back().is_none_or(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Author, ClockTime, Command, NewProgramme, PersonDetails, PersonId, ProgrammeKind, Role,
    };

    fn programme() -> ProgrammeDocument {
        let author = Author::new("Petra Probe");
        let mut document = ProgrammeDocument::create(
            &author,
            NewProgramme {
                name: "Mentoring Kassel".into(),
                kind: ProgrammeKind::WithinOrganisation,
                start: Day::parse("2026-02-01").unwrap(),
                end: Day::parse("2027-01-31").unwrap(),
                partners: vec!["Stadt Kassel".into()],
            },
        )
        .unwrap();
        for name in ["Anna Achterberg", "Berta Bauer", "Cem Çelik"] {
            document
                .apply(
                    &author,
                    0,
                    Command::AddPerson {
                        id: PersonId::random(),
                        details: PersonDetails {
                            name: name.into(),
                            role: Role::Mentee,
                            ..Default::default()
                        },
                        applied_on: Day::parse("2026-01-10").unwrap(),
                    },
                )
                .unwrap();
        }
        document
    }

    #[test]
    fn a_view_of_the_same_heads_that_reads_otherwise_is_not_used() {
        let mut document = programme();
        let bytes = document.save();
        // As if the model's encoding had changed under a stored view: the
        // heads match, the model does not.
        for change in 0..3 {
            let mut view = ProgrammeView::of(&document, &[]);
            let people = &mut view.programme.people;
            match change {
                0 => {
                    let first = people.values_mut().next().unwrap();
                    first.details.name.push('!');
                }
                1 => {
                    let last = *people.keys().next_back().unwrap();
                    people.remove(&last);
                }
                _ => view.programme.name = "Mentoring Kassel 2".into(),
            }
            let (attached, how) = view.attach(&bytes).unwrap();
            assert_eq!(how, Attached::FromDocument, "change {change}");
            assert_eq!(attached.programme(), document.programme());
        }
        let (_, how) = ProgrammeView::of(&document, &[]).attach(&bytes).unwrap();
        assert_eq!(how, Attached::FromView);
    }

    #[test]
    fn days_and_times_read_back_as_written() {
        for text in ["1970-01-01", "2026-02-28", "1899-12-31", "2099-07-15"] {
            let day = Day::parse(text).unwrap();
            let bytes = postcard::to_allocvec(&day).unwrap();
            assert_eq!(postcard::from_bytes::<Day>(&bytes).unwrap(), day);
        }
        for text in ["00:00", "09:05", "18:30", "23:59"] {
            let time = ClockTime::parse(text).unwrap();
            let bytes = postcard::to_allocvec(&time).unwrap();
            assert_eq!(postcard::from_bytes::<ClockTime>(&bytes).unwrap(), time);
        }
        let bytes = postcard::to_allocvec(&(24u16 * 60)).unwrap();
        assert!(postcard::from_bytes::<ClockTime>(&bytes).is_err());
    }
}
