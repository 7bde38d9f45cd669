//! The data subject's rights, in the programme: what each person agreed to
//! (and when, how, and whether they withdrew it), how long the programme
//! keeps personal data after its end, who is due for erasure, and the
//! access report that gives a person everything Tandem holds about them.
//!
//! Erasure itself makes a new document generation: see `generation.rs`.
//! Which contact details a person shares with their tandem stays in
//! [`SharedFields`](crate::model::person::SharedFields), which the tandem page honours.
//!
//! May use: `model`, `rules`, `document` (earlier values from the history),
//! `page` (what tandem pages hold about a person), `command`.

pub(crate) mod access;
pub(crate) mod access_html;
pub(crate) mod retention;
