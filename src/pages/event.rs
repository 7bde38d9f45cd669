//! One event: what is planned (editable), its calendar file, cancelling,
//! and the attendance list with quick marking at the door. The buttons are
//! large enough for a phone held in one hand; like everything else, marking
//! works without a network and merges later.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{
    event_ics, hours_text, parse_hours, AttendanceStatus, Audience, ClockTime, Command, Day,
    EventDetails, EventId, EventKind, PersonId,
};

use super::param;
use crate::clock::{now_seconds, today};
use crate::components::notice::{Outcome, OutcomeNotice};
use crate::download::offer_download;
use crate::i18n::{use_i18n, I18n};
use crate::language::Language;
use crate::routes::Page;
use crate::session::use_session;

/// Course hours as the coordinator's language writes them.
pub(crate) fn hours(i18n: I18n, minutes: u32) -> String {
    hours_text(minutes, i18n.language() == Language::German)
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

/// Offers one event as a calendar file.
pub(crate) fn download_event(i18n: I18n, programme: &tandem_core::Programme, id: EventId) {
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

/// The form for what is planned, to create an event or change one.
#[component]
pub(crate) fn EventForm(
    initial: EventDetails,
    prefix: &'static str,
    submit_label: &'static str,
    submit: impl Fn(EventDetails) -> Result<String, String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let kind = RwSignal::new(initial.kind.code().to_string());
    let title = RwSignal::new(initial.title.clone());
    let start_day = RwSignal::new(initial.start_day.iso());
    let start_time = RwSignal::new(initial.start_time.to_string());
    // Most events last one day: the end day is asked for only when it differs.
    let end_day = RwSignal::new(if initial.end_day == initial.start_day {
        String::new()
    } else {
        initial.end_day.iso()
    });
    let end_time = RwSignal::new(initial.end_time.to_string());
    let place = RwSignal::new(initial.place.clone());
    let link = RwSignal::new(initial.online_link.clone());
    let host = RwSignal::new(initial.host.map(|h| h.to_string()).unwrap_or_default());
    let audience = RwSignal::new(initial.audience.code());
    let capacity = RwSignal::new(initial.capacity.map(|c| c.to_string()).unwrap_or_default());
    let hours_field = RwSignal::new(hours(i18n, initial.minutes));
    let description = RwSignal::new(initial.description.clone());
    let outcome = RwSignal::new(Outcome::Idle);
    let partners = session.partner_choices();
    let id = move |field: &str| format!("{prefix}-{field}");

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(start) = Day::parse(&start_day.get_untracked()) else {
            outcome.set(Outcome::Refused(i18n.t("error-event-day-missing")));
            return;
        };
        // An end day left empty is the start day: most events last one day.
        let end = Day::parse(&end_day.get_untracked()).unwrap_or(start);
        let (Ok(from), Ok(to)) = (
            ClockTime::parse(&start_time.get_untracked()),
            ClockTime::parse(&end_time.get_untracked()),
        ) else {
            outcome.set(Outcome::Refused(i18n.t("error-event-time-missing")));
            return;
        };
        let hours_text = hours_field.get_untracked();
        let minutes = if hours_text.trim().is_empty() {
            0
        } else {
            match parse_hours(&hours_text) {
                Some(minutes) => minutes,
                None => {
                    outcome.set(Outcome::Refused(i18n.t("error-hours-invalid")));
                    return;
                }
            }
        };
        let capacity_text = capacity.get_untracked();
        let capacity = if capacity_text.trim().is_empty() {
            None
        } else {
            match capacity_text.trim().parse::<u32>() {
                Ok(value) => Some(value),
                Err(_) => {
                    outcome.set(Outcome::Refused(i18n.t("error-event-capacity-zero")));
                    return;
                }
            }
        };
        let details = EventDetails {
            kind: EventKind::from_code(&kind.get_untracked()).unwrap_or(EventKind::Other),
            title: title.get_untracked(),
            start_day: start,
            start_time: from,
            end_day: end,
            end_time: to,
            place: place.get_untracked(),
            online_link: link.get_untracked(),
            host: host.get_untracked().parse().ok(),
            audience: Audience::from_code(&audience.get_untracked()).unwrap_or_default(),
            capacity,
            minutes,
            description: description.get_untracked(),
        };
        outcome.set(match submit(details) {
            Ok(message) => Outcome::Done(message),
            Err(message) => Outcome::Refused(message),
        });
    };

    let partner_options = partners.clone();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <div class="field-row">
                <div class="field">
                    <label for=id("kind")>{move || i18n.t("event-kind")}</label>
                    <select id=id("kind") data-testid=id("kind") bind:value=kind>
                        {EventKind::ALL.into_iter().map(|k| view! {
                            <option value=k.code()>{move || i18n.t(&format!("event-kind-{}", k.code()))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("title")>{move || i18n.t("event-title")}</label>
                    <input id=id("title") data-testid=id("title") type="text" required bind:value=title />
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("start-day")>{move || i18n.t("event-start-day")}</label>
                    <input id=id("start-day") data-testid=id("start-day") type="date" required bind:value=start_day />
                </div>
                <div class="field">
                    <label for=id("start-time")>{move || i18n.t("event-start-time")}</label>
                    <input id=id("start-time") data-testid=id("start-time") type="time" required bind:value=start_time />
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("end-day")>{move || i18n.t("event-end-day")}</label>
                    <input id=id("end-day") data-testid=id("end-day") type="date" bind:value=end_day />
                </div>
                <div class="field">
                    <label for=id("end-time")>{move || i18n.t("event-end-time")}</label>
                    <input id=id("end-time") data-testid=id("end-time") type="time" required bind:value=end_time />
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("place")>{move || i18n.t("event-place")}</label>
                    <input id=id("place") data-testid=id("place") type="text" bind:value=place />
                </div>
                <div class="field">
                    <label for=id("link")>{move || i18n.t("event-link")}</label>
                    <input id=id("link") data-testid=id("link") type="url" placeholder="https://" bind:value=link />
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("host")>{move || i18n.t("event-host")}</label>
                    <select id=id("host") data-testid=id("host") bind:value=host>
                        <option value="">{move || i18n.t("event-host-none")}</option>
                        {partner_options.into_iter().map(|(partner, name)| view! {
                            <option value=partner.to_string()>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=id("audience")>{move || i18n.t("event-audience")}</label>
                    <select id=id("audience") data-testid=id("audience") bind:value=audience>
                        {["all", "mentees", "mentors"].into_iter().map(|code| view! {
                            <option value=code>{move || i18n.t(&format!("event-audience-{code}"))}</option>
                        }).collect_view()}
                        {partners.into_iter().map(|(partner, name)| {
                            let label = i18n.t_with("event-audience-organisation", &[("name", FluentValue::from(name))]);
                            view! { <option value=partner.to_string()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("hours")>{move || i18n.t("event-hours")}</label>
                    <input id=id("hours") data-testid=id("hours") type="text" inputmode="decimal" bind:value=hours_field />
                </div>
                <div class="field">
                    <label for=id("capacity")>{move || i18n.t("event-capacity")}</label>
                    <input id=id("capacity") data-testid=id("capacity") type="number" min="1" bind:value=capacity />
                </div>
            </div>
            <div class="field">
                <label for=id("description")>{move || i18n.t("event-description")}</label>
                <textarea id=id("description") data-testid=id("description") rows="3" bind:value=description></textarea>
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary" data-testid=id("submit")>{move || i18n.t(submit_label)}</button>
            </div>
            <div aria-live="polite"><OutcomeNotice outcome testid=prefix /></div>
        </form>
    }
}

/// A new event's starting values: a day in the programme, 9 to 17 o'clock.
pub(crate) fn blank_event(start: Day) -> EventDetails {
    EventDetails {
        kind: EventKind::Seminar,
        title: String::new(),
        start_day: start,
        start_time: ClockTime::from_hm(9, 0).unwrap_or(ClockTime::MIDNIGHT),
        end_day: start,
        end_time: ClockTime::from_hm(17, 0).unwrap_or(ClockTime::MIDNIGHT),
        place: String::new(),
        online_link: String::new(),
        host: None,
        audience: Audience::All,
        capacity: None,
        minutes: 0,
        description: String::new(),
    }
}

/// The page at `/programme/:id/calendar/:event`.
#[component]
pub fn EventPage() -> impl IntoView {
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
            <p class="notice notice--warning" role="alert">{i18n.t("event-not-found")}</p>
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
            {programme_id.map(|p| view! { <A href=Page::Calendar(p).path()>{move || i18n.t("event-back")}</A> })}
        </p>
        {move || summary().map(|(event, host, audience_org)| {
            let details = event.details.clone();
            view! {
                <section class="panel" aria-labelledby="event-heading">
                    <div class="panel__header">
                        <h2 id="event-heading" data-testid="event-heading">
                            {details.title.clone()}
                            {event.cancelled.then(|| view! { " " <span class="badge badge--withdrawn" data-testid="event-cancelled">{i18n.t("event-cancelled")}</span> })}
                        </h2>
                        <div class="button-row">
                            <button type="button" class="button button--secondary" data-testid="event-ics" on:click=download>
                                {i18n.t("event-download-ics")}
                            </button>
                            <button type="button" class=if event.cancelled { "button button--secondary" } else { "button button--danger" } data-testid="event-cancel" on:click=toggle_cancel>
                                {i18n.t(if event.cancelled { "event-reinstate" } else { "event-cancel" })}
                            </button>
                        </div>
                    </div>
                    <dl class="facts">
                        <dt>{i18n.t("event-kind")}</dt>
                        <dd>{i18n.t(&format!("event-kind-{}", details.kind.code()))}</dd>
                        <dt>{i18n.t("event-when")}</dt>
                        <dd data-testid="event-when">{event_when(i18n, &details)}</dd>
                        {(!details.place.is_empty()).then(|| view! {
                            <dt>{i18n.t("event-place")}</dt><dd>{details.place.clone()}</dd>
                        })}
                        {(!details.online_link.is_empty()).then(|| view! {
                            <dt>{i18n.t("event-link")}</dt>
                            <dd><a href=details.online_link.clone() rel="noopener noreferrer" target="_blank">{details.online_link.clone()}</a></dd>
                        })}
                        {(!host.is_empty()).then(|| view! { <dt>{i18n.t("event-host")}</dt><dd>{host.clone()}</dd> })}
                        <dt>{i18n.t("event-audience")}</dt>
                        <dd>{audience_text(i18n, details.audience, &audience_org)}</dd>
                        <dt>{i18n.t("event-hours")}</dt>
                        <dd data-testid="event-hours">{hours(i18n, details.minutes)}</dd>
                        {details.capacity.map(|capacity| view! {
                            <dt>{i18n.t("event-capacity")}</dt>
                            <dd>{i18n.t_with("event-places-taken", &[
                                ("taken", FluentValue::from(event.taken_places())),
                                ("capacity", FluentValue::from(capacity)),
                            ])}</dd>
                        })}
                    </dl>
                    {(!details.description.is_empty()).then(|| view! { <p class="event-description">{details.description.clone()}</p> })}
                    <div aria-live="polite"><OutcomeNotice outcome=cancel_outcome testid="event-cancel" /></div>
                </section>
            }
        })}
        <AttendanceList id />
        {initial.map(|initial| view! {
            <details class="disclosure panel">
                <summary>{move || i18n.t("event-edit")}</summary>
                <EventForm initial prefix="edit-event" submit_label="event-save" submit />
            </details>
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
    let entry_of = move |person: PersonId| {
        session
            .with(|programme| {
                programme
                    .events
                    .get(&id)
                    .and_then(|event| event.attendance_of(person).copied())
            })
            .flatten()
    };
    let counts = move || {
        let list = people.get();
        let statuses: Vec<Option<AttendanceStatus>> = list
            .iter()
            .map(|(person, _, _)| entry_of(*person).map(|entry| entry.status))
            .collect();
        let count =
            |status: AttendanceStatus| statuses.iter().filter(|s| **s == Some(status)).count();
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
    };
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
        let minutes = if text.trim().is_empty() {
            None
        } else {
            match parse_hours(&text) {
                Some(minutes) => Some(minutes),
                None => {
                    outcome.set(Outcome::Refused(i18n.t("error-hours-invalid")));
                    return;
                }
            }
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
    let row = move |(person, name, meta): (PersonId, String, String)| {
        let status = move || entry_of(person).map(|entry| entry.status);
        let label_id = format!("attendee-{person}");
        let hours_id = format!("attendee-hours-{person}");
        view! {
            <li class="attendance-row" data-testid="attendance-row" data-name=name.clone()
                data-status=move || status().map(|s| s.code()).unwrap_or("none")>
                <div class="attendance-row__who">
                    <span class="attendance-row__name" id=label_id.clone()>{name.clone()}</span>
                    <span class="muted attendance-row__meta">{meta}</span>
                </div>
                <div class="attendance-row__marks" role="group" aria-labelledby=label_id.clone()>
                    {DOOR_ORDER.into_iter().map(|choice| view! {
                        <button type="button"
                            class=format!("mark-button mark-button--{}", choice.code())
                            aria-pressed=move || if status() == Some(choice) { "true" } else { "false" }
                            data-testid=format!("mark-{}", choice.code())
                            on:click=move |_| mark(person, choice)>
                            {move || i18n.t(&format!("attendance-{}", choice.code()))}
                        </button>
                    }).collect_view()}
                </div>
                <Show when=move || status() == Some(AttendanceStatus::Attended)>
                    <div class="field attendance-row__hours">
                        <label for=hours_id.clone()>{move || i18n.t("attendance-hours")}</label>
                        <input id=hours_id.clone() type="text" inputmode="decimal" size="5"
                            data-testid="attendance-hours"
                            prop:value=move || entry_of(person).and_then(|entry| entry.minutes).map(|m| hours(i18n, m)).unwrap_or_default()
                            placeholder=move || state.get().map(|(_, minutes)| hours(i18n, minutes)).unwrap_or_default()
                            on:change=move |ev| set_hours(person, event_target_value(&ev)) />
                    </div>
                </Show>
            </li>
        }
    };

    view! {
        <section class="panel" aria-labelledby="attendance-title">
            <div class="panel__header">
                <h2 id="attendance-title">{move || i18n.t("attendance-title")}</h2>
                <p class="muted" data-testid="attendance-counts" role="status">{counts}</p>
            </div>
            <div aria-live="polite"><OutcomeNotice outcome=outcome testid="attendance" /></div>
            {move || match state.get() {
                None => ().into_any(),
                Some((true, _)) => view! {
                    <p class="notice notice--warning">{i18n.t("attendance-cancelled")}</p>
                }
                .into_any(),
                Some((false, _)) => ().into_any(),
            }}
            <Show when=move || { state.get().is_some_and(|(cancelled, _)| !cancelled) && people.with(|p| p.is_empty()) }>
                <p class="empty-state">{move || i18n.t("attendance-none")}</p>
            </Show>
            <Show when=move || state.get().is_some_and(|(cancelled, _)| !cancelled)>
                <ul class="attendance-list" data-testid="attendance-list">
                    <For each=move || people.get() key=|(person, name, meta)| (*person, name.clone(), meta.clone()) children=row />
                </ul>
            </Show>
        </section>
    }
}

/// Today, or the programme's start if the programme has not begun: the day
/// a new event form offers first.
pub(crate) fn first_offered_day(programme_start: Day) -> Day {
    today().max(programme_start)
}
