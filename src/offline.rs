//! Tandem without a network: registers the service worker (`public/sw.js`)
//! that keeps the app shell, and tells the coordinator when a new version
//! has been installed and waits for the next start.
//!
//! The worker's address names the build it keeps (`/sw.js?v=<build>`, the
//! build being a fingerprint of the published index.html, whose file names
//! Trunk hashes). When the server publishes a new build, registering its
//! address installs a second worker beside the running one; the browser
//! starts it only once every tab of the old version is closed, so a new
//! version never replaces the app in the middle of someone's work. Nothing
//! here holds up the start: it all runs in the background, and without a
//! network the look for a newer build simply fails.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    RequestCache, RequestInit, Response, ServiceWorkerContainer, ServiceWorkerRegistration,
    ServiceWorkerState,
};

use crate::i18n::use_i18n;

const WORKER: &str = "/sw.js";
const BUILD_PARAMETER: &str = "?v=";

/// Whether a new version of Tandem is installed and waits for the next start.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewVersion(RwSignal<bool>);

impl NewVersion {
    /// True once a new version waits.
    pub(crate) fn is_waiting(self) -> bool {
        self.0.get()
    }
}

/// Registers the service worker and watches for new versions.
pub(crate) fn keep_available_offline() -> NewVersion {
    let waiting = RwSignal::new(false);
    if let Some(container) = service_workers() {
        spawn_local(look_after(container, waiting));
    }
    NewVersion(waiting)
}

/// The notice in the header that a new version is ready. The live region is
/// always there, so that screen readers announce the text when it appears.
#[component]
pub(crate) fn NewVersionNotice(new_version: NewVersion) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="app-header__status" role="status">
            {move || {
                new_version
                    .is_waiting()
                    .then(|| {
                        view! {
                            <p class="new-version" data-testid="new-version">
                                {move || i18n.t("new-version-ready")}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

fn service_workers() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Browsers offer service workers only on https and on 127.0.0.1 or
    // localhost; served over plain http elsewhere, Tandem runs without one.
    js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .ok()?
        .dyn_into::<ServiceWorkerContainer>()
        .ok()
}

async fn look_after(container: ServiceWorkerContainer, waiting: RwSignal<bool>) {
    let existing = JsFuture::from(container.get_registration())
        .await
        .ok()
        .and_then(|value| value.dyn_into::<ServiceWorkerRegistration>().ok());
    if let Some(registration) = &existing {
        watch(&container, registration, waiting);
    }
    let Some(published) = published_build().await else {
        return;
    };
    match existing {
        None => {
            if let Some(registration) = register(&container, &published).await {
                watch(&container, &registration, waiting);
            }
        }
        Some(registration) => {
            if newest_build(&registration).as_deref() != Some(published.as_str()) {
                register(&container, &published).await;
            }
        }
    }
}

async fn register(
    container: &ServiceWorkerContainer,
    build: &str,
) -> Option<ServiceWorkerRegistration> {
    let address = format!("{WORKER}{BUILD_PARAMETER}{build}");
    JsFuture::from(container.register(&address))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// Sets `waiting` when a new worker has been installed while an older one
/// looks after this page, now or later in this page's life.
fn watch(
    container: &ServiceWorkerContainer,
    registration: &ServiceWorkerRegistration,
    waiting: RwSignal<bool>,
) {
    let controlled = {
        let container = container.clone();
        move || container.controller().is_some()
    };
    if registration.waiting().is_some() && controlled() {
        waiting.set(true);
    }
    let on_update_found = {
        let registration = registration.clone();
        Closure::<dyn Fn()>::new(move || {
            let Some(worker) = registration.installing() else {
                return;
            };
            let installing = worker.clone();
            let controlled = controlled.clone();
            let on_state_change = Closure::<dyn Fn()>::new(move || {
                if installing.state() == ServiceWorkerState::Installed && controlled() {
                    waiting.try_set(true);
                }
            });
            let _ = worker.add_event_listener_with_callback(
                "statechange",
                on_state_change.as_ref().unchecked_ref(),
            );
            // The worker keeps the listener for as long as it lives.
            on_state_change.forget();
        })
    };
    let _ = registration
        .add_event_listener_with_callback("updatefound", on_update_found.as_ref().unchecked_ref());
    // Listens for the whole life of the page.
    on_update_found.forget();
}

/// The build named in the newest worker's address.
fn newest_build(registration: &ServiceWorkerRegistration) -> Option<String> {
    let worker = registration
        .installing()
        .or_else(|| registration.waiting())
        .or_else(|| registration.active())?;
    worker
        .script_url()
        .rsplit_once(BUILD_PARAMETER)
        .map(|(_, build)| build.to_string())
}

/// The build the server publishes now, or nothing without a network. The
/// request bypasses every cache, the service worker's included.
async fn published_build() -> Option<String> {
    let window = web_sys::window()?;
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoStore);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init("/", &init))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    Some(fingerprint(&text))
}

/// FNV-1a over the page: the same page gives the same name, any change to
/// it (every build renames its hashed files) a new one.
fn fingerprint(index_html: &str) -> String {
    let hash = index_html
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{hash:016x}")
}
