//! One programme's overview: what it is, who takes part, who changed what.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use tandem_core::{ChangeNote, Programme, ProgrammeDocument, ProgrammeId};

use super::{error_text, Page};
use crate::i18n::use_i18n;
use crate::storage::ProgrammeStore;

/// A programme read from the browser's storage.
#[derive(Debug, Clone)]
enum Loaded {
    Found {
        programme: Box<Programme>,
        history: Vec<ChangeNote>,
    },
    Missing,
    Failed(&'static str),
}

async fn read_programme(id: Option<ProgrammeId>) -> Loaded {
    let Some(id) = id else {
        return Loaded::Missing;
    };
    let store = match ProgrammeStore::open().await {
        Ok(store) => store,
        Err(error) => return Loaded::Failed(error.code()),
    };
    match store.load(id).await {
        Ok(Some(bytes)) => match ProgrammeDocument::load(&bytes) {
            Ok(document) => match document.programme() {
                Ok(programme) => Loaded::Found {
                    programme: Box::new(programme),
                    history: document.history(),
                },
                Err(error) => Loaded::Failed(error.code()),
            },
            Err(error) => Loaded::Failed(error.code()),
        },
        Ok(None) => Loaded::Missing,
        Err(error) => Loaded::Failed(error.code()),
    }
}

/// The page at `/programme/:id`.
#[component]
pub fn ProgrammePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<ProgrammeId>().ok())
    };
    let loaded = LocalResource::new(move || read_programme(id()));

    view! {
        <section class="page">
            <p class="back-link">
                <A href=Page::Programmes.path()>{move || i18n.t("programme-back")}</A>
            </p>
            {move || match loaded.get() {
                None => view! { <p class="muted" role="status">{i18n.t("programme-loading")}</p> }.into_any(),
                Some(Loaded::Missing) => view! {
                    <p class="notice notice--warning" role="alert">{i18n.t("programme-not-found")}</p>
                }.into_any(),
                Some(Loaded::Failed(code)) => view! {
                    <p class="notice notice--error" role="alert">{error_text(code)}</p>
                }.into_any(),
                Some(Loaded::Found { programme, history }) => view! {
                    <ProgrammeOverview programme=*programme history />
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProgrammeOverview(programme: Programme, history: Vec<ChangeNote>) -> impl IntoView {
    let i18n = use_i18n();
    let kind = programme.kind;
    let (start, end) = (programme.start, programme.end);
    let partners: Vec<String> = programme
        .partner_names()
        .into_iter()
        .map(String::from)
        .collect();
    let partner_count = partners.len();
    view! {
        <header class="page-header">
            <h1 data-testid="programme-title">{programme.name.clone()}</h1>
            <p class="page-header__intro">{move || i18n.t(&format!("kind-{}", kind.code()))}</p>
        </header>
        <div class="grid-2">
            <section class="panel" aria-labelledby="overview-title">
                <h2 id="overview-title">{move || i18n.t("programme-overview")}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t("programme-kind")}</dt>
                    <dd>{move || i18n.t(&format!("kind-{}", kind.code()))}</dd>
                    <dt>{move || i18n.t("programme-period")}</dt>
                    <dd data-testid="programme-period">
                        {move || i18n.t_with(
                            "programme-dates",
                            &[("start", FluentValue::from(i18n.day(start))), ("end", FluentValue::from(i18n.day(end)))],
                        )}
                    </dd>
                    <dt>{move || i18n.t("programme-partners")}</dt>
                    <dd>
                        {move || i18n.t_with("programme-partners-count", &[("count", FluentValue::from(partner_count))])}
                        <ul class="plain-list" data-testid="programme-partners">
                            {partners.iter().map(|name| view! { <li>{name.clone()}</li> }).collect_view()}
                        </ul>
                    </dd>
                </dl>
            </section>
            <section class="panel" aria-labelledby="history-title">
                <h2 id="history-title">{move || i18n.t("programme-history")}</h2>
                <ol class="history" data-testid="programme-history">
                    {history
                        .into_iter()
                        .rev()
                        .map(|note| {
                            let command_key = format!("command-{}", note.command);
                            view! {
                                <li>
                                    {move || {
                                        let mut command = i18n.t(&command_key);
                                        if command == command_key {
                                            command = i18n.t("command-unknown");
                                        }
                                        i18n.t_with(
                                            "programme-history-entry",
                                            &[("name", FluentValue::from(note.name.clone())), ("command", FluentValue::from(command))],
                                        )
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        </div>
    }
}
