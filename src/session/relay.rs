//! Live sync of the open programme through the relay (see [`crate::live`]).

use leptos::prelude::*;
use tandem_core::{ProgrammeDocument, ProgrammeId};

use super::ProgrammeSession;
use crate::live::device::ProgrammeClient;
use crate::live::{Live, LiveHost, RelayLink, SyncStatus};
use crate::settings::SyncRecord;

impl LiveHost for ProgrammeSession {
    type Doc = ProgrammeDocument;
    type Client = ProgrammeClient;

    fn doc(&self) -> StoredValue<Option<ProgrammeDocument>, LocalStorage> {
        self.document
    }

    fn link(&self) -> StoredValue<Option<RelayLink<ProgrammeClient>>, LocalStorage> {
        self.relay
    }

    fn status(&self) -> RwSignal<SyncStatus> {
        self.sync_status
    }

    fn changed_by_relay(&self) {
        self.bump();
        self.persist();
    }

    fn writes(&self) -> StoredValue<crate::live::StoreBarrier, LocalStorage> {
        self.writes
    }

    fn room_expires(&self, at: Option<u64>) {
        self.room_expires.set(at);
    }

    fn members_changed(&self) {
        self.members.update(|n| *n += 1);
    }

    fn retired(&self, forwarding: Vec<u8>) {
        // Not from inside the socket's own handler: following drops it.
        let session = *self;
        leptos::task::spawn_local(async move { session.follow_forwarding(forwarding) });
    }
}

impl ProgrammeSession {
    /// What the sync indicator shows.
    pub fn sync_status(&self) -> SyncStatus {
        self.sync_status.get()
    }

    /// When the relay deletes the programme's room unless it changes
    /// before (seconds since 1970), if the relay has said so.
    pub fn room_expires(&self) -> Option<u64> {
        self.room_expires.get()
    }

    /// The invite link of the shared programme, if it is shared.
    pub fn invite_link(&self) -> Option<String> {
        // A programme shared by device has no link that is the whole
        // programme: its room key only ever laid down the member list.
        let by_device = self
            .relay
            .with_value(|link| link.as_ref().is_some_and(|link| link.device().is_some()));
        if by_device {
            return None;
        }
        let origin = web_sys::window()?.location().origin().ok()?;
        Some(format!("{origin}/join#{}", self.invite_fragment()?))
    }

    /// Starts syncing if this browser shares the programme.
    pub(super) fn resume_relay(&self, programme: ProgrammeId) {
        let session = *self;
        leptos::task::spawn_local(async move {
            let Some(record) = SyncRecord::load(programme).await else {
                return;
            };
            // The programme may have been closed, or shared anew, meanwhile.
            let idle = session
                .relay
                .try_with_value(|link| link.is_none())
                .unwrap_or(false);
            if idle {
                session.start_relay(SyncRecord::key(programme), record, false);
            }
        });
    }

    /// Stops syncing on this device; the programme stays here and the room
    /// stays with the others. Returns whether this device left the
    /// programme's member list (a member, connected, and not its last
    /// admin): then it needs a new invitation to come back.
    pub fn stop_sharing(&self) -> bool {
        // A device leaves the member list: the relay admits it no more, and
        // an admin starts a new key epoch without it.
        let left = self.relay.try_update_value(|link| {
            let device = link.as_mut()?.device_mut()?;
            if !device.is_member_connected() {
                return None;
            }
            device
                .sync_mut()
                .append(
                    tandem_sync::access::Change::Leave,
                    crate::live::now_seconds(),
                )
                .ok()?;
            device.appended();
            Some(())
        });
        let left = left.flatten().is_some();
        if left {
            self.flush();
        }
        self.stop_live();
        left
    }

    /// Pushes what changed here since the last push.
    pub(super) fn push_to_relay(&self) {
        self.push_changes();
    }

    /// Changes another tab stored reached this tab: that tab pushes them.
    pub(super) fn merged_from_tab(&self, before: &[automerge::ChangeHash]) {
        self.merged_elsewhere(before);
    }
}
