//! Tandem's database in a storage bucket of its own.
//!
//! A record deleted from IndexedDB stays in the browser's files (Chromium's
//! LevelDB tables) until a compaction no page can ask for, and every
//! database of a site shares those files. A storage bucket has files of its
//! own, and deleting the bucket deletes them. So the programmes live in a
//! bucket `tandem-<n>`: forgetting a person writes what is kept into bucket
//! `n + 1`, makes that the current one (a record in localStorage, written
//! only once the new bucket holds everything), and then deletes bucket `n`
//! with every byte it held. A bucket left behind by a tab closed halfway is
//! deleted the next time Tandem opens.
//!
//! Browsers without storage buckets keep the database in the site's
//! default storage, as before.

use gloo_storage::{LocalStorage, Storage};
use idb::Factory;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::StorageError;

/// The localStorage record naming the current bucket.
const CURRENT: &str = "tandem.storage-bucket";
/// Every bucket of Tandem's is named this and a number.
const PREFIX: &str = "tandem-";

/// The browser's bucket manager, where it has one.
fn manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"storageBuckets".into())
        .ok()
        .filter(|manager| manager.is_object())
}

/// Whether this browser keeps Tandem's data in buckets.
pub(super) fn supported() -> bool {
    manager().is_some()
}

fn number(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.parse().ok()
}

/// The bucket that holds the programmes now, and whether it was named
/// before (`false`: Tandem has not used buckets in this browser yet).
pub(super) fn current() -> (String, bool) {
    match LocalStorage::get::<String>(CURRENT) {
        Ok(name) if number(&name).is_some() => (name, true),
        _ => (format!("{PREFIX}1"), false),
    }
}

/// The bucket after `name`.
pub(super) fn next(name: &str) -> String {
    format!("{PREFIX}{}", number(name).unwrap_or(0) + 1)
}

/// Makes `name` the bucket Tandem opens from now on.
pub(super) fn make_current(name: &str) -> Result<(), StorageError> {
    LocalStorage::set(CURRENT, name).map_err(|_| StorageError::Unavailable)
}

async fn call(method: &str, args: &[JsValue]) -> Result<JsValue, StorageError> {
    let manager = manager().ok_or(StorageError::Unavailable)?;
    let function: Function = Reflect::get(&manager, &method.into())
        .ok()
        .and_then(|function| function.dyn_into().ok())
        .ok_or(StorageError::Unavailable)?;
    let promise: Promise = function
        .apply(&manager, &args.iter().collect::<Array>())
        .ok()
        .and_then(|promise| promise.dyn_into().ok())
        .ok_or(StorageError::Unavailable)?;
    JsFuture::from(promise)
        .await
        .map_err(|error| StorageError::Failed(format!("{error:?}")))
}

/// The IndexedDB of bucket `name`, opened (and made) with strict
/// durability: a write counts as stored once it is on disk.
pub(super) async fn factory(name: &str) -> Result<Factory, StorageError> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"durability".into(), &"strict".into());
    let bucket = call("open", &[name.into(), options.into()]).await?;
    let databases =
        Reflect::get(&bucket, &"indexedDB".into()).map_err(|_| StorageError::Unavailable)?;
    Factory::try_from(databases).map_err(|_| StorageError::Unavailable)
}

/// Deletes bucket `name` and its files.
pub(super) async fn delete(name: &str) -> Result<(), StorageError> {
    call("delete", &[name.into()]).await.map(|_| ())
}

/// Deletes Tandem's buckets before `current`: left behind when a tab closed
/// between making a new bucket current and deleting the old one.
pub(super) async fn delete_older(current: &str) {
    let Some(now) = number(current) else { return };
    let Ok(names) = call("keys", &[]).await else {
        return;
    };
    for name in Array::from(&names)
        .iter()
        .filter_map(|name| name.as_string())
    {
        if number(&name).is_some_and(|older| older < now) {
            let _ = delete(&name).await;
        }
    }
}
