//! Live sharing through the relay: the panel that shares a programme and
//! shows its invite link, and the page an invite link opens.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use tandem_core::{LiveSync, ProgrammeDocument, ProgrammeId};

use super::access::DeviceAccess;
use crate::components::field::TextField;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::qr::{qr_svg, select_all, QrDisclosure};
use crate::components::room_code::RoomCreationCode;
use crate::i18n::{use_i18n, I18n};
use crate::live::fetch::fetch_room;
use crate::live::invite::{
    forget_pending, invitation_fragment, keep_pending, on_link_opened, pending, take_from_address,
    Arrived, InAddress,
};
use crate::live::join::{ask_to_join, kept_request, Asking, Request};
use crate::pages::programme::list::{keep_admitted, Admitted};
use crate::routes::Page;
use crate::session::access::Profile;
use crate::session::{use_session, SyncStatus};
use crate::settings::{DeviceRecord, Settings, SyncRecord};
use tandem_sync::access::Invitation;

/// Sharing the programme live, on the exchange page.
#[component]
pub(crate) fn SharePanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    let shared = move || !matches!(session.sync_status(), SyncStatus::Local);
    // The founding device introduces itself to the devices that join with
    // the coordinator's organisation, as a joining device does.
    let organisation = RwSignal::new(Settings::load().organisation.unwrap_or_default());
    let share = move |_| {
        let organisation = organisation.get_untracked().trim().to_string();
        Settings::update(|settings| {
            settings.organisation = Some(organisation).filter(|o| !o.is_empty());
        });
        outcome.set(match session.share() {
            Ok(()) => Outcome::Done(i18n.t("share-started")),
            Err(message) => Outcome::Refused(message),
        });
    };
    view! {
        <section class="panel" aria-labelledby="share-title" data-testid="share">
            <h2 id="share-title">{move || i18n.t("share-title")}</h2>
            <p class="muted">{move || i18n.t("share-intro")}</p>
            <Show
                when=shared
                fallback=move || {
                    view! {
                        <TextField
                            id="share-organisation"
                            label="field-your-organisation"
                            value=organisation
                            autocomplete="organization"
                        />
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--primary"
                                data-testid="share-start"
                                on:click=share
                            >
                                {move || i18n.t("share-start")}
                            </button>
                        </div>
                        <RoomCreationCode />
                    }
                }
            >
                <RoomExpiry />
                {move || {
                    matches!(
                        session.sync_status(),
                        SyncStatus::Refused(code)
                        if code == "too-many-rooms"
                    )
                        .then(|| view! { <RoomCreationCode /> })
                }}
                {move || match session.access() {
                    Some(access) => view! { <DeviceAccess access outcome /> }.into_any(),
                    None => view! { <TokenLink outcome /> }.into_any(),
                }}
            </Show>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="share" />
            </div>
        </section>
    }
}

/// When the relay deletes the programme's room unless it changes, once the
/// relay has said so — for a programme shared by device or by link alike.
#[component]
fn RoomExpiry() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        session.room_expires().map(|at| {
            let date = i18n.date_time(i64::try_from(at).unwrap_or(i64::MAX));
            let text = move || {
                i18n.t_with(
                    "share-expires",
                    &[("date", FluentValue::from(date.clone()))],
                )
            };
            view! {
                <p class="notice notice--warning" data-testid="share-expires">
                    {text}
                </p>
            }
        })
    }
}

/// The link of a programme shared by its room key alone (before devices):
/// the link is the whole programme.
#[component]
fn TokenLink(outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stop = move |_| {
        let _ = session.stop_sharing();
        outcome.set(Outcome::Done(i18n.t("share-stopped")));
    };
    let copy = move |_| copy_link(session.invite_link(), outcome, i18n);
    view! {
        {move || {
            session
                .invite_link()
                .map(|link| {
                    let qr = qr_svg(&link);
                    view! {
                        <div class="field">
                            <label for="share-link">{move || i18n.t("share-link")}</label>
                            <input
                                id="share-link"
                                class="share-link"
                                data-testid="share-link"
                                type="text"
                                readonly
                                prop:value=link.clone()
                                on:focus=move |event| select_all(&event)
                            />
                        </div>
                        <p class="notice notice--warning">{move || i18n.t("share-warning")}</p>
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--primary"
                                data-testid="share-copy"
                                on:click=copy
                            >
                                {move || i18n.t("share-copy")}
                            </button>
                            <button
                                type="button"
                                class="button button--secondary"
                                data-testid="share-stop"
                                on:click=stop
                            >
                                {move || i18n.t("share-stop")}
                            </button>
                        </div>
                        {qr
                            .map(|svg| {
                                view! { <QrDisclosure svg label="share-qr-label" /> }
                            })}
                    }
                })
        }}
    }
}

/// Copies `link` to the clipboard and says how that went.
pub(super) fn copy_link(link: Option<String>, outcome: RwSignal<Outcome>, i18n: I18n) {
    let Some(link) = link else {
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
}

/// Where joining by link stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Joining {
    /// Looking for an invite kept from before a reload.
    Looking,
    Ready,
    Waiting,
    /// A device's request to join (by invitation) is under way.
    Asking,
    Failed(String),
    /// A programme of the same id is here: nothing was stored.
    Here(ProgrammeId, String),
}

/// The page an invite link opens: `/join#room=…&key=…`. The fragment
/// leaves the address at once; the invite is kept sealed until joined, so
/// a reload still finds it.
#[component]
pub(crate) fn JoinByLinkPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let arrived = RwSignal::new(None::<Arrived>);
    let invited = RwSignal::new(None::<(Invitation, Option<String>)>);
    let damaged = RwSignal::new(false);
    let known = Settings::load().coordinator.is_some();
    let author_name = RwSignal::new(String::new());
    let organisation = RwSignal::new(Settings::load().organisation.unwrap_or_default());
    let state = RwSignal::new(Joining::Looking);
    let asking = RwSignal::new(Asking::Connecting);
    let request = StoredValue::new_local(None::<Request>);
    let take = move |taken: InAddress| {
        take_link(taken, arrived, invited, damaged, state, (request, asking));
    };
    take(take_from_address());
    on_link_opened(take);
    let outcome = RwSignal::new(Outcome::Idle);
    open_when_arrived(i18n, asking, invited, state, navigate.clone());

    let join = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        if !crate::browser::secure_page() {
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
        if let Some((invitation, relay)) = invited.get_untracked() {
            let organisation = organisation.get_untracked().trim().to_string();
            Settings::update(|settings| {
                settings.organisation = Some(organisation.clone()).filter(|o| !o.is_empty());
            });
            state.set(Joining::Asking);
            let profile = Profile::of_settings().to_bytes();
            ask_to_join(invitation, relay, profile, None, request, asking);
            return;
        }
        let Some(Arrived { invite, relay, .. }) = arrived.get_untracked() else {
            return;
        };
        state.set(Joining::Waiting);
        let fragment = invite.to_fragment();
        let navigate = navigate.clone();
        fetch_room(i18n, invite, relay.clone(), move |fetched| {
            let fetched = match fetched {
                Ok(fetched) if fetched.retired.is_some() => {
                    return state.set(Joining::Failed(i18n.t("sync-refused-retired")))
                }
                Ok(fetched) => fetched,
                Err(message) => return state.set(Joining::Failed(message)),
            };
            spawn_local(finish_joining(
                i18n,
                (fetched.blobs, fetched.last_seen),
                fragment,
                relay,
                None,
                state,
                navigate,
            ));
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
                <h2 id="join-link-form-title" class="visually-hidden">
                    {move || i18n.t("join-link-title")}
                </h2>
                <form class="form" on:submit=join novalidate>
                    {(!known)
                        .then(|| {
                            view! {
                                <TextField
                                    id="join-link-author"
                                    label="field-your-name"
                                    value=author_name
                                    autocomplete="name"
                                />
                            }
                        })}
                    <Show when=move || invited.get().is_some()>
                        <TextField
                            id="join-link-organisation"
                            label="field-your-organisation"
                            value=organisation
                            autocomplete="organization"
                        />
                    </Show>
                    <div class="button-row">
                        <button
                            type="submit"
                            class="button button--primary"
                            data-testid="join-link-submit"
                            disabled=move || {
                                !matches!(state.get(), Joining::Ready | Joining::Failed(_))
                                    || (arrived.get().is_none() && invited.get().is_none())
                            }
                        >
                            {move || i18n.t("join-link-submit")}
                        </button>
                    </div>
                </form>
                <div aria-live="polite">
                    <JoinState state arrived invited damaged asking />
                    <OutcomeNotice outcome=outcome testid="join-link" />
                </div>
            </section>
        </section>
    }
}

/// Once the approved device has received the programme: stores and opens
/// it.
fn open_when_arrived(
    i18n: I18n,
    asking: RwSignal<Asking>,
    invited: RwSignal<Option<(Invitation, Option<String>)>>,
    state: RwSignal<Joining>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
) {
    Effect::new(move || {
        if let Asking::Arrived { .. } = asking.get() {
            let Asking::Arrived {
                blobs,
                device,
                last_seen,
            } = asking.get_untracked()
            else {
                return;
            };
            let relay = invited.get_untracked().and_then(|(_, relay)| relay);
            let room = invited
                .get_untracked()
                .map(|(invitation, _)| invitation.room);
            let navigate = navigate.clone();
            if let Some(room) = room {
                spawn_local(finish_joining(
                    i18n,
                    (blobs, last_seen),
                    format!("room={room}"),
                    relay,
                    Some(device),
                    state,
                    navigate,
                ));
            }
        }
    });
}

/// Takes a link (or, after a reload, the one kept) into the join page.
fn take_link(
    taken: InAddress,
    arrived: RwSignal<Option<Arrived>>,
    invited: RwSignal<Option<(Invitation, Option<String>)>>,
    damaged: RwSignal<bool>,
    state: RwSignal<Joining>,
    (request, asking): (StoredValue<Option<Request>, LocalStorage>, RwSignal<Asking>),
) {
    match taken {
        InAddress::Invite(invite) => {
            damaged.set(false);
            invited.set(None);
            arrived.set(Some(invite.clone()));
            state.set(Joining::Ready);
            spawn_local(async move { keep_pending(&invite.fragment()).await });
        }
        InAddress::Invitation(invitation, relay) => {
            damaged.set(false);
            arrived.set(None);
            let fragment = invitation_fragment(&invitation, relay.as_deref());
            invited.set(Some((invitation, relay)));
            state.set(Joining::Ready);
            spawn_local(async move { keep_pending(&fragment).await });
        }
        InAddress::Damaged => {
            damaged.set(true);
            arrived.set(None);
            invited.set(None);
            state.set(Joining::Ready);
        }
        InAddress::Nothing => {
            // Opened again after a reload: the link kept before.
            spawn_local(async move {
                let kept = pending().await;
                if arrived.is_disposed() {
                    return;
                }
                let empty = arrived.get_untracked().is_none() && invited.get_untracked().is_none();
                match kept {
                    InAddress::Invite(kept) if empty => arrived.set(Some(kept)),
                    InAddress::Invitation(kept, relay) if empty => {
                        // A device that asked before the reload goes on
                        // waiting.
                        if let Some(identity) = kept_request(&kept).await {
                            invited.set(Some((kept.clone(), relay.clone())));
                            state.set(Joining::Asking);
                            ask_to_join(kept, relay, Vec::new(), Some(identity), request, asking);
                            return;
                        }
                        invited.set(Some((kept, relay)));
                    }
                    _ => {}
                }
                state.set(Joining::Ready);
            });
        }
    }
}

/// Stores the programme that arrived (unless one of the same id is here)
/// with what this browser keeps of the room, and opens it. `invite`:
/// `room=…&key=…`, or `room=…` for a device (`device`).
async fn finish_joining(
    i18n: I18n,
    (blobs, last_seen): (Vec<Vec<u8>>, u64),
    invite: String,
    relay: Option<String>,
    device: Option<DeviceRecord>,
    state: RwSignal<Joining>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + 'static,
) {
    match store_joined(i18n, blobs).await {
        Ok(Admitted::Kept {
            document,
            room_heads,
        }) => {
            let id = document.id();
            let record = SyncRecord {
                invite,
                relay,
                last_seen,
                acknowledged: room_heads.iter().map(|h| h.to_string()).collect(),
                snapshot_at: 0,
                device,
                owner: None,
            };
            if let Err(error) = record.save(id).await {
                return state.set(Joining::Failed(i18n.error(error.code())));
            }
            forget_pending().await;
            navigate(&Page::Programme(id).path(), Default::default());
        }
        Ok(Admitted::Refused(id, arrival)) => {
            forget_pending().await;
            state.set(Joining::Here(id, i18n.t(arrival.code())));
        }
        Err(message) => state.set(Joining::Failed(message)),
    }
}

/// Where a device's request to join stands, in words.
#[component]
fn AskingState(asking: RwSignal<Asking>) -> impl IntoView {
    let i18n = use_i18n();
    move || match asking.get() {
        Asking::Connecting | Asking::Arrived { .. } => view! {
            <p class="muted" role="status" data-testid="join-link-waiting">
                {i18n.t("join-link-waiting")}
            </p>
        }
        .into_any(),
        Asking::Waiting(fingerprint) => view! {
            <div class="notice" role="status" data-testid="join-asking">
                <p>{i18n.t("join-asking")}</p>
                <p>
                    {i18n.t("join-asking-fingerprint")} " "
                    <code data-testid="join-fingerprint">{fingerprint}</code>
                </p>
            </div>
        }
        .into_any(),
        Asking::Approved => view! {
            <p class="muted" role="status" data-testid="join-approved">
                {i18n.t("join-approved")}
            </p>
        }
        .into_any(),
        Asking::Refused(key) => view! {
            <p class="notice notice--error" role="alert" data-testid="join-link-error">
                {i18n.t(&key)}
            </p>
        }
        .into_any(),
    }
}

/// Where joining stands, in words.
#[component]
fn JoinState(
    state: RwSignal<Joining>,
    arrived: RwSignal<Option<Arrived>>,
    invited: RwSignal<Option<(Invitation, Option<String>)>>,
    damaged: RwSignal<bool>,
    asking: RwSignal<Asking>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match state.get() {
        Joining::Looking => ().into_any(),
        Joining::Ready if damaged.get() => view! {
            <p class="notice notice--error" role="alert" data-testid="join-link-error">
                {i18n.t("join-link-damaged")}
            </p>
        }
        .into_any(),
        Joining::Ready if arrived.get().is_none() && invited.get().is_none() => view! {
            <p class="notice notice--error" role="alert" data-testid="join-link-error">
                {i18n.t("join-link-gone")}
            </p>
        }
        .into_any(),
        Joining::Ready => ().into_any(),
        Joining::Asking => view! { <AskingState asking /> }.into_any(),
        Joining::Waiting => view! {
            <p class="muted" role="status" data-testid="join-link-waiting">
                {i18n.t("join-link-waiting")}
            </p>
        }
        .into_any(),
        Joining::Failed(message) => view! {
            <p class="notice notice--error" role="alert" data-testid="join-link-error">
                {message}
            </p>
        }
        .into_any(),
        Joining::Here(id, message) => view! {
            <div class="notice notice--warning" role="alert" data-testid="join-link-refused">
                <p>{message}</p>
                <p>
                    <a href=Page::Programme(id).path() data-testid="join-link-open-here">
                        {i18n.t("join-link-open-here")}
                    </a>
                </p>
            </div>
        }
        .into_any(),
    }
}

/// Builds the programme from the room's contents and keeps it as a
/// programme this device was admitted to (see `keep_admitted`).
async fn store_joined(i18n: I18n, blobs: Vec<Vec<u8>>) -> Result<Admitted, String> {
    let mut blobs = blobs.into_iter();
    let first = blobs.next().ok_or_else(|| i18n.t("join-link-empty"))?;
    let mut document =
        ProgrammeDocument::load(&first).map_err(|_| i18n.t("join-link-unreadable"))?;
    let mut live = LiveSync::new(document.heads());
    for blob in blobs {
        live.receive(&mut document, blob)
            .map_err(|_| i18n.t("join-link-unreadable"))?;
    }
    keep_admitted(i18n, document).await
}
