//! The Tandem relay: one small process that stores and forwards encrypted
//! programme changes and can serve the built app's static files, so that a
//! laptop or a municipal server needs nothing else.
//!
//! [`app`] builds the router apart from `main`, so tests run the relay on
//! `127.0.0.1:0` and talk to it with a real client.

use std::path::PathBuf;

use axum::{routing::get, Json, Router};
use serde::Serialize;
use tower_http::services::{ServeDir, ServeFile};

/// What the relay runs with.
#[derive(Debug, Clone, Default)]
pub struct RelayConfig {
    /// Folder of the built app to serve at `/`, if any.
    pub static_dir: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    protocol: u16,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        protocol: tandem_sync::PROTOCOL_VERSION,
    })
}

/// The relay's routes: `/health`, and the app's files when configured.
/// Unknown paths fall back to the app's `index.html`, so that links into
/// the app (a programme's page) open after a reload.
pub fn app(config: RelayConfig) -> Router {
    let router = Router::new().route("/health", get(health));
    match config.static_dir {
        Some(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            router.fallback_service(ServeDir::new(dir).fallback(index))
        }
        None => router,
    }
}
