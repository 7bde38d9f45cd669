//! The programme calendar: every event as a list or as a month, a calendar
//! file of the whole programme, and the form to plan a new event.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use leptos_router::components::A;
use tandem_core::{programme_ics, Audience, Command, Day, EventDetails, EventId};

use crate::clock::{now_seconds, today};
use crate::components::calendar_text::{audience_text, event_when, file_stem, hours};
use crate::components::event_form::{blank_event, first_offered_day, EventForm};
use crate::components::table::{Column, DataTable};
use crate::download::offer_download;
use crate::i18n::{use_i18n, I18n};
use crate::routes::Page;
use crate::session::use_session;

/// One line of the calendar.
#[derive(Debug, Clone, PartialEq)]
struct EventLine {
    id: EventId,
    details: EventDetails,
    cancelled: bool,
    place: String,
    audience: String,
    attended: usize,
    listed: usize,
}

/// How the calendar is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    List,
    Month,
}

/// The page at `/programme/:id/calendar`.
#[component]
pub(crate) fn CalendarPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = session.with_untracked(|p| p.id);
    let view_mode = RwSignal::new(View::List);
    let (start, end) = session
        .with_untracked(|p| (p.start, p.end))
        .unwrap_or((today(), today()));
    let shown = today().max(start).min(end).parts();
    let month = RwSignal::new((shown.0, shown.1));

    let lines = move || {
        session
            .with(|programme| {
                programme
                    .events_in_order()
                    .into_iter()
                    .map(|(id, event)| {
                        let place = if event.details.place.is_empty() {
                            if event.details.online_link.is_empty() {
                                String::new()
                            } else {
                                i18n.t("event-online")
                            }
                        } else {
                            event.details.place.clone()
                        };
                        let organisation = match event.details.audience {
                            Audience::Organisation(org) => {
                                programme.organisation_name(Some(org)).to_string()
                            }
                            _ => String::new(),
                        };
                        EventLine {
                            id,
                            details: event.details.clone(),
                            cancelled: event.cancelled,
                            place,
                            audience: audience_text(i18n, event.details.audience, &organisation),
                            attended: event
                                .attendance
                                .values()
                                .filter(|entry| {
                                    entry.status == tandem_core::AttendanceStatus::Attended
                                })
                                .count(),
                            listed: programme.attendance_list(event).len(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let download_all = move |_| {
        let Some((name, text)) = session.with_untracked(|programme| {
            let text = programme_ics(programme, now_seconds(), |kind| {
                i18n.t(&format!("event-kind-{}", kind.code()))
            });
            (format!("{}.ics", file_stem(&programme.name)), text)
        }) else {
            return;
        };
        let _ = offer_download(&name, "text/calendar;charset=utf-8", text.as_bytes());
    };
    let switch = move |mode: View, key: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                class="view-switch__option"
                data-testid=testid
                aria-pressed=move || if view_mode.get() == mode { "true" } else { "false" }
                on:click=move |_| view_mode.set(mode)
            >
                {move || i18n.t(key)}
            </button>
        }
    };

    view! {
        <section class="panel" aria-labelledby="calendar-title">
            <div class="panel__header">
                <h2 id="calendar-title">{move || i18n.t("calendar-title")}</h2>
                <div class="button-row">
                    <div
                        class="view-switch"
                        role="group"
                        aria-label=move || i18n.t("calendar-view")
                    >
                        {switch(View::List, "calendar-view-list", "calendar-view-list")}
                        {switch(View::Month, "calendar-view-month", "calendar-view-month")}
                    </div>
                    <button
                        type="button"
                        class="button button--secondary"
                        data-testid="calendar-ics"
                        on:click=download_all
                    >
                        {move || i18n.t("calendar-download-ics")}
                    </button>
                </div>
            </div>
            {move || {
                let lines = lines();
                let Some(programme) = programme_id else { return ().into_any() };
                if lines.is_empty() {
                    return view! {
                        <p class="empty-state" data-testid="calendar-empty">
                            {i18n.t("calendar-none")}
                        </p>
                    }
                        .into_any();
                }
                match view_mode.get() {
                    View::List => list_view(i18n, programme, lines).into_any(),
                    View::Month => view! { <MonthView programme month lines /> }.into_any(),
                }
            }}
        </section>
        <NewEvent start=first_offered_day(start).min(end) />
    }
}

fn list_view(
    i18n: I18n,
    programme: tandem_core::ProgrammeId,
    lines: Vec<EventLine>,
) -> impl IntoView {
    // Rendered here, where the table's reads are tracked, not
    // inside the table component (which reads untracked).
    let table_rows = lines.into_iter().map(|line| {
        let kind = i18n.t(&format!("event-kind-{}", line.details.kind.code()));
        let title = line.details.title.clone();
        view! {
            <tr data-testid="calendar-row" class:calendar-row--cancelled=line.cancelled>
                <th scope="row">
                    <A href=Page::Event(programme, line.id).path()>{title}</A>
                    {line.cancelled.then(|| view! { " " <span class="badge badge--withdrawn">{i18n.t("event-cancelled")}</span> })}
                </th>
                <td data-label=i18n.t("event-when")>{event_when(i18n, &line.details)}</td>
                <td data-label=i18n.t("event-kind")>{kind}</td>
                <td data-label=i18n.t("event-place")>{line.place.clone()}</td>
                <td data-label=i18n.t("event-audience")>{line.audience.clone()}</td>
                <td class="num" data-label=i18n.t("event-hours")>{hours(i18n, line.details.minutes)}</td>
                <td class="num" data-label=i18n.t("calendar-attended")>{format!("{} / {}", line.attended, line.listed)}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <DataTable
            testid="calendar-list"
            head=|| {
                view! {
                    <Column label="event-title" />
                    <Column label="event-when" />
                    <Column label="event-kind" />
                    <Column label="event-place" />
                    <Column label="event-audience" />
                    <Column label="event-hours" class="num" />
                    <Column label="calendar-attended" class="num" />
                }
            }
        >
            {table_rows}
        </DataTable>
    }
}

/// Day of the week, Monday = 0.
fn weekday(year: i32, month: u8, day: u8) -> usize {
    const OFFSETS: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let offset = OFFSETS[usize::from(month.clamp(1, 12)) - 1];
    let sunday_first = (y + y / 4 - y / 100 + y / 400 + offset + i32::from(day)).rem_euclid(7);
    ((sunday_first + 6) % 7) as usize
}

fn day_of(year: i32, month: u8, day: u8) -> Option<Day> {
    Day::parse(&format!("{year:04}-{month:02}-{day:02}")).ok()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    (28..=31)
        .rev()
        .find(|day| day_of(year, month, *day).is_some())
        .unwrap_or(28)
}

#[component]
fn MonthView(
    programme: tandem_core::ProgrammeId,
    month: RwSignal<(i32, u8)>,
    lines: Vec<EventLine>,
) -> impl IntoView {
    let i18n = use_i18n();
    let step = move |forward: bool| {
        month.update(|(year, month)| {
            if forward {
                if *month == 12 {
                    *year += 1;
                    *month = 1;
                } else {
                    *month += 1;
                }
            } else if *month == 1 {
                *year -= 1;
                *month = 12;
            } else {
                *month -= 1;
            }
        })
    };
    let caption = move || {
        let (year, number) = month.get();
        format!("{} {year}", i18n.t(&format!("month-{number}")))
    };
    let today = today();
    let grid = move || {
        let (year, number) = month.get();
        let first = weekday(year, number, 1);
        let length = days_in_month(year, number);
        let mut cells: Vec<Option<u8>> = vec![None; first];
        cells.extend((1..=length).map(Some));
        while !cells.len().is_multiple_of(7) {
            cells.push(None);
        }
        let events_on = |day: Day| -> Vec<EventLine> {
            lines
                .iter()
                .filter(|line| line.details.start_day <= day && day <= line.details.end_day)
                .cloned()
                .collect()
        };
        cells
            .chunks(7)
            .map(|week| {
                let days = week
                    .iter()
                    .map(|cell| match cell.and_then(|d| day_of(year, number, d)) {
                        None => view! { <td class="month__day month__day--outside"></td> }.into_any(),
                        Some(day) => {
                            let events = events_on(day);
                            view! {
                                <td class="month__day" class:month__day--today=day == today>
                                    <span class="month__number">{day.parts().2}</span>
                                    <ul class="month__events">
                                        {events.into_iter().map(|line| view! {
                                            <li class:month__event--cancelled=line.cancelled>
                                                <A href=Page::Event(programme, line.id).path() attr:class="month__event" attr:data-testid="month-event">
                                                    <span class="month__time">{format!("{} ", line.details.start_time)}</span>{line.details.title.clone()}
                                                </A>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </td>
                            }
                            .into_any()
                        }
                    })
                    .collect_view();
                view! { <tr>{days}</tr> }
            })
            .collect_view()
    };

    view! {
        <div class="month">
            <div class="month__nav">
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="month-previous"
                    aria-label=move || i18n.t("calendar-previous-month")
                    on:click=move |_| step(false)
                >
                    "‹"
                </button>
                <h3 class="month__title" data-testid="month-title" aria-live="polite">
                    {caption}
                </h3>
                <button
                    type="button"
                    class="button button--secondary"
                    data-testid="month-next"
                    aria-label=move || i18n.t("calendar-next-month")
                    on:click=move |_| step(true)
                >
                    "›"
                </button>
            </div>
            <table class="month__grid" data-testid="calendar-month">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        {(1..=7)
                            .map(|d| {
                                view! {
                                    <th scope="col">
                                        <abbr title=i18n
                                            .t(
                                                &format!("weekday-{d}"),
                                            )>{i18n.t(&format!("weekday-short-{d}"))}</abbr>
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{grid}</tbody>
            </table>
        </div>
    }
}

#[component]
fn NewEvent(start: Day) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let programme_id = session.with_untracked(|p| p.id);
    let created = RwSignal::new(None::<(EventId, String)>);
    // A new form after each event, so the next one starts empty.
    let generation = RwSignal::new(0u32);
    let submit = move |details: EventDetails| {
        let id = EventId::random();
        let title = details.title.trim().to_string();
        session.dispatch(Command::CreateEvent { id, details })?;
        created.set(Some((id, title)));
        generation.update(|g| *g += 1);
        Ok(i18n.t("event-created"))
    };
    view! {
        <section class="panel" aria-labelledby="new-event-title">
            <h2 id="new-event-title">{move || i18n.t("event-new")}</h2>
            {move || {
                created
                    .get()
                    .and_then(|(id, title)| {
                        programme_id
                            .map(|programme| {
                                view! {
                                    <p
                                        class="notice notice--success"
                                        role="status"
                                        data-testid="event-created"
                                    >
                                        {i18n
                                            .t_with(
                                                "event-created-named",
                                                &[("title", FluentValue::from(title))],
                                            )}
                                        " "
                                        <A href=Page::Event(programme, id)
                                            .path()>{i18n.t("event-open")}</A>
                                    </p>
                                }
                            })
                    })
            }}
            {move || {
                generation.get();
                view! {
                    <EventForm
                        initial=blank_event(start)
                        prefix="new-event"
                        submit_label="event-create"
                        submit
                    />
                }
            }}
        </section>
    }
}
