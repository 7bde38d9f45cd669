//! The participant's app: what a mentee or mentor opens from their personal
//! link (`/tandem#room=…&key=…`), the public privacy notice it links to, and
//! a programme's application form (`/bewerben#inbox=…&key=…`).
//!
//! It is a program of its own (`src/bin/participant.rs`, built from
//! `participant.html`) so that a phone downloads only the tandem page, its
//! sync and sealing, and the texts, not the coordinators' matching, reports,
//! calendar, certificates and import. The pages are the same components the
//! coordinators' app shows at these addresses; only the shell is smaller,
//! and it reads only the texts these pages can show
//! (`locales/*/participant.ftl`).
//! `scripts/test.sh` checks the build's size and that none of the
//! coordinators' code is in it.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::app::LanguageSwitch;
use crate::i18n::use_i18n;
use crate::pages::apply::ApplyPage;
use crate::pages::privacy_notice::PrivacyNoticePage;
use crate::pages::tandem_page::ParticipantPage;
use crate::routes::Page;

/// The participant's app: header with the language switch, the tandem page,
/// the privacy notice and the application form.
#[component]
pub fn ParticipantApp() -> impl IntoView {
    let new_version = crate::app::set_up_shell(crate::i18n::Texts::PARTICIPANT);
    let i18n = use_i18n();

    view! {
        <Router>
            <header class="app-header">
                <div class="app-header__inner">
                    <span class="brand">
                        <span class="brand__mark" aria-hidden="true"></span>
                        <span class="brand__name">{move || i18n.t("app-name")}</span>
                    </span>
                    <LanguageSwitch />
                </div>
                <crate::offline::NewVersionNotice new_version />
            </header>
            <crate::browser::BrowserNotices />
            <main id="main" class="app-main" tabindex="-1">
                <Routes fallback=Elsewhere>
                    <Route path=path!("/tandem") view=ParticipantPage />
                    <Route path=path!("/datenschutz") view=PrivacyNoticePage />
                    <Route path=path!("/bewerben") view=ApplyPage />
                </Routes>
            </main>
            <footer class="app-footer">
                <A href=Page::Privacy.path() attr:data-testid="privacy-link">
                    {move || i18n.t("privacy-link")}
                </A>
            </footer>
        </Router>
    }
}

/// Any other address belongs to the coordinators' app: the link leaves this
/// app (`rel="external"`) and the server sends the other one.
#[component]
fn Elsewhere() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page" data-testid="not-found">
            <p>
                <a href=Page::Programmes.path() rel="external">
                    {move || i18n.t("privacy-back")}
                </a>
            </p>
        </section>
    }
}
