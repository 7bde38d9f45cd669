//! Stopping the relay without losing a write and without leaving clients
//! guessing: on SIGTERM (systemd's stop and restart) or Ctrl-C the relay
//! stops accepting connections, lets every connection finish the frame it
//! is handling (a push being committed is committed and acknowledged),
//! then closes each WebSocket with [`CLOSE_RESTART`] — the app reconnects
//! later, as after any close that came without a refusal — and exits once
//! all are closed or [`Lifecycle::drained`]'s bound has passed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// WebSocket close code "Service Restart" (RFC 6455, IANA registry): the
/// relay goes away for now; clients try again later.
pub const CLOSE_RESTART: u16 = 1012;

/// Whether the relay is stopping, and how many WebSockets are still open.
#[derive(Debug)]
pub struct Lifecycle {
    closing: watch::Sender<bool>,
    open: watch::Sender<usize>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            closing: watch::channel(false).0,
            open: watch::channel(0).0,
        }
    }
}

/// One open WebSocket, counted until dropped.
#[derive(Debug)]
pub(crate) struct Open(Arc<Lifecycle>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0
            .open
            .send_modify(|open| *open = open.saturating_sub(1));
    }
}

impl Lifecycle {
    /// Counts a WebSocket as open while the guard lives.
    pub(crate) fn enter(self: &Arc<Self>) -> Open {
        self.open.send_modify(|open| *open += 1);
        Open(Arc::clone(self))
    }

    /// Tells of the relay stopping.
    pub(crate) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Asks every connection to finish what it is doing and close.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Waits until every WebSocket has closed, or `within` has passed;
    /// returns how many were still open.
    pub async fn drained(&self, within: Duration) -> usize {
        let mut open = self.open.subscribe();
        let _ = tokio::time::timeout(within, open.wait_for(|open| *open == 0)).await;
        let left = *open.borrow();
        left
    }
}

/// Resolves once `closing` says the relay stops (at once if it does).
pub(crate) async fn stopping(closing: &mut watch::Receiver<bool>) {
    if closing.wait_for(|closing| *closing).await.is_err() {
        // The relay's state is gone: nothing will say so; wait for ever.
        std::future::pending::<()>().await;
    }
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
pub async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => tracing::info!("SIGTERM: stopping"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("Ctrl-C: stopping"),
                }
                return;
            }
            Err(error) => tracing::error!(%error, "cannot listen for SIGTERM; only Ctrl-C stops"),
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("Ctrl-C: stopping");
}
