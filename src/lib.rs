//! Tandem in the browser: pages, components, browser storage.
//!
//! The rules of a programme live in `tandem-core`; this crate shows them and
//! keeps the documents in the browser. `main.rs` only mounts [`App`].

// `#[component]` writes a props struct and its builder beside each
// component, which `unreachable_pub` flags for every component the crate
// does not export; the modules that hold components allow it (their other
// items say `pub(crate)` all the same).
#[allow(unreachable_pub)]
mod app;
pub mod browser;
mod clock;
#[allow(unreachable_pub)]
mod components;
mod download;
mod files;
pub mod i18n;
mod inbox;
pub mod language;
mod live;
#[allow(unreachable_pub)]
mod offline;
mod page_session;
#[allow(unreachable_pub)]
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
