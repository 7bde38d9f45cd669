//! Completion and certificates: the programme's rules for the certificate
//! of participation, who meets them and what is missing, issuing one
//! against the rules with a reason, and the certificates themselves, laid
//! out as A4 documents for the browser's print (one per page, so the whole
//! cohort prints in one go). The person page shows the same for one person.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{Certificate, Command, CompletionRules, EventKind, PersonId};

use crate::clock::today;
use crate::components::calendar_text::{hours, read_hours};
use crate::components::field::CheckField;
use crate::components::notice::{Outcome, OutcomeNotice, SubmitWithNotice};
use crate::components::participation::{certificate_state, rule_list};
use crate::components::table::{Column, DataTable};
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// Kinds a rule can ask a number of; the closing ceremony has its own rule.
const COUNTED_KINDS: [EventKind; 8] = [
    EventKind::InfoEvent,
    EventKind::KickOff,
    EventKind::Seminar,
    EventKind::Workshop,
    EventKind::NetworkMeeting,
    EventKind::FiresideEvening,
    EventKind::RegularsTable,
    EventKind::CourseDay,
];

/// The page at `/programme/:id/certificates`.
#[component]
pub(crate) fn CertificatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Which certificates are printed: all, or one chosen from the table.
    let only = RwSignal::new(None::<PersonId>);
    let print = move |person: Option<PersonId>| {
        only.set(person);
        // Print once the chosen certificates are on the page.
        set_timeout(
            move || {
                if let Some(window) = web_sys::window() {
                    let _ = window.print();
                }
                only.set(None);
            },
            std::time::Duration::from_millis(100),
        );
    };
    let certificates = move || {
        session
            .with(|programme| {
                let mut certificates = programme.certificates();
                if let Some(person) = only.get() {
                    certificates.retain(|certificate| certificate.person == person);
                }
                certificates
            })
            .unwrap_or_default()
    };
    let issued_on = today();

    view! {
        <CompletionRulesPanel />
        <CompletionOverview print />
        <section class="panel no-print" aria-labelledby="certificates-title">
            <div class="panel__header">
                <h2 id="certificates-title">{move || i18n.t("certificates-title")}</h2>
                <button
                    type="button"
                    class="button button--primary"
                    data-testid="certificates-print"
                    on:click=move |_| print(None)
                >
                    {move || i18n.t("certificates-print-all")}
                </button>
            </div>
            <p class="muted">{move || i18n.t("certificates-print-hint")}</p>
            // What a certificate leaves out because it breaks a rule is
            // said here, never printed silently.
            {move || {
                let notes: Vec<String> = certificates()
                    .into_iter()
                    .filter(|certificate| !certificate.left_out.is_empty())
                    .map(|certificate| {
                        let rules = certificate
                            .left_out
                            .iter()
                            .map(|violation| {
                                i18n.t(&format!("rule-{}", violation.invariant.code()))
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        i18n.t_with(
                            "certificate-left-out",
                            &[
                                ("name", FluentValue::from(certificate.name.clone())),
                                ("rules", FluentValue::from(rules)),
                            ],
                        )
                    })
                    .collect();
                (!notes.is_empty())
                    .then(|| {
                        view! {
                            <ul
                                class="plain-list notice notice--warning"
                                data-testid="certificates-left-out"
                            >
                                {notes
                                    .into_iter()
                                    .map(|note| view! { <li>{note}</li> })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </section>
        <div class="certificate-batch" data-testid="certificate-batch">
            {move || {
                let certificates = certificates();
                if certificates.is_empty() {
                    return view! {
                        <p class="empty-state no-print">{i18n.t("certificates-none")}</p>
                    }
                        .into_any();
                }
                certificates
                    .into_iter()
                    .map(|certificate| certificate_sheet(i18n, certificate, issued_on))
                    .collect_view()
                    .into_any()
            }}
        </div>
    }
}

#[component]
fn CompletionRulesPanel() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rules = session
        .with_untracked(|p| p.completion.clone())
        .unwrap_or_default();
    let min_hours = RwSignal::new(if rules.min_minutes == 0 {
        String::new()
    } else {
        hours(i18n, rules.min_minutes)
    });
    let counts: Vec<(EventKind, RwSignal<String>)> = COUNTED_KINDS
        .into_iter()
        .map(|kind| {
            let value = rules
                .events_of_kind
                .get(kind.code())
                .map(|n| n.to_string())
                .unwrap_or_default();
            (kind, RwSignal::new(value))
        })
        .collect();
    let tandem = RwSignal::new(rules.tandem_completed);
    let closing = RwSignal::new(rules.closing_ceremony);
    let outcome = RwSignal::new(Outcome::Idle);
    let fields = counts.clone();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let hours_text = min_hours.get_untracked();
        let Some(min_minutes) = read_hours(&hours_text) else {
            outcome.set(Outcome::Refused(i18n.t("error-hours-invalid")));
            return;
        };
        let min_minutes = min_minutes.unwrap_or(0);
        let mut events_of_kind = std::collections::BTreeMap::new();
        for (kind, value) in &counts {
            let text = value.get_untracked();
            if text.trim().is_empty() {
                continue;
            }
            match text.trim().parse::<u32>() {
                Ok(count) => {
                    events_of_kind.insert(kind.code().to_string(), count);
                }
                Err(_) => {
                    outcome.set(Outcome::Refused(i18n.t("error-count-invalid")));
                    return;
                }
            }
        }
        let rules = CompletionRules {
            min_minutes,
            events_of_kind,
            tandem_completed: tandem.get_untracked(),
            closing_ceremony: closing.get_untracked(),
        };
        outcome.set(
            match session.dispatch(Command::SetCompletionRules { rules }) {
                Ok(()) => Outcome::Done(i18n.t("saved-status")),
                Err(message) => Outcome::Refused(message),
            },
        );
    };

    view! {
        <section class="panel no-print" aria-labelledby="completion-rules-title">
            <h2 id="completion-rules-title">{move || i18n.t("completion-rules-title")}</h2>
            <p class="muted">{move || i18n.t("completion-rules-hint")}</p>
            <form class="form" on:submit=save novalidate>
                <div class="field">
                    <label for="completion-hours">{move || i18n.t("completion-min-hours")}</label>
                    <input
                        id="completion-hours"
                        data-testid="completion-hours"
                        type="text"
                        inputmode="decimal"
                        bind:value=min_hours
                    />
                </div>
                <fieldset class="field-group">
                    <legend>{move || i18n.t("completion-events-of-kind")}</legend>
                    <div class="count-grid">
                        {fields
                            .into_iter()
                            .map(|(kind, value)| {
                                let id = format!("completion-count-{}", kind.code());
                                view! {
                                    <div class="field">
                                        <label for=id
                                            .clone()>
                                            {move || {
                                                i18n.t(&format!("event-kind-plural-{}", kind.code()))
                                            }}
                                        </label>
                                        <input
                                            id=id.clone()
                                            data-testid=id.clone()
                                            type="number"
                                            min="0"
                                            bind:value=value
                                        />
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
                <CheckField id="completion-tandem" label="rule-tandem-completed" checked=tandem />
                <CheckField id="completion-closing" label="rule-closing-ceremony" checked=closing />
                <SubmitWithNotice
                    testid="completion-save"
                    label="completion-save"
                    outcome=outcome
                    notice="completion"
                />
            </form>
        </section>
    }
}

#[component]
fn CompletionOverview(
    print: impl Fn(Option<PersonId>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = move || {
        session.with(|programme| {
            let rows = programme
                .completions()
                .into_iter()
                .map(|completion| {
                    (
                        programme.person_name(completion.person).to_string(),
                        completion,
                    )
                })
                .collect::<Vec<_>>();
            (programme.id, rows)
        })
    };
    view! {
        <section class="panel no-print" aria-labelledby="completion-title">
            <h2 id="completion-title">{move || i18n.t("completion-title")}</h2>
            {move || {
                let Some((programme, rows)) = rows() else { return ().into_any() };
                if rows.is_empty() {
                    return view! { <p class="empty-state">{i18n.t("completion-none")}</p> }
                        .into_any();
                }
                let due = rows.iter().filter(|(_, c)| c.certificate_due()).count();
                let total = rows.len();
                let table_rows = rows
                    .into_iter()
                    .map(|(name, completion)| {
                        let person = completion.person;
                        let link_name = name.clone();
                        let state = certificate_state(&completion);
                        // Rendered here, where the table's reads are tracked, not
                        // inside the table component (which reads untracked).
                        view! {
                            <tr data-testid="completion-row" data-name=name.clone()>
                                <th scope="row">
                                    <A href=Page::Person(programme, person).path()>{link_name}</A>
                                </th>
                                <td data-label=i18n
                                    .t(
                                        "column-role",
                                    )>{i18n.t(&format!("role-{}", completion.role.code()))}</td>
                                <td
                                    class="num"
                                    data-label=i18n.t("completion-hours")
                                    data-testid="completion-row-hours"
                                >
                                    {hours(i18n, completion.minutes)}
                                </td>
                                <td data-label=i18n
                                    .t("completion-rules")>{rule_list(i18n, &completion)}</td>
                                <td data-label=i18n.t("completion-certificate")>
                                    <span
                                        class=format!("badge badge--{state}")
                                        data-testid="certificate-state"
                                    >
                                        {i18n.t(state)}
                                    </span>
                                    {completion
                                        .grant
                                        .as_ref()
                                        .map(|grant| {
                                            view! {
                                                <p class="muted grant-note">
                                                    {i18n
                                                        .t_with(
                                                            "certificate-granted-by",
                                                            &[
                                                                ("name", FluentValue::from(grant.by_name.clone())),
                                                                ("date", FluentValue::from(i18n.day(grant.on))),
                                                                ("reason", FluentValue::from(grant.reason.clone())),
                                                            ],
                                                        )}
                                                </p>
                                            }
                                        })}
                                    {completion
                                        .certificate_due()
                                        .then(|| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="button button--secondary"
                                                    data-testid="certificate-print-one"
                                                    on:click=move |_| print(Some(person))
                                                >
                                                    {i18n.t("certificate-print-one")}
                                                </button>
                                            }
                                        })}
                                    {(!completion.meets_rules())
                                        .then(|| {
                                            view! {
                                                <GrantForm person granted=completion.grant.is_some() />
                                            }
                                        })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="muted" data-testid="completion-summary">
                        {i18n
                            .t_with(
                                "completion-summary",
                                &[
                                    ("due", FluentValue::from(due)),
                                    ("total", FluentValue::from(total)),
                                ],
                            )}
                    </p>
                    <DataTable
                        testid="completion-table"
                        head=|| {
                            view! {
                                <Column label="column-name" />
                                <Column label="column-role" />
                                <Column label="completion-hours" class="num" />
                                <Column label="completion-rules" />
                                <Column label="completion-certificate" />
                            }
                        }
                    >
                        {table_rows}
                    </DataTable>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Issuing a certificate against the rules, with the reason recorded; or
/// taking that back.
#[component]
fn GrantForm(person: PersonId, granted: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::Idle);
    let field_id = format!("grant-reason-{person}");
    if granted {
        let withdraw = move |_| {
            if let Err(message) = session.dispatch(Command::WithdrawCertificateGrant { person }) {
                outcome.set(Outcome::Refused(message));
            }
        };
        return view! {
            <button
                type="button"
                class="button button--secondary"
                data-testid="certificate-grant-withdraw"
                on:click=withdraw
            >
                {move || i18n.t("certificate-grant-withdraw")}
            </button>
            <OutcomeNotice outcome=outcome testid="grant" />
        }
        .into_any();
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match session.dispatch(Command::GrantCertificate {
            person,
            reason: reason.get_untracked(),
            on: today(),
        }) {
            Ok(()) => outcome.set(Outcome::Idle),
            Err(message) => outcome.set(Outcome::Refused(message)),
        }
    };
    view! {
        <details class="disclosure grant">
            <summary data-testid="certificate-grant-open">
                {move || i18n.t("certificate-grant")}
            </summary>
            <form class="form" on:submit=submit novalidate>
                <div class="field">
                    <label for=field_id.clone()>{move || i18n.t("certificate-grant-reason")}</label>
                    <textarea
                        id=field_id.clone()
                        data-testid="certificate-grant-reason"
                        rows="2"
                        bind:value=reason
                    ></textarea>
                </div>
                <button
                    type="submit"
                    class="button button--secondary"
                    data-testid="certificate-grant-submit"
                >
                    {move || i18n.t("certificate-grant-submit")}
                </button>
                <OutcomeNotice outcome=outcome testid="grant" />
            </form>
        </details>
    }
    .into_any()
}

/// One certificate as an A4 page.
fn certificate_sheet(
    i18n: I18n,
    certificate: Certificate,
    issued_on: tandem_core::Day,
) -> impl IntoView {
    let role = i18n.t(&format!("certificate-role-{}", certificate.role.code()));
    let period = i18n.t_with(
        "certificate-period",
        &[
            ("from", FluentValue::from(i18n.day(certificate.from))),
            ("to", FluentValue::from(i18n.day(certificate.to))),
            ("role", FluentValue::from(role)),
        ],
    );
    let issuers = certificate.issuers.join(" · ");
    let total = hours(i18n, certificate.minutes);
    let has_events = !certificate.events.is_empty();
    view! {
        <article class="certificate" data-testid="certificate" data-name=certificate.name.clone()>
            <header class="certificate__issuers">{issuers}</header>
            <h2 class="certificate__title">{i18n.t("certificate-heading")}</h2>
            <p class="certificate__lead">{i18n.t("certificate-lead")}</p>
            <p class="certificate__name" data-testid="certificate-name">
                {certificate.name.clone()}
            </p>
            {(!certificate.organisation.is_empty())
                .then(|| {
                    view! {
                        <p class="certificate__organisation">{certificate.organisation.clone()}</p>
                    }
                })}
            <p class="certificate__text">{period}</p>
            <p class="certificate__programme">{format!("„{}“", certificate.programme)}</p>
            <p class="certificate__text">{i18n.t("certificate-took-part")}</p>
            {certificate
                .tandem_completed
                .then(|| {
                    view! {
                        <p class="certificate__text">{i18n.t("certificate-tandem-completed")}</p>
                    }
                })}
            {(certificate.minutes > 0)
                .then(|| {
                    view! {
                        <p
                            class="certificate__text certificate__hours"
                            data-testid="certificate-hours"
                        >
                            {i18n
                                .t_with(
                                    "certificate-hours",
                                    &[("hours", FluentValue::from(total.clone()))],
                                )}
                        </p>
                    }
                })}
            {has_events
                .then(|| {
                    view! {
                        <table class="certificate__events">
                            <caption>{i18n.t("certificate-events")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{i18n.t("certificate-column-date")}</th>
                                    <th scope="col">{i18n.t("certificate-column-event")}</th>
                                    <th scope="col" class="num">
                                        {i18n.t("certificate-column-hours")}
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {certificate
                                    .events
                                    .iter()
                                    .map(|event| {
                                        view! {
                                            <tr>
                                                <td>{i18n.day(event.day)}</td>
                                                <td>
                                                    {format!(
                                                        "{} ({})",
                                                        event.title,
                                                        i18n.t(&format!("event-kind-{}", event.kind.code())),
                                                    )}
                                                </td>
                                                <td class="num">{hours(i18n, event.minutes)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
            <p class="certificate__issued">
                {i18n
                    .t_with(
                        "certificate-issued-on",
                        &[("date", FluentValue::from(i18n.day(issued_on)))],
                    )}
            </p>
            <div class="certificate__signatures">
                {certificate
                    .signatories
                    .iter()
                    .map(|signatory| {
                        view! {
                            <div class="certificate__signature">
                                <div class="certificate__line"></div>
                                <p>
                                    {if signatory.name.is_empty() {
                                        i18n.t("certificate-signature")
                                    } else {
                                        signatory.name.clone()
                                    }}
                                </p>
                                <p class="certificate__signature-organisation">
                                    {signatory.organisation.clone()}
                                </p>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </article>
    }
}
