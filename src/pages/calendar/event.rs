//! One event: what is planned (editable), its calendar file, cancelling,
//! and the attendance list with quick marking at the door. The buttons are
//! large enough for a phone held in one hand; like everything else, marking
//! works without a network and merges later.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    event_ics, Attendance, AttendanceStatus, Audience, Command, EventDetails, EventId, PersonId,
};

use crate::clock::now_seconds;
use crate::components::calendar_text::{
    audience_text, event_when, file_stem, hours, read_hours, OnlineLink,
};
use crate::components::event_form::EventForm;
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::download::offer_download;
use crate::i18n::{use_i18n, I18n};
use crate::pages::param;
use crate::routes::Page;
use crate::session::{use_session, ProgrammeSession};

/// Offers one event as a calendar file.
fn download_event(i18n: I18n, programme: &tandem_core::Programme, id: EventId) {
    let Some(event) = programme.events.get(&id) else {
        return;
    };
    let Some(text) = event_ics(programme, id, now_seconds(), |kind| {
        i18n.t(&format!("event-kind-{}", kind.code()))
    }) else {
        return;
    };
    let name = format!("{}.ics", file_stem(&event.details.title));
    let _ = offer_download(&name, "text/calendar;charset=utf-8", text.as_bytes());
}

/// The page at `/programme/:id/calendar/:event`.
#[component]
pub(crate) fn EventPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let event_id = param::<EventId>("event");
    let found = Memo::new(move |_| {
        event_id().filter(|id| {
            session
                .with(|programme| programme.events.contains_key(id))
                .unwrap_or(false)
        })
    });
    move || match found.get() {
        Some(id) => view! { <EventView id /> }.into_any(),
        None => view! {
            <p class="notice notice--warning" role="alert">
                {i18n.t("event-not-found")}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn EventView(id: EventId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = session.with_untracked(|p| p.id);
    let initial = session
        .with_untracked(|p| p.events.get(&id).map(|event| event.details.clone()))
        .flatten();
    let event = move || session.with(|p| p.events.get(&id).cloned()).flatten();
    let summary = move || {
        session
            .with(|p| {
                let event = p.events.get(&id)?;
                let host = p.organisation_name(event.details.host).to_string();
                let audience_org = match event.details.audience {
                    Audience::Organisation(org) => p.organisation_name(Some(org)).to_string(),
                    _ => String::new(),
                };
                Some((event.clone(), host, audience_org))
            })
            .flatten()
    };
    let cancel_outcome = RwSignal::new(Outcome::Idle);
    let toggle_cancel = move |_| {
        let cancelled = event().map(|e| e.cancelled).unwrap_or(false);
        cancel_outcome.set(
            match session.dispatch(Command::CancelEvent {
                id,
                cancelled: !cancelled,
            }) {
                Ok(()) => Outcome::Done(i18n.t(if cancelled {
                    "event-reinstated"
                } else {
                    "event-cancelled-done"
                })),
                Err(message) => Outcome::Refused(message),
            },
        );
    };
    let download = move |_| {
        session.with_untracked(|programme| download_event(i18n, programme, id));
    };
    let submit = move |details: EventDetails| {
        session.dispatch(Command::UpdateEvent { id, details })?;
        Ok(i18n.t("event-saved"))
    };

    view! {
        <p class="back-link">
            {programme_id
                .map(|p| {
                    view! { <A href=Page::Calendar(p).path()>{move || i18n.t("event-back")}</A> }
                })}
        </p>
        {move || {
            summary()
                .map(|(event, host, audience_org)| {
                    let details = event.details.clone();
                    view! {
                        <section class="panel" aria-labelledby="event-heading">
                            <div class="panel__header">
                                <h2 id="event-heading" data-testid="event-heading">
                                    {details.title.clone()}
                                    {event
                                        .cancelled
                                        .then(|| {
                                            view! {
                                                " "
                                                <span
                                                    class="badge badge--withdrawn"
                                                    data-testid="event-cancelled"
                                                >
                                                    {i18n.t("event-cancelled")}
                                                </span>
                                            }
                                        })}
                                </h2>
                                <div class="button-row">
                                    <button
                                        type="button"
                                        class="button button--secondary"
                                        data-testid="event-ics"
                                        on:click=download
                                    >
                                        {i18n.t("event-download-ics")}
                                    </button>
                                    <button
                                        type="button"
                                        class=if event.cancelled {
                                            "button button--secondary"
                                        } else {
                                            "button button--danger"
                                        }
                                        data-testid="event-cancel"
                                        on:click=toggle_cancel
                                    >
                                        {i18n
                                            .t(
                                                if event.cancelled {
                                                    "event-reinstate"
                                                } else {
                                                    "event-cancel"
                                                },
                                            )}
                                    </button>
                                </div>
                            </div>
                            <dl class="facts">
                                <dt>{i18n.t("event-kind")}</dt>
                                <dd>{i18n.t(&format!("event-kind-{}", details.kind.code()))}</dd>
                                <dt>{i18n.t("event-when")}</dt>
                                <dd data-testid="event-when">{event_when(i18n, &details)}</dd>
                                {(!details.place.is_empty())
                                    .then(|| {
                                        view! {
                                            <dt>{i18n.t("event-place")}</dt>
                                            <dd>{details.place.clone()}</dd>
                                        }
                                    })}
                                {(!details.online_link.is_empty())
                                    .then(|| {
                                        view! {
                                            <dt>{i18n.t("event-link")}</dt>
                                            <dd>
                                                <OnlineLink link=details.online_link.clone() />
                                            </dd>
                                        }
                                    })}
                                {(!host.is_empty())
                                    .then(|| {
                                        view! {
                                            <dt>{i18n.t("event-host")}</dt>
                                            <dd>{host.clone()}</dd>
                                        }
                                    })}
                                <dt>{i18n.t("event-audience")}</dt>
                                <dd>{audience_text(i18n, details.audience, &audience_org)}</dd>
                                <dt>{i18n.t("event-hours")}</dt>
                                <dd data-testid="event-hours">{hours(i18n, details.minutes)}</dd>
                                {details
                                    .capacity
                                    .map(|capacity| {
                                        view! {
                                            <dt>{i18n.t("event-capacity")}</dt>
                                            <dd>
                                                {i18n
                                                    .t_with(
                                                        "event-places-taken",
                                                        &[
                                                            ("taken", FluentValue::from(event.taken_places())),
                                                            ("capacity", FluentValue::from(capacity)),
                                                        ],
                                                    )}
                                            </dd>
                                        }
                                    })}
                            </dl>
                            {(!details.description.is_empty())
                                .then(|| {
                                    view! {
                                        <p class="event-description">
                                            {details.description.clone()}
                                        </p>
                                    }
                                })}
                            <div aria-live="polite">
                                <OutcomeNotice outcome=cancel_outcome testid="event-cancel" />
                            </div>
                        </section>
                    }
                })
        }}
        <AttendanceList id />
        {initial
            .map(|initial| {
                view! {
                    <details class="disclosure panel">
                        <summary>{move || i18n.t("event-edit")}</summary>
                        <EventForm initial prefix="edit-event" submit_label="event-save" submit />
                    </details>
                }
            })}
    }
}

/// The marks in the order the door needs them: who came first, the
/// planning states last.
const DOOR_ORDER: [AttendanceStatus; 5] = [
    AttendanceStatus::Attended,
    AttendanceStatus::Excused,
    AttendanceStatus::Absent,
    AttendanceStatus::Registered,
    AttendanceStatus::Invited,
];

/// The attendance list: one row per person, quick buttons for the door.
/// Rows are keyed by person and follow their own entry, so marking one
/// person leaves the rest of the list (and the keyboard focus) in place.
#[component]
fn AttendanceList(id: EventId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Idle);
    let state = Memo::new(move |_| {
        session
            .with(|programme| {
                programme
                    .events
                    .get(&id)
                    .map(|event| (event.cancelled, event.details.minutes))
            })
            .flatten()
    });
    let people = Memo::new(move |_| {
        session
            .with(|programme| {
                let Some(event) = programme.events.get(&id) else {
                    return Vec::new();
                };
                programme
                    .attendance_list(event)
                    .into_iter()
                    .map(|(person, entry)| {
                        let role = i18n.t(&format!("role-{}", entry.details.role.code()));
                        let organisation = programme.organisation_name(entry.details.organisation);
                        let meta = if organisation.is_empty() {
                            role
                        } else {
                            format!("{role} · {organisation}")
                        };
                        (person, entry.details.name.clone(), meta)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let entry_of = move |person: PersonId| attendance_of(session, id, person);
    let counts = move || {
        let statuses: Vec<Option<AttendanceStatus>> = people.with(|list| {
            list.iter()
                .map(|(person, _, _)| entry_of(*person).map(|entry| entry.status))
                .collect()
        });
        attendance_counts(i18n, &statuses)
    };
    let row = move |(person, name, meta): (PersonId, String, String)| {
        view! { <AttendanceRow id person name meta state outcome /> }
    };

    view! {
        <section class="panel" aria-labelledby="attendance-title">
            <div class="panel__header">
                <h2 id="attendance-title">{move || i18n.t("attendance-title")}</h2>
                <p class="muted" data-testid="attendance-counts" role="status">
                    {counts}
                </p>
            </div>
            <div aria-live="polite">
                <OutcomeNotice outcome=outcome testid="attendance" />
            </div>
            {move || match state.get() {
                None => ().into_any(),
                Some((true, _)) => {
                    view! { <p class="notice notice--warning">{i18n.t("attendance-cancelled")}</p> }
                        .into_any()
                }
                Some((false, _)) => ().into_any(),
            }}
            <Show when=move || {
                state.get().is_some_and(|(cancelled, _)| !cancelled)
                    && people.with(|p| p.is_empty())
            }>
                <p class="empty-state">{move || i18n.t("attendance-none")}</p>
            </Show>
            <Show when=move || state.get().is_some_and(|(cancelled, _)| !cancelled)>
                <ul class="attendance-list" data-testid="attendance-list">
                    <For
                        each=move || people.get()
                        key=|(person, name, meta)| (*person, name.clone(), meta.clone())
                        children=row
                    />
                </ul>
            </Show>
        </section>
    }
}

/// One person on the attendance list: the marks for the door and, once
/// they came, the hours credited to them.
#[component]
fn AttendanceRow(
    id: EventId,
    person: PersonId,
    name: String,
    meta: String,
    state: Memo<Option<(bool, u32)>>,
    outcome: RwSignal<Outcome>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let entry_of = move |person: PersonId| attendance_of(session, id, person);
    let mark = move |person: PersonId, status: AttendanceStatus| match session.dispatch(
        Command::MarkAttendance {
            event: id,
            person,
            status,
        },
    ) {
        Ok(()) => outcome.set(Outcome::Idle),
        Err(message) => outcome.set(Outcome::Refused(message)),
    };
    let set_hours = move |person: PersonId, text: String| {
        let Some(minutes) = read_hours(&text) else {
            outcome.set(Outcome::Refused(i18n.t("error-hours-invalid")));
            return;
        };
        match session.dispatch(Command::SetAttendedMinutes {
            event: id,
            person,
            minutes,
        }) {
            Ok(()) => outcome.set(Outcome::Idle),
            Err(message) => outcome.set(Outcome::Refused(message)),
        }
    };
    let status = move || entry_of(person).map(|entry| entry.status);
    let label_id = format!("attendee-{person}");
    let hours_id = format!("attendee-hours-{person}");
    view! {
        <li
            class="attendance-row"
            data-testid="attendance-row"
            data-name=name.clone()
            data-status=move || status().map(|s| s.code()).unwrap_or("none")
        >
            <div class="attendance-row__who">
                <span class="attendance-row__name" id=label_id.clone()>
                    {name.clone()}
                </span>
                <span class="muted attendance-row__meta">{meta}</span>
            </div>
            <div class="attendance-row__marks" role="group" aria-labelledby=label_id.clone()>
                {DOOR_ORDER
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <button
                                type="button"
                                class=format!("mark-button mark-button--{}", choice.code())
                                aria-pressed=move || {
                                    if status() == Some(choice) { "true" } else { "false" }
                                }
                                data-testid=format!("mark-{}", choice.code())
                                on:click=move |_| mark(person, choice)
                            >
                                {move || i18n.t(&format!("attendance-{}", choice.code()))}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <Show when=move || status() == Some(AttendanceStatus::Attended)>
                <div class="field attendance-row__hours">
                    <label for=hours_id.clone()>{move || i18n.t("attendance-hours")}</label>
                    <input
                        id=hours_id.clone()
                        type="text"
                        inputmode="decimal"
                        size="5"
                        data-testid="attendance-hours"
                        prop:value=move || {
                            entry_of(person)
                                .and_then(|entry| entry.minutes)
                                .map(|m| hours(i18n, m))
                                .unwrap_or_default()
                        }
                        placeholder=move || {
                            state.get().map(|(_, minutes)| hours(i18n, minutes)).unwrap_or_default()
                        }
                        on:change=move |ev| set_hours(person, event_target_value(&ev))
                    />
                </div>
            </Show>
        </li>
    }
}

/// How many came, were excused or absent, and how many are still open.
fn attendance_counts(i18n: I18n, statuses: &[Option<AttendanceStatus>]) -> String {
    let count = |status: AttendanceStatus| statuses.iter().filter(|s| **s == Some(status)).count();
    let open = statuses
        .iter()
        .filter(|status| {
            !matches!(
                status,
                Some(
                    AttendanceStatus::Attended
                        | AttendanceStatus::Excused
                        | AttendanceStatus::Absent
                )
            )
        })
        .count();
    i18n.t_with(
        "attendance-counts",
        &[
            (
                "attended",
                FluentValue::from(count(AttendanceStatus::Attended)),
            ),
            (
                "excused",
                FluentValue::from(count(AttendanceStatus::Excused)),
            ),
            ("absent", FluentValue::from(count(AttendanceStatus::Absent))),
            ("open", FluentValue::from(open)),
        ],
    )
}

/// A person's entry on an event's attendance list, as the programme says now.
fn attendance_of(session: ProgrammeSession, id: EventId, person: PersonId) -> Option<Attendance> {
    session
        .with(|programme| {
            programme
                .events
                .get(&id)
                .and_then(|event| event.attendance_of(person).copied())
        })
        .flatten()
}
