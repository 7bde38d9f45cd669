//! Relay load benchmark: many WebSocket clients in many rooms, each pushing
//! one change a second, against the real relay binary (every push durable
//! before its ack) and, in the same run, against a plain WebSocket fan-out
//! server without storage that does the same framing work.
//!
//! `cargo bench -p tandem-relay --bench load` (see the README, "Benchmarks").
//!
//! Per round and server, two phases on fresh processes:
//! - paced: every client pushes one change a second (at its own phase
//!   within the second); measured are push→delivery latency at every other
//!   client of the room (p50, p99, max), acks a second, and the server's
//!   memory (VmHWM from /proc);
//! - flat out: every client pushes again as soon as its last push is
//!   acknowledged; measured are acks a second, the throughput to compare.
//!
//! The figures are reported per round and as median, min and max over the
//! rounds. The servers take turns: each round starts one server later than
//! the one before, so that no server always runs first (on a cold machine)
//! or last (after the others filled the page cache and the disk's
//! write-back); with as many rounds as servers, or a multiple, each runs
//! in every place equally often. Settings (environment): TANDEM_LOAD_CLIENTS
//! (2000), TANDEM_LOAD_ROOMS (200), TANDEM_LOAD_SECONDS (20, paced; flat
//! out runs half as long), TANDEM_LOAD_ROUNDS (3), TANDEM_LOAD_BLOB_BYTES
//! (256),
//! TANDEM_LOAD_DATABASE_URL (also measure the relay on PostgreSQL, built
//! with `--features postgres`), TANDEM_LOAD_COMPARE_RELAY (the path of
//! another relay binary, say an earlier build, also measured on SQLite in
//! every round: a change compared under the same load).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{Message as ServerMessage, WebSocket, WebSocketUpgrade};
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tandem_sync::{Frame, Invite, RoomId, RoomKey, MAX_FRAME_BYTES};

/// The protocol of the hellos: the first, which every relay build speaks,
/// so that the same clients run against an earlier build for comparison.
const PROTOCOL: u16 = 1;
use tokio::sync::{broadcast, Semaphore};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

/// Set in the child process that serves the baseline.
const BASELINE_ENV: &str = "TANDEM_LOAD_BASELINE_ADDR";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(default)
}

/// The moment every timestamp in a blob counts from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn micros_now() -> u64 {
    u64::try_from(epoch().elapsed().as_micros()).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------------------
// The baseline: a WebSocket fan-out server without storage.

/// A room of the baseline: its deliveries and its latest sequence.
type BaselineRoom = (broadcast::Sender<(u64, Bytes)>, Arc<AtomicU64>);

#[derive(Clone, Default)]
struct Baseline {
    rooms: Arc<Mutex<HashMap<RoomId, BaselineRoom>>>,
}

async fn serve_baseline(addr: SocketAddr) {
    let baseline = Baseline::default();
    let router = Router::new().route(
        "/sync",
        get(move |upgrade: WebSocketUpgrade| {
            let baseline = baseline.clone();
            // The relay's socket settings, so that only storage differs.
            async move {
                upgrade
                    .read_buffer_size(4 * 1024)
                    .write_buffer_size(0)
                    .on_upgrade(move |socket| baseline_connection(socket, baseline))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("the baseline can listen");
    let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
        let _ = stream.set_nodelay(true);
    });
    axum::serve(listener, router)
        .await
        .expect("the baseline serves");
}

/// Decodes every frame and encodes every answer like the relay, numbers
/// pushes per room, broadcasts them; stores nothing.
async fn baseline_connection(mut socket: WebSocket, baseline: Baseline) {
    let hello = match socket.recv().await {
        Some(Ok(ServerMessage::Binary(bytes))) => Frame::decode(&bytes, MAX_FRAME_BYTES),
        _ => return,
    };
    let Ok(Frame::Hello { room, token, .. }) = hello else {
        return;
    };
    let _checked = token.hash();
    let (deliveries, latest) = {
        let mut rooms = baseline.rooms.lock().expect("the rooms");
        let (sender, latest) = rooms
            .entry(room)
            .or_insert_with(|| (broadcast::channel(256).0, Arc::new(AtomicU64::new(0))));
        (sender.clone(), Arc::clone(latest))
    };
    let mut receiver = deliveries.subscribe();
    let synced = Frame::Synced {
        latest: latest.load(Ordering::Acquire),
    };
    let Ok(bytes) = synced.encode(MAX_FRAME_BYTES) else {
        return;
    };
    if socket
        .send(ServerMessage::Binary(bytes.into()))
        .await
        .is_err()
    {
        return;
    }
    let mut own = Vec::new();
    loop {
        tokio::select! {
            message = socket.recv() => {
                let Some(Ok(ServerMessage::Binary(bytes))) = message else { return };
                let Ok(Frame::Push { blob }) = Frame::decode(&bytes, MAX_FRAME_BYTES) else { return };
                let sequence = latest.fetch_add(1, Ordering::AcqRel) + 1;
                let Ok(frame) = (Frame::Deliver { sequence, blob }).encode(MAX_FRAME_BYTES) else { return };
                own.push(sequence);
                let _ = deliveries.send((sequence, Bytes::from(frame)));
                let Ok(ack) = (Frame::Ack { sequence }).encode(MAX_FRAME_BYTES) else { return };
                if socket.send(ServerMessage::Binary(ack.into())).await.is_err() {
                    return;
                }
            }
            delivery = receiver.recv() => match delivery {
                Ok((sequence, frame)) => {
                    if let Some(at) = own.iter().position(|&mine| mine == sequence) {
                        own.swap_remove(at);
                        continue;
                    }
                    if socket.send(ServerMessage::Binary(frame)).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Servers under test, as child processes.

const BASELINE_NAME: &str = "baseline (no storage)";
const RELAY_NAME: &str = "relay (SQLite)";
const COMPARED_NAME: &str = "relay (SQLite), compared build";

struct Server {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
    db: Option<std::path::PathBuf>,
}

impl Server {
    fn free_addr() -> SocketAddr {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn baseline() -> Self {
        let addr = Self::free_addr();
        let child = Command::new(std::env::current_exe().expect("this program"))
            .env(BASELINE_ENV, addr.to_string())
            .stdout(Stdio::null())
            .spawn()
            .expect("the baseline starts");
        Self {
            name: BASELINE_NAME,
            child,
            addr,
            db: None,
        }
    }

    fn relay(database_url: Option<&str>) -> Self {
        Self::relay_binary(env!("CARGO_BIN_EXE_tandem-relay").as_ref(), database_url)
    }

    /// Another relay binary, on SQLite.
    fn compared_relay(binary: &std::path::Path) -> Self {
        let mut server = Self::relay_binary(binary, None);
        server.name = COMPARED_NAME;
        server
    }

    fn relay_binary(binary: &std::path::Path, database_url: Option<&str>) -> Self {
        let addr = Self::free_addr();
        let mut command = Command::new(binary);
        command
            .arg("--addr")
            .arg(addr.to_string())
            .env("TANDEM_MAX_PUSHES_PER_SECOND", "100000")
            // Every client comes from the loopback address.
            .env("TANDEM_MAX_CONNECTIONS_PER_ADDRESS", "1000000")
            .env("TANDEM_MAX_CONNECTIONS", "1000000")
            .env("TANDEM_NEW_ROOMS_PER_HOUR", "1000000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        let (name, db) = match database_url {
            Some(url) => {
                command.arg("--database-url").arg(url);
                ("relay (PostgreSQL)", None)
            }
            None => {
                let db = std::env::temp_dir().join(format!(
                    "tandem-relay-load-{}-{}.sqlite3",
                    std::process::id(),
                    addr.port()
                ));
                command.arg("--db").arg(&db);
                (RELAY_NAME, Some(db))
            }
        };
        Self {
            name,
            child: command.spawn().expect("the relay starts"),
            addr,
            db,
        }
    }

    async fn wait_until_listening(&mut self) {
        let started = Instant::now();
        while tokio::net::TcpStream::connect(self.addr).await.is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} stopped at its start: {status}", self.name);
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{} did not listen in time",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Peak resident memory so far, in MB.
    fn peak_memory_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(db) = &self.db {
            // Every shard of the database, with its write-ahead log.
            for file in tandem_relay::store::database_files(db) {
                std::fs::remove_file(file).ok();
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Clients.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Paced,
    FlatOut,
}

/// Shared by the clients of one phase.
struct Phase {
    mode: Mode,
    /// Pushing allowed.
    pushing: AtomicBool,
    /// Samples are recorded.
    measuring: AtomicBool,
    /// Clients are to close.
    closing: AtomicBool,
    synced: AtomicU64,
    acks: AtomicU64,
    deliveries: AtomicU64,
    failures: AtomicU64,
    latencies: Mutex<Vec<u32>>,
}

async fn client(
    addr: SocketAddr,
    invite: Invite,
    index: u64,
    blob_bytes: usize,
    phase: Arc<Phase>,
    connecting: Arc<Semaphore>,
) {
    let permit = connecting.acquire().await.expect("the semaphore");
    // Like a browser: no Nagle delay, modest buffers.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let connected = tokio_tungstenite::connect_async_with_config(
        format!("ws://{addr}/sync"),
        Some(config),
        true,
    )
    .await;
    let Ok((socket, _)) = connected else {
        phase.failures.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let (mut sink, mut stream) = socket.split();
    let hello = Frame::Hello {
        protocol: PROTOCOL,
        room: invite.room,
        token: invite.access_token(),
        after: 0,
    };
    let send_frame =
        |frame: Frame| Message::Binary(frame.encode(MAX_FRAME_BYTES).expect("fits").into());
    if sink.send(send_frame(hello)).await.is_err() {
        phase.failures.fetch_add(1, Ordering::Relaxed);
        return;
    }
    // Until Synced; the replay of earlier pushes (none: rooms are new) is skipped.
    loop {
        match stream.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                if let Ok(Frame::Synced { .. }) = Frame::decode(&bytes, MAX_FRAME_BYTES) {
                    break;
                }
            }
            Some(Ok(_)) => {}
            _ => {
                phase.failures.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }
    drop(permit);
    phase.synced.fetch_add(1, Ordering::Relaxed);

    let push = |blob_bytes: usize| {
        let mut blob = vec![0u8; blob_bytes];
        blob[..8].copy_from_slice(&micros_now().to_le_bytes());
        blob[8..16].copy_from_slice(&index.to_le_bytes());
        send_frame(Frame::Push { blob })
    };
    // Paced: once a second, at this client's own moment within it.
    let offset = Duration::from_micros((index * 7919 * 1000) % 1_000_000);
    let mut ticks =
        tokio::time::interval_at(tokio::time::Instant::now() + offset, Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut in_flight = false;
    let mut latencies = Vec::new();
    let mut check = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            _ = ticks.tick(), if phase.mode == Mode::Paced => {
                if phase.pushing.load(Ordering::Relaxed) && sink.send(push(blob_bytes)).await.is_err() {
                    break;
                }
            }
            _ = check.tick() => {
                if phase.closing.load(Ordering::Relaxed) {
                    break;
                }
                if phase.mode == Mode::FlatOut && !in_flight && phase.pushing.load(Ordering::Relaxed) {
                    if sink.send(push(blob_bytes)).await.is_err() {
                        break;
                    }
                    in_flight = true;
                }
            }
            message = stream.next() => {
                let Some(Ok(message)) = message else { break };
                let Message::Binary(bytes) = message else { continue };
                let now = micros_now();
                match Frame::decode(&bytes, MAX_FRAME_BYTES) {
                    Ok(Frame::Deliver { blob, .. }) if phase.measuring.load(Ordering::Relaxed) => {
                        phase.deliveries.fetch_add(1, Ordering::Relaxed);
                        if let Some(sent) = blob.get(..8) {
                            let sent = u64::from_le_bytes(sent.try_into().expect("8 bytes"));
                            latencies.push(u32::try_from(now.saturating_sub(sent)).unwrap_or(u32::MAX));
                        }
                    }
                    Ok(Frame::Ack { .. }) => {
                        if phase.measuring.load(Ordering::Relaxed) {
                            phase.acks.fetch_add(1, Ordering::Relaxed);
                        }
                        in_flight = false;
                        if phase.mode == Mode::FlatOut && phase.pushing.load(Ordering::Relaxed) {
                            if sink.send(push(blob_bytes)).await.is_err() {
                                break;
                            }
                            in_flight = true;
                        }
                    }
                    Ok(Frame::Error { code, message }) => {
                        eprintln!("client {index}: refused: {code}: {message}");
                        phase.failures.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    let _ = sink.close().await;
    phase
        .latencies
        .lock()
        .expect("the samples")
        .extend(latencies);
}

/// What one phase against one server measured.
#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    acks_per_second: f64,
    deliveries_per_second: f64,
    failures: u64,
}

#[allow(clippy::too_many_arguments)]
async fn run_phase(
    addr: SocketAddr,
    invites: &[Invite],
    clients: u64,
    blob_bytes: usize,
    mode: Mode,
    warm_up: Duration,
    measure: Duration,
) -> Figures {
    let phase = Arc::new(Phase {
        mode,
        pushing: AtomicBool::new(false),
        measuring: AtomicBool::new(false),
        closing: AtomicBool::new(false),
        synced: AtomicU64::new(0),
        acks: AtomicU64::new(0),
        deliveries: AtomicU64::new(0),
        failures: AtomicU64::new(0),
        latencies: Mutex::new(Vec::new()),
    });
    let connecting = Arc::new(Semaphore::new(64));
    let tasks: Vec<_> = (0..clients)
        .map(|index| {
            let invite = invites[(index as usize) % invites.len()].clone();
            tokio::spawn(client(
                addr,
                invite,
                index,
                blob_bytes,
                Arc::clone(&phase),
                Arc::clone(&connecting),
            ))
        })
        .collect();
    let started = Instant::now();
    while phase.synced.load(Ordering::Relaxed) + phase.failures.load(Ordering::Relaxed) < clients {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the clients did not connect in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    phase.pushing.store(true, Ordering::Relaxed);
    tokio::time::sleep(warm_up).await;
    phase.measuring.store(true, Ordering::Relaxed);
    let measuring = Instant::now();
    tokio::time::sleep(measure).await;
    phase.measuring.store(false, Ordering::Relaxed);
    let seconds = measuring.elapsed().as_secs_f64();
    phase.pushing.store(false, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    phase.closing.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    let mut latencies = std::mem::take(&mut *phase.latencies.lock().expect("the samples"));
    latencies.sort_unstable();
    let at = |quantile: f64| {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let index = ((latencies.len() as f64 - 1.0) * quantile).round() as usize;
        f64::from(latencies[index]) / 1000.0
    };
    Figures {
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        acks_per_second: phase.acks.load(Ordering::Relaxed) as f64 / seconds,
        deliveries_per_second: phase.deliveries.load(Ordering::Relaxed) as f64 / seconds,
        failures: phase.failures.load(Ordering::Relaxed),
    }
}

/// What one durable commit costs at least on this disk right now: 4 KiB
/// rewritten in place and flushed (`fdatasync`), 200 times; p50 and p99
/// in ms. Measured in the folder of the relay's database.
fn disk_flush_ms() -> (f64, f64) {
    use std::io::{Seek, SeekFrom, Write};
    let path = std::env::temp_dir().join(format!("tandem-load-flush-{}", std::process::id()));
    let probe = || -> std::io::Result<Vec<f64>> {
        let mut file = std::fs::File::create(&path)?;
        file.write_all(&[0u8; 64 * 4096])?;
        file.sync_all()?;
        let mut times = Vec::new();
        for round in 0..200u64 {
            file.seek(SeekFrom::Start((round % 64) * 4096))?;
            file.write_all(&[round as u8; 4096])?;
            let started = Instant::now();
            file.sync_data()?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        Ok(times)
    };
    let times = probe();
    std::fs::remove_file(&path).ok();
    match times {
        Ok(mut times) => {
            times.sort_by(f64::total_cmp);
            (times[times.len() / 2], times[times.len() * 99 / 100])
        }
        Err(_) => (f64::NAN, f64::NAN),
    }
}

/// The machine's one-minute load average: other work running beside the
/// benchmark shows here.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// One server's figures in one round.
#[derive(Debug, Clone, Copy, Default)]
struct Round {
    paced: Figures,
    flat_out: Figures,
    peak_memory_mb: f64,
    /// The disk's flush time (p50, p99) just before.
    disk_flush_ms: (f64, f64),
}

async fn measure_server(
    mut server: Server,
    clients: u64,
    rooms: u64,
    blob_bytes: usize,
    seconds: u64,
) -> Round {
    server.wait_until_listening().await;
    let disk_flush_ms = disk_flush_ms();
    let load_before = load_average();
    let new_invites = || {
        (0..rooms)
            .map(|_| Invite {
                room: RoomId::random().expect("randomness"),
                key: RoomKey::random().expect("randomness"),
            })
            .collect::<Vec<_>>()
    };
    let paced = run_phase(
        server.addr,
        &new_invites(),
        clients,
        blob_bytes,
        Mode::Paced,
        Duration::from_secs(3),
        Duration::from_secs(seconds),
    )
    .await;
    let peak_memory_mb = server.peak_memory_mb();
    let load_after_paced = load_average();
    let flat_out = run_phase(
        server.addr,
        &new_invites(),
        clients,
        blob_bytes,
        Mode::FlatOut,
        Duration::from_secs(2),
        Duration::from_secs((seconds / 2).max(3)),
    )
    .await;
    eprintln!(
        "  {:<22} load {:.1}/{:.1} fdatasync p50 {:.2} p99 {:.2} ms | paced: p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  {:>7.0} acks/s  {:>7.0} deliveries/s  peak {:>6.1} MB  failures {} | flat out: {:>7.0} acks/s  {:>7.0} deliveries/s  p99 {:>7.2} ms  failures {}",
        server.name,
        load_before,
        load_after_paced,
        disk_flush_ms.0,
        disk_flush_ms.1,
        paced.p50_ms,
        paced.p99_ms,
        paced.max_ms,
        paced.acks_per_second,
        paced.deliveries_per_second,
        peak_memory_mb,
        paced.failures,
        flat_out.acks_per_second,
        flat_out.deliveries_per_second,
        flat_out.p99_ms,
        flat_out.failures,
    );
    Round {
        paced,
        flat_out,
        peak_memory_mb,
        disk_flush_ms,
    }
}

fn summary(name: &str, unit: &str, values: &[f64]) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.is_empty() {
        f64::NAN
    } else if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    println!(
        "  {name:<44} median {median:>9.2}  min {:>9.2}  max {:>9.2}  {unit}",
        sorted.first().copied().unwrap_or(f64::NAN),
        sorted.last().copied().unwrap_or(f64::NAN),
    );
}

#[expect(
    clippy::too_many_lines,
    reason = "the benchmark's rounds and its printed table, read in order"
)]
fn main() {
    if let Ok(addr) = std::env::var(BASELINE_ENV) {
        let addr: SocketAddr = addr.parse().expect("an address for the baseline");
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(serve_baseline(addr));
        return;
    }
    let clients = setting("TANDEM_LOAD_CLIENTS", 2000);
    let rooms = setting("TANDEM_LOAD_ROOMS", 200).max(1);
    let seconds = setting("TANDEM_LOAD_SECONDS", 20).max(1);
    let rounds = setting("TANDEM_LOAD_ROUNDS", 3).max(1);
    let blob_bytes = usize::try_from(setting("TANDEM_LOAD_BLOB_BYTES", 256))
        .unwrap_or(256)
        .max(tandem_sync::SEAL_OVERHEAD.max(16));
    let database_url = std::env::var("TANDEM_LOAD_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty());
    let compared = std::env::var_os("TANDEM_LOAD_COMPARE_RELAY")
        .filter(|path| !path.is_empty())
        .map(std::path::PathBuf::from);
    let needed = clients + 256;
    match open_files_limit() {
        Some(limit) if limit < needed => {
            eprintln!(
                "The open-files limit is {limit}; {clients} clients need about {needed}. \
                 Raise it first: `ulimit -n {}`",
                needed.max(65536)
            );
            std::process::exit(2);
        }
        _ => {}
    }
    let _ = epoch();
    println!(
        "Relay load: {clients} clients in {rooms} rooms, {blob_bytes}-byte blobs, \
         paced 1 push/s per client for {seconds} s, flat out for {} s, {rounds} rounds, {} cores",
        (seconds / 2).max(3),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut results: Vec<(&'static str, Vec<Round>)> = Vec::new();
    runtime.block_on(async {
        for round in 1..=rounds {
            eprintln!("round {round}:");
            let mut servers = vec![Server::baseline(), Server::relay(None)];
            if let Some(url) = &database_url {
                servers.push(Server::relay(Some(url)));
            }
            if let Some(binary) = &compared {
                servers.push(Server::compared_relay(binary));
            }
            let turn = usize::try_from(round - 1).unwrap_or(0) % servers.len();
            servers.rotate_left(turn);
            for server in servers {
                let name = server.name;
                let figures = measure_server(server, clients, rooms, blob_bytes, seconds).await;
                match results.iter_mut().find(|(known, _)| *known == name) {
                    Some((_, rounds)) => rounds.push(figures),
                    None => results.push((name, vec![figures])),
                }
            }
        }
    });
    println!("\nOver {rounds} rounds (median, min, max):");
    let figures_of = |name: &str, figure: fn(&Round) -> f64| -> Vec<f64> {
        results
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, rounds)| rounds.iter().map(figure).collect())
            .unwrap_or_default()
    };
    let flat_out = |round: &Round| round.flat_out.acks_per_second;
    let paced_p99 = |round: &Round| round.paced.p99_ms;
    let baseline_flat = figures_of(BASELINE_NAME, flat_out);
    let compared_flat = figures_of(COMPARED_NAME, flat_out);
    let compared_p99 = figures_of(COMPARED_NAME, paced_p99);
    for (name, rounds) in &results {
        println!("{name}");
        let pick = |f: &dyn Fn(&Round) -> f64| rounds.iter().map(f).collect::<Vec<_>>();
        summary(
            "disk flush (fdatasync) p50, just before",
            "ms",
            &pick(&|r| r.disk_flush_ms.0),
        );
        summary(
            "disk flush (fdatasync) p99, just before",
            "ms",
            &pick(&|r| r.disk_flush_ms.1),
        );
        summary("paced: push→delivery p50", "ms", &pick(&|r| r.paced.p50_ms));
        summary(
            "paced: push→delivery p99 (target ≤ 20)",
            "ms",
            &pick(&|r| r.paced.p99_ms),
        );
        summary("paced: push→delivery max", "ms", &pick(&|r| r.paced.max_ms));
        summary("paced: acks", "/s", &pick(&|r| r.paced.acks_per_second));
        summary(
            "paced: deliveries",
            "/s",
            &pick(&|r| r.paced.deliveries_per_second),
        );
        summary(
            "peak memory after paced (VmHWM; target ≤ 100)",
            "MB",
            &pick(&|r| r.peak_memory_mb),
        );
        summary(
            "flat out: acks",
            "/s",
            &pick(&|r| r.flat_out.acks_per_second),
        );
        summary(
            "flat out: deliveries",
            "/s",
            &pick(&|r| r.flat_out.deliveries_per_second),
        );
        let ratios: Vec<f64> = rounds
            .iter()
            .zip(&baseline_flat)
            .map(|(round, baseline)| round.flat_out.acks_per_second / baseline)
            .collect();
        summary(
            "flat out: acks ÷ baseline's, same round (≥ 0.5)",
            "×",
            &ratios,
        );
        if *name == RELAY_NAME && !compared_flat.is_empty() {
            let same_round = |mine: &[f64], theirs: &[f64]| -> Vec<f64> {
                mine.iter().zip(theirs).map(|(a, b)| a / b).collect()
            };
            summary(
                "flat out: acks ÷ compared relay's, same round (≥ 0.9)",
                "×",
                &same_round(&pick(&flat_out), &compared_flat),
            );
            summary(
                "paced: p99 ÷ compared relay's, same round (≤ 1.1)",
                "×",
                &same_round(&pick(&paced_p99), &compared_p99),
            );
        }
        let failures: u64 = rounds
            .iter()
            .map(|r| r.paced.failures + r.flat_out.failures)
            .sum();
        println!("  client failures: {failures}");
    }
}
