//! A database server that goes away and comes back, as the relay sees
//! it: a TCP forwarder between the relay and the real server that can be
//! taken down — every open connection cut, new ones refused, as after
//! the server was killed — and brought up again on the same address.
//!
//! The real server is shared by the tests that run at the same time;
//! stopping it would break them. Cut at the forwarder, only the relay
//! under test loses its database.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

pub(crate) struct Outage {
    /// Where the relay connects: the forwarder.
    pub(crate) addr: SocketAddr,
    server: SocketAddr,
    accepting: Option<JoinHandle<()>>,
    open: Arc<Mutex<Forwarded>>,
}

/// The forwarded connections, each a task that ends when aborted; none
/// is taken on while the server is down (an accept that raced the
/// outage).
#[derive(Default)]
struct Forwarded {
    down: bool,
    connections: Vec<AbortHandle>,
}

impl Outage {
    /// A forwarder to `server` on a free loopback port, up.
    pub(crate) async fn start(server: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let mut outage = Self {
            addr: listener.local_addr().expect("the port's address"),
            server,
            accepting: None,
            open: Arc::default(),
        };
        outage.accept(listener);
        outage
    }

    fn accept(&mut self, listener: TcpListener) {
        let (server, open) = (self.server, Arc::clone(&self.open));
        self.accepting = Some(tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut open = open.lock().expect("the open connections");
                if open.down {
                    continue;
                }
                let forwarding = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(server).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                open.connections.push(forwarding.abort_handle());
            }
        }));
    }

    /// The server is gone: every connection to it is cut, and new ones
    /// are refused.
    pub(crate) fn down(&mut self) {
        let mut open = self.open.lock().expect("the open connections");
        open.down = true;
        for connection in open.connections.drain(..) {
            connection.abort();
        }
        if let Some(accepting) = self.accepting.take() {
            accepting.abort();
        }
    }

    /// The server is back on its address.
    pub(crate) async fn up(&mut self) {
        // The aborted listener closes once its task has been dropped.
        let started = Instant::now();
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error) => {
                    assert!(
                        started.elapsed() < Duration::from_secs(10),
                        "the address stays taken: {error}"
                    );
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        };
        self.open.lock().expect("the open connections").down = false;
        self.accept(listener);
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        self.down();
    }
}
