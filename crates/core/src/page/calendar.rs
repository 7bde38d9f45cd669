//! The tandem page's reminders: when the next meeting is due by the
//! programme's rhythm, and a calendar file the pair imports once, with an
//! alarm for each meeting due and for the programme's next events.
//!
//! No push service is needed: the phone's or laptop's own calendar raises
//! the alarm. The file is written here rather than with the coordinator's
//! calendar crate, because the participant's app is built without it (it
//! is kept small for phones); the little of RFC 5545 it needs is escaping,
//! line folding and dates. Times are floating (no time zone): the programme
//! and its participants share one, and a calendar shows a floating time as
//! the local time it says.

use std::fmt::Write as _;

use crate::model::day::Day;
use crate::model::tandem::TandemStatus;
use crate::page::document::{PageEvent, TandemPageDocument};

/// The texts of the calendar file, in the participant's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarTexts {
    /// The title of the recurring entry ("Tandem-Treffen fällig").
    pub meeting_due: String,
    /// Its description: what to do, where to log it.
    pub meeting_due_details: String,
    /// What the alarm of an event the day before says.
    pub event_tomorrow: String,
}

/// The day the next meeting is due: the last meeting logged (or the
/// tandem's start) plus the rhythm. `None` once the tandem has ended.
pub fn next_meeting_due(page: &TandemPageDocument) -> Option<Day> {
    let side = page.side();
    if side.status != TandemStatus::Active {
        return None;
    }
    let last = page
        .meetings()
        .first()
        .map_or(side.start, |(_, meeting)| meeting.on.max(side.start));
    Some(last.plus_days(i64::from(side.rhythm_days.max(1))))
}

/// The calendar file: a recurring all-day entry from the next due day, every
/// rhythm until the tandem's planned end, with an alarm at 9:00 that day;
/// and the programme's events from `today`, each with an alarm the day
/// before. Empty of meetings once the tandem has ended.
pub fn tandem_ics(page: &TandemPageDocument, today: Day, texts: &CalendarTexts) -> String {
    let side = page.side();
    let mut ics = String::new();
    line(&mut ics, "BEGIN:VCALENDAR");
    line(&mut ics, "VERSION:2.0");
    line(&mut ics, "PRODID:-//Tandem//Tandem-Seite//DE");
    line(&mut ics, "CALSCALE:GREGORIAN");
    line(
        &mut ics,
        &format!("X-WR-CALNAME:{}", escape(&side.programme_name)),
    );
    if let Some(due) = next_meeting_due(page).filter(|due| *due <= side.planned_end) {
        let due = due.max(today);
        line(&mut ics, "BEGIN:VEVENT");
        line(&mut ics, &format!("UID:rhythm-{}@tandem", side.tandem));
        line(&mut ics, &format!("DTSTAMP:{}T000000Z", compact(today)));
        line(&mut ics, &format!("DTSTART;VALUE=DATE:{}", compact(due)));
        line(
            &mut ics,
            &format!("DTEND;VALUE=DATE:{}", compact(due.plus_days(1))),
        );
        line(
            &mut ics,
            &format!(
                "RRULE:FREQ=DAILY;INTERVAL={};UNTIL={}",
                side.rhythm_days.max(1),
                compact(side.planned_end)
            ),
        );
        line(&mut ics, &format!("SUMMARY:{}", escape(&texts.meeting_due)));
        line(
            &mut ics,
            &format!("DESCRIPTION:{}", escape(&texts.meeting_due_details)),
        );
        line(&mut ics, "TRANSP:TRANSPARENT");
        alarm(&mut ics, "PT9H", &texts.meeting_due);
        line(&mut ics, "END:VEVENT");
    }
    for event in side.events.iter().filter(|event| event.day >= today) {
        event_entry(&mut ics, side.tandem, event, today, texts);
    }
    line(&mut ics, "END:VCALENDAR");
    ics
}

fn event_entry(
    ics: &mut String,
    tandem: crate::model::ids::TandemId,
    event: &PageEvent,
    today: Day,
    texts: &CalendarTexts,
) {
    line(ics, "BEGIN:VEVENT");
    // Stable across downloads, so importing again updates the entry.
    let digest = short_digest(&format!("{}{}", event.title, event.day.iso()));
    line(
        ics,
        &format!("UID:event-{tandem}-{}-{digest}@tandem", compact(event.day)),
    );
    line(ics, &format!("DTSTAMP:{}T000000Z", compact(today)));
    match times(&event.time) {
        Some((start, end)) => {
            line(ics, &format!("DTSTART:{}T{start}00", compact(event.day)));
            line(ics, &format!("DTEND:{}T{end}00", compact(event.day)));
        }
        None => {
            line(ics, &format!("DTSTART;VALUE=DATE:{}", compact(event.day)));
            line(
                ics,
                &format!("DTEND;VALUE=DATE:{}", compact(event.day.plus_days(1))),
            );
        }
    }
    line(ics, &format!("SUMMARY:{}", escape(&event.title)));
    if !event.place.trim().is_empty() {
        line(ics, &format!("LOCATION:{}", escape(&event.place)));
    }
    if let Some(link) = crate::model::event::web_link(&event.online_link) {
        line(ics, &format!("URL:{}", escape(link)));
    }
    alarm(
        ics,
        "-P1D",
        &format!("{}: {}", texts.event_tomorrow, event.title),
    );
    line(ics, "END:VEVENT");
}

fn alarm(ics: &mut String, trigger: &str, text: &str) {
    line(ics, "BEGIN:VALARM");
    line(ics, "ACTION:DISPLAY");
    line(ics, &format!("TRIGGER:{trigger}"));
    line(ics, &format!("DESCRIPTION:{}", escape(text)));
    line(ics, "END:VALARM");
}

/// `18:30–21:00` (or with a hyphen) as `1830`, `2100`.
fn times(text: &str) -> Option<(String, String)> {
    let (start, end) = text.split_once(['–', '-'])?;
    let clock = |part: &str| {
        let (hour, minute) = part.trim().split_once(':')?;
        let (hour, minute): (u8, u8) = (hour.parse().ok()?, minute.parse().ok()?);
        (hour < 24 && minute < 60).then(|| format!("{hour:02}{minute:02}"))
    };
    Some((clock(start)?, clock(end)?))
}

fn compact(day: Day) -> String {
    day.iso().replace('-', "")
}

/// A short, stable tag of a text (for a UID), not a secret.
fn short_digest(text: &str) -> String {
    let hash = adler2::adler32_slice(text.as_bytes());
    format!("{hash:08x}")
}

/// A text value: backslash, semicolon and comma escaped, line breaks as
/// `\n`, other control characters dropped (RFC 5545, 3.3.11).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// One content line, folded at 75 octets without splitting a character,
/// ended with CRLF (RFC 5545, 3.1).
fn line(ics: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            ics.push_str("\r\n ");
            width = 1;
        }
        ics.push(c);
        width += c.len_utf8();
    }
    let _ = write!(ics, "\r\n");
}
