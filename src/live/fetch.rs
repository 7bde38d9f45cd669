//! Fetching a room once: everything a relay's room holds, read and the
//! connection closed. Joining by link, opening a tandem page and following
//! a programme to its new room all start this way.

use std::time::Duration;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_sync::{ClientEvent, Invite, SyncClient};

use crate::i18n::refusal_key;
use crate::i18n::I18n;
use crate::socket::{relay_url, Socket};

/// How long joining waits for the relay before it gives up.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);

/// What a room held when it was fetched: its blobs in order, and the
/// sequence up to which they go; or, for a retired room, the notice of
/// where it went.
pub(crate) struct Fetched {
    pub blobs: Vec<Vec<u8>>,
    pub last_seen: u64,
    pub retired: Option<Vec<u8>>,
}

/// What is called once a fetch ends.
type FetchDone = Box<dyn FnOnce(Result<Fetched, String>)>;

/// The connection while a room is fetched.
pub(crate) struct Fetching {
    client: SyncClient,
    blobs: Vec<Vec<u8>>,
    retired: Option<Vec<u8>>,
    socket: Option<Socket>,
    done: Option<FetchDone>,
}

/// Fetches everything a room holds, once, and calls `done` with it or with
/// the message why not (in the user's language). The connection closes
/// when the returned handle is dropped or disposed.
pub(crate) fn fetch_room(
    i18n: I18n,
    invite: Invite,
    relay: Option<String>,
    done: impl FnOnce(Result<Fetched, String>) + 'static,
) -> StoredValue<Option<Fetching>, LocalStorage> {
    let state = StoredValue::new_local(Some(Fetching {
        client: SyncClient::new(invite, 0),
        blobs: Vec::new(),
        retired: None,
        socket: None,
        done: Some(Box::new(done)),
    }));
    // Ends the fetch once: the socket goes (never from inside its own
    // handler) and `done` runs.
    let finish = move |result: Result<(), String>| {
        let taken = state
            .try_update_value(|fetching| {
                let fetching = fetching.as_mut()?;
                let done = fetching.done.take()?;
                let fetched = Fetched {
                    blobs: std::mem::take(&mut fetching.blobs),
                    last_seen: fetching.client.last_seen(),
                    retired: fetching.retired.take(),
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
    let Some(url) = relay_url(relay.as_deref()) else {
        finish(Err(i18n.t("join-link-unreachable")));
        return state;
    };
    let opened = Socket::open(
        &url,
        move || {
            state.update_value(|fetching| {
                let Some(fetching) = fetching.as_mut() else {
                    return;
                };
                if fetching.client.connect().is_err() {
                    return;
                }
                while let Some(frame) = fetching.client.poll_transmit() {
                    if let Some(socket) = &fetching.socket {
                        socket.send(&frame);
                    }
                }
            });
        },
        move |bytes| {
            let event = state
                .try_update_value(|fetching| fetching.as_mut().map(|f| f.client.receive(&bytes)))
                .flatten();
            match event {
                Some(Ok(Some(ClientEvent::Changes { changes, .. }))) => {
                    state.update_value(|fetching| {
                        if let Some(fetching) = fetching.as_mut() {
                            fetching.blobs.push(changes);
                        }
                    });
                }
                Some(Ok(Some(ClientEvent::UpToDate { .. }))) => finish(Ok(())),
                Some(Ok(Some(ClientEvent::Retired { forwarding }))) => {
                    state.update_value(|fetching| {
                        if let Some(fetching) = fetching.as_mut() {
                            fetching.retired = Some(forwarding);
                        }
                    });
                    finish(Ok(()));
                }
                Some(Ok(Some(ClientEvent::Refused { code, .. }))) => finish(Err(i18n.t_with(
                    "join-link-refused",
                    &[(
                        "reason",
                        FluentValue::from(i18n.t(&refusal_key(code.as_str()))),
                    )],
                ))),
                Some(Err(_)) => finish(Err(i18n.t("join-link-unreadable"))),
                _ => {}
            }
        },
        move || finish(Err(i18n.t("join-link-unreachable"))),
    );
    match opened {
        Ok(socket) => state.update_value(|fetching| {
            if let Some(fetching) = fetching.as_mut() {
                fetching.socket = Some(socket);
            }
        }),
        Err(_) => finish(Err(i18n.t("join-link-unreachable"))),
    }
    set_timeout(
        move || finish(Err(i18n.t("join-link-unreachable"))),
        JOIN_TIMEOUT,
    );
    on_cleanup(move || {
        let socket = state
            .try_update_value(|fetching| fetching.as_mut().and_then(|f| f.socket.take()))
            .flatten();
        drop(socket);
    });
    state
}
