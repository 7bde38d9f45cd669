//! The tandems area: the list of tandems, one tandem, and the outcomes of
//! tandems (completion and certificates' conditions).

pub(crate) mod list;
pub(crate) mod outcomes;
pub(crate) mod page_links;
