//! Forgetting a person in the open programme, and following a partner who
//! did.
//!
//! Forgetting makes a new generation of the programme (see
//! `tandem_core::generation`), stores it in place of every byte of the old
//! one (`ProgrammeStore::start_over`), and, if the programme is shared,
//! moves it to a new room with a new key: the new generation is pushed
//! there whole, and the old room is retired with a sealed notice that tells
//! the partners' browsers where it went. A programme shared by device moves
//! to a room that admits devices only: this (admin) device founds it and
//! carries the old list's current devices over, so each partner's browser
//! reads the new room as the same device and no link is ever the key. A partner's browser that hears of
//! it (live, or when it comes back) fetches the new generation and asks its
//! coordinator, naming who made it and when ([`MoveQuestion`]); it is never
//! followed by itself. Until the coordinator says yes, the old generation
//! stays here as it was, sealed, and a notice that is no successor of this
//! programme is refused outright: anyone holding the old link can retire
//! its room, but not replace a programme. On yes, this browser carries its
//! own unsynced edits over, starts over in storage too, and syncs on in the
//! new room.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{PersonId, ProgrammeDocument, TandemId};
use tandem_sync::access::{DeviceIdentity, DeviceSync};
use tandem_sync::{ClientEvent, Forwarding, Invite, RoomOwner, SyncClient};

mod pages;

use super::ProgrammeSession;
use crate::clock::now_seconds;
use crate::live::fetch::Fetched;
use crate::live::{Live, LiveHost, SyncStatus};
use crate::settings::{CarriedDevice, DeviceRecord, PageRecord, SyncRecord};
use crate::socket::{relay_url, Socket};
use crate::storage::ProgrammeStore;

/// How often an empty new room is asked again.
const FETCH_ATTEMPTS: u32 = 20;

/// Where this browser reads a new generation from: its relay, and, for a
/// programme shared by device, this device's identity.
#[derive(Clone)]
struct Source {
    relay: Option<String>,
    identity: Option<DeviceIdentity>,
    /// The admin who signed the retirement, as the member list names them.
    signer: Option<String>,
}

/// What a new generation's room held, and, read as a device, its member
/// list.
type Arrived = (Fetched, Option<Vec<Vec<u8>>>);

/// This (admin) device in the next generation's room `room`: the genesis
/// of its member list, with the old list's other current devices to be
/// carried over once the genesis is stored, each with its role and the
/// profile it gave.
fn next_generation_device(
    old: &SyncRecord,
    kept: &DeviceRecord,
    room: tandem_sync::RoomId,
) -> Option<DeviceRecord> {
    let old_room = crate::live::device::room_of(&old.invite)?;
    let identity = kept.identity()?;
    let sync = DeviceSync::resume(old_room, identity.clone(), None, &kept.entries, 0).ok()?;
    let me = identity.id();
    let profile = sync
        .profile_of(&me)
        .unwrap_or_else(|| super::access::Profile::of_settings().to_bytes());
    let carry = sync
        .roster()
        .current()
        .filter(|member| member.keys.signing != me)
        .map(|member| CarriedDevice {
            keys: member.keys,
            role: member.role,
            profile: sync.profile_of(&member.keys.signing).unwrap_or_default(),
        })
        .collect();
    let (_, genesis) =
        DeviceSync::found(room, identity, &profile, crate::live::now_seconds()).ok()?;
    Some(DeviceRecord {
        identity: kept.identity.clone(),
        entries: vec![genesis],
        carry,
        ..DeviceRecord::default()
    })
}

/// A new generation a partner made, waiting for this coordinator's yes.
pub(super) struct ProposedMove {
    next: ProgrammeDocument,
    record: SyncRecord,
}

/// What the coordinator is asked before the programme moves to a new
/// generation: who made it, and when (as their change says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveQuestion {
    pub by: String,
    pub at: i64,
    /// `by` is the coordinator of the admin device that signed the move,
    /// as the member list names them, not a name the change gives itself.
    pub verified: bool,
}

impl ProgrammeSession {
    /// Forgets a person for good: a new generation without them replaces
    /// the programme here, in storage and on the relay.
    pub fn forget(&self, person: PersonId) -> Result<(), String> {
        self.attach_now();
        let i18n = self.i18n;
        // The new generation replaces the programme for every partner: in
        // a programme shared by device only an admin's device may make it
        // (the relay and the partners' browsers would refuse it, and this
        // browser alone would be left with a programme of its own).
        let coordinator_only = self.relay.with_value(|link| {
            link.as_ref()
                .and_then(|link| link.device())
                .is_some_and(|device| !device.is_admin())
        });
        if coordinator_only {
            return Err(i18n.t("forget-needs-admin"));
        }
        let author = self.author();
        let erasure = self
            .document
            .with_value(|document| {
                document
                    .as_ref()
                    .map(|document| document.forget(&author, now_seconds(), person))
            })
            .ok_or_else(|| i18n.t("error-document"))?
            .map_err(|error| super::messages::command_error_text(i18n, &error))?;
        // The room as this tab shares it now (its record is the one stored).
        let old_record = self
            .relay
            .with_value(|link| link.as_ref().map(|link| link.record().clone()));
        self.replace_generation(erasure.document, &erasure.tandems, old_record, true);
        Ok(())
    }

    /// Whether `file` is of the generation that replaced this programme's
    /// (a partner forgot a person): then the file is not merged but moved
    /// to, with [`move_by_file`](Self::move_by_file).
    pub(super) fn is_successor(&self, file: &tandem_core::ExchangeFile) -> bool {
        self.document
            .with_value(|document| {
                document
                    .as_ref()
                    .map(|document| document.is_replaced_by(file))
            })
            .unwrap_or(false)
    }

    /// Moves this programme onto the new generation a partner sent as a
    /// file, carrying this browser's own edits over; the old generation's
    /// bytes leave storage as after an erasure here. The old room was
    /// retired with the erasure, so live sharing stops here until the
    /// partner's new invitation link is opened. Returns how many of this
    /// browser's values were carried over.
    pub fn move_by_file(&self, bytes: &[u8]) -> Result<usize, String> {
        self.attach_now();
        let i18n = self.i18n;
        let file = tandem_core::ExchangeFile::decode(bytes)
            .map_err(|error| super::messages::exchange_error_text(i18n, &error))?;
        let author = self.author();
        let (next, carried) = self
            .document
            .with_value(|document| {
                document
                    .as_ref()
                    .map(|document| document.move_to(&author, now_seconds(), &file))
            })
            .ok_or_else(|| i18n.t("error-document"))?
            .map_err(|error| super::messages::exchange_error_text(i18n, &error))?;
        let gone = self.tandems_gone(&next);
        let record_key = SyncRecord::key(next.id());
        spawn_local(async move { SyncRecord::remove_at(&record_key).await });
        self.sync_status.set(SyncStatus::Local);
        self.replace_generation(next, &gone, None, false);
        Ok(carried.values)
    }

    /// Puts a new generation in place of the programme: in memory, in
    /// storage (every byte of the old one gone), and on the relay when the
    /// programme is shared (`old_record`). `lead`: this browser made the
    /// generation, so it opens the new room and retires the old one.
    /// Tells the other tabs of this browser that the programme moves to its
    /// new generation: they let go of the database, and until they reload
    /// they show the old one and store nothing (`StorageError::Moved`).
    fn tell_tabs_moved(&self) {
        self.channel.with_value(|channel| {
            let Some(channel) = channel else { return };
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"moved".into(), &true.into());
            let _ = channel.channel.post_message(&message);
        });
    }

    /// The tandems of this programme that `next` no longer has: their pages
    /// are left behind when the programme moves to `next`.
    fn tandems_gone(&self, next: &ProgrammeDocument) -> Vec<TandemId> {
        self.with_untracked(|programme| {
            programme
                .tandems
                .keys()
                .filter(|tandem| !next.programme().tandems.contains_key(tandem))
                .copied()
                .collect()
        })
        .unwrap_or_default()
    }

    pub(super) fn replace_generation(
        &self,
        mut next: ProgrammeDocument,
        pages: &[TandemId],
        old_record: Option<SyncRecord>,
        lead: bool,
    ) {
        let id = next.id();
        let name = next.heads_key();
        let changed = self
            .with_untracked(|programme| pages::tandems_changed(programme, next.programme()))
            .unwrap_or_default();
        // Stored without compression: a search of the stored bytes for an
        // erased name then means something.
        let bytes = next.save_uncompressed();
        next.mark_saved();
        // The old room's connection goes; its record is replaced below.
        let link = self.relay.try_update_value(|link| link.take()).flatten();
        drop(link);
        self.document.set_value(Some(next));
        self.known_chunks.set_value(Vec::new());
        self.needs_snapshot.set_value(false);
        self.bump();
        self.moving.set_value(None);
        self.move_question.set(None);
        let pages = pages.to_vec();
        let session = *self;
        // The other tabs let go of the database before it is written afresh.
        self.tell_tabs_moved();
        self.writes.update_value(|writes| writes.begin());
        spawn_local(async move {
            for tandem in &pages {
                let key = PageRecord::page_key(*tandem);
                // The tandem's page went with the person: its room on the
                // relay is retired too, so its log (the pair's goals and
                // meetings) is dropped there. There is no new page to point
                // to. The browser that set the page up holds its record,
                // whether it made the new generation or moved to it. The
                // record goes before the store is written afresh.
                if let Some(record) = PageRecord::load_at(&key).await {
                    if let Ok(invite) = Invite::from_fragment(&record.invite) {
                        let owner = record.owner.as_deref().and_then(RoomOwner::from_text);
                        retire_room(invite, record.relay, Vec::new(), owner);
                    }
                }
                SyncRecord::remove_at(&key).await;
            }
            let stored = match ProgrammeStore::open().await {
                Ok(store) => store.start_over(id, &name, &bytes, &pages).await,
                Err(error) => Err(error),
            };
            let kept = stored.is_ok();
            let ready = session
                .writes
                .try_update_value(|writes| writes.end(kept))
                .unwrap_or_default();
            match stored {
                Ok(key) => {
                    session.known_chunks.set_value(vec![key]);
                    session
                        .stored_bytes
                        .set_value(super::StoredBytes::at(bytes.len()));
                    session.unsaved.set(None);
                    for then in ready {
                        then();
                    }
                }
                Err(error) => {
                    session.needs_snapshot.set_value(true);
                    session.unsaved.set(Some(error.code()));
                }
            }
            // A page is started afresh only in a store written afresh.
            for (tandem, side) in changed.into_iter().filter(|_| kept) {
                if let Err(code) = pages::restart_page(tandem, side).await {
                    session.unsaved.set(Some(code));
                }
            }
            let Some(old) = old_record else {
                return;
            };
            if !lead {
                return;
            }
            let Ok(invite) = Invite::new_room() else {
                session
                    .sync_status
                    .set(SyncStatus::Refused("share-no-randomness".into()));
                return;
            };
            let generation = session
                .document
                .with_value(|document| document.as_ref().map(|d| d.generation().id))
                .unwrap_or_default();
            let forwarding = Forwarding {
                invite: invite.clone(),
                generation,
            };
            // A programme shared by device moves to a room that admits
            // devices only, founded by this device with the old list's
            // current devices carried over: the move notice is no key to
            // the programme.
            let device = match old.device.as_ref() {
                Some(kept) => match next_generation_device(&old, kept, invite.room) {
                    Some(device) => Some(device),
                    None => {
                        session
                            .sync_status
                            .set(SyncStatus::Refused("access-failed".into()));
                        return;
                    }
                },
                None => None,
            };
            let record = SyncRecord {
                invite: invite.to_fragment(),
                relay: old.relay.clone(),
                device,
                ..SyncRecord::default()
            };
            let _ = record.save(id).await;
            session.start_relay(SyncRecord::key(id), record, true);
            if old.device.is_some() {
                retire_device_room(&old, forwarding.encode());
            } else if let Ok(old_invite) = Invite::from_fragment(&old.invite) {
                retire_room(old_invite, old.relay, forwarding.encode(), None);
            }
        });
    }

    /// The relay says the programme's room is retired: fetch the new
    /// generation from the room the notice names and ask the coordinator
    /// whether to move to it (see [`accept_move`](Self::accept_move)).
    /// Nothing here changes before the answer.
    pub(crate) fn follow_forwarding(&self, notice: Vec<u8>) {
        let Ok(forwarding) = Forwarding::decode(&notice) else {
            self.sync_status
                .set(SyncStatus::Refused("retired-unreadable".into()));
            return;
        };
        let Some(id) = self.with_untracked(|programme| programme.id) else {
            return;
        };
        let link = self.relay.try_update_value(|link| link.take()).flatten();
        let relay = link.as_ref().and_then(|link| link.record().relay.clone());
        // A device of the old room's list reads the new one as the same
        // device: its admin carried it over.
        let identity = link
            .as_ref()
            .and_then(|link| link.record().device.as_ref())
            .and_then(DeviceRecord::identity);
        let signer = link
            .as_ref()
            .and_then(|link| link.device()?.retired_by())
            .map(|bytes| super::access::Profile::from_bytes(&bytes).named());
        drop(link);
        self.sync_status.set(SyncStatus::Syncing);
        let from = Source {
            relay,
            identity,
            signer,
        };
        self.fetch_generation(id, forwarding, from, FETCH_ATTEMPTS);
    }

    /// Fetches the new generation from its room; the partner who made it
    /// may still be uploading it (or carrying this device over), so an
    /// empty or closed room is asked again a little later.
    fn fetch_generation(
        &self,
        id: tandem_core::ProgrammeId,
        forwarding: Forwarding,
        from: Source,
        attempts: u32,
    ) {
        let session = *self;
        let again = {
            let (forwarding, from) = (forwarding.clone(), from.clone());
            move || {
                set_timeout(
                    move || session.fetch_generation(id, forwarding, from, attempts - 1),
                    std::time::Duration::from_millis(500),
                );
            }
        };
        let (room, relay) = (forwarding.invite.room, from.relay.clone());
        let identity = from.identity.clone();
        let invite = forwarding.invite.clone();
        let arrived = move |fetched: Result<Arrived, String>| {
            let fetched = match fetched {
                Ok(fetched) if !fetched.0.blobs.is_empty() => fetched,
                _ if attempts > 0 => return again(),
                _ => {
                    session
                        .sync_status
                        .set(SyncStatus::Refused("retired-unreachable".into()));
                    return;
                }
            };
            session.generation_arrived(id, forwarding, from, fetched.0, fetched.1);
        };
        match identity {
            Some(identity) => {
                crate::live::join::fetch_as_device(room, identity, relay, move |fetched| {
                    arrived(fetched.map(|fetched| (fetched.room, Some(fetched.entries))))
                })
            }
            None => {
                crate::live::fetch::fetch_room(self.i18n, invite, relay, move |fetched| {
                    arrived(fetched.map(|fetched| (fetched, None)))
                });
            }
        }
    }

    /// The new generation arrived: checked to be this programme's
    /// successor, it waits for the coordinator's answer.
    fn generation_arrived(
        &self,
        id: tandem_core::ProgrammeId,
        forwarding: Forwarding,
        from: Source,
        fetched: Fetched,
        entries: Option<Vec<Vec<u8>>>,
    ) {
        let session = *self;
        let mut blobs = fetched.blobs.into_iter();
        let Some(Ok(mut next)) = blobs.next().map(|first| ProgrammeDocument::load(&first)) else {
            session
                .sync_status
                .set(SyncStatus::Refused("retired-unreadable".into()));
            return;
        };
        for blob in blobs {
            let _ = next.merge_bytes(&blob);
        }
        // A notice that leads anywhere but to this programme's next
        // generation is not a move: whoever sent it, nothing here
        // changes.
        let successor = session
            .document
            .with_value(|document| {
                document.as_ref().map(|old| {
                    next.id() == id
                        && next.generation().replaces.as_deref()
                            == Some(old.generation().id.as_str())
                })
            })
            .unwrap_or(false);
        if !successor {
            session
                .sync_status
                .set(SyncStatus::Refused("retired-foreign".into()));
            return;
        }
        let acknowledged: Vec<String> = next.heads().iter().map(|hash| hash.to_string()).collect();
        let question = next
            .history_after(&[])
            .into_iter()
            .find(|note| note.command == "new-generation")
            .map(|note| MoveQuestion {
                by: note.name,
                at: note.at,
                verified: false,
            })
            .unwrap_or(MoveQuestion {
                by: String::new(),
                at: 0,
                verified: false,
            });
        let question = match from.signer.clone() {
            Some(by) => MoveQuestion {
                by,
                verified: true,
                ..question
            },
            None => question,
        };
        let device = match (from.identity, entries) {
            (Some(identity), Some(entries)) => Some(DeviceRecord {
                identity: identity.to_secret_bytes().to_vec(),
                entries,
                founded: true,
                ..DeviceRecord::default()
            }),
            _ => None,
        };
        let record = SyncRecord {
            invite: forwarding.invite.to_fragment(),
            relay: from.relay,
            last_seen: fetched.last_seen,
            acknowledged,
            snapshot_at: 0,
            device,
            owner: None,
        };
        session
            .moving
            .set_value(Some(ProposedMove { next, record }));
        session.move_question.set(Some(question));
        session
            .sync_status
            .set(SyncStatus::Refused("retired-asking".into()));
    }

    /// The question waiting for the coordinator, if a partner made a new
    /// generation of this programme.
    pub fn move_question(&self) -> Option<MoveQuestion> {
        self.move_question.get()
    }

    /// The coordinator said yes: move to the new generation a partner
    /// made, carrying this browser's own edits over, and sync on in its
    /// room. The old generation's bytes leave storage as after an erasure
    /// here.
    pub fn accept_move(&self) -> Result<(), String> {
        self.attach_now();
        let i18n = self.i18n;
        let Some(Some(ProposedMove { mut next, record })) =
            self.moving.try_update_value(|moving| moving.take())
        else {
            return Err(i18n.t("error-document"));
        };
        let id = next.id();
        let author = self.author();
        let carried = self.document.with_value(|document| {
            document
                .as_ref()
                .map(|old| old.carry_over(&author, now_seconds(), &mut next))
        });
        match carried {
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(i18n.error(error.code())),
            None => return Err(i18n.t("error-document")),
        }
        let gone = self.tandems_gone(&next);
        self.replace_generation(next, &gone, None, false);
        // Stored once the store is written afresh, so that it is kept.
        let stored = record.clone();
        self.when_stored(Box::new(move || {
            spawn_local(async move {
                let _ = stored.save(id).await;
            })
        }));
        self.start_relay(SyncRecord::key(id), record, false);
        Ok(())
    }
}

/// Retires a room on the relay: a connection of its own says hello, asks
/// the relay to retire the room with `forwarding` sealed as its notice, and
/// closes once the relay has done so.
pub(crate) fn retire_room(
    invite: Invite,
    relay: Option<String>,
    forwarding: Vec<u8>,
    owner: Option<RoomOwner>,
) {
    if let Some(url) = relay_url(relay.as_deref()) {
        let client = SyncClient::new(invite, u64::MAX / 2);
        let client = match owner {
            Some(owner) => client.with_owner(owner),
            None => client,
        };
        retire_with(client, url, forwarding);
    }
}

/// Retires a room with a member list as this (admin) device: its own
/// connection says the device's hello, sends the signed retirement with
/// `forwarding` sealed under the current epoch key (members only read
/// it), and closes once the relay has stored it.
fn retire_device_room(record: &SyncRecord, forwarding: Vec<u8>) {
    let Some(kept) = record.device.as_ref() else {
        return;
    };
    let (Some(room), Some(identity)) = (
        crate::live::device::room_of(&record.invite),
        kept.identity(),
    ) else {
        return;
    };
    let Ok(sync) = DeviceSync::resume(room, identity, None, &kept.entries, record.last_seen) else {
        return;
    };
    if let Some(url) = relay_url(record.relay.as_deref()) {
        retire_with(sync, url, forwarding);
    }
}

/// What a received frame means for a retirement.
enum RetireStep {
    /// The room's log is read: send the retirement now.
    UpToDate,
    /// Retired, or refused: the connection has done what it can.
    Finished,
    /// Anything else: keep listening.
    Wait,
}

/// What retiring a room asks of a client: the room-key client of a room
/// without a member list, or the device client of one with.
trait Retiring: 'static {
    fn connect(&mut self);
    fn poll_transmit(&mut self) -> Option<Vec<u8>>;
    fn step(&mut self, bytes: &[u8]) -> RetireStep;
    fn retire(&mut self, forwarding: &[u8]);
}

impl Retiring for SyncClient {
    fn connect(&mut self) {
        let _ = SyncClient::connect(self);
    }
    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        SyncClient::poll_transmit(self)
    }
    fn step(&mut self, bytes: &[u8]) -> RetireStep {
        match self.receive(bytes) {
            Ok(Some(ClientEvent::UpToDate { .. })) => RetireStep::UpToDate,
            Ok(Some(
                ClientEvent::Acknowledged { .. }
                | ClientEvent::Retired { .. }
                | ClientEvent::Refused { .. },
            ))
            | Err(_) => RetireStep::Finished,
            _ => RetireStep::Wait,
        }
    }
    fn retire(&mut self, forwarding: &[u8]) {
        let _ = SyncClient::retire(self, forwarding);
    }
}

impl Retiring for tandem_sync::access::DeviceSync {
    fn connect(&mut self) {
        let _ = tandem_sync::access::DeviceSync::connect(self, crate::live::now_seconds());
    }
    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        tandem_sync::access::DeviceSync::poll_transmit(self)
    }
    fn step(&mut self, bytes: &[u8]) -> RetireStep {
        use tandem_sync::access::DeviceEvent;
        match self.receive(bytes) {
            Ok(Some(DeviceEvent::UpToDate { .. })) => RetireStep::UpToDate,
            Ok(Some(
                DeviceEvent::Acknowledged { .. }
                | DeviceEvent::Retired { .. }
                | DeviceEvent::Refused { .. },
            ))
            | Err(_) => RetireStep::Finished,
            _ => RetireStep::Wait,
        }
    }
    fn retire(&mut self, forwarding: &[u8]) {
        let _ = tandem_sync::access::DeviceSync::retire(self, forwarding);
    }
}

/// Drives `client` on a connection of its own to `url` until the room is
/// retired (or the relay refuses), then closes.
fn retire_with<C: Retiring>(client: C, url: String, forwarding: Vec<u8>) {
    on_room(client, url, move |client| client.retire(&forwarding), || {});
}

/// Pushes `whole`, a tandem page started afresh, into its new room `next`,
/// then retires `old` with `notice`: the links that follow from the old
/// room find the page already there. The old room is retired whatever
/// became of the push, so that no link reads on there.
pub(crate) fn upload_then_retire(
    next: Invite,
    old: Invite,
    old_owner: Option<RoomOwner>,
    relay: Option<String>,
    whole: Vec<u8>,
    notice: Vec<u8>,
) {
    let Some(url) = relay_url(relay.as_deref()) else {
        return;
    };
    let upload = move |client: &mut SyncClient| {
        let _ = client.push(&whole);
    };
    on_room(SyncClient::new(next, 0), url, upload, move || {
        retire_room(old, relay, notice, old_owner)
    });
}

/// What [`on_room`] sends once the room's log is read.
type Act<C> = Box<dyn FnOnce(&mut C)>;

/// Drives `client` on a connection of its own to `url`: once the room's
/// log is read, `act` sends what it has to; once the relay has taken it
/// (or refused, or the connection ended), the connection closes and
/// `then` runs.
fn on_room<C: Retiring>(
    client: C,
    url: String,
    act: impl FnOnce(&mut C) + 'static,
    then: impl FnOnce() + 'static,
) {
    let state: StoredValue<Option<(C, Option<Socket>)>, LocalStorage> =
        StoredValue::new_local(Some((client, None)));
    let act: StoredValue<Option<Act<C>>, LocalStorage> =
        StoredValue::new_local(Some(Box::new(act)));
    let then: StoredValue<Option<Box<dyn FnOnce()>>, LocalStorage> =
        StoredValue::new_local(Some(Box::new(then)));
    let flush = move || {
        state.update_value(|state| {
            if let Some((client, Some(socket))) = state.as_mut() {
                while let Some(frame) = client.poll_transmit() {
                    socket.send(&frame);
                }
            }
        });
    };
    let close = move || {
        spawn_local(async move {
            let socket = state
                .try_update_value(|state| state.take().and_then(|(_, socket)| socket))
                .flatten();
            drop(socket);
            if let Some(then) = then.try_update_value(Option::take).flatten() {
                then();
            }
        });
    };
    let opened = Socket::open(
        &url,
        move || {
            state.update_value(|state| {
                if let Some((client, _)) = state.as_mut() {
                    client.connect();
                }
            });
            flush();
        },
        move |bytes| {
            let step = state
                .try_update_value(|state| state.as_mut().map(|(client, _)| client.step(&bytes)))
                .flatten();
            match step {
                Some(RetireStep::UpToDate) => {
                    let act = act.try_update_value(Option::take).flatten();
                    state.update_value(|state| {
                        if let (Some((client, _)), Some(act)) = (state.as_mut(), act) {
                            act(client);
                        }
                    });
                    flush();
                }
                Some(RetireStep::Finished) => close(),
                Some(RetireStep::Wait) | None => {}
            }
        },
        close,
    );
    match opened {
        Ok(socket) => state.update_value(|state| {
            if let Some((_, slot)) = state.as_mut() {
                *slot = Some(socket);
            }
        }),
        Err(_) => close(),
    }
}
