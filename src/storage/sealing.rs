//! The browser's record keys, kept in files of their own.
//!
//! Every record Tandem stores is sealed (`tandem_sync::RecordKey`) under
//! this browser's current key. The keys live in the origin private file
//! system, one small file each (`record-key-<n>`), because deleting such a
//! file deletes it, while a deleted IndexedDB record stays in the
//! database's files. Forgetting a person seals everything that is kept
//! under a new key and then deletes the older keys' files: what the
//! database files still hold of the old records can no longer be read.
//!
//! The number of the current key is kept in localStorage. A key file is
//! never overwritten: a number whose file already holds a key uses it, so
//! a tab closed in the middle of forgetting leaves every record readable.
//! A key is made under a lock (one per tab, and the browser's Web Lock
//! across tabs), so two tabs starting at once agree on it.
//! A browser without the origin private file system (WebKitGTK, private
//! windows in Safari and Firefox, any page outside a secure context) or
//! without a way to write its files from a page (Safari before 26 has no
//! `createWritable`) cannot keep a key that deleting deletes. There sealing
//! fails closed: nothing is stored (`StorageError::Unprotected`, the work
//! stays in the tab's memory) until the user, told plainly what it means
//! (`crate::browser::AtRestNotice`), chooses to store unprotected on this
//! device ([`choose_unprotected`]). That choice is what a data-protection
//! officer asks for: no personal data lands on a disk unprotected without
//! an informed decision of the person responsible for it, and the tab
//! stays usable meanwhile. The privacy page and the question before
//! forgetting a person say it again. A key kept elsewhere
//! (in IndexedDB as a WebCrypto key, say) would lie in the same database
//! files as the records, so deleting it would not make their remnants
//! unreadable: it would only look like the same promise.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_storage::{LocalStorage, Storage};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use tandem_sync::{sealed_with, RecordKey};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::StorageError;

/// The localStorage record naming the current key's number.
const CURRENT: &str = "tandem.record-key";

/// The localStorage record that the user chose to store records unprotected
/// where they cannot be sealed (it holds no personal data itself).
const UNPROTECTED_CHOSEN: &str = "tandem.store-unprotected";

/// A key read or made, or why not.
type Found = Result<Option<RecordKey>, StorageError>;

/// The Web Lock held while a key file is read or made.
const LOCK: &str = "tandem-record-key";

thread_local! {
    /// The keys this tab has read, by number.
    static KEYS: RefCell<BTreeMap<u32, RecordKey>> = const { RefCell::new(BTreeMap::new()) };
    /// One key file read or made at a time in this tab.
    static MAKING: Rc<futures::lock::Mutex<()>> = Rc::new(futures::lock::Mutex::new(()));
}

fn file_name(number: u32) -> String {
    format!("record-key-{number}")
}

fn current_number() -> u32 {
    LocalStorage::get::<u32>(CURRENT).unwrap_or(1).max(1)
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    let outcome = function.apply(target, &args.iter().collect::<Array>())?;
    match outcome.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(value) => Ok(value),
    }
}

/// The origin private file system's root; `None` where there is none.
async fn directory() -> Option<JsValue> {
    let storage = web_sys::window()?.navigator().storage();
    call(&storage, "getDirectory", &[]).await.ok()
}

fn failed(error: JsValue) -> StorageError {
    let text = format!("{error:?}");
    if text.contains("QuotaExceeded") {
        StorageError::Full
    } else {
        StorageError::Failed(text)
    }
}

/// Key `number`, read from its file, or made and written there if the
/// file is new (`create`); `None` if there is no such key.
async fn key(number: u32, create: bool) -> Result<Option<RecordKey>, StorageError> {
    if let Some(key) = KEYS.with(|keys| keys.borrow().get(&number).cloned()) {
        return Ok(Some(key));
    }
    let gate = MAKING.with(Rc::clone);
    let _turn = gate.lock().await;
    if let Some(key) = KEYS.with(|keys| keys.borrow().get(&number).cloned()) {
        return Ok(Some(key));
    }
    let outcome: Rc<RefCell<Option<Found>>> = Rc::default();
    let reading = outcome.clone();
    let read = move || async move {
        *reading.borrow_mut() = Some(read_or_make(number, create).await);
    };
    if !under_web_lock(read.clone()).await {
        read().await;
    }
    let found = outcome
        .take()
        .unwrap_or_else(|| Err(StorageError::Failed("the record key was not read".into())))?;
    if let Some(key) = &found {
        KEYS.with(|keys| keys.borrow_mut().insert(number, key.clone()));
    }
    Ok(found)
}

/// Runs `work` holding the browser's Web Lock for record keys, so that no
/// other tab reads or makes one meanwhile; `false` where the browser has no
/// Web Locks (then `work` has not run).
async fn under_web_lock<Work, Done>(work: Work) -> bool
where
    Work: FnOnce() -> Done + 'static,
    Done: std::future::Future<Output = ()> + 'static,
{
    let Some(locks) = web_sys::window()
        .and_then(|window| Reflect::get(&window.navigator(), &"locks".into()).ok())
        .filter(|locks| locks.is_object())
    else {
        return false;
    };
    let callback = Closure::once(move |_lock: JsValue| -> Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            work().await;
            Ok(JsValue::UNDEFINED)
        })
    });
    call(&locks, "request", &[LOCK.into(), callback.as_ref().clone()])
        .await
        .is_ok()
}

async fn read_or_make(number: u32, create: bool) -> Result<Option<RecordKey>, StorageError> {
    let Some(directory) = directory().await else {
        return Ok(None);
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"create".into(), &create.into());
    let Ok(handle) = call(
        &directory,
        "getFileHandle",
        &[file_name(number).into(), options.into()],
    )
    .await
    else {
        return Ok(None);
    };
    let file = call(&handle, "getFile", &[]).await.map_err(failed)?;
    let bytes = call(&file, "arrayBuffer", &[]).await.map_err(failed)?;
    let bytes = Uint8Array::new(&bytes).to_vec();
    let writable = Reflect::get(&handle, &"createWritable".into())
        .map(|method| method.is_function())
        .unwrap_or(false);
    let key = match RecordKey::from_bytes(number, &bytes) {
        Some(key) => key,
        // A page cannot write the file here (Safari before 26 writes files
        // only from a worker): no key, so records are stored plain and the
        // user is told; the empty file just made goes again.
        None if create && bytes.is_empty() && !writable => {
            let _ = call(&directory, "removeEntry", &[file_name(number).into()]).await;
            return Ok(None);
        }
        None if create && bytes.is_empty() => {
            let key = RecordKey::random(number)
                .map_err(|error| StorageError::Failed(error.to_string()))?;
            let writer = call(&handle, "createWritable", &[]).await.map_err(failed)?;
            call(
                &writer,
                "write",
                &[Uint8Array::from(key.as_bytes().as_slice()).into()],
            )
            .await
            .map_err(failed)?;
            call(&writer, "close", &[]).await.map_err(failed)?;
            key
        }
        None => return Err(StorageError::Failed("a record key file is damaged".into())),
    };
    Ok(Some(key))
}

/// Takes key `number` as the page read it from its file before the app
/// started (`early`), unless this tab has it already. Bytes that are no
/// key (a file being written that moment) are passed by: the key is then
/// read under the lock when it is needed.
pub(super) fn adopt(number: f64, bytes: &[u8]) {
    if !(1.0..=f64::from(u32::MAX)).contains(&number) || number.fract() != 0.0 {
        return;
    }
    let number = number as u32;
    if let Some(key) = RecordKey::from_bytes(number, bytes) {
        KEYS.with(|keys| {
            keys.borrow_mut().entry(number).or_insert(key);
        });
    }
}

/// Whether this browser stores records sealed under a key it can delete:
/// `false` where keys cannot be kept (see the module's documentation).
pub async fn records_sealed() -> Result<bool, StorageError> {
    Ok(current().await?.is_some())
}

/// The key new records are sealed with; `None` where keys cannot be kept.
pub(super) async fn current() -> Result<Option<RecordKey>, StorageError> {
    key(current_number(), true).await
}

/// A key after the current one, made (its file written) but not yet used.
pub(super) async fn next() -> Result<Option<RecordKey>, StorageError> {
    key(current_number() + 1, true).await
}

/// Makes `key` the one new records are sealed with, and deletes the files
/// of every key before it.
pub(super) async fn make_current(key: &RecordKey) -> Result<(), StorageError> {
    LocalStorage::set(CURRENT, key.number()).map_err(|_| StorageError::Unavailable)?;
    KEYS.with(|keys| {
        keys.borrow_mut()
            .retain(|number, _| *number >= key.number())
    });
    let Some(directory) = directory().await else {
        return Ok(());
    };
    for older in 1..key.number() {
        // Missing files (deleted before) are what is wanted.
        let _ = call(&directory, "removeEntry", &[file_name(older).into()]).await;
    }
    Ok(())
}

/// Whether the user chose to store records unprotected on this device,
/// where they cannot be sealed.
pub fn unprotected_chosen() -> bool {
    LocalStorage::get::<bool>(UNPROTECTED_CHOSEN).unwrap_or(false)
}

/// The user's informed choice: store records unprotected on this device,
/// where they cannot be sealed. A refused write keeps them in memory only,
/// as before the choice.
pub fn choose_unprotected() -> Result<(), StorageError> {
    LocalStorage::set(UNPROTECTED_CHOSEN, true).map_err(|_| StorageError::Unavailable)
}

/// `plaintext` sealed under `key` to be stored as `record`. Where there is
/// no key it is stored plain only if the user chose so; otherwise it is
/// refused, and stays in memory (sealing fails closed).
pub(super) fn seal(
    key: Option<&RecordKey>,
    record: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, StorageError> {
    match key {
        Some(key) => key
            .seal(record, plaintext)
            .map_err(|error| StorageError::Failed(error.to_string())),
        None if unprotected_chosen() => Ok(plaintext.to_vec()),
        None => Err(StorageError::Unprotected),
    }
}

/// The plaintext of a record stored as `record`: opened with the key it
/// names, or as it is if it was stored plain. `None` if its key is gone
/// (a record of what was forgotten) or it does not open.
pub(super) async fn open(record: &str, stored: Vec<u8>) -> Result<Option<Vec<u8>>, StorageError> {
    let Some(number) = sealed_with(&stored) else {
        return Ok(Some(stored));
    };
    let Some(key) = key(number, false).await? else {
        return Ok(None);
    };
    Ok(key.open(record, &stored).ok())
}
