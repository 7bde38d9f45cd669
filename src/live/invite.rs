//! The invite link in the address: the room and key after the `#` (which
//! browsers never send to a server), and the relay it names.

use leptos::prelude::*;
use tandem_sync::Invite;

/// The invite in the address's fragment, read again when another link is
/// opened in the same tab; and the relay it names, if any.
pub(crate) fn invite_in_address() -> (Memo<Option<Invite>>, Memo<Option<String>>) {
    let location = leptos_router::hooks::use_location();
    (
        Memo::new(move |_| Invite::from_fragment(&location.hash.get()).ok()),
        Memo::new(move |_| relay_of(&location.hash.get())),
    )
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
