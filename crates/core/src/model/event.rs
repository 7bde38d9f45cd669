//! Events of a programme (kick-off, seminars, network meetings, the closing
//! ceremony …) and who attended them.
//!
//! Events live in the programme's map `events`, keyed by a random id, so two
//! coordinators planning the year at once never clash. Each event keeps its
//! attendance list as a map keyed by person: marking one person at the door
//! writes that one entry. Times are wall-clock times in Europe/Berlin, as the
//! invitation says them; the calendar export names the zone.

use std::collections::BTreeMap;
use std::fmt;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::Time;

use crate::model::day::Day;
use crate::model::ids::{PartnerId, PersonId};
use crate::model::person::{Person, Role};
use crate::model::programme::Programme;

/// The time zone every programme event is planned in.
pub const EVENT_TIME_ZONE: &str = "Europe/Berlin";

/// Most course hours one event can count for (a week-long course).
pub const MAX_EVENT_MINUTES: u32 = 100 * 60;

/// Longest online link.
pub(crate) const MAX_LINK_CHARS: usize = 2_000;

const CLOCK: &[BorrowedFormatItem<'static>] = format_description!("[hour]:[minute]");
const CLOCK_LOOSE: &[BorrowedFormatItem<'static>] =
    format_description!("[hour padding:none]:[minute]");

/// What kind of event it is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum EventKind {
    KickOff,
    Seminar,
    Workshop,
    NetworkMeeting,
    FiresideEvening,
    RegularsTable,
    InfoEvent,
    CourseDay,
    ClosingCeremony,
    Other,
}

coded_enum! {
    EventKind {
        InfoEvent => "info-event",
        KickOff => "kick-off",
        Seminar => "seminar",
        Workshop => "workshop",
        NetworkMeeting => "network-meeting",
        FiresideEvening => "fireside-evening",
        RegularsTable => "regulars-table",
        CourseDay => "course-day",
        ClosingCeremony => "closing-ceremony",
        Other => "other",
    }
}

/// Who an event is for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Audience {
    #[default]
    All,
    Mentees,
    /// Mentors and co-mentors.
    Mentors,
    /// The people of one partner organisation.
    Organisation(PartnerId),
}

impl Audience {
    /// Whether a person, in the role and organisation they have now, is
    /// among the people the event is for.
    pub fn includes(&self, person: &Person) -> bool {
        match self {
            Audience::All => true,
            Audience::Mentees => person.details.role == Role::Mentee,
            Audience::Mentors => matches!(person.details.role, Role::Mentor | Role::CoMentor),
            Audience::Organisation(partner) => person.details.organisation == Some(*partner),
        }
    }

    /// A stable name for forms: `all`, `mentees`, `mentors` or the
    /// organisation's id.
    pub fn code(&self) -> String {
        match self {
            Audience::All => "all".into(),
            Audience::Mentees => "mentees".into(),
            Audience::Mentors => "mentors".into(),
            Audience::Organisation(id) => id.to_string(),
        }
    }

    /// The audience with the given [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "all" => Some(Audience::All),
            "mentees" => Some(Audience::Mentees),
            "mentors" => Some(Audience::Mentors),
            other => other.parse().ok().map(Audience::Organisation),
        }
    }
}

/// A time of day on the wall clock, stored as `18:30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(Time);

/// A time of day that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("„{0}“ is not a time of day (expected 18:30)")]
pub struct ClockTimeError(pub String);

impl ClockTime {
    /// 00:00.
    pub const MIDNIGHT: ClockTime = ClockTime(Time::MIDNIGHT);

    /// Reads `18:30` (as time fields give it) or `9:00`.
    pub fn parse(text: &str) -> Result<Self, ClockTimeError> {
        let text = text.trim();
        Time::parse(text, CLOCK)
            .or_else(|_| Time::parse(text, CLOCK_LOOSE))
            .map(ClockTime)
            .map_err(|_| ClockTimeError(text.chars().take(20).collect()))
    }

    /// A time from hour and minute, if they make one.
    pub fn from_hm(hour: u8, minute: u8) -> Option<Self> {
        Time::from_hms(hour, minute, 0).ok().map(ClockTime)
    }

    /// Hour (0–23) and minute.
    pub fn parts(&self) -> (u8, u8) {
        (self.0.hour(), self.0.minute())
    }

    /// Minutes since midnight.
    pub fn minutes(&self) -> u32 {
        u32::from(self.0.hour()) * 60 + u32::from(self.0.minute())
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl Reconcile for ClockTime {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.to_string().reconcile(reconciler)
    }
}

impl Hydrate for ClockTime {
    fn hydrate_string(text: &str) -> Result<Self, HydrateError> {
        ClockTime::parse(text).map_err(|_| HydrateError::unexpected("a time", text.to_string()))
    }
}

/// What a coordinator plans for an event: everything but its attendance.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct EventDetails {
    pub kind: EventKind,
    pub title: String,
    pub start_day: Day,
    pub start_time: ClockTime,
    pub end_day: Day,
    pub end_time: ClockTime,
    /// Address or room; empty for an online event.
    pub place: String,
    /// Link to the video meeting; empty for an event on site.
    pub online_link: String,
    /// The partner organisation hosting the event.
    pub host: Option<PartnerId>,
    pub audience: Audience,
    /// Most people who can take part; none for no limit.
    pub capacity: Option<u32>,
    /// Course time the event counts for, in minutes.
    pub minutes: u32,
    pub description: String,
}

impl EventDetails {
    /// The link to the video meeting, if it is one a browser may open:
    /// `https:` or `http:`, without spaces. Anything else (a `javascript:`
    /// link a partner's modified app wrote) is never rendered as a link.
    pub fn web_link(&self) -> Option<&str> {
        web_link(&self.online_link)
    }
}

/// `link` if it is a web address (`https:` or `http:`, nothing that could
/// break out of an attribute or a calendar line); only such a link is ever
/// rendered as a link.
pub fn web_link(link: &str) -> Option<&str> {
    let web = link.starts_with("https://") || link.starts_with("http://");
    (web && link.len() > "http://".len()
        && !link.chars().any(|c| c.is_whitespace() || c.is_control()))
    .then_some(link)
}

/// Where a person stands for one event.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum AttendanceStatus {
    Invited,
    Registered,
    Attended,
    Excused,
    Absent,
}

coded_enum! {
    AttendanceStatus {
        Invited => "invited",
        Registered => "registered",
        Attended => "attended",
        Excused => "excused",
        Absent => "absent",
    }
}

/// One person's entry in an event's attendance list.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct Attendance {
    pub status: AttendanceStatus,
    /// Course minutes credited to this person, if a coordinator set them
    /// (left early, came late); otherwise the event's minutes count.
    pub minutes: Option<u32>,
}

/// One event of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub details: EventDetails,
    /// A cancelled event stays in the calendar, marked, and counts no hours.
    pub cancelled: bool,
    #[autosurgeon(with = "autosurgeon::map_with_parseable_keys")]
    pub attendance: BTreeMap<PersonId, Attendance>,
}

impl Event {
    /// A newly planned event with nobody on its list yet.
    pub fn new(details: EventDetails) -> Self {
        Self {
            details,
            cancelled: false,
            attendance: BTreeMap::new(),
        }
    }

    /// The person's entry, if they have one.
    pub fn attendance_of(&self, person: PersonId) -> Option<&Attendance> {
        self.attendance.get(&person)
    }

    /// Whether the person attended an event that took place.
    pub fn attended_by(&self, person: PersonId) -> bool {
        !self.cancelled
            && self
                .attendance
                .get(&person)
                .is_some_and(|entry| entry.status == AttendanceStatus::Attended)
    }

    /// The course minutes credited to the person: their own if set,
    /// otherwise the event's; none if they did not attend or the event
    /// was cancelled.
    pub fn credited_minutes(&self, person: PersonId) -> u32 {
        if !self.attended_by(person) {
            return 0;
        }
        self.attendance
            .get(&person)
            .and_then(|entry| entry.minutes)
            .unwrap_or(self.details.minutes)
    }

    /// How many people registered or attended, against the capacity.
    pub fn taken_places(&self) -> usize {
        self.attendance
            .values()
            .filter(|entry| {
                matches!(
                    entry.status,
                    AttendanceStatus::Registered | AttendanceStatus::Attended
                )
            })
            .count()
    }

    /// Start as (day, time), for sorting.
    pub fn starts(&self) -> (Day, ClockTime) {
        (self.details.start_day, self.details.start_time)
    }
}

/// Course minutes as hours the way a certificate writes them: `40`, `2,5`
/// (German) or `2.5`.
pub fn hours_text(minutes: u32, decimal_comma: bool) -> String {
    let whole = minutes / 60;
    let rest = minutes % 60;
    if rest == 0 {
        return whole.to_string();
    }
    let fraction = format!("{:.2}", f64::from(rest) / 60.0);
    let fraction = fraction
        .trim_start_matches('0')
        .trim_start_matches('.')
        .trim_end_matches('0');
    let separator = if decimal_comma { "," } else { "." };
    format!("{whole}{separator}{fraction}")
}

/// Reads hours as a coordinator types them (`2,5`, `2.5`, `3`) into minutes.
pub fn parse_hours(text: &str) -> Option<u32> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return None;
    }
    let hours: f64 = text.parse().ok()?;
    if !hours.is_finite() || hours < 0.0 {
        return None;
    }
    let minutes = (hours * 60.0).round();
    if minutes > f64::from(MAX_EVENT_MINUTES) {
        return None;
    }
    Some(minutes as u32)
}

impl Programme {
    /// The events in the order they take place.
    pub fn events_in_order(&self) -> Vec<(crate::model::ids::EventId, &Event)> {
        let mut events: Vec<(crate::model::ids::EventId, &Event)> =
            self.events.iter().map(|(id, event)| (*id, event)).collect();
        events.sort_by(|a, b| {
            a.1.starts()
                .cmp(&b.1.starts())
                .then_with(|| a.1.details.title.cmp(&b.1.details.title))
        });
        events
    }

    /// Who an event's attendance list shows: accepted participants the
    /// event is for, and anyone with an entry (someone who came although
    /// the event was not for them, or who has since withdrawn), by name.
    pub fn attendance_list(&self, event: &Event) -> Vec<(PersonId, &Person)> {
        let mut people: Vec<(PersonId, &Person)> = self
            .people
            .iter()
            .filter(|(id, person)| {
                event.attendance.contains_key(id)
                    || (person.is_accepted() && event.details.audience.includes(person))
            })
            .map(|(id, person)| (*id, person))
            .collect();
        people.sort_by_key(|(_, person)| person.details.name.to_lowercase());
        people
    }
}

// Encoded in the stored view (`document::view`) as minutes since
// midnight, not as the text the document holds.
impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.minutes() as u16).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let minutes = u16::deserialize(deserializer)?;
        u8::try_from(minutes / 60)
            .ok()
            .and_then(|hour| ClockTime::from_hm(hour, (minutes % 60) as u8))
            .ok_or_else(|| serde::de::Error::custom("a time of day outside the day"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_typed_in_german_or_english() {
        assert_eq!(parse_hours("2,5"), Some(150));
        assert_eq!(parse_hours("2.5"), Some(150));
        assert_eq!(parse_hours(" 40 "), Some(2400));
        assert_eq!(parse_hours("-1"), None);
        assert_eq!(parse_hours("viel"), None);
        assert_eq!(parse_hours(""), None);
    }

    #[test]
    fn hours_are_written_without_needless_decimals() {
        assert_eq!(hours_text(2400, true), "40");
        assert_eq!(hours_text(150, true), "2,5");
        assert_eq!(hours_text(150, false), "2.5");
        assert_eq!(hours_text(45, true), "0,75");
    }

    #[test]
    fn a_clock_time_reads_back_what_it_wrote() {
        let time = ClockTime::parse("9:05").unwrap();
        assert_eq!(time.to_string(), "09:05");
        assert_eq!(ClockTime::parse("09:05"), Ok(time));
        assert!(ClockTime::parse("25:00").is_err());
    }
}
