//! How long personal data is kept after the programme's end, and who is
//! due for erasure on a given day.

use crate::model::day::Day;
use crate::model::ids::PersonId;
use crate::model::programme::Programme;

/// Why a person is due for erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureReason {
    /// The programme's retention period after its end is over.
    RetentionOver,
    /// They withdrew their consent to processing.
    ConsentWithdrawn,
}

impl ErasureReason {
    /// A stable name for translations.
    pub fn code(self) -> &'static str {
        match self {
            ErasureReason::RetentionOver => "retention-over",
            ErasureReason::ConsentWithdrawn => "consent-withdrawn",
        }
    }
}

/// A person whose data is due for erasure, and since when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueForErasure {
    pub person: PersonId,
    pub name: String,
    pub since: Day,
    pub reason: ErasureReason,
}

/// The last day personal data may be kept: the programme's end plus the
/// retention period, if one is set.
pub fn keep_until(programme: &Programme) -> Option<Day> {
    programme
        .retention_months
        .map(|months| add_months(programme.end, months))
}

/// Everyone due for erasure on `today`, sorted by name: all people once the
/// retention period is over, and anyone who withdrew their consent to
/// processing.
pub fn due_for_erasure(programme: &Programme, today: Day) -> Vec<DueForErasure> {
    let retention_over = keep_until(programme).filter(|until| today > *until);
    let mut due: Vec<DueForErasure> = programme
        .people
        .iter()
        .filter_map(|(id, person)| {
            let withdrawn = programme
                .consents
                .get(id)
                .and_then(|consent| consent.withdrawn_on);
            let (since, reason) = match (withdrawn, retention_over) {
                (Some(on), _) => (on, ErasureReason::ConsentWithdrawn),
                (None, Some(until)) => (until.plus_days(1), ErasureReason::RetentionOver),
                (None, None) => return None,
            };
            Some(DueForErasure {
                person: *id,
                name: person.details.name.clone(),
                since,
                reason,
            })
        })
        .collect();
    due.sort_by_key(|entry| entry.name.to_lowercase());
    due
}

/// `day` plus whole months; a day past the month's end becomes its last day.
fn add_months(day: Day, months: u32) -> Day {
    let (year, month, date) = day.parts();
    let total = i64::from(year) * 12 + i64::from(month) - 1 + i64::from(months);
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    for last in (28..=date.max(28)).rev() {
        let candidate = format!("{year:04}-{month:02}-{:02}", date.min(last));
        if let Ok(day) = Day::parse(&candidate) {
            return day;
        }
    }
    day
}
