//! The start page: the programmes stored in this browser, and the form to
//! create one.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use tandem_core::{Day, NewProgramme, ProgrammeDocument, ProgrammeKind, ProgrammeSummary};

use crate::components::notice::{Outcome, OutcomeNotice};
use crate::files::{chosen_file, file_bytes};
use crate::i18n::use_i18n;
use crate::pages::error_text;
use crate::pages::programme::join_by_file::{join_by_approval, AskByFile};
use crate::routes::Page;
use crate::session::messages::exchange_error_text;
use crate::settings::Settings;
use crate::settings::SyncRecord;
use crate::storage::{save_new, ChunkKind, ProgrammeStore};
use tandem_core::{Arrival, ExchangeError, ExchangeFile, NotTakenIn};
use tandem_sync::access::Approval;

/// What the list shows while and after reading the browser's storage.
#[derive(Debug, Clone, PartialEq)]
enum Listing {
    Loading,
    Loaded {
        programmes: Vec<ProgrammeSummary>,
        /// Error codes of stored programmes that could not be opened.
        unreadable: Vec<&'static str>,
    },
    Failed(&'static str),
}

/// Reads every stored programme. One damaged programme does not hide the
/// others.
async fn read_listing() -> Listing {
    let store = match ProgrammeStore::open().await {
        Ok(store) => store,
        Err(error) => return Listing::Failed(error.code()),
    };
    let ids = match store.programme_ids().await {
        Ok(ids) => ids,
        Err(error) => return Listing::Failed(error.code()),
    };
    let mut programmes = Vec::new();
    let mut unreadable = Vec::new();
    for id in ids {
        match store.load(id).await {
            Ok(Some(bytes)) => match ProgrammeDocument::load(&bytes) {
                Ok(document) => programmes.push(document.programme().summary()),
                Err(error) => unreadable.push(error.code()),
            },
            Ok(None) => {}
            Err(error) => unreadable.push(error.code()),
        }
    }
    programmes.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| a.name.cmp(&b.name)));
    Listing::Loaded {
        programmes,
        unreadable,
    }
}

/// The list of programmes and the create form.
#[component]
pub(crate) fn ProgrammesPage() -> impl IntoView {
    let i18n = use_i18n();
    let listing = RwSignal::new(Listing::Loading);
    spawn_local(async move { listing.set(read_listing().await) });

    let on_created = move |summary: ProgrammeSummary| {
        listing.update(|listing| match listing {
            Listing::Loaded { programmes, .. } => programmes.insert(0, summary),
            _ => {
                *listing = Listing::Loaded {
                    programmes: vec![summary],
                    unreadable: Vec::new(),
                }
            }
        });
    };

    view! {
        <section class="page" aria-labelledby="programmes-title">
            <header class="page-header">
                <h1 id="programmes-title">{move || i18n.t("programmes-title")}</h1>
                <p class="page-header__intro">{move || i18n.t("programmes-intro")}</p>
            </header>
            <ProgrammeList listing archived=false />
            <JoinProgramme on_joined=on_created />
            <CreateProgramme on_created />
            <ProgrammeList listing archived=true />
        </section>
    }
}

#[component]
fn ProgrammeList(listing: RwSignal<Listing>, archived: bool) -> impl IntoView {
    let i18n = use_i18n();
    let put_away = Settings::load().archived;
    let listing = Memo::new(move |_| match listing.get() {
        Listing::Loaded {
            programmes,
            unreadable,
        } => Listing::Loaded {
            programmes: programmes
                .into_iter()
                .filter(|p| put_away.contains(&p.id.to_string()) == archived)
                .collect(),
            unreadable: if archived { Vec::new() } else { unreadable },
        },
        other if archived => match other {
            Listing::Loading | Listing::Failed(_) => Listing::Loaded {
                programmes: Vec::new(),
                unreadable: Vec::new(),
            },
            loaded => loaded,
        },
        other => other,
    });
    if archived {
        return view! {
            <Show when=move || {
                matches!(
                    listing.get(),
                    Listing::Loaded { ref programmes, .. }
                    if !programmes.is_empty()
                )
            }>
                <section class="panel archive" aria-labelledby="archive-title">
                    <h2 id="archive-title">{move || i18n.t("archive-title")}</h2>
                    <ul class="card-list" data-testid="archived-programmes">
                        <For
                            each=move || match listing.get() {
                                Listing::Loaded { programmes, .. } => programmes,
                                _ => Vec::new(),
                            }
                            key=|programme| programme.id
                            children=move |programme| view! { <ProgrammeCard programme /> }
                        />
                    </ul>
                </section>
            </Show>
        }
        .into_any();
    }
    (move || match listing.get() {
        Listing::Loading => view! {
            <p class="muted" role="status">
                {i18n.t("programmes-loading")}
            </p>
        }
        .into_any(),
        Listing::Failed(code) => view! {
            <p class="notice notice--error" role="alert">
                {error_text(code)}
            </p>
        }
        .into_any(),
        Listing::Loaded {
            programmes,
            unreadable,
        } => {
            let count = programmes.len();
            view! {
                {unreadable
                    .into_iter()
                    .map(|code| {
                        view! {
                            <p class="notice notice--error" role="alert">
                                {error_text(code)}
                            </p>
                        }
                    })
                    .collect_view()}
                <p class="muted" data-testid="programme-count">
                    {i18n.t_with("programmes-count", &[("count", FluentValue::from(count))])}
                </p>
                <Show
                    when=move || { count > 0 }
                    fallback=move || {
                        view! { <p class="empty-state">{i18n.t("programmes-empty")}</p> }
                    }
                >
                    <ul class="card-list" data-testid="programme-list">
                        <For
                            each={
                                let programmes = programmes.clone();
                                move || programmes.clone()
                            }
                            key=|programme| programme.id
                            children=move |programme| view! { <ProgrammeCard programme /> }
                        />
                    </ul>
                </Show>
            }
            .into_any()
        }
    })
    .into_any()
}

/// Joining a partner's programme from their invitation file.
#[component]
fn JoinProgramme(on_joined: impl Fn(ProgrammeSummary) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(Outcome::Idle);
    let known = Settings::load().coordinator.is_some();
    let author_name = RwSignal::new(String::new());
    let take = move |event: web_sys::Event| {
        event.prevent_default();
        let Some(file) = chosen_file(&event) else {
            return;
        };
        if !known {
            if author_name.get_untracked().trim().is_empty() {
                outcome.set(Outcome::Refused(error_text("author-missing")));
                return;
            }
            Settings::remember_author(&author_name.get_untracked());
        }
        spawn_local(async move {
            let Ok(bytes) = file_bytes(&file).await else {
                outcome.set(Outcome::Refused(i18n.t("error-file-unreadable")));
                return;
            };
            outcome.set(match join(i18n, &bytes).await {
                Ok(summary) => {
                    let name = summary.name.clone();
                    on_joined(summary);
                    Outcome::Done(i18n.t_with("join-done", &[("name", FluentValue::from(name))]))
                }
                Err(message) => Outcome::Refused(message),
            });
        });
    };
    view! {
        <section class="panel" aria-labelledby="join-title" data-testid="join-panel">
            <h2 id="join-title">{move || i18n.t("join-title")}</h2>
            {(!known)
                .then(|| {
                    view! {
                        <div class="field join-author">
                            <label for="join-author">{move || i18n.t("field-your-name")}</label>
                            <input
                                id="join-author"
                                data-testid="join-author"
                                type="text"
                                autocomplete="name"
                                bind:value=author_name
                            />
                        </div>
                    }
                })}
            <div
                class="drop-zone"
                data-testid="join-drop"
                on:dragover=move |event| event.prevent_default()
                on:drop=move |event: web_sys::DragEvent| take(event.into())
            >
                <p>{move || i18n.t("join-intro")}</p>
                <label class="button button--secondary" for="join-file">
                    {move || i18n.t("join-choose")}
                </label>
                <input
                    id="join-file"
                    class="visually-hidden"
                    data-testid="join-file"
                    type="file"
                    accept=".tandem"
                    on:change=take
                />
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="join" />
            </div>
            <AskByFile author_name known />
        </section>
    }
}

/// Stores a programme received by invitation, or by an approval file made
/// for this browser's request, unless it is here already.
async fn join(i18n: crate::i18n::I18n, bytes: &[u8]) -> Result<ProgrammeSummary, String> {
    if Approval::is_approval(bytes) {
        return join_by_approval(i18n, bytes).await;
    }
    let document = store_invitation(i18n, bytes).await?;
    Ok(document.programme().summary())
}

/// Stores the programme of an invitation file, unless a programme of the
/// same id is here already (it is never touched).
async fn store_invitation(
    i18n: crate::i18n::I18n,
    bytes: &[u8],
) -> Result<ProgrammeDocument, String> {
    let refuse = |error: ExchangeError| exchange_error_text(i18n, &error);
    let file = ExchangeFile::decode(bytes).map_err(refuse)?;
    let mut document = ProgrammeDocument::join(&file).map_err(refuse)?;
    let store = ProgrammeStore::open()
        .await
        .map_err(|error| i18n.error(error.code()))?;
    let id = document.id();
    if store
        .programme_ids()
        .await
        .map_err(|error| i18n.error(error.code()))?
        .contains(&id)
    {
        return Err(refuse(ExchangeError::AlreadyHere));
    }
    save_new(&mut document)
        .await
        .map_err(|error| i18n.error(error.code()))?;
    Ok(document)
}

/// What this browser keeps of a programme one of its devices was admitted
/// to.
pub(crate) enum Admitted {
    /// Kept: stored as new, or merged into the copy here. `room_heads`:
    /// where the room (or the approval's admin) stands, so what only this
    /// browser holds is sent from then on.
    Kept {
        document: Box<ProgrammeDocument>,
        room_heads: Vec<automerge::ChangeHash>,
    },
    /// Not kept: the copy here is shared from here already, or is another
    /// generation; it stays as it was.
    Refused(tandem_core::ProgrammeId, Arrival),
}

/// Keeps the programme a device of this browser was admitted to (what its
/// room, or an approval file, holds): stored where it is new here; merged
/// into the copy here where that copy came apart from the room (a
/// partner's file) and is shared from nowhere here, so nothing made here
/// is lost; refused otherwise, the copy here untouched (see
/// `tandem_core::Arrival`).
pub(crate) async fn keep_admitted(
    i18n: crate::i18n::I18n,
    mut arriving: ProgrammeDocument,
) -> Result<Admitted, String> {
    let stored = |error: crate::storage::StorageError| i18n.error(error.code());
    let id = arriving.id();
    let room_heads = arriving.heads();
    let store = ProgrammeStore::open().await.map_err(stored)?;
    let Some(here) = store.load(id).await.map_err(stored)? else {
        save_new(&mut arriving).await.map_err(stored)?;
        return Ok(Admitted::Kept {
            document: Box::new(arriving),
            room_heads,
        });
    };
    // What is stored here, even a copy that no longer loads, stays as it
    // is.
    let Ok(mut here) = ProgrammeDocument::load(&here) else {
        return Ok(Admitted::Refused(id, Arrival::OtherGenesis));
    };
    if SyncRecord::load(id).await.is_some() {
        return Ok(Admitted::Refused(id, Arrival::AlreadyHere));
    }
    match here.take_in_admitted(&arriving) {
        Ok(_) => {}
        Err(NotTakenIn::Arrival(arrival)) => return Ok(Admitted::Refused(id, arrival)),
        Err(NotTakenIn::Refused(error)) => return Err(exchange_error_text(i18n, &error)),
    }
    let changes = here.save_incremental();
    if !changes.is_empty() {
        store
            .put_chunk(id, ChunkKind::Incremental, &here.heads_key(), &changes)
            .await
            .map_err(stored)?;
    }
    Ok(Admitted::Kept {
        document: Box::new(here),
        room_heads,
    })
}

#[component]
fn ProgrammeCard(programme: ProgrammeSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = Page::Programme(programme.id).path();
    let kind = programme.kind;
    let (start, end) = (programme.start, programme.end);
    let partners = programme.partners.join(" · ");
    view! {
        <li class="card" data-testid="programme-card">
            <h2 class="card__title">
                <A href=href>{programme.name.clone()}</A>
            </h2>
            <p class="card__meta">
                <span>{move || i18n.t(&format!("kind-{}", kind.code()))}</span>
                <span aria-hidden="true">" · "</span>
                <span>
                    {move || {
                        i18n.t_with(
                            "programme-dates",
                            &[
                                ("start", FluentValue::from(i18n.day(start))),
                                ("end", FluentValue::from(i18n.day(end))),
                            ],
                        )
                    }}
                </span>
            </p>
            <p class="card__partners">{partners}</p>
        </li>
    }
}

/// One row of the partner list in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartnerRow {
    key: u32,
    name: RwSignal<String>,
}

/// What the form says after the coordinator pressed "create".
#[derive(Debug, Clone, PartialEq)]
enum FormStatus {
    Editing,
    Saving,
    Refused(String),
    Created(String),
}

#[component]
fn CreateProgramme(on_created: impl Fn(ProgrammeSummary) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let settings = Settings::load();
    let known_author = settings.coordinator.as_ref().map(|c| c.name.clone());
    let author_name = RwSignal::new(known_author.clone().unwrap_or_default());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ProgrammeKind::CrossMentoring.code().to_string());
    let start = RwSignal::new(String::new());
    let end = RwSignal::new(String::new());
    let next_key = StoredValue::new(2u32);
    let partners = RwSignal::new(vec![
        PartnerRow {
            key: 0,
            name: RwSignal::new(String::new()),
        },
        PartnerRow {
            key: 1,
            name: RwSignal::new(String::new()),
        },
    ]);
    let status = RwSignal::new(FormStatus::Editing);

    let add_partner = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        partners.update(|rows| {
            rows.push(PartnerRow {
                key,
                name: RwSignal::new(String::new()),
            })
        });
        // The new field takes the focus, so the coordinator types straight on.
        request_animation_frame(move || {
            let field = document()
                .get_element_by_id(&format!("partner-{key}"))
                .and_then(|field| {
                    wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(field).ok()
                });
            if let Some(field) = field {
                let _ = field.focus();
            }
        });
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if status.get_untracked() == FormStatus::Saving {
            return;
        }
        let request = match read_form(
            &author_name.get_untracked(),
            &name.get_untracked(),
            &kind.get_untracked(),
            &start.get_untracked(),
            &end.get_untracked(),
            partners
                .get_untracked()
                .iter()
                .map(|row| row.name.get_untracked())
                .collect(),
        ) {
            Ok(request) => request,
            Err(message) => {
                status.set(FormStatus::Refused(message));
                return;
            }
        };
        let author = Settings::remember_author(&request.0);
        let now = crate::clock::now_seconds();
        let mut document = match ProgrammeDocument::create_at(&author, now, request.1) {
            Ok(document) => document,
            Err(error) => {
                status.set(FormStatus::Refused(refusal_text(&error)));
                return;
            }
        };
        let programme = document.programme().clone();
        status.set(FormStatus::Saving);
        spawn_local(async move {
            match save_new(&mut document).await {
                Ok(()) => {
                    status.set(FormStatus::Created(programme.name.clone()));
                    on_created(programme.summary());
                    name.set(String::new());
                    start.set(String::new());
                    end.set(String::new());
                    partners.update(|rows| rows.iter().for_each(|row| row.name.set(String::new())));
                }
                Err(error) => status.set(FormStatus::Refused(i18n.error(error.code()))),
            }
        });
    };

    let partner_rows = move || {
        partners
            .get()
            .into_iter()
            .enumerate()
            .map(|(index, row)| (index + 1, row))
            .collect::<Vec<_>>()
    };

    view! {
        <section class="panel" aria-labelledby="create-title">
            <h2 id="create-title">{move || i18n.t("create-title")}</h2>
            <p class="muted">{move || i18n.t("create-intro")}</p>
            <form class="form" on:submit=submit novalidate>
                <Show when={
                    let known = known_author.is_some();
                    move || !known
                }>
                    <div class="field">
                        <label for="author-name">{move || i18n.t("field-your-name")}</label>
                        <input
                            id="author-name"
                            data-testid="author-name"
                            type="text"
                            autocomplete="name"
                            aria-describedby="author-name-hint"
                            bind:value=author_name
                        />
                        <p id="author-name-hint" class="field__hint">
                            {move || i18n.t("field-your-name-hint")}
                        </p>
                    </div>
                </Show>
                <div class="field">
                    <label for="programme-name">{move || i18n.t("field-name")}</label>
                    <input
                        id="programme-name"
                        data-testid="programme-name"
                        type="text"
                        required
                        placeholder=move || i18n.t("field-name-placeholder")
                        bind:value=name
                    />
                </div>
                <div class="field">
                    <label for="programme-kind">{move || i18n.t("field-kind")}</label>
                    <select id="programme-kind" data-testid="programme-kind" bind:value=kind>
                        {ProgrammeKind::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <option value=option
                                        .code()>
                                        {move || i18n.t(&format!("kind-{}", option.code()))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="programme-start">{move || i18n.t("field-start")}</label>
                        <input
                            id="programme-start"
                            data-testid="programme-start"
                            type="date"
                            required
                            bind:value=start
                        />
                    </div>
                    <div class="field">
                        <label for="programme-end">{move || i18n.t("field-end")}</label>
                        <input
                            id="programme-end"
                            data-testid="programme-end"
                            type="date"
                            required
                            bind:value=end
                        />
                    </div>
                </div>
                <fieldset class="field-group">
                    <legend>{move || i18n.t("field-partners")}</legend>
                    <For
                        each=partner_rows
                        key=|(number, row)| (*number, row.key)
                        children=move |(number, row)| {
                            let label = move || {
                                i18n.t_with(
                                    "field-partner",
                                    &[("number", FluentValue::from(number))],
                                )
                            };
                            let input_id = format!("partner-{}", row.key);
                            view! {
                                <div class="partner-row">
                                    <label class="visually-hidden" for=input_id.clone()>
                                        {label}
                                    </label>
                                    <input
                                        id=input_id
                                        data-testid=format!("partner-{}", number - 1)
                                        type="text"
                                        placeholder=label
                                        bind:value=row.name
                                    />
                                    <button
                                        type="button"
                                        class="button button--quiet"
                                        aria-label=move || {
                                            i18n.t_with(
                                                "remove-partner",
                                                &[("number", FluentValue::from(number))],
                                            )
                                        }
                                        on:click=move |_| {
                                            partners
                                                .update(|rows| rows.retain(|other| other.key != row.key))
                                        }
                                    >
                                        <span aria-hidden="true">"×"</span>
                                    </button>
                                </div>
                            }
                        }
                    />
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="add-partner"
                        on:click=add_partner
                    >
                        {move || i18n.t("add-partner")}
                    </button>
                </fieldset>
                <div class="form__actions">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="create-programme"
                        disabled=move || status.get() == FormStatus::Saving
                    >
                        {move || {
                            if status.get() == FormStatus::Saving {
                                i18n.t("create-saving")
                            } else {
                                i18n.t("create-submit")
                            }
                        }}
                    </button>
                </div>
                <div aria-live="polite">
                    {move || match status.get() {
                        FormStatus::Refused(message) => {
                            view! {
                                <p
                                    class="notice notice--error"
                                    role="alert"
                                    data-testid="form-error"
                                >
                                    {message}
                                </p>
                            }
                                .into_any()
                        }
                        FormStatus::Created(created) => {
                            view! {
                                <p
                                    class="notice notice--success"
                                    role="status"
                                    data-testid="form-success"
                                >
                                    {i18n
                                        .t_with(
                                            "create-done",
                                            &[("name", FluentValue::from(created))],
                                        )}
                                </p>
                            }
                                .into_any()
                        }
                        _ => ().into_any(),
                    }}
                </div>
            </form>
        </section>
    }
}

/// Reads the form into the author's name and the new programme, or the
/// message for the first problem found. The programme's own rules are
/// checked by the core crate when it is created.
fn read_form(
    author_name: &str,
    name: &str,
    kind: &str,
    start: &str,
    end: &str,
    partners: Vec<String>,
) -> Result<(String, NewProgramme), String> {
    if author_name.trim().is_empty() {
        return Err(error_text("author-missing"));
    }
    let i18n = use_i18n();
    let day = |value: &str| -> Result<Day, String> {
        if value.trim().is_empty() {
            return Err(error_text("date-missing"));
        }
        Day::parse(value).map_err(|_| {
            i18n.t_with(
                "error-date-invalid",
                &[("value", FluentValue::from(value.to_string()))],
            )
        })
    };
    let start = day(start)?;
    let end = day(end)?;
    let kind = ProgrammeKind::from_code(kind).unwrap_or(ProgrammeKind::CrossMentoring);
    Ok((
        author_name.to_string(),
        NewProgramme {
            name: name.to_string(),
            kind,
            start,
            end,
            // A row left empty is a row not needed, not a mistake.
            partners: partners
                .into_iter()
                .filter(|partner| !partner.trim().is_empty())
                .collect(),
        },
    ))
}

fn refusal_text(error: &tandem_core::CommandError) -> String {
    match error {
        tandem_core::CommandError::Programme(tandem_core::ProgrammeError::PartnerTwice(name)) => {
            use_i18n().t_with(
                "error-partner-twice",
                &[("name", FluentValue::from(name.clone()))],
            )
        }
        other => error_text(other.code()),
    }
}
