//! An open tandem page: its small document, kept in memory and in
//! IndexedDB, and synced live through the tandem's own room on the relay.
//!
//! Coordinators open it beside the programme (they write the programme's
//! side into it); a mentee or mentor opens it from their personal link and
//! never sees anything else.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{PageCommand, PersonId, ProgrammeSide, Replica, TandemId, TandemPageDocument};
use tandem_sync::page_link::PageForwarding;
use tandem_sync::{Invite, RoomOwner, SyncClient};

use crate::clock::now_seconds;
use crate::i18n::{use_i18n, I18n};
use crate::live::fetch::fetch_room;
use crate::live::{Live, LiveHost, RelayLink, StoreBarrier, SyncStatus};
use crate::session::Opening;
use crate::settings::{PageLinks, PageRecord};
use crate::storage::ProgrammeStore;

/// One open tandem page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageSession {
    tandem: TandemId,
    document: StoredValue<Option<TandemPageDocument>, LocalStorage>,
    revision: RwSignal<u64>,
    opening: RwSignal<Opening>,
    /// The error code of the last failed write, until a write succeeds.
    unsaved: RwSignal<Option<&'static str>>,
    /// By the room key: a page has no member list.
    relay: StoredValue<Option<RelayLink<SyncClient>>, LocalStorage>,
    sync_status: RwSignal<SyncStatus>,
    /// Writes under way, and what waits for them to be stored.
    writes: StoredValue<StoreBarrier, LocalStorage>,
    /// The page's personal links (see `tandem_sync::page_link`).
    links: StoredValue<PageLinks, LocalStorage>,
    i18n: I18n,
}

impl LiveHost for PageSession {
    type Doc = TandemPageDocument;
    type Client = SyncClient;

    fn doc(&self) -> StoredValue<Option<TandemPageDocument>, LocalStorage> {
        self.document
    }

    fn link(&self) -> StoredValue<Option<RelayLink<SyncClient>>, LocalStorage> {
        self.relay
    }

    fn status(&self) -> RwSignal<SyncStatus> {
        self.sync_status
    }

    fn changed_by_relay(&self) {
        self.bump();
        self.persist();
    }

    fn writes(&self) -> StoredValue<StoreBarrier, LocalStorage> {
        self.writes
    }

    /// The old room is retired: a participant's link finds in the notice
    /// where the page went, unless the coordinator revoked that link.
    fn retired(&self, notice: Vec<u8>) {
        let session = *self;
        // Not from inside the socket's own handler: following closes it.
        spawn_local(async move { session.follow(&notice) });
    }
}

impl PageSession {
    /// Opens a tandem's page from this browser's storage (and its room,
    /// if it has one here).
    pub(crate) fn open(tandem: TandemId) -> Self {
        Self::open_with_side(tandem, None)
    }

    /// Opens a page for the coordinators, writing the programme's side
    /// afresh (what changed in the programme since it was last open).
    pub(crate) fn open_with_side(tandem: TandemId, side: Option<ProgrammeSide>) -> Self {
        let session = Self {
            tandem,
            document: StoredValue::new_local(None),
            revision: RwSignal::new(0),
            opening: RwSignal::new(Opening::Loading),
            unsaved: RwSignal::new(None),
            relay: StoredValue::new_local(None),
            sync_status: RwSignal::new(SyncStatus::Local),
            writes: StoredValue::new_local(StoreBarrier::default()),
            links: StoredValue::new_local(PageLinks::default()),
            i18n: use_i18n(),
        };
        spawn_local(async move {
            let opening = match read(tandem).await {
                Ok(Some(page)) => {
                    session.document.set_value(Some(page));
                    let links = PageLinks::load(tandem).await;
                    if !session.links.is_disposed() {
                        session.links.set_value(links);
                    }
                    let key = PageRecord::page_key(tandem);
                    if let Some(record) = PageRecord::load_at(&key).await {
                        session.start_relay(key, record, false);
                    }
                    if let Some(side) = side {
                        session.write_side(side);
                    }
                    Opening::Ready
                }
                Ok(None) => Opening::Missing,
                Err(code) => Opening::Failed(code),
            };
            session.opening.set(opening);
            session.bump();
        });
        on_cleanup(move || {
            let link = session.relay.try_update_value(|link| link.take()).flatten();
            drop(link);
        });
        session
    }

    fn bump(&self) {
        self.revision.update(|revision| *revision += 1);
    }

    pub(crate) fn opening(&self) -> Opening {
        self.opening.get()
    }

    pub(crate) fn sync_status(&self) -> SyncStatus {
        self.sync_status.get()
    }

    pub(crate) fn unsaved(&self) -> Option<&'static str> {
        self.unsaved.get()
    }

    /// Reads the page; re-runs when it changes.
    pub(crate) fn with<R>(&self, read: impl FnOnce(&TandemPageDocument) -> R) -> Option<R> {
        self.revision.track();
        self.document.with_value(|page| page.as_ref().map(read))
    }

    /// The personal link of the page, if it is shared.
    pub(crate) fn link_for_participants(&self) -> Option<String> {
        // A new room comes with a new revision.
        self.revision.track();
        let origin = web_sys::window()?.location().origin().ok()?;
        Some(format!("{origin}/tandem#{}", self.invite_fragment()?))
    }

    /// Applies what a participant or coordinator did; the message in the
    /// user's language if it is refused.
    pub(crate) fn apply(&self, command: PageCommand) -> Result<(), String> {
        self.change_page(|page| {
            page.apply(command, now_seconds())
                .map_err(|error| error.code())
        })
    }

    /// Runs `change` on the open page and pushes it; the message in the
    /// user's language if no page is open or `change` refuses (with the
    /// error's code).
    fn change_page(
        &self,
        change: impl FnOnce(&mut TandemPageDocument) -> Result<(), &'static str>,
    ) -> Result<(), String> {
        let applied = self
            .document
            .try_update_value(|page| page.as_mut().map(change));
        match applied.flatten() {
            Some(Ok(())) => {}
            Some(Err(code)) => return Err(self.i18n.t(&format!("error-{code}"))),
            None => return Err(self.i18n.t("error-document")),
        }
        self.changed_here();
        Ok(())
    }

    /// Writes the programme's side again (coordinators only); pushes it if
    /// anything changed.
    pub(crate) fn write_side(&self, side: ProgrammeSide) {
        let changed = self.document.try_update_value(|page| {
            page.as_mut()
                .map(|page| page.write_side(side, now_seconds()))
        });
        if let Some(Some(Ok(true))) = changed {
            self.changed_here();
        }
    }

    /// Puts the questionnaires due on the page (coordinators only);
    /// pushes them if anything changed. Returns whether it did.
    pub(crate) fn offer_surveys(
        &self,
        offered: std::collections::BTreeMap<tandem_core::SurveyId, tandem_core::PageSurvey>,
    ) -> bool {
        let changed = self.document.try_update_value(|page| {
            page.as_mut()
                .map(|page| page.offer_surveys(offered, now_seconds()))
        });
        let changed = matches!(changed, Some(Some(Ok(true))));
        if changed {
            self.changed_here();
        }
        changed
    }

    /// A participant's answers to a questionnaire on the page; the
    /// message in the user's language if they are refused.
    pub(crate) fn answer_survey(&self, answers: tandem_core::PageAnswers) -> Result<(), String> {
        self.change_page(|page| {
            page.answer_survey(answers, now_seconds())
                .map_err(|error| error.code())
        })
    }

    /// Gives the page a new room and key, and retires the old room with no
    /// way on: every old link stops receiving anything new, and is told
    /// so. The page goes there started afresh (see `tandem_core`'s
    /// `TandemPageDocument::afresh`): its old history, and any value it
    /// once held, stays behind in the old room.
    pub(crate) fn new_room(&self) -> Result<(), String> {
        let (invite, owner) =
            Invite::new_owned_room().map_err(|_| self.i18n.t("share-no-randomness"))?;
        let fresh = self
            .document
            .with_value(|page| {
                let page = page.as_ref()?;
                Some(page.afresh(page.side().clone(), now_seconds()))
            })
            .ok_or_else(|| self.i18n.t("error-document"))?
            .map_err(|error| self.i18n.error(error.code()))?;
        let relay = match self.room() {
            Some(old) => {
                let relay = old.relay.clone();
                retire_for_good(old, Vec::new());
                relay
            }
            None => None,
        };
        // Nothing of the fresh page reaches the old room.
        self.stop_live();
        self.document.set_value(Some(fresh));
        self.persist();
        self.move_to(&invite, Some(owner), relay, true);
        Ok(())
    }

    /// The personal link of `person` (`…&holder=…`), once the page is
    /// shared and the person has a link secret here.
    pub(crate) fn link_for(&self, person: PersonId) -> Option<String> {
        let link = self.link_for_participants()?;
        let holder = self
            .links
            .with_value(|links| links.holders.get(&person.to_string()).cloned())?;
        Some(format!("{link}&holder={holder}"))
    }

    /// The page's personal links as kept here.
    pub(crate) fn links(&self) -> PageLinks {
        self.links.get_value()
    }

    /// Keeps `links`, here and sealed in storage; shows them.
    pub(crate) fn keep_links(&self, links: PageLinks) {
        self.links.set_value(links.clone());
        let tandem = self.tandem;
        spawn_local(async move {
            let _ = links.save(tandem).await;
        });
        self.bump();
    }

    /// Whether the page is shared in a room made before rooms had owners,
    /// which any valid link may retire (see `tandem_sync::owner`); re-runs
    /// when the page moves.
    pub(crate) fn in_unowned_room(&self) -> bool {
        self.revision.track();
        self.room().is_some_and(|room| !room.invite.room.is_owned())
    }

    /// The room the page is in now.
    pub(crate) fn room(&self) -> Option<PageRoom> {
        self.relay.with_value(|link| {
            let record = link.as_ref()?.record();
            let invite = Invite::from_fragment(&record.invite).ok()?;
            Some(PageRoom {
                invite,
                relay: record.relay.clone(),
                owner: record.owner.as_deref().and_then(RoomOwner::from_text),
            })
        })
    }

    /// Moves the page to the room of `next` (which this browser made if it
    /// holds its `owner`): `upload`, the whole page goes there first (the
    /// coordinator who made the room); else this browser pushes what the
    /// room may lack.
    pub(crate) fn move_to(
        &self,
        next: &Invite,
        owner: Option<RoomOwner>,
        relay: Option<String>,
        upload: bool,
    ) {
        self.stop_live();
        let key = PageRecord::page_key(self.tandem);
        let record = PageRecord {
            invite: next.to_fragment(),
            relay,
            owner: owner.map(|owner| owner.to_text()),
            ..PageRecord::default()
        };
        let stored = record.clone();
        let at = key.clone();
        spawn_local(async move {
            let _ = stored.save_at(&at).await;
        });
        self.start_relay(key, record, upload);
        self.bump();
    }

    /// Follows the page from its retired room, with this link's secret.
    fn follow(&self, notice: &[u8]) {
        let own = self.links.with_value(|links| links.own.clone());
        let Some(PageRoom {
            invite: old, relay, ..
        }) = self.room()
        else {
            return;
        };
        let next = PageForwarding::next_for_link(&old.room, own.as_deref(), notice);
        match next {
            Some(next) => self.follow_to(next, relay, FOLLOW_TRIES),
            None => {
                self.relay.update_value(|link| {
                    if let Some(link) = link.as_mut() {
                        link.refuse("page-link-revoked");
                    }
                });
                self.sync_status
                    .set(SyncStatus::Refused("page-link-revoked".into()));
            }
        }
    }

    /// Reads the room the page went to before moving there. The same
    /// page (a link was revoked): this browser moves and sends what the
    /// room lacks. A page started afresh (a tandem ended, a co-mentor was
    /// forgotten): it takes that page instead of its own, with what it had
    /// not yet sent written onto it, so nothing of the old history reaches
    /// the new room. An empty room (the coordinator's upload is still on
    /// its way) or one not reached is read again a little later; the old
    /// room stays this page's record until then, so the next start
    /// follows again.
    fn follow_to(&self, next: Invite, relay: Option<String>, tries: u32) {
        let session = *self;
        let fetching = next.clone();
        let owner = Owner::new_root(None);
        owner.with(|| {
            fetch_room(self.i18n, fetching, relay.clone(), move |fetched| {
                if session.document.is_disposed() {
                    return;
                }
                let page = match fetched {
                    // Moved on again: the room's own notice says where.
                    Ok(fetched) if fetched.retired.is_some() => {
                        return session.move_to(&next, None, relay, false)
                    }
                    Ok(fetched) => page_from(fetched.blobs).map(|page| (page, fetched.last_seen)),
                    // Not reached (the network, the relay): as for an
                    // empty room, asked again, and at the next start.
                    Err(_) => None,
                };
                match page {
                    Some((page, last_seen)) if page.tandem() == session.tandem => {
                        session.take_from_room(page, &next, relay, last_seen)
                    }
                    Some(_) => session
                        .sync_status
                        .set(SyncStatus::Refused("page-link-empty".into())),
                    None if tries > 0 => {
                        set_timeout(
                            move || session.follow_to(next, relay, tries - 1),
                            FOLLOW_AGAIN,
                        );
                    }
                    None => session.sync_status.set(SyncStatus::Offline { waiting: 0 }),
                }
            });
        });
        // The fetch closes its own connection once read.
        std::mem::forget(owner);
    }

    /// Moves to the room of `next`, which holds `there`.
    fn take_from_room(
        &self,
        mut there: TandemPageDocument,
        next: &Invite,
        relay: Option<String>,
        last_seen: u64,
    ) {
        let shared = self
            .document
            .with_value(|page| page.as_ref().map(|page| page.shares_history_with(&there)));
        if shared != Some(false) {
            return self.move_to(next, None, relay, false);
        }
        let room_had: Vec<String> = there.heads().iter().map(|h| h.to_string()).collect();
        let sent: Vec<automerge::ChangeHash> = self.relay.with_value(|link| {
            link.as_ref()
                .map(|link| {
                    let acknowledged = &link.record().acknowledged;
                    acknowledged.iter().filter_map(|h| h.parse().ok()).collect()
                })
                .unwrap_or_default()
        });
        self.document.with_value(|page| {
            if let Some(page) = page.as_ref() {
                page.carry_onto(&sent, &mut there, now_seconds());
            }
        });
        self.stop_live();
        self.document.set_value(Some(there));
        self.persist();
        let key = PageRecord::page_key(self.tandem);
        let record = PageRecord {
            invite: next.to_fragment(),
            relay,
            last_seen,
            acknowledged: room_had,
            ..PageRecord::default()
        };
        let stored = record.clone();
        let at = key.clone();
        spawn_local(async move {
            let _ = stored.save_at(&at).await;
        });
        // What was carried over goes out as this browser's changes.
        self.start_relay(key, record, false);
        self.bump();
    }

    fn changed_here(&self) {
        self.bump();
        self.persist();
        self.push_changes();
    }

    fn persist(&self) {
        let bytes = self
            .document
            .try_update_value(|page| page.as_mut().map(|page| page.save()))
            .flatten();
        let Some(bytes) = bytes else { return };
        let session = *self;
        self.writes.update_value(|writes| writes.begin());
        spawn_local(async move {
            let stored = match ProgrammeStore::open().await {
                Ok(store) => store.put_page(session.tandem, &bytes).await,
                Err(error) => Err(error),
            };
            let ready = session
                .writes
                .try_update_value(|writes| writes.end(stored.is_ok()))
                .unwrap_or_default();
            for then in ready {
                then();
            }
            if !session.unsaved.is_disposed() {
                session.unsaved.set(stored.err().map(|error| error.code()));
            }
        });
    }
}

/// How often a link reads an empty room it was sent to before it waits
/// for the next start, and how long it waits in between.
const FOLLOW_TRIES: u32 = 10;
const FOLLOW_AGAIN: std::time::Duration = std::time::Duration::from_secs(3);

/// A page from the blobs of its room: the first holds the whole page.
pub(crate) fn page_from(blobs: Vec<Vec<u8>>) -> Option<TandemPageDocument> {
    let mut blobs = blobs.into_iter();
    let mut page = TandemPageDocument::load(&blobs.next()?).ok()?;
    for blob in blobs {
        let _ = page.merge_changes(&blob);
    }
    Some(page)
}

async fn read(tandem: TandemId) -> Result<Option<TandemPageDocument>, &'static str> {
    let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
    match store
        .load_page(tandem)
        .await
        .map_err(|error| error.code())?
    {
        Some(bytes) => TandemPageDocument::load(&bytes)
            .map(Some)
            .map_err(|error| error.code()),
        None => Ok(None),
    }
}

/// Makes a new page for a tandem and shares it in a room of its own.
pub(crate) async fn create_page(side: ProgrammeSide) -> Result<TandemId, &'static str> {
    let tandem = side.tandem;
    let mut page = TandemPageDocument::create(side, now_seconds()).map_err(|error| error.code())?;
    let (invite, owner) = Invite::new_owned_room().map_err(|_| "share-no-randomness")?;
    let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
    store
        .put_page(tandem, &page.save())
        .await
        .map_err(|error| error.code())?;
    // The first push (the whole page) goes out when the page opens: its
    // acknowledged heads are none yet.
    PageRecord {
        invite: invite.to_fragment(),
        owner: Some(owner.to_text()),
        ..PageRecord::default()
    }
    .save_at(&PageRecord::page_key(tandem))
    .await
    .map_err(|error| error.code())?;
    Ok(tandem)
}

/// Stores a page received from its room, for a participant.
pub(crate) async fn store_received(page: &mut TandemPageDocument) -> Result<(), &'static str> {
    let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
    store
        .put_page(page.tandem(), &page.save())
        .await
        .map_err(|error| error.code())
}

/// Retires the page's old room on a connection of its own, leaving
/// `notice` there (empty: no link finds a way on). The connection must
/// outlive whatever view asked for it, which the new room redraws: it runs
/// under an owner of its own, kept for the rest of the session (one small
/// connection state per retired room).
pub(crate) fn retire_for_good(old: PageRoom, notice: Vec<u8>) {
    let owner = Owner::new_root(None);
    owner.with(|| crate::session::retire_room(old.invite, old.relay, notice, old.owner));
    std::mem::forget(owner);
}

/// Where a page is shared: its room, the relay it names, and the secret
/// that owns the room where this browser made it (see
/// `tandem_sync::owner`).
pub(crate) struct PageRoom {
    pub invite: Invite,
    pub relay: Option<String>,
    pub owner: Option<RoomOwner>,
}
