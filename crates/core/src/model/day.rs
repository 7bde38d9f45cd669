//! Calendar days, as programmes speak of them (start, end, interviews).
//!
//! Stored in the document as ISO text (`2026-02-01`) so that any reader of the
//! document, and any later version of Tandem, sees a plain date.

use std::fmt;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::Date;

const ISO: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");
const GERMAN: &[BorrowedFormatItem<'static>] =
    format_description!("[day padding:none].[month padding:none].[year]");

/// A day that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("„{0}“ is not a date (expected 2026-12-31 or 31.12.2026)")]
pub struct DayError(pub String);

/// One calendar day, without time or zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

impl Day {
    /// 1 January 1970, for a day that must exist before any is known.
    pub const EPOCH: Day = Day(time::macros::date!(1970 - 01 - 01));

    /// Reads a day written as `2026-12-31` (ISO, as date fields give it) or
    /// `31.12.2026` (as German spreadsheets export it).
    pub fn parse(text: &str) -> Result<Self, DayError> {
        let text = text.trim();
        Date::parse(text, ISO)
            .or_else(|_| Date::parse(text, GERMAN))
            .map(Day)
            .map_err(|_| DayError(text.chars().take(40).collect()))
    }

    /// Year, month (1–12) and day of the month.
    pub fn parts(&self) -> (i32, u8, u8) {
        (self.0.year(), u8::from(self.0.month()), self.0.day())
    }

    /// The day as ISO text, `2026-12-31`.
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// Whole days from `earlier` to this day (negative if it is later).
    pub fn days_since(&self, earlier: Day) -> i64 {
        (self.0 - earlier.0).whole_days()
    }

    /// The day `days` days later (earlier if negative), kept within the
    /// calendar's range.
    pub fn plus_days(&self, days: i64) -> Day {
        let moved = self
            .0
            .checked_add(time::Duration::days(days))
            .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX });
        Day(moved)
    }

    /// The day as Germans write it, `31.12.2026`.
    pub fn german(&self) -> String {
        format!(
            "{:02}.{:02}.{}",
            self.0.day(),
            u8::from(self.0.month()),
            self.0.year()
        )
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(ISO) {
            Ok(text) => f.write_str(&text),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.iso().reconcile(reconciler)
    }
}

impl Hydrate for Day {
    fn hydrate_string(text: &str) -> Result<Self, HydrateError> {
        Day::parse(text).map_err(|_| HydrateError::unexpected("a date", text.to_string()))
    }
}

// Encoded in the stored view (`document::view`) as days since 1970, not
// as the text the document holds.
impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.days_since(Day::EPOCH).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let days = i64::deserialize(deserializer)?;
        let day = Day::EPOCH.plus_days(days);
        if day.days_since(Day::EPOCH) != days {
            return Err(serde::de::Error::custom("a day outside the calendar"));
        }
        Ok(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_german_spreadsheet_date_is_the_same_day_as_its_iso_form() {
        assert_eq!(Day::parse("31.12.2025"), Day::parse("2025-12-31"));
        assert_eq!(Day::parse("1.2.2026"), Day::parse("2026-02-01"));
    }

    #[test]
    fn a_day_is_shown_in_german_and_iso() {
        let day = Day::parse("2026-02-01").unwrap();
        assert_eq!(day.german(), "01.02.2026");
        assert_eq!(day.iso(), "2026-02-01");
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(Day::parse("31.02.2026").is_err());
        assert!(Day::parse("morgen").is_err());
        assert!(Day::parse("").is_err());
    }
}
