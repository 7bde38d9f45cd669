//! Live sharing through the relay: the indicator in every programme's
//! header, the panel that shares a programme and shows its invite link,
//! and the page an invite link opens.

use std::time::Duration;

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use tandem_core::{LiveSync, ProgrammeDocument};
use tandem_sync::{ClientEvent, Invite, SyncClient};

use super::person::{outcome_view, Outcome};
use super::programmes::save_new;
use super::Page;
use crate::i18n::{use_i18n, I18n};
use crate::session::{refusal_key, use_session, SyncStatus};
use crate::settings::{Settings, SyncRecord};
use crate::socket::{relay_url, Socket};

/// How long joining waits for the relay before it gives up.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The sync indicator: always in the programme's header.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let session = use_session();
    view! { <SyncState status=Signal::derive(move || session.sync_status()) testid="sync-status" /> }
}

/// Where sync of a document stands, in words and colour.
#[component]
pub fn SyncState(status: Signal<SyncStatus>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let state = move || match status.get() {
        SyncStatus::Local => "local",
        SyncStatus::Syncing => "syncing",
        SyncStatus::Synced => "synced",
        SyncStatus::Offline { .. } => "offline",
        SyncStatus::Refused(_) => "refused",
    };
    let text = move || match status.get() {
        SyncStatus::Local => i18n.t("sync-local"),
        SyncStatus::Syncing => i18n.t("sync-syncing"),
        SyncStatus::Synced => i18n.t("sync-synced"),
        SyncStatus::Offline { waiting } => {
            i18n.t_with("sync-offline", &[("count", FluentValue::from(waiting))])
        }
        SyncStatus::Refused(code) => i18n.t_with(
            "sync-refused",
            &[("reason", FluentValue::from(i18n.t(&refusal_key(&code))))],
        ),
    };
    view! {
        <p class="sync-status" role="status" data-testid=testid data-state=state>
            <span class="sync-status__dot" aria-hidden="true"></span>
            <span>{text}</span>
        </p>
    }
}

/// Sharing the programme live, on the exchange page.
#[component]
pub fn SharePanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    let shared = move || !matches!(session.sync_status(), SyncStatus::Local);
    let share = move |_| {
        outcome.set(match session.share() {
            Ok(()) => Outcome::Done(i18n.t("share-started")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let stop = move |_| {
        session.stop_sharing();
        outcome.set(Outcome::Done(i18n.t("share-stopped")));
    };
    let copy = move |_| {
        let Some(link) = session.invite_link() else {
            return;
        };
        let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) else {
            return;
        };
        spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&link)).await;
            outcome.set(match copied {
                Ok(_) => Outcome::Done(i18n.t("share-copied")),
                Err(_) => Outcome::Refused(i18n.t("share-copy-failed")),
            });
        });
    };
    view! {
        <section class="panel" aria-labelledby="share-title" data-testid="share">
            <h2 id="share-title">{move || i18n.t("share-title")}</h2>
            <p class="muted">{move || i18n.t("share-intro")}</p>
            <Show
                when=shared
                fallback=move || view! {
                    <div class="button-row">
                        <button type="button" class="button button--primary" data-testid="share-start" on:click=share>
                            {move || i18n.t("share-start")}
                        </button>
                    </div>
                }
            >
                {move || session.invite_link().map(|link| {
                    let qr = qr_svg(&link);
                    view! {
                        <div class="field">
                            <label for="share-link">{move || i18n.t("share-link")}</label>
                            <input id="share-link" class="share-link" data-testid="share-link" type="text" readonly
                                prop:value=link.clone() on:focus=move |event| select_all(&event) />
                        </div>
                        <p class="notice notice--warning">{move || i18n.t("share-warning")}</p>
                        <div class="button-row">
                            <button type="button" class="button button--primary" data-testid="share-copy" on:click=copy>
                                {move || i18n.t("share-copy")}
                            </button>
                            <button type="button" class="button button--secondary" data-testid="share-stop" on:click=stop>
                                {move || i18n.t("share-stop")}
                            </button>
                        </div>
                        {qr.map(|svg| view! {
                            <details class="disclosure">
                                <summary>{move || i18n.t("share-qr")}</summary>
                                <div class="qr-code" role="img" aria-label=move || i18n.t("share-qr-label") inner_html=svg></div>
                            </details>
                        })}
                    }
                })}
            </Show>
            <div aria-live="polite">{outcome_view(outcome, "share")}</div>
        </section>
    }
}

/// Whether this page may share a programme: only from a secure context
/// (HTTPS, or this computer itself). On a page loaded without TLS, anyone
/// on the way could change the app and read the invite link — and with it
/// the whole programme — and the browser withholds what seals the
/// records stored here.
pub(crate) fn secure_page() -> bool {
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

pub(crate) fn select_all(event: &web_sys::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// The invite link as a QR code (SVG), to show at a workshop.
pub(crate) fn qr_svg(link: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(240, 240)
            .quiet_zone(true)
            .build(),
    )
}

/// Where joining by link stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Joining {
    Ready,
    Waiting,
    Failed(String),
}

/// What a room held when it was fetched: its blobs in order, and the
/// sequence up to which they go.
pub(crate) struct Fetched {
    pub blobs: Vec<Vec<u8>>,
    pub last_seen: u64,
}

/// What is called once a fetch ends.
type FetchDone = Box<dyn FnOnce(Result<Fetched, String>)>;

/// The connection while a room is fetched.
pub(crate) struct Fetching {
    client: SyncClient,
    blobs: Vec<Vec<u8>>,
    socket: Option<Socket>,
    done: Option<FetchDone>,
}

/// Fetches everything a room holds, once, and calls `done` with it or with
/// the message why not (in the user's language). The connection closes
/// when the returned handle is dropped or disposed.
pub(crate) fn fetch_room(
    i18n: I18n,
    invite: Invite,
    relay: Option<String>,
    done: impl FnOnce(Result<Fetched, String>) + 'static,
) -> StoredValue<Option<Fetching>, LocalStorage> {
    let state = StoredValue::new_local(Some(Fetching {
        client: SyncClient::new(invite, 0),
        blobs: Vec::new(),
        socket: None,
        done: Some(Box::new(done)),
    }));
    // Ends the fetch once: the socket goes (never from inside its own
    // handler) and `done` runs.
    let finish = move |result: Result<(), String>| {
        let taken = state
            .try_update_value(|fetching| {
                let fetching = fetching.as_mut()?;
                let done = fetching.done.take()?;
                let fetched = Fetched {
                    blobs: std::mem::take(&mut fetching.blobs),
                    last_seen: fetching.client.last_seen(),
                };
                Some((done, fetched, fetching.socket.take()))
            })
            .flatten();
        if let Some((done, fetched, socket)) = taken {
            spawn_local(async move {
                drop(socket);
                done(result.map(|()| fetched));
            });
        }
    };
    let Some(url) = relay_url(relay.as_deref()) else {
        finish(Err(i18n.t("join-link-unreachable")));
        return state;
    };
    let opened = Socket::open(
        &url,
        move || {
            state.update_value(|fetching| {
                let Some(fetching) = fetching.as_mut() else {
                    return;
                };
                if fetching.client.connect().is_err() {
                    return;
                }
                while let Some(frame) = fetching.client.poll_transmit() {
                    if let Some(socket) = &fetching.socket {
                        socket.send(&frame);
                    }
                }
            });
        },
        move |bytes| {
            let event = state
                .try_update_value(|fetching| fetching.as_mut().map(|f| f.client.receive(&bytes)))
                .flatten();
            match event {
                Some(Ok(Some(ClientEvent::Changes { changes, .. }))) => {
                    state.update_value(|fetching| {
                        if let Some(fetching) = fetching.as_mut() {
                            fetching.blobs.push(changes);
                        }
                    });
                }
                Some(Ok(Some(ClientEvent::UpToDate { .. }))) => finish(Ok(())),
                Some(Ok(Some(ClientEvent::Refused { code, .. }))) => finish(Err(i18n.t_with(
                    "join-link-refused",
                    &[(
                        "reason",
                        FluentValue::from(i18n.t(&refusal_key(code.as_str()))),
                    )],
                ))),
                Some(Err(_)) => finish(Err(i18n.t("join-link-unreadable"))),
                _ => {}
            }
        },
        move || finish(Err(i18n.t("join-link-unreachable"))),
    );
    match opened {
        Ok(socket) => state.update_value(|fetching| {
            if let Some(fetching) = fetching.as_mut() {
                fetching.socket = Some(socket);
            }
        }),
        Err(_) => finish(Err(i18n.t("join-link-unreachable"))),
    }
    set_timeout(
        move || finish(Err(i18n.t("join-link-unreachable"))),
        JOIN_TIMEOUT,
    );
    on_cleanup(move || {
        let socket = state
            .try_update_value(|fetching| fetching.as_mut().and_then(|f| f.socket.take()))
            .flatten();
        drop(socket);
    });
    state
}

/// The invite in the address's fragment, read again when another link is
/// opened in the same tab; and the relay it names, if any.
pub(crate) fn invite_in_address() -> (Memo<Option<Invite>>, Memo<Option<String>>) {
    let location = leptos_router::hooks::use_location();
    (
        Memo::new(move |_| Invite::from_fragment(&location.hash.get()).ok()),
        Memo::new(move |_| relay_of(&location.hash.get())),
    )
}

/// The page an invite link opens: `/join#room=…&key=…`.
#[component]
pub fn JoinByLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let (invite, relay) = invite_in_address();
    let known = Settings::load().coordinator.is_some();
    let author_name = RwSignal::new(String::new());
    let state = RwSignal::new(Joining::Ready);
    Effect::new(move |_| {
        invite.track();
        state.set(Joining::Ready);
    });
    let outcome = RwSignal::new(Outcome::Idle);

    let join = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        let Some(invite) = invite.get_untracked() else {
            return;
        };
        if !secure_page() {
            state.set(Joining::Failed(i18n.t("share-insecure")));
            return;
        }
        if !known {
            if author_name.get_untracked().trim().is_empty() {
                outcome.set(Outcome::Refused(i18n.t("error-author-missing")));
                return;
            }
            Settings::remember_author(&author_name.get_untracked());
        }
        outcome.set(Outcome::Idle);
        state.set(Joining::Waiting);
        let fragment = invite.to_fragment();
        let relay = relay.get_untracked();
        let navigate = navigate.clone();
        fetch_room(i18n, invite, relay.clone(), move |fetched| {
            let fetched = match fetched {
                Ok(fetched) => fetched,
                Err(message) => return state.set(Joining::Failed(message)),
            };
            spawn_local(async move {
                match store_joined(i18n, fetched.blobs).await {
                    Ok(document) => {
                        let id = document.id();
                        SyncRecord {
                            invite: fragment,
                            relay,
                            last_seen: fetched.last_seen,
                            acknowledged: document.heads().iter().map(|h| h.to_string()).collect(),
                            snapshot_at: 0,
                        }
                        .save(id);
                        navigate(&Page::Programme(id).path(), Default::default());
                    }
                    Err(message) => state.set(Joining::Failed(message)),
                }
            });
        });
    };

    view! {
        <section class="page">
            <p class="back-link">
                <a href=Page::Programmes.path()>{move || i18n.t("programme-back")}</a>
            </p>
            <header class="page-header">
                <h1>{move || i18n.t("join-link-title")}</h1>
                <p class="page-header__intro">{move || i18n.t("join-link-intro")}</p>
            </header>
            <section class="panel" aria-labelledby="join-link-form-title">
                <h2 id="join-link-form-title" class="visually-hidden">{move || i18n.t("join-link-title")}</h2>
                <form class="form" on:submit=join novalidate>
                    {(!known).then(|| view! {
                        <div class="field">
                            <label for="join-link-author">{move || i18n.t("field-your-name")}</label>
                            <input id="join-link-author" data-testid="join-link-author" type="text" autocomplete="name" bind:value=author_name />
                        </div>
                    })}
                    <div class="button-row">
                        <button type="submit" class="button button--primary" data-testid="join-link-submit"
                            disabled=move || { state.get() != Joining::Ready || invite.get().is_none() }>
                            {move || i18n.t("join-link-submit")}
                        </button>
                    </div>
                </form>
                <div aria-live="polite">
                    {move || match state.get() {
                        Joining::Ready if invite.get().is_none() => view! {
                            <p class="notice notice--error" role="alert" data-testid="join-link-error">{i18n.t("join-link-damaged")}</p>
                        }.into_any(),
                        Joining::Ready => ().into_any(),
                        Joining::Waiting => view! {
                            <p class="muted" role="status" data-testid="join-link-waiting">{i18n.t("join-link-waiting")}</p>
                        }.into_any(),
                        Joining::Failed(message) => view! {
                            <p class="notice notice--error" role="alert" data-testid="join-link-error">{message}</p>
                        }.into_any(),
                    }}
                    {outcome_view(outcome, "join-link")}
                </div>
            </section>
        </section>
    }
}

/// The relay address an invite link names, if any.
fn relay_of(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|part| part.strip_prefix("relay="))
        .and_then(|value| js_sys::decode_uri_component(value).ok())
        .and_then(|value| value.as_string())
}

/// Builds the programme from the room's contents and stores it.
async fn store_joined(i18n: I18n, blobs: Vec<Vec<u8>>) -> Result<ProgrammeDocument, String> {
    let mut blobs = blobs.into_iter();
    let first = blobs.next().ok_or_else(|| i18n.t("join-link-empty"))?;
    let mut document =
        ProgrammeDocument::load(&first).map_err(|_| i18n.t("join-link-unreadable"))?;
    let mut live = LiveSync::new(document.heads());
    for blob in blobs {
        live.receive(&mut document, blob)
            .map_err(|_| i18n.t("join-link-unreadable"))?;
    }
    // Stored as one more chunk: if the programme is here already, the
    // next opening merges both.
    save_new(&mut document)
        .await
        .map_err(|error| i18n.error(error.code()))?;
    Ok(document)
}
