//! Joining a programme by invitation (protocol 2): this browser makes its
//! device identity, introduces itself to the programme's member list with
//! the invitation, and waits until an admin approves it. Only then does it
//! hold the programme's key and receive the programme, which it stores and
//! keeps syncing as a member device.
//!
//! The link holds no key to the programme: used once, it introduces nobody
//! else, and a device nobody approves reads nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_sync::access::{DeviceEvent, DeviceIdentity, DeviceSync, Invitation};

use crate::live::{now_seconds, refusal_key};
use crate::settings::DeviceRecord;
use crate::socket::{relay_url, Socket};

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
}

/// Asks to join the programme of `invitation` with `profile`; `state`
/// follows the request. The request lives in `request` (dropping it hangs
/// up).
pub(crate) fn ask_to_join(
    invitation: Invitation,
    relay: Option<String>,
    profile: Vec<u8>,
    request: StoredValue<Option<Request>, LocalStorage>,
    state: RwSignal<Asking>,
) {
    let Ok(identity) = DeviceIdentity::generate() else {
        return state.set(Asking::Refused("share-no-randomness".into()));
    };
    let Ok(sync) = DeviceSync::resume(invitation.room, identity.clone(), None, &[], 0) else {
        return state.set(Asking::Refused("access-failed".into()));
    };
    let Some(url) = relay_url(relay.as_deref()) else {
        return state.set(Asking::Refused("join-link-unreachable".into()));
    };
    let fingerprint = identity.keys().fingerprint();
    request.set_value(Some(Request {
        sync,
        identity,
        socket: None,
        blobs: Vec::new(),
    }));
    state.set(Asking::Connecting);
    let opened = Socket::open(
        &url,
        move || {
            request.update_value(|request| {
                let Some(request) = request.as_mut() else {
                    return;
                };
                if request
                    .sync
                    .introduce(&invitation, &profile, now_seconds())
                    .is_ok()
                {
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
            Some(match event {
                Err(tandem_sync::access::DeviceError::OtherProgramme) => {
                    Some(Asking::Refused("join-other-genesis".into()))
                }
                Err(_) => Some(Asking::Refused("join-link-unreadable".into())),
                Ok(None) => None,
                Ok(Some(DeviceEvent::Refused { code, .. })) => {
                    Some(Asking::Refused(refusal_key(code.as_str())))
                }
                Ok(Some(DeviceEvent::Acknowledged { .. })) if !approved => {
                    Some(Asking::Waiting(fingerprint.to_string()))
                }
                Ok(Some(DeviceEvent::Members { .. })) if approved => Some(Asking::Approved),
                Ok(Some(DeviceEvent::Changes { changes, .. })) => {
                    request.blobs.push(changes);
                    None
                }
                Ok(Some(DeviceEvent::UpToDate { latest })) if approved => Some(Asking::Arrived {
                    blobs: std::mem::take(&mut request.blobs),
                    device: DeviceRecord {
                        identity: request.identity.to_secret_bytes().to_vec(),
                        entries: request.sync.entries().to_vec(),
                        founded: true,
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
                if !request.is_disposed() {
                    request.set_value(None);
                }
            });
        }
    }
}
