//! The form for what is planned, to create an event or change one, with
//! a new event's starting values. The calendar plans new events with it,
//! an event's page changes one.

use fluent_bundle::FluentValue;
use leptos::prelude::*;
use tandem_core::{Audience, ClockTime, Day, EventDetails, EventKind};

use crate::clock::today;
use crate::components::calendar_text::{hours, read_hours};
use crate::components::notice::{Outcome, SubmitWithNotice};
use crate::i18n::{use_i18n, I18n};
use crate::session::use_session;

/// What the event form holds, one field a signal, as typed.
#[derive(Clone, Copy)]
struct EventFields {
    kind: RwSignal<String>,
    title: RwSignal<String>,
    start_day: RwSignal<String>,
    start_time: RwSignal<String>,
    end_day: RwSignal<String>,
    end_time: RwSignal<String>,
    place: RwSignal<String>,
    link: RwSignal<String>,
    host: RwSignal<String>,
    audience: RwSignal<String>,
    capacity: RwSignal<String>,
    hours: RwSignal<String>,
    description: RwSignal<String>,
}

impl EventFields {
    /// The fields filled with what is planned so far.
    fn new(i18n: I18n, initial: &EventDetails) -> Self {
        Self {
            kind: RwSignal::new(initial.kind.code().to_string()),
            title: RwSignal::new(initial.title.clone()),
            start_day: RwSignal::new(initial.start_day.iso()),
            start_time: RwSignal::new(initial.start_time.to_string()),
            // Most events last one day: the end day is asked for only when it differs.
            end_day: RwSignal::new(if initial.end_day == initial.start_day {
                String::new()
            } else {
                initial.end_day.iso()
            }),
            end_time: RwSignal::new(initial.end_time.to_string()),
            place: RwSignal::new(initial.place.clone()),
            link: RwSignal::new(initial.online_link.clone()),
            host: RwSignal::new(initial.host.map(|h| h.to_string()).unwrap_or_default()),
            audience: RwSignal::new(initial.audience.code()),
            capacity: RwSignal::new(initial.capacity.map(|c| c.to_string()).unwrap_or_default()),
            hours: RwSignal::new(hours(i18n, initial.minutes)),
            description: RwSignal::new(initial.description.clone()),
        }
    }

    /// What the form says is planned, or the translation key of the first
    /// field that cannot be read.
    fn details(&self) -> Result<EventDetails, &'static str> {
        let start =
            Day::parse(&self.start_day.get_untracked()).map_err(|_| "error-event-day-missing")?;
        // An end day left empty is the start day: most events last one day.
        let end = Day::parse(&self.end_day.get_untracked()).unwrap_or(start);
        let (Ok(from), Ok(to)) = (
            ClockTime::parse(&self.start_time.get_untracked()),
            ClockTime::parse(&self.end_time.get_untracked()),
        ) else {
            return Err("error-event-time-missing");
        };
        let minutes = read_hours(&self.hours.get_untracked())
            .ok_or("error-hours-invalid")?
            .unwrap_or(0);
        let capacity_text = self.capacity.get_untracked();
        let capacity = if capacity_text.trim().is_empty() {
            None
        } else {
            Some(
                capacity_text
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| "error-event-capacity-zero")?,
            )
        };
        Ok(EventDetails {
            kind: EventKind::from_code(&self.kind.get_untracked()).unwrap_or(EventKind::Other),
            title: self.title.get_untracked(),
            start_day: start,
            start_time: from,
            end_day: end,
            end_time: to,
            place: self.place.get_untracked(),
            online_link: self.link.get_untracked(),
            host: self.host.get_untracked().parse().ok(),
            audience: Audience::from_code(&self.audience.get_untracked()).unwrap_or_default(),
            capacity,
            minutes,
            description: self.description.get_untracked(),
        })
    }
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
    let fields = EventFields::new(i18n, &initial);
    let EventFields {
        kind,
        title,
        start_day,
        start_time,
        end_day,
        end_time,
        place,
        link,
        host,
        audience,
        capacity,
        hours: hours_field,
        description,
    } = fields;
    let outcome = RwSignal::new(Outcome::Idle);
    let id = move |field: &str| format!("{prefix}-{field}");

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        outcome.set(match fields.details() {
            Err(key) => Outcome::Refused(i18n.t(key)),
            Ok(details) => match submit(details) {
                Ok(message) => Outcome::Done(message),
                Err(message) => Outcome::Refused(message),
            },
        });
    };

    view! {
        <form class="form" on:submit=on_submit novalidate>
            <div class="field-row">
                <div class="field">
                    <label for=id("kind")>{move || i18n.t("event-kind")}</label>
                    <select id=id("kind") data-testid=id("kind") bind:value=kind>
                        {EventKind::ALL
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <option value=k
                                        .code()>
                                        {move || i18n.t(&format!("event-kind-{}", k.code()))}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <EventInput prefix field="title" label="event-title" value=title required=true />
            </div>
            <div class="field-row">
                <EventInput
                    prefix
                    field="start-day"
                    label="event-start-day"
                    value=start_day
                    kind="date"
                    required=true
                />
                <EventInput
                    prefix
                    field="start-time"
                    label="event-start-time"
                    value=start_time
                    kind="time"
                    required=true
                />
            </div>
            <div class="field-row">
                <EventInput
                    prefix
                    field="end-day"
                    label="event-end-day"
                    value=end_day
                    kind="date"
                />
                <EventInput
                    prefix
                    field="end-time"
                    label="event-end-time"
                    value=end_time
                    kind="time"
                    required=true
                />
            </div>
            <div class="field-row">
                <EventInput prefix field="place" label="event-place" value=place />
                <EventInput
                    prefix
                    field="link"
                    label="event-link"
                    value=link
                    kind="url"
                    placeholder="https://"
                />
            </div>
            <HostAndAudience prefix host audience />
            <div class="field-row">
                <EventInput
                    prefix
                    field="hours"
                    label="event-hours"
                    value=hours_field
                    inputmode="decimal"
                />
                <EventInput
                    prefix
                    field="capacity"
                    label="event-capacity"
                    value=capacity
                    kind="number"
                    min="1"
                />
            </div>
            <div class="field">
                <label for=id("description")>{move || i18n.t("event-description")}</label>
                <textarea
                    id=id("description")
                    data-testid=id("description")
                    rows="3"
                    bind:value=description
                ></textarea>
            </div>
            <SubmitWithNotice testid=id("submit") label=submit_label outcome notice=prefix />
        </form>
    }
}

/// One labelled input of the event form: `{prefix}-{field}` is its id and
/// its test id, `label` the translation key of its label, `kind` the
/// input's type.
#[component]
fn EventInput(
    prefix: &'static str,
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] min: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("{prefix}-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id.clone()
                data-testid=id.clone()
                type=kind
                required=required
                placeholder=placeholder
                inputmode=inputmode
                min=min
                bind:value=value
            />
        </div>
    }
}

/// Which partner organisation hosts the event and who it is for: everyone,
/// mentees, mentors or the people of one organisation.
#[component]
fn HostAndAudience(
    prefix: &'static str,
    host: RwSignal<String>,
    audience: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let partners = session.partner_choices();
    let partner_options = partners.clone();
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <div class="field-row">
            <div class="field">
                <label for=id("host")>{move || i18n.t("event-host")}</label>
                <select id=id("host") data-testid=id("host") bind:value=host>
                    <option value="">{move || i18n.t("event-host-none")}</option>
                    {partner_options
                        .into_iter()
                        .map(|(partner, name)| {
                            view! { <option value=partner.to_string()>{name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("audience")>{move || i18n.t("event-audience")}</label>
                <select id=id("audience") data-testid=id("audience") bind:value=audience>
                    {["all", "mentees", "mentors"]
                        .into_iter()
                        .map(|code| {
                            view! {
                                <option value=code>
                                    {move || i18n.t(&format!("event-audience-{code}"))}
                                </option>
                            }
                        })
                        .collect_view()}
                    {partners
                        .into_iter()
                        .map(|(partner, name)| {
                            let label = i18n
                                .t_with(
                                    "event-audience-organisation",
                                    &[("name", FluentValue::from(name))],
                                );
                            view! { <option value=partner.to_string()>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
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

/// Today, or the programme's start if the programme has not begun: the day
/// a new event form offers first.
pub(crate) fn first_offered_day(programme_start: Day) -> Day {
    today().max(programme_start)
}
