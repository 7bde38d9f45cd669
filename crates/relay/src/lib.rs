//! The Tandem relay: one small process that stores and forwards encrypted
//! programme changes and can serve the built app's static files, so that a
//! laptop or a municipal server needs nothing else.
//!
//! Clients speak [`tandem_sync`] frames over a WebSocket at `/sync` (see
//! [`connection`] for one connection's life). Rooms live in a
//! [`RoomStore`] — SQLite by default — and every blob in them is sealed
//! with a key the relay never sees.
//!
//! [`app`] builds the router and [`serve`] accepts its connections, apart
//! from `main`, so tests run the relay on `127.0.0.1:0` and talk to it with
//! a real client. What a stranger can do to the relay, and what bounds it,
//! is in [`threats`]. Everything it serves carries the [`security`]
//! headers, and only pages of the allowed [`origin`]s may open a WebSocket;
//! rooms with a member list (protocol 2) admit only its devices and only
//! the changes they signed (`access`, `connection::access`);
//! [`metrics_app`] serves the [`metrics`] on an address of their own.
//! Programmes that recruit by link keep an [`inbox`] here: anyone with the
//! link appends sealed applications, only the coordinators read them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::{routing::get, Json, Router};
use serde::Serialize;
use tower_http::compression::Compression;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::TraceLayer;

mod access;
pub mod backup;
mod caching;
pub mod connection;
pub mod expiry;
mod forwarding;
pub mod inbox;
pub mod logging;
pub mod metrics;
pub mod origin;
mod quota;
mod rooms;
pub mod security;
pub mod server;
pub mod shutdown;
pub mod store;
pub mod threats;

#[cfg(feature = "postgres")]
pub use store::PostgresStore;
pub use store::{
    AccessLog, Admission, Committed, Elsewhere, Entry, Inbox, InboxAppend, InboxBounds,
    InboxMessage, InboxOpening, InboxPage, InboxState, Queued, Replay, RoomStore, SqliteStore,
    StoreError, Usage, DEFAULT_SHARDS,
};

pub use metrics::Metrics;
pub use origin::AllowedOrigins;
use rooms::Rooms;
use security::SecurityHeaders;
pub use server::{serve, ServerLimits};

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
    /// Bytes a connection may send before its hello is accepted (a hello
    /// takes about a hundred); more end the connection unread.
    pub max_bytes_before_hello: usize,
    /// Time one frame may take to go out to a client; a client that does
    /// not read for this long is dropped.
    pub send_timeout: Duration,
    /// Bytes of deliveries a connection may have waiting to go out; a
    /// client that falls further behind is dropped (it catches up from the
    /// store when it comes back).
    pub max_queued_bytes: usize,
    /// Bytes of large frames (over [`SMALL_FRAME_BYTES`]) the relay writes
    /// to all sockets at once; a large frame waits its turn (within
    /// `send_timeout`), so that clients that do not read pin this much
    /// memory at most.
    pub large_send_bytes: usize,
    /// New rooms one client address may open an hour (as a burst, then
    /// spread over the hour).
    pub new_rooms_per_hour: u32,
    /// Bytes the store may hold in all (0: no quota); at the quota, pushes
    /// are refused and rooms stay readable.
    pub max_stored_bytes: u64,
    /// Free bytes the disk under the store must keep; below, pushes are
    /// refused and rooms stay readable.
    pub min_free_disk_bytes: u64,
    /// Days a room is kept after its last change (0: for ever); see
    /// [`expiry`]. Idle inboxes expire after as many days.
    pub room_expiry_days: u32,
    /// Messages one client address may append to inboxes an hour (as a
    /// burst, then spread over the hour); see [`inbox`].
    pub inbox_appends_per_hour: u32,
    /// Messages one inbox may hold.
    pub max_inbox_messages: u64,
    /// Bytes of messages one inbox may hold.
    pub max_inbox_bytes: u64,
    /// Leading zero bits an inbox message's proof of work needs. Not a
    /// setting of its own: the app proves [`tandem_sync::intake::WORK_BITS`],
    /// so a relay asking for more refuses every application; tests ask for
    /// fewer to be quick.
    pub inbox_work_bits: u32,
}

/// Frames up to this size go out without waiting for
/// [`Limits::large_send_bytes`]: acknowledgements and small deliveries
/// never queue behind large ones.
pub const SMALL_FRAME_BYTES: usize = 64 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_frame_bytes: 8 * 1024 * 1024,
            pushes_per_second: 10,
            connections_per_room: 32,
            hello_timeout: Duration::from_secs(10),
            max_room_bytes: 256 * 1024 * 1024,
            idle_timeout: Duration::from_secs(120),
            max_bytes_before_hello: 1024,
            send_timeout: Duration::from_secs(10),
            max_queued_bytes: 16 * 1024 * 1024,
            large_send_bytes: 64 * 1024 * 1024,
            new_rooms_per_hour: 60,
            max_stored_bytes: 0,
            min_free_disk_bytes: 1024 * 1024 * 1024,
            room_expiry_days: 400,
            inbox_appends_per_hour: 20,
            max_inbox_messages: 2_000,
            max_inbox_bytes: 32 * 1024 * 1024,
            inbox_work_bits: tandem_sync::intake::WORK_BITS,
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
    /// Permits, one a byte, for large frames being written to sockets.
    large_sends: Arc<tokio::sync::Semaphore>,
    new_rooms: Arc<quota::NewRooms>,
    /// Each address's ration of inbox messages.
    inbox_appends: Arc<quota::NewRooms>,
    storage: Arc<quota::Storage>,
    exposure: Exposure,
    metrics: Arc<Metrics>,
    clock: Arc<expiry::Clock>,
    lifecycle: Arc<shutdown::Lifecycle>,
    /// The member lists of rooms that have one (protocol 2).
    rosters: Arc<access::Rosters>,
}

impl<S> Clone for RelayState<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            rooms: Arc::clone(&self.rooms),
            limits: self.limits.clone(),
            static_dir: self.static_dir.clone(),
            large_sends: Arc::clone(&self.large_sends),
            new_rooms: Arc::clone(&self.new_rooms),
            inbox_appends: Arc::clone(&self.inbox_appends),
            storage: Arc::clone(&self.storage),
            exposure: self.exposure.clone(),
            metrics: Arc::clone(&self.metrics),
            clock: Arc::clone(&self.clock),
            lifecycle: Arc::clone(&self.lifecycle),
            rosters: Arc::clone(&self.rosters),
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
        // One frame always fits the budget.
        limits.large_send_bytes = limits.large_send_bytes.clamp(
            tandem_sync::MAX_FRAME_BYTES,
            tokio::sync::Semaphore::MAX_PERMITS,
        );
        let large_sends = Arc::new(tokio::sync::Semaphore::new(limits.large_send_bytes));
        let rooms = Arc::new(Rooms::new(
            limits.connections_per_room,
            limits.max_queued_bytes,
        ));
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
        let storage = Arc::new(quota::Storage::default());
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(quota::watch(
                    Arc::clone(&store),
                    Arc::downgrade(&storage),
                    limits.max_stored_bytes,
                    limits.min_free_disk_bytes,
                ));
            }
            Err(_) => tracing::error!(
                "no runtime to watch the store's size and the free disk; \
                 pushes are taken until the disk fails"
            ),
        }
        let clock = Arc::new(expiry::Clock::default());
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(expiry::sweep(
                    Arc::clone(&store),
                    Arc::downgrade(&clock),
                    limits.room_expiry_days,
                ));
            }
            Err(_) => tracing::error!("no runtime to expire idle rooms; they are kept"),
        }
        let new_rooms = Arc::new(quota::NewRooms::new(limits.new_rooms_per_hour, None));
        let inbox_appends = Arc::new(quota::NewRooms::new(limits.inbox_appends_per_hour, None));
        Self {
            store,
            rooms,
            limits,
            static_dir: config.static_dir,
            large_sends,
            new_rooms,
            inbox_appends,
            storage,
            exposure: config.exposure,
            metrics: Arc::new(Metrics::new()),
            clock,
            lifecycle: Arc::default(),
            rosters: Arc::default(),
        }
    }

    /// Stopping the relay: [`close`](shutdown::Lifecycle::close) asks every
    /// WebSocket to finish its frame and close with
    /// [`shutdown::CLOSE_RESTART`]; [`drained`](shutdown::Lifecycle::drained)
    /// waits for them.
    pub fn lifecycle(&self) -> &shutdown::Lifecycle {
        &self.lifecycle
    }

    /// The relay's clock, which decides when rooms expire (tests move it).
    pub fn clock(&self) -> &expiry::Clock {
        &self.clock
    }

    /// Expires the rooms unchanged for [`Limits::room_expiry_days`] now
    /// (the relay also does so every hour); how many.
    pub async fn expire_idle_rooms(&self) -> Result<u64, StoreError> {
        expiry::expire(
            self.store.as_ref(),
            &self.clock,
            self.limits.room_expiry_days,
        )
        .await
    }

    /// The relay's counters, as `/metrics` shows them.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Opens new rooms only for clients that present `credential` (as
    /// `?room-creation=…` on the WebSocket's address): a relay for one
    /// programme network. Rooms that exist open as always.
    pub fn require_credential_for_new_rooms(mut self, credential: String) -> Self {
        self.new_rooms = Arc::new(quota::NewRooms::new(
            self.limits.new_rooms_per_hour,
            Some(credential),
        ));
        self
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

/// The query parameter that carries the operator's room-creation
/// credential.
const CREDENTIAL_PARAMETER: &str = "room-creation";

async fn sync<S: RoomStore>(
    State(state): State<RelayState<S>>,
    gate: Option<Extension<server::ReadGate>>,
    slot: Option<Extension<server::AddressSlot>>,
    address: Option<Extension<server::ClientAddress>>,
    RawQuery(query): RawQuery,
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
    let presented = query.as_deref().and_then(|query| {
        query.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (name == CREDENTIAL_PARAMETER).then_some(value)
        })
    });
    let client = connection::Client {
        gate: gate.map(|Extension(gate)| gate),
        address: address.map(|Extension(server::ClientAddress(address))| address),
        may_open_rooms: state.new_rooms.credential_opens(presented),
    };
    // Counted from here, below the WebSocket: the bytes of the hello.
    let gate = &client.gate;
    if let Some(gate) = &gate {
        gate.allow(state.limits.max_bytes_before_hello as u64);
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
        .on_upgrade(move |socket| async move {
            // The address's place is held while the socket is open.
            let _slot = slot;
            connection::serve(socket, state, client).await
        })
}

/// Where a release build puts the participant's app, inside the app's
/// folder (`participant.html`, built by scripts/participant-build.sh).
pub const PARTICIPANT_INDEX: &str = "participant/index.html";

/// The addresses the participant's app shows: a personal tandem link, the
/// public privacy notice and a programme's application form.
pub const PARTICIPANT_PATHS: [&str; 3] = ["/tandem", "/datenschutz", "/bewerben"];

/// The relay's routes: `/health`, `/sync` (WebSocket), `/inbox/…`, and the app's files
/// when configured. Unknown paths fall back to the app's `index.html`, so
/// that links into the app (a programme's page) open after a reload; the
/// participant's addresses get the participant's small app when it is
/// built. Every response carries the security headers.
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
        .merge(inbox::routes(state.clone()))
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
            let files = ServeDir::new(&dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(index);
            // A phone opening a personal link loads the participant's app,
            // a small part of the whole (a debug build has none: then the
            // whole app shows these pages as well).
            let participant = dir.join(PARTICIPANT_INDEX);
            let router = if participant.is_file() {
                PARTICIPANT_PATHS.into_iter().fold(router, |router, path| {
                    let page = ServeFile::new(&participant)
                        .precompressed_br()
                        .precompressed_gzip();
                    router.route_service(path, varied(Compression::new(page)))
                })
            } else {
                router
            };
            router
                .fallback_service(varied(Compression::new(files)))
                .layer(axum::middleware::from_fn(caching::cache_control))
        }
        None => router,
    }
}

/// Caches must keep one copy per encoding (the on-the-fly layer says so
/// itself, the precompressed copies do not).
fn varied<S>(service: S) -> SetResponseHeader<S, HeaderValue> {
    SetResponseHeader::if_not_present(
        service,
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
}
