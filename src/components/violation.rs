//! A broken rule of the programme as a coordinator reads it: what is
//! wrong and who is involved, how urgent it is, the changes that led there,
//! and the ways to settle it (a button for each command that settles it as
//! it stands, a link to the form where one needs the coordinator's input).
//! The conflict list after a merge and the dashboard's "needs attention"
//! show the same items.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{Programme, Settle, Violation};

use crate::clock::today;
use crate::components::notice::Outcome;
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// Changes named under one violation; more are in the history.
const CAUSES_SHOWN: usize = 4;

/// What the violation says, in the coordinator's language.
pub(crate) fn violation_text(i18n: I18n, programme: &Programme, violation: &Violation) -> String {
    let names = |people: &[tandem_core::PersonId]| {
        people
            .iter()
            .map(|person| programme.person_name(*person))
            .filter(|name| !name.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let event = violation
        .events
        .first()
        .and_then(|event| programme.events.get(event))
        .map(|event| event.details.title.clone())
        .unwrap_or_default();
    let partners = violation
        .partners
        .iter()
        .map(|partner| programme.organisation_name(Some(*partner)))
        .collect::<Vec<_>>()
        .join(", ");
    i18n.t_with(
        &format!("invariant-{}", violation.invariant.code()),
        &[
            ("names", FluentValue::from(names(&violation.people))),
            ("count", FluentValue::from(violation.count.unwrap_or(0))),
            ("limit", FluentValue::from(violation.limit.unwrap_or(0))),
            ("event", FluentValue::from(event)),
            ("partners", FluentValue::from(partners)),
        ],
    )
}

/// The name of what a way of settling acts on (a tandem's pair and who
/// formed it, a person).
fn settle_target(
    i18n: I18n,
    programme: &Programme,
    violation: &Violation,
    settle: &Settle,
) -> String {
    let pair = |tandem: &tandem_core::TandemId| {
        let names = programme
            .tandems
            .get(tandem)
            .map(|found| {
                format!(
                    "{} – {}",
                    programme.person_name(found.mentee),
                    programme.person_name(found.mentor)
                )
            })
            .unwrap_or_default();
        let subject = tandem.to_string();
        match violation
            .causes
            .iter()
            .find(|cause| cause.subject == subject && cause.command == "create-tandem")
        {
            Some(cause) => i18n.t_with(
                "conflict-tandem-made-by",
                &[
                    ("pair", FluentValue::from(names)),
                    ("name", FluentValue::from(cause.by.clone())),
                    (
                        "time",
                        FluentValue::from(if cause.at > 0 {
                            i18n.date_time(cause.at)
                        } else {
                            String::new()
                        }),
                    ),
                ],
            ),
            None => names,
        }
    };
    match settle {
        Settle::DissolveTandem(tandem) | Settle::EndTandem(tandem) => pair(tandem),
        Settle::AcceptAgain(person)
        | Settle::WithdrawDuplicate(person)
        | Settle::EditPerson(person)
        | Settle::EditConsent(person) => programme.person_name(*person).to_string(),
        Settle::FixPair(pair) | Settle::ExcludePair(pair) | Settle::ReleasePair(pair) => format!(
            "{} – {}",
            programme.person_name(pair.mentee),
            programme.person_name(pair.mentor)
        ),
        Settle::SetEventPlaces { places, .. } => places.to_string(),
        Settle::RenamePartnerTo { name, .. } => name.clone(),
        Settle::ClearOutcome { person, .. } | Settle::WithdrawConsentOnGiven(person) => {
            programme.person_name(*person).to_string()
        }
        Settle::SetRetention(months) => months.to_string(),
        _ => String::new(),
    }
}

/// One violation with its causes and, if `settle` is given, its ways to
/// settle it.
#[component]
pub(crate) fn ViolationItem(
    violation: Violation,
    /// Where the result of a settling command is told.
    #[prop(optional)]
    outcome: Option<RwSignal<Outcome>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let Some(id) = session.with_untracked(|programme| programme.id) else {
        return ().into_any();
    };
    let text = session
        .with_untracked(|programme| violation_text(i18n, programme, &violation))
        .unwrap_or_default();
    let severity = violation.severity().code();
    let causes: Vec<String> = violation
        .causes
        .iter()
        .rev()
        .take(CAUSES_SHOWN)
        .map(|cause| {
            i18n.t_with(
                "violation-cause",
                &[
                    ("name", FluentValue::from(cause.by.clone())),
                    (
                        "change",
                        FluentValue::from(i18n.t(&format!("command-{}", cause.command))),
                    ),
                    (
                        "time",
                        FluentValue::from(if cause.at > 0 {
                            i18n.date_time(cause.at)
                        } else {
                            String::new()
                        }),
                    ),
                ],
            )
        })
        .collect();
    let ways = outcome.map(|outcome| {
        violation
            .settle
            .iter()
            .map(|settle| {
                let target = session
                    .with_untracked(|programme| settle_target(i18n, programme, &violation, settle))
                    .unwrap_or_default();
                let label = i18n.t_with(
                    &format!("settle-{}", settle.code()),
                    &[("target", FluentValue::from(target))],
                );
                let link = match settle {
                    Settle::EditPerson(person) | Settle::EditConsent(person) => {
                        Some(Page::Person(id, *person).path())
                    }
                    Settle::EditEvent(event) => Some(Page::Event(id, *event).path()),
                    Settle::RenamePartner(_) => Some(Page::Settings(id).path()),
                    _ => None,
                };
                if let Some(link) = link {
                    return view! {
                        <li class="conflict__option">
                            <A href=link>{label}</A>
                        </li>
                    }
                    .into_any();
                }
                let testid = settle.code();
                let settle = settle.clone();
                let reason = i18n.t("settle-reason");
                let command = session
                    .with_untracked(|programme| settle.command(programme, today(), &reason))
                    .flatten();
                match command {
                    Some(command) => view! {
                        <li class="conflict__option">
                            <button
                                type="button"
                                class="button button--secondary"
                                data-testid=testid
                                on:click=move |_| {
                                    outcome
                                        .set(
                                            match session.dispatch(command.clone()) {
                                                Ok(()) => Outcome::Done(i18n.t("conflict-settled")),
                                                Err(message) => Outcome::Refused(message),
                                            },
                                        )
                                }
                            >
                                {label}
                            </button>
                        </li>
                    }
                    .into_any(),
                    None => view! { <li class="conflict__option muted">{label}</li> }.into_any(),
                }
            })
            .collect_view()
    });
    view! {
        <div
            class=format!("violation violation--{severity}")
            data-testid="violation"
            data-rule=violation.invariant.code()
        >
            <p>
                <span class=format!(
                    "badge badge--{severity}",
                )>{i18n.t(&format!("severity-{severity}"))}</span>
                " "
                {text}
            </p>
            {(!causes.is_empty())
                .then(|| {
                    view! {
                        <ul class="plain-list muted">
                            {causes
                                .into_iter()
                                .map(|cause| view! { <li>{cause}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
            {ways.map(|ways| view! { <ul class="plain-list">{ways}</ul> })}
        </div>
    }
    .into_any()
}
