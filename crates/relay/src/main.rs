//! Starts the relay:
//! `tandem-relay --addr 127.0.0.1:8080 --static-dir dist --db tandem-relay.sqlite3`,
//! or, built with the `postgres` feature, several relays on one database:
//! `tandem-relay --database-url postgres://tandem@127.0.0.1:5432/tandem`.
//! `tandem-relay --db tandem-relay.sqlite3 backup copy.sqlite3` copies the
//! database while the relay runs.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use std::time::Duration;

use tandem_relay::logging::LogFormat;
use tandem_relay::{
    app, metrics_app, AllowedOrigins, Exposure, Limits, RelayConfig, RelayState, RoomStore,
    ServerLimits, SqliteStore, DEFAULT_SHARDS,
};

/// The Tandem relay: stores and forwards end-to-end encrypted changes.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the built app to serve (Trunk's `dist`).
    #[arg(long, env = "TANDEM_STATIC_DIR")]
    static_dir: Option<PathBuf>,
    /// SQLite database of the rooms (created if missing).
    #[arg(
        long,
        env = "TANDEM_DB",
        default_value = "tandem-relay.sqlite3",
        global = true
    )]
    db: PathBuf,
    /// SQLite files the rooms are spread over, each with a writer of its
    /// own (`<db>`, `<db>.shard-1`, … beside it; inboxes stay in `<db>`),
    /// so that a small push does not wait for a large commit in another
    /// shard. Rooms are moved when the count changes.
    #[arg(long, env = "TANDEM_SHARDS", default_value_t = DEFAULT_SHARDS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=64))]
    shards: usize,
    /// A PostgreSQL database that several relay processes share
    /// (`postgres://user@host:port/database`), instead of the SQLite file.
    #[arg(long, env = "TANDEM_DATABASE_URL")]
    database_url: Option<String>,
    /// Largest frame a client may send, in bytes.
    #[arg(long, env = "TANDEM_MAX_FRAME_BYTES", default_value_t = Limits::default().max_frame_bytes)]
    max_frame_bytes: usize,
    /// Pushes one connection may send per second.
    #[arg(long, env = "TANDEM_MAX_PUSHES_PER_SECOND", default_value_t = Limits::default().pushes_per_second)]
    max_pushes_per_second: u32,
    /// Connections one room may have at once.
    #[arg(long, env = "TANDEM_MAX_CONNECTIONS_PER_ROOM", default_value_t = Limits::default().connections_per_room)]
    max_connections_per_room: usize,
    /// Bytes one room may hold (its snapshot and log).
    #[arg(long, env = "TANDEM_MAX_ROOM_BYTES", default_value_t = Limits::default().max_room_bytes)]
    max_room_bytes: u64,
    /// Seconds of silence after which a connection is closed.
    #[arg(long, env = "TANDEM_IDLE_TIMEOUT_SECONDS", default_value_t = Limits::default().idle_timeout.as_secs())]
    idle_timeout_seconds: u64,
    /// Seconds a client has for its hello after connecting.
    #[arg(long, env = "TANDEM_HELLO_TIMEOUT_SECONDS", default_value_t = Limits::default().hello_timeout.as_secs())]
    hello_timeout_seconds: u64,
    /// Bytes a client may send before its hello is accepted.
    #[arg(long, env = "TANDEM_MAX_BYTES_BEFORE_HELLO", default_value_t = Limits::default().max_bytes_before_hello)]
    max_bytes_before_hello: usize,
    /// Seconds one frame may take to go out; a client that reads slower is dropped.
    #[arg(long, env = "TANDEM_SEND_TIMEOUT_SECONDS", default_value_t = Limits::default().send_timeout.as_secs())]
    send_timeout_seconds: u64,
    /// Bytes of deliveries waiting for one client before it is dropped.
    #[arg(long, env = "TANDEM_MAX_QUEUED_BYTES", default_value_t = Limits::default().max_queued_bytes)]
    max_queued_bytes: usize,
    /// Bytes of large frames being written to all clients at once.
    #[arg(long, env = "TANDEM_LARGE_SEND_BYTES", default_value_t = Limits::default().large_send_bytes)]
    large_send_bytes: usize,
    /// Seconds a client has to send a request's headers (also the wait for
    /// the next request on a kept-alive connection).
    #[arg(long, env = "TANDEM_HEADER_READ_TIMEOUT_SECONDS", default_value_t = ServerLimits::default().header_read_timeout.as_secs())]
    header_read_timeout_seconds: u64,
    /// Connections the relay holds at once.
    #[arg(long, env = "TANDEM_MAX_CONNECTIONS", default_value_t = ServerLimits::default().max_connections)]
    max_connections: usize,
    /// Connections one client address may hold at once.
    #[arg(long, env = "TANDEM_MAX_CONNECTIONS_PER_ADDRESS", default_value_t = ServerLimits::default().max_connections_per_address)]
    max_connections_per_address: usize,
    /// Take the client's address from `X-Forwarded-For` (its last entry):
    /// only behind a reverse proxy that sets it.
    #[arg(long, env = "TANDEM_TRUST_PROXY")]
    trust_proxy_header: bool,
    /// New rooms one client address may open an hour.
    #[arg(long, env = "TANDEM_NEW_ROOMS_PER_HOUR", default_value_t = Limits::default().new_rooms_per_hour)]
    new_rooms_per_hour: u32,
    /// Bytes all rooms may hold together (0: no quota); beyond, pushes are
    /// refused and rooms stay readable.
    #[arg(long, env = "TANDEM_MAX_STORED_BYTES", default_value_t = Limits::default().max_stored_bytes)]
    max_stored_bytes: u64,
    /// Free bytes the database's disk must keep; below, pushes are refused.
    #[arg(long, env = "TANDEM_MIN_FREE_DISK_BYTES", default_value_t = Limits::default().min_free_disk_bytes)]
    min_free_disk_bytes: u64,
    /// Seconds the relay takes at most to stop on SIGTERM or Ctrl-C: it
    /// stops accepting, finishes the frames under way (pushes committed
    /// and acknowledged), closes every WebSocket with "come back later",
    /// then exits.
    #[arg(long, env = "TANDEM_SHUTDOWN_TIMEOUT_SECONDS", default_value_t = 10)]
    shutdown_timeout_seconds: u64,
    /// Days a room is kept after its last change (0: for ever); clients
    /// are told 30 days ahead, then the room is deleted.
    #[arg(long, env = "TANDEM_ROOM_EXPIRY_DAYS", default_value_t = Limits::default().room_expiry_days)]
    room_expiry_days: u32,
    /// Messages one client address may append to programmes' inboxes an
    /// hour (IPv6 by /64).
    #[arg(long, env = "TANDEM_INBOX_APPENDS_PER_HOUR", default_value_t = Limits::default().inbox_appends_per_hour)]
    inbox_appends_per_hour: u32,
    /// Messages one inbox may hold.
    #[arg(long, env = "TANDEM_MAX_INBOX_MESSAGES", default_value_t = Limits::default().max_inbox_messages)]
    max_inbox_messages: u64,
    /// Bytes of messages one inbox may hold.
    #[arg(long, env = "TANDEM_MAX_INBOX_BYTES", default_value_t = Limits::default().max_inbox_bytes)]
    max_inbox_bytes: u64,
    /// Open new rooms only for clients that present this credential
    /// (relay address `wss://…/sync?room-creation=<credential>`; letters,
    /// digits, `-` and `_`), and new inboxes likewise
    /// (`PUT /inbox/<id>?room-creation=<credential>`). Off by default.
    #[arg(long, env = "TANDEM_ROOM_CREATION_SECRET", hide_env_values = true)]
    room_creation_secret: Option<String>,
    /// Browsers reach the relay only through HTTPS (a proxy in front of it
    /// ends TLS): responses tell them to keep to HTTPS (HSTS).
    #[arg(long, env = "TANDEM_BEHIND_TLS")]
    behind_tls: bool,
    /// An origin whose pages may open a WebSocket (`https://tandem.example.org`),
    /// repeatable or comma-separated; the list replaces the default, the
    /// relay's own origin (the host a request came to), so name that too.
    #[arg(
        long = "allowed-origin",
        env = "TANDEM_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    allowed_origins: Vec<String>,
    /// Where `/metrics` (Prometheus) is served, apart from the public
    /// address; `off` for nowhere.
    #[arg(long, env = "TANDEM_METRICS_ADDR", default_value = "127.0.0.1:9187", value_parser = metrics_addr)]
    metrics_addr: MetricsAddr,
    /// `text` for people, `json` for a log collector (one object a line).
    #[arg(long, env = "TANDEM_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Log room ids and client addresses as they are (otherwise rooms get
    /// a pseudonym for this run and addresses are left out).
    #[arg(long, env = "TANDEM_LOG_SENSITIVE")]
    log_sensitive: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// What the relay does other than serve (which it does without one).
#[derive(Debug, Subcommand)]
enum Command {
    /// Copies the SQLite database (`--db`, all its shards) to one new file
    /// while the relay runs, with SQLite's online backup; restore by
    /// stopping the relay, removing the database's files and putting the
    /// copy in its place (the relay spreads it over its shards).
    Backup {
        /// The new file (never overwritten).
        file: PathBuf,
    },
}

/// Where `/metrics` is served, if anywhere.
#[derive(Debug, Clone, Copy)]
struct MetricsAddr(Option<SocketAddr>);

fn metrics_addr(value: &str) -> Result<MetricsAddr, String> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(MetricsAddr(None));
    }
    value
        .parse()
        .map(|addr| MetricsAddr(Some(addr)))
        .map_err(|_| format!("{value:?} is neither an address like 127.0.0.1:9187 nor `off`"))
}

/// What glibc may keep free at the top of a heap before it hands the
/// pages back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEEP_FREE_BYTES: libc::c_int = 32 * 1024 * 1024;

/// Lets glibc keep freed memory for the next allocations. By default it
/// hands back the top of a thread's heap as soon as 128 KiB there are free,
/// and under load the relay frees that much with every group commit (the
/// blobs, their deliver frames): each hand-back (`madvise`) interrupts
/// every core to flush its page tables, and the next allocations fault the
/// pages in again — a seventh of the relay's time in a benchmark run. The
/// peak memory stays the same; only its return is later.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning value of the allocator, and
    // runs before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREE_BYTES);
    }
}

fn main() -> std::process::ExitCode {
    keep_freed_memory();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("cannot start the relay's runtime: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> std::process::ExitCode {
    let args = Args::parse();
    tandem_relay::logging::init(args.log_format, args.log_sensitive);
    if let Some(Command::Backup { file }) = &args.command {
        return backup(&args.db, file);
    }
    match args.database_url.clone() {
        Some(url) => serve_postgres(args, &url).await,
        None => match SqliteStore::open_sharded(&args.db, args.shards).and_then(|store| {
            if args.max_stored_bytes > 0 {
                store.limit_size(args.max_stored_bytes)?;
            }
            Ok(store)
        }) {
            Ok(store) => serve(args, store).await,
            Err(error) => {
                tracing::error!(db = %args.db.display(), %error, "cannot open the database");
                std::process::ExitCode::FAILURE
            }
        },
    }
}

#[cfg(feature = "postgres")]
async fn serve_postgres(args: Args, url: &str) -> std::process::ExitCode {
    match tandem_relay::PostgresStore::connect(url).await {
        Ok(store) => serve(args, store).await,
        Err(error) => {
            tracing::error!(%error, "cannot open the PostgreSQL database");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "postgres"))]
async fn serve_postgres(_args: Args, _url: &str) -> std::process::ExitCode {
    tracing::error!(
        "this relay was built without PostgreSQL; \
         build it with `cargo build --release -p tandem-relay --features postgres`"
    );
    std::process::ExitCode::FAILURE
}

/// Copies the database while the relay may be running.
fn backup(database: &std::path::Path, file: &std::path::Path) -> std::process::ExitCode {
    match tandem_relay::backup::backup(database, file) {
        Ok(copy) => {
            println!(
                "{} backed up to {} ({} rooms, {} bytes)",
                database.display(),
                file.display(),
                copy.rooms,
                copy.bytes
            );
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("backup failed: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve<S: RoomStore>(args: Args, store: S) -> std::process::ExitCode {
    let allowed_origins = match AllowedOrigins::listed(&args.allowed_origins) {
        Ok(origins) => origins,
        Err(error) => {
            tracing::error!(%error, "--allowed-origin");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(addr = %args.addr, %error, "cannot listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    let limits = Limits {
        max_frame_bytes: args.max_frame_bytes,
        pushes_per_second: args.max_pushes_per_second,
        connections_per_room: args.max_connections_per_room,
        max_room_bytes: args.max_room_bytes,
        idle_timeout: Duration::from_secs(args.idle_timeout_seconds),
        hello_timeout: Duration::from_secs(args.hello_timeout_seconds),
        max_bytes_before_hello: args.max_bytes_before_hello,
        send_timeout: Duration::from_secs(args.send_timeout_seconds),
        max_queued_bytes: args.max_queued_bytes,
        large_send_bytes: args.large_send_bytes,
        new_rooms_per_hour: args.new_rooms_per_hour,
        max_stored_bytes: args.max_stored_bytes,
        min_free_disk_bytes: args.min_free_disk_bytes,
        room_expiry_days: args.room_expiry_days,
        inbox_appends_per_hour: args.inbox_appends_per_hour,
        max_inbox_messages: args.max_inbox_messages,
        max_inbox_bytes: args.max_inbox_bytes,
        ..Limits::default()
    };
    let server_limits = ServerLimits {
        header_read_timeout: Duration::from_secs(args.header_read_timeout_seconds),
        max_connections: args.max_connections,
        max_connections_per_address: args.max_connections_per_address,
        trust_proxy_header: args.trust_proxy_header,
    };
    tracing::info!(
        addr = %args.addr,
        static_dir = ?args.static_dir,
        db = %args.db.display(),
        shards = args.shards,
        postgres = args.database_url.is_some(),
        ?limits,
        ?server_limits,
        room_creation_needs_credential = args.room_creation_secret.is_some(),
        "Tandem relay listening"
    );
    let mut state = RelayState::new(
        store,
        RelayConfig {
            static_dir: args.static_dir,
            limits,
            exposure: Exposure {
                behind_tls: args.behind_tls,
                allowed_origins,
            },
        },
    );
    if let Some(credential) = args.room_creation_secret {
        state = state.require_credential_for_new_rooms(credential);
    }
    if let MetricsAddr(Some(addr)) = args.metrics_addr {
        let sqlite = args.database_url.is_none().then(|| args.db.clone());
        serve_metrics(addr, metrics_app(&state, sqlite)).await;
    }
    let router = app(state.clone());
    tandem_relay::serve(
        listener,
        router,
        &server_limits,
        tandem_relay::shutdown::signalled(),
    )
    .await;
    // No new connections from here; the open ones finish and close.
    state.lifecycle().close();
    let within = Duration::from_secs(args.shutdown_timeout_seconds);
    match state.lifecycle().drained(within).await {
        0 => tracing::info!("every connection closed; the relay stops"),
        left => tracing::warn!(
            left,
            "connections still open after the shutdown timeout; the relay stops anyway"
        ),
    }
    std::process::ExitCode::SUCCESS
}

/// Serves `/metrics` on `addr` beside the relay. An address that is taken
/// (another relay process on this machine) costs the metrics, not the
/// relay.
async fn serve_metrics(addr: SocketAddr, router: axum::Router) {
    match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => {
            if !addr.ip().is_loopback() {
                tracing::warn!(%addr, "metrics are served beyond this machine");
            }
            tracing::info!(%addr, "metrics at /metrics");
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics address stopped");
                }
            });
        }
        Err(error) => {
            tracing::error!(%addr, %error, "cannot serve metrics (--metrics-addr); the relay runs without")
        }
    }
}
