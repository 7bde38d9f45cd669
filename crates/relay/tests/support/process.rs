//! The relay as its own process, as an operator runs it: started on a
//! free port with the flags and `TANDEM_…` settings a test gives, stopped
//! with SIGTERM (systemd's stop) or killed with SIGKILL (no shutdown, no
//! flush), started again on the same store.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// How long the relay may take to listen, or to stop, on a busy machine.
const PATIENCE: Duration = Duration::from_secs(20);

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
    flags: Vec<String>,
    settings: Vec<(String, String)>,
    /// Whether the relay's output is kept for [`RelayProcess::stop`].
    logged: bool,
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
            flags: Vec::new(),
            settings: Vec::new(),
            logged: false,
            child: None,
        }
    }

    /// Command-line flags for every start.
    pub(crate) fn flags(mut self, flags: &[&str]) -> Self {
        self.flags.extend(flags.iter().map(|flag| flag.to_string()));
        self
    }

    /// An environment variable for every start; it wins over the
    /// defaults of these tests.
    pub(crate) fn setting(mut self, name: &str, value: &str) -> Self {
        self.settings.push((name.to_string(), value.to_string()));
        self
    }

    /// Keeps what the relay writes to standard output and error, for
    /// [`RelayProcess::stop`].
    pub(crate) fn logged(mut self) -> Self {
        self.logged = true;
        self
    }

    /// Starts the relay and waits until it listens.
    pub(crate) async fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem-relay"));
        command.arg("--addr").arg(self.addr.to_string());
        match &self.storage {
            Storage::Sqlite(path) => command.arg("--db").arg(path),
            Storage::Postgres(url) => command.arg("--database-url").arg(url),
        };
        // No metrics port that relays running at once would compete for,
        // and no refusal for a test machine's nearly full disk.
        command
            .arg("--metrics-addr")
            .arg("off")
            .args(&self.flags)
            .env("TANDEM_MAX_PUSHES_PER_SECOND", "1000")
            .env("TANDEM_MIN_FREE_DISK_BYTES", "0")
            .env("RUST_LOG", "error")
            .envs(self.settings.iter().map(|(name, value)| (name, value)));
        if self.logged {
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
        } else {
            command.stdout(Stdio::null()).stderr(Stdio::inherit());
        }
        let child = command.spawn().expect("the relay starts");
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
                started.elapsed() < PATIENCE,
                "the relay did not listen in time"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, as systemd stops a service.
    pub(crate) fn terminate(&self) {
        let child = self.child.as_ref().expect("the relay runs");
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "the relay takes the signal");
    }

    /// Waits for the process to end; its status and how long it took
    /// since `since`.
    pub(crate) async fn exited(&mut self, since: Instant) -> (ExitStatus, Duration) {
        let child = self.child.as_mut().expect("the relay runs");
        loop {
            if let Some(status) = child.try_wait().expect("the relay's status") {
                self.child = None;
                return (status, since.elapsed());
            }
            assert!(since.elapsed() < PATIENCE, "the relay did not stop");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, then what the relay wrote until it ended (kept only if
    /// [`RelayProcess::logged`]).
    pub(crate) async fn stop(&mut self) -> Output {
        self.terminate();
        let child = self.child.take().expect("the relay runs");
        tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .expect("the wait ran")
            .expect("the relay's output")
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
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Storage::Sqlite(path) = &self.storage {
            // Every shard of the database, with its write-ahead log.
            for file in tandem_relay::store::database_files(path) {
                std::fs::remove_file(file).ok();
            }
        }
    }
}
