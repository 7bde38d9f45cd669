//! The tandems area: the list of tandems, one tandem, and the outcomes of
//! tandems (completion and certificates' conditions).

pub mod list;
pub mod outcomes;
