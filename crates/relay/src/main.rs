//! Starts the relay:
//! `tandem-relay --addr 127.0.0.1:8080 --static-dir dist --db tandem-relay.sqlite3`,
//! or, built with the `postgres` feature, several relays on one database:
//! `tandem-relay --database-url postgres://tandem@127.0.0.1:5432/tandem`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use tandem_relay::{app, Limits, RelayConfig, RelayState, RoomStore, SqliteStore};
use tracing_subscriber::EnvFilter;

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
    #[arg(long, env = "TANDEM_DB", default_value = "tandem-relay.sqlite3")]
    db: PathBuf,
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
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    match args.database_url.clone() {
        Some(url) => serve_postgres(args, &url).await,
        None => match SqliteStore::open(&args.db) {
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

async fn serve<S: RoomStore>(args: Args, store: S) -> std::process::ExitCode {
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
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_seconds),
        ..Limits::default()
    };
    tracing::info!(
        addr = %args.addr,
        static_dir = ?args.static_dir,
        db = %args.db.display(),
        postgres = args.database_url.is_some(),
        ?limits,
        "Tandem relay listening"
    );
    let router = app(RelayState::new(
        store,
        RelayConfig {
            static_dir: args.static_dir,
            limits,
        },
    ));
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // Small frames (an ack, then deliveries) go out at once, not held back
    // until the previous one is acknowledged by TCP.
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });
    match axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "relay stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
