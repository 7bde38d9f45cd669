//! A binary WebSocket to the relay, with its handlers kept alive as long as
//! the socket is, and taken off it before they are dropped.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::settings::Settings;

/// An open (or opening) connection. Dropping it closes the socket.
pub(crate) struct Socket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Socket")
    }
}

impl Socket {
    /// Opens a socket to `url`. `on_close` also runs when the socket cannot
    /// be opened at all; afterwards no handler runs again.
    pub(crate) fn open(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_message: impl FnMut(Vec<u8>) + 'static,
        on_close: impl FnMut() + 'static,
    ) -> Result<Self, JsValue> {
        let socket = WebSocket::new(url)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let on_open = Closure::<dyn FnMut()>::new(on_open);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // The relay speaks in binary frames only; text is ignored.
            if let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() {
                on_message(js_sys::Uint8Array::new(&buffer).to_vec());
            }
        });
        let on_close = Closure::<dyn FnMut()>::new(on_close);
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Self {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends one frame; `false` if the socket is not open.
    pub(crate) fn send(&self, frame: &[u8]) -> bool {
        self.socket.ready_state() == WebSocket::OPEN
            && self.socket.send_with_u8_array(frame).is_ok()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// The relay's WebSocket address: the one given, or `/sync` on the host
/// the app came from (the relay serves the app) — with the room-creation
/// code this device was given for that relay, if any.
pub(crate) fn relay_url(configured: Option<&str>) -> Option<String> {
    if let Some(url) = configured.filter(|url| !url.trim().is_empty()) {
        return Some(url.trim().to_string());
    }
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    let url = format!("{scheme}://{}/sync", location.host().ok()?);
    Some(match Settings::load().room_creation_code() {
        Some(code) => format!("{url}?{}", room_creation_query(code)),
        None => url,
    })
}

/// The query that gives the relay its operator's room-creation code.
pub(crate) fn room_creation_query(code: &str) -> String {
    format!(
        "room-creation={}",
        String::from(js_sys::encode_uri_component(code))
    )
}
