//! Moving through a long table a page at a time.

use fluent_bundle::FluentValue;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Previous / next buttons and "page 2 of 7", shown only when there is
/// more than one page. `label` is the translation key naming the table.
#[component]
pub(crate) fn Pager(
    page: RwSignal<usize>,
    #[prop(into)] pages: Signal<usize>,
    label: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || { pages.get() > 1 }>
            <nav class="pager" aria-label=move || i18n.t(label)>
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || page.get() == 0
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
                >
                    {move || i18n.t("page-previous")}
                </button>
                <span>
                    {move || {
                        i18n.t_with(
                            "page-of",
                            &[
                                ("page", FluentValue::from(page.get() + 1)),
                                ("pages", FluentValue::from(pages.get())),
                            ],
                        )
                    }}
                </span>
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || { page.get() + 1 >= pages.get() }
                    on:click=move |_| page.update(|p| *p += 1)
                >
                    {move || i18n.t("page-next")}
                </button>
            </nav>
        </Show>
    }
}
