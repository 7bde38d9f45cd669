//! What several pages share: the message under a form, a labelled field,
//! the event form and how calendar facts are written, a pager for long
//! tables, the list of who changed what, a QR code, where sync stands.
//!
//! Components take named props and read the session and the language from
//! context; they never import a page. Pages import them from here, so a
//! page can be moved or rewritten without touching another page.

pub mod answers;
pub mod calendar_text;
pub mod event_form;
pub mod field;
pub mod history;
pub mod notice;
pub mod pager;
pub mod participation;
pub mod qr;
pub mod sync;
pub mod table;
pub mod violation;
