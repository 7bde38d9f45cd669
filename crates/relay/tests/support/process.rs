//! The relay as its own process, as an operator runs it: started on a
//! free port, killed with SIGKILL (no shutdown, no flush), started again
//! on the same store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where a relay process keeps its rooms.
pub(crate) enum Storage {
    /// A SQLite file of its own, removed with the process.
    Sqlite(PathBuf),
    /// A PostgreSQL database shared with other relay processes.
    Postgres(String),
}

pub(crate) struct RelayProcess {
    pub addr: SocketAddr,
    storage: Storage,
    child: Option<Child>,
}

impl RelayProcess {
    /// A relay on a free port; `None` for `storage` gives a SQLite file
    /// of its own.
    pub(crate) fn new(storage: Option<Storage>) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let storage = storage.unwrap_or_else(|| {
            Storage::Sqlite(std::env::temp_dir().join(format!(
                "tandem-relay-process-{}-{port}.sqlite3",
                std::process::id()
            )))
        });
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            storage,
            child: None,
        }
    }

    /// Starts the relay and waits until it listens.
    pub(crate) async fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem-relay"));
        command.arg("--addr").arg(self.addr.to_string());
        match &self.storage {
            Storage::Sqlite(path) => command.arg("--db").arg(path),
            Storage::Postgres(url) => command.arg("--database-url").arg(url),
        };
        let child = command
            .env("TANDEM_MAX_PUSHES_PER_SECOND", "1000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the relay starts");
        self.child = Some(child);
        let started = Instant::now();
        while tokio::net::TcpStream::connect(self.addr).await.is_err() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("the relay stopped at its start: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the relay did not listen in time"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("the relay can be killed");
            child.wait().expect("the relay is gone");
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
        if let Storage::Sqlite(path) = &self.storage {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
            }
        }
    }
}
