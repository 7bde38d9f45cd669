//! Commands: every change a coordinator makes to a programme.
//!
//! A command is a user's intent. [`ProgrammeDocument::apply`](crate::ProgrammeDocument::apply)
//! validates it against the programme, writes it in one transaction, touching
//! only the entity it concerns, and records the coordinator in the change
//! message. A refused command leaves the document as it was.

use crate::{CoordinatorId, Day, PartnerId, ProgrammeKind};

/// Longest name a coordinator can give a programme or an organisation.
pub const MAX_NAME_CHARS: usize = 200;

/// The coordinator who makes a change. Kept in settings on each device; the
/// same person on two laptops is the same author with two actor ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: CoordinatorId,
    pub name: String,
}

impl Author {
    /// A coordinator with a new random id.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: CoordinatorId::random(),
            name: name.into(),
        }
    }
}

/// What a coordinator fills in to start a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProgramme {
    pub name: String,
    pub kind: ProgrammeKind,
    pub start: Day,
    pub end: Day,
    /// Names of the partner organisations.
    pub partners: Vec<String>,
}

/// A change to an existing programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Rename { name: String },
    SetDates { start: Day, end: Day },
    AddPartner { id: PartnerId, name: String },
    RenamePartner { id: PartnerId, name: String },
}

impl Command {
    /// A stable name for the change log.
    pub fn code(&self) -> &'static str {
        match self {
            Command::Rename { .. } => "rename",
            Command::SetDates { .. } => "set-dates",
            Command::AddPartner { .. } => "add-partner",
            Command::RenamePartner { .. } => "rename-partner",
        }
    }
}

/// Why a command was refused. Each has a [`code`](Self::code) under which the
/// app finds the message in the coordinator's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("the programme needs a name")]
    NameMissing,
    #[error("a name can have at most {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the programme cannot end ({end}) before it starts ({start})")]
    EndsBeforeStart { start: Day, end: Day },
    #[error("an organisation needs a name")]
    PartnerNameMissing,
    #[error("the organisation „{0}“ is already a partner")]
    PartnerTwice(String),
    #[error("there is no such partner organisation")]
    UnknownPartner,
    #[error("the programme document could not be written: {0}")]
    Document(String),
}

impl CommandError {
    /// A stable name for translations.
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::NameMissing => "name-missing",
            CommandError::NameTooLong => "name-too-long",
            CommandError::EndsBeforeStart { .. } => "ends-before-start",
            CommandError::PartnerNameMissing => "partner-name-missing",
            CommandError::PartnerTwice(_) => "partner-twice",
            CommandError::UnknownPartner => "unknown-partner",
            CommandError::Document(_) => "document",
        }
    }
}

impl From<automerge::AutomergeError> for CommandError {
    fn from(error: automerge::AutomergeError) -> Self {
        CommandError::Document(error.to_string())
    }
}

impl From<autosurgeon::ReconcileError> for CommandError {
    fn from(error: autosurgeon::ReconcileError) -> Self {
        CommandError::Document(error.to_string())
    }
}

/// A name as the coordinator meant it: trimmed, not empty, not overlong.
pub(crate) fn clean_name(name: &str, missing: CommandError) -> Result<String, CommandError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(missing);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CommandError::NameTooLong);
    }
    Ok(name)
}

pub(crate) fn check_dates(start: Day, end: Day) -> Result<(), CommandError> {
    if end < start {
        return Err(CommandError::EndsBeforeStart { start, end });
    }
    Ok(())
}
