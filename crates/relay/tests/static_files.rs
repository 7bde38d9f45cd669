//! The app's files: a build's precompressed copies go out as they are, with
//! the original's content type, to browsers that accept them.

use std::path::{Path, PathBuf};

use tandem_relay::{app, RelayConfig, RelayState, SqliteStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WASM: &[u8] = b"\0asm\x01\0\0\0 the app, uncompressed";
const WASM_BR: &[u8] = b"the app, as brotli";
const WASM_GZ: &[u8] = b"the app, as gzip";
const INDEX: &str = "<!DOCTYPE html><title>Tandem</title>";
const INDEX_BR: &[u8] = b"index, as brotli";

struct Response {
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

async fn start(dir: &Path) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = RelayConfig {
        static_dir: Some(PathBuf::from(dir)),
        ..RelayConfig::default()
    };
    let state = RelayState::new(SqliteStore::open_in_memory().unwrap(), config);
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    addr
}

async fn get(addr: std::net::SocketAddr, path: &str, accept_encoding: Option<&str>) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let encoding = accept_encoding
        .map(|value| format!("Accept-Encoding: {value}\r\n"))
        .unwrap_or_default();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{encoding}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let split = bytes
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a response head");
    Response {
        head: String::from_utf8_lossy(&bytes[..split]).into_owned(),
        body: bytes[split + 4..].to_vec(),
    }
}

fn app_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tandem-relay-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), INDEX).unwrap();
    std::fs::write(dir.join("index.html.br"), INDEX_BR).unwrap();
    std::fs::write(dir.join("tandem-0123456789abcdef_bg.wasm"), WASM).unwrap();
    std::fs::write(dir.join("tandem-0123456789abcdef_bg.wasm.br"), WASM_BR).unwrap();
    std::fs::write(dir.join("tandem-0123456789abcdef_bg.wasm.gz"), WASM_GZ).unwrap();
    // No compressed copy: compressed on the fly.
    std::fs::write(
        dir.join("calendar.css"),
        ".calendar { display: grid; }\n".repeat(40),
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn the_precompressed_wasm_goes_out_as_application_wasm() {
    let dir = app_folder("precompressed");
    let addr = start(&dir).await;
    let path = "/tandem-0123456789abcdef_bg.wasm";

    let brotli = get(addr, path, Some("gzip, deflate, br, zstd")).await;
    assert!(brotli.head.starts_with("HTTP/1.1 200"), "{}", brotli.head);
    assert_eq!(
        brotli.header("content-encoding"),
        Some("br"),
        "{}",
        brotli.head
    );
    assert_eq!(
        brotli.header("content-type"),
        Some("application/wasm"),
        "{}",
        brotli.head
    );
    assert_eq!(
        brotli.header("content-length"),
        Some(WASM_BR.len().to_string().as_str())
    );
    assert_eq!(
        brotli.header("vary"),
        Some("accept-encoding"),
        "{}",
        brotli.head
    );
    assert_eq!(brotli.body, WASM_BR);

    let gzip = get(addr, path, Some("gzip")).await;
    assert_eq!(
        gzip.header("content-encoding"),
        Some("gzip"),
        "{}",
        gzip.head
    );
    assert_eq!(
        gzip.header("content-type"),
        Some("application/wasm"),
        "{}",
        gzip.head
    );
    assert_eq!(gzip.body, WASM_GZ);

    let plain = get(addr, path, None).await;
    assert_eq!(plain.header("content-encoding"), None, "{}", plain.head);
    assert_eq!(
        plain.header("content-type"),
        Some("application/wasm"),
        "{}",
        plain.head
    );
    assert_eq!(
        plain.header("vary"),
        Some("accept-encoding"),
        "{}",
        plain.head
    );
    assert_eq!(plain.body, WASM);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn files_without_a_compressed_copy_are_compressed_on_the_fly() {
    let dir = app_folder("on-the-fly");
    let addr = start(&dir).await;

    let css = get(addr, "/calendar.css", Some("gzip")).await;
    assert!(css.head.starts_with("HTTP/1.1 200"), "{}", css.head);
    assert_eq!(css.header("content-encoding"), Some("gzip"), "{}", css.head);
    assert_eq!(css.header("content-type"), Some("text/css"), "{}", css.head);
    let vary: Vec<_> = css
        .head
        .lines()
        .filter(|line| line.to_ascii_lowercase().starts_with("vary:"))
        .collect();
    assert_eq!(vary.len(), 1, "one Vary header: {}", css.head);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn links_into_the_app_get_the_precompressed_index() {
    let dir = app_folder("index");
    let addr = start(&dir).await;

    let deep_link = get(addr, "/programme/1234", Some("br")).await;
    assert!(
        deep_link.head.starts_with("HTTP/1.1 200"),
        "{}",
        deep_link.head
    );
    assert_eq!(
        deep_link.header("content-encoding"),
        Some("br"),
        "{}",
        deep_link.head
    );
    assert!(
        deep_link
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/html")),
        "{}",
        deep_link.head
    );
    assert_eq!(deep_link.body, INDEX_BR);

    let root = get(addr, "/", None).await;
    assert_eq!(root.header("content-encoding"), None, "{}", root.head);
    assert_eq!(root.body, INDEX.as_bytes());
    std::fs::remove_dir_all(dir).ok();
}

const PARTICIPANT: &str =
    "<!DOCTYPE html><title>Tandem</title><script type=\"module\">start()</script>";

#[tokio::test]
async fn a_personal_link_the_privacy_notice_and_the_application_form_get_the_participants_app() {
    let dir = app_folder("participant");
    let whole = start(&dir).await;
    // Without a participant's app (a debug build), the whole app shows them.
    for path in ["/tandem", "/datenschutz", "/bewerben"] {
        assert_eq!(
            get(whole, path, None).await.body,
            INDEX.as_bytes(),
            "{path}"
        );
    }

    std::fs::create_dir_all(dir.join("participant")).unwrap();
    std::fs::write(dir.join("participant/index.html"), PARTICIPANT).unwrap();
    let addr = start(&dir).await;
    for path in ["/tandem", "/datenschutz", "/bewerben"] {
        let page = get(addr, path, None).await;
        assert!(page.head.starts_with("HTTP/1.1 200"), "{}", page.head);
        assert!(
            page.header("content-type")
                .is_some_and(|value| value.starts_with("text/html")),
            "{}",
            page.head
        );
        assert_eq!(page.body, PARTICIPANT.as_bytes(), "{path}");
        // Its start script is allowed by the policy like the whole app's.
        let policy = page.header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("'sha256-"), "{policy}");
    }
    // Every other address is still the coordinators' app.
    for path in ["/", "/programme/1234", "/join"] {
        assert_eq!(get(addr, path, None).await.body, INDEX.as_bytes(), "{path}");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A build's files named by their content's hash are kept by browsers for
/// a year; the page, the links into the app and every other file are
/// asked for again each time, so that a new build is found at once.
#[tokio::test]
async fn files_named_by_their_hash_are_kept_and_the_page_is_asked_for_again() {
    let dir = app_folder("caching");
    let addr = start(&dir).await;
    let year = Some("public, max-age=31536000, immutable");
    let ask = Some("no-cache");

    for encoding in [Some("br"), Some("gzip"), None] {
        let wasm = get(addr, "/tandem-0123456789abcdef_bg.wasm", encoding).await;
        assert!(wasm.head.starts_with("HTTP/1.1 200"), "{}", wasm.head);
        assert_eq!(wasm.header("cache-control"), year, "{}", wasm.head);
    }
    for path in ["/", "/index.html", "/programme/1234", "/calendar.css"] {
        let response = get(addr, path, Some("br")).await;
        assert!(
            response.head.starts_with("HTTP/1.1 200"),
            "{}",
            response.head
        );
        assert_eq!(
            response.header("cache-control"),
            ask,
            "{path}: {}",
            response.head
        );
    }
    // A name that only looks like a build's file gets the page, which is
    // never kept as that file.
    let unknown = get(addr, "/gone-fedcba9876543210.js", None).await;
    assert_eq!(unknown.body, INDEX.as_bytes());
    assert_eq!(unknown.header("cache-control"), ask, "{}", unknown.head);
    std::fs::remove_dir_all(dir).ok();
}
