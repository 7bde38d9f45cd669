//! The relay answers real HTTP clients on a real port.

use std::path::PathBuf;

use tandem_relay::{app, RelayConfig, RelayState, SqliteStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start(config: RelayConfig) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = RelayState::new(SqliteStore::open_in_memory().unwrap(), config);
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    addr
}

async fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn health_reports_ok_and_the_protocol_version() {
    let addr = start(RelayConfig::default()).await;
    let response = get(addr, "/health").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""status":"ok""#), "{response}");
    assert!(response.contains(&format!(r#""protocol":{}"#, tandem_sync::PROTOCOL_VERSION)));
}

#[tokio::test]
async fn the_app_is_served_and_its_pages_open_after_a_reload() {
    let dir = std::env::temp_dir().join(format!("tandem-relay-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<title>Tandem</title>").unwrap();
    std::fs::write(dir.join("app.css"), "body{}").unwrap();
    let addr = start(RelayConfig {
        static_dir: Some(PathBuf::from(&dir)),
        ..RelayConfig::default()
    })
    .await;

    let css = get(addr, "/app.css").await;
    assert!(
        css.starts_with("HTTP/1.1 200") && css.ends_with("body{}"),
        "{css}"
    );
    let deep_link = get(addr, "/programme/1234").await;
    assert!(deep_link.contains("<title>Tandem</title>"), "{deep_link}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn without_an_app_folder_unknown_paths_are_not_found() {
    let addr = start(RelayConfig::default()).await;
    assert!(get(addr, "/nothing").await.starts_with("HTTP/1.1 404"));
}
