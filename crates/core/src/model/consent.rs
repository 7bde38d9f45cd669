//! What each person agreed to (and when, how, and whether they withdrew it),
//! and what that allows: being named in reports, being processed at all.

use autosurgeon::{Hydrate, Reconcile};

use crate::model::day::Day;
use crate::model::ids::PersonId;
use crate::model::programme::Programme;

/// Longest retention period a programme may set: ten years.
pub const MAX_RETENTION_MONTHS: u32 = 120;

/// How consent was given.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Reconcile,
    Hydrate,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum ConsentWay {
    #[default]
    PaperForm,
    Email,
    InPerson,
    OnlineForm,
}

coded_enum! {
    ConsentWay {
        PaperForm => "paper-form",
        Email => "email",
        InPerson => "in-person",
        OnlineForm => "online-form",
    }
}

/// What a person agreed to. Sharing contact details with the tandem is
/// recorded per field in [`SharedFields`](crate::model::person::SharedFields).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct ConsentRecord {
    /// Their data may be processed for the programme.
    pub processing: bool,
    /// Photos of them may be taken and used.
    pub photos: bool,
    /// They may be named in reports and published lists.
    pub named_in_reports: bool,
    pub given_on: Day,
    pub way: ConsentWay,
    /// The coordinator who recorded it.
    pub recorded_by: String,
    /// When they withdrew their consent; everything above then counts as
    /// not given.
    pub withdrawn_on: Option<Day>,
}

impl ConsentRecord {
    /// Whether the consent stands (not withdrawn).
    pub fn stands(&self) -> bool {
        self.withdrawn_on.is_none()
    }
}

/// Whether a person may be named in reports and published lists:
/// only with consent that stands.
pub fn may_be_named(programme: &Programme, person: PersonId) -> bool {
    programme
        .consents
        .get(&person)
        .is_some_and(|consent| consent.stands() && consent.processing && consent.named_in_reports)
}

/// Whether a person's data may still be processed: exported, printed on a
/// certificate. Not once they refused or withdrew their consent (they are
/// then due for erasure); a person without a consent record counts as
/// consenting, as in programmes from before consent was recorded.
pub fn may_be_processed(programme: &Programme, person: PersonId) -> bool {
    programme
        .consents
        .get(&person)
        .is_none_or(|consent| consent.stands() && consent.processing)
}

/// Removes a person's privacy records and results from a programme being
/// rebuilt without them.
pub(crate) fn forget_records(programme: &mut Programme, person: PersonId) {
    programme.consents.remove(&person);
    programme.outcomes.remove(&person);
    programme
        .survey_responses
        .retain(|_, response| response.person != Some(person));
}
