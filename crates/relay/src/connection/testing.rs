//! What the connection's own tests share (they reach into the store while
//! a relay serves it, which the tests outside the crate cannot): the
//! helpers of the crate's tests for files and the wire, and a relay on a
//! store the test keeps a handle into.

use std::net::SocketAddr;

use tandem_sync::{Frame, Invite};

use crate::{app, RelayConfig, RelayState, SqliteStore};

#[allow(dead_code)]
#[path = "../../tests/support/files.rs"]
mod files;
#[allow(dead_code)]
#[path = "../../tests/support/wire.rs"]
mod wire;

pub(super) use files::Database;
pub(super) use wire::{frame_or_close, send_frame, Socket};

/// Serves a relay on `store` with `config` on a free loopback port; the
/// handle ends it when aborted.
pub(super) async fn serve(
    store: SqliteStore,
    config: RelayConfig,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = RelayState::new(store, config);
    let server = tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    (addr, server)
}

/// A connection in sync with `invite`'s room; what its replay carried.
pub(super) async fn join(addr: SocketAddr, invite: &Invite) -> (Socket, Vec<Frame>) {
    let mut socket = wire::socket(addr).await;
    send_frame(&mut socket, wire::hello(invite, 0)).await;
    let mut replayed = Vec::new();
    loop {
        match frame_or_close(&mut socket).await {
            Some(Frame::Synced { .. }) => return (socket, replayed),
            Some(frame) => replayed.push(frame),
            None => panic!("the room did not open"),
        }
    }
}
