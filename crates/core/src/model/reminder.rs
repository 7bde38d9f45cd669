//! Reminders a coordinator sent: what kinds there are and the mark kept
//! with a person. Which reminders are due is worked out in
//! `report::reminders`.

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;

/// The longest key a reminder mark may have (a kind and an id).
pub(crate) const MAX_REMINDER_KEY_CHARS: usize = 80;
/// The most reminder marks one person keeps: enough for years of
/// questionnaires and events, bounded against a partner's flood.
pub(crate) const MAX_REMINDERS_PER_PERSON: usize = 500;

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReminderKind {
    Interview,
    Survey,
    Event,
    QuietTandem,
    Erasure,
}

coded_enum! {
    ReminderKind {
        Interview => "interview",
        Survey => "survey",
        Event => "event",
        QuietTandem => "quiet",
        Erasure => "erasure",
    }
}

impl ReminderKind {
    /// The kind a reminder key names (`survey:…` → survey), if it is one
    /// this version knows.
    pub fn of_key(key: &str) -> Option<Self> {
        Self::from_code(key.split(':').next().unwrap_or(key))
    }
}

/// A reminder a coordinator sent, by their own mail program.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct SentReminder {
    pub on: Day,
}
