//! The app's pages and their addresses.

use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::ProgrammeId;

use crate::i18n::use_i18n;

pub mod programme;
pub mod programmes;

/// Every page of the app, so that links are typed, not strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The list of programmes and the form to create one.
    Programmes,
    /// One programme's overview.
    Programme(ProgrammeId),
}

impl Page {
    /// The page's address in the app.
    pub fn path(&self) -> String {
        match self {
            Page::Programmes => "/".to_string(),
            Page::Programme(id) => format!("/programme/{id}"),
        }
    }
}

/// Shown for an address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <p class="notice notice--warning">{move || i18n.t("programme-not-found")}</p>
            <A href=Page::Programmes.path()>{move || i18n.t("programme-back")}</A>
        </section>
    }
}

/// The message for an error code, in the current language.
pub(crate) fn error_text(code: &str) -> String {
    use_i18n().t(&format!("error-{code}"))
}
