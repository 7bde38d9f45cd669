//! Devices that run the real sync client against a relay: one driven
//! step by step by a test, and one that pushes on its own until told to
//! stop, keeping a ledger of what was acknowledged and received.

use std::collections::{BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{ClientEvent, Invite, SyncClient};
use tokio_tungstenite::tungstenite::Message;

use super::wire::{next_message, socket, Socket};

/// A coordinator's browser: the sync state machine over a real socket.
pub(crate) struct Device {
    pub client: SyncClient,
    pub socket: Socket,
    /// Events that arrived while the device waited for something else
    /// (another device's push while waiting for an acknowledgement).
    early: VecDeque<ClientEvent>,
}

impl Device {
    /// Connects and reads until the relay says the device is in sync;
    /// returns the changes it brought.
    pub(crate) async fn join(
        addr: SocketAddr,
        invite: &Invite,
        last_seen: u64,
    ) -> (Self, Vec<Vec<u8>>) {
        let mut device = Self {
            client: SyncClient::new(invite.clone(), last_seen),
            socket: socket(addr).await,
            early: VecDeque::new(),
        };
        device.client.connect().expect("a hello fits");
        device.flush().await;
        let mut changes = Vec::new();
        loop {
            match device.event().await {
                ClientEvent::Changes { changes: c, .. } => changes.push(c),
                ClientEvent::UpToDate { .. } => return (device, changes),
                other => panic!("while catching up: {other:?}"),
            }
        }
    }

    /// A device whose client was used offline: connects it and sends its
    /// hello and what it has pending, without reading.
    pub(crate) async fn reconnect(addr: SocketAddr, client: SyncClient) -> Self {
        let mut device = Self {
            client,
            socket: socket(addr).await,
            early: VecDeque::new(),
        };
        device.client.connect().expect("a hello fits");
        device.flush().await;
        device
    }

    pub(crate) async fn flush(&mut self) {
        while let Some(bytes) = self.client.poll_transmit() {
            self.socket
                .send(Message::Binary(bytes.into()))
                .await
                .expect("the relay takes the frame");
        }
    }

    /// Pushes `changes` and waits for the acknowledgement; returns its
    /// sequence. Other devices' changes that arrive meanwhile are kept
    /// for the next [`Device::event`].
    pub(crate) async fn push(&mut self, changes: &[u8]) -> u64 {
        self.client.push(changes).expect("a push fits");
        self.flush().await;
        loop {
            match self.received().await {
                ClientEvent::Acknowledged { sequence, .. } => return sequence,
                event @ ClientEvent::Changes { .. } => self.early.push_back(event),
                other => panic!("expected an acknowledgement, got {other:?}"),
            }
        }
    }

    /// The next event that brings something new.
    pub(crate) async fn event(&mut self) -> ClientEvent {
        match self.early.pop_front() {
            Some(event) => event,
            None => self.received().await,
        }
    }

    async fn received(&mut self) -> ClientEvent {
        loop {
            let Some(Message::Binary(bytes)) = next_message(&mut self.socket).await else {
                panic!("the connection closed");
            };
            if let Some(event) = self
                .client
                .receive(&bytes)
                .expect("a frame the client can use")
            {
                return event;
            }
        }
    }

    pub(crate) async fn expect_changes(&mut self) -> (u64, Vec<u8>) {
        match self.event().await {
            ClientEvent::Changes { sequence, changes } => (sequence, changes),
            other => panic!("expected changes, got {other:?}"),
        }
    }

    pub(crate) async fn expect_quiet(&mut self) {
        assert!(
            self.early.is_empty(),
            "expected nothing, got {:?}",
            self.early
        );
        let wait = tokio::time::timeout(Duration::from_millis(200), self.socket.next()).await;
        assert!(wait.is_err(), "expected nothing, got {wait:?}");
    }

    pub(crate) async fn leave(mut self) -> u64 {
        self.socket.close(None).await.ok();
        self.client.disconnected();
        self.client.last_seen()
    }
}

/// What the pushing devices learned, for the checks at the end.
#[derive(Default)]
pub(crate) struct Ledger {
    /// Every acknowledged push: its payload and sequence.
    pub acknowledged: Vec<(Vec<u8>, u64)>,
    /// What each device received from the others.
    pub received: Vec<BTreeSet<Vec<u8>>>,
    pub reconnects: u64,
}

/// One device that pushes while `pushing`, starts on relay
/// `index % relays.len()` and, whenever its connection breaks, reconnects
/// to the next relay that answers; it stops once `finishing` is set, its
/// pushes are acknowledged and nothing has arrived for a while.
pub(crate) async fn pushing_device(
    index: usize,
    relays: Vec<SocketAddr>,
    invite: Invite,
    ledger: Arc<Mutex<Ledger>>,
    pushing: Arc<AtomicBool>,
    finishing: Arc<AtomicBool>,
) {
    let mut client = SyncClient::new(invite, 0);
    let mut waiting: VecDeque<Vec<u8>> = VecDeque::new();
    let mut counter = 0u64;
    let mut quiet_since = Instant::now();
    let mut choice = index % relays.len();
    loop {
        let socket = tokio::time::timeout(
            Duration::from_secs(2),
            tokio_tungstenite::connect_async(format!("ws://{}/sync", relays[choice])),
        )
        .await;
        let Ok(Ok((mut socket, _))) = socket else {
            choice = (choice + 1) % relays.len();
            tokio::time::sleep(Duration::from_millis(30)).await;
            continue;
        };
        client.connect().expect("a hello fits");
        let mut open = true;
        while open {
            while let Some(bytes) = client.poll_transmit() {
                if socket.send(Message::Binary(bytes.into())).await.is_err() {
                    open = false;
                    break;
                }
            }
            if !open {
                break;
            }
            if finishing.load(Ordering::SeqCst)
                && client.pending() == 0
                && client.is_up_to_date()
                && quiet_since.elapsed() > Duration::from_millis(800)
            {
                socket.close(None).await.ok();
                return;
            }
            let wait = Duration::from_millis(if pushing.load(Ordering::SeqCst) {
                15
            } else {
                100
            });
            match tokio::time::timeout(wait, socket.next()).await {
                Err(_) => {
                    if pushing.load(Ordering::SeqCst) {
                        counter += 1;
                        let payload = format!("device {index} edit {counter}").into_bytes();
                        client.push(&payload).expect("a push fits");
                        waiting.push_back(payload);
                    }
                }
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    quiet_since = Instant::now();
                    match client.receive(&bytes) {
                        Ok(Some(ClientEvent::Acknowledged { sequence, .. })) => {
                            let payload = waiting.pop_front().expect("an ack for a push");
                            ledger
                                .lock()
                                .expect("the ledger")
                                .acknowledged
                                .push((payload, sequence));
                        }
                        Ok(Some(ClientEvent::Changes { changes, .. })) => {
                            ledger.lock().expect("the ledger").received[index].insert(changes);
                        }
                        Ok(Some(ClientEvent::Refused { code, message })) => {
                            panic!("device {index} was refused: {code}: {message}")
                        }
                        Ok(_) => {}
                        Err(error) => panic!("device {index} got a frame it cannot use: {error}"),
                    }
                }
                Ok(Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)))) => {}
                Ok(Some(Ok(Message::Text(_)))) => panic!("the relay sent text"),
                Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => open = false,
            }
        }
        client.disconnected();
        choice = (choice + 1) % relays.len();
        ledger.lock().expect("the ledger").reconnects += 1;
    }
}
