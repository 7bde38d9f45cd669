//! The answers to a question asked before a step that cannot be undone.

use leptos::ev::MouseEvent;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The red button that takes the step (`testid` names it, `yes` is the
/// translation key of its text) and the one that sets `asking` back to
/// false (`no`).
#[component]
pub(crate) fn ConfirmButtons<F>(
    testid: &'static str,
    yes: &'static str,
    no: &'static str,
    on_yes: F,
    asking: RwSignal<bool>,
) -> impl IntoView
where
    F: FnMut(MouseEvent) + 'static,
{
    let i18n = use_i18n();
    view! {
        <div class="button-row">
            <button type="button" class="button button--danger" data-testid=testid on:click=on_yes>
                {move || i18n.t(yes)}
            </button>
            <button
                type="button"
                class="button button--secondary"
                on:click=move |_| asking.set(false)
            >
                {move || i18n.t(no)}
            </button>
        </div>
    }
}
