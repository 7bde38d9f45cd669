//! The member lists the relay enforces (protocol 2), kept per room in
//! memory once read.
//!
//! The relay learns a room's member list — public keys, roles, key epochs,
//! invitations, never names or content — from the signed entries clients
//! append, checks each one with [`tandem_sync::access::Roster::apply`]
//! before storing it, and checks every push, snapshot and retirement of a
//! member device against it (see `connection::access`). A room's roster is
//! shared by all its connections in this process, behind a lock that the
//! room's write lock orders, so a removal takes effect for the very next
//! push and delivery. Rosters of rooms with a member list stay in memory (a
//! few kilobytes each), so that a connection of protocol 1 still open when
//! its room gained a member list is refused by its next push.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tandem_sync::access::{AccessError, Roster};
use tandem_sync::RoomId;

/// A room's checked member list, shared by its connections.
pub(crate) type SharedRoster = Arc<Mutex<Roster>>;

/// The member lists of the rooms this process has seen with one.
#[derive(Debug, Default)]
pub(crate) struct Rosters {
    rooms: Mutex<HashMap<RoomId, SharedRoster>>,
}

impl Rosters {
    /// The room's roster, if this process knows it has a member list.
    pub(crate) fn cached(&self, room: RoomId) -> Option<SharedRoster> {
        self.rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&room)
            .cloned()
    }

    /// The room's roster as `entries` (read from the store) make it: the
    /// cached one if it has as many entries, else checked anew and shared
    /// (another relay process may have appended).
    pub(crate) fn refresh(
        &self,
        room: RoomId,
        entries: &[Vec<u8>],
    ) -> Result<SharedRoster, AccessError> {
        if let Some(cached) = self.cached(room) {
            let mut roster = lock(&cached);
            if roster.len() as usize == entries.len() {
                drop(roster);
                return Ok(cached);
            }
            *roster = Roster::from_entries(room, entries.iter().map(Vec::as_slice))?;
            drop(roster);
            return Ok(cached);
        }
        let roster = Roster::from_entries(room, entries.iter().map(Vec::as_slice))?;
        Ok(self.share(room, roster))
    }

    /// Shares `roster` as the room's (keeping one already shared).
    pub(crate) fn share(&self, room: RoomId, roster: Roster) -> SharedRoster {
        let mut rooms = self
            .rooms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let shared = rooms
            .entry(room)
            .or_insert_with(|| Arc::new(Mutex::new(roster.clone())));
        {
            let mut current = lock(shared);
            if current.len() < roster.len() {
                *current = roster;
            }
        }
        Arc::clone(shared)
    }
}

/// The roster behind its lock (never held across an await).
pub(crate) fn lock(roster: &SharedRoster) -> std::sync::MutexGuard<'_, Roster> {
    roster
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Seconds since 1970 by the relay's clock.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}
