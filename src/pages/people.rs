//! The people area: the list of people and applications, one person (and
//! the intake form), importing a spreadsheet, and the data subjects'
//! rights (consent, access report, erasure, the public privacy notice).

pub(crate) mod import;
pub(crate) mod incoming;
pub(crate) mod list;
pub(crate) mod person;
// The privacy page still draws its whole view in one function; until it
// is split into components it is the one page past the line limit.
#[allow(clippy::too_many_lines)]
pub(crate) mod privacy;
