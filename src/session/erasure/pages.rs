//! The tandem pages of a programme that moves to a new generation.
//!
//! A page whose tandem is gone is retired with no way on (see
//! `replace_generation`). A page whose tandem lost a member (a forgotten
//! co-mentor) starts afresh: the page as it stands, without them and with
//! none of its history (`TandemPageDocument::afresh`), goes to a new room;
//! the old room is retired with a notice that only the remaining members'
//! links open, so theirs follow and the forgotten member's reads nothing
//! new. Whichever browser set the page up (and so holds its record) does
//! this, as it moves to the new generation.

use std::collections::BTreeSet;

use tandem_core::{Programme, ProgrammeSide, TandemId, TandemPageDocument};
use tandem_sync::page_link::{Holder, PageForwarding};
use tandem_sync::{Invite, RoomOwner};

use crate::clock::now_seconds;
use crate::settings::{PageLinks, PageRecord};
use crate::storage::ProgrammeStore;

/// The tandems that `next` still has with other members than `old` had,
/// each with its side as `next` projects it.
pub(super) fn tandems_changed(old: &Programme, next: &Programme) -> Vec<(TandemId, ProgrammeSide)> {
    let members = |programme: &Programme, id: &TandemId| {
        programme
            .tandems
            .get(id)
            .map(|t| [Some(t.mentee), Some(t.mentor), t.co_mentor])
    };
    old.tandems
        .keys()
        .filter(|id| {
            let after = members(next, id);
            after.is_some() && after != members(old, id)
        })
        .filter_map(|id| Some((*id, ProgrammeSide::project(next, *id)?)))
        .collect()
}

/// Starts the page of `tandem` afresh with `side`, if it was set up here:
/// stored in place of the old one, pushed into a new room, and the old
/// room retired with a way on for the links of the members `side` still
/// has. Returns the error code if it could not.
pub(super) async fn restart_page(
    tandem: TandemId,
    side: ProgrammeSide,
) -> Result<(), &'static str> {
    let key = PageRecord::page_key(tandem);
    let Some(record) = PageRecord::load_at(&key).await else {
        return Ok(());
    };
    let store = ProgrammeStore::open().await.map_err(|error| error.code())?;
    let Some(bytes) = store.load_page(tandem).await.map_err(|e| e.code())? else {
        return Ok(());
    };
    let page = TandemPageDocument::load(&bytes).map_err(|error| error.code())?;
    let members: BTreeSet<String> = side.members.iter().map(|m| m.person.to_string()).collect();
    let mut fresh = page
        .afresh(side, now_seconds())
        .map_err(|error| error.code())?;
    let old = Invite::from_fragment(&record.invite).map_err(|_| "invite-damaged")?;
    let old_owner = record.owner.as_deref().and_then(RoomOwner::from_text);
    let (next, owner) = Invite::new_owned_room().map_err(|_| "share-no-randomness")?;
    let mut links = PageLinks::load(tandem).await;
    links.holders.retain(|person, _| members.contains(person));
    let remaining: Vec<Holder> = links
        .holders
        .values()
        .filter_map(|secret| Holder::from_text(secret))
        .collect();
    let onward: Vec<(&Holder, &Invite)> = remaining.iter().map(|h| (h, &next)).collect();
    let notice = PageForwarding::seal(&old.room, &onward).map_err(|_| "share-no-randomness")?;
    let whole = fresh.save();
    store
        .put_page(tandem, &whole)
        .await
        .map_err(|error| error.code())?;
    links.save(tandem).await.map_err(|error| error.code())?;
    // Nothing acknowledged yet: should the push below not reach the
    // relay, the page goes there whole when it next opens here.
    let moved = PageRecord {
        invite: next.to_fragment(),
        relay: record.relay.clone(),
        owner: Some(owner.to_text()),
        ..PageRecord::default()
    };
    moved.save_at(&key).await.map_err(|error| error.code())?;
    super::upload_then_retire(next, old, old_owner, record.relay, whole, notice);
    Ok(())
}
