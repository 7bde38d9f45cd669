//! Accepts the relay's TCP connections and serves HTTP/1.1 on them, with
//! the bounds a server on the public internet needs and `axum::serve` does
//! not have:
//!
//! - a client has [`ServerLimits::header_read_timeout`] to send a request's
//!   headers (of at most [`MAX_HEADER_BYTES`]), also for the next request on
//!   a kept-alive connection, so a client that sends its headers a byte at a
//!   time (slowloris) or says nothing holds its connection only that long;
//! - at most [`ServerLimits::max_connections`] connections at once, and
//!   [`ServerLimits::max_connections_per_address`] from one client address;
//! - what a connection may send before the WebSocket's hello is counted
//!   here, below the WebSocket, so that bytes beyond the allowance are not
//!   even read ([`ReadGate`]).
//!
//! The client's address is the TCP peer's (an IPv6 address counts by its
//! /64), or, with
//! [`ServerLimits::trust_proxy_header`] (a relay behind a reverse proxy that
//! sets it), the last address in `X-Forwarded-For`: the one the proxy saw.
//! Routes find it as the [`ClientAddress`] extension.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower_service::Service;

/// The most a request's head (request line and headers) may take.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How long to wait before accepting again when accepting failed (out of
/// file descriptors, say), so that the loop does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// Bounds on connections, before any route sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// Time a client has to send a request's headers; also how long a
    /// kept-alive connection may wait for its next request.
    pub header_read_timeout: Duration,
    /// Connections the relay holds at once; more are closed at once.
    pub max_connections: usize,
    /// Connections one client address may hold at once.
    pub max_connections_per_address: usize,
    /// Whether the client's address is the last one in `X-Forwarded-For`
    /// (only behind a reverse proxy that sets it; otherwise anyone could
    /// claim any address).
    pub trust_proxy_header: bool,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_connections_per_address: 64,
            trust_proxy_header: false,
        }
    }
}

/// The address of the client a request came from, as the limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

/// Caps what is read from a connection: once armed with an allowance, a
/// read beyond it fails (and the connection ends) without taking the bytes
/// from the socket. The WebSocket route arms it for the bytes before the
/// hello and opens it once the hello is accepted.
#[derive(Debug, Clone, Default)]
pub struct ReadGate(Arc<Gate>);

#[derive(Debug)]
struct Gate {
    read: AtomicU64,
    /// The count of bytes read at which reading stops; `u64::MAX`: open.
    limit: AtomicU64,
}

impl Default for Gate {
    fn default() -> Self {
        Self {
            read: AtomicU64::new(0),
            limit: AtomicU64::new(u64::MAX),
        }
    }
}

impl ReadGate {
    /// From now on, at most `bytes` more are read until [`open`](Self::open).
    pub fn allow(&self, bytes: u64) {
        let read = self.0.read.load(Ordering::Acquire);
        self.0
            .limit
            .store(read.saturating_add(bytes), Ordering::Release);
    }

    /// No more cap.
    pub fn open(&self) {
        self.0.limit.store(u64::MAX, Ordering::Release);
    }

    /// How many bytes may still be read now.
    fn allowance(&self) -> u64 {
        let limit = self.0.limit.load(Ordering::Acquire);
        if limit == u64::MAX {
            return u64::MAX;
        }
        limit.saturating_sub(self.0.read.load(Ordering::Acquire))
    }

    fn count(&self, bytes: usize) {
        self.0.read.fetch_add(bytes as u64, Ordering::AcqRel);
    }
}

/// Counts connections, in total and by client address.
#[derive(Debug)]
struct Census {
    limits: ServerLimits,
    total: AtomicUsize,
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// One of the relay's connections, counted until dropped.
#[derive(Debug)]
struct TotalSlot(Arc<Census>);

impl Drop for TotalSlot {
    fn drop(&mut self) {
        self.0.total.fetch_sub(1, Ordering::AcqRel);
    }
}

/// One of an address's connections, counted until the last clone is
/// dropped. A WebSocket route keeps it for the socket's life.
#[derive(Debug, Clone)]
pub struct AddressSlot {
    _held: Arc<HeldAddress>,
}

#[derive(Debug)]
struct HeldAddress {
    census: Arc<Census>,
    address: IpAddr,
}

impl Drop for HeldAddress {
    fn drop(&mut self) {
        let mut by_address = self
            .census
            .by_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = by_address.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                by_address.remove(&self.address);
            }
        }
    }
}

impl Census {
    fn enter(self: &Arc<Self>) -> Option<TotalSlot> {
        let entered = self
            .total
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |total| {
                (total < self.limits.max_connections).then_some(total + 1)
            });
        entered.ok().map(|_| TotalSlot(Arc::clone(self)))
    }

    fn enter_address(self: &Arc<Self>, address: IpAddr) -> Option<AddressSlot> {
        let mut by_address = self
            .by_address
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = by_address.entry(address).or_insert(0);
        if *count >= self.limits.max_connections_per_address {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            _held: Arc::new(HeldAddress {
                census: Arc::clone(self),
                address,
            }),
        })
    }
}

/// A TCP connection that counts what is read from it against its
/// [`ReadGate`] and holds its places in the [`Census`] for its life (also
/// after it became a WebSocket).
struct Metered {
    stream: TcpStream,
    gate: ReadGate,
    _slots: (TotalSlot, Option<AddressSlot>),
}

impl AsyncRead for Metered {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let allowance = self.gate.allowance();
        if allowance == 0 {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the client sent more than allowed before its hello",
            )));
        }
        let room = buf.remaining();
        if allowance >= room as u64 {
            let before = buf.filled().len();
            let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
            let read = buf.filled().len() - before;
            self.gate.count(read);
            return poll;
        }
        // Under a cap (a kilobyte or so): read no more than it allows.
        let mut limited = vec![0; usize::try_from(allowance).unwrap_or(room)];
        let mut part = ReadBuf::new(&mut limited);
        let poll = Pin::new(&mut self.stream).poll_read(cx, &mut part);
        let read = part.filled();
        self.gate.count(read.len());
        buf.put_slice(read);
        poll
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The client's address: the last hop of `X-Forwarded-For` when trusted
/// and readable, else the TCP peer's.
fn client_address<B>(request: &Request<B>, peer: IpAddr, trust_proxy_header: bool) -> IpAddr {
    if !trust_proxy_header {
        return peer;
    }
    request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

fn too_many_connections() -> Response<Body> {
    let mut response = Response::new(Body::from("too many connections from this address\n"));
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response
}

/// Serves `router` on `listener` within `limits` until `shutdown`
/// finishes; connections still open then are dropped.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &ServerLimits,
    shutdown: impl Future<Output = ()>,
) {
    let census = Arc::new(Census {
        limits: limits.clone(),
        total: AtomicUsize::new(0),
        by_address: Mutex::new(HashMap::new()),
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEADER_BYTES);
    let trust_proxy_header = limits.trust_proxy_header;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                    continue;
                }
            },
        };
        let Some(total) = census.enter() else {
            tracing::debug!("connection refused: the relay holds as many as allowed");
            continue;
        };
        // Behind a proxy every connection comes from the proxy: addresses
        // are counted per request instead, from the header.
        let by_peer = if trust_proxy_header {
            None
        } else {
            match census.enter_address(crate::quota::address_group(peer.ip())) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!("connection refused: its address holds as many as allowed");
                    continue;
                }
            }
        };
        // Small frames (an ack, then deliveries) go out at once, not held
        // back until the previous one is acknowledged by TCP.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
        let gate = ReadGate::default();
        let io = TokioIo::new(Metered {
            stream,
            gate: gate.clone(),
            _slots: (total, by_peer),
        });
        let router = router.clone();
        let census = Arc::clone(&census);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            let address = client_address(&request, peer.ip(), trust_proxy_header);
            request.extensions_mut().insert(gate.clone());
            request.extensions_mut().insert(ClientAddress(address));
            let slot = if trust_proxy_header {
                census.enter_address(crate::quota::address_group(address))
            } else {
                None
            };
            let mut router = router.clone();
            async move {
                if trust_proxy_header {
                    match slot {
                        Some(slot) => {
                            request.extensions_mut().insert(slot);
                        }
                        None => return Ok(too_many_connections()),
                    }
                }
                router.call(request).await
            }
        });
        let connection = http.serve_connection(io, service).with_upgrades();
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(forwarded: &[&str]) -> Request<()> {
        let mut builder = Request::builder();
        for value in forwarded {
            builder = builder.header("x-forwarded-for", *value);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn the_client_address_is_the_proxys_last_hop_only_when_trusted() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let forwarded = request(&["203.0.113.9", "198.51.100.7, 192.0.2.4"]);
        assert_eq!(client_address(&forwarded, peer, false), peer);
        assert_eq!(
            client_address(&forwarded, peer, true),
            "192.0.2.4".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_address(&request(&["nonsense"]), peer, true), peer);
        assert_eq!(client_address(&request(&[]), peer, true), peer);
    }

    #[test]
    fn an_address_holds_at_most_its_share_of_connections() {
        let census = Arc::new(Census {
            limits: ServerLimits {
                max_connections_per_address: 2,
                max_connections: 3,
                ..ServerLimits::default()
            },
            total: AtomicUsize::new(0),
            by_address: Mutex::new(HashMap::new()),
        });
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let first = census.enter_address(one).unwrap();
        let _second = census.enter_address(one).unwrap();
        assert!(census.enter_address(one).is_none());
        assert!(census.enter_address("192.0.2.2".parse().unwrap()).is_some());
        drop(first);
        assert!(census.enter_address(one).is_some());
        let slots: Vec<_> = (0..3).map(|_| census.enter().unwrap()).collect();
        assert!(census.enter().is_none());
        drop(slots);
        assert!(census.enter().is_some());
    }
}
