//! What differs between the browsers Tandem runs in, and the notices that
//! tell the user where it matters.
//!
//! Two differences change a promise Tandem makes, so they are said, not
//! hidden:
//!
//! - Safari (and every browser on an iPhone, all being WebKit) deletes a
//!   site's storage after seven days without a visit, unless the site was
//!   added to the home screen. Where that applies (WebKit, not started as
//!   an installed app) the app says once how to keep the data: add Tandem
//!   to the home screen and keep a backup file; the backup reminder comes
//!   sooner there ([`backup_interval_seconds`]). A tandem page fetches
//!   itself again from its link when its storage was cleared.
//! - Where the browser gives no private file system to keep the record key
//!   in, or the page is no secure context (see `storage::sealing`), records
//!   cannot be sealed, and forgetting a person could not make what the
//!   browser's files still hold unreadable by deleting a key. Sealing fails
//!   closed: nothing is stored, the work stays in the tab, until the user,
//!   told what it means, chooses to store unprotected on this device.
//!   [`AtRestNotice`] asks; pages that could not store wait on the answer
//!   ([`unprotected_chosen`]).
//!
//! The engine is read from the user agent: no feature test tells whether a
//! browser evicts storage after seven days.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::use_i18n;

/// The localStorage record that the user has read the eviction notice.
const EVICTION_READ: &str = "tandem.notice-eviction-read";

/// A week: how long a coordinator may go without a backup file.
const WEEK: i64 = 7 * 24 * 60 * 60;
/// Where storage lasts only seven days without a visit, the reminder comes
/// after three, so that a backup is made well before.
const THREE_DAYS: i64 = 3 * 24 * 60 * 60;

/// The browser engine Tandem runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Gecko,
    WebKit,
}

impl Engine {
    /// The engine named by a user agent string.
    pub fn from_user_agent(agent: &str) -> Self {
        if agent.contains("Firefox/") && !agent.contains("Seamonkey/") {
            Engine::Gecko
        } else if agent.contains("Chrome/") || agent.contains("Chromium/") {
            // Chromium-based browsers on Android and desktop; on an iPhone
            // they say CriOS, EdgiOS or FxiOS and are WebKit underneath.
            Engine::Chromium
        } else if agent.contains("AppleWebKit/") {
            Engine::WebKit
        } else {
            Engine::Chromium
        }
    }

    /// The engine of this browser.
    pub fn current() -> Self {
        web_sys::window()
            .and_then(|window| window.navigator().user_agent().ok())
            .map(|agent| Self::from_user_agent(&agent))
            .unwrap_or(Engine::Chromium)
    }
}

/// Whether Tandem was started as an installed app (from the home screen).
pub fn installed() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Safari on an iPhone says so in `navigator.standalone`; the others in
    // the display mode of the web app manifest.
    let standalone = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("standalone"))
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    standalone || display_mode_standalone(&window)
}

/// `matchMedia('(display-mode: standalone)').matches`, read through
/// `Reflect` (the app does not build web-sys's media-query bindings).
fn display_mode_standalone(window: &web_sys::Window) -> bool {
    let query = js_sys::Reflect::get(window, &JsValue::from_str("matchMedia"))
        .ok()
        .and_then(|function| function.dyn_into::<js_sys::Function>().ok())
        .and_then(|function| {
            function
                .call1(window, &JsValue::from_str("(display-mode: standalone)"))
                .ok()
        });
    query
        .and_then(|query| js_sys::Reflect::get(&query, &JsValue::from_str("matches")).ok())
        .and_then(|matches| matches.as_bool())
        .unwrap_or(false)
}

/// Whether the browser deletes Tandem's storage after seven days without a
/// visit: Safari and other WebKit browsers, unless installed.
pub fn storage_expires_unvisited() -> bool {
    Engine::current() == Engine::WebKit && !installed()
}

/// How long the coordinator may go without a backup file before being
/// reminded.
pub fn backup_interval_seconds() -> i64 {
    if storage_expires_unvisited() {
        THREE_DAYS
    } else {
        WEEK
    }
}

/// Who reads a notice: a coordinator in the app, or a participant on her
/// tandem page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Coordinator,
    Participant,
}

impl Reader {
    fn suffix(self) -> &'static str {
        match self {
            Reader::Coordinator => "coordinator",
            Reader::Participant => "participant",
        }
    }
}

/// Once, where Safari's seven-day deletion applies: how to keep the data.
#[component]
pub fn EvictionNotice(reader: Reader) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(
        storage_expires_unvisited() && LocalStorage::get::<bool>(EVICTION_READ).is_err(),
    );
    let read = move |_| {
        let _ = LocalStorage::set(EVICTION_READ, true);
        shown.set(false);
    };
    move || {
        shown.get().then(|| {
            view! {
                <aside
                    class="notice notice--info browser-notice"
                    data-testid="eviction-notice"
                    aria-labelledby="eviction-notice-title"
                >
                    <h2 id="eviction-notice-title" class="browser-notice__title">
                        {move || i18n.t("eviction-notice-title")}
                    </h2>
                    <p>{move || i18n.t(&format!("eviction-notice-{}", reader.suffix()))}</p>
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="eviction-notice-read"
                        on:click=read
                    >
                        {move || i18n.t("notice-understood")}
                    </button>
                </aside>
            }
        })
    }
}

/// The user's answer to [`AtRestNotice`], in context: pages that could not
/// store (sealing refused) try again once it is yes.
#[derive(Debug, Clone, Copy)]
pub struct UnprotectedChoice(RwSignal<bool>);

/// Puts the answer in context, as stored on this device.
pub fn provide_unprotected_choice() {
    provide_context(UnprotectedChoice(RwSignal::new(
        crate::storage::unprotected_chosen(),
    )));
}

/// Whether the user chose to store unprotected here; follows the answer.
pub fn unprotected_chosen() -> Signal<bool> {
    match use_context::<UnprotectedChoice>() {
        Some(UnprotectedChoice(chosen)) => chosen.into(),
        None => Signal::derive(crate::storage::unprotected_chosen),
    }
}

/// Where records cannot be sealed under a key that deleting deletes: says
/// plainly that nothing is stored, and what storing unprotected would
/// mean, and asks. "Keep in this tab only" asks again next time: nothing
/// was stored, so nothing was decided for the device.
#[component]
pub fn AtRestNotice(reader: Reader) -> impl IntoView {
    let i18n = use_i18n();
    let unsealed = LocalResource::new(|| async {
        matches!(crate::storage::records_sealed().await, Ok(false))
    });
    let chosen = use_context::<UnprotectedChoice>()
        .map(|UnprotectedChoice(chosen)| chosen)
        .unwrap_or_else(|| RwSignal::new(crate::storage::unprotected_chosen()));
    let memory_only = RwSignal::new(false);
    let refused = RwSignal::new(false);
    let store_anyway = move |_| match crate::storage::choose_unprotected() {
        Ok(()) => chosen.set(true),
        Err(_) => refused.set(true),
    };
    move || {
        let unsealed = unsealed.get().unwrap_or(false);
        (unsealed && !chosen.get() && !memory_only.get()).then(|| {
            view! {
                <aside
                    class="notice notice--warning browser-notice"
                    data-testid="at-rest-notice"
                    aria-labelledby="at-rest-notice-title"
                >
                    <h2 id="at-rest-notice-title" class="browser-notice__title">
                        {move || i18n.t("at-rest-notice-title")}
                    </h2>
                    <p>{move || i18n.t(&format!("at-rest-notice-{}", reader.suffix()))}</p>
                    <div class="button-row">
                        <button
                            type="button"
                            class="button button--secondary"
                            data-testid="at-rest-memory-only"
                            on:click=move |_| memory_only.set(true)
                        >
                            {move || i18n.t("at-rest-memory-only")}
                        </button>
                        <button
                            type="button"
                            class="button button--secondary"
                            data-testid="at-rest-store-anyway"
                            on:click=store_anyway
                        >
                            {move || i18n.t("at-rest-store-anyway")}
                        </button>
                    </div>
                    {move || {
                        refused
                            .get()
                            .then(|| {
                                view! { <p role="alert">{i18n.t("error-storage-unavailable")}</p> }
                            })
                    }}
                </aside>
            }
        })
    }
}

/// The notices of this browser, above every page; a participant's tandem
/// page gets the participant's words.
#[component]
pub fn BrowserNotices() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    move || {
        let reader = if location.pathname.get().starts_with("/tandem") {
            Reader::Participant
        } else {
            Reader::Coordinator
        };
        view! {
            <div class="browser-notices">
                <EvictionNotice reader />
                <AtRestNotice reader />
            </div>
        }
    }
}

/// Whether this browser stores records unsealed (for the question before
/// forgetting a person); `false` until known.
pub fn records_unsealed() -> Signal<bool> {
    let unsealed = LocalResource::new(|| async {
        matches!(crate::storage::records_sealed().await, Ok(false))
    });
    Signal::derive(move || unsealed.get().unwrap_or(false))
}

/// Whether this page may share a programme: only from a secure context
/// (HTTPS, or this computer itself). On a page loaded without TLS, anyone
/// on the way could change the app and read the invite link — and with it
/// the whole programme — and the browser withholds what seals the
/// records stored here.
pub fn secure_page() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Browsers count these as secure already; said here so that it stays
    // true whatever a browser decides.
    let loopback = window
        .location()
        .hostname()
        .is_ok_and(|host| matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]"));
    window.is_secure_context() || loopback
}
