//! The calendar area: the programme's events, one event with its
//! attendance, and the certificates that attendance leads to.

pub mod certificates;
pub mod event;
pub mod list;
