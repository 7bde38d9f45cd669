//! The matching worker: a second, small WebAssembly program that the
//! matching board starts as a web worker, so that scoring a cohort and
//! finding the optimum (about a second for 1,000 × 1,000) never blocks the
//! page.
//!
//! It holds no programme and no names: it receives a
//! [`SolveRequest`](tandem_core::SolveRequest) as JSON (people by position,
//! with only what matching needs), runs [`tandem_core::solve`], and posts a
//! [`SolveReply`] back as JSON. When it has started it says so with
//! [`SolveReply::Ready`], so the board knows requests will be heard.
//!
//! Trunk builds it from `index.html`
//! (`<link data-trunk rel="rust" data-type="worker" data-bin="matching-worker" data-loader-shim>`)
//! into `matching-worker_loader.js`, `matching-worker.js` and
//! `matching-worker_bg.wasm`, without hashes in their names.

use tandem_core::SolveReply;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data().as_string().unwrap_or_default();
        let reply = SolveReply::answer(&request);
        // A reply that cannot be posted has nobody left to read it.
        let _ = replies.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let ready = serde_json::to_string(&SolveReply::Ready).unwrap_or_default();
    let _ = scope.post_message(&JsValue::from_str(&ready));
}
