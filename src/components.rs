//! What several pages share: the message under a form, a labelled field,
//! the answers to a question before a step that cannot be undone,
//! the event form and how calendar facts are written, a pager for long
//! tables, the list of who changed what, a QR code, where sync stands, the
//! relay's access code for new rooms.
//!
//! Components take named props and read the session and the language from
//! context; they never import a page. Pages import them from here, so a
//! page can be moved or rewritten without touching another page.

pub(crate) mod answers;
pub(crate) mod calendar_text;
pub(crate) mod confirm;
pub(crate) mod event_form;
pub(crate) mod field;
pub(crate) mod history;
pub(crate) mod notice;
pub(crate) mod pager;
pub(crate) mod participation;
pub(crate) mod qr;
pub(crate) mod room_code;
pub(crate) mod sync;
pub(crate) mod table;
pub(crate) mod violation;
