//! The Tandem relay: one small process that stores and forwards encrypted
//! programme changes and can serve the built app's static files, so that a
//! laptop or a municipal server needs nothing else.
//!
//! Clients speak [`tandem_sync`] frames over a WebSocket at `/sync` (see
//! [`connection`] for one connection's life). Rooms live in a
//! [`RoomStore`] — SQLite by default — and every blob in them is sealed
//! with a key the relay never sees.
//!
//! [`app`] builds the router apart from `main`, so tests run the relay on
//! `127.0.0.1:0` and talk to it with a real client. Everything it serves
//! carries the [`security`] headers, and only pages of the allowed
//! [`origin`]s may open a WebSocket; [`metrics_app`] serves the
//! [`metrics`] on an address of their own.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{routing::get, Json, Router};
use serde::Serialize;
use tower_http::compression::Compression;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::TraceLayer;

pub mod backup;
pub mod connection;
mod forwarding;
pub mod logging;
pub mod metrics;
pub mod origin;
mod rooms;
pub mod security;
pub mod store;

#[cfg(feature = "postgres")]
pub use store::PostgresStore;
pub use store::{
    Admission, Committed, Elsewhere, Entry, Queued, Replay, RoomStore, SqliteStore, StoreError,
};

pub use metrics::Metrics;
pub use origin::AllowedOrigins;
use rooms::Rooms;
use security::SecurityHeaders;

/// What each WebSocket reserves for reading; larger frames are read in
/// several steps. The default (128 KiB) would make 2,000 connections hold
/// a quarter of a gigabyte.
const SOCKET_BUFFER_BYTES: usize = 4 * 1024;

/// Room for a deliver frame's sequence beyond the push it carries.
const DELIVER_HEADROOM: usize = 64;

/// How much the relay accepts from each client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest frame a client may send, in bytes.
    pub max_frame_bytes: usize,
    /// Pushes and snapshots one connection may send per second.
    pub pushes_per_second: u32,
    /// Connections one room may have at once.
    pub connections_per_room: usize,
    /// Time a client has for its hello after connecting.
    pub hello_timeout: Duration,
    /// Bytes one room may hold (snapshot and log); a snapshot makes room.
    pub max_room_bytes: u64,
    /// A connection that sends nothing, not even an answer to the relay's
    /// pings, for this long is closed.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 8 * 1024 * 1024,
            pushes_per_second: 10,
            connections_per_room: 32,
            hello_timeout: Duration::from_secs(10),
            max_room_bytes: 256 * 1024 * 1024,
            idle_timeout: Duration::from_secs(120),
        }
    }
}

/// What the relay runs with.
#[derive(Debug, Clone, Default)]
pub struct RelayConfig {
    /// Folder of the built app to serve at `/`, if any.
    pub static_dir: Option<PathBuf>,
    pub limits: Limits,
    /// How the relay meets the public internet.
    pub exposure: Exposure,
}

/// How the relay meets the public internet: through TLS or not, and
/// which pages may open a WebSocket.
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    /// Browsers reach the relay only through HTTPS (a proxy in front
    /// ends TLS): responses tell them to keep to HTTPS (HSTS).
    pub behind_tls: bool,
    pub allowed_origins: AllowedOrigins,
}

/// Everything the relay's routes share.
pub struct RelayState<S> {
    store: Arc<S>,
    rooms: Arc<Rooms>,
    limits: Limits,
    static_dir: Option<PathBuf>,
    exposure: Exposure,
    metrics: Arc<Metrics>,
}

impl<S> Clone for RelayState<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            rooms: Arc::clone(&self.rooms),
            limits: self.limits.clone(),
            static_dir: self.static_dir.clone(),
            exposure: self.exposure.clone(),
            metrics: Arc::clone(&self.metrics),
        }
    }
}

impl<S: RoomStore> RelayState<S> {
    /// A relay over `store`. A frame limit above what the protocol allows
    /// is lowered to it. For a store other relay processes share, this
    /// starts forwarding what they store (inside a tokio runtime).
    pub fn new(store: S, config: RelayConfig) -> Self {
        let mut limits = config.limits;
        limits.max_frame_bytes = limits
            .max_frame_bytes
            .min(tandem_sync::MAX_FRAME_BYTES - DELIVER_HEADROOM);
        let store = Arc::new(store);
        let rooms = Arc::new(Rooms::new(limits.connections_per_room));
        if let Some(news) = store.elsewhere() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(forwarding::forward(
                        Arc::clone(&store),
                        Arc::clone(&rooms),
                        news,
                    ));
                }
                Err(_) => tracing::error!(
                    "no runtime to forward what other relay processes store; \
                     clients hear of it only when they reconnect"
                ),
            }
        }
        Self {
            store,
            rooms,
            limits,
            static_dir: config.static_dir,
            exposure: config.exposure,
            metrics: Arc::new(Metrics::new()),
        }
    }

    /// The relay's counters, as `/metrics` shows them.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    protocol: u16,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        protocol: tandem_sync::PROTOCOL_VERSION,
    })
}

async fn sync<S: RoomStore>(
    State(state): State<RelayState<S>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !state.exposure.allowed_origins.allows(&headers) {
        state.metrics.refused("origin");
        tracing::info!("WebSocket from a page of another origin refused");
        return (
            StatusCode::FORBIDDEN,
            "pages of this origin may not connect to this relay (see --allowed-origin)",
        )
            .into_response();
    }
    // The socket takes more than a frame, so that a frame somewhat over
    // the limit is answered with a "too large" error frame; a message far
    // beyond it ends the connection at the socket.
    let socket_limit = state.limits.max_frame_bytes.saturating_mul(2);
    upgrade
        .max_message_size(socket_limit)
        .max_frame_size(socket_limit)
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(0)
        .on_upgrade(move |socket| connection::serve(socket, state))
}

/// The relay's routes: `/health`, `/sync` (WebSocket), and the app's files
/// when configured. Unknown paths fall back to the app's `index.html`, so
/// that links into the app (a programme's page) open after a reload.
/// Every response carries the security headers.
pub fn app<S: RoomStore>(state: RelayState<S>) -> Router {
    let static_dir = state.static_dir.clone();
    let headers = SecurityHeaders::new(static_dir.as_deref(), state.exposure.behind_tls);
    headers.apply(routes(state, static_dir))
}

/// `/metrics` for the relay of `state`, to be served on an address of its
/// own; with `sqlite`, the database's rooms and size are read at each
/// scrape.
pub fn metrics_app<S: RoomStore>(state: &RelayState<S>, sqlite: Option<PathBuf>) -> Router {
    let rooms = Arc::clone(&state.rooms);
    metrics::router(metrics::Scrape {
        metrics: Arc::clone(&state.metrics),
        live_rooms: Box::new(move || rooms.all_live().len()),
        sqlite,
    })
}

fn routes<S: RoomStore>(state: RelayState<S>, static_dir: Option<PathBuf>) -> Router {
    let router = Router::new()
        .route("/health", get(health))
        .route("/sync", get(sync::<S>))
        .with_state(state)
        .layer(TraceLayer::new_for_http());
    match static_dir {
        Some(dir) => {
            // The app's files go out compressed (brotli or gzip, as the
            // browser accepts). A release build carries copies compressed
            // once at the best level (`x.wasm.br`, `x.wasm.gz`, made by
            // scripts/precompress.mjs): those are sent as they are, with the
            // original's content type; anything else is compressed on the fly.
            let index = ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            let files = ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(index);
            // Caches must keep one copy per encoding (the on-the-fly layer
            // says so itself, the precompressed copies do not).
            router.fallback_service(SetResponseHeader::if_not_present(
                Compression::new(files),
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
        }
        None => router,
    }
}
