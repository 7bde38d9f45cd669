//! The programme area: the list of programmes, one programme's frame and
//! dashboard, its settings, and how it travels: sharing live, exchange
//! files and the history of changes.

pub mod access;
pub mod dashboard;
pub mod exchange;
pub mod history;
pub mod list;
pub mod reminders;
pub mod settings;
pub mod share;
pub mod shell;
