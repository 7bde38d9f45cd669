//! The calendar area: the programme's events, one event with its
//! attendance, and the certificates that attendance leads to.

pub(crate) mod certificates;
pub(crate) mod event;
pub(crate) mod list;
