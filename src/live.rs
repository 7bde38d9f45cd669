//! Live sync of a document through the relay: a programme, or a tandem's
//! page.
//!
//! While a document is shared, its host (the programme's session, or the
//! tandem page's) keeps a connection to the relay's room: every change made
//! here is pushed at once (sealed with the room key, see `tandem-sync`),
//! every change another device pushes is merged and stored like a local
//! edit. Nothing waits on the network: offline, changes queue up and go out
//! on reconnect, and the indicator says how many are waiting. The
//! connection retries by itself, sooner when the browser says it is back
//! online.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{LiveSync, Received, Replica};
use tandem_sync::ErrorCode;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub(crate) mod client;
pub(crate) mod device;
pub(crate) mod fetch;
pub(crate) mod invite;
pub(crate) mod join;

use crate::settings::SyncRecord;
use crate::socket::{relay_url, Socket};
use client::{LinkClient, LinkEvent};

/// Upload a snapshot after this many sequences since the last one, so the
/// room's log stays short.
const SNAPSHOT_EVERY: u64 = 200;
/// What the status says while a device approved by file waits for the
/// entry that admits it (see `tandem_sync::access::Approval`).
pub(crate) const AWAITING_ADMISSION: &str = "awaiting-admission";

/// The longest wait between two attempts to reach the relay.
const MAX_RETRY_SECONDS: u64 = 30;

/// What the sync indicator shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncStatus {
    /// The programme is kept on this device only.
    Local,
    /// Connected; sending or receiving.
    Syncing,
    /// Connected, and the relay holds every change made here.
    Synced,
    /// No connection; this many changes wait to be sent.
    Offline { waiting: usize },
    /// The relay refused the connection, for good (an error code).
    Refused(String),
}

/// The connection and what it has to remember; `C` speaks to the room.
pub(crate) struct RelayLink<C: LinkClient> {
    /// Where its [`SyncRecord`] is kept (sealed, see `crate::storage`).
    record_key: String,
    client: C,
    /// The next push holds the whole document (a document just shared).
    upload: bool,
    live: LiveSync,
    record: SyncRecord<C::Device>,
    socket: Option<Socket>,
    attempt: u32,
    /// A refusal the relay will repeat: do not try again.
    refused: Option<String>,
    /// A refusal the relay may lift (a rate, a full store, its operator's
    /// code): said while the link tries again.
    held_back: Option<String>,
    stopped: bool,
    _online: Option<WindowListener>,
    _offline: Option<WindowListener>,
}

impl<C: LinkClient> RelayLink<C> {
    /// What this browser knows of the shared room, as in memory now.
    pub(crate) fn record(&self) -> &SyncRecord<C::Device> {
        &self.record
    }

    /// Marks the link as refused for good with `code` (what the status
    /// then says, also once the connection closes).
    pub(crate) fn refuse(&mut self, code: &str) {
        self.refused = Some(code.to_string());
    }

    pub(crate) fn record_mut(&mut self) -> &mut SyncRecord<C::Device> {
        &mut self.record
    }

    /// The connection dropped: the client starts again from what the
    /// stored document holds.
    fn disconnected(&mut self) {
        self.client.disconnected(self.record.last_seen);
        if self.client.drops_unacknowledged() {
            // Pushes not acknowledged are lost with the connection: the
            // document sends them again.
            self.live = LiveSync::new(self.live.acknowledged_heads().to_vec());
        }
    }

    /// Keeps what the client keeps between sessions in the record (a
    /// device's member list).
    fn keep_entries(&mut self) {
        self.client.keep_in(&mut self.record);
    }
}

impl<C: LinkClient> std::fmt::Debug for RelayLink<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayLink")
            .field("record", &self.record_key)
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// A listener on the window, removed when dropped.
struct WindowListener {
    event: &'static str,
    closure: Closure<dyn FnMut()>,
}

impl WindowListener {
    fn new(event: &'static str, handler: impl FnMut() + 'static) -> Option<Self> {
        let closure = Closure::<dyn FnMut()>::new(handler);
        web_sys::window()?
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok()?;
        Some(Self { event, closure })
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                self.event,
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

pub(crate) fn browser_online() -> bool {
    web_sys::window()
        .map(|window| window.navigator().on_line())
        .unwrap_or(true)
}

/// What live sync needs from the page that holds a document.
pub(crate) trait LiveHost: Copy + 'static {
    type Doc: Replica + 'static;
    /// What speaks to the document's room.
    type Client: LinkClient;
    /// The document, once it is open.
    fn doc(&self) -> StoredValue<Option<Self::Doc>, LocalStorage>;
    /// The connection, while the document is shared.
    fn link(&self) -> StoredValue<Option<RelayLink<Self::Client>>, LocalStorage>;
    /// What the sync indicator shows.
    fn status(&self) -> RwSignal<SyncStatus>;
    /// Changes from the relay were merged: show and store them.
    fn changed_by_relay(&self);
    /// The document's writes under way, and what waits for them.
    fn writes(&self) -> StoredValue<StoreBarrier, LocalStorage>;
    /// The relay says the room is retired (a person was erased and the
    /// document moved on); `forwarding` is the opened notice. A document
    /// that cannot follow stops here.
    fn retired(&self, _forwarding: Vec<u8>) {
        self.status().set(SyncStatus::Refused("retired".into()));
    }
    /// The relay will delete the room at `at` (seconds since 1970) unless
    /// it changes before; `None` once a change has kept it.
    fn room_expires(&self, _at: Option<u64>) {}
    /// The member list changed, or this device's standing in it.
    fn members_changed(&self) {}

    /// Runs `then` once every write of the document begun so far is
    /// stored (at once if none is under way; later, after a failed write,
    /// once a write succeeds again).
    fn when_stored(&self, then: AfterStored) {
        let now = self
            .writes()
            .try_update_value(|writes| writes.when_stored(then));
        if let Some(Some(then)) = now {
            then();
        }
    }
}

/// Live sync for any [`LiveHost`].
pub(crate) trait Live: LiveHost {
    /// Stops syncing on this device; the document stays here and the room
    /// stays with the others.
    fn stop_live(&self) {
        let link = self.link().try_update_value(|link| link.take()).flatten();
        if let Some(mut link) = link {
            link.stopped = true;
            let key = link.record_key.clone();
            spawn_local(async move { SyncRecord::remove_at(&key).await });
            // Closing from here is safe: no socket handler is running.
            drop(link);
        }
        self.status().set(SyncStatus::Local);
    }

    /// The fragment of the invite link (`room=…&key=…[&relay=…]`).
    fn invite_fragment(&self) -> Option<String> {
        self.link().with_value(|link| {
            let link = link.as_ref()?;
            let mut fragment = link.record.invite.clone();
            if let Some(relay) = &link.record.relay {
                fragment.push_str("&relay=");
                fragment.push_str(&js_sys::encode_uri_component(relay).as_string()?);
            }
            Some(fragment)
        })
    }

    fn start_relay(
        &self,
        record_key: String,
        record: SyncRecord<<Self::Client as LinkClient>::Device>,
        upload: bool,
    ) {
        let Some(client) = Self::Client::start(&record) else {
            self.status()
                .set(SyncStatus::Refused("invite-damaged".into()));
            return;
        };
        let acknowledged = record
            .acknowledged
            .iter()
            .filter_map(|hash| hash.parse().ok())
            .collect();
        let mut link = RelayLink {
            record_key,
            client,
            upload,
            live: LiveSync::new(acknowledged),
            record,
            socket: None,
            attempt: 0,
            refused: None,
            held_back: None,
            stopped: false,
            _online: None,
            _offline: None,
        };
        let session = *self;
        link._online = WindowListener::new("online", move || session.connect_now());
        link._offline = WindowListener::new("offline", move || session.went_offline());
        self.link().set_value(Some(link));
        self.push_changes();
        self.connect_now();
    }

    /// Pushes what changed here since the last push.
    fn push_changes(&self) {
        let outgoing = self.doc().try_update_value(|document| {
            let document = document.as_mut()?;
            self.link().try_update_value(|link| {
                let link = link.as_mut()?;
                if !link.client.takes_pushes() {
                    return None;
                }
                // The first push of a document just shared holds the whole
                // of it: what a partner who joins by link starts from. (A
                // device pushes it once its hello is out.)
                if std::mem::take(&mut link.upload) {
                    let whole = link.live.snapshot(document);
                    return link.client.push(&whole).ok();
                }
                let bytes = link.live.outgoing(document)?;
                link.client.push(&bytes).ok()
            })
        });
        if outgoing.flatten().is_some() {
            self.flush();
        }
        self.show_status();
    }

    /// Changes another tab stored reached this tab: that tab pushes them.
    fn merged_elsewhere(&self, before: &[automerge::ChangeHash]) {
        self.doc().with_value(|document| {
            let Some(document) = document.as_ref() else {
                return;
            };
            self.link().update_value(|link| {
                if let Some(link) = link.as_mut() {
                    link.live.merged_elsewhere(before, document);
                }
            });
        });
    }

    fn connect_now(&self) {
        // Timers and listeners may outlive the page of this programme.
        if self.link().is_disposed() {
            return;
        }
        let session = *self;
        let url = self.link().with_value(|link| {
            let link = link.as_ref()?;
            if link.stopped || link.refused.is_some() || link.socket.is_some() {
                return None;
            }
            relay_url(link.record.relay.as_deref())
        });
        let Some(url) = url else {
            return;
        };
        if !browser_online() {
            self.show_status();
            // Browsers do not always say when they are back online (Firefox
            // fires no `online` in a page that was loaded offline): look
            // again later, as after a failed attempt.
            self.retry_later();
            return;
        }
        let opened = Socket::open(
            &url,
            move || session.socket_opened(),
            move |bytes| session.frame_received(&bytes),
            move || {
                // The socket's own handler is running: let it return
                // before the socket (and the handler) is dropped.
                spawn_local(async move { session.socket_closed() });
            },
        );
        match opened {
            Ok(socket) => self.link().update_value(|link| {
                if let Some(link) = link.as_mut() {
                    link.socket = Some(socket);
                }
            }),
            Err(_) => self.retry_later(),
        }
        self.show_status();
    }

    fn went_offline(&self) {
        if self.link().is_disposed() {
            return;
        }
        let socket = self
            .link()
            .try_update_value(|link| link.as_mut().and_then(|link| link.socket.take()))
            .flatten();
        if let Some(socket) = socket {
            drop(socket);
            self.link().update_value(|link| {
                if let Some(link) = link.as_mut() {
                    link.disconnected();
                }
            });
        }
        self.show_status();
    }

    fn socket_opened(&self) {
        self.link().update_value(|link| {
            if let Some(link) = link.as_mut() {
                link.attempt = 0;
                let _ = link.client.connect(now_seconds());
            }
        });
        self.flush();
        // A device pushes what waits once its hello is out.
        self.push_changes();
        self.show_status();
    }

    fn socket_closed(&self) {
        if self.link().is_disposed() {
            return;
        }
        let was_open = self
            .link()
            .try_update_value(|link| {
                let link = link.as_mut()?;
                link.disconnected();
                link.socket.take()
            })
            .flatten();
        drop(was_open);
        self.show_status();
        self.retry_later();
    }

    fn retry_later(&self) {
        let wait = self.link().try_update_value(|link| {
            let link = link.as_mut()?;
            if link.stopped || link.refused.is_some() {
                return None;
            }
            let wait = 1u64
                .checked_shl(link.attempt)
                .unwrap_or(MAX_RETRY_SECONDS)
                .min(MAX_RETRY_SECONDS);
            link.attempt = link.attempt.saturating_add(1);
            Some(wait)
        });
        if let Some(Some(wait)) = wait {
            let session = *self;
            set_timeout(move || session.connect_now(), Duration::from_secs(wait));
        }
    }

    /// Sends whatever the client has queued.
    fn flush(&self) {
        self.link().update_value(|link| {
            let Some(link) = link.as_mut() else { return };
            let Some(socket) = link.socket.as_ref() else {
                return;
            };
            if !link.client.is_connected() {
                return;
            }
            while let Some(frame) = link.client.poll_transmit() {
                if !socket.send(&frame) {
                    break;
                }
            }
        });
    }

    fn frame_received(&self, bytes: &[u8]) {
        let event = self
            .link()
            .try_update_value(|link| link.as_mut().map(|link| link.client.receive(bytes)))
            .flatten();
        // What the client answers (the founding device's genesis after the
        // replay, a device's introduction) goes out at once.
        self.flush();
        match event {
            None | Some(Ok(None)) => {}
            Some(Ok(Some(event))) => self.relay_event(event),
            // A frame that does not read, or a blob that does not open with
            // the room key: not from this room's relay. Start over later.
            Some(Err(_)) => {
                spawn_local({
                    let session = *self;
                    async move { session.socket_closed() }
                });
            }
        }
    }

    fn relay_event(&self, event: LinkEvent) {
        if !matches!(event, LinkEvent::Refused(_)) {
            self.link().update_value(|link| {
                if let Some(link) = link.as_mut() {
                    link.held_back = None;
                }
            });
        }
        match event {
            LinkEvent::Changes(changes) => {
                let received = self.doc().try_update_value(|document| {
                    let document = document.as_mut()?;
                    self.link()
                        .try_update_value(|link| {
                            link.as_mut()
                                .map(|link| link.live.receive(document, changes))
                        })
                        .flatten()
                });
                if let Some(Some(Ok(Received::Merged(count)))) = received {
                    if count > 0 {
                        self.changed_by_relay();
                    }
                }
                self.remember_progress();
            }
            LinkEvent::Acknowledged => {
                // The room changed: the relay keeps it.
                self.room_expires(None);
                self.link().update_value(|link| {
                    if let Some(link) = link.as_mut() {
                        link.live.acknowledged();
                    }
                });
                self.remember_progress();
            }
            LinkEvent::Expires(at) => self.room_expires(Some(at)),
            LinkEvent::UpToDate => {
                self.remember_progress();
                // What waits goes out now if the list just brought this
                // device its key (approved by file).
                self.push_changes();
                self.append_due();
                self.snapshot_if_due();
                self.members_changed();
            }
            LinkEvent::Members | LinkEvent::EntryStored => {
                self.remember_progress();
                self.append_due();
                self.members_changed();
            }
            LinkEvent::Founded => {
                // The genesis is stored; the relay closes the room key's
                // connection and the device comes back at once.
                self.link().update_value(|link| {
                    if let Some(link) = link.as_mut() {
                        link.keep_entries();
                        link.attempt = 0;
                    }
                });
                self.remember_progress();
            }
            // Not applied; the member list does not admit it.
            LinkEvent::Rejected => {}
            LinkEvent::Retired(forwarding) => {
                self.link().update_value(|link| {
                    if let Some(link) = link.as_mut() {
                        link.refused = Some("retired".into());
                    }
                });
                self.retired(forwarding);
            }
            LinkEvent::Refused(code) => {
                let (founding_closed, admitting) = self
                    .link()
                    .with_value(|link| {
                        link.as_ref().map(|link| {
                            (
                                link.client.closes_stage(&code),
                                link.client.awaits_admission(&code),
                            )
                        })
                    })
                    .unwrap_or((false, false));
                self.link().update_value(|link| {
                    if let Some(link) = link.as_mut() {
                        if admitting {
                            link.held_back = Some(AWAITING_ADMISSION.to_string());
                        } else if !code.is_temporary() && !founding_closed {
                            link.refused = Some(code.as_str().to_string());
                        } else if code != ErrorCode::StaleEpoch {
                            // A change sealed just before an epoch ended
                            // goes out again at once, unremarked.
                            link.held_back = Some(code.as_str().to_string());
                        }
                    }
                });
                // The relay closes the connection after an error frame.
            }
        }
        self.show_status();
    }

    /// Stores how far this browser has synced, for the next start.
    ///
    /// Only once every write of the document begun so far is in the
    /// browser's storage: a record ahead of the stored document would make
    /// a restarted tab skip changes it never stored.
    fn remember_progress(&self) {
        let progress = self.link().with_value(|link| {
            let link = link.as_ref()?;
            // Held deliveries are asked for again after a restart.
            let last_seen = (link.live.held() == 0).then(|| link.client.last_seen());
            let acknowledged: Vec<String> = link
                .live
                .acknowledged_heads()
                .iter()
                .map(|hash| hash.to_string())
                .collect();
            Some((link.record_key.clone(), last_seen, acknowledged))
        });
        let Some((key, last_seen, acknowledged)) = progress else {
            return;
        };
        let session = *self;
        self.when_stored(Box::new(move || {
            if session.link().is_disposed() {
                return;
            }
            let record = session
                .link()
                .try_update_value(|link| {
                    let link = link.as_mut().filter(|link| link.record_key == key)?;
                    link.keep_entries();
                    if let Some(last_seen) = last_seen {
                        link.record.last_seen = link.record.last_seen.max(last_seen);
                    }
                    link.record.acknowledged = acknowledged;
                    Some(link.record.clone())
                })
                .flatten();
            // Written in the order the records were made: tasks run in
            // order, and the sealed write starts its transaction at once.
            // A refused write only makes the next start sync from further
            // back.
            if let Some(record) = record {
                spawn_local(async move {
                    let _ = record.save_at(&key).await;
                });
            }
        }));
    }

    /// Sends the member-list entry the client's state calls for now, if
    /// any (a programme's device: a new key epoch, a device carried over).
    fn append_due(&self) {
        let appended = self.link().try_update_value(|link| {
            let link = link.as_mut()?;
            link.client
                .append_due(&mut link.record, now_seconds())
                .then_some(())
        });
        if appended.flatten().is_some() {
            self.flush();
            self.remember_progress();
        }
    }

    /// Replaces the room's log by one snapshot now and then.
    fn snapshot_if_due(&self) {
        let queued = self.doc().try_update_value(|document| {
            let document = document.as_mut()?;
            self.link()
                .try_update_value(|link| {
                    let link = link.as_mut()?;
                    let since = link
                        .client
                        .last_seen()
                        .saturating_sub(link.record.snapshot_at);
                    // Everything of this device's must be in the room before
                    // a snapshot stands for the room's log.
                    if since < SNAPSHOT_EVERY
                        || link.client.pending() > 0
                        || link.live.held() > 0
                        || link.live.waiting(document) > 0
                    {
                        return None;
                    }
                    if !link.client.may_snapshot() {
                        return None;
                    }
                    let whole = link.live.snapshot(document);
                    link.client.snapshot(&whole).ok()?;
                    link.record.snapshot_at = link.client.last_seen();
                    Some(())
                })
                .flatten()
        });
        if queued.flatten().is_some() {
            self.flush();
        }
    }

    fn show_status(&self) {
        let status = self.doc().with_value(|document| {
            self.link().with_value(|link| {
                let Some(link) = link.as_ref() else {
                    return SyncStatus::Local;
                };
                if let Some(code) = &link.refused {
                    return SyncStatus::Refused(code.clone());
                }
                if !link.client.is_connected() {
                    if let Some(code) = &link.held_back {
                        return SyncStatus::Refused(code.clone());
                    }
                    let waiting = document
                        .as_ref()
                        .map(|document| link.live.waiting(document))
                        .unwrap_or(0);
                    return SyncStatus::Offline { waiting };
                }
                if link.client.is_up_to_date() && link.client.pending() == 0 {
                    SyncStatus::Synced
                } else {
                    SyncStatus::Syncing
                }
            })
        });
        if self.status().get_untracked() != status {
            self.status().set(status);
        }
    }
}

impl<T: LiveHost> Live for T {}

/// Seconds since 1970, by this browser's clock.
pub(crate) fn now_seconds() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// A callback to run once the document's writes are stored.
pub(crate) type AfterStored = Box<dyn FnOnce()>;

/// Which writes of a document are still under way, and what waits for them.
#[derive(Default)]
pub(crate) struct StoreBarrier {
    in_flight: u32,
    failed: bool,
    waiting: Vec<AfterStored>,
}

impl StoreBarrier {
    /// A write has begun.
    pub(crate) fn begin(&mut self) {
        self.in_flight += 1;
    }

    /// A write has ended; returns what may run now.
    pub(crate) fn end(&mut self, stored: bool) -> Vec<AfterStored> {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.failed = !stored;
        if self.in_flight == 0 && !self.failed {
            std::mem::take(&mut self.waiting)
        } else {
            Vec::new()
        }
    }

    /// `then`, back to run at once if nothing is under way, or kept.
    pub(crate) fn when_stored(&mut self, then: AfterStored) -> Option<AfterStored> {
        if self.in_flight == 0 && !self.failed {
            Some(then)
        } else {
            self.waiting.push(then);
            None
        }
    }
}
