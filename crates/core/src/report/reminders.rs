//! Reminders without a server: for what needs attention, the people a
//! coordinator should write to, and what has been sent.
//!
//! Tandem has no mail server and no push service, and should not: the
//! programme lives in the coordinators' browsers. What it can do is know
//! who needs a word, prepare the message in the person's language, and hand
//! it to the coordinator's own mail program as a `mailto:` link (one per
//! person, or one mail with everyone in BCC). The coordinator sends it and
//! marks it sent; that mark is a command (`Command::RecordReminderSent`),
//! kept with the person, shown in the history and counted in the report.
//!
//! The reminders, each with a stable [key](Reminder::key) so a mark names
//! what was sent:
//!
//! - `interview`: applied, the getting-to-know interview not yet held
//!   (one reminder for all who wait, the oldest application its day);
//! - `survey:<questionnaire>`: a questionnaire due for a tandem member and
//!   not answered;
//! - `event:<event>`: an event in the next [`EVENT_WINDOW_DAYS`] days for
//!   which a person it is meant for has not registered;
//! - `quiet:<tandem>`: a running tandem whose page shows no meeting within
//!   the programme's rhythm (the app passes what the pages say);
//! - `erasure`: the retention period ends within [`ERASURE_NOTICE_DAYS`]
//!   days: the person is told when their data will be deleted, while there
//!   is still time to ask for a certificate or a copy. People who withdrew
//!   their consent are not written to: their data is due for erasure at
//!   once, not for a message.
//!
//! Only people in the programme who have an e-mail address are offered a
//! mail; the others are listed, so a coordinator knows whom to call.
//!
//! May use: `model`, `page` (a tandem's contact concern), `privacy` (the
//! retention period).

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::model::day::Day;
use crate::model::ids::{PersonId, TandemId};
use crate::model::person::{PersonDetails, Stage};
use crate::model::programme::{Programme, Standing};
use crate::model::reminder::ReminderKind;
use crate::model::tandem::TandemStatus;
use crate::page::document::ContactConcern;
use crate::privacy::retention::keep_until;

/// How far ahead an event without registration is a reason to write.
pub const EVENT_WINDOW_DAYS: i64 = 7;
/// How long before the end of the retention period people are told.
pub const ERASURE_NOTICE_DAYS: i64 = 30;
/// The language a message is prepared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageLanguage {
    German,
    English,
}

impl MessageLanguage {
    /// English for a person whose languages name English and not German;
    /// German otherwise, as the programmes are German.
    pub fn for_person(details: &PersonDetails) -> Self {
        let speaks = |names: &[&str]| {
            details.languages.iter().any(|language| {
                let language = language.trim().to_lowercase();
                names.contains(&language.as_str())
            })
        };
        if speaks(&["englisch", "english", "en"]) && !speaks(&["deutsch", "german", "de"]) {
            MessageLanguage::English
        } else {
            MessageLanguage::German
        }
    }
}

/// One person a reminder is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub person: PersonId,
    pub name: String,
    /// Empty when none is recorded: then the coordinator calls or writes
    /// by other means.
    pub email: String,
    pub language: MessageLanguage,
    /// When a coordinator last marked this reminder sent to the person.
    pub sent_on: Option<Day>,
}

/// Something to remind people of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Names the reminder in the marks: `kind` or `kind:id`.
    pub key: String,
    pub kind: ReminderKind,
    /// The questionnaire's or event's title; the tandem's pair; empty for
    /// the others.
    pub title: String,
    /// The day it is about: the application, the questionnaire's due day,
    /// the event's first day, the last meeting, the deletion day.
    pub day: Option<Day>,
    pub people: Vec<Addressee>,
}

impl Reminder {
    /// The people with an address, whom a mail can reach.
    pub fn reachable(&self) -> impl Iterator<Item = &Addressee> {
        self.people
            .iter()
            .filter(|addressee| !addressee.email.is_empty())
    }

    /// Whether every addressee has been marked as written to.
    pub fn all_sent(&self) -> bool {
        self.people
            .iter()
            .all(|addressee| addressee.sent_on.is_some())
    }
}

/// Everything to remind people of on `today`, with the tandems whose page
/// shows a contact concern (`quiet`), in the order of the dashboard:
/// interviews, questionnaires, events, quiet tandems, erasure notices.
pub fn reminders(
    programme: &Programme,
    quiet: &BTreeMap<TandemId, ContactConcern>,
    today: Day,
) -> Vec<Reminder> {
    let mut found = Vec::new();
    found.extend(interviews(programme));
    found.extend(surveys(programme, today));
    found.extend(events(programme, today));
    found.extend(quiet_tandems(programme, quiet));
    found.extend(erasure_notices(programme, today));
    found
}

fn addressee(programme: &Programme, key: &str, person: PersonId) -> Option<Addressee> {
    let found = programme.people.get(&person)?;
    Some(Addressee {
        person,
        name: found.details.name.clone(),
        email: found.details.email.trim().to_string(),
        language: MessageLanguage::for_person(&found.details),
        sent_on: found.reminders.get(key).map(|sent| sent.on),
    })
}

fn interviews(programme: &Programme) -> Vec<Reminder> {
    let standings = programme.standings();
    let key = ReminderKind::Interview.code().to_string();
    let waiting: Vec<_> = programme
        .people
        .iter()
        .filter(|(id, person)| {
            standings.get(id) == Some(&Standing::Applied)
                && person.application.stage == Stage::Applied
        })
        .collect();
    let people: Vec<Addressee> = waiting
        .iter()
        .filter_map(|(id, _)| addressee(programme, &key, **id))
        .collect();
    if people.is_empty() {
        return Vec::new();
    }
    vec![sorted(Reminder {
        key,
        kind: ReminderKind::Interview,
        title: String::new(),
        // The oldest application: how long the longest wait is.
        day: waiting
            .iter()
            .filter_map(|(_, person)| person.application.applied_on)
            .min(),
        people,
    })]
}

fn surveys(programme: &Programme, today: Day) -> Vec<Reminder> {
    let mut by_survey: BTreeMap<(Day, String, String), Reminder> = BTreeMap::new();
    for tandem in programme.tandems.values() {
        if tandem.status != TandemStatus::Active {
            continue;
        }
        for due in programme.surveys_due(tandem, today) {
            let key = format!("{}:{}", ReminderKind::Survey.code(), due.survey);
            let Some(addressee) = addressee(programme, &key, due.person) else {
                continue;
            };
            by_survey
                .entry((due.due, due.title.clone(), key.clone()))
                .or_insert_with(|| Reminder {
                    key,
                    kind: ReminderKind::Survey,
                    title: due.title.clone(),
                    day: Some(due.due),
                    people: Vec::new(),
                })
                .people
                .push(addressee);
        }
    }
    by_survey.into_values().map(sorted).collect()
}

fn events(programme: &Programme, today: Day) -> Vec<Reminder> {
    let last = today.plus_days(EVENT_WINDOW_DAYS);
    let standings = programme.standings();
    let mut found: Vec<Reminder> = programme
        .events
        .iter()
        .filter(|(_, event)| {
            !event.cancelled && event.details.start_day >= today && event.details.start_day <= last
        })
        .filter_map(|(id, event)| {
            let key = format!("{}:{id}", ReminderKind::Event.code());
            let people: Vec<Addressee> = programme
                .people
                .iter()
                .filter(|(person, found)| {
                    matches!(
                        standings.get(person),
                        Some(Standing::Accepted | Standing::Matched)
                    ) && event.details.audience.includes(found)
                        && event.attendance_of(**person).is_none_or(|entry| {
                            entry.status == crate::model::event::AttendanceStatus::Invited
                        })
                })
                .filter_map(|(person, _)| addressee(programme, &key, *person))
                .collect();
            (!people.is_empty()).then(|| {
                sorted(Reminder {
                    key,
                    kind: ReminderKind::Event,
                    title: event.details.title.clone(),
                    day: Some(event.details.start_day),
                    people,
                })
            })
        })
        .collect();
    found.sort_by_key(|reminder| (reminder.day, reminder.title.to_lowercase()));
    found
}

fn quiet_tandems(
    programme: &Programme,
    quiet: &BTreeMap<TandemId, ContactConcern>,
) -> Vec<Reminder> {
    quiet
        .iter()
        .filter_map(|(id, concern)| {
            let tandem = programme.tandems.get(id)?;
            if tandem.status != TandemStatus::Active {
                return None;
            }
            let day = match concern {
                ContactConcern::Quiet { last, .. } => Some(*last),
                ContactConcern::NoMeetingYet { .. } => Some(tandem.start),
                ContactConcern::OneSided { .. } => return None,
            };
            let key = format!("{}:{id}", ReminderKind::QuietTandem.code());
            let people: Vec<Addressee> = [Some(tandem.mentee), Some(tandem.mentor)]
                .into_iter()
                .chain([tandem.co_mentor])
                .flatten()
                .filter_map(|person| addressee(programme, &key, person))
                .collect();
            let title = people
                .iter()
                .map(|addressee| addressee.name.as_str())
                .collect::<Vec<_>>()
                .join(" & ");
            Some(Reminder {
                key,
                kind: ReminderKind::QuietTandem,
                title,
                day,
                people,
            })
        })
        .collect()
}

fn erasure_notices(programme: &Programme, today: Day) -> Vec<Reminder> {
    let Some(until) = keep_until(programme) else {
        return Vec::new();
    };
    if today > until || until.days_since(today) > ERASURE_NOTICE_DAYS {
        return Vec::new();
    }
    let key = ReminderKind::Erasure.code().to_string();
    let people: Vec<Addressee> = programme
        .people
        .keys()
        .filter(|person| {
            programme
                .consents
                .get(person)
                .is_none_or(|consent| consent.withdrawn_on.is_none())
        })
        .filter_map(|person| addressee(programme, &key, *person))
        .collect();
    if people.is_empty() {
        return Vec::new();
    }
    vec![sorted(Reminder {
        key,
        kind: ReminderKind::Erasure,
        title: String::new(),
        day: Some(until.plus_days(1)),
        people,
    })]
}

fn sorted(mut reminder: Reminder) -> Reminder {
    reminder
        .people
        .sort_by_key(|addressee| addressee.name.to_lowercase());
    reminder
}

/// What `mailto:` header values must not carry unescaped (RFC 6068):
/// everything but letters, digits and the unreserved marks.
const MAILTO_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// An address in a `mailto:` link: as a header value, with its `@` kept.
const MAILTO_ADDRESS: &AsciiSet = &MAILTO_VALUE.remove(b'@');

/// A `mailto:` link: to one person, or, with `bcc`, to nobody visible and
/// everyone in BCC, so that nobody learns who else is in the programme.
/// Addresses with characters an address cannot have (line breaks,
/// `?`, `&`, `,`) are left out rather than let them add headers.
pub fn mailto(addresses: &[&str], bcc: bool, subject: &str, body: &str) -> String {
    let addresses: Vec<String> = addresses
        .iter()
        .map(|address| address.trim())
        .filter(|address| {
            !address.is_empty()
                && address.contains('@')
                && !address.chars().any(|c| {
                    c.is_whitespace() || c.is_control() || matches!(c, '?' | '&' | ',' | '%')
                })
        })
        .map(|address| utf8_percent_encode(address, MAILTO_ADDRESS).to_string())
        .collect();
    let list = addresses.join(",");
    // Line breaks in a mail body are CRLF (RFC 6068, section 5).
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    let fields = format!(
        "subject={}&body={}",
        utf8_percent_encode(subject, MAILTO_VALUE),
        utf8_percent_encode(&body, MAILTO_VALUE)
    );
    if bcc {
        format!("mailto:?bcc={list}&{fields}")
    } else {
        format!("mailto:{list}?{fields}")
    }
}
