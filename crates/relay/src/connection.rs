//! One client's WebSocket, from hello to close.
//!
//! The first frame must be a hello with a token that opens the room (or
//! opens a new room). The relay then replays what the client missed — the
//! snapshot if the client is behind it, the entries after its sequence —
//! and says `Synced`. From then on it appends pushes, acknowledges each
//! after commit, forwards them to the room's other connections, and
//! forwards theirs to this one.
//!
//! Anything wrong — bytes that are not a frame, a frame too large, a frame
//! in the wrong place, pushes too fast — ends in an error frame and a
//! close, for this connection only.
//!
//! A client bounds what it costs the relay: the replay goes out a page
//! from the store at a time, every frame goes out within the send timeout,
//! large frames wait for their share of the relay's budget for them, and a
//! client whose waiting deliveries pass a byte bound is dropped.

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use tandem_sync::access::BlobKind;
use tandem_sync::{
    ErrorCode, Frame, FrameError, RoomId, EXPIRES_SINCE_PROTOCOL, PROTOCOL_VERSION, SEAL_OVERHEAD,
};
use tracing::Instrument;

mod access;
mod failure;
#[cfg(test)]
mod pipelined;
#[cfg(test)]
mod read_only;
mod retire;
#[cfg(test)]
mod testing;

use crate::quota::Full;
use crate::rooms::{ConnectionId, Delivery, LiveRoom, Membership, UNKNOWN_BYTES};
use crate::server::ReadGate;
use crate::store::{Admission, RoomStore, StoreError};
use crate::{Limits, RelayState, SMALL_FRAME_BYTES};

/// Bytes of blobs read from the store at once for a replay.
const REPLAY_PAGE_BYTES: usize = 1024 * 1024;

/// WebSocket close code for a policy violation (RFC 6455).
const CLOSE_POLICY: u16 = 1008;

/// Why the relay ends a connection: sent to the client as an error frame.
#[derive(Debug)]
struct Refusal {
    code: ErrorCode,
    message: String,
    /// The client does not read: the connection is dropped at once, with
    /// what it holds, instead of waiting to tell it why.
    unheard: bool,
    /// The relay is stopping: no error frame, only a close that tells the
    /// client to come back later.
    restarting: bool,
}

impl Refusal {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            unheard: false,
            restarting: false,
        }
    }

    fn restarting() -> Self {
        Self {
            restarting: true,
            ..Self::new(ErrorCode::Other("restarting".into()), "the relay restarts")
        }
    }

    fn unheard(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            unheard: true,
            ..Self::new(code, message)
        }
    }

    fn storage(error: StoreError) -> Self {
        tracing::error!(%error, "room store failed");
        Self::new(
            ErrorCode::Storage,
            "the relay could not store or read the room",
        )
    }
}

impl From<FrameError> for Refusal {
    fn from(error: FrameError) -> Self {
        let code = match error {
            FrameError::TooLarge { .. } => ErrorCode::TooLarge,
            _ => ErrorCode::BadFrame,
        };
        Self::new(code, error.to_string())
    }
}

/// Pushes allowed per second, with a burst of as many.
struct PushBudget {
    per_second: f64,
    tokens: f64,
    refilled: Instant,
}

impl PushBudget {
    fn new(per_second: u32) -> Self {
        let per_second = f64::from(per_second.max(1));
        Self {
            per_second,
            tokens: per_second,
            refilled: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Who is on the other end, as far as the relay's limits care.
#[derive(Debug, Default)]
pub(crate) struct Client {
    /// Caps what is read before the hello is accepted (when served by
    /// [`crate::server::serve`]).
    pub gate: Option<ReadGate>,
    /// The client's address, when known, for the ration of new rooms.
    pub address: Option<IpAddr>,
    /// Whether the client may open new rooms at all (it presented the
    /// operator's credential, or none is needed).
    pub may_open_rooms: bool,
}

/// Serves one WebSocket until it closes.
pub(crate) async fn serve<S: RoomStore>(socket: WebSocket, state: RelayState<S>, client: Client) {
    let _counted = state.metrics.connected();
    let _open = state.lifecycle.enter();
    let mut connection = Connection {
        client,
        budget: PushBudget::new(state.limits.pushes_per_second),
        socket,
        state,
        id: ConnectionId::next(),
        last_sent: 0,
        last_heard: tokio::time::Instant::now(),
        access: access::Standing::default(),
        owner: false,
    };
    let span = tracing::info_span!("connection", room = tracing::field::Empty);
    async move {
        match connection.run().await {
            Ok(()) => tracing::debug!("client closed the connection"),
            Err(refusal) => connection.refuse(refusal).await,
        }
    }
    .instrument(span)
    .await
}

struct Connection<S: RoomStore> {
    socket: WebSocket,
    client: Client,
    state: RelayState<S>,
    id: ConnectionId,
    budget: PushBudget,
    /// The highest sequence this client has been sent (or pushed itself).
    last_sent: u64,
    /// When the client last sent anything, pongs included.
    last_heard: tokio::time::Instant,
    /// Where the connection stands with the room's member list.
    access: access::Standing,
    /// The client showed the secret the (owned) room's id was made from.
    owner: bool,
}

impl<S: RoomStore> Connection<S> {
    fn limits(&self) -> &Limits {
        &self.state.limits
    }

    async fn run(&mut self) -> Result<(), Refusal> {
        let mut closing = self.state.lifecycle.closing();
        let hello_timeout = self.limits().hello_timeout;
        let hello = tokio::select! {
            hello = tokio::time::timeout(hello_timeout, self.next_frame()) => match hello {
                Err(_) => return Err(Refusal::new(ErrorCode::Timeout, "no hello in time")),
                Ok(None) => return Ok(()),
                Ok(Some(frame)) => frame?,
            },
            () = crate::shutdown::stopping(&mut closing) => return Err(Refusal::restarting()),
        };
        let (protocol, room, token, after) = match hello {
            Frame::Hello {
                protocol,
                room,
                token,
                after,
            } => (protocol, room, token, after),
            Frame::DeviceHello { .. } | Frame::Introduce { .. } => {
                return self.run_device(hello).await
            }
            other => {
                return Err(Refusal::new(
                    ErrorCode::UnexpectedFrame,
                    format!("the first frame must be a hello, not a {}", other.kind()),
                ))
            }
        };
        if protocol == 0 || protocol > PROTOCOL_VERSION {
            return Err(Refusal::new(
                ErrorCode::UnsupportedProtocol,
                format!("this relay speaks protocol {PROTOCOL_VERSION}, not {protocol}"),
            ));
        }
        tracing::Span::current()
            .record("room", tracing::field::display(crate::logging::room(room)));
        let ration = self.check_opening(room).await?;
        let admission = self
            .state
            .metrics
            .time("admit", self.state.store.admit(room, token.hash()))
            .await;
        if let Some(address) = ration {
            if !matches!(admission, Ok(Admission::Opened)) {
                self.state.new_rooms.give_back(address);
            }
        }
        match admission.map_err(Refusal::storage)? {
            Admission::Opened => tracing::info!("room opened"),
            Admission::Admitted => {}
            Admission::Retired(notice) => return self.tell_retired(notice).await,
            Admission::Expired => {
                return Err(Refusal::new(
                    ErrorCode::RoomExpired,
                    format!(
                        "the room went unchanged for {} days and was deleted; share the programme again",
                        self.limits().room_expiry_days
                    ),
                ))
            }
            Admission::Refused => {
                tracing::warn!("hello with a token that does not open the room");
                return Err(Refusal::new(
                    ErrorCode::NotAllowed,
                    "this invite does not open the room",
                ));
            }
        }
        self.refuse_token_if_members(room).await?;
        self.serve_room(room, after, protocol).await
    }

    /// Joins the admitted room: replays what the client missed (and, for a
    /// client of `protocol` 2 or later, says when an idle room expires), then
    /// serves its frames and the room's deliveries until it closes.
    async fn serve_room(&mut self, room: RoomId, after: u64, protocol: u16) -> Result<(), Refusal> {
        let mut closing = self.state.lifecycle.closing();
        let membership = self.state.rooms.join(room).ok_or_else(|| {
            tracing::warn!("room full");
            Refusal::new(ErrorCode::RoomFull, "the room has too many connections")
        })?;
        if let Some(gate) = &self.client.gate {
            gate.open();
        }
        // Subscribed before the replay is read, so nothing stored in
        // between is missed; what the replay already sent is skipped.
        let mut deliveries = membership.room.deliveries.subscribe();
        if self.enter(room).await? {
            self.replay(room, after).await?;
            self.send(Frame::Synced {
                latest: self.last_sent,
            })
            .await?;
            tracing::info!(after, latest = self.last_sent, "client in sync");
            if protocol >= EXPIRES_SINCE_PROTOCOL {
                self.announce_expiry(room).await?;
            }
        }

        // The relay pings; browsers answer by themselves. A connection
        // that stays silent through several pings is gone.
        let idle_timeout = self.limits().idle_timeout;
        let every = (idle_timeout / 3).max(Duration::from_millis(10));
        let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        pings.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // A frame being handled is finished first (a push committed and
            // acknowledged); the relay's stop is heard between frames.
            tokio::select! {
                () = crate::shutdown::stopping(&mut closing) => return Err(Refusal::restarting()),
                _ = pings.tick() => {
                    if self.last_heard.elapsed() > idle_timeout {
                        return Err(Refusal::new(ErrorCode::Timeout, "the connection was idle too long"));
                    }
                    self.send_message(Message::Ping(Bytes::new())).await?;
                }
                frame = self.next_frame() => match frame {
                    None => return Ok(()),
                    Some(frame) => self.handle(room, &membership, frame?).await?,
                },
                delivery = deliveries.recv() => match delivery {
                    Ok(delivery) if delivery.sequence == retire::RETIRED => {
                        return self.retired_while_here(delivery).await
                    }
                    Ok(delivery) if delivery.sequence == failure::STORE_FAILED => {
                        return Err(self.store_failed_elsewhere())
                    }
                    Ok(delivery) if delivery.sequence == access::ACCESS => {
                        self.access_changed(room, delivery).await?
                    }
                    Ok(delivery) => self.forward(room, delivery).await?,
                    Err(_overflowed) => {
                        tracing::info!("client fell too far behind; dropped");
                        return Err(Refusal::new(
                            ErrorCode::Timeout,
                            "the client did not read its deliveries in time",
                        ));
                    }
                },
            }
        }
    }

    /// Refuses a hello that would open a new room when this client may not
    /// open one (now): rooms that exist open as always. A hello that may
    /// open one takes it from its address's ration, and says from whose
    /// (to give it back if the room existed).
    async fn check_opening(&mut self, room: RoomId) -> Result<Option<IpAddr>, Refusal> {
        let refusal = if !self.client.may_open_rooms {
            Refusal::new(
                ErrorCode::TooManyRooms,
                "this relay opens new rooms only with its operator's credential",
            )
        } else {
            match self.client.address {
                None => return Ok(None),
                Some(address) if self.state.new_rooms.take(address) => return Ok(Some(address)),
                Some(_) => Refusal::new(
                    ErrorCode::TooManyRooms,
                    format!(
                        "this address opened {} new rooms within the hour; try again later",
                        self.limits().new_rooms_per_hour
                    ),
                ),
            }
        };
        match self.state.store.read_page(room, u64::MAX, 0).await {
            Ok(_) => Ok(None),
            Err(StoreError::NoSuchRoom) => {
                tracing::warn!(code = %refusal.code, "a new room refused");
                Err(refusal)
            }
            Err(error) => Err(Refusal::storage(error)),
        }
    }

    /// Tells the client when its room expires, if that is near.
    async fn announce_expiry(&mut self, room: RoomId) -> Result<(), Refusal> {
        let days = self.limits().room_expiry_days;
        let at = crate::expiry::announced(self.state.store.as_ref(), &self.state.clock, days, room)
            .await
            .map_err(Refusal::storage)?;
        match at {
            Some(at) => {
                tracing::info!(at, "client told that the room expires");
                self.send(Frame::Expires { at }).await
            }
            None => Ok(()),
        }
    }

    /// Sends the snapshot (if the client is behind it) and every entry
    /// after `after`, read from the store a page at a time.
    async fn replay(&mut self, room: RoomId, after: u64) -> Result<(), Refusal> {
        let mut after = after;
        loop {
            let page = self
                .state
                .store
                .read_page(room, after, REPLAY_PAGE_BYTES)
                .await
                .map_err(Refusal::storage)?;
            let read_any = page.snapshot.is_some() || !page.entries.is_empty();
            if let Some(snapshot) = page.snapshot {
                after = after.max(snapshot.sequence);
                self.send(Frame::Snapshot {
                    through: snapshot.sequence,
                    blob: snapshot.blob,
                })
                .await?;
            }
            for entry in page.entries {
                after = after.max(entry.sequence);
                self.send(Frame::Deliver {
                    sequence: entry.sequence,
                    blob: entry.blob,
                })
                .await?;
            }
            self.last_sent = self.last_sent.max(after);
            if after >= page.latest || !read_any {
                self.last_sent = self.last_sent.max(page.latest);
                return Ok(());
            }
        }
    }

    async fn handle(
        &mut self,
        room: RoomId,
        membership: &Membership,
        frame: Frame,
    ) -> Result<(), Refusal> {
        match frame {
            Frame::Push { blob } => {
                self.check_blob(&blob)?;
                self.check_room_left()?;
                let live = &membership.room;
                let size = blob.len() as u64;
                // The room's lock only while the push is put in line: the
                // next push of the room can queue while this one is being
                // committed, and they may share a commit. The store
                // broadcasts each one once committed, in sequence order.
                let (queued, in_flight) = {
                    let _writing = live.writes.lock().await;
                    self.check_signed(room, &blob, BlobKind::Change, None)?;
                    self.reserve(room, live, size).await?;
                    let in_flight = Arc::clone(&live.appending).read_owned().await;
                    let committed = live.broadcast_when_committed(self.id);
                    match self.state.store.queue_append(room, blob, committed).await {
                        Ok(queued) => (queued, in_flight),
                        Err(error) => {
                            live.bytes.store(UNKNOWN_BYTES, Ordering::Release);
                            return Err(self.store_failed(live, error));
                        }
                    }
                };
                // The others hear of it even if this client is gone before
                // its acknowledgement goes out; the acknowledgement waits
                // for the commit.
                let sequence = match self.state.metrics.time("commit", queued.committed()).await {
                    Ok(sequence) => sequence,
                    Err(error) => {
                        live.bytes.store(UNKNOWN_BYTES, Ordering::Release);
                        return Err(self.store_failed(live, error));
                    }
                };
                drop(in_flight);
                self.send(Frame::Ack { sequence }).await?;
                self.state.metrics.pushed();
                tracing::debug!(sequence, "push stored");
                Ok(())
            }
            Frame::Snapshot { through, blob } => {
                self.check_owner(room, "replace its log")?;
                self.check_blob(&blob)?;
                let _writing = membership.room.writes.lock().await;
                self.check_signed(room, &blob, BlobKind::Snapshot, Some(through))?;
                membership
                    .room
                    .bytes
                    .store(UNKNOWN_BYTES, Ordering::Release);
                match self.state.store.replace_through(room, through, blob).await {
                    Ok(()) => {}
                    Err(StoreError::SnapshotAhead { through, latest }) => {
                        return Err(Refusal::new(
                            ErrorCode::SnapshotAhead,
                            format!("the room has sequences up to {latest}, not {through}"),
                        ))
                    }
                    Err(error) => return Err(self.store_failed(&membership.room, error)),
                }
                tracing::info!(through, "snapshot replaced the log");
                self.send(Frame::Ack { sequence: through }).await
            }
            Frame::Retire { notice } => {
                self.check_owner(room, "retire it")?;
                self.check_signed(room, &notice, BlobKind::Retire, None)?;
                self.retire(room, membership, notice).await
            }
            Frame::Access { position, entry } => {
                self.append_access(room, membership, position, entry).await
            }
            Frame::Own { secret } => {
                if !room.is_owned_by(&secret) {
                    tracing::warn!("an owner's secret that does not own the room");
                    return Err(Refusal::new(
                        ErrorCode::NotAllowed,
                        "this secret does not own the room",
                    ));
                }
                self.owner = true;
                Ok(())
            }
            other => Err(Refusal::new(
                ErrorCode::UnexpectedFrame,
                format!("a client does not send a {} frame here", other.kind()),
            )),
        }
    }

    /// Refuses to retire an owned room or replace its log (`what`) on a
    /// connection that has not shown the room's owner secret (see
    /// `tandem_sync::owner`). Other rooms are as they were.
    fn check_owner(&self, room: RoomId, what: &str) -> Result<(), Refusal> {
        if !room.is_owned() || self.owner {
            return Ok(());
        }
        tracing::warn!("an owned room's retirement or snapshot without its owner");
        Err(Refusal::new(
            ErrorCode::NotAllowed,
            format!("only the room's owner may {what}"),
        ))
    }

    /// Counts `size` more bytes for a push about to be put in line (under
    /// the room's lock), or refuses it when the room would hold more than
    /// its limit.
    async fn reserve(&mut self, room: RoomId, live: &LiveRoom, size: u64) -> Result<(), Refusal> {
        let limit = self.limits().max_room_bytes;
        loop {
            let counted = live.bytes.load(Ordering::Acquire);
            let mut held = counted;
            if counted == UNKNOWN_BYTES || counted.saturating_add(size) > limit {
                // Counted bytes may be stale (a snapshot through another
                // relay process, a push that failed): a refusal rests on the
                // store's count, read once no push of the room is in flight.
                drop(live.appending.write().await);
                held = self
                    .state
                    .store
                    .room_bytes(room)
                    .await
                    .map_err(Refusal::storage)?;
            }
            if held.saturating_add(size) > limit {
                tracing::warn!(held, limit, "room full");
                return Err(Refusal::new(
                    ErrorCode::TooLarge,
                    format!("the room holds {held} of {limit} bytes; a snapshot makes room"),
                ));
            }
            // Only a push that failed meanwhile changes the count outside
            // the lock (to unknown): then count again.
            if live
                .bytes
                .compare_exchange(
                    counted,
                    held.saturating_add(size),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
            {
                return Ok(());
            }
        }
    }

    /// Refuses a push while the store holds its quota or the disk is
    /// nearly full (snapshots and retirements, which make room, go on).
    fn check_room_left(&self) -> Result<(), Refusal> {
        let message = match self.state.storage.full() {
            None => return Ok(()),
            Some(Full::Quota) => {
                "the relay holds as much as its operator allows; \
                                  the room can be read, changes wait"
            }
            Some(Full::Disk) => {
                "the relay's disk is nearly full; the room can be read, changes wait"
            }
        };
        Err(Refusal::new(ErrorCode::RelayFull, message))
    }

    /// Counts a push or snapshot against the budget and checks that its
    /// blob can be a sealed one.
    fn check_blob(&mut self, blob: &[u8]) -> Result<(), Refusal> {
        if !self.budget.take() {
            tracing::warn!("client pushes too fast");
            return Err(Refusal::new(
                ErrorCode::TooFast,
                format!(
                    "more than {} pushes a second",
                    self.limits().pushes_per_second
                ),
            ));
        }
        if blob.len() < SEAL_OVERHEAD {
            return Err(Refusal::new(
                ErrorCode::BadFrame,
                "the blob is too short to be encrypted",
            ));
        }
        Ok(())
    }

    async fn forward(&mut self, room: RoomId, delivery: Delivery) -> Result<(), Refusal> {
        // A device removed meanwhile is sent nothing more.
        self.check_still_admitted()?;
        if !self.hears_content() {
            return Ok(());
        }
        if delivery.sequence <= self.last_sent {
            return Ok(());
        }
        if delivery.sequence > self.last_sent + 1 {
            // Stored by another relay process and overtaken, or a notice
            // of it was lost: the store has everything up to this one.
            return self.replay(room, self.last_sent).await;
        }
        self.last_sent = delivery.sequence;
        if delivery.from == self.id {
            return Ok(());
        }
        self.send_bytes(delivery.frame).await
    }

    /// The next frame from the client; `None` once the socket is closed.
    async fn next_frame(&mut self) -> Option<Result<Frame, Refusal>> {
        loop {
            let message = match self.socket.recv().await? {
                Ok(message) => {
                    self.last_heard = tokio::time::Instant::now();
                    message
                }
                Err(error) => {
                    tracing::debug!(%error, "the socket failed");
                    return Some(Err(Refusal::new(
                        ErrorCode::BadFrame,
                        "the message could not be read (broken, or far too large)",
                    )));
                }
            };
            return match message {
                Message::Binary(bytes) => Some(
                    Frame::decode(&bytes, self.limits().max_frame_bytes).map_err(|error| {
                        tracing::warn!(%error, size = bytes.len(), "bad frame");
                        Refusal::from(error)
                    }),
                ),
                Message::Text(_) => Some(Err(Refusal::new(
                    ErrorCode::BadFrame,
                    "frames are binary messages",
                ))),
                Message::Ping(_) | Message::Pong(_) => continue,
                Message::Close(_) => None,
            };
        }
    }

    async fn send(&mut self, frame: Frame) -> Result<(), Refusal> {
        let bytes = frame.encode(tandem_sync::MAX_FRAME_BYTES)?;
        self.send_bytes(Bytes::from(bytes)).await
    }

    async fn send_bytes(&mut self, bytes: Bytes) -> Result<(), Refusal> {
        self.send_message(Message::Binary(bytes)).await
    }

    /// Sends `message` within the send timeout; a large one first waits
    /// for its share of the relay's budget for large frames (the socket
    /// keeps a copy of a frame until it is written).
    async fn send_message(&mut self, message: Message) -> Result<(), Refusal> {
        let size = match &message {
            Message::Binary(bytes) => bytes.len(),
            _ => 0,
        };
        let large_sends = Arc::clone(&self.state.large_sends);
        let budget = u32::try_from(size.min(self.limits().large_send_bytes)).unwrap_or(u32::MAX);
        let socket = &mut self.socket;
        let sending = async move {
            let _share = if size > SMALL_FRAME_BYTES {
                Some(large_sends.acquire_many_owned(budget).await.ok())
            } else {
                None
            };
            socket.send(message).await
        };
        match tokio::time::timeout(self.state.limits.send_timeout, sending).await {
            Ok(Ok(())) => Ok(()),
            // The client is gone; nobody is left to tell.
            Ok(Err(_)) => Err(Refusal::new(ErrorCode::BadFrame, "the socket is closed")),
            Err(_) => {
                tracing::info!("client did not read in time; dropped");
                Err(Refusal::unheard(
                    ErrorCode::Timeout,
                    "the client did not read in time",
                ))
            }
        }
    }

    /// Tells the client why, then closes, within the send timeout.
    /// Failures here mean the client has gone already (or does not read).
    async fn refuse(&mut self, refusal: Refusal) {
        tracing::info!(code = %refusal.code, message = %refusal.message, "closing connection");
        if refusal.restarting {
            let close = self.socket.send(Message::Close(Some(CloseFrame {
                code: crate::shutdown::CLOSE_RESTART,
                reason: "the relay restarts; come back later".into(),
            })));
            let _ = tokio::time::timeout(self.state.limits.send_timeout, close).await;
            return;
        }
        self.state.metrics.refused(refusal.code.as_str());
        if refusal.unheard {
            return;
        }
        let reason = refusal.code.as_str().to_string();
        let socket = &mut self.socket;
        let closing = async move {
            if let Ok(bytes) = Frame::error(refusal.code, refusal.message).encode(usize::MAX) {
                let _ = socket.send(Message::Binary(Bytes::from(bytes))).await;
            }
            let _ = socket
                .send(Message::Close(Some(CloseFrame {
                    code: CLOSE_POLICY,
                    reason: reason.into(),
                })))
                .await;
        };
        let _ = tokio::time::timeout(self.state.limits.send_timeout, closing).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_push_budget_allows_a_burst_then_refuses() {
        let mut budget = PushBudget::new(3);
        assert!(budget.take() && budget.take() && budget.take());
        assert!(!budget.take());
    }

    #[test]
    fn the_push_budget_refills_with_time() {
        let mut budget = PushBudget::new(10);
        while budget.take() {}
        budget.refilled -= Duration::from_millis(250);
        assert!(budget.take());
    }
}
