//! Compacting a large programme off the page: the stored chunks are read
//! and opened here, the compaction worker (`src/workers/compaction.rs`)
//! loads and saves them as one snapshot, and the snapshot is sealed and
//! written here, in place of the chunks this tab knows are in it.
//!
//! For the state-scale programme after a partner's file was merged, the
//! compaction on the page was one task of 350–400 ms, in which the page
//! could not be used; here the page only reads, opens, seals and writes.
//! Whatever goes wrong in the worker (no worker, a file that failed to
//! load, bytes it cannot read), the compaction runs on the page as before:
//! a failed compaction loses nothing, as the chunks stay until the
//! snapshot replacing them is written.

use futures::channel::mpsc;
use futures::StreamExt;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Where Trunk puts the worker's start script (see `index.html`).
const WORKER_SCRIPT: &str = "/compaction-worker_loader.js";

/// The stored programme `stored` as one snapshot and its name, made by the
/// compaction worker; `None` if the worker could not do it.
pub(super) async fn in_worker(stored: Vec<u8>) -> Option<(String, Vec<u8>)> {
    let worker = Worker::new(WORKER_SCRIPT).ok()?;
    let (replies, mut replied) = mpsc::unbounded::<Option<JsValue>>();
    let on_message = {
        let replies = replies.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            let _ = replies.unbounded_send(Some(event.data()));
        })
    };
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let _ = replies.unbounded_send(None);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let answer = ask(&worker, &mut replied, stored).await;
    worker.terminate();
    drop((on_message, on_error));
    answer
}

/// Waits for the worker to listen, hands it the bytes, and reads its answer.
async fn ask(
    worker: &Worker,
    replied: &mut mpsc::UnboundedReceiver<Option<JsValue>>,
    stored: Vec<u8>,
) -> Option<(String, Vec<u8>)> {
    let ready = replied.next().await.flatten()?;
    if ready.as_string().as_deref() != Some("ready") {
        return None;
    }
    let bytes = Uint8Array::from(stored.as_slice());
    drop(stored);
    worker
        .post_message_with_transfer(&bytes, &Array::of1(&bytes.buffer()))
        .ok()?;
    let answer = replied.next().await.flatten()?.dyn_into::<Array>().ok()?;
    let name = answer.get(0).as_string()?;
    let snapshot = answer.get(1).dyn_into::<Uint8Array>().ok()?.to_vec();
    Some((name, snapshot))
}
