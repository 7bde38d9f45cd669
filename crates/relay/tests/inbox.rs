//! Programmes' intake inboxes, attacked over real HTTP: a link holder
//! appends and reads nothing, the reader token reads what only the
//! programme's key opens, and every bound refuses past its limit with its
//! code (see `tandem_relay::inbox`).

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::files::Database;
use tandem_relay::{
    app, serve, AllowedOrigins, Exposure, Limits, RelayConfig, RelayState, ServerLimits,
    SqliteStore,
};
use tandem_sync::intake::{
    do_work, seal_application, InboxId, IntakeKey, IntakeLink, SealedApplication, MAX_SEALED_BYTES,
    WORK_BITS,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Work the tests' relays ask for, so that the bounds are quick to reach;
/// the first test asks for the real [`WORK_BITS`].
const TEST_WORK_BITS: u32 = 6;

/// A relay in this process, served as in production (client addresses
/// counted), and a clone of its state for the test to reach into.
struct Relay {
    addr: SocketAddr,
    state: RelayState<SqliteStore>,
    _server: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(limits: Limits) -> Self {
        Self::on(
            SqliteStore::open_in_memory().unwrap(),
            limits,
            Exposure::default(),
        )
        .await
    }

    /// Serving the app's files too, as a relay for partner cities does:
    /// what it sends for those then applies to every response.
    async fn with_app_files(limits: Limits) -> Self {
        let dir = std::env::temp_dir().join(format!("tandem-inbox-app-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            "<!DOCTYPE html><title>Tandem</title>",
        )
        .unwrap();
        let state = RelayState::new(
            SqliteStore::open_in_memory().unwrap(),
            RelayConfig {
                static_dir: Some(dir),
                limits,
                exposure: Exposure::default(),
            },
        );
        Self::serving(state, false).await
    }

    async fn on(store: SqliteStore, limits: Limits, exposure: Exposure) -> Self {
        let state = RelayState::new(
            store,
            RelayConfig {
                static_dir: None,
                limits,
                exposure,
            },
        );
        Self::serving(state, false).await
    }

    async fn serving(state: RelayState<SqliteStore>, trust_proxy_header: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app(state.clone());
        let limits = ServerLimits {
            trust_proxy_header,
            ..ServerLimits::default()
        };
        let server = tokio::spawn(async move {
            serve(listener, router, &limits, std::future::pending()).await;
        });
        Self {
            addr,
            state,
            _server: server,
        }
    }
}

fn limits() -> Limits {
    Limits {
        inbox_work_bits: TEST_WORK_BITS,
        ..Limits::default()
    }
}

/// An HTTP answer: status, headers (lower-case names), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The status and the error code, for assertions.
    fn refusal(&self) -> (u16, String) {
        (self.status, self.error())
    }
}

async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // A relay may answer before reading the whole body (too large).
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let split = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&response)));
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: response[split + 4..].to_vec(),
    }
}

/// A programme's inbox: its id, key, link and reader token.
struct Programme {
    inbox: InboxId,
    key: IntakeKey,
    link: IntakeLink,
    token: String,
}

impl Programme {
    fn new() -> Self {
        let key = IntakeKey::generate().unwrap();
        let inbox = InboxId::random().unwrap();
        let token = token();
        Self {
            inbox,
            link: IntakeLink {
                inbox,
                public: key.public(),
            },
            key,
            token,
        }
    }

    fn path(&self) -> String {
        format!("/inbox/{}", self.inbox.to_hex())
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    fn opening(&self, reader_token: &str, closes_at: u64) -> Vec<u8> {
        let bytes: Vec<u8> = (0..32)
            .map(|index| u8::from_str_radix(&reader_token[index * 2..index * 2 + 2], 16).unwrap())
            .collect();
        let reader: String = Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        serde_json::json!({
            "reader": reader,
            "closes_at": closes_at,
            "form": base64::engine::general_purpose::STANDARD.encode(b"{\"fields\":[\"name\"]}"),
        })
        .to_string()
        .into_bytes()
    }

    async fn open(&self, addr: SocketAddr) -> Answer {
        self.open_as(addr, &self.token, far_future(), "").await
    }

    async fn open_as(&self, addr: SocketAddr, token: &str, closes_at: u64, query: &str) -> Answer {
        request(
            addr,
            "PUT",
            &format!("{}{query}", self.path()),
            &[("Content-Type", "application/json")],
            &self.opening(token, closes_at),
        )
        .await
    }

    /// An application sealed to the programme, with `bits` of work.
    fn application(&self, plaintext: &str, bits: u32) -> Vec<u8> {
        let sealed = seal_application(&self.link, plaintext.as_bytes())
            .unwrap()
            .to_bytes();
        let nonce = do_work(&self.inbox, &sealed, bits);
        let mut body = nonce.to_le_bytes().to_vec();
        body.extend_from_slice(&sealed);
        body
    }

    async fn append(&self, addr: SocketAddr, body: &[u8]) -> Answer {
        self.append_from(addr, body, &[]).await
    }

    async fn append_from(&self, addr: SocketAddr, body: &[u8], headers: &[(&str, &str)]) -> Answer {
        let mut all = vec![("Content-Type", "application/octet-stream")];
        all.extend_from_slice(headers);
        request(addr, "POST", &self.path(), &all, body).await
    }

    async fn read(&self, addr: SocketAddr, after: u64, authorization: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = authorization
            .map(|value| vec![("Authorization", value)])
            .unwrap_or_default();
        request(
            addr,
            "GET",
            &format!("{}/messages?after={after}", self.path()),
            &headers,
            b"",
        )
        .await
    }

    async fn form(&self, addr: SocketAddr) -> Answer {
        request(addr, "GET", &self.path(), &[], b"").await
    }
}

/// A new reader token: 32 random bytes as 64 hexadecimal digits.
fn token() -> String {
    InboxId::random().unwrap().to_hex() + &InboxId::random().unwrap().to_hex()
}

fn far_future() -> u64 {
    now() + 30 * 24 * 60 * 60
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The sealed messages of a page, as stored.
fn sealed_of(page: &Value) -> Vec<SealedApplication> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|message| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(message["sealed"].as_str().unwrap())
                .unwrap();
            SealedApplication::from_bytes(&bytes).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_link_holder_cannot_read_or_delete_and_the_reader_token_reads_what_only_the_key_opens() {
    let relay = Relay::with_app_files(Limits::default()).await;
    let programme = Programme::new();
    assert_eq!(programme.open(relay.addr).await.status, 201);
    let form = programme.form(relay.addr).await;
    assert_eq!(form.status, 200);
    assert_eq!(form.json()["open"], Value::Bool(true));

    // An applicant with the link: the real work, the real seal.
    let body = programme.application("Jana Exempel, Mentee, Führung", WORK_BITS);
    let appended = programme.append(relay.addr, &body).await;
    assert_eq!(appended.status, 201, "{appended:?}");
    assert_eq!(appended.json()["seq"], 1);

    // The link holder (no token, or a guessed one) reads and deletes nothing.
    let wrong = format!("Bearer {}", "0".repeat(64));
    for authorization in [None, Some(wrong.as_str()), Some("Bearer "), Some("Basic x")] {
        assert_eq!(
            programme.read(relay.addr, 0, authorization).await.refusal(),
            (403, "not-yours".into())
        );
    }
    let mut headers = vec![];
    for (method, path) in [
        ("DELETE", format!("{}/messages?through=1", programme.path())),
        ("DELETE", programme.path()),
    ] {
        assert_eq!(
            request(relay.addr, method, &path, &headers, b"")
                .await
                .refusal(),
            (403, "not-yours".into())
        );
        headers = vec![("Authorization", wrong.as_str())];
        assert_eq!(
            request(relay.addr, method, &path, &headers, b"")
                .await
                .refusal(),
            (403, "not-yours".into())
        );
    }

    // The reader token reads it; only the programme's key opens it.
    let bearer = programme.bearer();
    let page = programme.read(relay.addr, 0, Some(&bearer)).await;
    assert_eq!(page.status, 200, "{page:?}");
    // Sealed applications are never kept by a browser or a proxy between.
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let page = page.json();
    assert_eq!(page["latest"], 1);
    assert_eq!(page["messages"][0]["seq"], 1);
    assert!(page["messages"][0]["at"].as_u64().unwrap() >= now() - 60);
    let sealed = sealed_of(&page);
    assert_eq!(sealed.len(), 1);
    assert_eq!(
        programme.key.open(&programme.inbox, &sealed[0]).unwrap(),
        "Jana Exempel, Mentee, Führung".as_bytes()
    );
    let stranger = IntakeKey::generate().unwrap();
    assert!(stranger.open(&programme.inbox, &sealed[0]).is_err());

    // Taken in: deleted, and gone from what is read.
    let deleted = request(
        relay.addr,
        "DELETE",
        &format!("{}/messages?through=1", programme.path()),
        &[("Authorization", bearer.as_str())],
        b"",
    )
    .await;
    assert_eq!(deleted.status, 204);
    let page = programme.read(relay.addr, 0, Some(&bearer)).await.json();
    assert_eq!(page["messages"].as_array().unwrap().len(), 0);
    assert_eq!(page["latest"], 1);
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused() {
    let relay = Relay::start(limits()).await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let too_large = vec![0u8; 8 + MAX_SEALED_BYTES + 1];
    assert_eq!(
        programme.append(relay.addr, &too_large).await.refusal(),
        (413, "too-large".into())
    );
    // Size is checked first, before the inbox is even looked up.
    let unknown = Programme::new();
    assert_eq!(
        unknown.append(relay.addr, &too_large).await.refusal(),
        (413, "too-large".into())
    );
    // A largest application still fits.
    let largest = "x".repeat(MAX_SEALED_BYTES - 100);
    let body = programme.application(&largest, TEST_WORK_BITS);
    assert!(body.len() <= 8 + MAX_SEALED_BYTES);
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);
}

#[tokio::test]
async fn appends_without_or_with_wrong_work_are_refused() {
    let relay = Relay::start(Limits {
        inbox_work_bits: 12,
        ..Limits::default()
    })
    .await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let body = programme.application("Jana", 12);

    // Unknown inbox, damaged bytes, then missing and misplaced work.
    let unknown = Programme::new();
    assert_eq!(
        unknown.append(relay.addr, &body).await.refusal(),
        (404, "no-such-inbox".into())
    );
    assert_eq!(
        programme.append(relay.addr, &[1, 2, 3]).await.refusal(),
        (400, "damaged".into())
    );
    let mut damaged = body[..8].to_vec();
    damaged.extend_from_slice(&[0xff; 40]);
    assert_eq!(
        programme.append(relay.addr, &damaged).await.refusal(),
        (400, "damaged".into())
    );
    // A nonce that proves nothing for this message (checked as the relay
    // would, so that the test does not pass by chance).
    let sealed = &body[8..];
    let lazy = (0u64..)
        .find(|nonce| !tandem_sync::intake::work_is_done(&programme.inbox, sealed, *nonce, 12))
        .unwrap();
    let mut without = lazy.to_le_bytes().to_vec();
    without.extend_from_slice(sealed);
    assert_eq!(
        programme.append(relay.addr, &without).await.refusal(),
        (400, "no-work".into())
    );
    // Work done for one message does not carry to another.
    let other = programme.application("Someone else", 12);
    let mut carried = body[..8].to_vec();
    carried.extend_from_slice(&other[8..]);
    if !tandem_sync::intake::work_is_done(
        &programme.inbox,
        &other[8..],
        u64::from_le_bytes(body[..8].try_into().unwrap()),
        12,
    ) {
        assert_eq!(
            programme.append(relay.addr, &carried).await.refusal(),
            (400, "no-work".into())
        );
    }
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);
}

#[tokio::test]
async fn an_address_appends_its_hours_messages_then_waits() {
    let state = RelayState::new(
        SqliteStore::open_in_memory().unwrap(),
        RelayConfig {
            limits: Limits {
                inbox_appends_per_hour: 2,
                ..limits()
            },
            ..RelayConfig::default()
        },
    );
    // Behind a proxy, so that the test can speak from several addresses.
    let relay = Relay::serving(state, true).await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let from = |address: &'static str| [("X-Forwarded-For", address)];
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
        let body = programme.application("Jana", TEST_WORK_BITS);
        let answer = programme
            .append_from(relay.addr, &body, &from(address))
            .await;
        assert_eq!(answer.status, 201, "{answer:?}");
    }
    // The same /64, another address in it: its hour is used up.
    let body = programme.application("Jana", TEST_WORK_BITS);
    assert_eq!(
        programme
            .append_from(relay.addr, &body, &from("2001:db8:1:2:ffff::9"))
            .await
            .refusal(),
        (429, "too-many".into())
    );
    // Another network appends as before.
    assert_eq!(
        programme
            .append_from(relay.addr, &body, &from("2001:db8:1:3::1"))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn an_inbox_holds_no_more_messages_or_bytes_than_allowed() {
    let relay = Relay::start(Limits {
        max_inbox_messages: 2,
        max_inbox_bytes: 3_000,
        ..limits()
    })
    .await;
    let by_count = Programme::new();
    by_count.open(relay.addr).await;
    for _ in 0..2 {
        let body = by_count.application("Jana", TEST_WORK_BITS);
        assert_eq!(by_count.append(relay.addr, &body).await.status, 201);
    }
    let body = by_count.application("Jana", TEST_WORK_BITS);
    assert_eq!(
        by_count.append(relay.addr, &body).await.refusal(),
        (507, "inbox-full".into())
    );
    // Taking the messages in makes room.
    let bearer = by_count.bearer();
    let deleted = request(
        relay.addr,
        "DELETE",
        &format!("{}/messages?through=2", by_count.path()),
        &[("Authorization", bearer.as_str())],
        b"",
    )
    .await;
    assert_eq!(deleted.status, 204);
    let answer = by_count.append(relay.addr, &body).await;
    assert_eq!(
        (answer.status, answer.json()["seq"].clone()),
        (201, 3.into())
    );

    let by_bytes = Programme::new();
    by_bytes.open(relay.addr).await;
    let large = "x".repeat(2_000);
    let body = by_bytes.application(&large, TEST_WORK_BITS);
    assert_eq!(by_bytes.append(relay.addr, &body).await.status, 201);
    let body = by_bytes.application(&large, TEST_WORK_BITS);
    assert_eq!(
        by_bytes.append(relay.addr, &body).await.refusal(),
        (507, "inbox-full".into())
    );
    let small = by_bytes.application("Jana", TEST_WORK_BITS);
    assert_eq!(by_bytes.append(relay.addr, &small).await.status, 201);
}

#[tokio::test]
async fn a_full_relay_refuses_appends_and_inboxes_stay_readable() {
    let database = Database::new("inbox-full");
    let relay = Relay::on(
        SqliteStore::open(&database.0).unwrap(),
        Limits {
            // No disk has this much free: the relay is full at once.
            min_free_disk_bytes: u64::MAX,
            ..limits()
        },
        Exposure::default(),
    )
    .await;
    let programme = Programme::new();
    assert_eq!(programme.open(relay.addr).await.status, 201);
    let body = programme.application("Jana", TEST_WORK_BITS);
    // The store's usage is read every two seconds.
    let mut answer = programme.append(relay.addr, &body).await;
    for _ in 0..50 {
        if answer.status != 201 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let body = programme.application("Jana", TEST_WORK_BITS);
        answer = programme.append(relay.addr, &body).await;
    }
    assert_eq!(answer.refusal(), (507, "relay-full".into()));
    assert_eq!(programme.form(relay.addr).await.status, 200);
    let bearer = programme.bearer();
    let page = programme.read(relay.addr, 0, Some(&bearer)).await;
    assert_eq!(page.status, 200);
}

#[tokio::test]
async fn a_closed_inbox_refuses_appends_and_still_reads() {
    let relay = Relay::start(limits()).await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let body = programme.application("Jana", TEST_WORK_BITS);
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);

    // Past its deadline: closed; a coordinator may move the deadline.
    assert_eq!(
        programme
            .open_as(relay.addr, &programme.token, now() - 1, "")
            .await
            .status,
        200
    );
    assert_eq!(programme.form(relay.addr).await.json()["open"], false);
    let body = programme.application("Jana", TEST_WORK_BITS);
    assert_eq!(
        programme.append(relay.addr, &body).await.refusal(),
        (410, "closed".into())
    );
    programme
        .open_as(relay.addr, &programme.token, far_future(), "")
        .await;
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);

    // Closed by its coordinators (the link renewed): for good.
    let bearer = programme.bearer();
    let closed = request(
        relay.addr,
        "DELETE",
        &programme.path(),
        &[("Authorization", bearer.as_str())],
        b"",
    )
    .await;
    assert_eq!(closed.status, 204);
    let form = programme.form(relay.addr).await;
    assert_eq!(
        (form.status, form.json()["open"].clone()),
        (200, false.into())
    );
    let body = programme.application("Jana", TEST_WORK_BITS);
    assert_eq!(
        programme.append(relay.addr, &body).await.refusal(),
        (410, "closed".into())
    );
    assert_eq!(
        programme.open(relay.addr).await.refusal(),
        (410, "closed".into())
    );
    let page = programme.read(relay.addr, 0, Some(&bearer)).await.json();
    assert_eq!(sealed_of(&page).len(), 2);

    // Taken in whole, it is gone; its id is never opened again.
    let deleted = request(
        relay.addr,
        "DELETE",
        &format!("{}/messages?through=2", programme.path()),
        &[("Authorization", bearer.as_str())],
        b"",
    )
    .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        programme.form(relay.addr).await.refusal(),
        (404, "no-such-inbox".into())
    );
    assert_eq!(
        programme.append(relay.addr, &body).await.refusal(),
        (404, "no-such-inbox".into())
    );
    assert_eq!(
        programme
            .open_as(relay.addr, &token(), far_future(), "")
            .await
            .refusal(),
        (403, "not-yours".into())
    );
}

#[tokio::test]
async fn a_stranger_cannot_open_an_inbox_again_with_another_reader() {
    let relay = Relay::start(limits()).await;
    let programme = Programme::new();
    assert_eq!(programme.open(relay.addr).await.status, 201);
    assert_eq!(programme.open(relay.addr).await.status, 200);
    let taken = programme
        .open_as(relay.addr, &token(), far_future(), "")
        .await;
    assert_eq!(taken.refusal(), (403, "not-yours".into()));
    // The stranger's token reads nothing either.
    let stranger = format!("Bearer {}", "ab".repeat(32));
    assert_eq!(
        programme
            .read(relay.addr, 0, Some(&stranger))
            .await
            .refusal(),
        (403, "not-yours".into())
    );
    assert_eq!(
        programme
            .read(relay.addr, 0, Some(&programme.bearer()))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn opening_an_inbox_needs_the_creation_credential_when_one_is_set() {
    let state = RelayState::new(
        SqliteStore::open_in_memory().unwrap(),
        RelayConfig {
            limits: Limits {
                new_rooms_per_hour: 2,
                ..limits()
            },
            ..RelayConfig::default()
        },
    )
    .require_credential_for_new_rooms("open-sesame-2026".into());
    let relay = Relay::serving(state, false).await;
    let programme = Programme::new();
    for query in ["", "?room-creation=guess"] {
        assert_eq!(
            programme
                .open_as(relay.addr, &programme.token, far_future(), query)
                .await
                .refusal(),
            (403, "credential".into())
        );
    }
    let with = "?room-creation=open-sesame-2026";
    assert_eq!(
        programme
            .open_as(relay.addr, &programme.token, far_future(), with)
            .await
            .status,
        201
    );
    // Its own inbox it edits without the credential, as rooms open.
    assert_eq!(programme.open(relay.addr).await.status, 200);
    // New inboxes count against the address's new rooms.
    let second = Programme::new();
    assert_eq!(
        second
            .open_as(relay.addr, &second.token, far_future(), with)
            .await
            .status,
        201
    );
    let third = Programme::new();
    assert_eq!(
        third
            .open_as(relay.addr, &third.token, far_future(), with)
            .await
            .refusal(),
        (429, "too-many".into())
    );
}

#[tokio::test]
async fn cors_is_answered_for_allowed_origins_only() {
    let relay = Relay::on(
        SqliteStore::open_in_memory().unwrap(),
        limits(),
        Exposure {
            behind_tls: false,
            allowed_origins: AllowedOrigins::listed(["https://app.example.org"]).unwrap(),
        },
    )
    .await;
    let programme = Programme::new();
    assert_eq!(programme.open(relay.addr).await.status, 201);
    let preflight = |origin: &'static str| {
        let path = programme.path();
        async move {
            request(
                relay.addr,
                "OPTIONS",
                &path,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type"),
                ],
                b"",
            )
            .await
        }
    };
    let allowed = preflight("https://app.example.org").await;
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://app.example.org"),
        "{allowed:?}"
    );
    let methods = allowed
        .header("access-control-allow-methods")
        .unwrap_or_default();
    for method in ["GET", "PUT", "POST", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = allowed
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(headers.contains("content-type") && headers.contains("authorization"));
    let other = preflight("https://evil.example").await;
    assert_eq!(
        other.header("access-control-allow-origin"),
        None,
        "{other:?}"
    );

    // The request itself: answered for the app's origin, refused for another.
    let body = programme.application("Jana", TEST_WORK_BITS);
    let from_app = programme
        .append_from(relay.addr, &body, &[("Origin", "https://app.example.org")])
        .await;
    assert_eq!(from_app.status, 201);
    assert_eq!(
        from_app.header("access-control-allow-origin"),
        Some("https://app.example.org")
    );
    assert_eq!(from_app.header("x-content-type-options"), Some("nosniff"));
    let body = programme.application("Jana", TEST_WORK_BITS);
    let from_elsewhere = programme
        .append_from(relay.addr, &body, &[("Origin", "https://evil.example")])
        .await;
    assert_eq!(from_elsewhere.refusal(), (403, "origin".into()));
    assert_eq!(
        from_elsewhere.header("x-content-type-options"),
        Some("nosniff")
    );
    let bearer = programme.bearer();
    let page = programme.read(relay.addr, 0, Some(&bearer)).await.json();
    assert_eq!(page["latest"], 1);
}

#[tokio::test]
async fn the_database_file_holds_no_answer_in_plaintext() {
    let database = Database::new("inbox-plaintext");
    let relay = Relay::on(
        SqliteStore::open(&database.0).unwrap(),
        Limits {
            min_free_disk_bytes: 0,
            ..limits()
        },
        Exposure::default(),
    )
    .await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let marker = "JANA-EXEMPEL-MOTIVATION-PLAINTEXT-MARKER";
    let body = programme.application(&format!("{marker} {marker}"), TEST_WORK_BITS);
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);
    // What was stored is there, sealed …
    assert!(
        database.contains(&body[8 + 40..8 + 80]),
        "the message is stored"
    );
    // … and no byte of the answer in the clear.
    assert!(!database.contains(marker.as_bytes()));
    assert!(!database.contains(&marker.as_bytes()[..12]));
}

#[tokio::test]
async fn an_idle_inbox_expires_with_the_rooms_and_its_id_stays_taken() {
    let relay = Relay::start(Limits {
        room_expiry_days: 10,
        ..limits()
    })
    .await;
    let programme = Programme::new();
    programme.open(relay.addr).await;
    let body = programme.application("Jana", TEST_WORK_BITS);
    assert_eq!(programme.append(relay.addr, &body).await.status, 201);
    relay
        .state
        .clock()
        .advance(Duration::from_secs(11 * 24 * 60 * 60));
    relay.state.expire_idle_rooms().await.unwrap();
    assert_eq!(
        programme.form(relay.addr).await.refusal(),
        (404, "no-such-inbox".into())
    );
    let page = programme
        .read(relay.addr, 0, Some(&programme.bearer()))
        .await
        .json();
    assert_eq!(page["messages"].as_array().unwrap().len(), 0);
    assert_eq!(
        programme.open(relay.addr).await.refusal(),
        (410, "closed".into())
    );
}
