//! The frame around one programme's pages: it opens the programme, names
//! it, and offers its parts (overview, people, tandems, import, rules).

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use tandem_core::ProgrammeId;

use crate::i18n::use_i18n;
use crate::pages::{error_text, param};
use crate::routes::Page;
use crate::session::{use_session, Opening, ProgrammeSession};

/// The page at `/programme/:id/…`.
#[component]
pub(crate) fn ProgrammeShell() -> impl IntoView {
    let i18n = use_i18n();
    let id = param::<ProgrammeId>("id");
    let session = ProgrammeSession::open(id());
    provide_context(session);

    view! {
        <section class="page">
            <p class="back-link">
                <A href=Page::Programmes.path()>{move || i18n.t("programme-back")}</A>
            </p>
            {move || match session.opening() {
                Opening::Loading => {
                    view! {
                        <p class="muted" role="status">
                            {i18n.t("programme-loading")}
                        </p>
                    }
                        .into_any()
                }
                Opening::Missing => {
                    view! {
                        <p class="notice notice--warning" role="alert">
                            {i18n.t("programme-not-found")}
                        </p>
                    }
                        .into_any()
                }
                Opening::Failed(code) => {
                    view! {
                        <p class="notice notice--error" role="alert">
                            {error_text(code)}
                        </p>
                    }
                        .into_any()
                }
                Opening::Ready => view! { <ProgrammeFrame /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProgrammeFrame() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = session.with(|programme| programme.id);
    let name = move || {
        session
            .with(|programme| programme.name.clone())
            .unwrap_or_default()
    };
    let subtitle = move || {
        session
            .with(|programme| {
                let kind = i18n.t(&format!("kind-{}", programme.kind.code()));
                let dates = i18n.t_with(
                    "programme-dates",
                    &[
                        ("start", FluentValue::from(i18n.day(programme.start))),
                        ("end", FluentValue::from(i18n.day(programme.end))),
                    ],
                );
                format!(
                    "{kind} · {dates} · {}",
                    programme.partner_names().join(", ")
                )
            })
            .unwrap_or_default()
    };
    let tabs = id
        .map(|id| {
            vec![
                ("nav-dashboard", Page::Programme(id), "nav-dashboard"),
                ("nav-people", Page::People(id), "nav-people"),
                ("nav-tandems", Page::Tandems(id), "nav-tandems"),
                ("nav-matching", Page::Matching(id), "nav-matching"),
                ("nav-calendar", Page::Calendar(id), "nav-calendar"),
                (
                    "nav-certificates",
                    Page::Certificates(id),
                    "nav-certificates",
                ),
                ("nav-report", Page::Report(id), "nav-report"),
                ("nav-import", Page::Import(id), "nav-import"),
                ("nav-exchange", Page::Exchange(id), "nav-exchange"),
                ("nav-history", Page::History(id), "nav-history"),
                ("nav-settings", Page::Settings(id), "nav-settings"),
            ]
        })
        .unwrap_or_default();

    view! {
        <header class="page-header">
            <h1 data-testid="programme-title">{name}</h1>
            <p class="page-header__intro" data-testid="programme-period">
                {subtitle}
            </p>
            <crate::components::sync::SyncIndicator />
        </header>
        <crate::components::sync::MoveQuestionNotice />
        <nav class="tabs" aria-label=move || i18n.t("nav-label")>
            {tabs
                .into_iter()
                .map(|(key, page, testid)| {
                    let exact = matches!(page, Page::Programme(_));
                    view! {
                        <A
                            href=page.path()
                            exact=exact
                            attr:class="tabs__link"
                            attr:data-testid=testid
                        >
                            {move || i18n.t(key)}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
        {move || {
            session
                .unsaved()
                .map(|code| {
                    let reason = error_text(code);
                    view! {
                        <p class="notice notice--error" role="alert" data-testid="unsaved">
                            {i18n
                                .t_with("unsaved-banner", &[("reason", FluentValue::from(reason))])}
                        </p>
                    }
                })
        }}
        <Outlet />
    }
}
