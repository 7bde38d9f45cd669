//! Calendar files (iCalendar, RFC 5545) for one event or the whole
//! programme, so participants can put the dates in Outlook, Thunderbird or
//! their phone.
//!
//! Times are written as wall-clock times with `TZID=Europe/Berlin` and the
//! file carries that zone's definition (`VTIMEZONE`), so a calendar abroad
//! or on summer time shows the right hour. Each event's `UID` comes from its
//! id in the programme, and `SEQUENCE` grows with the time of export: a file
//! exported again after a change updates the entry instead of adding a
//! second one. A cancelled event is exported as cancelled, which removes it
//! from calendars that had it. The `icalendar` crate writes the events
//! (escaping, line folding); the zone's rules are fixed text.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, EventStatus};

use crate::model::day::Day;
use crate::model::event::{Event, EventKind, EVENT_TIME_ZONE};
use crate::model::ids::EventId;
use crate::model::programme::Programme;

/// Europe/Berlin since 1996: CEST from the last Sunday of March, CET from
/// the last Sunday of October.
const BERLIN_TIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Berlin\r\n\
X-LIC-LOCATION:Europe/Berlin\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// Seconds from 1970 to 2020, the start of the `SEQUENCE` count.
const SEQUENCE_EPOCH: i64 = 1_577_836_800;

/// The calendar entry's `UID` for an event: the same for every export of it.
pub fn event_uid(id: EventId) -> String {
    format!("{id}@tandem-mentoring")
}

/// One event as a calendar file, or `None` if the programme has no such
/// event. `stamp` is the time of export (seconds since 1970); `kind_name`
/// names the kind in the reader's language.
pub fn event_ics(
    programme: &Programme,
    id: EventId,
    stamp: i64,
    kind_name: impl Fn(EventKind) -> String,
) -> Option<String> {
    let event = programme.events.get(&id)?;
    Some(calendar_text(
        programme,
        [(id, event)].into_iter(),
        stamp,
        &kind_name,
    ))
}

/// Every event of the programme in one calendar file.
pub fn programme_ics(
    programme: &Programme,
    stamp: i64,
    kind_name: impl Fn(EventKind) -> String,
) -> String {
    calendar_text(
        programme,
        programme.events_in_order().into_iter(),
        stamp,
        &kind_name,
    )
}

fn calendar_text<'a>(
    programme: &Programme,
    events: impl Iterator<Item = (EventId, &'a Event)>,
    stamp: i64,
    kind_name: &dyn Fn(EventKind) -> String,
) -> String {
    let stamp_time = DateTime::<Utc>::from_timestamp(stamp, 0).unwrap_or_default();
    let sequence = u32::try_from(((stamp - SEQUENCE_EPOCH) / 60).max(0)).unwrap_or(u32::MAX);
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar.append_property(("PRODID", "-//Tandem//Programmkalender//DE"));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar.append_property(("X-WR-CALNAME", programme.name.as_str()));
    calendar.append_property(("X-WR-TIMEZONE", EVENT_TIME_ZONE));
    for (id, event) in events {
        let details = &event.details;
        let mut entry = icalendar::Event::new();
        entry
            .uid(&event_uid(id))
            .timestamp(stamp_time)
            .last_modified(stamp_time)
            .sequence(sequence)
            .summary(&details.title)
            .starts(local(details.start_day, details.start_time))
            .ends(local(details.end_day, details.end_time))
            .status(if event.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            })
            .add_property("CATEGORIES", kind_name(details.kind));
        // Only a web link goes into the calendar file: anything else a
        // partner's data holds is left out.
        let link = details.web_link().unwrap_or_default();
        let location = if details.place.is_empty() {
            link
        } else {
            details.place.as_str()
        };
        if !location.is_empty() {
            entry.location(location);
        }
        if !link.is_empty() {
            entry.url(link);
        }
        let mut description = details.description.clone();
        if !link.is_empty() && !description.contains(link) {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(link);
        }
        if !description.is_empty() {
            entry.description(&description);
        }
        let organiser = programme.organisation_name(details.host);
        if !organiser.is_empty() {
            entry.add_property("X-TANDEM-HOST", organiser);
        }
        calendar.push(entry.done());
    }
    let text = calendar.to_string();
    // The zone's definition goes before the first event, as calendars expect.
    let at = text
        .find("BEGIN:VEVENT\r\n")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + BERLIN_TIMEZONE.len());
    out.push_str(&text[..at]);
    out.push_str(BERLIN_TIMEZONE);
    out.push_str(&text[at..]);
    out
}

fn local(day: Day, time: crate::model::event::ClockTime) -> CalendarDateTime {
    let (year, month, date) = day.parts();
    let (hour, minute) = time.parts();
    let date = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(date)).unwrap_or_default();
    let time = NaiveTime::from_hms_opt(u32::from(hour), u32::from(minute), 0).unwrap_or_default();
    CalendarDateTime::WithTimezone {
        date_time: NaiveDateTime::new(date, time),
        tzid: EVENT_TIME_ZONE.to_string(),
    }
}
