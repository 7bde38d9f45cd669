//! The application form anyone opens from a programme's public link
//! (`/bewerben#inbox=…&key=…`, on a flyer, a QR code or the city's
//! website), usually on a phone.
//!
//! The form's questions come from the relay (the public part of the
//! programme's form: no secret in it); the answers are sealed on this
//! device to the programme's intake key, so only the programme's
//! coordinators can read them (`tandem_sync::intake`). While the applicant
//! types, the draft stays on this device only; once they send, only the
//! sealed message waits here until a network is there, and the draft is
//! gone. The applicant gets a receipt code with which they can withdraw.
//!
//! A hidden field no person fills in (a honeypot) and a small proof of
//! work per message keep simple bots out without a third-party captcha.

mod fields;
mod outbox;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tandem_core::{FormLanguage, IntakeMessage, PublicIntakeForm, Receipt};
use tandem_sync::intake::IntakeLink;

use crate::i18n::{use_i18n, I18n};
use crate::inbox::{self, InboxError};
use crate::language::Language;
use fields::{ApplicationFields, Draft};
use outbox::{Outbox, Sending};

/// Where the form stands before the applicant sees it.
#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    Ready {
        form: Box<PublicIntakeForm>,
        open: bool,
    },
    Failed(&'static str),
}

fn form_language(language: Language) -> FormLanguage {
    match language {
        Language::German => FormLanguage::De,
        Language::English => FormLanguage::En,
    }
}

/// The application form from a programme's link.
#[component]
pub(crate) fn ApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    let Ok(link) = IntakeLink::parse(&hash) else {
        return view! {
            <section class="page apply" data-testid="apply-page">
                <h1>{move || i18n.t("apply-title")}</h1>
                <p class="notice notice--warning" role="alert" data-testid="apply-link-broken">
                    {move || i18n.t("apply-link-broken")}
                </p>
            </section>
        }
        .into_any();
    };
    let outbox = Outbox::new(link);
    let loaded = RwSignal::new(Loaded::Loading);
    spawn_local(load(link, outbox.clone(), loaded));
    outbox.keep_trying();

    view! {
        <section class="page apply" data-testid="apply-page">
            {move || match loaded.get() {
                Loaded::Loading => {
                    view! {
                        <h1>{i18n.t("apply-title")}</h1>
                        <p class="muted">{i18n.t("apply-loading")}</p>
                    }
                        .into_any()
                }
                Loaded::Failed(text) => {
                    view! {
                        <h1>{i18n.t("apply-title")}</h1>
                        <p class="notice notice--warning" role="alert" data-testid="apply-failed">
                            {i18n.t(text)}
                        </p>
                    }
                        .into_any()
                }
                Loaded::Ready { form, open } => {
                    view! { <ReadyForm form=*form open outbox=outbox.clone() /> }.into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// Reads the form from the relay, or from this device when offline (kept
/// from the last visit).
async fn load(link: IntakeLink, outbox: Outbox, loaded: RwSignal<Loaded>) {
    let answer = match inbox::read_info(&outbox.base, &link.inbox).await {
        Ok(info) => {
            outbox.keep_form(&info.form);
            Ok((info.form, info.open))
        }
        Err(InboxError::Offline) => match outbox.kept_form() {
            Some(form) => Ok((form, true)),
            None => Err("apply-offline-first"),
        },
        Err(error) => Err(error.text_id()),
    };
    let state = match answer {
        Ok((bytes, open)) => match PublicIntakeForm::from_bytes(&bytes) {
            Ok(form) => Loaded::Ready {
                form: Box::new(form),
                open,
            },
            Err(_) => Loaded::Failed("apply-form-damaged"),
        },
        Err(text) => Loaded::Failed(text),
    };
    if !loaded.is_disposed() {
        loaded.set(state);
    }
}

fn sending_notice(i18n: I18n, sending: &Sending) -> AnyView {
    match sending {
        Sending::Nothing => ().into_any(),
        Sending::Waiting => view! {
            <p class="notice notice--info" data-testid="apply-waiting">
                {i18n.t("apply-waiting")}
            </p>
        }
        .into_any(),
        Sending::Sent {
            receipt,
            withdrawal,
        } => {
            let text = if *withdrawal {
                "apply-withdrawn"
            } else {
                "apply-sent"
            };
            let receipt = receipt.clone();
            view! {
                <div class="notice notice--success" role="status" data-testid="apply-sent">
                    <p>{i18n.t(text)}</p>
                    <p>
                        {i18n.t("apply-receipt")} " "
                        <strong class="receipt" data-testid="apply-receipt">
                            {receipt}
                        </strong>
                    </p>
                    <p class="muted">{i18n.t("apply-receipt-keep")}</p>
                </div>
            }
            .into_any()
        }
        Sending::Refused(text) => view! {
            <p class="notice notice--warning" role="alert" data-testid="apply-refused">
                {i18n.t(text)}
            </p>
        }
        .into_any(),
    }
}

/// The form, once its questions are known.
#[component]
fn ReadyForm(form: PublicIntakeForm, open: bool, outbox: Outbox) -> impl IntoView {
    let i18n = use_i18n();
    let language = move || form_language(i18n.language());
    let heading = form.title.clone();
    let programme = form.programme.clone();
    let deadline = form.deadline;
    if !open {
        return view! {
            <h1>{heading}</h1>
            <p class="apply__programme">{programme}</p>
            <p class="notice notice--warning" role="alert" data-testid="apply-closed">
                {move || i18n.t("apply-closed")}
            </p>
        }
        .into_any();
    }
    let draft = Draft::restore(&outbox);
    let sending = outbox.sending;
    let contact = form.contact.clone();
    let notice = form.privacy_notice.clone();
    view! {
        <h1>{heading}</h1>
        <p class="apply__programme">{programme}</p>
        <p class="muted" data-testid="apply-deadline">
            {move || {
                i18n.t_with(
                    "apply-deadline",
                    &[("day", fluent_bundle::FluentValue::from(i18n.day(deadline)))],
                )
            }}
        </p>
        <p class="muted">{move || i18n.t("apply-draft-here")}</p>
        <ApplicationFields form=form.clone() draft outbox=outbox.clone() />
        <div aria-live="polite" data-testid="apply-sending">
            {move || sending_notice(i18n, &sending.get())}
        </div>
        <section class="panel" aria-labelledby="apply-privacy-title">
            <h2 id="apply-privacy-title">{move || i18n.t("apply-privacy-title")}</h2>
            <p class="prose" data-testid="apply-privacy-notice">
                {move || {
                    let text = notice.get(language()).trim().to_string();
                    if text.is_empty() { i18n.t("apply-privacy-default") } else { text }
                }}
            </p>
            {(!contact.name.trim().is_empty() || !contact.email.trim().is_empty())
                .then(|| {
                    view! {
                        <p class="muted">
                            {move || i18n.t("apply-contact")} " " {contact.name.clone()} " "
                            {contact.email.clone()}
                        </p>
                    }
                })}
            <p>
                <a href="/datenschutz">{move || i18n.t("apply-privacy-link")}</a>
            </p>
        </section>
        <WithdrawForm outbox />
    }
    .into_any()
}

/// Withdrawing an application with its receipt code.
#[component]
fn WithdrawForm(outbox: Outbox) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let withdraw = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(receipt) = Receipt::parse(code.get_untracked().trim()) else {
            problem.set(Some("apply-receipt-unknown"));
            return;
        };
        problem.set(None);
        let outbox = outbox.clone();
        spawn_local(async move {
            outbox
                .send(IntakeMessage::Withdrawal { receipt }, true)
                .await;
        });
    };
    view! {
        <details class="panel apply__withdraw">
            <summary>{move || i18n.t("apply-withdraw-title")}</summary>
            <form on:submit=withdraw novalidate>
                <div class="field">
                    <label for="apply-withdraw-code">{move || i18n.t("apply-receipt")}</label>
                    <input
                        id="apply-withdraw-code"
                        data-testid="apply-withdraw-code"
                        autocomplete="off"
                        bind:value=code
                    />
                </div>
                {move || {
                    problem
                        .get()
                        .map(|text| {
                            view! {
                                <p class="notice notice--warning" role="alert">
                                    {i18n.t(text)}
                                </p>
                            }
                        })
                }}
                <button type="submit" class="button" data-testid="apply-withdraw">
                    {move || i18n.t("apply-withdraw")}
                </button>
            </form>
        </details>
    }
}
