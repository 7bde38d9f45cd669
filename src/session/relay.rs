//! Live sync of the open programme through the relay (see [`crate::live`]).

use leptos::prelude::*;
use tandem_core::{ProgrammeDocument, ProgrammeId};
use tandem_sync::Invite;

use super::ProgrammeSession;
use crate::live::{Live, LiveHost, RelayLink, SyncStatus};
use crate::settings::SyncRecord;

impl LiveHost for ProgrammeSession {
    type Doc = ProgrammeDocument;

    fn doc(&self) -> StoredValue<Option<ProgrammeDocument>, LocalStorage> {
        self.document
    }

    fn link(&self) -> StoredValue<Option<RelayLink>, LocalStorage> {
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

    /// Shares the programme: a new room and key, the whole programme
    /// pushed as the room's first entry.
    pub fn share(&self) -> Result<(), String> {
        let i18n = self.i18n;
        if !crate::browser::secure_page() {
            return Err(i18n.t("share-insecure"));
        }
        self.attach_now();
        let programme = self
            .with_untracked(|programme| programme.id)
            .ok_or_else(|| i18n.t("error-document"))?;
        let invite = Invite::new_room().map_err(|_| i18n.t("share-no-randomness"))?;
        let record = SyncRecord {
            invite: invite.to_fragment(),
            ..SyncRecord::default()
        };
        // Shared at once; where the record cannot be stored (sealing
        // refused), sharing lasts as long as this tab.
        let stored = record.clone();
        leptos::task::spawn_local(async move {
            let _ = stored.save(programme).await;
        });
        self.start_relay(SyncRecord::key(programme), record, true);
        Ok(())
    }

    /// Stops syncing on this device; the programme stays here and the room
    /// stays with the others.
    pub fn stop_sharing(&self) {
        self.stop_live();
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
