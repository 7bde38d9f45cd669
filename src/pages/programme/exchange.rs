//! Working together without a server: make exchange files for partners,
//! merge theirs after seeing what they bring, and settle what clashed.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{ChosenValue, Command, Conflict, Contents, MergePreview};

use crate::clock::today;
use crate::components::field::ChoiceOptions;
use crate::components::history::{
    author_of, shows_unchecked, subject_name, ChangeLine, UncheckedExplained,
};
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::violation::ViolationItem;
use crate::download::offer_download;
use crate::files::{chosen_file, file_bytes};
use crate::i18n::{use_i18n, I18n};
use crate::session::{use_session, ChosenFile};

/// Changes listed in a file's preview; a file of thousands says how many
/// more it brings instead of listing each (the page stays quick).
const PREVIEW_SHOWN: usize = 100;

/// The page at `/programme/:id/exchange`.
#[component]
pub(crate) fn ExchangePage() -> impl IntoView {
    view! {
        <ConflictList />
        <super::share::SharePanel />
        <ImportExchange />
        <ExportExchange />
    }
}

fn file_name(i18n: I18n, programme: &str, contains: Contents) -> String {
    let kind = match contains {
        Contents::Invite => i18n.t("exchange-file-invite"),
        Contents::Whole => i18n.t("exchange-file-whole"),
        Contents::Changes => i18n.t("exchange-file-changes"),
    };
    format!("{}-{kind}-{}.tandem", file_stem(programme), today().iso())
}

/// The programme's name as the start of a file name: letters and digits,
/// the rest one dash.
pub(crate) fn file_stem(programme: &str) -> String {
    programme
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[component]
fn ExportExchange() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let partner = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::Idle);
    let partners = move || {
        session
            .partner_choices()
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect::<Vec<_>>()
    };
    // Whether the browser promised to keep the data (asked for at start).
    let persistent = RwSignal::new(None::<bool>);
    if let Some(promise) = web_sys::window().and_then(|w| w.navigator().storage().persisted().ok())
    {
        spawn_local(async move {
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
            persistent.set(answer.ok().and_then(|value| value.as_bool()));
        });
    }
    let export = move |contains: Contents| {
        let chosen = partner.get_untracked();
        let chosen = (!chosen.is_empty()).then_some(chosen);
        let Some((name, bytes)) = session.export(contains, chosen.as_deref()) else {
            return;
        };
        let file = file_name(i18n, &name, contains);
        outcome.set(
            match offer_download(&file, "application/octet-stream", &bytes) {
                Ok(()) => Outcome::Done(
                    i18n.t_with("exchange-exported", &[("file", FluentValue::from(file))]),
                ),
                Err(_) => Outcome::Refused(i18n.t("error-storage-failed")),
            },
        );
    };
    view! {
        <section class="panel" aria-labelledby="export-title">
            <h2 id="export-title">{move || i18n.t("exchange-export-title")}</h2>
            <p class="muted">{move || i18n.t("exchange-export-intro")}</p>
            <div class="field">
                <label for="exchange-partner">{move || i18n.t("exchange-partner")}</label>
                <select id="exchange-partner" data-testid="exchange-partner" bind:value=partner>
                    <ChoiceOptions none="exchange-partner-none" choices=partners />
                </select>
            </div>
            <div class="button-row">
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="export-invite"
                    on:click=move |_| export(Contents::Invite)
                >
                    {move || i18n.t("exchange-export-invite")}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="export-changes"
                    disabled=move || partner.get().is_empty()
                    on:click=move |_| export(Contents::Changes)
                >
                    {move || i18n.t("exchange-export-changes")}
                </button>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="export-whole"
                    on:click=move |_| export(Contents::Whole)
                >
                    {move || i18n.t("exchange-export-whole")}
                </button>
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="export" />
            </div>
            {move || {
                persistent
                    .get()
                    .map(|kept| {
                        view! {
                            <p class="muted" data-testid="storage-persistence">
                                {if kept {
                                    i18n.t("storage-persistent")
                                } else {
                                    i18n.t("storage-not-persistent")
                                }}
                            </p>
                            // Firefox asks the user before it keeps data for good, so
                            // Tandem asks only when she chooses to (see `app.rs`).
                            {(!kept
                                && crate::browser::Engine::current()
                                    == crate::browser::Engine::Gecko)
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            data-testid="storage-ask-persistent"
                                            on:click=move |_| ask_to_keep(persistent)
                                        >
                                            {i18n.t("storage-ask-persistent")}
                                        </button>
                                    }
                                })}
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn ImportExchange() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let preview = StoredValue::new_local(None::<MergePreview>);
    let pending = RwSignal::new(None::<Vec<tandem_core::ChangeNote>>);
    let outcome = RwSignal::new(Outcome::Idle);
    let dragging = RwSignal::new(false);
    // A file of the generation that replaced this one (after an erasure).
    let successor = StoredValue::new_local(None::<Vec<u8>>);
    let moving = RwSignal::new(false);
    // Files are read in slices: only the one chosen last is shown.
    let chosen = StoredValue::new(0u64);

    let take = move |event: web_sys::Event| {
        event.prevent_default();
        dragging.set(false);
        let Some(file) = chosen_file(&event) else {
            return;
        };
        chosen.update_value(|number| *number += 1);
        let number = chosen.get_value();
        spawn_local(async move {
            let Ok(bytes) = file_bytes(&file).await else {
                outcome.set(Outcome::Refused(i18n.t("error-file-unreadable")));
                return;
            };
            let read = session.read_file(&bytes).await;
            if chosen.get_value() != number {
                return;
            }
            moving.set(false);
            match read {
                // The generation that replaced this one: moved to, once
                // the coordinator agrees, never merged.
                Ok(ChosenFile::Successor) => {
                    preview.set_value(None);
                    pending.set(None);
                    successor.set_value(Some(bytes));
                    moving.set(true);
                    outcome.set(Outcome::Idle);
                }
                Ok(ChosenFile::Changes(found)) if found.is_empty() => {
                    preview.set_value(None);
                    pending.set(None);
                    outcome.set(Outcome::Done(i18n.t("exchange-nothing-new")));
                }
                Ok(ChosenFile::Changes(found)) => {
                    pending.set(Some(found.changes.clone()));
                    preview.set_value(Some(found));
                    outcome.set(Outcome::Idle);
                }
                Err(message) => {
                    preview.set_value(None);
                    pending.set(None);
                    outcome.set(Outcome::Refused(message));
                }
            }
        });
    };
    let merging = RwSignal::new(false);
    let merge = move |_| {
        let Some(found) = preview.try_update_value(|p| p.take()).flatten() else {
            return;
        };
        pending.set(None);
        outcome.set(Outcome::Idle);
        merging.set(true);
        // A large file takes a few seconds to merge and check, in slices
        // between which the page is drawn and answers: it says so meanwhile.
        spawn_local(async move {
            let merged = session.merge(found).await;
            merging.set(false);
            outcome.set(match merged {
                Ok(count) => Outcome::Done(
                    i18n.t_with("exchange-merged", &[("count", FluentValue::from(count))]),
                ),
                Err(message) => Outcome::Refused(message),
            });
        });
    };
    let cancel = move |_| {
        preview.set_value(None);
        pending.set(None);
    };
    let move_over = move |_| {
        let Some(bytes) = successor.try_update_value(|s| s.take()).flatten() else {
            return;
        };
        moving.set(false);
        outcome.set(match session.move_by_file(&bytes) {
            Ok(count) => {
                Outcome::Done(i18n.t_with("exchange-moved", &[("count", FluentValue::from(count))]))
            }
            Err(message) => Outcome::Refused(message),
        });
    };
    let stay = move |_| {
        successor.set_value(None);
        moving.set(false);
    };

    view! {
        <section class="panel" aria-labelledby="import-exchange-title">
            <h2 id="import-exchange-title">{move || i18n.t("exchange-import-title")}</h2>
            <div
                class="drop-zone"
                class:drop-zone--active=move || dragging.get()
                data-testid="exchange-drop"
                on:dragover=move |event| { event.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=move |event: web_sys::DragEvent| take(event.into())
            >
                <p>{move || i18n.t("exchange-drop")}</p>
                <label class="button button--secondary" for="exchange-file">{move || i18n.t("exchange-choose")}</label>
                <input id="exchange-file" class="visually-hidden" data-testid="exchange-file" type="file" accept=".tandem"
                    on:change=take />
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="exchange" />
                <Show when=move || merging.get()>
                    <p class="muted" role="status" data-testid="exchange-merging">
                        {i18n.t("exchange-merging")}
                    </p>
                </Show>
            </div>
            {move || moving.get().then(|| view! {
                <div class="merge-preview" data-testid="move-preview">
                    <h3>{i18n.t("exchange-move-title")}</h3>
                    <p>{i18n.t("exchange-move-text")}</p>
                    <div class="button-row">
                        <button type="button" class="button button--primary" data-testid="move-confirm" on:click=move_over>
                            {i18n.t("exchange-move")}
                        </button>
                        <button type="button" class="button button--secondary" on:click=stay>{i18n.t("exchange-cancel")}</button>
                    </div>
                </div>
            })}
            {move || pending.get().map(|changes| {
                let count = changes.len();
                view! {
                    <div class="merge-preview" data-testid="merge-preview">
                        <h3>{i18n.t_with("exchange-preview-title", &[("count", FluentValue::from(count))])}</h3>
                        <ul class="history">
                            {changes.iter().take(PREVIEW_SHOWN).cloned().map(|note| view! { <li><ChangeLine note /></li> }).collect_view()}
                        </ul>
                        <UncheckedExplained shown=shows_unchecked(session, &changes[..count.min(PREVIEW_SHOWN)]) />
                        {(count > PREVIEW_SHOWN).then(|| view! {
                            <p class="muted" data-testid="merge-preview-more">
                                {i18n.t_with("exchange-preview-more", &[("count", FluentValue::from(count - PREVIEW_SHOWN))])}
                            </p>
                        })}
                        <div class="button-row">
                            <button type="button" class="button button--primary" data-testid="merge-confirm" on:click=merge>
                                {i18n.t("exchange-merge")}
                            </button>
                            <button type="button" class="button button--secondary" on:click=cancel>{i18n.t("exchange-cancel")}</button>
                        </div>
                    </div>
                }
            })}
        </section>
    }
}

/// A value from the document as a coordinator reads it: enum names become
/// the app's words.
fn value_text(i18n: I18n, value: &ChosenValue) -> String {
    let raw = value.text();
    let mut code = String::new();
    for (index, c) in raw.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            code.push('-');
        }
        code.extend(c.to_lowercase());
    }
    for prefix in ["stage", "format", "tandem-status", "role"] {
        let key = format!("{prefix}-{code}");
        let text = i18n.t(&key);
        if text != key {
            return text;
        }
    }
    raw
}

/// Open conflicts, each with the ways to settle it.
#[component]
pub(crate) fn ConflictList() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let conflicts = Memo::new(move |_| session.conflicts());
    let outcome = RwSignal::new(Outcome::Idle);
    let settle = move |command: Command| {
        outcome.set(match session.dispatch(command) {
            Ok(()) => Outcome::Done(i18n.t("conflict-settled")),
            Err(message) => Outcome::Refused(message),
        });
    };
    view! {
        <section class="panel" aria-labelledby="conflicts-title" data-testid="conflicts">
            <h2 id="conflicts-title">{move || i18n.t("conflicts-title")}</h2>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="conflict" />
            </div>
            {move || {
                let list = conflicts.get();
                if list.is_empty() {
                    return view! {
                        <p class="muted" data-testid="no-conflicts">
                            {i18n.t("conflicts-none")}
                        </p>
                    }
                        .into_any();
                }
                view! {
                    <ul class="conflict-list">
                        {list
                            .into_iter()
                            .map(|conflict| {
                                let body = match conflict {
                                    Conflict::Broken(violation) => {
                                        view! { <ViolationItem violation outcome /> }.into_any()
                                    }
                                    Conflict::ConcurrentValues { path, values } => {
                                        let whose = path
                                            .get(1)
                                            .and_then(|subject| subject_name(session, subject))
                                            .unwrap_or_default();
                                        let field_key = format!(
                                            "conflict-field-{}",
                                            path.last().cloned().unwrap_or_default(),
                                        );
                                        let mut field = i18n.t(&field_key);
                                        if field == field_key {
                                            field = path.last().cloned().unwrap_or_default();
                                        }
                                        view! {
                                            <p>
                                                {i18n
                                                    .t_with(
                                                        "conflict-concurrent-values",
                                                        &[
                                                            ("name", FluentValue::from(whose)),
                                                            ("field", FluentValue::from(field)),
                                                        ],
                                                    )}
                                            </p>
                                            <ul class="plain-list">
                                                {values
                                                    .into_iter()
                                                    .map(|value| {
                                                        let text = value_text(i18n, &value.value);
                                                        let path = path.clone();
                                                        let chosen = value.value.clone();
                                                        let (name, mark) = author_of(
                                                            session,
                                                            &value.author,
                                                            &value.actor,
                                                            value.seq,
                                                        );
                                                        view! {
                                                            <li class="conflict__option">
                                                                <span>
                                                                    {i18n
                                                                        .t_with(
                                                                            "conflict-value-by",
                                                                            &[
                                                                                ("value", FluentValue::from(text)),
                                                                                ("name", FluentValue::from(name)),
                                                                            ],
                                                                        )} {mark}
                                                                </span>
                                                                <button
                                                                    type="button"
                                                                    class="button button--secondary"
                                                                    data-testid="choose-value"
                                                                    on:click=move |_| settle(Command::ChooseValue {
                                                                        path: path.clone(),
                                                                        value: chosen.clone(),
                                                                    })
                                                                >
                                                                    {i18n.t("conflict-choose")}
                                                                </button>
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }
                                };
                                view! {
                                    <li class="conflict" data-testid="conflict">
                                        {body}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Asks the browser to keep Tandem's data for good (Firefox asks the user),
/// and shows the answer.
fn ask_to_keep(persistent: RwSignal<Option<bool>>) {
    let Some(promise) = web_sys::window().and_then(|w| w.navigator().storage().persist().ok())
    else {
        return;
    };
    spawn_local(async move {
        let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
        persistent.set(answer.ok().and_then(|value| value.as_bool()));
    });
}
