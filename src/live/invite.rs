//! The invite link in the address: the room and key after the `#` (which
//! browsers never send to a server), and the relay it names.
//!
//! The fragment is taken out of the address as soon as it is read
//! (`history.replaceState`): the room key is the whole programme, or the
//! whole tandem page, for whoever holds it, and an address bar is read over
//! shoulders, kept in the browser's history, synced to other devices and
//! found by the next user of the computer. What the page needs after a
//! reload it keeps sealed (see `crate::storage`), not in the address.

use leptos::prelude::*;
use tandem_sync::access::Invitation;
use tandem_sync::Invite;

use crate::storage::ProgrammeStore;

/// Where an invite link opened but not yet joined is kept (sealed), so
/// that a reload of the join page still finds it.
const PENDING_JOIN: &str = "tandem.join-pending";

/// An invite as it arrived: the room and key, and the relay it names.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Arrived {
    pub invite: Invite,
    pub relay: Option<String>,
    /// The secret of a tandem page's personal link (`holder=…`), if the
    /// link holds one.
    pub holder: Option<String>,
}

impl Arrived {
    /// The invite in a link's fragment (with or without the `#`).
    pub(crate) fn from_fragment(fragment: &str) -> Option<Self> {
        let invite = Invite::from_fragment(fragment).ok()?;
        let holder = fragment
            .trim_start_matches('#')
            .split('&')
            .find_map(|part| part.strip_prefix("holder="))
            .map(str::to_string);
        Some(Self {
            invite,
            relay: relay_of(fragment),
            holder,
        })
    }

    /// The fragment that names it again (`room=…&key=…[&relay=…]`).
    pub(crate) fn fragment(&self) -> String {
        let mut fragment = self.invite.to_fragment();
        if let Some(relay) = self
            .relay
            .as_ref()
            .and_then(|relay| js_sys::encode_uri_component(relay).as_string())
        {
            fragment.push_str("&relay=");
            fragment.push_str(&relay);
        }
        fragment
    }
}

/// What the address held after its `#`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum InAddress {
    /// No fragment (it was taken before, or the page was opened without).
    Nothing,
    /// A fragment that is no invite (a link cut short).
    Damaged,
    /// An invite (room and key).
    Invite(Arrived),
    /// An invitation for a device to ask to join (protocol 2), and the
    /// relay it names.
    Invitation(Invitation, Option<String>),
}

/// Reads the invite in the page's address and removes the fragment from
/// the address bar and from this entry of the history at once.
pub(crate) fn take_from_address() -> InAddress {
    let Some(window) = web_sys::window() else {
        return InAddress::Nothing;
    };
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    if hash.trim_start_matches('#').is_empty() {
        return InAddress::Nothing;
    }
    // The address without its fragment, in place of the one with it: the
    // history keeps no entry that holds the key. The router's state stays.
    if let (Ok(history), Ok(path), Ok(search)) =
        (window.history(), location.pathname(), location.search())
    {
        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&format!("{path}{search}")));
    }
    read_fragment(&hash)
}

/// What a link's fragment names.
fn read_fragment(fragment: &str) -> InAddress {
    if let Some(arrived) = Arrived::from_fragment(fragment) {
        return InAddress::Invite(arrived);
    }
    match Invitation::from_fragment(fragment.split("&relay=").next().unwrap_or_default()) {
        Some(invitation) => InAddress::Invitation(invitation, relay_of(fragment)),
        None => InAddress::Damaged,
    }
}

/// Runs `then` with every invite link opened later in this tab (a new
/// fragment on the same page), taken out of the address as above.
pub(crate) fn on_link_opened(then: impl Fn(InAddress) + 'static) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let taken = take_from_address();
        if taken != InAddress::Nothing {
            then(taken);
        }
    });
    on_cleanup(move || handle.remove());
}

/// Keeps an invite opened on the join page, sealed, until it is joined.
/// Where records cannot be sealed it is not kept: then a reload asks for
/// the link again.
pub(crate) async fn keep_pending(fragment: &str) {
    if let Ok(store) = ProgrammeStore::open().await {
        let _ = store.put_small(PENDING_JOIN, fragment.as_bytes()).await;
    }
}

/// The invite or invitation kept by [`keep_pending`], if any.
pub(crate) async fn pending() -> InAddress {
    let Ok(store) = ProgrammeStore::open().await else {
        return InAddress::Nothing;
    };
    match store.load_small(PENDING_JOIN).await {
        Ok(Some(bytes)) => std::str::from_utf8(&bytes)
            .map(read_fragment)
            .unwrap_or(InAddress::Nothing),
        _ => InAddress::Nothing,
    }
}

/// The fragment that names an invitation again, with its relay.
pub(crate) fn invitation_fragment(invitation: &Invitation, relay: Option<&str>) -> String {
    let mut fragment = invitation.to_fragment();
    if let Some(relay) = relay.and_then(|relay| js_sys::encode_uri_component(relay).as_string()) {
        fragment.push_str("&relay=");
        fragment.push_str(&relay);
    }
    fragment
}

/// Forgets the kept invite (joined, or refused).
pub(crate) async fn forget_pending() {
    if let Ok(store) = ProgrammeStore::open().await {
        let _ = store.delete_small(PENDING_JOIN).await;
    }
}

/// The relay address an invite link names, if any.
fn relay_of(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("relay="))
        .and_then(|value| js_sys::decode_uri_component(value).ok())
        .and_then(|value| value.as_string())
}
