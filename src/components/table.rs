//! A table of records: it scrolls sideways on a narrow screen instead of
//! squeezing its columns, and its column headers are translated.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A table that scrolls sideways when it is wider than the screen. `head`
/// holds the header cells (see [`Column`]), the children the body's rows.
/// `testid` names the table for the journeys; `caption` is read out by
/// screen readers only. `region` is the id of the heading that names the
/// table: then the scrolling box is a labelled region a keyboard can reach,
/// for tables too wide for a phone whatever their layout.
#[component]
pub(crate) fn DataTable(
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(default = "data-table data-table--cards")] class: &'static str,
    #[prop(optional, into)] caption: Option<String>,
    #[prop(optional)] region: Option<&'static str>,
    #[prop(into)] head: ViewFn,
    children: Children,
) -> impl IntoView {
    view! {
        <div
            class="table-scroll"
            role=region.map(|_| "region")
            aria-labelledby=region
            tabindex=region.map(|_| "0")
        >
            <table class=class data-testid=testid>
                {caption.map(|text| view! { <caption class="visually-hidden">{text}</caption> })}
                <thead>
                    <tr>{head.run()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A column header: `label` is the translation key of its text, `class`
/// its alignment or when it hides (`num`, `hide-narrow`).
#[component]
pub(crate) fn Column(
    #[prop(into)] label: String,
    #[prop(optional)] class: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <th scope="col" class=class>
            {move || i18n.t(&label)}
        </th>
    }
}
