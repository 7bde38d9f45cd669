//! The calendar's rules: an event's details, counted hours, and the
//! completion rules a coordinator sets.

use std::collections::BTreeMap;

use crate::model::completion::{CompletionRules, MAX_EVENTS_REQUIRED};
use crate::model::event::{Audience, EventDetails, EventKind, MAX_EVENT_MINUTES, MAX_LINK_CHARS};
use crate::model::programme::Programme;
use crate::rules::error::{CalendarError, CommandError};
use crate::rules::text::{clean_name, MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Checks and tidies what a coordinator entered for an event.
pub(crate) fn clean_event_details(
    programme: &Programme,
    details: &EventDetails,
) -> Result<EventDetails, CommandError> {
    let title = clean_name(
        &details.title,
        CommandError::Calendar(CalendarError::EventTitleMissing),
    )?;
    if (details.end_day, details.end_time) < (details.start_day, details.start_time) {
        return Err(CommandError::Calendar(CalendarError::EventEndsBeforeStart));
    }
    let place = details.place.trim().to_string();
    if place.chars().count() > MAX_NAME_CHARS {
        return Err(CommandError::NameTooLong);
    }
    let online_link = details.online_link.trim().to_string();
    let trimmed = EventDetails {
        online_link: online_link.clone(),
        ..details.clone()
    };
    if !online_link.is_empty()
        && (online_link.chars().count() > MAX_LINK_CHARS || trimmed.web_link().is_none())
    {
        return Err(CommandError::Calendar(CalendarError::LinkInvalid(
            online_link.chars().take(80).collect(),
        )));
    }
    let description = details.description.trim().to_string();
    if description.chars().count() > MAX_TEXT_CHARS {
        return Err(CommandError::TextTooLong);
    }
    if let Some(host) = details.host {
        if !programme.partners.contains_key(&host) {
            return Err(CommandError::UnknownPartner);
        }
    }
    if let Audience::Organisation(partner) = details.audience {
        if !programme.partners.contains_key(&partner) {
            return Err(CommandError::UnknownPartner);
        }
    }
    if details.capacity == Some(0) {
        return Err(CommandError::Calendar(CalendarError::EventCapacityZero));
    }
    check_minutes(details.minutes)?;
    Ok(EventDetails {
        title,
        place,
        online_link,
        description,
        ..details.clone()
    })
}

pub(crate) fn check_minutes(minutes: u32) -> Result<(), CommandError> {
    if minutes > MAX_EVENT_MINUTES {
        return Err(CommandError::Calendar(CalendarError::HoursTooMany));
    }
    Ok(())
}

impl CompletionRules {
    /// Checks the rules a coordinator set and drops empty ones.
    pub(crate) fn cleaned(&self) -> Result<Self, CommandError> {
        check_minutes(self.min_minutes)?;
        let mut events_of_kind = BTreeMap::new();
        for (code, needed) in &self.events_of_kind {
            if EventKind::from_code(code).is_none() {
                return Err(CommandError::Calendar(CalendarError::UnknownEventKind(
                    code.chars().take(40).collect(),
                )));
            }
            if *needed > MAX_EVENTS_REQUIRED {
                return Err(CommandError::Calendar(CalendarError::TooManyEventsRequired));
            }
            if *needed > 0 {
                events_of_kind.insert(code.clone(), *needed);
            }
        }
        Ok(Self {
            events_of_kind,
            ..self.clone()
        })
    }
}
