//! The data subject's rights in the app: a person's consent record, the
//! access report, "forget this person"; the dashboard's list of who is due
//! for erasure with the retention period. The plain-language page that
//! tells participants what is stored where is public: `pages::privacy_notice`.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use tandem_core::{
    access_report, due_for_erasure, keep_until, Command, ConsentRecord, ConsentWay, Day,
    EarlierValue, PageContent, PersonId, MAX_RETENTION_MONTHS,
};

use crate::clock::today;
use crate::components::confirm::ConfirmButtons;
use crate::components::field::CheckField;
use crate::components::history::author_label;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::i18n::use_i18n;
use crate::routes::Page;
use crate::session::use_session;
use crate::settings::Settings;

/// What a person agreed to, their access report, and forgetting them: the
/// three parts of the data subject's rights, each with its own notice.
#[component]
pub(crate) fn PersonPrivacy(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" aria-labelledby="privacy-title" data-testid="person-privacy">
            <h2 id="privacy-title">{move || i18n.t("privacy-person-title")}</h2>
            <ConsentForm id=id />
            <AccessReport id=id />
            <ForgetPerson id=id />
        </section>
    }
}

/// The person's consent record: what they agreed to, when and how, and a
/// withdrawal; with a note to offer forgetting once consent is withdrawn.
#[component]
fn ConsentForm(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let stored = session
        .with_untracked(|programme| programme.consents.get(&id).cloned())
        .flatten();
    let processing = RwSignal::new(stored.as_ref().is_some_and(|c| c.processing));
    let photos = RwSignal::new(stored.as_ref().is_some_and(|c| c.photos));
    let named = RwSignal::new(stored.as_ref().is_some_and(|c| c.named_in_reports));
    let given_on = RwSignal::new(
        stored
            .as_ref()
            .map(|c| c.given_on.iso())
            .unwrap_or_else(|| today().iso()),
    );
    let way = RwSignal::new(stored.as_ref().map(|c| c.way).unwrap_or_default());
    let withdrawn_on = RwSignal::new(
        stored
            .as_ref()
            .and_then(|c| c.withdrawn_on)
            .map(|day| day.iso())
            .unwrap_or_default(),
    );
    let outcome = RwSignal::new(Outcome::Idle);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(given) = Day::parse(&given_on.get_untracked()) else {
            outcome.set(Outcome::Refused(i18n.t("consent-date-invalid")));
            return;
        };
        let withdrawn = withdrawn_on.get_untracked();
        let withdrawn = if withdrawn.trim().is_empty() {
            None
        } else {
            match Day::parse(&withdrawn) {
                Ok(day) => Some(day),
                Err(_) => {
                    outcome.set(Outcome::Refused(i18n.t("consent-date-invalid")));
                    return;
                }
            }
        };
        let recorded_by = Settings::load()
            .author()
            .map(|author| author.name)
            .unwrap_or_default();
        let consent = ConsentRecord {
            processing: processing.get_untracked(),
            photos: photos.get_untracked(),
            named_in_reports: named.get_untracked(),
            given_on: given,
            way: way.get_untracked(),
            recorded_by,
            withdrawn_on: withdrawn,
        };
        outcome.set(
            match session.dispatch(Command::RecordConsent {
                person: id,
                consent,
            }) {
                Ok(()) => Outcome::Done(i18n.t("consent-saved")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let withdrawn_now = move || {
        session
            .with(|programme| {
                programme
                    .consents
                    .get(&id)
                    .is_some_and(|consent| consent.withdrawn_on.is_some())
            })
            .unwrap_or(false)
    };

    view! {
        <form class="form" on:submit=save novalidate>
            <fieldset class="form-section">
                <legend>{move || i18n.t("consent-legend")}</legend>
                <CheckField id="consent-processing" label="consent-processing" checked=processing />
                <CheckField id="consent-photos" label="consent-photos" checked=photos />
                <CheckField id="consent-named" label="consent-named" checked=named />
                <p class="muted">{move || i18n.t("consent-fields-hint")}</p>
            </fieldset>
            <div class="field-row">
                <div class="field">
                    <label for="consent-given-on">{move || i18n.t("consent-given-on")}</label>
                    <input
                        id="consent-given-on"
                        type="date"
                        data-testid="consent-given-on"
                        bind:value=given_on
                    />
                </div>
                <div class="field">
                    <label for="consent-way">{move || i18n.t("consent-way")}</label>
                    <select
                        id="consent-way"
                        data-testid="consent-way"
                        on:change=move |ev| {
                            if let Some(chosen) = ConsentWay::from_code(&event_target_value(&ev)) {
                                way.set(chosen);
                            }
                        }
                    >
                        {ConsentWay::ALL
                            .into_iter()
                            .map(|option| {
                                view! {
                                    <option
                                        value=option.code()
                                        selected=move || way.get() == option
                                    >
                                        {move || i18n.t(&format!("consent-way-{}", option.code()))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="consent-withdrawn-on">
                        {move || i18n.t("consent-withdrawn-on")}
                    </label>
                    <input
                        id="consent-withdrawn-on"
                        type="date"
                        data-testid="consent-withdrawn-on"
                        bind:value=withdrawn_on
                    />
                </div>
            </div>
            <div class="button-row">
                <button type="submit" class="button" data-testid="consent-save">
                    {move || i18n.t("consent-save")}
                </button>
            </div>
            <OutcomeNotice outcome=outcome testid="consent-outcome" />
        </form>
        <Show when=withdrawn_now>
            <p class="notice notice--warning" role="status" data-testid="consent-withdrawn-notice">
                {move || i18n.t("consent-withdrawn-offer")}
            </p>
        </Show>
    }
}

/// The access report: everything recorded about the person, as one file
/// to hand over.
#[component]
fn AccessReport(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let export_outcome = RwSignal::new(Outcome::Idle);
    let export = move |_| {
        let heading = move |key: &str| i18n.t(key);
        // Who changed a value: checked against the member list where the
        // programme has one, as the history shows it.
        let author = move |value: &EarlierValue| {
            let (name, mark) = author_label(session, i18n, &value.by, &value.actor, value.seq);
            format!("{name}{}", mark.map(|(_, text)| text).unwrap_or_default())
        };
        let pages: Vec<PageContent> = Vec::new();
        let report = session
            .with_document(|document| access_report(document, id, &pages, &heading, &author))
            .flatten();
        let Some(report) = report else {
            export_outcome.set(Outcome::Refused(i18n.t("error-document")));
            return;
        };
        // Named by date, not by the person: a browser keeps the names of
        // downloaded files in its history.
        let file = format!("auskunft-{}.html", today().iso());
        export_outcome.set(
            match crate::download::offer_download(
                &file,
                "text/html;charset=utf-8",
                report.as_bytes(),
            ) {
                Ok(()) => Outcome::Done(i18n.t("access-exported")),
                Err(_) => Outcome::Refused(i18n.t("error-document")),
            },
        );
    };

    view! {
        <h3>{move || i18n.t("access-heading")}</h3>
        <p class="muted">{move || i18n.t("access-hint")}</p>
        <button
            type="button"
            class="button button--secondary"
            data-testid="access-export"
            on:click=export
        >
            {move || i18n.t("access-export")}
        </button>
        <OutcomeNotice outcome=export_outcome testid="access-outcome" />
    }
}

/// Forgetting the person, after a confirmation that says what it means
/// (and, where the browser cannot seal records, what stays on this disk).
#[component]
fn ForgetPerson(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let confirming = RwSignal::new(false);
    let unsealed = crate::browser::records_unsealed();
    let forget_outcome = RwSignal::new(Outcome::Idle);
    let navigate = use_navigate();
    let forget = move |_| {
        let programme = session.with_untracked(|programme| programme.id);
        match session.forget(id) {
            Ok(()) => {
                if let Some(programme) = programme {
                    navigate(&Page::People(programme).path(), Default::default());
                }
            }
            Err(message) => forget_outcome.set(Outcome::Refused(message)),
        }
    };

    view! {
        <h3>{move || i18n.t("forget-heading")}</h3>
        <p class="muted">{move || i18n.t("forget-hint")}</p>
        <Show
            when=move || confirming.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class="button button--danger"
                        data-testid="forget-person"
                        on:click=move |_| confirming.set(true)
                    >
                        {move || i18n.t("forget-person")}
                    </button>
                }
            }
        >
            <div
                class="notice notice--warning"
                role="alertdialog"
                aria-labelledby="forget-confirm-text"
            >
                <p id="forget-confirm-text">{move || i18n.t("forget-confirm")}</p>
                {move || {
                    unsealed
                        .get()
                        .then(|| {
                            view! {
                                <p data-testid="forget-unsealed">
                                    {i18n.t("forget-confirm-unsealed")}
                                </p>
                            }
                        })
                }}
                <ConfirmButtons
                    testid="forget-confirm"
                    yes="forget-confirm-button"
                    no="forget-cancel"
                    on_yes=forget.clone()
                    asking=confirming
                />
            </div>
        </Show>
        <OutcomeNotice outcome=forget_outcome testid="forget-outcome" />
    }
}

/// On the dashboard: how long personal data is kept after the end, and who
/// is due for erasure.
#[component]
pub(crate) fn ErasureDue() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let months = RwSignal::new(
        session
            .with_untracked(|programme| programme.retention_months)
            .flatten()
            .map(|months| months.to_string())
            .unwrap_or_default(),
    );
    let outcome = RwSignal::new(Outcome::Idle);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = months.get_untracked();
        let months = if text.trim().is_empty() {
            None
        } else {
            match text.trim().parse::<u32>() {
                Ok(months) => Some(months),
                Err(_) => {
                    outcome.set(Outcome::Refused(i18n.t("error-retention-too-long")));
                    return;
                }
            }
        };
        outcome.set(match session.dispatch(Command::SetRetention { months }) {
            Ok(()) => Outcome::Done(i18n.t("retention-saved")),
            Err(message) => Outcome::Refused(message),
        });
    };
    let due = move || {
        session
            .with(|programme| due_for_erasure(programme, today()))
            .unwrap_or_default()
    };
    let until = move || {
        session
            .with(|programme| keep_until(programme).map(|day| day.german()))
            .flatten()
    };
    let programme = move || session.with(|programme| programme.id);
    view! {
        <section class="panel" aria-labelledby="erasure-title" data-testid="erasure-due">
            <h2 id="erasure-title">{move || i18n.t("erasure-title")}</h2>
            <form class="form" on:submit=save novalidate>
                <div class="field">
                    <label for="retention-months">{move || i18n.t("retention-months")}</label>
                    <input
                        id="retention-months"
                        type="number"
                        min="0"
                        max=MAX_RETENTION_MONTHS.to_string()
                        inputmode="numeric"
                        data-testid="retention-months"
                        bind:value=months
                    />
                </div>
                <div class="button-row">
                    <button
                        type="submit"
                        class="button button--secondary"
                        data-testid="retention-save"
                    >
                        {move || i18n.t("retention-save")}
                    </button>
                </div>
            </form>
            <OutcomeNotice outcome=outcome testid="retention-outcome" />
            {move || {
                until()
                    .map(|day| {
                        view! {
                            <p class="muted">
                                {i18n.t_with("retention-until", &[("day", day.into())])}
                            </p>
                        }
                    })
            }}
            {move || {
                let due = due();
                if due.is_empty() {
                    return view! { <p class="muted">{i18n.t("erasure-none")}</p> }.into_any();
                }
                view! {
                    <ul data-testid="erasure-list">
                        {due
                            .into_iter()
                            .map(|entry| {
                                let href = programme()
                                    .map(|programme| Page::Person(programme, entry.person).path())
                                    .unwrap_or_default();
                                view! {
                                    <li>
                                        <A href=href>{entry.name.clone()}</A>
                                        " · "
                                        {i18n
                                            .t_with(
                                                &format!("erasure-reason-{}", entry.reason.code()),
                                                &[("day", entry.since.german().into())],
                                            )}
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
