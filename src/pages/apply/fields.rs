//! The application form's fields: the questions the programme asks, the
//! role, the consents, and a field no person sees (a honeypot).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use tandem_core::{
    ApplicationAnswers, ApplicationForm, AskedField, GivenConsents, IntakeError, IntakeMessage,
    MeetingFormat, PublicIntakeForm, Receipt, Role,
};

use super::form_language;
use super::outbox::{Outbox, Sending};
use crate::clock::today;
use crate::i18n::{use_i18n, I18n};

/// What the applicant has typed, kept on this device until they send.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Draft {
    role: String,
    values: BTreeMap<String, String>,
    processing: bool,
    share_contact: bool,
    named_in_reports: bool,
}

impl Draft {
    /// The draft this device kept for the form, or an empty one.
    pub(super) fn restore(outbox: &Outbox) -> RwSignal<Draft> {
        let draft = RwSignal::new(outbox.draft().unwrap_or_default());
        let outbox = outbox.clone();
        Effect::new(move |_| draft.with(|draft| outbox.save_draft(draft)));
        draft
    }

    fn value(&self, field: AskedField) -> Option<String> {
        self.values
            .get(field.code())
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    fn list(&self, field: AskedField) -> Option<Vec<String>> {
        self.value(field).map(|value| {
            value
                .split([',', ';'])
                .map(|item| item.trim().to_string())
                .filter(|item| !item.is_empty())
                .collect()
        })
    }

    fn answers(&self) -> ApplicationAnswers {
        ApplicationAnswers {
            name: self.value(AskedField::Name),
            salutation: self.value(AskedField::Salutation),
            organisation: self
                .value(AskedField::Organisation)
                .and_then(|id| id.parse().ok()),
            department: self.value(AskedField::Department),
            position: self.value(AskedField::Position),
            email: self.value(AskedField::Email),
            phone: self.value(AskedField::Phone),
            topics: self.list(AskedField::Topics),
            goal: self.value(AskedField::Goal),
            motivation: self.value(AskedField::Motivation),
            availability: self.value(AskedField::Availability),
            format: self
                .value(AskedField::Format)
                .and_then(|code| MeetingFormat::from_code(&code)),
            languages: self.list(AskedField::Languages),
            location: self.value(AskedField::Location),
        }
    }

    /// The application, checked against the form as the coordinators'
    /// devices will check it.
    fn application(
        &self,
        form: &PublicIntakeForm,
        receipt: Receipt,
        language: tandem_core::FormLanguage,
    ) -> Result<ApplicationForm, IntakeError> {
        let role = Role::from_code(&self.role)
            .or_else(|| (form.roles.len() == 1).then(|| form.roles[0]))
            .ok_or(IntakeError::Missing("role"))?;
        let application = ApplicationForm {
            receipt,
            role,
            answers: self.answers(),
            consents: GivenConsents {
                processing: self.processing,
                share_contact: self.share_contact,
                named_in_reports: self.named_in_reports,
            },
            language,
            sent_on: today(),
        }
        .cleaned()?;
        application.check_against(form)?;
        Ok(application)
    }
}

fn new_receipt() -> Option<Receipt> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).ok()?;
    Some(Receipt::from_random(bytes))
}

/// An intake refusal in the applicant's language.
fn refusal_text(i18n: I18n, error: &IntakeError) -> String {
    let args: Vec<(&str, fluent_bundle::FluentValue)> = error
        .args()
        .into_iter()
        .map(|(name, value)| {
            let value = match name {
                "field" => i18n.t(&format!("apply-field-{value}")),
                "role" => i18n.t(&format!("role-{value}")),
                _ => value,
            };
            (name, fluent_bundle::FluentValue::from(value))
        })
        .collect();
    i18n.t_with(&format!("error-{}", error.code()), &args)
}

/// The questions, the consents and the send button.
#[component]
pub(super) fn ApplicationFields(
    form: PublicIntakeForm,
    draft: RwSignal<Draft>,
    outbox: Outbox,
) -> impl IntoView {
    let i18n = use_i18n();
    let honeypot = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = {
        let form = form.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(receipt) = new_receipt() else {
                problem.set(Some(i18n.t("apply-seal-failed")));
                return;
            };
            // A bot filled in the field no person sees: it is told the
            // application went out, and nothing is sent.
            if !honeypot.get_untracked().is_empty() {
                outbox.sending.set(Sending::Sent {
                    receipt: receipt.to_string(),
                    withdrawal: false,
                });
                return;
            }
            let language = form_language(i18n.language());
            match draft.with_untracked(|draft| draft.application(&form, receipt, language)) {
                Err(error) => problem.set(Some(refusal_text(i18n, &error))),
                Ok(application) => {
                    problem.set(None);
                    draft.set(Draft::default());
                    let outbox = outbox.clone();
                    spawn_local(async move {
                        outbox
                            .send(IntakeMessage::Application(Box::new(application)), false)
                            .await;
                    });
                }
            }
        }
    };
    let roles = form.roles.clone();
    let consent = form.consent.clone();
    view! {
        <form class="apply__form" on:submit=submit novalidate data-testid="apply-form">
            <RoleChoice roles draft />
            {form
                .fields
                .iter()
                .map(|field| view! { <Question field=*field form=form.clone() draft /> })
                .collect_view()}
            <fieldset class="apply__consents">
                <legend>{move || i18n.t("apply-consents")}</legend>
                <Consent which="processing" text=consent.processing.clone() draft />
                <Consent which="share-contact" text=consent.share_contact.clone() draft />
                <Consent which="named-in-reports" text=consent.named_in_reports.clone() draft />
            </fieldset>
            // Hidden from people and from screen readers; bots fill it in.
            <div class="apply__trap" aria-hidden="true">
                <label for="apply-website">"Website"</label>
                <input
                    id="apply-website"
                    name="website"
                    tabindex="-1"
                    autocomplete="off"
                    bind:value=honeypot
                />
            </div>
            {move || {
                problem
                    .get()
                    .map(|text| {
                        view! {
                            <p
                                class="notice notice--warning"
                                role="alert"
                                data-testid="apply-problem"
                            >
                                {text}
                            </p>
                        }
                    })
            }}
            <button type="submit" class="button button--primary" data-testid="apply-send">
                {move || i18n.t("apply-send")}
            </button>
        </form>
    }
}

/// The role to apply for, when the programme offers more than one.
#[component]
fn RoleChoice(roles: Vec<Role>, draft: RwSignal<Draft>) -> impl IntoView {
    let i18n = use_i18n();
    if roles.len() < 2 {
        return ().into_any();
    }
    view! {
        <fieldset class="apply__roles">
            <legend>{move || i18n.t("apply-role")}</legend>
            {roles
                .into_iter()
                .map(|role| {
                    let id = format!("apply-role-{}", role.code());
                    view! {
                        <label class="check" for=id.clone()>
                            <input
                                type="radio"
                                name="apply-role"
                                id=id.clone()
                                data-testid=id.clone()
                                prop:checked=move || draft.with(|draft| draft.role == role.code())
                                on:change=move |_| {
                                    draft.update(|draft| draft.role = role.code().into())
                                }
                            />
                            {move || i18n.t(&format!("role-{}", role.code()))}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}

/// One question of the form.
#[component]
fn Question(field: AskedField, form: PublicIntakeForm, draft: RwSignal<Draft>) -> impl IntoView {
    let i18n = use_i18n();
    let code = field.code();
    let id = format!("apply-{code}");
    let required = AskedField::REQUIRED.contains(&field);
    let label = move || {
        let text = i18n.t(&format!("apply-field-{code}"));
        if required {
            format!("{text} *")
        } else {
            text
        }
    };
    let value = move || draft.with(|draft| draft.values.get(code).cloned().unwrap_or_default());
    let set = move |text: String| {
        draft.update(|draft| {
            draft.values.insert(code.to_string(), text);
        });
    };
    let hint = matches!(field, AskedField::Topics | AskedField::Languages)
        .then(|| view! { <p class="muted">{move || i18n.t("apply-list-hint")}</p> });
    let input = match field {
        AskedField::Goal | AskedField::Motivation | AskedField::Availability => view! {
            <textarea
                id=id.clone()
                data-testid=id.clone()
                rows="4"
                prop:value=value
                on:input=move |event| set(event_target_value(&event))
            ></textarea>
        }
        .into_any(),
        AskedField::Organisation => {
            let options = form.organisations.clone();
            view! {
                <select
                    id=id.clone()
                    data-testid=id.clone()
                    prop:value=value
                    on:change=move |event| set(event_target_value(&event))
                >
                    <option value="">{move || i18n.t("apply-organisation-none")}</option>
                    {options
                        .into_iter()
                        .map(|partner| {
                            view! { <option value=partner.id.to_string()>{partner.name}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        AskedField::Format => view! {
            <select
                id=id.clone()
                data-testid=id.clone()
                prop:value=value
                on:change=move |event| set(event_target_value(&event))
            >
                <option value="">{move || i18n.t("apply-format-none")}</option>
                {MeetingFormat::ALL
                    .into_iter()
                    .map(|format| {
                        view! {
                            <option value=format
                                .code()>
                                {move || i18n.t(&format!("format-{}", format.code()))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        _ => {
            let (kind, complete) = match field {
                AskedField::Email => ("email", "email"),
                AskedField::Phone => ("tel", "tel"),
                AskedField::Name => ("text", "name"),
                _ => ("text", "off"),
            };
            view! {
                <input
                    id=id.clone()
                    data-testid=id.clone()
                    type=kind
                    autocomplete=complete
                    required=required
                    prop:value=value
                    on:input=move |event| set(event_target_value(&event))
                />
            }
            .into_any()
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint}
            {input}
        </div>
    }
}

/// One consent, with the programme's own text.
#[component]
fn Consent(
    which: &'static str,
    text: tandem_core::LocalText,
    draft: RwSignal<Draft>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("apply-consent-{which}");
    let checked = move || {
        draft.with(|draft| match which {
            "processing" => draft.processing,
            "share-contact" => draft.share_contact,
            _ => draft.named_in_reports,
        })
    };
    let toggle = move |event: leptos::ev::Event| {
        let on = event_target_checked(&event);
        draft.update(|draft| match which {
            "processing" => draft.processing = on,
            "share-contact" => draft.share_contact = on,
            _ => draft.named_in_reports = on,
        });
    };
    view! {
        <label class="check check--consent" for=id.clone()>
            <input
                type="checkbox"
                id=id.clone()
                data-testid=id.clone()
                prop:checked=checked
                on:change=toggle
            />
            <span>
                {move || text.get(super::form_language(i18n.language())).to_string()}
                {(which == "processing").then_some(" *")}
            </span>
        </label>
    }
}
