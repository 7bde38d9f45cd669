//! A labelled form field bound to a signal, and the options of a select
//! that chooses one of a list by id.

use std::fmt::Display;

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A labelled input bound to `value`. `id` is also its test id; `label`
/// is the translation key of its label; `kind` is the input's type
/// (`text`, `date`, `number`, …); `autocomplete` is `off` unless the
/// field asks for the user's own data (`name`, `organization`).
#[component]
pub(crate) fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            // Participants' data is not the coordinator's own: by default
            // the browser should not keep it for suggestions in other forms.
            <input id=id data-testid=id type=kind autocomplete=autocomplete bind:value=value />
        </div>
    }
}

/// A labelled checkbox bound to `checked`. `id` is also its test id;
/// `label` is the translation key of its text.
#[component]
pub(crate) fn CheckField(
    id: &'static str,
    label: &'static str,
    checked: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="check" for=id>
            <input id=id data-testid=id type="checkbox" bind:checked=checked />
            <span>{move || i18n.t(label)}</span>
        </label>
    }
}

/// The options of a select that chooses one of `choices` (id and name) or
/// none: `none` is the translation key of the empty first option.
#[component]
pub(crate) fn ChoiceOptions<T, F>(none: &'static str, choices: F) -> impl IntoView
where
    T: Display + 'static,
    F: Fn() -> Vec<(T, String)> + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <option value="">{move || i18n.t(none)}</option>
        {move || {
            choices()
                .into_iter()
                .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                .collect_view()
        }}
    }
}

/// A checkbox inside its own label, without an id: `testid` names it for
/// the journeys, `label` is the translation key of its text.
#[component]
pub(crate) fn InlineCheck(
    testid: &'static str,
    label: &'static str,
    checked: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="checkbox">
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || checked.get()
                on:change=move |event| checked.set(event_target_checked(&event))
            />
            {move || i18n.t(label)}
        </label>
    }
}
