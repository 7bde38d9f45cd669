//! What live sync through the relay has to remember about the programme.
//!
//! The relay's wire protocol lives in the sync crate; this is the
//! programme's side of it. [`LiveSync`] decides which changes to push (the
//! document's changes after the heads already pushed), learns from
//! acknowledgements which heads the relay holds (what survives a reload),
//! and merges what other devices pushed. A delivery that builds on changes
//! this device has not received yet (a partner's edit that reached the room
//! before the change it depends on) is held and merged as soon as the
//! missing change arrives, so nothing is dropped and nothing is merged out
//! of order.
//!
//! ```
//! use tandem_core::{Author, Command, Day, LiveSync, NewProgramme, ProgrammeDocument, ProgrammeKind};
//!
//! let anna = Author::new("Anna Beispiel");
//! let mut here = ProgrammeDocument::create(&anna, NewProgramme {
//!     name: "Cross-Mentoring".into(),
//!     kind: ProgrammeKind::CrossMentoring,
//!     start: Day::parse("2026-02-01").unwrap(),
//!     end: Day::parse("2027-04-30").unwrap(),
//!     partners: vec!["Stadt Düsseldorf".into(), "Stadt Köln".into()],
//! }).unwrap();
//! let mut there = ProgrammeDocument::load(&here.save()).unwrap();
//! let mut live = LiveSync::new(here.heads());
//! assert!(live.outgoing(&here).is_none());
//!
//! here.apply(&anna, 0, Command::Rename { name: "Cross-Mentoring 2026".into() }).unwrap();
//! let push = live.outgoing(&here).unwrap();
//! assert_eq!(live.waiting(&here), 1);
//! live.acknowledged();
//! assert_eq!(live.waiting(&here), 0);
//!
//! LiveSync::new(there.heads()).receive(&mut there, push).unwrap();
//! assert_eq!(there.programme().name, "Cross-Mentoring 2026");
//! ```

use std::collections::VecDeque;

use automerge::ChangeHash;

use crate::document::exchange::ExchangeError;

/// A document that live sync can carry: a programme, or a tandem's page.
pub trait Replica {
    /// The document's heads: the exact state it is in.
    fn heads(&self) -> Vec<ChangeHash>;
    /// The changes after `heads`, as [`merge_changes`](Self::merge_changes)
    /// reads them.
    fn changes_after(&self, heads: &[ChangeHash]) -> Vec<u8>;
    /// How many changes came after `heads`.
    fn count_after(&self, heads: &[ChangeHash]) -> usize;
    /// The whole document.
    fn save_whole(&mut self) -> Vec<u8>;
    /// Merges changes of the same document; refuses bytes that build on
    /// changes not here ([`ExchangeError::MissingEarlierChanges`]) or that
    /// come from another document, and then changes nothing.
    fn merge_changes(&mut self, bytes: &[u8]) -> Result<usize, ExchangeError>;
}

/// Deliveries held back at most; beyond that the oldest is dropped (it
/// comes again with the next replay from the relay).
const MAX_HELD: usize = 256;

/// The programme's side of one device's live connection.
#[derive(Debug, Clone, Default)]
pub struct LiveSync {
    /// Heads of everything pushed (acknowledged or on its way).
    pushed: Vec<ChangeHash>,
    /// Heads the relay has stored: the last acknowledged push, or
    /// everything, when the room has nothing this device lacks.
    acknowledged: Vec<ChangeHash>,
    /// The heads of each push on its way, in the order they were sent.
    in_flight: VecDeque<Vec<ChangeHash>>,
    /// Deliveries that build on changes not here yet.
    held: Vec<Vec<u8>>,
}

/// What a delivery did to the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// It was merged (with any held deliveries it completed): this many
    /// changes are new.
    Merged(usize),
    /// It waits for an earlier change.
    Held,
}

impl LiveSync {
    /// Bookkeeping for a document whose changes up to `acknowledged` the
    /// relay already holds (the heads stored at the last acknowledgement;
    /// empty for a programme never shared).
    pub fn new(acknowledged: Vec<ChangeHash>) -> Self {
        Self {
            pushed: acknowledged.clone(),
            acknowledged,
            in_flight: VecDeque::new(),
            held: Vec::new(),
        }
    }

    /// The heads the relay is known to hold: what to store for the next
    /// start.
    pub fn acknowledged_heads(&self) -> &[ChangeHash] {
        &self.acknowledged
    }

    /// The changes to push now, if the document has any the relay has not
    /// been sent.
    pub fn outgoing(&mut self, document: &impl Replica) -> Option<Vec<u8>> {
        let heads = document.heads();
        if heads == self.pushed {
            return None;
        }
        let bytes = document.changes_after(&self.pushed);
        self.pushed = heads.clone();
        if bytes.is_empty() {
            return None;
        }
        self.in_flight.push_back(heads);
        Some(bytes)
    }

    /// The whole document, to push as a new room's first entry or to
    /// upload as the snapshot that replaces the room's log.
    pub fn snapshot(&mut self, document: &mut impl Replica) -> Vec<u8> {
        let heads = document.heads();
        self.pushed = heads.clone();
        self.in_flight.push_back(heads);
        document.save_whole()
    }

    /// The relay has stored the oldest push on its way.
    pub fn acknowledged(&mut self) {
        if let Some(heads) = self.in_flight.pop_front() {
            self.acknowledged = heads;
        }
    }

    /// Merges changes another device pushed. Deliveries held earlier are
    /// tried again after every merge.
    pub fn receive(
        &mut self,
        document: &mut impl Replica,
        bytes: Vec<u8>,
    ) -> Result<Received, ExchangeError> {
        let before = document.heads();
        match document.merge_changes(&bytes) {
            Ok(mut count) => {
                count += self.merge_held(document);
                self.follow(&before, document.heads());
                Ok(Received::Merged(count))
            }
            Err(ExchangeError::MissingEarlierChanges) => {
                if self.held.len() == MAX_HELD {
                    self.held.remove(0);
                }
                self.held.push(bytes);
                Ok(Received::Held)
            }
            Err(error) => Err(error),
        }
    }

    /// Changes that reached the document some other way (another tab of
    /// this browser, which pushes them itself): they need no push from
    /// here if everything before them was pushed.
    pub fn merged_elsewhere(&mut self, before: &[ChangeHash], document: &impl Replica) {
        self.follow(before, document.heads());
    }

    /// How many of the document's changes the relay has not acknowledged.
    pub fn waiting(&self, document: &impl Replica) -> usize {
        document.count_after(&self.acknowledged)
    }

    /// Deliveries waiting for an earlier change.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    fn merge_held(&mut self, document: &mut impl Replica) -> usize {
        let mut merged = 0;
        loop {
            let mut progress = false;
            let mut still_held = Vec::new();
            for bytes in std::mem::take(&mut self.held) {
                match document.merge_changes(&bytes) {
                    Ok(count) => {
                        merged += count;
                        progress = true;
                    }
                    Err(ExchangeError::MissingEarlierChanges) => still_held.push(bytes),
                    // Damaged bytes never become readable: drop them.
                    Err(_) => progress = true,
                }
            }
            self.held = still_held;
            if !progress || self.held.is_empty() {
                return merged;
            }
        }
    }

    /// Received changes came from the relay (or another tab that pushes
    /// them): if nothing of this device's was unpushed or unacknowledged
    /// before, the relay holds all of the new state too.
    fn follow(&mut self, before: &[ChangeHash], after: Vec<ChangeHash>) {
        if self.pushed == before {
            if self.acknowledged == before && self.in_flight.is_empty() {
                self.acknowledged = after.clone();
            }
            self.pushed = after;
        }
    }
}
