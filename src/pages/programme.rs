//! The programme area: the list of programmes, one programme's frame and
//! dashboard, its settings, and how it travels: sharing live, exchange
//! files and the history of changes.

pub(crate) mod access;
pub(crate) mod dashboard;
pub(crate) mod exchange;
pub(crate) mod history;
pub(crate) mod intake_link;
pub(crate) mod intake_texts;
pub(crate) mod join_by_file;
pub(crate) mod list;
pub(crate) mod reminders;
pub(crate) mod settings;
pub(crate) mod share;
pub(crate) mod shell;
