//! Joining a programme by invitation (protocol 2): this browser makes its
//! device identity, introduces itself to the programme's member list with
//! the invitation, and waits until an admin approves it. Only then does it
//! hold the programme's key and receive the programme, which it stores and
//! keeps syncing as a member device.
//!
//! The link holds no key to the programme: used once, it introduces nobody
//! else, and a device nobody approves reads nothing. While the device waits,
//! its identity is kept sealed with the invitation, so a reload of the page
//! goes on waiting as the same device instead of asking again with a used
//! link.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_sync::access::{DeviceEvent, DeviceIdentity, DeviceSync, Invitation};

use crate::i18n::refusal_key;
use crate::live::fetch::Fetched;
use crate::live::invite::invitation_fragment;
use crate::live::now_seconds;
use crate::settings::DeviceRecord;
use crate::socket::{relay_url, Socket};
use crate::storage::ProgrammeStore;

/// Where a device waiting for approval is kept (sealed).
const ASKING: &str = "tandem.join-asking";

/// A request under way, as kept between page loads.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    /// The invitation's fragment, with its relay.
    fragment: String,
    /// The device identity's secret bytes.
    identity: Vec<u8>,
}

/// The device that asked to join with `invitation` before this page was
/// loaded, if this browser keeps one.
pub(crate) async fn kept_request(invitation: &Invitation) -> Option<DeviceIdentity> {
    let store = ProgrammeStore::open().await.ok()?;
    let bytes = store.load_small(ASKING).await.ok()??;
    let kept: Kept = serde_json::from_slice(&bytes).ok()?;
    let asked = Invitation::from_fragment(kept.fragment.split("&relay=").next()?)?;
    if asked.id != invitation.id || asked.room != invitation.room {
        return None;
    }
    let secret: &[u8; 64] = kept.identity.as_slice().try_into().ok()?;
    Some(DeviceIdentity::from_secret_bytes(secret))
}

/// Keeps the waiting device; where records cannot be sealed it is not
/// kept, and a reload asks for a new invitation.
async fn keep_request(invitation: &Invitation, relay: Option<&str>, identity: &DeviceIdentity) {
    let kept = Kept {
        fragment: invitation_fragment(invitation, relay),
        identity: identity.to_secret_bytes().to_vec(),
    };
    if let (Ok(store), Ok(bytes)) = (ProgrammeStore::open().await, serde_json::to_vec(&kept)) {
        let _ = store.put_small(ASKING, &bytes).await;
    }
}

/// Forgets the waiting device (joined, or refused).
pub(crate) async fn forget_request() {
    if let Ok(store) = ProgrammeStore::open().await {
        let _ = store.delete_small(ASKING).await;
    }
}

/// Where a device's request to join stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Asking {
    Connecting,
    /// Introduced; an admin is to approve the device with this fingerprint.
    Waiting(String),
    /// Approved: the programme is arriving.
    Approved,
    /// Everything arrived: the programme's changes as the relay held them,
    /// what the device keeps, and up to where the relay's log is merged.
    Arrived {
        blobs: Vec<Vec<u8>>,
        device: DeviceRecord,
        last_seen: u64,
    },
    /// A refusal, with its message key.
    Refused(String),
}

/// One request to join, its socket and what arrived.
pub(crate) struct Request {
    sync: DeviceSync,
    identity: DeviceIdentity,
    socket: Option<Socket>,
    blobs: Vec<Vec<u8>>,
    /// What the members' signed deliveries vouched for, kept with the
    /// device.
    provenance: tandem_core::Provenance,
}

/// Asks to join the programme of `invitation` with `profile`; `state`
/// follows the request. The request lives in `request` (dropping it hangs
/// up). `resumed`: the device that asked before this page was loaded, which
/// goes on waiting instead of asking again.
pub(crate) fn ask_to_join(
    invitation: Invitation,
    relay: Option<String>,
    profile: Vec<u8>,
    resumed: Option<DeviceIdentity>,
    request: StoredValue<Option<Request>, LocalStorage>,
    state: RwSignal<Asking>,
) {
    let asked = resumed.is_some();
    let Some(identity) = resumed.or_else(|| DeviceIdentity::generate().ok()) else {
        return state.set(Asking::Refused("share-no-randomness".into()));
    };
    let pinned = Some(invitation.genesis);
    let Ok(sync) = DeviceSync::resume(invitation.room, identity.clone(), pinned, &[], 0) else {
        return state.set(Asking::Refused("access-failed".into()));
    };
    let Some(url) = relay_url(relay.as_deref()) else {
        return state.set(Asking::Refused("join-link-unreachable".into()));
    };
    let fingerprint = identity.keys().fingerprint();
    if !asked {
        let (invitation, relay, identity) = (invitation.clone(), relay.clone(), identity.clone());
        spawn_local(async move { keep_request(&invitation, relay.as_deref(), &identity).await });
    }
    request.set_value(Some(Request {
        sync,
        identity,
        socket: None,
        blobs: Vec::new(),
        provenance: tandem_core::Provenance::new(),
    }));
    state.set(Asking::Connecting);
    let opened = Socket::open(
        &url,
        move || {
            request.update_value(|request| {
                let Some(request) = request.as_mut() else {
                    return;
                };
                let said = if asked {
                    request.sync.connect(now_seconds())
                } else {
                    request.sync.introduce(&invitation, &profile, now_seconds())
                };
                if said.is_ok() {
                    request.flush();
                }
            });
        },
        move |bytes| received(&bytes, request, state, &fingerprint),
        move || {
            spawn_local(async move {
                if request.is_disposed() {
                    return;
                }
                request.set_value(None);
                if matches!(
                    state.get_untracked(),
                    Asking::Connecting | Asking::Waiting(_) | Asking::Approved
                ) {
                    state.set(Asking::Refused("join-link-unreachable".into()));
                }
            });
        },
    );
    match opened {
        Ok(socket) => request.update_value(|request| {
            if let Some(request) = request.as_mut() {
                request.socket = Some(socket);
            }
        }),
        Err(_) => state.set(Asking::Refused("join-link-unreachable".into())),
    }
}

impl Request {
    fn flush(&mut self) {
        let Some(socket) = self.socket.as_ref() else {
            return;
        };
        while let Some(frame) = self.sync.poll_transmit() {
            if !socket.send(&frame) {
                break;
            }
        }
    }
}

fn received(
    bytes: &[u8],
    request: StoredValue<Option<Request>, LocalStorage>,
    state: RwSignal<Asking>,
    fingerprint: &str,
) {
    let next = request
        .try_update_value(|request| {
            let request = request.as_mut()?;
            let event = request.sync.receive(bytes);
            request.flush();
            let approved = request.sync.key().is_some();
            let waiting = request.sync.roster().is_pending(&request.identity.id());
            Some(match event {
                Err(tandem_sync::access::DeviceError::OtherProgramme) => {
                    Some(Asking::Refused("join-other-genesis".into()))
                }
                Err(_) => Some(Asking::Refused("join-link-unreadable".into())),
                Ok(None) => None,
                Ok(Some(DeviceEvent::Refused { code, .. })) => {
                    Some(Asking::Refused(refusal_key(code.as_str())))
                }
                // Before any list, the relay sends only a retired room's
                // notice (which a device not yet a member cannot open).
                Ok(Some(DeviceEvent::Rejected { .. } | DeviceEvent::Retired { .. }))
                    if request.sync.roster().is_empty() =>
                {
                    Some(Asking::Refused("join-link-retired".into()))
                }
                Ok(Some(DeviceEvent::Acknowledged { .. } | DeviceEvent::UpToDate { .. }))
                    if !approved =>
                {
                    Some(Asking::Waiting(fingerprint.to_string()))
                }
                Ok(Some(DeviceEvent::Members { .. })) if approved => Some(Asking::Approved),
                // The list shows this device's introduction (after a
                // reload, the relay sends only the list to a waiting one).
                Ok(Some(DeviceEvent::Members { .. })) if waiting => {
                    Some(Asking::Waiting(fingerprint.to_string()))
                }
                Ok(Some(DeviceEvent::Changes {
                    changes, author, ..
                })) => {
                    request.provenance.vouch(&author.0, &changes);
                    request.blobs.push(changes);
                    None
                }
                Ok(Some(DeviceEvent::UpToDate { latest })) if approved => Some(Asking::Arrived {
                    blobs: std::mem::take(&mut request.blobs),
                    device: DeviceRecord {
                        identity: request.identity.to_secret_bytes().to_vec(),
                        entries: request.sync.entries().to_vec(),
                        founded: true,
                        vouched: std::mem::take(&mut request.provenance),
                        ..DeviceRecord::default()
                    },
                    last_seen: latest.max(request.sync.last_seen()),
                }),
                Ok(Some(_)) => None,
            })
        })
        .flatten()
        .flatten();
    if let Some(next) = next {
        let done = matches!(next, Asking::Arrived { .. } | Asking::Refused(_));
        state.set(next);
        if done {
            // Hung up from outside the socket's own handler.
            spawn_local(async move {
                forget_request().await;
                if !request.is_disposed() {
                    request.set_value(None);
                }
            });
        }
    }
}

/// What a member device read of a room: what any fetch reads, and the
/// member list it checked.
pub(crate) struct DeviceFetched {
    pub room: Fetched,
    pub entries: Vec<Vec<u8>>,
}

type DeviceFetchDone = Box<dyn FnOnce(Result<DeviceFetched, String>)>;

/// A member device's one reading of a room.
pub(crate) struct DeviceFetching {
    sync: DeviceSync,
    socket: Option<Socket>,
    blobs: Vec<Vec<u8>>,
    done: Option<DeviceFetchDone>,
}

/// Reads everything the room `room` holds, once, as the member device
/// `identity` (a programme's next generation, into which its admin
/// carried this device), and calls `done` with it or with the message key
/// why not. A device the room's list does not admit (yet) hears a refusal.
pub(crate) fn fetch_as_device(
    room: tandem_sync::RoomId,
    identity: DeviceIdentity,
    relay: Option<String>,
    done: impl FnOnce(Result<DeviceFetched, String>) + 'static,
) {
    let Ok(sync) = DeviceSync::resume(room, identity, None, &[], 0) else {
        return done(Err("retired-unreadable".into()));
    };
    let state: StoredValue<Option<DeviceFetching>, LocalStorage> =
        StoredValue::new_local(Some(DeviceFetching {
            sync,
            socket: None,
            blobs: Vec::new(),
            done: Some(Box::new(done)),
        }));
    // Ends the fetch once; the socket goes outside its own handler.
    let finish = move |result: Result<(), String>| {
        let taken = state
            .try_update_value(|fetching| {
                let fetching = fetching.as_mut()?;
                let done = fetching.done.take()?;
                let fetched = DeviceFetched {
                    room: Fetched {
                        blobs: std::mem::take(&mut fetching.blobs),
                        last_seen: fetching.sync.last_seen(),
                        retired: None,
                    },
                    entries: fetching.sync.entries().to_vec(),
                };
                Some((done, fetched, fetching.socket.take()))
            })
            .flatten();
        if let Some((done, fetched, socket)) = taken {
            spawn_local(async move {
                drop(socket);
                done(result.map(|()| fetched));
            });
        }
    };
    let flush = move || {
        state.update_value(|fetching| {
            if let Some(fetching) = fetching.as_mut() {
                while let Some(frame) = fetching.sync.poll_transmit() {
                    if let Some(socket) = &fetching.socket {
                        socket.send(&frame);
                    }
                }
            }
        });
    };
    let Some(url) = relay_url(relay.as_deref()) else {
        return finish(Err("retired-unreachable".into()));
    };
    let opened = Socket::open(
        &url,
        move || {
            state.update_value(|fetching| {
                if let Some(fetching) = fetching.as_mut() {
                    let _ = fetching.sync.connect(now_seconds());
                }
            });
            flush();
        },
        move |bytes| {
            let outcome = state
                .try_update_value(|fetching| {
                    let fetching = fetching.as_mut()?;
                    Some(match fetching.sync.receive(&bytes) {
                        Ok(Some(DeviceEvent::Changes { changes, .. })) => {
                            fetching.blobs.push(changes);
                            None
                        }
                        Ok(Some(DeviceEvent::UpToDate { .. })) if fetching.sync.key().is_some() => {
                            Some(Ok(()))
                        }
                        Ok(Some(DeviceEvent::UpToDate { .. })) => {
                            Some(Err("retired-unreadable".to_string()))
                        }
                        Ok(Some(DeviceEvent::Refused { code, .. })) => {
                            Some(Err(refusal_key(code.as_str())))
                        }
                        Ok(_) => None,
                        Err(_) => Some(Err("retired-unreadable".to_string())),
                    })
                })
                .flatten()
                .flatten();
            flush();
            if let Some(outcome) = outcome {
                finish(outcome);
            }
        },
        move || finish(Err("retired-unreachable".into())),
    );
    match opened {
        Ok(socket) => state.update_value(|fetching| {
            if let Some(fetching) = fetching.as_mut() {
                fetching.socket = Some(socket);
            }
        }),
        Err(_) => finish(Err("retired-unreachable".into())),
    }
}
