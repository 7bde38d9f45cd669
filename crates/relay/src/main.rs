//! Starts the relay: `tandem-relay --addr 127.0.0.1:8080 --static-dir dist`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use tandem_relay::{app, RelayConfig};
use tracing_subscriber::EnvFilter;

/// The Tandem relay.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the built app to serve (Trunk's `dist`).
    #[arg(long, env = "TANDEM_STATIC_DIR")]
    static_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let args = Args::parse();
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(addr = %args.addr, %error, "cannot listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(addr = %args.addr, static_dir = ?args.static_dir, "Tandem relay listening");
    let router = app(RelayConfig {
        static_dir: args.static_dir,
    });
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "relay stopped");
            std::process::ExitCode::FAILURE
        }
    }
}
