//! What an operator's monitoring reads: `/metrics` in Prometheus' text
//! format, on an address of its own.
//!
//! The figures say how busy the relay is and whether it is healthy —
//! connections, live and stored rooms, bytes on disk, pushes, refusals by
//! their code, how long the store takes — and nothing about any room in
//! particular. They are served apart from the app and the WebSocket, on
//! loopback by default (`--metrics-addr 127.0.0.1:9187`), so that the
//! public port shows nothing of them; Prometheus on the same machine (or a
//! tunnel to it) reads them there. Encoding is the Prometheus project's own
//! crate, `prometheus-client`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The content type of Prometheus' text format.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Code {
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Operation {
    operation: &'static str,
}

/// The relay's counters and gauges.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    connections: Gauge,
    live_rooms: Gauge,
    stored_rooms: Gauge,
    stored_bytes: Gauge,
    pushes: Counter,
    refusals: Family<Code, Counter>,
    store_seconds: Family<Operation, Histogram>,
    open_inboxes: Gauge,
    inbox_messages: Gauge,
    inbox_refusals: Family<Code, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tandem_relay");
        let connections = Gauge::default();
        registry.register(
            "connections",
            "WebSocket connections open now",
            connections.clone(),
        );
        let live_rooms = Gauge::default();
        registry.register(
            "live_rooms",
            "Rooms with at least one connection now",
            live_rooms.clone(),
        );
        let stored_rooms = Gauge::default();
        registry.register(
            "stored_rooms",
            "Rooms in the SQLite database, all shards (retired ones not counted)",
            stored_rooms.clone(),
        );
        let stored_bytes = Gauge::default();
        registry.register(
            "stored_bytes",
            "Bytes of the SQLite database on disk, all shards with their write-ahead logs",
            stored_bytes.clone(),
        );
        let pushes = Counter::default();
        registry.register("pushes", "Pushes stored and acknowledged", pushes.clone());
        let refusals = Family::<Code, Counter>::default();
        registry.register(
            "refusals",
            "Connections the relay ended with an error, by the error's code",
            refusals.clone(),
        );
        let store_seconds = Family::<Operation, Histogram>::new_with_constructor(|| {
            // From a quarter of a millisecond to about four seconds.
            Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
        });
        registry.register(
            "store_seconds",
            "How long the store took: admitting a hello, committing a push",
            store_seconds.clone(),
        );
        let open_inboxes = Gauge::default();
        registry.register(
            "open_inboxes",
            "Programmes' intake inboxes taking messages (SQLite)",
            open_inboxes.clone(),
        );
        let inbox_messages = Gauge::default();
        registry.register(
            "inbox_messages",
            "Messages waiting in inboxes for their coordinators (SQLite)",
            inbox_messages.clone(),
        );
        let inbox_refusals = Family::<Code, Counter>::default();
        registry.register(
            "inbox_refusals",
            "Messages to inboxes the relay refused, by the error's code",
            inbox_refusals.clone(),
        );
        Self {
            registry,
            open_inboxes,
            inbox_messages,
            inbox_refusals,
            connections,
            live_rooms,
            stored_rooms,
            stored_bytes,
            pushes,
            refusals,
            store_seconds,
        }
    }

    /// Counts a connection as open until the returned guard is dropped.
    pub(crate) fn connected(&self) -> Connected {
        self.connections.inc();
        Connected(self.connections.clone())
    }

    /// Counts a stored push.
    pub(crate) fn pushed(&self) {
        self.pushes.inc();
    }

    /// Counts a connection ended with `code` (as its error frame says).
    pub(crate) fn refused(&self, code: &str) {
        self.refusals
            .get_or_create(&Code {
                code: code.to_string(),
            })
            .inc();
    }

    /// Counts a message to an inbox refused with `code`.
    pub(crate) fn inbox_refused(&self, code: &str) {
        self.inbox_refusals
            .get_or_create(&Code {
                code: code.to_string(),
            })
            .inc();
    }

    /// Runs `work` and counts how long it took under `operation`.
    pub(crate) async fn time<F: Future>(&self, operation: &'static str, work: F) -> F::Output {
        let started = Instant::now();
        let output = work.await;
        self.observe(operation, started.elapsed());
        output
    }

    fn observe(&self, operation: &'static str, took: Duration) {
        self.store_seconds
            .get_or_create(&Operation { operation })
            .observe(took.as_secs_f64());
    }

    /// The text Prometheus reads.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// A connection counted as open.
#[derive(Debug)]
pub(crate) struct Connected(Gauge);

impl Drop for Connected {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// What a scrape reads beside the counters.
pub(crate) struct Scrape {
    pub metrics: Arc<Metrics>,
    /// Rooms with connections now.
    pub live_rooms: Box<dyn Fn() -> usize + Send + Sync>,
    /// The SQLite database, for its size and its rooms.
    pub sqlite: Option<PathBuf>,
}

/// The router of the metrics address: `/metrics` only.
pub(crate) fn router(scrape: Scrape) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(Arc::new(scrape))
}

async fn metrics(State(scrape): State<Arc<Scrape>>) -> Response {
    scrape
        .metrics
        .live_rooms
        .set(i64::try_from((scrape.live_rooms)()).unwrap_or(i64::MAX));
    if let Some(path) = scrape.sqlite.clone() {
        match tokio::task::spawn_blocking(move || sqlite_usage(&path)).await {
            Ok(Ok(usage)) => {
                scrape.metrics.stored_rooms.set(usage.rooms);
                scrape.metrics.stored_bytes.set(usage.bytes);
                scrape.metrics.open_inboxes.set(usage.open_inboxes);
                scrape.metrics.inbox_messages.set(usage.inbox_messages);
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot read the database's size for /metrics")
            }
            Err(error) => tracing::warn!(%error, "cannot read the database's size for /metrics"),
        }
    }
    match scrape.metrics.encode() {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// What a scrape reads from the SQLite database.
struct SqliteUsage {
    rooms: i64,
    bytes: i64,
    open_inboxes: i64,
    inbox_messages: i64,
}

/// The rooms in the SQLite database at `path` (all its shards), its bytes
/// on disk and its inboxes, read through connections of their own that
/// only read.
fn sqlite_usage(path: &std::path::Path) -> Result<SqliteUsage, rusqlite::Error> {
    let bytes = crate::store::database_files(path)
        .iter()
        .filter(|file| !file.to_string_lossy().ends_with("-shm"))
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| i64::try_from(metadata.len()).unwrap_or(i64::MAX))
        .fold(0_i64, i64::saturating_add);
    let open = |file: &std::path::Path| {
        let connection = rusqlite::Connection::open_with_flags(
            file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        connection.busy_timeout(Duration::from_secs(2))?;
        Ok::<_, rusqlite::Error>(connection)
    };
    let mut rooms = 0_i64;
    for (_, shard) in crate::store::sqlite::shard_files(path) {
        let shard_rooms: i64 =
            open(&shard)?.query_row("SELECT count(*) FROM rooms", [], |row| row.get(0))?;
        rooms = rooms.saturating_add(shard_rooms);
    }
    // The inboxes live in the first shard, the configured file.
    let (open_inboxes, inbox_messages) = open(path)?.query_row(
        "SELECT count(*) FILTER (WHERE state = 0), coalesce(sum(messages), 0) FROM inboxes",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(SqliteUsage {
        rooms,
        bytes,
        open_inboxes,
        inbox_messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_text_names_each_figure_with_its_value() {
        let metrics = Metrics::new();
        let first = metrics.connected();
        let _second = metrics.connected();
        drop(first);
        metrics.pushed();
        metrics.pushed();
        metrics.refused("too-fast");
        metrics.time("commit", async {}).await;
        let text = metrics.encode().unwrap();
        assert!(text.contains("tandem_relay_connections 1\n"), "{text}");
        assert!(text.contains("tandem_relay_pushes_total 2\n"), "{text}");
        assert!(
            text.contains("tandem_relay_refusals_total{code=\"too-fast\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("tandem_relay_store_seconds_count{operation=\"commit\"} 1\n"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
