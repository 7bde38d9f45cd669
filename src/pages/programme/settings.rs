//! A programme's rules for tandems and its contact points: a coordinator per
//! partner organisation and the confidential contact for discrimination
//! complaints that every participant sees.

use leptos::prelude::*;
use tandem_core::{Command, ContactPoint, PartnerId, Rules};

use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::components::confirm::ConfirmButtons;
use crate::components::field::{CheckField, TextField};
use crate::components::notice::{Outcome, OutcomeNotice, SubmitWithNotice};
use crate::i18n::use_i18n;
use crate::routes::Page;
use crate::session::use_session;
use crate::settings::Settings;
use crate::storage::ProgrammeStore;

/// The page at `/programme/:id/settings`.
#[component]
pub(crate) fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rules = session.with_untracked(|p| p.rules).unwrap_or(Rules {
        different_organisations: true,
        mentor_capacity: 1,
        co_mentors: false,
    });
    let different = RwSignal::new(rules.different_organisations);
    let capacity = RwSignal::new(rules.mentor_capacity.to_string());
    let co_mentors = RwSignal::new(rules.co_mentors);
    let rhythm_now = session.with_untracked(|p| p.contact_rhythm_days).flatten();
    let rhythm = RwSignal::new(
        rhythm_now
            .unwrap_or(tandem_core::DEFAULT_RHYTHM_DAYS)
            .to_string(),
    );
    let outcome = RwSignal::new(Outcome::Idle);
    let save_rules = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let rules = Rules {
            different_organisations: different.get_untracked(),
            mentor_capacity: capacity.get_untracked().trim().parse().unwrap_or(0),
            co_mentors: co_mentors.get_untracked(),
        };
        let days = rhythm
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d > 0);
        let Some(days) = days else {
            outcome.set(Outcome::Refused(i18n.t("rules-rhythm-missing")));
            return;
        };
        let mut saved = session.dispatch(Command::SetRules { rules });
        let current = session.with_untracked(|p| p.contact_rhythm_days).flatten();
        if saved.is_ok() && current.unwrap_or(tandem_core::DEFAULT_RHYTHM_DAYS) != days {
            saved = session.dispatch(Command::SetContactRhythm { days: Some(days) });
        }
        outcome.set(match saved {
            Ok(()) => Outcome::Done(i18n.t("saved-status")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let partners = session
        .with_untracked(|p| {
            p.partners_sorted()
                .into_iter()
                .map(|(id, partner)| (id, partner.name.clone(), partner.coordinator.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let complaints = session
        .with_untracked(|p| p.complaints_contact.clone())
        .flatten();

    view! {
        <ProgrammeAdmin />
        <section class="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">{move || i18n.t("rules-title")}</h2>
            <form class="form" on:submit=save_rules novalidate>
                <CheckField
                    id="rules-different"
                    label="rules-different-organisations"
                    checked=different
                />
                <TextField
                    id="rules-capacity"
                    label="rules-capacity"
                    value=capacity
                    kind="number"
                />
                <CheckField id="rules-co-mentors" label="rules-co-mentors" checked=co_mentors />
                <TextField id="rules-rhythm" label="rules-rhythm" value=rhythm kind="number" />
                <SubmitWithNotice
                    testid="rules-submit"
                    label="rules-save"
                    outcome=outcome
                    notice="rules"
                />
            </form>
        </section>
        <section class="panel" aria-labelledby="complaints-title">
            <h2 id="complaints-title">{move || i18n.t("complaints-title")}</h2>
            <p class="muted">{move || i18n.t("complaints-hint")}</p>
            <ContactForm prefix="complaints" partner=None initial=complaints />
        </section>
        <section class="panel" aria-labelledby="contacts-title">
            <h2 id="contacts-title">{move || i18n.t("contacts-title")}</h2>
            {partners
                .into_iter()
                .map(|(id, name, contact)| {
                    view! {
                        <h3>{name}</h3>
                        <ContactForm prefix="coordinator" partner=Some(id) initial=contact />
                    }
                })
                .collect_view()}
        </section>
        <crate::pages::programme::intake_link::IntakeLinkPanel />
    }
}

#[component]
fn ContactForm(
    prefix: &'static str,
    partner: Option<PartnerId>,
    initial: Option<ContactPoint>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let initial = initial.unwrap_or_default();
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let phone = RwSignal::new(initial.phone);
    let outcome = RwSignal::new(Outcome::Idle);
    let key = partner.map(|id| id.to_string()).unwrap_or_default();
    let ids = |field: &str| format!("{prefix}-{field}-{key}");
    let (name_id, email_id, phone_id) = (ids("name"), ids("email"), ids("phone"));
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let contact = ContactPoint {
            name: name.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
        };
        let contact = (!contact.name.trim().is_empty() || !contact.email.trim().is_empty())
            .then_some(contact);
        let command = match partner {
            Some(id) => Command::SetPartnerCoordinator { id, contact },
            None => Command::SetComplaintsContact { contact },
        };
        outcome.set(match session.dispatch(command) {
            Ok(()) => Outcome::Done(i18n.t("saved-status")),
            Err(message) => Outcome::Refused(message),
        });
    };
    view! {
        <form class="form" on:submit=save novalidate>
            <div class="field-row">
                <div class="field">
                    <label for=name_id.clone()>{move || i18n.t("contact-name")}</label>
                    <input id=name_id type="text" bind:value=name />
                </div>
                <div class="field">
                    <label for=email_id.clone()>{move || i18n.t("contact-email")}</label>
                    <input id=email_id type="email" bind:value=email />
                </div>
                <div class="field">
                    <label for=phone_id.clone()>{move || i18n.t("contact-phone")}</label>
                    <input id=phone_id type="tel" bind:value=phone />
                </div>
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--secondary">
                    {move || i18n.t("contact-save")}
                </button>
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome testid=prefix />
            </div>
        </form>
    }
}

/// Rename, archive or delete the programme.
#[component]
fn ProgrammeAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let id = session.with_untracked(|p| p.id);
    let name = RwSignal::new(
        session
            .with_untracked(|p| p.name.clone())
            .unwrap_or_default(),
    );
    let archived =
        RwSignal::new(id.is_some_and(|id| Settings::load().archived.contains(&id.to_string())));
    let confirming = RwSignal::new(false);
    let outcome = RwSignal::new(Outcome::Idle);
    let rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        outcome.set(
            match session.dispatch(Command::Rename {
                name: name.get_untracked(),
            }) {
                Ok(()) => Outcome::Done(i18n.t("saved-status")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let toggle_archive = move |_| {
        let Some(id) = id else { return };
        let now_archived = !archived.get_untracked();
        Settings::update(|settings| {
            settings.archived.retain(|other| *other != id.to_string());
            if now_archived {
                settings.archived.push(id.to_string());
            }
        });
        archived.set(now_archived);
        outcome.set(if now_archived {
            Outcome::Done(i18n.t("programme-archived"))
        } else {
            Outcome::Idle
        });
    };
    let delete = move |_| {
        let Some(id) = id else { return };
        let navigate = navigate.clone();
        spawn_local(async move {
            let deleted = match ProgrammeStore::open().await {
                // The chunks, then the programme's stored view.
                Ok(store) => match store.delete(id).await {
                    Ok(()) => store.delete_view(id).await,
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            };
            match deleted {
                Ok(()) => navigate(&Page::Programmes.path(), Default::default()),
                Err(error) => outcome.set(Outcome::Refused(i18n.error(error.code()))),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="admin-title">
            <h2 id="admin-title">{move || i18n.t("programme-admin-title")}</h2>
            <form class="form" on:submit=rename novalidate>
                <TextField id="programme-rename" label="programme-rename" value=name />
                <div class="button-row">
                    <button
                        type="submit"
                        class="button button--primary"
                        data-testid="programme-rename-save"
                    >
                        {move || i18n.t("programme-rename-save")}
                    </button>
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="programme-archive"
                        on:click=toggle_archive
                    >
                        {move || {
                            if archived.get() {
                                i18n.t("programme-unarchive")
                            } else {
                                i18n.t("programme-archive")
                            }
                        }}
                    </button>
                    <button
                        type="button"
                        class="button button--danger"
                        data-testid="programme-delete"
                        on:click=move |_| confirming.set(true)
                    >
                        {move || i18n.t("programme-delete")}
                    </button>
                </div>
            </form>
            <Show when=move || confirming.get()>
                <div
                    class="notice notice--error confirm"
                    role="alertdialog"
                    aria-labelledby="delete-confirm-text"
                >
                    <p id="delete-confirm-text">{move || i18n.t("programme-delete-confirm")}</p>
                    <ConfirmButtons
                        testid="programme-delete-yes"
                        yes="programme-delete-yes"
                        no="exchange-cancel"
                        on_yes=delete.clone()
                        asking=confirming
                    />
                </div>
            </Show>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="admin" />
            </div>
        </section>
    }
}
