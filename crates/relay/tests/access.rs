//! Who may read and write a programme, enforced by the relay (protocol 2),
//! with real WebSocket clients: a programme's admin device, partners'
//! devices that are invited, introduce themselves and are approved, one that
//! is removed, and strangers. Each test is an attack the relay must refuse,
//! or a promise it must keep (the threat model in `tandem_sync::access`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tandem_relay::{app, Limits, RelayConfig, RelayState, SqliteStore};
use tandem_sync::access::{
    device_hello_message, BlobKind, Change, DeviceId, DeviceIdentity, DeviceKeys, EpochKey,
    Invitation, Role, Roster, Rotation, SignedBlob, SignedEntry, INVITATION_LIFETIME,
};
use tandem_sync::{ErrorCode, Frame, Invite, RoomId, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PATIENCE: Duration = Duration::from_secs(5);

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

struct Database(PathBuf);

impl Database {
    fn new(name: &str) -> Self {
        Self(std::env::temp_dir().join(format!(
            "tandem-relay-access-{name}-{}.sqlite3",
            std::process::id()
        )))
    }

    /// Every byte of the database and its write-ahead log.
    fn bytes(&self) -> Vec<u8> {
        ["", "-wal"]
            .iter()
            .flat_map(|suffix| {
                std::fs::read(format!("{}{suffix}", self.0.display())).unwrap_or_default()
            })
            .collect()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // Every shard of the database, with its write-ahead log.
        for file in tandem_relay::store::database_files(&self.0) {
            std::fs::remove_file(file).ok();
        }
    }
}

async fn start(db: &Database) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = RelayState::new(
        SqliteStore::open(&db.0).unwrap(),
        RelayConfig {
            static_dir: None,
            limits: Limits::default(),
            ..RelayConfig::default()
        },
    );
    tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });
    addr
}

/// One WebSocket, keeping every byte it received (what a device stores
/// of the wire, at most).
struct Connection {
    socket: Socket,
    received: Vec<Vec<u8>>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
            .await
            .unwrap();
        Self {
            socket,
            received: Vec::new(),
        }
    }

    async fn send(&mut self, frame: Frame) {
        let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
        self.socket
            .send(Message::Binary(bytes.into()))
            .await
            .unwrap();
    }

    /// The next frame; `None` once the relay has closed.
    async fn next(&mut self) -> Option<Frame> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the relay answers in time");
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    self.received.push(bytes.to_vec());
                    return Some(Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap());
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                _ => return None,
            }
        }
    }

    /// Reads until a frame `wanted` picks, returning the frames before it.
    async fn until(&mut self, mut wanted: impl FnMut(&Frame) -> bool) -> (Vec<Frame>, Frame) {
        let mut before = Vec::new();
        loop {
            let frame = self.next().await.expect("the connection stays open");
            if wanted(&frame) {
                return (before, frame);
            }
            before.push(frame);
        }
    }

    /// Reads until the relay refuses; the frames before and the code.
    async fn refusal(&mut self) -> (Vec<Frame>, ErrorCode) {
        let mut before = Vec::new();
        loop {
            match self.next().await {
                Some(Frame::Error { code, .. }) => return (before, code),
                Some(frame) => before.push(frame),
                None => panic!("closed without a refusal, after {before:?}"),
            }
        }
    }
}

/// A device with its identity, its view of the member list, and the epoch
/// keys it holds.
struct Device {
    identity: DeviceIdentity,
    room: RoomId,
    roster: Roster,
    keys: Vec<EpochKey>,
    counter: u64,
}

impl Device {
    fn new(room: RoomId) -> Self {
        Self {
            identity: DeviceIdentity::generate().unwrap(),
            room,
            roster: Roster::new(room),
            keys: Vec::new(),
            counter: 0,
        }
    }

    fn id(&self) -> DeviceId {
        self.identity.id()
    }

    fn keys(&self) -> DeviceKeys {
        self.identity.keys()
    }

    fn key(&self) -> &EpochKey {
        self.keys.last().expect("an epoch key")
    }

    /// Signs `change` as the next entry of the list this device knows.
    fn entry(&self, change: Change) -> (u64, Vec<u8>) {
        let entry = self.roster.next(self.id(), now(), change);
        let position = entry.position;
        (
            position,
            SignedEntry::sign(&self.identity, &entry).unwrap().encode(),
        )
    }

    /// Takes in an entry the relay sent, and any key wrapped for this device.
    fn learn(&mut self, entry: &[u8]) {
        let checked = self.roster.apply(entry, None).unwrap();
        let wrap = match checked.change {
            Change::Genesis { wrap, .. }
            | Change::Approve { wrap, .. }
            | Change::Carry { wrap, .. } => Some(wrap),
            Change::Remove { rotation, .. } | Change::Rotate { rotation } => rotation
                .wraps
                .into_iter()
                .find(|wrap| wrap.device == self.id()),
            _ => None,
        };
        if let Some(wrap) = wrap.filter(|wrap| wrap.device == self.id()) {
            let epoch = self.roster.epoch();
            if let Ok(key) = EpochKey::unwrap(&self.room, epoch, &self.identity, &wrap) {
                self.keys.push(key);
            }
        }
    }

    fn hello(&self, after: u64) -> Frame {
        let time = now();
        Frame::DeviceHello {
            protocol: PROTOCOL_VERSION,
            room: self.room,
            device: self.id(),
            after,
            time,
            signature: self.identity.sign(&device_hello_message(
                &self.room,
                &self.id(),
                after,
                time,
            )),
        }
    }

    /// Connects with a device hello and reads the member list and the
    /// room up to `Synced`.
    async fn connect(&mut self, addr: SocketAddr) -> (Connection, Vec<Frame>) {
        let mut connection = Connection::open(addr).await;
        connection.send(self.hello(0)).await;
        let (before, _synced) = connection
            .until(|frame| matches!(frame, Frame::Synced { .. }))
            .await;
        let mut content = Vec::new();
        for frame in before {
            match frame {
                Frame::Access { position, entry } if position >= self.roster.len() => {
                    self.learn(&entry)
                }
                Frame::Access { .. } => {}
                other => content.push(other),
            }
        }
        (connection, content)
    }

    fn blob(&mut self, kind: BlobKind, counter: Option<u64>, text: &[u8]) -> Vec<u8> {
        self.counter += 1;
        let counter = counter.unwrap_or(self.counter);
        SignedBlob::seal(&self.identity, self.key(), &self.room, kind, counter, text)
            .unwrap()
            .encode()
    }

    /// Appends `change` over `connection` and waits for its
    /// acknowledgement (taking in the entry).
    async fn append(&mut self, connection: &mut Connection, change: Change) {
        let (position, entry) = self.entry(change);
        connection.send(Frame::Access { position, entry }).await;
        let (before, _) = connection
            .until(|frame| matches!(frame, Frame::Ack { sequence } if *sequence == position))
            .await;
        for frame in before {
            if let Frame::Access { position, entry } = frame {
                if position >= self.roster.len() {
                    self.learn(&entry);
                }
            }
        }
        assert_eq!(
            self.roster.len(),
            position + 1,
            "the relay sent the entry back"
        );
    }

    /// Reads entries from `connection` until the list has `length` entries.
    async fn catch_up(&mut self, connection: &mut Connection, length: u64) {
        while self.roster.len() < length {
            let (_, frame) = connection
                .until(|frame| matches!(frame, Frame::Access { .. }))
                .await;
            if let Frame::Access { position, entry } = frame {
                if position >= self.roster.len() {
                    self.learn(&entry);
                }
            }
        }
    }
}

/// A programme on a relay: its admin device, connected.
struct Programme {
    addr: SocketAddr,
    invite: Invite,
    admin: Device,
    admin_connection: Connection,
}

impl Programme {
    /// The sharer opens the room with a room token (protocol 1), lays down
    /// the genesis of its member list, and comes back as a device.
    async fn start(addr: SocketAddr) -> Self {
        let invite = Invite::new_room().unwrap();
        let mut admin = Device::new(invite.room);
        let key = EpochKey::random(0).unwrap();
        let genesis = Change::Genesis {
            keys: admin.keys(),
            profile: key
                .seal_profile(&invite.room, &admin.id(), b"Petra Probe, Duesseldorf")
                .unwrap(),
            wrap: key.wrap_for(&invite.room, &admin.keys()).unwrap(),
        };
        let mut opener = Connection::open(addr).await;
        opener
            .send(Frame::Hello {
                protocol: PROTOCOL_VERSION,
                room: invite.room,
                token: invite.access_token(),
                after: 0,
            })
            .await;
        opener
            .until(|frame| matches!(frame, Frame::Synced { .. }))
            .await;
        let (position, entry) = admin.entry(genesis);
        opener.send(Frame::Access { position, entry }).await;
        let (_, ack) = opener
            .until(|frame| matches!(frame, Frame::Ack { .. }))
            .await;
        assert_eq!(ack, Frame::Ack { sequence: 0 });
        // The room token's own connection is closed: it is no device.
        let (_, code) = opener.refusal().await;
        assert_eq!(code, ErrorCode::NotMember);
        let (admin_connection, _) = admin.connect(addr).await;
        assert_eq!(admin.keys.first(), Some(&key));
        Self {
            addr,
            invite,
            admin,
            admin_connection,
        }
    }

    fn room(&self) -> RoomId {
        self.invite.room
    }

    /// The admin announces an invitation that expires at `expires`.
    async fn invite(&mut self, issued: u64, lifetime: u64) -> Invitation {
        let invitation = Invitation::new(&self.admin.roster, issued, lifetime).unwrap();
        self.admin
            .append(&mut self.admin_connection, invitation.announcement())
            .await;
        invitation
    }

    /// A new device shows `invitation`, reads the member list, and
    /// introduces itself: its connection, waiting, or the relay's refusal.
    async fn introduce(
        &self,
        device: &mut Device,
        invitation: &Invitation,
    ) -> Result<Connection, ErrorCode> {
        let mut connection = Connection::open(self.addr).await;
        connection
            .send(Frame::Introduce {
                protocol: PROTOCOL_VERSION,
                room: self.room(),
                invitation: invitation.id,
                proof: invitation.proof(),
            })
            .await;
        device.roster = Roster::new(self.room());
        loop {
            match connection.next().await {
                Some(Frame::Access { position, entry }) if position >= device.roster.len() => {
                    device.learn(&entry)
                }
                Some(Frame::Synced { .. }) => break,
                Some(Frame::Error { code, .. }) => return Err(code),
                other => panic!("{other:?}"),
            }
        }
        // Join by link never joins another programme than the link names.
        assert_eq!(device.roster.genesis(), Some(invitation.genesis));
        let change = invitation
            .introduction(&device.identity, b"Karla Koeln, Stadt Koeln, Laptop")
            .unwrap();
        let (position, entry) = device.entry(change);
        connection.send(Frame::Access { position, entry }).await;
        loop {
            match connection.next().await {
                Some(Frame::Access { position, entry }) if position >= device.roster.len() => {
                    device.learn(&entry)
                }
                Some(Frame::Ack { sequence }) => {
                    assert_eq!(sequence, position);
                    break;
                }
                Some(Frame::Error { code, .. }) => return Err(code),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(device.roster.len(), position + 1);
        Ok(connection)
    }

    /// Invites, introduces and approves a new device with `role`; returns
    /// it with its live connection.
    async fn join(&mut self, role: Role) -> (Device, Connection) {
        let invitation = self.invite(now(), INVITATION_LIFETIME).await;
        let mut device = Device::new(self.room());
        let mut connection = self.introduce(&mut device, &invitation).await.unwrap();
        let length = device.roster.len();
        self.admin
            .catch_up(&mut self.admin_connection, length)
            .await;
        let approval = Change::Approve {
            device: device.id(),
            role,
            profile: self
                .admin
                .key()
                .seal_profile(&self.room(), &device.id(), b"Karla Koeln")
                .unwrap(),
            wrap: self
                .admin
                .key()
                .wrap_for(&self.room(), &device.keys())
                .unwrap(),
        };
        self.admin
            .append(&mut self.admin_connection, approval)
            .await;
        device.catch_up(&mut connection, length + 1).await;
        connection
            .until(|frame| matches!(frame, Frame::Synced { .. }))
            .await;
        assert_eq!(device.key(), self.admin.key());
        (device, connection)
    }

    /// The admin removes `device`, starting the next epoch for the others.
    async fn remove(&mut self, device: DeviceId) -> EpochKey {
        let next = EpochKey::random(self.admin.roster.epoch() + 1).unwrap();
        let remaining: Vec<DeviceKeys> = self
            .admin
            .roster
            .current()
            .map(|member| member.keys)
            .filter(|keys| keys.signing != device)
            .collect();
        let rotation = Rotation::new(&self.room(), self.admin.key(), &next, &remaining).unwrap();
        self.admin
            .append(
                &mut self.admin_connection,
                Change::Remove { device, rotation },
            )
            .await;
        assert_eq!(self.admin.key(), &next);
        next
    }

    /// Pushes `text` as the admin and waits for the acknowledgement.
    async fn admin_push(&mut self, text: &[u8]) {
        let blob = self.admin.blob(BlobKind::Change, None, text);
        self.admin_connection.send(Frame::Push { blob }).await;
        let (before, _) = self
            .admin_connection
            .until(|frame| matches!(frame, Frame::Ack { .. }))
            .await;
        for frame in before {
            if let Frame::Access { position, entry } = frame {
                if position >= self.admin.roster.len() {
                    self.admin.learn(&entry);
                }
            }
        }
    }
}

async fn push(connection: &mut Connection, blob: Vec<u8>) -> Result<u64, ErrorCode> {
    connection.send(Frame::Push { blob }).await;
    loop {
        match connection.next().await {
            Some(Frame::Ack { sequence }) => return Ok(sequence),
            Some(Frame::Error { code, .. }) => return Err(code),
            Some(_) => continue,
            None => panic!("closed without an answer"),
        }
    }
}

#[tokio::test]
async fn a_room_token_opens_nothing_once_the_room_has_a_member_list() {
    let db = Database::new("token");
    let addr = start(&db).await;
    let programme = Programme::start(addr).await;
    let mut old_link = Connection::open(addr).await;
    old_link
        .send(Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: programme.room(),
            token: programme.invite.access_token(),
            after: 0,
        })
        .await;
    let (before, code) = old_link.refusal().await;
    assert_eq!(code, ErrorCode::NotMember);
    assert!(before.is_empty(), "{before:?}");
}

#[tokio::test]
async fn an_approved_device_reads_what_was_pushed_before_and_a_waiting_one_nothing() {
    let db = Database::new("join");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    programme.admin_push(b"Mentee Jolanda").await;
    let invitation = programme.invite(now(), INVITATION_LIFETIME).await;
    let mut karla = Device::new(programme.room());
    let mut waiting = programme.introduce(&mut karla, &invitation).await.unwrap();
    // Waiting: a hello of Karla's device is admitted, but hears no content.
    let mut again = Connection::open(addr).await;
    again.send(karla.hello(0)).await;
    programme.admin_push(b"Mentor Otto").await;
    let length = karla.roster.len();
    programme
        .admin
        .catch_up(&mut programme.admin_connection, length)
        .await;
    let approval = Change::Approve {
        device: karla.id(),
        role: Role::Coordinator,
        profile: Vec::new(),
        wrap: programme
            .admin
            .key()
            .wrap_for(&programme.room(), &karla.keys())
            .unwrap(),
    };
    programme
        .admin
        .append(&mut programme.admin_connection, approval)
        .await;
    for connection in [&mut waiting, &mut again] {
        let (before, _) = connection
            .until(|frame| matches!(frame, Frame::Access { position, .. } if *position == length))
            .await;
        assert!(
            before
                .iter()
                .all(|frame| matches!(frame, Frame::Access { .. } | Frame::Ack { .. })),
            "content before approval: {before:?}"
        );
        let (content, _) = connection
            .until(|frame| matches!(frame, Frame::Synced { .. }))
            .await;
        assert_eq!(content.len(), 2, "{content:?}");
    }
    let (_, content) = karla.connect(addr).await;
    let texts: Vec<Vec<u8>> = content
        .iter()
        .map(|frame| {
            let Frame::Deliver { blob, .. } = frame else {
                panic!("{frame:?}")
            };
            let blob = SignedBlob::decode(blob).unwrap();
            karla.roster.check_blob(&blob, false).unwrap();
            blob.open(karla.key(), &karla.room).unwrap()
        })
        .collect();
    assert_eq!(texts, [b"Mentee Jolanda".to_vec(), b"Mentor Otto".to_vec()]);
}

#[tokio::test]
async fn an_invitation_used_twice_is_refused() {
    let db = Database::new("twice");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    let invitation = programme.invite(now(), INVITATION_LIFETIME).await;
    let mut karla = Device::new(programme.room());
    let _waiting = programme.introduce(&mut karla, &invitation).await.unwrap();
    let length = karla.roster.len();
    programme
        .admin
        .catch_up(&mut programme.admin_connection, length)
        .await;
    // Someone else with the same (now used) link.
    let mut intruder = Device::new(programme.room());
    assert_eq!(
        programme.introduce(&mut intruder, &invitation).await.err(),
        Some(ErrorCode::AccessRefused)
    );
    // The same device again, too.
    let mut twice = Device::new(programme.room());
    twice.identity = karla.identity.clone();
    assert_eq!(
        programme.introduce(&mut twice, &invitation).await.err(),
        Some(ErrorCode::AccessRefused)
    );
    // The intruder is no one to the relay.
    let mut connection = Connection::open(addr).await;
    connection.send(intruder.hello(0)).await;
    assert_eq!(connection.refusal().await.1, ErrorCode::NotMember);
}

#[tokio::test]
async fn an_invitation_after_its_expiry_is_refused() {
    let db = Database::new("expired");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    // Issued three days ago for the default 48 hours.
    let invitation = programme
        .invite(now() - 3 * 24 * 60 * 60, INVITATION_LIFETIME)
        .await;
    let mut karla = Device::new(programme.room());
    assert_eq!(
        programme.introduce(&mut karla, &invitation).await.err(),
        Some(ErrorCode::AccessRefused)
    );
}

#[tokio::test]
async fn a_removed_device_is_refused_and_hears_nothing_new() {
    let db = Database::new("removed");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    let (mut karla, mut karla_connection) = programme.join(Role::Coordinator).await;
    let (mut otto, mut otto_connection) = programme.join(Role::Coordinator).await;
    karla
        .catch_up(&mut karla_connection, otto.roster.len())
        .await;
    // Before: Karla's change reaches Otto.
    let blob = karla.blob(BlobKind::Change, None, b"before");
    let before = push(&mut karla_connection, blob).await.unwrap();
    otto_connection
        .until(|frame| matches!(frame, Frame::Deliver { sequence, .. } if *sequence == before))
        .await;
    // Karla's signed change made now, to try after her removal.
    let late_blob = karla.blob(BlobKind::Change, None, b"after removal");

    programme.remove(karla.id()).await;
    otto.catch_up(&mut otto_connection, programme.admin.roster.len())
        .await;
    let blob = otto.blob(BlobKind::Change, None, b"Termin 12. Mai");
    let after = push(&mut otto_connection, blob).await.unwrap();

    // Karla's open connection was closed at her removal, with nothing
    // pushed after it.
    let (frames, code) = karla_connection.refusal().await;
    assert_eq!(code, ErrorCode::NotMember);
    assert!(
        !frames
            .iter()
            .any(|frame| matches!(frame, Frame::Deliver { sequence, .. } if *sequence >= after)),
        "{frames:?}"
    );
    // Her hello is refused.
    let mut hello = Connection::open(addr).await;
    hello.send(karla.hello(0)).await;
    let (frames, code) = hello.refusal().await;
    assert_eq!(code, ErrorCode::NotMember);
    assert!(frames.is_empty(), "{frames:?}");
    // Her signature is refused, also through a member's connection.
    assert_eq!(
        push(&mut otto_connection, late_blob).await,
        Err(ErrorCode::BadSignature)
    );
    // And her old room key never was a way in: she had none.
    assert_eq!(
        programme
            .admin
            .roster
            .member(&karla.id())
            .unwrap()
            .removed
            .map(|r| r.epoch),
        Some(1)
    );
}

#[tokio::test]
async fn a_declined_device_is_closed_out_and_only_an_admin_declines() {
    let db = Database::new("declined");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    programme.admin_push(b"Mentee Jolanda").await;
    let (mut otto, mut otto_connection) = programme.join(Role::Coordinator).await;
    let invitation = programme.invite(now(), INVITATION_LIFETIME).await;
    let mut stranger = Device::new(programme.room());
    let mut waiting = programme
        .introduce(&mut stranger, &invitation)
        .await
        .unwrap();
    let length = stranger.roster.len();
    programme
        .admin
        .catch_up(&mut programme.admin_connection, length)
        .await;
    otto.catch_up(&mut otto_connection, length).await;
    // A coordinator's decline is refused by the relay.
    let (position, entry) = otto.entry(Change::Decline {
        device: stranger.id(),
    });
    otto_connection
        .send(Frame::Access { position, entry })
        .await;
    assert_eq!(otto_connection.refusal().await.1, ErrorCode::NeedsAdmin);
    // The admin's is stored; the waiting connection is closed with it,
    // having heard no content.
    programme
        .admin
        .append(
            &mut programme.admin_connection,
            Change::Decline {
                device: stranger.id(),
            },
        )
        .await;
    let (frames, code) = waiting.refusal().await;
    assert_eq!(code, ErrorCode::Declined);
    assert!(
        frames
            .iter()
            .all(|frame| matches!(frame, Frame::Access { .. } | Frame::Ack { .. })),
        "{frames:?}"
    );
    // Its hello is refused as declined, before anything is sent.
    let mut hello = Connection::open(addr).await;
    hello.send(stranger.hello(0)).await;
    let (frames, code) = hello.refusal().await;
    assert_eq!(code, ErrorCode::Declined);
    assert!(frames.is_empty(), "{frames:?}");
    // An approval after the decline is refused.
    let approval = Change::Approve {
        device: stranger.id(),
        role: Role::Coordinator,
        profile: Vec::new(),
        wrap: programme
            .admin
            .key()
            .wrap_for(&programme.room(), &stranger.keys())
            .unwrap(),
    };
    let (position, entry) = programme.admin.entry(approval);
    programme
        .admin_connection
        .send(Frame::Access { position, entry })
        .await;
    assert_eq!(
        programme.admin_connection.refusal().await.1,
        ErrorCode::AccessRefused
    );
}

#[tokio::test]
async fn two_admins_rotating_after_a_leave_the_second_is_told_to_read_the_list() {
    let db = Database::new("rotate");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    let (mut anna, mut anna_connection) = programme.join(Role::Admin).await;
    let (mut karla, mut karla_connection) = programme.join(Role::Coordinator).await;
    let length = programme.admin.roster.len();
    anna.catch_up(&mut anna_connection, length).await;
    karla.catch_up(&mut karla_connection, length).await;
    karla.append(&mut karla_connection, Change::Leave).await;
    for (device, connection) in [
        (&mut programme.admin, &mut programme.admin_connection),
        (&mut anna, &mut anna_connection),
    ] {
        device.catch_up(connection, length + 1).await;
        assert!(device.roster.rotation_due());
    }
    // Both admins start the next epoch from the same list.
    let rotation_for = |device: &Device| {
        let next = EpochKey::random(device.roster.epoch() + 1).unwrap();
        let remaining: Vec<DeviceKeys> = device.roster.current().map(|m| m.keys).collect();
        Rotation::new(&device.room, device.key(), &next, &remaining).unwrap()
    };
    let first = rotation_for(&programme.admin);
    let second = rotation_for(&anna);
    programme
        .admin
        .append(
            &mut programme.admin_connection,
            Change::Rotate { rotation: first },
        )
        .await;
    let (position, entry) = anna.entry(Change::Rotate { rotation: second });
    anna_connection
        .send(Frame::Access { position, entry })
        .await;
    // The second is refused as made against an older list: a refusal
    // the device lifts by reading the list again, not a dead end.
    let code = loop {
        match anna_connection.next().await {
            Some(Frame::Error { code, .. }) => break code,
            Some(_) => continue,
            None => panic!("closed without an answer"),
        }
    };
    assert_eq!(code, ErrorCode::StaleEpoch);
    assert!(code.is_temporary());
    let (_, _) = anna.connect(addr).await;
    assert!(!anna.roster.rotation_due());
    assert_eq!(anna.roster.epoch(), 1);
    assert_eq!(anna.key(), programme.admin.key());
}

#[tokio::test]
async fn a_device_carried_into_a_new_generation_is_admitted_and_only_an_admin_carries() {
    let db = Database::new("carried");
    let addr = start(&db).await;
    // The next generation's room, founded by the admin device.
    let mut programme = Programme::start(addr).await;
    let (mut otto, mut otto_connection) = programme.join(Role::Coordinator).await;
    programme.admin_push(b"next generation").await;
    let mut karla = Device::new(programme.room());
    let carry = |admin: &Device, keys: &DeviceKeys| Change::Carry {
        keys: *keys,
        role: Role::Coordinator,
        profile: admin
            .key()
            .seal_profile(&admin.room, &keys.signing, b"Karla Koeln")
            .unwrap(),
        wrap: admin.key().wrap_for(&admin.room, keys).unwrap(),
    };
    // Before: Karla's device is no one here.
    let mut early = Connection::open(addr).await;
    early.send(karla.hello(0)).await;
    assert_eq!(early.refusal().await.1, ErrorCode::NotMember);
    // A coordinator may not carry a device in.
    otto.catch_up(&mut otto_connection, programme.admin.roster.len())
        .await;
    let (position, entry) = otto.entry(carry(&otto, &karla.keys()));
    otto_connection
        .send(Frame::Access { position, entry })
        .await;
    assert_eq!(otto_connection.refusal().await.1, ErrorCode::NeedsAdmin);
    // The admin's carry admits her device, which reads the room.
    let change = carry(&programme.admin, &karla.keys());
    programme
        .admin
        .append(&mut programme.admin_connection, change)
        .await;
    let (_, content) = karla.connect(addr).await;
    let texts: Vec<Vec<u8>> = content
        .iter()
        .filter_map(|frame| match frame {
            Frame::Deliver { blob, .. } => Some(blob),
            _ => None,
        })
        .map(|blob| {
            let blob = SignedBlob::decode(blob).unwrap();
            karla.roster.check_blob(&blob, false).unwrap();
            blob.open(karla.key(), &karla.room).unwrap()
        })
        .collect();
    assert_eq!(texts, [b"next generation".to_vec()]);
}

#[tokio::test]
async fn a_change_signed_by_a_non_member_or_with_a_bad_signature_is_refused() {
    let db = Database::new("forged");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    let (mut karla, mut connection) = programme.join(Role::Coordinator).await;

    // A stranger holding the epoch key (say, from a stolen backup) signs a
    // change: no hello, and not through Karla's connection either.
    let mut stranger = Device::new(programme.room());
    stranger.keys.push(karla.key().clone());
    let mut hello = Connection::open(addr).await;
    hello.send(stranger.hello(0)).await;
    assert_eq!(hello.refusal().await.1, ErrorCode::NotMember);
    let foreign = stranger.blob(BlobKind::Change, None, b"forged");
    assert_eq!(
        push(&mut connection, foreign.clone()).await,
        Err(ErrorCode::BadSignature)
    );

    // Karla's own change with its signature bent.
    let (mut karla_connection, _) = karla.connect(addr).await;
    let mut bent = SignedBlob::decode(&karla.blob(BlobKind::Change, None, b"x")).unwrap();
    bent.signature.0[0] ^= 1;
    assert_eq!(
        push(&mut karla_connection, bent.encode()).await,
        Err(ErrorCode::BadSignature)
    );
    // An unsigned (protocol 1) blob from a member device.
    let (mut karla_connection, _) = karla.connect(addr).await;
    let plain = programme
        .invite
        .key
        .seal(&programme.room(), b"unsigned")
        .unwrap();
    assert_eq!(
        push(&mut karla_connection, plain).await,
        Err(ErrorCode::BadFrame)
    );
    // A partner's browser refuses the same forged blob if a relay passed
    // it on.
    let forged = SignedBlob::decode(&foreign).unwrap();
    assert!(karla.roster.check_blob(&forged, false).is_err());
    // Nothing of it was stored.
    let (_, content) = karla.connect(addr).await;
    assert!(content.is_empty(), "{content:?}");
}

#[tokio::test]
async fn a_retire_or_snapshot_signed_by_a_non_admin_is_refused() {
    let db = Database::new("admin");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    programme.admin_push(b"Mentee Jolanda").await;
    let (mut karla, _) = programme.join(Role::Coordinator).await;

    let (mut connection, _) = karla.connect(addr).await;
    let blob = karla.blob(BlobKind::Snapshot, Some(1), b"a whole other programme");
    connection.send(Frame::Snapshot { through: 1, blob }).await;
    assert_eq!(connection.refusal().await.1, ErrorCode::NeedsAdmin);

    let (mut connection, _) = karla.connect(addr).await;
    let notice = karla.blob(BlobKind::Retire, None, b"go to my room");
    connection.send(Frame::Retire { notice }).await;
    assert_eq!(connection.refusal().await.1, ErrorCode::NeedsAdmin);

    // A change presented as a retirement is refused too.
    let (mut connection, _) = karla.connect(addr).await;
    let notice = karla.blob(BlobKind::Change, None, b"go to my room");
    connection.send(Frame::Retire { notice }).await;
    assert_eq!(connection.refusal().await.1, ErrorCode::BadFrame);

    // Nothing changed for the others: the admin is still connected and
    // the room still holds its change.
    programme.admin_push(b"still here").await;
    let (_, content) = karla.connect(addr).await;
    assert_eq!(content.len(), 2, "{content:?}");

    // The admin may.
    let blob = programme
        .admin
        .blob(BlobKind::Snapshot, Some(2), b"the whole programme");
    programme
        .admin_connection
        .send(Frame::Snapshot { through: 2, blob })
        .await;
    let (_, ack) = programme
        .admin_connection
        .until(|frame| matches!(frame, Frame::Ack { .. }))
        .await;
    assert_eq!(ack, Frame::Ack { sequence: 2 });
}

#[tokio::test]
async fn the_next_epoch_key_is_nowhere_in_what_the_removed_device_stored() {
    let db = Database::new("epoch");
    let addr = start(&db).await;
    let mut programme = Programme::start(addr).await;
    let (mut karla, mut karla_connection) = programme.join(Role::Coordinator).await;
    let (mut otto, mut otto_connection) = programme.join(Role::Coordinator).await;
    karla
        .catch_up(&mut karla_connection, otto.roster.len())
        .await;
    programme.admin_push(b"epoch 0").await;
    let (mut reconnected, _) = karla.connect(addr).await;

    let next = programme.remove(karla.id()).await;
    otto.catch_up(&mut otto_connection, programme.admin.roster.len())
        .await;
    assert_eq!(otto.key(), &next);
    let blob = otto.blob(BlobKind::Change, None, b"epoch 1: Termin 12. Mai");
    push(&mut otto_connection, blob).await.unwrap();
    // Karla's connections end; whatever reached her is all she has.
    assert_eq!(karla_connection.refusal().await.1, ErrorCode::NotMember);
    assert_eq!(reconnected.refusal().await.1, ErrorCode::NotMember);

    // Everything Karla's device stored: her identity's secrets, her keys,
    // every byte the relay sent to any of her connections.
    let mut stored: Vec<u8> = karla.identity.to_secret_bytes().to_vec();
    for key in &karla.keys {
        stored.extend_from_slice(&key.to_bytes());
    }
    for connection in [&karla_connection, &reconnected] {
        for bytes in &connection.received {
            stored.extend_from_slice(bytes);
        }
    }
    let secret = next.to_bytes();
    for window in [8, 16, 32] {
        assert!(
            !stored
                .windows(window)
                .any(|w| secret.windows(window).any(|s| s == w)),
            "{window} bytes of the next epoch key are in Karla's store"
        );
    }
    // Nor can she open any wrap she was sent, or that the relay stored,
    // for the next epoch; nor does the relay's database hold the key.
    let database = db.bytes();
    assert!(!database.windows(16).any(|w| w == &secret[..16]));
    let mut wraps = 0;
    let mut all = Roster::new(programme.room());
    let mut entries = Vec::new();
    for bytes in &otto_connection.received {
        if let Ok(Frame::Access { entry, .. }) = Frame::decode(bytes, MAX_FRAME_BYTES) {
            entries.push(entry);
        }
    }
    for entry in &entries {
        // Each entry once, in order (the list's, as Otto received it).
        if let Ok(checked) = all.apply(entry, None) {
            if let Change::Remove { rotation, .. } = checked.change {
                for wrap in &rotation.wraps {
                    wraps += 1;
                    assert!(EpochKey::unwrap(&programme.room(), 1, &karla.identity, wrap).is_err());
                }
            }
        }
    }
    assert_eq!(wraps, 2, "the admin's and Otto's");
    // What she held opens the old epoch only.
    assert!(karla.keys.iter().all(|key| key.epoch == 0));
}

/// A browser: the app's sans-IO device client over a real socket.
struct Browser {
    sync: tandem_sync::access::DeviceSync,
    connection: Connection,
}

impl Browser {
    async fn open(addr: SocketAddr, sync: tandem_sync::access::DeviceSync) -> Self {
        Self {
            sync,
            connection: Connection::open(addr).await,
        }
    }

    async fn flush(&mut self) {
        while let Some(bytes) = self.sync.poll_transmit() {
            self.connection
                .socket
                .send(Message::Binary(bytes.into()))
                .await
                .unwrap();
        }
    }

    /// Feeds the relay's frames to the client until `wanted` picks an event
    /// (sending whatever the client has to send meanwhile).
    async fn until(
        &mut self,
        wanted: impl Fn(&tandem_sync::access::DeviceEvent) -> bool,
    ) -> tandem_sync::access::DeviceEvent {
        loop {
            self.flush().await;
            let frame = self
                .connection
                .next()
                .await
                .expect("the connection stays open");
            let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
            if let Some(event) = self.sync.receive(&bytes).unwrap() {
                if wanted(&event) {
                    self.flush().await;
                    return event;
                }
            }
        }
    }
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "one journey of three devices, read in the order it happens"
)]
async fn browsers_join_with_approval_sync_verified_changes_and_a_removed_one_is_refused() {
    use tandem_sync::access::{DeviceEvent, DeviceSync};
    let db = Database::new("browsers");
    let addr = start(&db).await;
    let invite = Invite::new_room().unwrap();
    let room = invite.room;

    // Düsseldorf shares: the genesis over the room token, then as a device.
    let (sync, genesis) = DeviceSync::found(
        room,
        DeviceIdentity::generate().unwrap(),
        b"Petra Probe, Duesseldorf",
        now(),
    )
    .unwrap();
    let mut opener = Connection::open(addr).await;
    opener
        .send(Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room,
            token: invite.access_token(),
            after: 0,
        })
        .await;
    opener
        .until(|frame| matches!(frame, Frame::Synced { .. }))
        .await;
    opener
        .send(Frame::Access {
            position: 0,
            entry: genesis,
        })
        .await;
    assert_eq!(opener.refusal().await.1, ErrorCode::NotMember);
    let mut duesseldorf = Browser::open(addr, sync).await;
    duesseldorf.sync.connect(now()).unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::UpToDate { .. }))
        .await;

    // An invitation, and Köln joins with it.
    let invitation =
        Invitation::new(duesseldorf.sync.roster(), now(), INVITATION_LIFETIME).unwrap();
    duesseldorf
        .sync
        .append(invitation.announcement(), now())
        .unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    let koeln_identity = DeviceIdentity::generate().unwrap();
    let koeln_id = koeln_identity.id();
    let mut koeln = Browser::open(
        addr,
        DeviceSync::resume(room, koeln_identity, None, &[], 0).unwrap(),
    )
    .await;
    koeln
        .sync
        .introduce(&invitation, b"Karla Koeln, Stadt Koeln, Laptop", now())
        .unwrap();
    koeln
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    assert!(koeln.sync.roster().is_pending(&koeln_id));

    // Düsseldorf sees who asks, and approves.
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Members { .. }))
        .await;
    let pending = duesseldorf.sync.roster().pending().next().unwrap().clone();
    assert_eq!(
        pending.keys.fingerprint(),
        koeln
            .sync
            .roster()
            .pending()
            .next()
            .unwrap()
            .keys
            .fingerprint()
    );
    let profile = invitation.open_profile(&pending).unwrap();
    assert_eq!(profile, b"Karla Koeln, Stadt Koeln, Laptop");
    duesseldorf
        .sync
        .approve(koeln_id, Role::Coordinator, &profile, now())
        .unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    koeln
        .until(|event| matches!(event, DeviceEvent::UpToDate { .. }))
        .await;
    assert!(koeln.sync.key().is_some());

    // A third browser with the same (now used) link is refused.
    let mut third = Browser::open(
        addr,
        DeviceSync::resume(room, DeviceIdentity::generate().unwrap(), None, &[], 0).unwrap(),
    )
    .await;
    third
        .sync
        .introduce(&invitation, b"Mallory", now())
        .unwrap();
    let refused = third
        .until(|event| matches!(event, DeviceEvent::Refused { .. }))
        .await;
    assert!(matches!(
        refused,
        DeviceEvent::Refused {
            code: ErrorCode::AccessRefused,
            ..
        }
    ));

    // Düsseldorf's change reaches Köln, verified, with its author.
    duesseldorf.sync.push(b"Mentee Jolanda").unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    let duesseldorf_id = duesseldorf
        .sync
        .roster()
        .current()
        .find(|m| m.role == Role::Admin)
        .unwrap()
        .keys
        .signing;
    let event = koeln
        .until(|event| matches!(event, DeviceEvent::Changes { .. }))
        .await;
    assert!(matches!(
        event,
        DeviceEvent::Changes { ref changes, author, .. }
            if changes == b"Mentee Jolanda" && author == duesseldorf_id
    ));

    // Köln is removed: its connection ends, Düsseldorf's next edit does not
    // reach it, and its own edits are refused with a message.
    duesseldorf.sync.remove(koeln_id, now()).unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    duesseldorf.sync.push(b"Termin 12. Mai").unwrap();
    duesseldorf
        .until(|event| matches!(event, DeviceEvent::Acknowledged { .. }))
        .await;
    let refused = koeln
        .until(|event| {
            matches!(
                event,
                DeviceEvent::Refused { .. } | DeviceEvent::Changes { .. }
            )
        })
        .await;
    assert!(
        matches!(
            refused,
            DeviceEvent::Refused {
                code: ErrorCode::NotMember,
                ..
            }
        ),
        "{refused:?}"
    );
    let mut again = Browser::open(addr, koeln.sync.clone()).await;
    again.sync.connect(now()).unwrap();
    again.sync.push(b"Koeln's late edit").unwrap();
    match again
        .until(|event| {
            matches!(
                event,
                DeviceEvent::Refused { .. } | DeviceEvent::Changes { .. }
            )
        })
        .await
    {
        DeviceEvent::Refused { code, message } => {
            assert_eq!(code, ErrorCode::NotMember);
            assert!(message.contains("removed"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!db.bytes().windows(17).any(|w| w == b"Koeln's late edit"));
}
