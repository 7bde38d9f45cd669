//! How the calendar's facts are written: course hours, when an event
//! takes place, who it is for, its online link, and a file name from a
//! title. The calendar, an event's page and the certificates all write
//! them the same way.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{hours_text, parse_hours, web_link, Audience, EventDetails};

use crate::i18n::I18n;
use crate::language::Language;

/// Course hours as the coordinator's language writes them.
pub(crate) fn hours(i18n: I18n, minutes: u32) -> String {
    hours_text(minutes, i18n.language() == Language::German)
}

/// The minutes an hours field holds: an empty field is none, `None` is a
/// field that cannot be read as hours.
pub(crate) fn read_hours(text: &str) -> Option<Option<u32>> {
    if text.trim().is_empty() {
        Some(None)
    } else {
        parse_hours(text).map(Some)
    }
}

/// When an event takes place: `10.03.2026, 09:00–17:00`, or with two days.
pub(crate) fn event_when(i18n: I18n, details: &EventDetails) -> String {
    if details.start_day == details.end_day {
        format!(
            "{}, {}–{}",
            i18n.day(details.start_day),
            details.start_time,
            details.end_time
        )
    } else {
        format!(
            "{}, {} – {}, {}",
            i18n.day(details.start_day),
            details.start_time,
            i18n.day(details.end_day),
            details.end_time
        )
    }
}

/// Who an event is for, in words.
pub(crate) fn audience_text(i18n: I18n, audience: Audience, organisation: &str) -> String {
    match audience {
        Audience::Organisation(_) => i18n.t_with(
            "event-audience-organisation",
            &[("name", FluentValue::from(organisation.to_string()))],
        ),
        other => i18n.t(&format!("event-audience-{}", other.code())),
    }
}

/// A file name made from a title: letters, digits and dashes.
pub(crate) fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let stem = stem
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "termin".into()
    } else {
        stem.chars().take(60).collect()
    }
}

/// An event's online link: a link only where it is a web address
/// (`https:`/`http:`); anything else a partner's data may hold (a
/// `javascript:` link) is shown as plain text, never made clickable.
#[component]
pub fn OnlineLink(link: String) -> impl IntoView {
    match web_link(&link) {
        Some(href) => view! {
            <a
                href=href.to_string()
                rel="noopener noreferrer"
                target="_blank"
                data-testid="event-link"
            >
                {link.clone()}
            </a>
        }
        .into_any(),
        None => view! { <span data-testid="event-link-text">{link}</span> }.into_any(),
    }
}
