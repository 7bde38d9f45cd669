//! A stranger who can reach the relay cannot fill, stall or crash it.
//!
//! Each test runs the real relay binary on loopback, attacks it the way a
//! stranger on the internet could, and checks the bound that holds it:
//! bytes before a hello, headers sent a byte at a time, clients that never
//! read while a room receives the largest pushes, a flood of new rooms
//! from one address, and a disk that fills up (also when the database
//! itself refuses a write: every client of the room hears of it).
//!
//! Settings (environment): `TANDEM_ABUSE_RELAY`, the path of another relay
//! binary to attack instead (an earlier build, for comparison; settings it
//! does not know are ignored, as they are passed as `TANDEM_…` variables);
//! `TANDEM_ABUSE_SILENT` (500) sockets that never read;
//! `TANDEM_ABUSE_PUSHES` (24) pushes of 8 MiB while they do not;
//! `TANDEM_ABUSE_HELLOS` (10,000) hellos for new rooms;
//! `TANDEM_ABUSE_RSS_BOUND_MIB` (256) and `TANDEM_ABUSE_P99_MS` (1,500), the
//! bounds asserted (generous: the 99th percentile of the honest room's
//! deliveries is printed, and measured in a release build for the README).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{ErrorCode, Frame, Invite, MAX_FRAME_BYTES, SEAL_OVERHEAD};

/// The protocol of the hellos: the first, which every relay build speaks,
/// so that the same clients run against an earlier build for comparison.
const PROTOCOL: u16 = 1;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long anything that should happen at once may take on a busy
/// machine.
const PATIENCE: Duration = Duration::from_secs(20);

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(default)
}

/// The relay under attack: this build's, or `TANDEM_ABUSE_RELAY`.
fn relay_binary() -> PathBuf {
    std::env::var_os("TANDEM_ABUSE_RELAY")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tandem-relay")))
}

/// A relay process on its own database file and port.
struct RelayProcess {
    addr: SocketAddr,
    db: PathBuf,
    child: Child,
}

impl RelayProcess {
    /// Starts the relay with `settings` as environment variables.
    async fn start(settings: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let db = std::env::temp_dir().join(format!(
            "tandem-relay-abuse-{}-{port}.sqlite3",
            std::process::id()
        ));
        let mut command = Command::new(relay_binary());
        command
            .arg("--addr")
            .arg(addr.to_string())
            .arg("--db")
            .arg(&db)
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (name, value) in settings {
            command.env(name, value);
        }
        let child = command.spawn().expect("the relay starts");
        let started = Instant::now();
        while TcpStream::connect(addr).await.is_err() {
            assert!(
                started.elapsed() < PATIENCE,
                "the relay did not listen in time"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Self { addr, db, child }
    }

    /// The relay's resident memory now and at its peak, in KiB.
    fn memory(&self) -> (u64, u64) {
        memory(self.child.id())
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Every shard of the database, with its write-ahead log.
        for file in tandem_relay::store::database_files(&self.db) {
            std::fs::remove_file(file).ok();
        }
    }
}

/// `VmRSS` and `VmHWM` of a process, in KiB (zeros once it is gone).
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

async fn send_frame(socket: &mut Socket, frame: Frame) {
    let bytes = frame.encode(MAX_FRAME_BYTES).expect("a frame fits");
    socket
        .send(Message::Binary(bytes.into()))
        .await
        .expect("the relay takes the frame");
}

/// The next frame, or `None` once the socket is closed.
async fn next_frame(socket: &mut Socket) -> Option<Frame> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time")?;
        match message {
            Ok(Message::Binary(bytes)) => {
                return Some(Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame"))
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => continue,
        }
    }
}

/// The next frame within `patience`, or `None` if none came (or the
/// socket closed): a relay that stalls is measured, not waited for.
async fn frame_within(socket: &mut Socket, patience: Duration) -> Option<Frame> {
    tokio::time::timeout(patience, next_frame(socket))
        .await
        .ok()
        .flatten()
}

async fn connect(addr: SocketAddr) -> Socket {
    tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .expect("the relay accepts a WebSocket")
        .0
}

fn hello(invite: &Invite) -> Frame {
    Frame::Hello {
        protocol: PROTOCOL,
        room: invite.room,
        token: invite.access_token(),
        after: 0,
    }
}

/// A connection to `invite`'s room, in sync with it while it is empty.
async fn join(addr: SocketAddr, invite: &Invite) -> Socket {
    let mut socket = connect(addr).await;
    send_frame(&mut socket, hello(invite)).await;
    match next_frame(&mut socket).await {
        Some(Frame::Synced { latest: 0 }) => socket,
        other => panic!("expected to be in sync with an empty room, got {other:?}"),
    }
}

/// A raw TCP connection that has become a WebSocket, for bytes no
/// WebSocket library would send.
async fn raw_upgrade(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("the relay accepts");
    stream
        .write_all(
            format!(
                "GET /sync HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                 Sec-WebSocket-Version: 13\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .expect("the request goes out");
    let mut response = Vec::new();
    while !response.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut byte))
            .await
            .expect("the relay answers in time")
            .expect("the response is readable");
        assert_eq!(read, 1, "the relay closed during the upgrade");
        response.push(byte[0]);
    }
    assert!(
        response.starts_with(b"HTTP/1.1 101"),
        "the relay switches to a WebSocket: {}",
        String::from_utf8_lossy(&response)
    );
    stream
}

/// Reads until the relay closes the connection; how long that took, or
/// `None` if it stayed open for `patience`.
async fn until_closed(stream: &mut TcpStream, patience: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        let left = patience.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_message_before_the_hello_is_cut_off_after_a_kilobyte() {
    // The hello timeout is far away: only the byte cap can end this.
    let relay = RelayProcess::start(&[("TANDEM_HELLO_TIMEOUT_SECONDS", "120")]).await;
    let mut stream = raw_upgrade(relay.addr).await;
    // A binary frame that says it carries 15 MiB (under the relay's frame
    // limit, so the length alone does not end it), masked as a client's.
    let length: u64 = 15 * 1024 * 1024;
    let mut head = vec![0x82, 0x80 | 127];
    head.extend_from_slice(&length.to_be_bytes());
    head.extend_from_slice(&[0x11, 0x22, 0x33, 0x44]);
    stream.write_all(&head).await.expect("the head goes out");
    // 4 KiB of it, then nothing more for now.
    stream
        .write_all(&[0x5a; 4096])
        .await
        .expect("the first bytes go out");
    let closed = until_closed(&mut stream, Duration::from_secs(10)).await;
    println!("closed {closed:?} after 4 KiB of a 15 MiB message before the hello");
    assert!(
        closed.is_some(),
        "the relay waits for more of a message before the hello"
    );
    // The rest of 16 MiB finds the connection gone.
    let mut sent = 4096u64;
    let chunk = vec![0x5a; 64 * 1024];
    while sent < 16 * 1024 * 1024 {
        if stream.write_all(&chunk).await.is_err() {
            break;
        }
        sent += chunk.len() as u64;
    }
    assert!(
        sent < 16 * 1024 * 1024,
        "16 MiB went into a connection the relay had closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_its_headers_a_byte_at_a_time_is_cut_off_after_the_timeout() {
    let relay = RelayProcess::start(&[("TANDEM_HEADER_READ_TIMEOUT_SECONDS", "1")]).await;
    let mut stream = TcpStream::connect(relay.addr)
        .await
        .expect("the relay accepts");
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: relay\r\n")
        .await
        .expect("the request line goes out");
    let started = Instant::now();
    let mut closed = None;
    // A header byte every 100 ms, for at most 10 s.
    while started.elapsed() < Duration::from_secs(10) {
        if stream.write_all(b"X").await.is_err() {
            closed = Some(started.elapsed());
            break;
        }
        let mut byte = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut byte)).await {
            Err(_) => {}
            Ok(_) => {
                closed = Some(started.elapsed());
                break;
            }
        }
    }
    println!("a slow client's connection closed after {closed:?}");
    let closed = closed.expect("the relay kept a connection whose headers never end");
    assert!(
        closed >= Duration::from_millis(500),
        "closed before the timeout: {closed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_says_hello_is_closed_after_the_hello_timeout() {
    let relay = RelayProcess::start(&[("TANDEM_HELLO_TIMEOUT_SECONDS", "1")]).await;
    let mut stream = raw_upgrade(relay.addr).await;
    let closed = until_closed(&mut stream, Duration::from_secs(10)).await;
    println!("a silent WebSocket closed after {closed:?}");
    assert!(closed.is_some(), "the relay kept a WebSocket without hello");
}

/// The `quantile` (0–1) of `values`, sorted.
fn quantile(values: &mut [Duration], quantile: f64) -> Duration {
    values.sort_unstable();
    let index = ((values.len() as f64 - 1.0) * quantile).round() as usize;
    values.get(index).copied().unwrap_or_default()
}

/// A small push that carries when it was sent, in nanoseconds since `epoch`.
fn stamped(epoch: Instant) -> Frame {
    let mut blob = vec![0u8; SEAL_OVERHEAD + 8];
    blob[..8].copy_from_slice(&(epoch.elapsed().as_nanos() as u64).to_be_bytes());
    Frame::Push { blob }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::too_many_lines,
    reason = "one attack and what it must not break, read in the order it happens"
)]
async fn clients_that_never_read_pin_bounded_memory_and_other_rooms_flow_on() {
    let silent = setting("TANDEM_ABUSE_SILENT", 500) as usize;
    let pushes = setting("TANDEM_ABUSE_PUSHES", 24) as usize;
    // About 96 MiB, the budget for large frames in sockets (64 MiB) and a
    // little per connection, with room to spare (README, "Relay limits").
    let bound_mib = setting("TANDEM_ABUSE_RSS_BOUND_MIB", 256);
    let p99_bound = Duration::from_millis(setting("TANDEM_ABUSE_P99_MS", 1500));
    let room_places = (silent + 8).to_string();
    let relay = RelayProcess::start(&[
        ("TANDEM_MAX_CONNECTIONS_PER_ROOM", room_places.as_str()),
        ("TANDEM_MAX_CONNECTIONS_PER_ADDRESS", "100000"),
        ("TANDEM_MAX_CONNECTIONS", "100000"),
        ("TANDEM_SEND_TIMEOUT_SECONDS", "3"),
    ])
    .await;
    let addr = relay.addr;
    let (resting, _) = relay.memory();

    // The flooded room: one pusher, and the silent ones, who read their
    // `Synced` and then nothing. The pusher has a thread and a runtime of
    // its own: masking and sending 8 MiB frames would otherwise hold up
    // the honest devices' tasks here, and part of the delay measured
    // would be the test's own.
    let flooded = Invite::new_room().expect("randomness");
    let flooding = Arc::new(AtomicBool::new(true));
    let (pusher_in, pusher_joined) = tokio::sync::oneshot::channel::<()>();
    let (start_flood, flood_started) = tokio::sync::oneshot::channel::<()>();
    let flood = {
        let flooding = Arc::clone(&flooding);
        let flooded = flooded.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the pusher");
            runtime.block_on(async move {
                let mut pusher = join(addr, &flooded).await;
                let _ = pusher_in.send(());
                if flood_started.await.is_err() {
                    return 0;
                }
                let blob = vec![0xa5; 8 * 1024 * 1024 - 4096];
                let mut acknowledged = 0;
                for _ in 0..pushes {
                    send_frame(&mut pusher, Frame::Push { blob: blob.clone() }).await;
                    match frame_within(&mut pusher, PATIENCE / 2).await {
                        Some(Frame::Ack { .. }) => acknowledged += 1,
                        // The relay stalled: measured below.
                        _ => break,
                    }
                }
                flooding.store(false, Ordering::SeqCst);
                acknowledged
            })
        })
    };
    pusher_joined.await.expect("the pusher joined");
    let mut silent_sockets = Vec::with_capacity(silent);
    for _ in 0..silent {
        silent_sockets.push(join(addr, &flooded).await);
    }
    // The honest room: one device pushes small changes, the other receives.
    let honest = Invite::new_room().expect("randomness");
    let mut sender = join(addr, &honest).await;
    let mut receiver = join(addr, &honest).await;

    let (connected, _) = relay.memory();
    let pid = relay.child.id();
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = Arc::clone(&sampling);
        std::thread::spawn(move || {
            let mut peak = 0;
            while sampling.load(Ordering::SeqCst) {
                peak = peak.max(memory(pid).0);
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };

    let epoch = Instant::now();
    start_flood.send(()).expect("the pusher waits");
    let honest_pushes = tokio::spawn(async move {
        let mut sent = 0usize;
        let mut acknowledged = 0usize;
        loop {
            let done = !flooding.load(Ordering::SeqCst);
            send_frame(&mut sender, stamped(epoch)).await;
            sent += 1;
            // Its acknowledgement, within the pace of 8 a second.
            let pace = tokio::time::sleep(Duration::from_millis(125));
            tokio::pin!(pace);
            loop {
                tokio::select! {
                    () = &mut pace => break,
                    frame = frame_within(&mut sender, PATIENCE / 2) => match frame {
                        Some(Frame::Ack { .. }) => acknowledged += 1,
                        // The relay stalled: measured below.
                        _ => return (sent, acknowledged),
                    },
                }
            }
            if done {
                return (sent, acknowledged);
            }
        }
    });
    let mut delays = Vec::new();
    let honest_receiving = async {
        loop {
            match frame_within(&mut receiver, PATIENCE / 2).await {
                Some(Frame::Deliver { blob, .. }) => {
                    let sent = u64::from_be_bytes(blob[..8].try_into().expect("8 bytes"));
                    let now = epoch.elapsed().as_nanos() as u64;
                    delays.push(Duration::from_nanos(now.saturating_sub(sent)));
                }
                // The relay stalled: wait for the sender to notice.
                _ => std::future::pending::<()>().await,
            }
        }
    };
    let started = Instant::now();
    let (sent, acknowledged) = tokio::select! {
        sent = honest_pushes => sent.expect("the honest sender ran"),
        () = honest_receiving => unreachable!("the receiver runs until the sender is done"),
    };
    // The last deliveries.
    let draining = Instant::now();
    while delays.len() < sent && draining.elapsed() < Duration::from_secs(2) {
        if let Ok(Some(Frame::Deliver { blob, .. })) =
            tokio::time::timeout(Duration::from_millis(200), next_frame(&mut receiver)).await
        {
            let sent = u64::from_be_bytes(blob[..8].try_into().expect("8 bytes"));
            let now = epoch.elapsed().as_nanos() as u64;
            delays.push(Duration::from_nanos(now.saturating_sub(sent)));
        }
    }
    let flooded_pushes = tokio::task::spawn_blocking(move || flood.join())
        .await
        .expect("the wait ran")
        .expect("the pusher ran");
    let flood_time = started.elapsed();
    sampling.store(false, Ordering::SeqCst);
    let peak_sampled = sampler.join().expect("the sampler ran");
    let (_, peak) = relay.memory();
    let p50 = quantile(&mut delays, 0.5);
    let p99 = quantile(&mut delays, 0.99);
    let max = quantile(&mut delays, 1.0);
    // Rooms of one shard share a writer: then the honest room's pushes
    // wait behind the flood's commits (README, "Relay limits").
    // The relay takes its shard count from the environment, as here.
    let shards = std::env::var("TANDEM_SHARDS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(tandem_relay::DEFAULT_SHARDS);
    let same_shard = tandem_relay::store::sqlite::room_shard(honest.room, shards)
        == tandem_relay::store::sqlite::room_shard(flooded.room, shards);
    println!(
        "the honest room is in {} shard as the flooded one (of {shards}, where the relay has as many)",
        if same_shard { "the same" } else { "another" }
    );
    println!(
        "{silent} silent sockets, {flooded_pushes} pushes of 8 MiB in {flood_time:.1?}: \
         relay RSS {} MiB at rest, {} MiB with every socket in, peak {} MiB (sampled {} MiB); honest room: \
         {} of {sent} pushes acknowledged, {} delivered, p50 {p50:.1?}, p99 {p99:.1?}, max {max:.1?}",
        resting / 1024,
        connected / 1024,
        peak / 1024,
        peak_sampled / 1024,
        acknowledged,
        delays.len()
    );
    drop(silent_sockets);
    assert_eq!(flooded_pushes, pushes, "the flooded room's pushes stalled");
    assert!(
        peak / 1024 < bound_mib,
        "the relay's memory peaked at {} MiB, over {bound_mib} MiB",
        peak / 1024
    );
    assert!(
        delays.len() + 2 >= sent,
        "only {} of {sent} honest pushes arrived",
        delays.len()
    );
    assert!(
        p99 < p99_bound,
        "the honest room's deliveries took {p99:?} at the 99th percentile"
    );
}

/// What a hello for a new room got: `Ok` if the room opened, or the
/// refusal's code.
async fn open_room(addr: SocketAddr, path: &str) -> Result<Invite, ErrorCode> {
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .expect("the relay accepts a WebSocket");
    let invite = Invite::new_room().expect("randomness");
    send_frame(&mut socket, hello(&invite)).await;
    match next_frame(&mut socket).await {
        Some(Frame::Synced { .. }) => Ok(invite),
        Some(Frame::Error { code, .. }) => Err(code),
        other => panic!("expected a room or a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hellos_for_new_rooms_from_one_address_are_refused_past_the_hourly_ration() {
    const RATION: usize = 60;
    const AT_ONCE: usize = 8;
    let hellos = setting("TANDEM_ABUSE_HELLOS", 10_000) as usize;
    let relay = RelayProcess::start(&[("TANDEM_NEW_ROOMS_PER_HOUR", "60")]).await;
    let addr = relay.addr;
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..AT_ONCE {
        workers.push(tokio::spawn(async move {
            let mut opened = Vec::new();
            let mut refused = 0usize;
            let mut refusing = Duration::ZERO;
            for _ in (worker..hellos).step_by(AT_ONCE) {
                let asked = Instant::now();
                match open_room(addr, "/sync").await {
                    Ok(invite) => opened.push(invite),
                    Err(code) => {
                        assert_eq!(code, ErrorCode::TooManyRooms);
                        refused += 1;
                        refusing += asked.elapsed();
                    }
                }
            }
            (opened, refused, refusing)
        }));
    }
    let mut opened = Vec::new();
    let mut refused = 0;
    let mut refusing = Duration::ZERO;
    for worker in workers {
        let (rooms, refusals, time) = worker.await.expect("the worker ran");
        opened.extend(rooms);
        refused += refusals;
        refusing += time;
    }
    let elapsed = started.elapsed();
    println!(
        "{hellos} hellos for new rooms in {elapsed:.1?}: {} opened, {refused} refused, \
         {:.1?} a refusal on average",
        opened.len(),
        refusing / u32::try_from(refused.max(1)).unwrap_or(u32::MAX)
    );
    // The ration refills over the hour: a minute's worth more at most.
    assert!(
        (RATION..=RATION + 2).contains(&opened.len()),
        "{} new rooms opened from one address",
        opened.len()
    );
    assert_eq!(opened.len() + refused, hellos);
    // Rooms that exist open as always, from the same address.
    let mut again = connect(addr).await;
    send_frame(&mut again, hello(&opened[0])).await;
    assert!(matches!(
        next_frame(&mut again).await,
        Some(Frame::Synced { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_with_a_creation_credential_opens_new_rooms_only_for_its_holders() {
    let relay = RelayProcess::start(&[("TANDEM_ROOM_CREATION_SECRET", "open-sesame-2026")]).await;
    assert_eq!(
        open_room(relay.addr, "/sync").await.err(),
        Some(ErrorCode::TooManyRooms)
    );
    assert_eq!(
        open_room(relay.addr, "/sync?room-creation=open-sesame")
            .await
            .err(),
        Some(ErrorCode::TooManyRooms)
    );
    let invite = open_room(relay.addr, "/sync?room-creation=open-sesame-2026")
        .await
        .expect("the holder of the credential opens a room");
    // Partners join the room without the credential.
    let mut partner = connect(relay.addr).await;
    send_frame(&mut partner, hello(&invite)).await;
    assert!(matches!(
        next_frame(&mut partner).await,
        Some(Frame::Synced { .. })
    ));
}

/// Pushes `blob` on `socket`; the acknowledged sequence or the refusal.
async fn push(socket: &mut Socket, blob: Vec<u8>) -> Result<u64, ErrorCode> {
    send_frame(socket, Frame::Push { blob }).await;
    loop {
        match next_frame(socket).await {
            Some(Frame::Ack { sequence }) => return Ok(sequence),
            Some(Frame::Error { code, .. }) => return Err(code),
            Some(Frame::Deliver { .. }) => continue,
            other => panic!("expected an acknowledgement or a refusal, got {other:?}"),
        }
    }
}

/// A connection to `invite`'s room that has seen everything up to `after`
/// and is in sync; what the replay carried.
async fn rejoin(addr: SocketAddr, invite: &Invite, after: u64) -> (Socket, Vec<Frame>) {
    let mut socket = connect(addr).await;
    send_frame(
        &mut socket,
        Frame::Hello {
            protocol: PROTOCOL,
            room: invite.room,
            token: invite.access_token(),
            after,
        },
    )
    .await;
    let mut replayed = Vec::new();
    loop {
        match next_frame(&mut socket).await {
            Some(Frame::Synced { .. }) => return (socket, replayed),
            Some(frame) => replayed.push(frame),
            None => panic!("the relay closed a hello to a room that exists"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_store_refuses_pushes_loses_nothing_acknowledged_and_recovers_by_itself() {
    let relay = RelayProcess::start(&[
        ("TANDEM_MAX_STORED_BYTES", "2097152"),
        ("TANDEM_MAX_PUSHES_PER_SECOND", "1000"),
        // The quota is under test, not the disk this test runs on.
        ("TANDEM_MIN_FREE_DISK_BYTES", "0"),
    ])
    .await;
    let addr = relay.addr;
    let invite = Invite::new_room().expect("randomness");
    let mut pusher = join(addr, &invite).await;
    let blob = |index: u32| {
        let mut blob = vec![0u8; 64 * 1024];
        blob[..4].copy_from_slice(&index.to_be_bytes());
        blob
    };
    // Push until the relay refuses three times (reconnecting after each).
    let mut acknowledged = std::collections::BTreeMap::new();
    let mut refusals = Vec::new();
    let mut index = 0u32;
    while refusals.len() < 3 {
        index += 1;
        assert!(index < 1000, "the relay took 64 MB into a 2 MiB quota");
        match push(&mut pusher, blob(index)).await {
            Ok(sequence) => {
                acknowledged.insert(sequence, blob(index));
            }
            Err(code) => {
                assert!(
                    matches!(code, ErrorCode::RelayFull | ErrorCode::Storage),
                    "a full store answers relay-full or storage, not {code}"
                );
                refusals.push(code);
                let latest = acknowledged.keys().last().copied().unwrap_or(0);
                pusher = rejoin(addr, &invite, latest).await.0;
            }
        }
    }
    println!(
        "{} pushes of 64 KiB acknowledged before the 2 MiB store was full; then {refusals:?}",
        acknowledged.len()
    );
    assert!(acknowledged.len() >= 8, "the store took too little");
    // Rooms stay readable, with every acknowledged push.
    let (_reader, replayed) = rejoin(addr, &invite, 0).await;
    let replayed: std::collections::BTreeMap<u64, Vec<u8>> = replayed
        .into_iter()
        .map(|frame| match frame {
            Frame::Deliver { sequence, blob } => (sequence, blob),
            other => panic!("expected the room's pushes, got {other:?}"),
        })
        .collect();
    assert_eq!(
        replayed, acknowledged,
        "the room holds what was acknowledged"
    );

    // A snapshot makes room; pushes are taken again without a restart.
    let latest = acknowledged.keys().last().copied().unwrap_or(0);
    send_frame(
        &mut pusher,
        Frame::Snapshot {
            through: latest,
            blob: vec![7; SEAL_OVERHEAD + 100],
        },
    )
    .await;
    assert!(matches!(
        next_frame(&mut pusher).await,
        Some(Frame::Ack { sequence }) if sequence == latest
    ));
    let recovering = Instant::now();
    let recovered = loop {
        match push(&mut pusher, blob(index + 1)).await {
            Ok(sequence) => break sequence,
            Err(code) => {
                assert!(
                    recovering.elapsed() < PATIENCE,
                    "still refused ({code}) after the room was made"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
                pusher = rejoin(addr, &invite, latest).await.0;
            }
        }
    };
    println!(
        "pushes taken again {:.1?} after the snapshot",
        recovering.elapsed()
    );
    assert_eq!(recovered, latest + 1, "the sequences go on without a gap");
}

/// The frames a listening connection gets until it is closed.
async fn until_closed_frames(socket: &mut Socket) -> Vec<Frame> {
    let mut frames = Vec::new();
    while let Some(frame) = next_frame(socket).await {
        frames.push(frame);
    }
    frames
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_fails_tells_every_client_of_the_room_and_recovers_by_itself() {
    // SQLite's own size limit (max_page_count) at 2 MiB: a 3 MiB push fails
    // in the database, as on a full disk, before the relay's watch on the
    // quota could refuse it.
    let relay = RelayProcess::start(&[
        ("TANDEM_MAX_STORED_BYTES", "2097152"),
        ("TANDEM_MAX_PUSHES_PER_SECOND", "1000"),
        // The quota is under test, not the disk this test runs on.
        ("TANDEM_MIN_FREE_DISK_BYTES", "0"),
    ])
    .await;
    let addr = relay.addr;
    let (invite, other_room) = (
        Invite::new_room().expect("randomness"),
        Invite::new_room().expect("randomness"),
    );
    let mut pusher = join(addr, &invite).await;
    let mut anna = join(addr, &invite).await;
    let mut ben = join(addr, &invite).await;
    let mut elsewhere = join(addr, &other_room).await;
    let small = |byte: u8| vec![byte; SEAL_OVERHEAD + 100];
    assert_eq!(push(&mut pusher, small(1)).await, Ok(1));

    assert_eq!(
        push(&mut pusher, vec![2; 3 * 1024 * 1024]).await,
        Err(ErrorCode::Storage)
    );
    for listener in [&mut anna, &mut ben] {
        let frames = until_closed_frames(listener).await;
        assert!(
            matches!(
                frames.as_slice(),
                [
                    Frame::Deliver { sequence: 1, .. },
                    Frame::Error {
                        code: ErrorCode::Storage,
                        ..
                    }
                ]
            ),
            "every client of the room hears of the failure, got {frames:?}"
        );
    }
    // Another room's clients are not disturbed.
    assert_eq!(push(&mut elsewhere, small(9)).await, Ok(1));

    // Without a restart: the room opens, holds what was acknowledged, and
    // takes pushes that fit under the next sequence.
    let (mut again, replayed) = rejoin(addr, &invite, 0).await;
    assert!(
        matches!(replayed.as_slice(), [Frame::Deliver { sequence: 1, blob }] if *blob == small(1)),
        "the room holds exactly what was acknowledged, got {} frames",
        replayed.len()
    );
    assert_eq!(push(&mut again, small(3)).await, Ok(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn below_the_free_disk_watermark_pushes_are_refused_and_rooms_open() {
    let relay =
        RelayProcess::start(&[("TANDEM_MIN_FREE_DISK_BYTES", "18446744073709551615")]).await;
    let invite = Invite::new_room().expect("randomness");
    let mut socket = join(relay.addr, &invite).await;
    let started = Instant::now();
    loop {
        match push(&mut socket, vec![1; SEAL_OVERHEAD + 10]).await {
            Err(ErrorCode::RelayFull) => break,
            other => {
                // Before the relay's first look at the disk.
                assert!(
                    started.elapsed() < PATIENCE,
                    "a push was answered {other:?} on a disk below the watermark"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
                socket = rejoin(relay.addr, &invite, u64::MAX).await.0;
            }
        }
    }
    let (_again, _) = rejoin(relay.addr, &invite, 0).await;
}
