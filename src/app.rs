//! The app shell: context handles, header with the language switch, routes.

use leptos::prelude::*;
use leptos_router::components::{Router, A};

use crate::i18n::{use_i18n, I18n, Texts};
use crate::language::Language;
use crate::routes::{AppRoutes, Page};
use crate::settings::Settings;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let new_version = set_up_shell(Texts::ALL);
    let i18n = use_i18n();

    view! {
        <Router>
            <a class="skip-link" href="#main" on:click=skip_to_content>
                {move || i18n.t("skip-to-content")}
            </a>
            <header class="app-header">
                <div class="app-header__inner">
                    <A href=Page::Programmes.path() attr:class="brand">
                        <span class="brand__mark" aria-hidden="true"></span>
                        <span class="brand__name">{move || i18n.t("app-name")}</span>
                        <span class="brand__tagline">{move || i18n.t("app-tagline")}</span>
                    </A>
                    <LanguageSwitch />
                </div>
                <crate::offline::NewVersionNotice new_version />
            </header>
            <crate::browser::BrowserNotices />
            <main id="main" class="app-main" tabindex="-1">
                <AppRoutes />
            </main>
            <footer class="app-footer">
                <A href=Page::Privacy.path() attr:data-testid="privacy-link">
                    {move || i18n.t("privacy-link")}
                </A>
            </footer>
        </Router>
    }
}

/// What both apps (the coordinators' and the participant's) set up before
/// their first view: the language and its texts, the choice to store
/// unprotected where records cannot be sealed, persistent storage, and
/// the service worker. Returns the news of a new version waiting.
pub(crate) fn set_up_shell(texts: Texts) -> crate::offline::NewVersion {
    let settings = Settings::load();
    provide_context(I18n::from_settings(&settings, texts));
    crate::browser::provide_unprotected_choice();
    ask_for_persistent_storage();
    crate::offline::keep_available_offline()
}

/// Buttons to switch between German and English; the choice is remembered.
#[component]
pub(crate) fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="language-switch" role="group" aria-label=move || i18n.t("language-switch")>
            {Language::ALL
                .into_iter()
                .map(|language| {
                    view! {
                        <button
                            type="button"
                            class="language-switch__option"
                            lang=language.tag()
                            data-testid=format!("language-{}", language.tag())
                            aria-pressed=move || (i18n.language() == language).to_string()
                            on:click=move |_| i18n.set_language(language)
                        >
                            {language.own_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Moves the keyboard focus to the page's content. Left to the router, the
/// link to `#main` would only scroll and leave the focus in the header.
fn skip_to_content(event: leptos::ev::MouseEvent) {
    let main = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("main"))
        .and_then(|main| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(main).ok());
    if let Some(main) = main {
        event.prevent_default();
        let _ = main.focus();
    }
}

/// Asks the browser to keep Tandem's data even when space runs low. The
/// answer changes nothing else: backups are offered either way. Chromium
/// and Safari answer by themselves; Firefox would put a question to the
/// user at every start, so there the exchange page asks when she chooses.
fn ask_for_persistent_storage() {
    if crate::browser::Engine::current() == crate::browser::Engine::Gecko {
        return;
    }
    let Some(storage) = web_sys::window().map(|window| window.navigator().storage()) else {
        return;
    };
    if let Ok(promise) = storage.persist() {
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
