//! The report area: the programme's report and the questionnaires whose
//! answers feed it.

pub mod page;
pub mod surveys;
