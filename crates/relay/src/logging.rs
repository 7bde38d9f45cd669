//! What the relay writes to its log, and how.
//!
//! A log is kept for weeks and read by people who run servers, not
//! programmes: it names no room and no client address unless the
//! operator asks for them (`--log-sensitive`, for chasing one problem).
//! Otherwise a room appears as a pseudonym that stays the same for one
//! run of the relay — enough to follow one room's connections through the
//! log, and useless for finding the room. Logs come as text for a
//! terminal or as one JSON object a line for a log collector
//! (`--log-format json`).

use std::fmt;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use tandem_sync::RoomId;
use tracing_subscriber::EnvFilter;

/// Whether room ids and client addresses go into the log as they are.
static SENSITIVE: AtomicBool = AtomicBool::new(false);

/// The key of this run's pseudonyms: random for each process, so that a
/// pseudonym cannot be linked to the room across runs or computed from a
/// room id by anyone reading the log.
fn pseudonym_key() -> &'static std::collections::hash_map::RandomState {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    KEY.get_or_init(std::collections::hash_map::RandomState::new)
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object a line, for a log collector.
    Json,
}

/// Starts logging at the level `RUST_LOG` names (`info` otherwise).
pub fn init(format: LogFormat, sensitive: bool) {
    SENSITIVE.store(sensitive, Ordering::Relaxed);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Says whether [`room`] and [`client`] log the real values (for tests and
/// for embedding the relay; [`init`] sets it from the command line).
pub fn set_sensitive(sensitive: bool) {
    SENSITIVE.store(sensitive, Ordering::Relaxed);
}

/// A room as the log shows it: its id with `--log-sensitive`, otherwise
/// this run's pseudonym for it (`room-` and 12 hex digits).
pub fn room(room: RoomId) -> Logged<RoomId> {
    Logged(room)
}

/// A client address as the log shows it: as it is with
/// `--log-sensitive`, otherwise only whether it is IPv4 or IPv6.
pub fn client(address: IpAddr) -> Logged<IpAddr> {
    Logged(address)
}

/// A value that the log shows only when asked to.
#[derive(Debug, Clone, Copy)]
pub struct Logged<T>(T);

impl fmt::Display for Logged<RoomId> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if SENSITIVE.load(Ordering::Relaxed) {
            write!(f, "{}", self.0)
        } else {
            let pseudonym = pseudonym_key().hash_one(self.0.as_bytes()) & 0xffff_ffff_ffff;
            write!(f, "room-{pseudonym:012x}")
        }
    }
}

impl fmt::Display for Logged<IpAddr> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (SENSITIVE.load(Ordering::Relaxed), self.0) {
            (true, address) => write!(f, "{address}"),
            (false, IpAddr::V4(_)) => f.write_str("an IPv4 address"),
            (false, IpAddr::V6(_)) => f.write_str("an IPv6 address"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test, as the setting is the process's.
    #[test]
    fn rooms_and_addresses_are_hidden_unless_asked_for() {
        let id = RoomId::from_bytes([7; 16]);
        let other = RoomId::from_bytes([8; 16]);
        let address: IpAddr = "192.0.2.17".parse().unwrap();

        set_sensitive(false);
        let shown = room(id).to_string();
        assert!(shown.starts_with("room-") && shown.len() == 17, "{shown}");
        assert!(!shown.contains(&id.to_string()));
        assert_eq!(
            shown,
            room(id).to_string(),
            "the same room, the same pseudonym"
        );
        assert_ne!(shown, room(other).to_string());
        assert_eq!(client(address).to_string(), "an IPv4 address");

        set_sensitive(true);
        assert_eq!(room(id).to_string(), id.to_string());
        assert_eq!(client(address).to_string(), "192.0.2.17");
        set_sensitive(false);
    }
}
