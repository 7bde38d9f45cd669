//! Limits on what a coordinator types, and names and date ranges cleaned
//! the same way everywhere.

use crate::model::day::Day;
use crate::rules::error::CommandError;

/// Longest name a coordinator can give a programme, an organisation or a person.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest free text (goal, motivation, notes).
pub(crate) const MAX_TEXT_CHARS: usize = 10_000;

/// A name as the coordinator meant it: trimmed, not empty, not overlong.
pub(crate) fn clean_name(name: &str, missing: CommandError) -> Result<String, CommandError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(missing);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CommandError::NameTooLong);
    }
    Ok(name)
}

pub(crate) fn check_dates(start: Day, end: Day) -> Result<(), CommandError> {
    if end < start {
        return Err(CommandError::EndsBeforeStart { start, end });
    }
    Ok(())
}
