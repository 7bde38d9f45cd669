//! The public privacy notice: what Tandem stores where, in plain language,
//! for participants and anyone the programme's privacy notice points to.
//! Both apps show it, so it lives beside the tandem page, not among the
//! coordinators' privacy tools.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;
use crate::routes::Page;

/// What Tandem stores where, in plain language, for the programme's
/// privacy notice and for participants.
#[component]
pub(crate) fn PrivacyNoticePage() -> impl IntoView {
    let i18n = use_i18n();
    let sections = [
        ("privacy-where-title", "privacy-where-text"),
        ("privacy-relay-title", "privacy-relay-text"),
        ("privacy-access-title", "privacy-access-text"),
        ("privacy-page-title", "privacy-page-text"),
        ("privacy-who-title", "privacy-who-text"),
        ("privacy-consent-title", "privacy-consent-text"),
        ("privacy-rights-title", "privacy-rights-text"),
        ("privacy-browsers-title", "privacy-browsers-text"),
    ];
    view! {
        <article class="page prose" data-testid="privacy-page">
            <h1>{move || i18n.t("privacy-title")}</h1>
            <p>{move || i18n.t("privacy-intro")}</p>
            {sections
                .into_iter()
                .map(|(title, text)| {
                    view! {
                        <h2>{move || i18n.t(title)}</h2>
                        <p>{move || i18n.t(text)}</p>
                    }
                })
                .collect_view()}
            <p class="muted" data-testid="privacy-dpo">
                {move || i18n.t("privacy-dpo")}
            </p>
            <p>
                <A href=Page::Programmes.path()>{move || i18n.t("privacy-back")}</A>
            </p>
        </article>
    }
}
