//! Who may read and write a shared programme, in the share panel: the
//! invitations an admin makes (single-use, with their expiry), the devices
//! asking to join (approved by fingerprint, or declined), and the member
//! list with who added each device and when. Removing a device says what
//! it keeps, and asks first.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_sync::access::{DeviceId, JoinRequest};

use crate::clock::today;
use crate::components::confirm::ConfirmButtons;
use crate::components::notice::Outcome;
use crate::components::qr::{qr_svg, select_all, QrDisclosure};
use crate::download::offer_download;
use crate::files::{chosen_file, file_bytes};
use crate::i18n::{use_i18n, I18n};
use crate::pages::programme::exchange::file_stem;
use crate::pages::programme::intake_link::renew_link;
use crate::session::access::{AccessView, InvitationView, MemberView, Profile, RequestView};
use crate::session::use_session;

/// The member list and what an admin does with it.
#[component]
pub fn DeviceAccess(access: AccessView, outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let invite = move |_| {
        outcome.set(match session.invite_device() {
            Ok(()) => Outcome::Done(i18n.t("access-invited")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let stop = move |_| {
        let message = if session.stop_sharing() {
            "share-stopped-left"
        } else {
            "share-stopped"
        };
        outcome.set(Outcome::Done(i18n.t(message)));
    };
    let admin = access.admin;
    let key_since = i18n.short_date_time(i64::try_from(access.epoch_since).unwrap_or(i64::MAX));
    let me = access
        .members
        .iter()
        .find(|member| member.me)
        .map(|member| member.fingerprint.clone());
    view! {
        {me
            .map(|fingerprint| {
                view! {
                    <p class="muted" data-testid="access-my-fingerprint">
                        {i18n
                            .t_with(
                                "access-my-fingerprint",
                                &[("fingerprint", FluentValue::from(fingerprint))],
                            )}
                    </p>
                }
            })}
        {(!access.requests.is_empty())
            .then(|| {
                view! {
                    <h3>{i18n.t("access-requests")}</h3>
                    <ul class="access-requests">
                        {access
                            .requests
                            .into_iter()
                            .map(|request| view! { <Request request admin outcome /> })
                            .collect_view()}
                    </ul>
                }
            })}
        {admin
            .then(|| {
                view! {
                    <h3>{i18n.t("access-invitations")}</h3>
                    <p class="muted">{i18n.t("access-invitations-intro")}</p>
                    {access
                        .invitations
                        .into_iter()
                        .enumerate()
                        .map(|(index, invitation)| {
                            view! { <OpenInvitation index invitation outcome /> }
                        })
                        .collect_view()}
                    <div class="button-row">
                        <button
                            type="button"
                            class="button button--primary"
                            data-testid="access-invite"
                            on:click=invite
                        >
                            {i18n.t("access-invite")}
                        </button>
                    </div>
                    <ApproveByFile admitting=access.admitting.clone() outcome />
                }
            })}
        <h3>{i18n.t("access-members")}</h3>
        <div class="table-scroll">
            <table class="data-table data-table--cards" data-testid="access-members">
                <thead>
                    <tr>
                        <th scope="col">{i18n.t("access-member-name")}</th>
                        <th scope="col">{i18n.t("access-member-organisation")}</th>
                        <th scope="col">{i18n.t("access-member-role")}</th>
                        <th scope="col">{i18n.t("access-member-fingerprint")}</th>
                        <th scope="col">{i18n.t("access-member-added")}</th>
                        <th scope="col">
                            <span class="visually-hidden">{i18n.t("access-member-actions")}</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {access
                        .members
                        .into_iter()
                        .map(|member| view! { <Member member admin outcome /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted" data-testid="access-key" data-epoch=access.epoch.to_string()>
            {i18n.t_with("access-key-since", &[("date", FluentValue::from(key_since))])}
            " "
            {if access.rotation_due { i18n.t("access-key-due") } else { i18n.t("access-key-what") }}
        </p>
        <div class="button-row">
            <button
                type="button"
                class="button button--secondary"
                data-testid="share-stop"
                on:click=stop
            >
                {i18n.t("share-stop")}
            </button>
        </div>
    }
}

/// An invitation nobody used yet: its link, QR code and expiry.
#[component]
fn OpenInvitation(
    index: usize,
    invitation: InvitationView,
    outcome: RwSignal<Outcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let link = invitation.link.clone();
    let qr = qr_svg(&link);
    let copy = {
        let link = link.clone();
        move |_| super::share::copy_link(Some(link.clone()), outcome, i18n)
    };
    let expires = i18n.short_date_time(i64::try_from(invitation.expires).unwrap_or(i64::MAX));
    // Each link's field has its own id, so its label names it.
    let field = format!("share-link-{index}");
    view! {
        <div class="access-invitation" data-testid="access-invitation">
            <div class="field">
                <label for=field.clone()>{i18n.t("share-link")}</label>
                <input
                    id=field
                    class="share-link"
                    data-testid="share-link"
                    type="text"
                    readonly
                    prop:value=link
                    on:focus=move |event| select_all(&event)
                />
            </div>
            <p class="muted" data-testid="access-invitation-expires">
                {i18n.t_with("access-invitation-expires", &[("date", FluentValue::from(expires))])}
            </p>
            <div class="button-row">
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="share-copy"
                    on:click=copy
                >
                    {i18n.t("share-copy")}
                </button>
            </div>
            {qr
                .map(|svg| {
                    view! { <QrDisclosure svg label="share-qr-label" /> }
                })}
        </div>
    }
}

/// Who asks to join, as a request shows them: "Karla Köln, Stadt Köln",
/// or a device without a name.
fn asking_label(i18n: I18n, profile: &Profile) -> String {
    if profile.name.trim().is_empty() {
        i18n.t("access-unnamed")
    } else {
        profile.label()
    }
}

/// Joining by file where there is no network: the admin opens a device's
/// request, compares its fingerprint with the device's screen, and saves
/// the approval file for it. Devices approved so are listed until this
/// browser, once connected, has entered them in the member list.
#[component]
fn ApproveByFile(admitting: Vec<RequestView>, outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let chosen = RwSignal::new(None::<JoinRequest>);
    let take = move |event: web_sys::Event| {
        let Some(file) = chosen_file(&event) else {
            return;
        };
        spawn_local(async move {
            let Ok(bytes) = file_bytes(&file).await else {
                return outcome.set(Outcome::Refused(i18n.t("error-file-unreadable")));
            };
            match session.read_join_request(&bytes) {
                Ok(request) => {
                    chosen.set(Some(request));
                    outcome.set(Outcome::Idle);
                }
                Err(message) => {
                    chosen.set(None);
                    outcome.set(Outcome::Refused(message));
                }
            }
        });
    };
    let approve = move |_| {
        let Some(request) = chosen.get_untracked() else {
            return;
        };
        let saved = session
            .approve_by_file(&request)
            .and_then(|(programme, bytes)| {
                let file = format!(
                    "{}-{}-{}.tandem",
                    file_stem(&programme),
                    i18n.t("access-file-approval-name"),
                    today().iso()
                );
                offer_download(&file, "application/octet-stream", &bytes)
                    .map(|()| file)
                    .map_err(|_| i18n.t("error-storage-failed"))
            });
        outcome.set(match saved {
            Ok(file) => {
                chosen.set(None);
                Outcome::Done(
                    i18n.t_with("access-file-approved", &[("file", FluentValue::from(file))]),
                )
            }
            Err(message) => Outcome::Refused(message),
        });
    };
    let chosen_view = move || {
        chosen.get().map(|request| {
            let profile = Profile::from_bytes(&request.profile);
            let fingerprint = request.keys.fingerprint();
            let label = asking_label(i18n, &profile);
            view! {
                <div
                    class="access-request notice notice--warning"
                    data-testid="access-file-request"
                >
                    <p>
                        {i18n
                            .t_with(
                                "access-file-request",
                                &[
                                    ("who", FluentValue::from(label)),
                                    ("fingerprint", FluentValue::from(fingerprint)),
                                ],
                            )}
                    </p>
                    <div class="button-row">
                        <button
                            type="button"
                            class="button button--primary"
                            data-testid="access-file-approve"
                            on:click=approve
                        >
                            {i18n.t("access-file-approve")}
                        </button>
                        <button
                            type="button"
                            class="button button--secondary"
                            data-testid="access-file-dismiss"
                            on:click=move |_| chosen.set(None)
                        >
                            {i18n.t("access-file-dismiss")}
                        </button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <h3>{i18n.t("access-by-file")}</h3>
        <p class="muted">{i18n.t("access-by-file-intro")}</p>
        <div class="button-row">
            <label class="button button--secondary" for="access-request-file">
                {i18n.t("access-file-choose")}
            </label>
            <input
                id="access-request-file"
                class="visually-hidden"
                data-testid="access-request-file"
                type="file"
                accept=".tandem"
                on:change=take
            />
        </div>
        {chosen_view}
        {(!admitting.is_empty())
            .then(|| {
                view! {
                    <p class="muted">{i18n.t("access-admitting")}</p>
                    <ul class="access-requests">
                        {admitting
                            .into_iter()
                            .map(|device| {
                                let label = asking_label(i18n, &device.profile);
                                view! {
                                    <li data-testid="access-admitting">
                                        {i18n
                                            .t_with(
                                                "access-admitting-device",
                                                &[
                                                    ("who", FluentValue::from(label)),
                                                    ("fingerprint", FluentValue::from(device.fingerprint)),
                                                ],
                                            )}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}

/// A device asking to join; an admin approves or declines it.
#[component]
fn Request(request: RequestView, admin: bool, outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let device: DeviceId = request.device;
    let approve = move |_| {
        outcome.set(match session.approve_device(device) {
            Ok(()) => Outcome::Done(i18n.t("access-approved")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let decline = move |_| {
        outcome.set(match session.decline_device(device) {
            Ok(()) => Outcome::Done(i18n.t("access-declined")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let label = asking_label(i18n, &request.profile);
    view! {
        <li class="access-request notice notice--warning" data-testid="access-request">
            <p>
                {i18n
                    .t_with(
                        "access-request",
                        &[
                            ("who", FluentValue::from(label)),
                            ("fingerprint", FluentValue::from(request.fingerprint)),
                        ],
                    )}
            </p>
            {admin
                .then(|| {
                    view! {
                        <div class="button-row">
                            <button
                                type="button"
                                class="button button--primary"
                                data-testid="access-approve"
                                on:click=approve
                            >
                                {i18n.t("access-approve")}
                            </button>
                            <button
                                type="button"
                                class="button button--secondary"
                                data-testid="access-decline"
                                on:click=decline
                            >
                                {i18n.t("access-decline")}
                            </button>
                        </div>
                    }
                })}
        </li>
    }
}

/// One device of the member list.
#[component]
fn Member(member: MemberView, admin: bool, outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let asking = RwSignal::new(false);
    let device = member.device;
    let remove = move |_| {
        asking.set(false);
        if let Err(message) = session.remove_device(device) {
            outcome.set(Outcome::Refused(message));
            return;
        }
        outcome.set(Outcome::Done(i18n.t("access-removed")));
        // The removed device still knows the application link's keys: a
        // link that takes applications gets new ones, which only the
        // remaining devices receive.
        let open = session
            .with_untracked(|p| p.intake.as_ref().is_some_and(|f| f.is_open(today())))
            .unwrap_or(false);
        if open {
            spawn_local(async move {
                let renewed = match renew_link(i18n, session).await {
                    Outcome::Done(_) => Outcome::Done(i18n.t("access-removed-link-renewed")),
                    refused => refused,
                };
                outcome.set(renewed);
            });
        }
    };
    let added = i18n.t_with(
        "access-member-added-by",
        &[
            ("who", FluentValue::from(member.added_by.clone())),
            (
                "date",
                FluentValue::from(
                    i18n.date_time(i64::try_from(member.added_at).unwrap_or(i64::MAX)),
                ),
            ),
        ],
    );
    let role = if member.admin {
        i18n.t("access-role-admin")
    } else {
        i18n.t("access-role-coordinator")
    };
    let name = if member.me {
        i18n.t_with(
            "access-this-device",
            &[("name", FluentValue::from(member.profile.name.clone()))],
        )
    } else {
        member.profile.name.clone()
    };
    let removable = admin && !member.me;
    view! {
        <tr data-testid="access-member">
            <td>{name}</td>
            <td data-label=i18n
                .t("access-member-organisation")>{member.profile.organisation.clone()}</td>
            <td data-label=i18n.t("access-member-role")>{role}</td>
            <td data-label=i18n.t("access-member-fingerprint")>
                <code>{member.fingerprint.clone()}</code>
            </td>
            <td data-label=i18n.t("access-member-added")>{added}</td>
            <td>
                {removable
                    .then(|| {
                        view! {
                            <Show
                                when=move || asking.get()
                                fallback=move || {
                                    view! {
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            data-testid="access-remove"
                                            on:click=move |_| asking.set(true)
                                        >
                                            {i18n.t("access-remove")}
                                        </button>
                                    }
                                }
                            >
                                <div
                                    class="notice notice--warning"
                                    role="alertdialog"
                                    data-testid="access-remove-confirm"
                                >
                                    <p>{i18n.t("access-remove-what")}</p>
                                    <ConfirmButtons
                                        testid="access-remove-yes"
                                        yes="access-remove-yes"
                                        no="access-remove-no"
                                        on_yes=remove
                                        asking=asking
                                    />
                                </div>
                            </Show>
                        }
                    })}
            </td>
        </tr>
    }
}
