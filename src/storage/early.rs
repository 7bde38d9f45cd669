//! The programme a returning coordinator opens, read while the app is still
//! loading.
//!
//! `index.html` starts reading the programme named in the address (its
//! chunks and its view, as `load_chunks` and `load_view` read them) as soon
//! as the page is parsed, so that IndexedDB works while the WebAssembly is
//! fetched and compiled instead of after. The app takes that read once;
//! when there is none, it is of another programme, or it failed, the
//! programme is read from the store as usual. The page also reads the
//! current record key's file, so that opening the records does not wait
//! for the file system afterwards.

use js_sys::{Array, Promise, Reflect, Uint8Array};
use tandem_core::ProgrammeId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::{open_chunks, sealing, view_key};

/// Where `index.html` leaves its read: a promise of `{ id, keys, values,
/// view }`, or of nothing.
const EARLY_READ: &str = "tandemEarlyRead";

/// What the page read of a programme before the app started.
pub struct EarlyRead {
    /// The chunks' keys and their opened, concatenated bytes; `None` if the
    /// programme is not stored here.
    pub chunks: Option<(Vec<String>, Vec<u8>)>,
    /// The programme's stored view, opened.
    pub view: Option<Vec<u8>>,
}

/// Takes the page's early read of `programme` (only the first call finds
/// it). `None` if there is no usable one.
pub async fn take_early_read(programme: ProgrammeId) -> Option<EarlyRead> {
    let global = js_sys::global();
    let name = JsValue::from_str(EARLY_READ);
    let pending = Reflect::get(&global, &name).ok()?;
    let _ = Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &name);
    let read = JsFuture::from(pending.dyn_into::<Promise>().ok()?)
        .await
        .ok()?;
    if read.is_undefined() || read.is_null() {
        return None;
    }
    let field = |name: &str| Reflect::get(&read, &JsValue::from_str(name)).ok();
    if field("id")?.as_string()? != programme.to_string() {
        return None;
    }
    if let Some(key) = field("recordKey").filter(|key| key.is_object()) {
        let number = Reflect::get(&key, &JsValue::from_str("number"))
            .ok()
            .and_then(|number| number.as_f64());
        let bytes = Reflect::get(&key, &JsValue::from_str("bytes"))
            .ok()
            .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok());
        if let (Some(number), Some(bytes)) = (number, bytes) {
            sealing::adopt(number, &bytes.to_vec());
        }
    }
    let keys = field("keys")?.dyn_into::<Array>().ok()?.to_vec();
    let values = field("values")?.dyn_into::<Array>().ok()?.to_vec();
    let chunks = open_chunks(keys, values).await.ok()?;
    let view = match field("view")?.dyn_into::<Uint8Array>() {
        Ok(stored) => sealing::open(&view_key(programme), stored.to_vec())
            .await
            .ok()?,
        Err(_) => None,
    };
    Some(EarlyRead { chunks, view })
}
