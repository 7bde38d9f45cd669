//! The tandem page: a small Automerge document a mentee and mentor share
//! (goals, meetings, questionnaires offered to them), apart from the
//! programme.
//!
//! May use: `model`, `rules`, and the parts of `document` that are not the
//! programme document (`document::changes`, `document::exchange`,
//! `document::live`, [`LoadError`](crate::document::LoadError)). A
//! participant's app builds this without the coordinator's modules (see
//! the `coordinator` feature in `lib.rs`).

pub(crate) mod afresh;
pub(crate) mod calendar;
pub(crate) mod document;
pub(crate) mod survey;
