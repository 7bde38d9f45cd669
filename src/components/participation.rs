//! Where one person stands with the certificate of participation: the
//! rules, each met or missing, the certificate's state, and the events
//! they were listed for. The certificates page shows the rules for the
//! whole cohort; the person page shows this panel.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{Completion, PersonId, Requirement, RuleCheck};

use crate::components::calendar_text::hours;
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// One rule and how a person stands against it, in words.
pub(crate) fn rule_text(i18n: I18n, check: &RuleCheck) -> String {
    match check.requirement {
        Requirement::Hours => i18n.t_with(
            "rule-hours-progress",
            &[
                ("have", FluentValue::from(hours(i18n, check.have))),
                ("needed", FluentValue::from(hours(i18n, check.needed))),
            ],
        ),
        Requirement::EventsOfKind(kind) => {
            let kind = i18n.t(&format!("event-kind-plural-{}", kind.code()));
            if check.offered == 0 {
                i18n.t_with(
                    "rule-events-not-offered",
                    &[("kind", FluentValue::from(kind))],
                )
            } else {
                i18n.t_with(
                    "rule-events-progress",
                    &[
                        ("kind", FluentValue::from(kind)),
                        ("have", FluentValue::from(check.have)),
                        ("needed", FluentValue::from(check.needed)),
                        ("offered", FluentValue::from(check.offered)),
                    ],
                )
            }
        }
        Requirement::TandemCompleted => i18n.t("rule-tandem-completed"),
        Requirement::ClosingCeremony => i18n.t("rule-closing-ceremony"),
    }
}

/// The rules, each marked met or missing (in words, not only by colour).
pub(crate) fn rule_list(i18n: I18n, completion: &Completion) -> impl IntoView {
    if completion.checks.is_empty() {
        return view! { <p class="muted">{i18n.t("rules-none-set")}</p> }.into_any();
    }
    view! {
        <ul class="rule-list">
            {completion
                .checks
                .iter()
                .map(|check| {
                    let met = check.met;
                    view! {
                        <li
                            class=if met { "rule rule--met" } else { "rule rule--missing" }
                            data-testid="rule"
                            data-met=if met { "true" } else { "false" }
                        >
                            <span class="rule__mark" aria-hidden="true">
                                {if met { "✓" } else { "✗" }}
                            </span>
                            <span class="rule__state">
                                {i18n.t(if met { "rule-met" } else { "rule-missing" })}
                            </span>
                            ": "
                            {rule_text(i18n, check)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// On the person page: events, hours, and the rules met and missing.
#[component]
pub(crate) fn PersonParticipation(id: PersonId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let data = move || {
        session
            .with(|programme| {
                let completion = programme.completion_of(id)?;
                let events = programme
                    .events_in_order()
                    .into_iter()
                    .filter_map(|(event_id, event)| {
                        let entry = event.attendance_of(id)?;
                        Some((
                            event_id,
                            event.details.title.clone(),
                            event.details.start_day,
                            entry.status,
                            event.cancelled,
                            event.credited_minutes(id),
                        ))
                    })
                    .collect::<Vec<_>>();
                Some((programme.id, completion, events))
            })
            .flatten()
    };
    view! {
        <section class="panel" aria-labelledby="participation-title" data-testid="participation">
            <h2 id="participation-title">{move || i18n.t("participation-title")}</h2>
            {move || {
                data()
                    .map(|(programme, completion, events)| {
                        let state = certificate_state(&completion);
                        view! {
                            <p data-testid="participation-hours">
                                {i18n
                                    .t_with(
                                        "participation-hours",
                                        &[
                                            (
                                                "hours",
                                                FluentValue::from(hours(i18n, completion.minutes)),
                                            ),
                                        ],
                                    )}
                            </p>
                            {rule_list(i18n, &completion)}
                            <p>
                                <span
                                    class=format!("badge badge--{state}")
                                    data-testid="participation-certificate"
                                >
                                    {i18n.t(state)}
                                </span>
                            </p>
                            {if events.is_empty() {
                                view! { <p class="muted">{i18n.t("participation-no-events")}</p> }
                                    .into_any()
                            } else {
                                view! {
                                    <ul class="plain-list" data-testid="participation-events">
                                        {events
                                            .into_iter()
                                            .map(|(event_id, title, day, status, cancelled, minutes)| {
                                                view! {
                                                    <li>
                                                        <A href=Page::Event(programme, event_id).path()>{title}</A>
                                                        {format!(
                                                            " · {} · {}",
                                                            i18n.day(day),
                                                            i18n.t(&format!("attendance-{}", status.code())),
                                                        )}
                                                        {(minutes > 0)
                                                            .then(|| format!(" · {} h", hours(i18n, minutes)))}
                                                        {cancelled
                                                            .then(|| format!(" · {}", i18n.t("event-cancelled")))}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }}
                            <p>
                                <A href=Page::Certificates(programme)
                                    .path()>{i18n.t("participation-to-certificates")}</A>
                            </p>
                        }
                    })
            }}
        </section>
    }
}

/// Where a person stands with their certificate: rules met, issued
/// against the rules, or missing (a translation key, also the badge's
/// modifier).
pub(crate) fn certificate_state(completion: &Completion) -> &'static str {
    if completion.meets_rules() {
        "certificate-state-met"
    } else if completion.grant.is_some() {
        "certificate-state-granted"
    } else {
        "certificate-state-missing"
    }
}
