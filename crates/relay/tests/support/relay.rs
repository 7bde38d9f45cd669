//! A relay in the test's own process, on a free loopback port.

use std::net::SocketAddr;
use std::path::Path;

use tandem_relay::{app, Limits, RelayConfig, RelayState, SqliteStore};
use tokio::task::JoinHandle;

/// Serves a relay on the SQLite file `db` with `limits`; the handle ends
/// it when aborted.
pub(crate) async fn start(db: &Path, limits: Limits) -> (SocketAddr, JoinHandle<()>) {
    let state = RelayState::new(
        SqliteStore::open(db).expect("the database opens"),
        RelayConfig {
            static_dir: None,
            limits,
            ..RelayConfig::default()
        },
    );
    serve(state).await
}

/// Serves `state` (a clone of which the test keeps, to reach into the
/// relay); the handle ends it when aborted.
pub(crate) async fn serve(state: RelayState<SqliteStore>) -> (SocketAddr, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("the port's address");
    let server = tokio::spawn(async move {
        axum::serve(listener, app(state))
            .await
            .expect("the relay serves")
    });
    (addr, server)
}
