//! Applying by link, the coordinators' side: the panel that publishes a
//! programme's application form, shows its link, QR code and a snippet for
//! the city's website, renews it and closes it.
//!
//! Publishing makes the link's three secrets on this device — the inbox id,
//! the intake key and the reader token — and keeps them in the programme,
//! sealed like everything in it, so every coordinator's device can read
//! the applications. The relay that serves this app keeps the inbox: it is
//! given the form's public part, the deadline and the reader token's hash.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{AskedField, Command, IntakeForm, IntakeSecrets, PublicIntakeForm, Role};
use tandem_sync::intake::{InboxId, IntakeKey, IntakeLink, ReaderToken};

use crate::clock::today;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::components::qr::{qr_svg, select_all};
use crate::components::room_code::RoomCreationCode;
use crate::i18n::{use_i18n, I18n};
use crate::inbox;
use crate::pages::programme::intake_texts::{FormTexts, IntakeTexts};
use crate::session::{use_session, ProgrammeSession};
use crate::settings::Settings;
use crate::socket::relay_url;

/// The relay that keeps the inbox: the one that serves this app.
pub(crate) fn intake_relay() -> Option<String> {
    relay_url(None).map(|url| inbox::relay_base(&url))
}

/// The link's three secrets, made on this device.
fn new_secrets() -> Option<IntakeSecrets> {
    let inbox = InboxId::random().ok()?;
    let key = IntakeKey::generate().ok()?;
    let reader = ReaderToken::random().ok()?;
    Some(IntakeSecrets::new(inbox.0, key.to_secret_bytes(), reader.0))
}

/// The public link of a form: this relay's `/bewerben` with the inbox and
/// the public key after `#`.
pub(crate) fn public_link(form: &IntakeForm) -> Option<String> {
    let inbox = InboxId(form.secrets.inbox_bytes()?);
    let key = IntakeKey::from_secret_bytes(form.secrets.key_secret_bytes()?);
    let link = IntakeLink {
        inbox,
        public: key.public(),
    };
    Some(format!(
        "{}/bewerben#{}",
        intake_relay()?,
        link.to_fragment()
    ))
}

/// Gives the relay the form's public part, its deadline and the reader
/// token's hash (again, after a change: the relay keeps the newest).
async fn publish_on_relay(session: ProgrammeSession) -> Result<(), inbox::InboxError> {
    let Some((form, public)) = session
        .with_untracked(|p| Some((p.intake.clone()?, PublicIntakeForm::of(p)?)))
        .flatten()
    else {
        return Err(inbox::InboxError::Refused("no-form".into()));
    };
    let base = intake_relay().ok_or(inbox::InboxError::Offline)?;
    let inbox = InboxId(
        form.secrets
            .inbox_bytes()
            .ok_or(inbox::InboxError::Refused("secrets".into()))?,
    );
    let reader = ReaderToken(
        form.secrets
            .reader_bytes()
            .ok_or(inbox::InboxError::Refused("secrets".into()))?,
    );
    let bytes = public
        .to_bytes()
        .map_err(|_| inbox::InboxError::Refused("too-large".into()))?;
    let settings = Settings::load();
    let code = settings.room_creation_code();
    inbox::publish(
        &base,
        &inbox,
        &reader.hash_hex(),
        form.closes_at(),
        &bytes,
        code,
    )
    .await
}

/// A new inbox, key and reader token for the programme's form.
fn renew_in_programme(i18n: I18n, session: ProgrammeSession) -> Result<(), String> {
    let secrets = new_secrets().ok_or_else(|| i18n.t("apply-seal-failed"))?;
    let (Some(inbox), Some(key_secret), Some(reader)) = (
        secrets.inbox_bytes(),
        secrets.key_secret_bytes(),
        secrets.reader_bytes(),
    ) else {
        return Err(i18n.t("apply-seal-failed"));
    };
    session.dispatch(Command::RenewIntakeLink {
        inbox,
        key_secret,
        reader,
        on: today(),
    })
}

/// Renews the programme's application link: a new inbox, intake key and
/// reader token; the old inbox is closed on the relay (what it holds is
/// still read, with its own keys, until it is drained) and the new one
/// opened there. After a coordinator's device is removed this runs by
/// itself, so that the removed device cannot read what comes in next.
pub(crate) async fn renew_link(i18n: I18n, session: ProgrammeSession) -> Outcome {
    let Some(old) = session
        .with_untracked(|p| p.intake.as_ref().map(|form| form.secrets.clone()))
        .flatten()
    else {
        return Outcome::Refused(i18n.t("error-intake-no-form"));
    };
    if let Err(message) = renew_in_programme(i18n, session) {
        return Outcome::Refused(message);
    }
    let result = match close_on_relay(old).await {
        Ok(()) | Err(inbox::InboxError::NoSuchInbox) => publish_on_relay(session).await,
        Err(error) => Err(error),
    };
    relay_outcome(i18n, result, "intake-link-renewed")
}

/// Keeps `form` in the programme (checked as of today) and gives the relay
/// its public part; `done` names the text that says it worked.
fn publish_form(
    i18n: I18n,
    session: ProgrammeSession,
    form: IntakeForm,
    outcome: RwSignal<Outcome>,
    done: &'static str,
) {
    if let Err(message) = session.dispatch(Command::PublishIntakeForm {
        form,
        today: today(),
    }) {
        outcome.set(Outcome::Refused(message));
        return;
    }
    spawn_local(async move {
        let result = publish_on_relay(session).await;
        outcome.set(relay_outcome(i18n, result, done));
    });
}

/// Closes an inbox on the relay with its reader token.
async fn close_on_relay(secrets: IntakeSecrets) -> Result<(), inbox::InboxError> {
    let base = intake_relay().ok_or(inbox::InboxError::Offline)?;
    let (Some(id), Some(reader)) = (secrets.inbox_bytes(), secrets.reader_bytes()) else {
        return Ok(());
    };
    inbox::close(&base, &InboxId(id), &ReaderToken(reader).to_hex()).await
}

fn relay_outcome(i18n: I18n, result: Result<(), inbox::InboxError>, done: &str) -> Outcome {
    match result {
        Ok(()) => Outcome::Done(i18n.t(done)),
        Err(error) => Outcome::Refused(format!(
            "{} {}",
            i18n.t("intake-link-relay-failed"),
            i18n.t(error.text_id())
        )),
    }
}

/// The settings panel "Bewerbung per Link".
#[component]
pub(crate) fn IntakeLinkPanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    let form = Memo::new(move |_| session.with(|p| p.intake.clone()).flatten());
    view! {
        <section class="panel" aria-labelledby="intake-link-title" data-testid="intake-link">
            <h2 id="intake-link-title">{move || i18n.t("intake-link-title")}</h2>
            <p class="muted">{move || i18n.t("intake-link-how")}</p>
            <div aria-live="polite">
                <OutcomeNotice outcome testid="intake-link-outcome" />
            </div>
            {move || match form.get() {
                None => view! { <SetUp outcome /> }.into_any(),
                Some(form) => view! { <Published form outcome /> }.into_any(),
            }}
        </section>
    }
}

/// Setting up the form: title, deadline, questions and roles.
#[component]
fn SetUp(outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme = session
        .with_untracked(|p| p.name.clone())
        .unwrap_or_default();
    let title = RwSignal::new(i18n.t_with(
        "intake-link-default-title",
        &[("programme", fluent_bundle::FluentValue::from(programme))],
    ));
    let deadline = RwSignal::new(today().plus_days(42).iso());
    let asked = RwSignal::new(vec![
        AskedField::Name,
        AskedField::Email,
        AskedField::Organisation,
        AskedField::Topics,
        AskedField::Motivation,
    ]);
    let roles = RwSignal::new(vec![Role::Mentee, Role::Mentor]);
    let texts = RwSignal::new(FormTexts::default());
    let publish = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(day) = tandem_core::Day::parse(deadline.get_untracked().trim()) else {
            outcome.set(Outcome::Refused(i18n.t("intake-link-deadline-missing")));
            return;
        };
        let Some(secrets) = new_secrets() else {
            outcome.set(Outcome::Refused(i18n.t("apply-seal-failed")));
            return;
        };
        let mut form = IntakeForm::new(title.get_untracked().trim(), day, secrets);
        form.fields = AskedField::ALL
            .into_iter()
            .filter(|field| asked.with_untracked(|asked| asked.contains(field)))
            .collect();
        form.roles = roles.get_untracked();
        texts.with_untracked(|texts| texts.put_into(&mut form));
        if let Some(contact) = session
            .with_untracked(|p| p.complaints_contact.clone())
            .flatten()
        {
            form.contact = contact;
        }
        publish_form(i18n, session, form, outcome, "intake-link-published");
    };
    view! {
        <form on:submit=publish class="intake-link__setup" novalidate>
            <crate::components::field::TextField
                id="intake-link-form-title"
                label="intake-link-form-title"
                value=title
            />
            <crate::components::field::TextField
                id="intake-link-deadline"
                label="intake-link-deadline"
                value=deadline
                kind="date"
            />
            <fieldset>
                <legend>{move || i18n.t("intake-link-fields")}</legend>
                {AskedField::ALL
                    .into_iter()
                    .map(|field| {
                        let id = format!("intake-link-field-{}", field.code());
                        let fixed = AskedField::REQUIRED.contains(&field);
                        view! {
                            <ChoiceCheck
                                chosen=asked
                                item=field
                                id
                                label=format!("apply-field-{}", field.code())
                                disabled=fixed
                            />
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{move || i18n.t("intake-link-roles")}</legend>
                {[Role::Mentee, Role::Mentor]
                    .into_iter()
                    .map(|role| {
                        let id = format!("intake-link-role-{}", role.code());
                        view! {
                            <ChoiceCheck
                                chosen=roles
                                item=role
                                id
                                label=format!("role-{}", role.code())
                            />
                        }
                    })
                    .collect_view()}
            </fieldset>
            <IntakeTexts texts />
            <RoomCreationCode />
            <button type="submit" class="button button--primary" data-testid="intake-link-publish">
                {move || i18n.t("intake-link-publish")}
            </button>
        </form>
    }
}

/// A checkbox that puts `item` into `chosen` or takes it out; `id` is also
/// its test id, `label` the translation key of its text.
#[component]
fn ChoiceCheck<T>(
    chosen: RwSignal<Vec<T>>,
    item: T,
    id: String,
    label: String,
    #[prop(optional)] disabled: bool,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <label class="check" for=id.clone()>
            <input
                type="checkbox"
                id=id.clone()
                data-testid=id.clone()
                disabled=disabled
                prop:checked=move || chosen.with(|chosen| chosen.contains(&item))
                on:change=move |event| {
                    let on = event_target_checked(&event);
                    chosen
                        .update(|chosen| {
                            chosen.retain(|c| *c != item);
                            if on {
                                chosen.push(item);
                            }
                        });
                }
            />
            {move || i18n.t(&label)}
        </label>
    }
}

/// A published form: its link, QR code, snippet; renew, publish again,
/// close.
#[component]
fn Published(form: IntakeForm, outcome: RwSignal<Outcome>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let link = public_link(&form).unwrap_or_default();
    let snippet = format!(
        "<a href=\"{link}\">{}</a>",
        i18n.t("intake-link-snippet-text")
    );
    let qr = qr_svg(&link);
    let open = form.is_open(today());
    let deadline = form.deadline;
    let again = move |_| {
        spawn_local(async move {
            let result = publish_on_relay(session).await;
            outcome.set(relay_outcome(i18n, result, "intake-link-published"));
        });
    };
    let renew = move |_| {
        spawn_local(async move {
            outcome.set(renew_link(i18n, session).await);
        });
    };
    let texts = RwSignal::new(FormTexts::of(&form));
    let save_texts = move |_| {
        let Some(mut form) = session.with_untracked(|p| p.intake.clone()).flatten() else {
            return;
        };
        texts.with_untracked(|texts| texts.put_into(&mut form));
        publish_form(i18n, session, form, outcome, "intake-texts-saved");
    };
    let secrets = form.secrets.clone();
    let close = move |_| {
        if let Err(message) = session.dispatch(Command::CloseIntakeForm { on: today() }) {
            outcome.set(Outcome::Refused(message));
            return;
        }
        let secrets = secrets.clone();
        spawn_local(async move {
            let result = close_on_relay(secrets).await;
            outcome.set(relay_outcome(i18n, result, "intake-link-closed"));
        });
    };
    view! {
        <p data-testid="intake-link-state">
            {move || {
                let day = fluent_bundle::FluentValue::from(i18n.day(deadline));
                if open {
                    i18n.t_with("intake-link-open-until", &[("day", day)])
                } else {
                    i18n.t("intake-link-is-closed")
                }
            }}
        </p>
        <div class="field">
            <label for="intake-link-url">{move || i18n.t("intake-link-url")}</label>
            <input
                id="intake-link-url"
                data-testid="intake-link-url"
                readonly
                prop:value=link.clone()
                on:focus=move |event| select_all(&event)
            />
        </div>
        {qr
            .map(|svg| {
                view! {
                    <figure class="qr-code" data-testid="intake-link-qr">
                        <div
                            inner_html=svg
                            role="img"
                            aria-label=move || i18n.t("intake-link-qr")
                        ></div>
                    </figure>
                }
            })}
        <div class="field">
            <label for="intake-link-snippet">{move || i18n.t("intake-link-snippet")}</label>
            <textarea
                id="intake-link-snippet"
                data-testid="intake-link-snippet"
                readonly
                rows="3"
                prop:value=snippet
            ></textarea>
        </div>
        <div class="button-row">
            <button type="button" class="button" on:click=again data-testid="intake-link-again">
                {move || i18n.t("intake-link-again")}
            </button>
            <button type="button" class="button" on:click=renew data-testid="intake-link-renew">
                {move || i18n.t("intake-link-renew")}
            </button>
            <button
                type="button"
                class="button button--danger"
                on:click=close
                data-testid="intake-link-close"
                disabled=!open
            >
                {move || i18n.t("intake-link-close")}
            </button>
        </div>
        <p class="muted">{move || i18n.t("intake-link-renew-what")}</p>
        <RoomCreationCode />
        <IntakeTexts texts>
            <button
                type="button"
                class="button"
                on:click=save_texts
                data-testid="intake-texts-save"
            >
                {move || i18n.t("intake-texts-save")}
            </button>
        </IntakeTexts>
    }
}
