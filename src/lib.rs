//! Tandem in the browser: pages, components, browser storage.
//!
//! The rules of a programme live in `tandem-core`; this crate shows them and
//! keeps the documents in the browser. `main.rs` only mounts [`App`].

mod app;
pub mod browser;
mod clock;
mod components;
mod download;
mod files;
pub mod i18n;
pub mod language;
mod live;
mod offline;
mod page_session;
mod pages;
pub mod participant;
pub mod routes;
pub mod session;
pub mod settings;
mod socket;
pub mod storage;

pub use app::App;
/// How an event's online link is shown, mounted on its own by the browser
/// tests of what a partner's data may hold.
pub use components::calendar_text::OnlineLink;
pub use routes::Page;
