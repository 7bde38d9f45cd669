//! The report area: the programme's report and the questionnaires whose
//! answers feed it.

pub(crate) mod page;
pub(crate) mod surveys;
