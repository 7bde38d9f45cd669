//! Joining a programme by file where there is no network (a workshop):
//! this browser saves a request to join for an admin of the programme,
//! shows its fingerprint to compare, and opens the approval file it gets
//! back like an invitation file (see `tandem_sync::access::Approval`).
//!
//! The device's identity is made with the request and kept sealed until
//! the approval is opened; a reload keeps it, so the approval still fits.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{ExchangeError, ExchangeFile, ProgrammeDocument, ProgrammeSummary};
use tandem_sync::access::{Approval, DeviceIdentity, FileError, JoinRequest};

use crate::components::notice::{Outcome, OutcomeNotice};
use crate::download::offer_download;
use crate::i18n::{use_i18n, I18n};
use crate::pages::programme::list::{keep_admitted, Admitted};
use crate::session::access::Profile;
use crate::session::messages::exchange_error_text;
use crate::settings::{DeviceRecord, Settings, SyncRecord};
use crate::storage::ProgrammeStore;

/// Where the identity of a request by file is kept (sealed).
const ASKING_BY_FILE: &str = "tandem.join-by-file";

/// The identity this browser asked to join with by file, if it keeps one.
async fn kept_identity() -> Option<DeviceIdentity> {
    let store = ProgrammeStore::open().await.ok()?;
    let bytes = store.load_small(ASKING_BY_FILE).await.ok()??;
    let secret: &[u8; 64] = bytes.as_slice().try_into().ok()?;
    Some(DeviceIdentity::from_secret_bytes(secret))
}

/// The identity to ask with: the one kept, or a new one, kept.
async fn identity_to_ask_with(i18n: I18n) -> Result<DeviceIdentity, String> {
    if let Some(identity) = kept_identity().await {
        return Ok(identity);
    }
    let identity = DeviceIdentity::generate().map_err(|_| i18n.t("share-no-randomness"))?;
    let store = ProgrammeStore::open()
        .await
        .map_err(|error| i18n.error(error.code()))?;
    store
        .put_small(ASKING_BY_FILE, &identity.to_secret_bytes())
        .await
        .map_err(|error| i18n.error(error.code()))?;
    Ok(identity)
}

/// Keeps the programme of an approval file made for this browser's
/// request (stored, or merged into a copy here that came by a partner's
/// file), with this browser as a device of its room. Its changes go out
/// once the admin's browser has entered the device in the member list.
pub(crate) async fn join_by_approval(i18n: I18n, bytes: &[u8]) -> Result<ProgrammeSummary, String> {
    let identity = kept_identity()
        .await
        .ok_or_else(|| i18n.t("join-approval-no-request"))?;
    let approval = Approval::decode_for(bytes, &identity).map_err(|error| {
        i18n.t(match error {
            FileError::OtherDevice => "join-approval-other-device",
            _ => "join-approval-damaged",
        })
    })?;
    let refuse = |error: ExchangeError| exchange_error_text(i18n, &error);
    let file = ExchangeFile::decode(&approval.programme).map_err(refuse)?;
    let arriving = ProgrammeDocument::join(&file).map_err(refuse)?;
    let (document, room_heads) = match keep_admitted(i18n, arriving).await? {
        Admitted::Kept {
            document,
            room_heads,
        } => (document, room_heads),
        Admitted::Refused(_, arrival) => return Err(i18n.t(arrival.code())),
    };
    let id = document.id();
    // What the file brought is the admin's: its browser sends it. This
    // browser sends what only it holds: what is made here from now on, and
    // what was made in a copy here before.
    let record = SyncRecord {
        invite: format!("room={}", approval.room),
        relay: approval.relay,
        acknowledged: room_heads.iter().map(|h| h.to_string()).collect(),
        device: Some(DeviceRecord {
            identity: identity.to_secret_bytes().to_vec(),
            entries: approval.entries,
            founded: true,
            ..DeviceRecord::default()
        }),
        ..SyncRecord::default()
    };
    record
        .save(id)
        .await
        .map_err(|error| i18n.error(error.code()))?;
    if let Ok(store) = ProgrammeStore::open().await {
        let _ = store.delete_small(ASKING_BY_FILE).await;
    }
    Ok(document.programme().summary())
}

/// Saving a request to join by file, and the fingerprint to compare.
#[component]
pub(crate) fn AskByFile(author_name: RwSignal<String>, known: bool) -> impl IntoView {
    let i18n = use_i18n();
    let organisation = RwSignal::new(Settings::load().organisation.unwrap_or_default());
    let outcome = RwSignal::new(Outcome::Idle);
    let fingerprint = RwSignal::new(None::<String>);
    let ask = move |_| {
        if !known {
            if author_name.get_untracked().trim().is_empty() {
                outcome.set(Outcome::Refused(crate::pages::error_text("author-missing")));
                return;
            }
            Settings::remember_author(&author_name.get_untracked());
        }
        let organisation = organisation.get_untracked().trim().to_string();
        Settings::update(|settings| {
            settings.organisation = (!organisation.is_empty()).then_some(organisation)
        });
        spawn_local(async move {
            let identity = match identity_to_ask_with(i18n).await {
                Ok(identity) => identity,
                Err(message) => return outcome.set(Outcome::Refused(message)),
            };
            let profile = Profile::of_settings();
            let request = match JoinRequest::new(&identity, &profile.to_bytes()) {
                Ok(request) => request,
                Err(_) => return outcome.set(Outcome::Refused(i18n.t("access-file-too-large"))),
            };
            let file = format!("{}.tandem", i18n.t("join-request-file"));
            outcome.set(
                match offer_download(&file, "application/octet-stream", &request.encode()) {
                    Ok(()) => {
                        fingerprint.set(Some(identity.keys().fingerprint()));
                        Outcome::Done(
                            i18n.t_with("join-request-saved", &[("file", FluentValue::from(file))]),
                        )
                    }
                    Err(_) => Outcome::Refused(i18n.t("error-storage-failed")),
                },
            );
        });
    };
    view! {
        <h3 id="join-by-file-title">{move || i18n.t("join-by-file-title")}</h3>
        <p class="muted">{move || i18n.t("join-by-file-intro")}</p>
        <div class="field">
            <label for="join-organisation">{move || i18n.t("join-organisation")}</label>
            <input
                id="join-organisation"
                data-testid="join-organisation"
                type="text"
                autocomplete="organization"
                bind:value=organisation
            />
        </div>
        <div class="button-row">
            <button
                type="button"
                class="button button--secondary"
                data-testid="join-request-save"
                on:click=ask
            >
                {move || i18n.t("join-request-save")}
            </button>
        </div>
        <div aria-live="polite">
            <OutcomeNotice outcome=outcome testid="join-request" />
            {move || {
                fingerprint
                    .get()
                    .map(|fingerprint| {
                        view! {
                            <p class="notice notice--info" data-testid="join-request-fingerprint">
                                {i18n
                                    .t_with(
                                        "join-request-fingerprint",
                                        &[("fingerprint", FluentValue::from(fingerprint))],
                                    )}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
