//! Files that go in and out of the app: spreadsheets imported and
//! exported, calendar files, certificates.
//!
//! May use: `model`, `rules`, `command` (an import is a list of commands),
//! `privacy` (what may be exported). Nothing here writes a document.

pub(crate) mod certificate;
pub(crate) mod export;
pub(crate) mod ics;
pub(crate) mod import;
