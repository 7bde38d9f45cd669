//! The message line under a form: nothing yet, why it was refused, or
//! what was done. Screen readers hear refusals at once (`role="alert"`)
//! and successes when they are idle (`role="status"`).

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// What a form says after the coordinator pressed its button.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Idle,
    Refused(String),
    Done(String),
}

/// The message line under a form. `testid` names it for the journeys:
/// `{testid}-error` when refused, `{testid}-done` when done.
#[component]
pub(crate) fn OutcomeNotice(outcome: RwSignal<Outcome>, testid: &'static str) -> impl IntoView {
    move || match outcome.get() {
        Outcome::Idle => ().into_any(),
        Outcome::Refused(message) => view! {
            <p class="notice notice--error" role="alert" data-testid=format!("{testid}-error")>
                {message}
            </p>
        }
        .into_any(),
        Outcome::Done(message) => view! {
            <p class="notice notice--success" role="status" data-testid=format!("{testid}-done")>
                {message}
            </p>
        }
        .into_any(),
    }
}

/// The message line under a form that keeps one test id for a refusal and
/// a success: `(true, text)` says what was done, `(false, text)` why it
/// was refused.
#[component]
pub(crate) fn MessageNotice(
    message: RwSignal<Option<(bool, String)>>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    move || {
        message.get().map(|(ok, text)| {
            view! {
                <p
                    class=if ok { "notice notice--success" } else { "notice notice--error" }
                    role=if ok { "status" } else { "alert" }
                    data-testid=testid
                >
                    {text}
                </p>
            }
        })
    }
}

/// A form's submit button with the message line under it: `testid`
/// names the button, `label` is the translation key of its text, `notice`
/// the test id of the message (see [`OutcomeNotice`]).
#[component]
pub(crate) fn SubmitWithNotice(
    #[prop(into)] testid: String,
    label: &'static str,
    outcome: RwSignal<Outcome>,
    notice: &'static str,
    #[prop(default = "button button--primary")] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="form__actions">
            <button type="submit" class=class data-testid=testid>
                {move || i18n.t(label)}
            </button>
        </div>
        <div aria-live="polite">
            <OutcomeNotice outcome testid=notice />
        </div>
    }
}
