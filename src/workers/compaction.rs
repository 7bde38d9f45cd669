//! The compaction worker: a small WebAssembly program that compacts a large
//! programme's stored chunks into one snapshot off the page. Loading and
//! saving the state-scale programme takes Automerge a second or two (its
//! save compresses 20 MB of columns); on the page that froze it.
//!
//! It keeps nothing and sees no key: the page opens the stored chunks,
//! sends their bytes, and seals and writes what comes back
//! (`session/compacting.rs`). It says `ready` once it listens, then
//! answers each message of bytes with `[name, snapshot]` (see
//! [`ProgrammeDocument::compact_stored`]) or with the error's code as text.
//!
//! Trunk builds it from `index.html` like the matching worker, into
//! `compaction-worker_loader.js`, `compaction-worker.js` and
//! `compaction-worker_bg.wasm`.

use js_sys::{Array, Uint8Array};
use tandem_core::ProgrammeDocument;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let Ok(stored) = event.data().dyn_into::<Uint8Array>() else {
            let _ = replies.post_message(&JsValue::from_str("not-bytes"));
            return;
        };
        // A reply that cannot be posted has nobody left to read it.
        let _ = match ProgrammeDocument::compact_stored(&stored.to_vec()) {
            Ok((name, snapshot)) => {
                let snapshot = Uint8Array::from(snapshot.as_slice());
                let reply = Array::of2(&JsValue::from_str(&name), &snapshot);
                replies.post_message_with_transfer(&reply, &Array::of1(&snapshot.buffer()))
            }
            Err(error) => replies.post_message(&JsValue::from_str(error.code())),
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
