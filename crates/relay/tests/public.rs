//! The relay on the public internet: every response carries the security
//! headers, the page's inline scripts are allowed by hash and nothing
//! else inline is, pages of other sites cannot open a WebSocket, and
//! `/metrics` counts what happened without naming any room.

use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine;
use sha2::{Digest, Sha256};
use tandem_relay::{
    app, metrics_app, AllowedOrigins, Exposure, RelayConfig, RelayState, SqliteStore,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const INDEX: &str = "<!DOCTYPE html><html><head><title>Tandem</title>\
<script>window.early = 1;</script>\
<script type=\"module\">import init from '/tandem-1.js'; init();</script>\
<script src=\"/other.js\"></script></head><body></body></html>";

struct Relay {
    addr: SocketAddr,
    metrics: SocketAddr,
    _dir: Folder,
}

struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

async fn start(name: &str, exposure: Exposure) -> Relay {
    let dir =
        std::env::temp_dir().join(format!("tandem-relay-public-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("app.css"), "body{}").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = metrics_listener.local_addr().unwrap();
    let state = RelayState::new(
        SqliteStore::open_in_memory().unwrap(),
        RelayConfig {
            static_dir: Some(dir.clone()),
            exposure,
            ..RelayConfig::default()
        },
    );
    let metrics_router = metrics_app(&state, None);
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    tokio::spawn(async move { axum::serve(metrics_listener, metrics_router).await.unwrap() });
    Relay {
        addr,
        metrics,
        _dir: Folder(dir),
    }
}

/// Sends `request` as it is and returns the answer: whole, or only its
/// head (a handshake's connection stays open).
async fn exchange(addr: SocketAddr, request: &str, head_only: bool) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
                .await
                .expect("the relay answers in time")
                .unwrap();
        response.extend_from_slice(&buffer[..read]);
        let head = response.windows(4).any(|window| window == b"\r\n\r\n");
        if read == 0 || (head_only && head) {
            return String::from_utf8_lossy(&response).into_owned();
        }
    }
}

async fn get(addr: SocketAddr, path: &str) -> String {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: relay.example.org\r\nConnection: close\r\n\r\n"),
        false,
    )
    .await
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.split("\r\n\r\n").next()?.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// A WebSocket handshake from a page of `origin` (none: a program).
async fn handshake(addr: SocketAddr, host: &str, origin: Option<&str>) -> String {
    let origin = origin
        .map(|origin| format!("Origin: {origin}\r\n"))
        .unwrap_or_default();
    exchange(
        addr,
        &format!(
            "GET /sync HTTP/1.1\r\nHost: {host}\r\n{origin}Upgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ),
        true,
    )
    .await
}

fn sha256(script: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let relay = start("headers", Exposure::default()).await;
    for path in ["/", "/programme/1234", "/app.css", "/health", "/nothing.js"] {
        let response = get(relay.addr, path).await;
        let policy = header(&response, "content-security-policy")
            .unwrap_or_else(|| panic!("no policy for {path}: {response}"));
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(policy.contains("default-src 'self'"), "{path}: {policy}");
        assert_eq!(
            header(&response, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), Some("DENY"), "{path}");
        // Plain HTTP (tests, a laptop at a workshop): no HSTS.
        assert_eq!(
            header(&response, "strict-transport-security"),
            None,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_pages_inline_scripts_are_allowed_by_their_hashes_and_nothing_else_inline() {
    let relay = start("hashes", Exposure::default()).await;
    let response = get(relay.addr, "/").await;
    let policy = header(&response, "content-security-policy").unwrap();
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|part| part.starts_with("script-src "))
        .unwrap();
    assert!(
        script_src.contains(&sha256("window.early = 1;")),
        "{script_src}"
    );
    assert!(
        script_src.contains(&sha256("import init from '/tandem-1.js'; init();")),
        "{script_src}"
    );
    assert!(script_src.contains("'wasm-unsafe-eval'"), "{script_src}");
    // An injected script has another hash; inline code is never allowed
    // wholesale, nor `eval`.
    assert!(!script_src.contains(&sha256("alert(document.cookie)")));
    assert!(!policy.contains("'unsafe-inline'"), "{policy}");
    assert!(!policy.contains("'unsafe-eval'"), "{policy}");
    assert_eq!(script_src.matches("'sha256-").count(), 2, "{script_src}");
}

#[tokio::test]
async fn behind_tls_browsers_are_told_to_keep_to_https() {
    let relay = start(
        "hsts",
        Exposure {
            behind_tls: true,
            ..Exposure::default()
        },
    )
    .await;
    for path in ["/", "/health"] {
        let response = get(relay.addr, path).await;
        let hsts = header(&response, "strict-transport-security").unwrap_or_default();
        assert!(hsts.starts_with("max-age=63072000"), "{path}: {response}");
    }
}

#[tokio::test]
async fn a_page_of_another_site_cannot_open_a_websocket_and_the_relays_own_can() {
    let relay = start("origin", Exposure::default()).await;
    let host = "relay.example.org";

    let foreign = handshake(relay.addr, host, Some("https://evil.example")).await;
    assert!(foreign.starts_with("HTTP/1.1 403"), "{foreign}");
    assert!(
        header(&foreign, "content-security-policy").is_some(),
        "{foreign}"
    );
    // A name rebound to the relay's address: the page's host is not the
    // host the request says it came to.
    let rebound = handshake(relay.addr, host, Some("http://127.0.0.1:1")).await;
    assert!(rebound.starts_with("HTTP/1.1 403"), "{rebound}");
    let sandboxed = handshake(relay.addr, host, Some("null")).await;
    assert!(sandboxed.starts_with("HTTP/1.1 403"), "{sandboxed}");

    let own = handshake(relay.addr, host, Some("https://relay.example.org")).await;
    assert!(own.starts_with("HTTP/1.1 101"), "{own}");
    let program = handshake(relay.addr, host, None).await;
    assert!(program.starts_with("HTTP/1.1 101"), "{program}");

    let metrics = get(relay.metrics, "/metrics").await;
    assert!(
        metrics.contains("tandem_relay_refusals_total{code=\"origin\"} 3"),
        "{metrics}"
    );
}

#[tokio::test]
async fn listed_origins_replace_the_relays_own() {
    let relay = start(
        "listed",
        Exposure {
            allowed_origins: AllowedOrigins::listed(["https://tandem.example.org"]).unwrap(),
            ..Exposure::default()
        },
    )
    .await;
    let listed = handshake(
        relay.addr,
        "relay.internal",
        Some("https://tandem.example.org"),
    )
    .await;
    assert!(listed.starts_with("HTTP/1.1 101"), "{listed}");
    let own = handshake(relay.addr, "relay.internal", Some("https://relay.internal")).await;
    assert!(own.starts_with("HTTP/1.1 403"), "{own}");
}

#[tokio::test]
async fn metrics_are_served_apart_from_the_app_and_name_no_room() {
    let relay = start("metrics", Exposure::default()).await;
    // Not on the public address: there it is the app's index.
    let public = get(relay.addr, "/metrics").await;
    assert!(!public.contains("tandem_relay_"), "{public}");

    let open = handshake(relay.addr, "relay.example.org", None).await;
    assert!(open.starts_with("HTTP/1.1 101"), "{open}");
    let metrics = get(relay.metrics, "/metrics").await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        header(&metrics, "content-type")
            .is_some_and(|value| value.starts_with("application/openmetrics-text")),
        "{metrics}"
    );
    for figure in [
        "tandem_relay_connections ",
        "tandem_relay_live_rooms 0",
        "tandem_relay_pushes_total 0",
    ] {
        assert!(metrics.contains(figure), "{figure}: {metrics}");
    }
}

#[tokio::test]
async fn metrics_count_a_push_and_the_rooms_and_bytes_stored() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    let dir =
        std::env::temp_dir().join(format!("tandem-relay-public-stored-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _folder = Folder(dir.clone());
    let db = dir.join("rooms.sqlite3");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = metrics_listener.local_addr().unwrap();
    let state = RelayState::new(SqliteStore::open(&db).unwrap(), RelayConfig::default());
    let metrics_router = metrics_app(&state, Some(db.clone()));
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    tokio::spawn(async move { axum::serve(metrics_listener, metrics_router).await.unwrap() });

    let invite = tandem_sync::Invite::new_room().unwrap();
    let mut client = tandem_sync::SyncClient::new(invite, 0);
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .unwrap();
    client.connect().unwrap();
    client.push(b"Tandem Weber/Klein").unwrap();
    while let Some(frame) = client.poll_transmit() {
        socket.send(Message::Binary(frame.into())).await.unwrap();
    }
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .expect("the relay answers in time");
        let Some(Ok(Message::Binary(bytes))) = message else {
            continue;
        };
        if let Some(tandem_sync::ClientEvent::Acknowledged { .. }) = client.receive(&bytes).unwrap()
        {
            break;
        }
    }

    let text = get(metrics, "/metrics").await;
    for figure in [
        "tandem_relay_connections 1\n",
        "tandem_relay_live_rooms 1\n",
        "tandem_relay_stored_rooms 1\n",
        "tandem_relay_pushes_total 1\n",
        "tandem_relay_store_seconds_count{operation=\"commit\"} 1\n",
        "tandem_relay_store_seconds_count{operation=\"admit\"} 1\n",
    ] {
        assert!(text.contains(figure), "{figure}: {text}");
    }
    let bytes: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("tandem_relay_stored_bytes "))
        .and_then(|value| value.parse().ok())
        .expect("the bytes stored");
    assert!(bytes > 4096, "{bytes}");
    // Nothing that names the room.
    assert!(!text.contains("room="), "{text}");
}

#[tokio::test]
async fn metrics_count_open_inboxes_their_waiting_messages_and_refused_appends() {
    use tandem_relay::{InboxBounds, RoomStore};
    use tandem_sync::intake::InboxId;

    let dir = std::env::temp_dir().join(format!(
        "tandem-relay-public-inboxes-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let _folder = Folder(dir.clone());
    let db = dir.join("rooms.sqlite3");
    let store = SqliteStore::open(&db).unwrap();
    let bounds = InboxBounds {
        max_messages: 10,
        max_bytes: 10_000,
    };
    let (open, closed, empty) = (InboxId([1; 16]), InboxId([2; 16]), InboxId([3; 16]));
    // Changed now: the relay's first sweep leaves busy inboxes alone.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for inbox in [open, closed, empty] {
        store
            .open_inbox(inbox, [7; 32], u64::MAX, vec![1], now)
            .await
            .unwrap();
    }
    for (inbox, messages) in [(open, 2), (closed, 1)] {
        for _ in 0..messages {
            store
                .append_to_inbox(inbox, vec![5; 50], bounds, now + 1)
                .await
                .unwrap();
        }
    }
    store.close_inbox(closed, now + 2).await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let metrics_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics = metrics_listener.local_addr().unwrap();
    let state = RelayState::new(store, RelayConfig::default());
    let metrics_router = metrics_app(&state, Some(db.clone()));
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    tokio::spawn(async move { axum::serve(metrics_listener, metrics_router).await.unwrap() });

    let hex = |inbox: InboxId| -> String { inbox.0.iter().map(|b| format!("{b:02x}")).collect() };
    let post = |inbox: InboxId| {
        format!(
            "POST /inbox/{} HTTP/1.1\r\nHost: relay.example.org\r\nContent-Length: 4\r\n\
             Connection: close\r\n\r\nabcd",
            hex(inbox)
        )
    };
    for (inbox, status) in [
        (InboxId([9; 16]), "404"),
        (closed, "410"),
        (open, "400"),
        (open, "400"),
    ] {
        let answer = exchange(addr, &post(inbox), false).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer}"
        );
    }

    let text = get(metrics, "/metrics").await;
    for figure in [
        "tandem_relay_open_inboxes 2\n",
        "tandem_relay_inbox_messages 3\n",
        "tandem_relay_inbox_refusals_total{code=\"no-such-inbox\"} 1\n",
        "tandem_relay_inbox_refusals_total{code=\"closed\"} 1\n",
        "tandem_relay_inbox_refusals_total{code=\"damaged\"} 2\n",
    ] {
        assert!(text.contains(figure), "{figure}: {text}");
    }
    assert!(!text.contains(&hex(open)), "{text}");
}
