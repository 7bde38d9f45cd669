//! The app's pages and their addresses.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::routes::Page;

pub(crate) mod apply;
pub(crate) mod calendar;
pub(crate) mod matching;
mod page_survey;
pub(crate) mod people;
pub(crate) mod privacy_notice;
pub(crate) mod programme;
pub(crate) mod report;
pub(crate) mod tandem_page;
pub(crate) mod tandems;

/// Shown for an address the app does not know.
#[component]
pub(crate) fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid="not-found">
            <p class="notice notice--warning">{move || i18n.t("programme-not-found")}</p>
            <A href=Page::Programmes.path()>{move || i18n.t("programme-back")}</A>
        </section>
    }
}

/// The message for an error code, in the current language.
pub(crate) fn error_text(code: &str) -> String {
    use_i18n().t(&format!("error-{code}"))
}

/// A route parameter read as an id, if it is one.
pub(crate) fn param<T: std::str::FromStr>(name: &'static str) -> impl Fn() -> Option<T> + Copy {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get(name).and_then(|value| value.parse().ok())
}
