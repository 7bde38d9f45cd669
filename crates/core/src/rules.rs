//! The invariants a command must keep, and why a command is refused.
//!
//! May use: `model`. Each check is a pure function of the programme (or an
//! entity) and what a coordinator entered, so the command writers, the
//! spreadsheet import and the tandem page share them without touching a
//! document. [`CommandError`](error::CommandError) and the errors of each
//! domain it wraps live here because every variant names the rule that was
//! broken, and the checks here refuse with them.

pub(crate) mod calendar;
pub(crate) mod error;
pub(crate) mod intake;
pub(crate) mod invariants;
pub(crate) mod matching;
pub(crate) mod people;
pub(crate) mod received;
pub(crate) mod results;
pub(crate) mod scope;
pub(crate) mod text;
