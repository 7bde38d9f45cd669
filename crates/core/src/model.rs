//! The programme's nouns: a programme and its partners, people, tandems,
//! events, questionnaires, outcomes and consent, with their ids and days.
//!
//! May use: nothing else in this crate. Everything above reads and writes
//! these types; they know nothing of Automerge transactions, commands or
//! the rules that refuse a command.

pub(crate) mod completion;
pub(crate) mod consent;
pub(crate) mod day;
pub(crate) mod event;
pub(crate) mod ids;
pub(crate) mod outcome;
pub(crate) mod person;
pub(crate) mod programme;
pub(crate) mod survey;
pub(crate) mod tandem;
pub(crate) mod weights;
