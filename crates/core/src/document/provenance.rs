//! Who made a change, as far as signed deliveries prove it.
//!
//! Every change carries a message naming its coordinator, but anyone who
//! can write to the programme can write any name there. In a programme
//! shared by device (see `tandem_sync::access`), every delivery through the
//! relay is signed by the member device that pushed it. A delivery may hold
//! changes its device only passes on (merged from a partner's file, or
//! from another tab), so the signature alone does not say who wrote each
//! change. Two things together do:
//!
//! - A device edits under Automerge actors that begin with its own device
//!   id ([`device_actor`]): 16 bytes of the id, then 8 random bytes for
//!   each opened document.
//! - A change counts as made by a device only when that device's own
//!   signed delivery held it and its actor begins with that device's id
//!   ([`Provenance::vouch`]). A change whose actor names another device is
//!   passed on, not vouched for: it stays unchecked until its own device's
//!   delivery comes.
//!
//! So a member cannot make its change show as another's: it may write under
//! another device's actor, but no delivery of that device will ever hold
//! the change. The vouched changes are kept as ranges of sequence numbers
//! per actor; one device usually needs one range per opened document.
//!
//! A snapshot (a whole document) vouches for nothing: it carries the
//! admin's signature over the programme, not over each change in it. What
//! is older than the snapshot a device joined by stays unchecked there.
//! The snapshot could carry the admin's own list of who made what, but a
//! device would then show as checked whatever the admin says: an admin
//! could put a change of its own in another coordinator's name, which no
//! member can do by pushing. So those changes keep the name they give
//! themselves, marked unchecked, and the history says why.

use std::collections::BTreeMap;

use automerge::ActorId;
use serde::{Deserialize, Serialize};

use crate::document::chunks::{chunks, Chunk};

/// How many bytes of the device id begin its actors.
pub const DEVICE_PREFIX: usize = 16;

/// A new actor for a device whose id is `device`: its first
/// [`DEVICE_PREFIX`] bytes and 8 random ones.
pub fn device_actor(device: &[u8]) -> ActorId {
    let mut bytes = device[..DEVICE_PREFIX.min(device.len())].to_vec();
    bytes.extend_from_slice(&ActorId::random().to_bytes()[..8]);
    ActorId::from(bytes)
}

/// The changes each actor's device vouched for, as closed ranges of
/// sequence numbers, by actor (hex).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    vouched: BTreeMap<String, Vec<(u64, u64)>>,
}

impl Provenance {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in a delivery signed by the device `device`: each change in
    /// `changes` (concatenated change chunks, as pushed) whose actor begins
    /// with that device's id is vouched for. Changes of other actors, a
    /// whole document and bytes that do not read vouch for nothing.
    /// Returns how many changes were vouched for.
    pub fn vouch(&mut self, device: &[u8], changes: &[u8]) -> usize {
        let Some(prefix) = device.get(..DEVICE_PREFIX) else {
            return 0;
        };
        let mut count = 0;
        for chunk in chunks(changes) {
            let change = match chunk {
                Ok(Chunk::Change(change)) => change,
                Ok(Chunk::Document) => continue,
                Err(_) => break,
            };
            let actor = change.actor_id().to_bytes();
            if actor.len() > DEVICE_PREFIX && actor.starts_with(prefix) {
                self.insert(change.actor_id().to_hex_string(), change.seq());
                count += 1;
            }
        }
        count
    }

    /// The device (the first [`DEVICE_PREFIX`] bytes of its id) that
    /// vouched for change `seq` of `actor` (hex), if one did.
    pub fn made_by(&self, actor: &str, seq: u64) -> Option<Vec<u8>> {
        let ranges = self.vouched.get(actor)?;
        if !ranges.iter().any(|&(from, to)| from <= seq && seq <= to) {
            return None;
        }
        let bytes = ActorId::try_from(actor).ok()?.to_bytes().to_vec();
        bytes.get(..DEVICE_PREFIX).map(<[u8]>::to_vec)
    }

    /// Whether nothing is vouched for.
    pub fn is_empty(&self) -> bool {
        self.vouched.is_empty()
    }

    fn insert(&mut self, actor: String, seq: u64) {
        let ranges = self.vouched.entry(actor).or_default();
        ranges.push((seq, seq));
        ranges.sort_unstable();
        let mut joined: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
        for &(from, to) in ranges.iter() {
            match joined.last_mut() {
                Some(last) if from <= last.1.saturating_add(1) => last.1 = last.1.max(to),
                _ => joined.push((from, to)),
            }
        }
        *ranges = joined;
    }
}

impl crate::document::programme::ProgrammeDocument {
    /// Makes this document's next changes under an actor of the device
    /// `device` ([`device_actor`]), unless they are already made under one.
    pub fn act_as_device(&mut self, device: &[u8]) {
        let Some(prefix) = device.get(..DEVICE_PREFIX) else {
            return;
        };
        let current = self.doc.get_actor().to_bytes();
        if current.len() > DEVICE_PREFIX && current.starts_with(prefix) {
            return;
        }
        self.doc.set_actor(device_actor(device));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::live::Replica;
    use crate::model::day::Day;
    use crate::{Author, Command, NewProgramme, ProgrammeDocument, ProgrammeKind};

    const KOELN: [u8; 32] = [7; 32];
    const DUESSELDORF: [u8; 32] = [9; 32];

    fn programme() -> ProgrammeDocument {
        ProgrammeDocument::create(
            &Author::new("Anna"),
            NewProgramme {
                name: "Cross-Mentoring".into(),
                kind: ProgrammeKind::CrossMentoring,
                start: Day::parse("2026-02-01").unwrap(),
                end: Day::parse("2027-04-30").unwrap(),
                partners: vec!["Stadt Köln".into()],
            },
        )
        .unwrap()
    }

    fn rename(document: &mut ProgrammeDocument, name: &str) -> Vec<u8> {
        let before = document.heads();
        document
            .apply(&Author::new(name), 0, Command::Rename { name: name.into() })
            .unwrap();
        document.save_after(&before)
    }

    fn last_note(document: &ProgrammeDocument) -> crate::ChangeNote {
        document.history().pop().unwrap()
    }

    #[test]
    fn a_device_vouches_only_for_changes_under_its_own_actors() {
        let mut koeln = programme();
        koeln.act_as_device(&KOELN);
        let push = rename(&mut koeln, "Karla");
        let mut provenance = Provenance::new();

        assert_eq!(
            provenance.vouch(&DUESSELDORF, &push),
            0,
            "passed on, not made"
        );
        let note = last_note(&koeln);
        assert_eq!(provenance.made_by(&note.actor, note.seq), None);

        assert_eq!(provenance.vouch(&KOELN, &push), 1);
        assert_eq!(
            provenance.made_by(&note.actor, note.seq),
            Some(KOELN[..16].to_vec())
        );
        assert_eq!(provenance.made_by(&note.actor, note.seq + 1), None);
    }

    #[test]
    fn a_member_writing_under_another_devices_actor_is_never_vouched_for() {
        let mut koeln = programme();
        koeln.act_as_device(&KOELN);
        let own = rename(&mut koeln, "Karla");
        let mut provenance = Provenance::new();
        provenance.vouch(&KOELN, &own);

        // Düsseldorf's device forges the next change of Köln's actor and
        // pushes it, signed by itself; then Köln goes on editing.
        let mut forger = ProgrammeDocument::load(&koeln.save()).unwrap();
        forger.doc.set_actor(koeln.doc.get_actor().clone());
        let forged = rename(&mut forger, "Karla (forged)");
        assert_eq!(provenance.vouch(&DUESSELDORF, &forged), 0);
        koeln.merge_changes(&forged).unwrap();
        let after = rename(&mut koeln, "Karla again");
        assert_eq!(provenance.vouch(&KOELN, &after), 1);

        let history = koeln.history();
        let forged_note = history.iter().find(|n| n.name == "Karla (forged)").unwrap();
        let own_note = history.iter().find(|n| n.name == "Karla again").unwrap();
        assert_eq!(
            provenance.made_by(&forged_note.actor, forged_note.seq),
            None
        );
        assert_eq!(
            provenance.made_by(&own_note.actor, own_note.seq),
            Some(KOELN[..16].to_vec())
        );
    }

    #[test]
    fn a_whole_document_and_damaged_bytes_vouch_for_nothing() {
        let mut koeln = programme();
        koeln.act_as_device(&KOELN);
        rename(&mut koeln, "Karla");
        let mut provenance = Provenance::new();
        assert_eq!(provenance.vouch(&KOELN, &koeln.save()), 0);
        assert_eq!(
            provenance.vouch(&KOELN, b"\x85\x6f\x4a\x83 not a change"),
            0
        );
        assert_eq!(provenance.vouch(&KOELN, &[]), 0);
        assert_eq!(provenance.vouch(&KOELN[..3], &[1, 2, 3]), 0);
        assert!(provenance.is_empty());
    }

    #[test]
    fn vouched_changes_join_into_ranges_and_survive_a_round_trip() {
        let mut koeln = programme();
        koeln.act_as_device(&KOELN);
        let mut provenance = Provenance::new();
        let first = rename(&mut koeln, "one");
        let second = rename(&mut koeln, "two");
        let third = rename(&mut koeln, "three");
        provenance.vouch(&KOELN, &third);
        provenance.vouch(&KOELN, &first);
        provenance.vouch(&KOELN, &second);
        let actor = koeln.doc.get_actor().to_hex_string();
        assert_eq!(provenance.vouched[&actor].len(), 1, "{provenance:?}");

        let kept: Provenance =
            serde_json::from_str(&serde_json::to_string(&provenance).unwrap()).unwrap();
        assert_eq!(kept, provenance);
    }

    #[test]
    fn a_device_keeps_its_actor_while_the_document_is_open() {
        let mut koeln = programme();
        koeln.act_as_device(&KOELN);
        let actor = koeln.doc.get_actor().clone();
        koeln.act_as_device(&KOELN);
        assert_eq!(koeln.doc.get_actor(), &actor);
        assert!(actor.to_bytes().starts_with(&KOELN[..16]));
        assert_eq!(actor.to_bytes().len(), 24);
    }
}
