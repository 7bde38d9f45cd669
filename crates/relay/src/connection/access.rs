//! A connection under a member list (protocol 2): member devices, devices
//! waiting for approval, and connections of protocol 1 to a room that has
//! gained a member list.
//!
//! - A device hello is admitted only for a current member or a device
//!   waiting for approval, signed by that device within
//!   [`HELLO_WINDOW_SECONDS`] of the relay's clock. A room token (protocol
//!   1) opens nothing once the room has a member list.
//! - Every entry a client appends is checked against the list first, with
//!   the relay's clock for invitations; pushes in flight are committed
//!   before it, and the room's connections hear of it in order with their
//!   deliveries. A device the entry removes is closed at once and is sent
//!   nothing after it.
//! - Every push, snapshot and retirement of a member device is a signed
//!   blob checked against the list: its device, a current member, in the
//!   current epoch; a snapshot or retirement only from an admin.
//! - A waiting device hears the member list only; once approved, it is
//!   replayed the room and goes on as a member.

use axum::body::Bytes;
use tandem_sync::access::{
    device_hello_message, AccessError, BlobKind, Change, DeviceId, InvitationId, SignedBlob,
    HELLO_WINDOW_SECONDS,
};
use tandem_sync::{ErrorCode, Frame, RoomId, ACCESS_PROTOCOL, MAX_FRAME_BYTES, PROTOCOL_VERSION};

use super::{Connection, Refusal};
use crate::access::{lock, now, SharedRoster};
use crate::rooms::{Delivery, Membership};
use crate::store::{AccessLog, RoomStore};
use crate::RelayState;

pub(super) use crate::rooms::signal::ACCESS;

/// Where this connection stands with the room's member list.
#[derive(Debug, Default)]
pub(super) struct Standing {
    /// The device, for a device hello or introduction; `None` for a room
    /// token's connection.
    pub device: Option<DeviceId>,
    pub roster: Option<SharedRoster>,
    /// Introduced, not yet approved: hears only the member list.
    pub pending: bool,
    /// The sequence the client has everything up to.
    pub after: u64,
    /// Entries sent so far (the next position to send).
    pub sent: u64,
    /// Shown the list for this invitation; its next frame must be the
    /// device's introduction.
    pub introducing: Option<InvitationId>,
}

impl Standing {
    fn is_member(&self) -> bool {
        match (&self.device, &self.roster) {
            (Some(device), Some(roster)) => lock(roster).is_current(device),
            _ => false,
        }
    }
}

/// The refusal for an entry or blob the member list refuses.
fn refusal(error: AccessError) -> Refusal {
    let code = match error {
        AccessError::NotMember => ErrorCode::NotMember,
        AccessError::NeedsAdmin(_) => ErrorCode::NeedsAdmin,
        AccessError::BadSignature => ErrorCode::BadSignature,
        // Made against an older list (another admin's entry came first):
        // the device reads the list again and decides anew.
        AccessError::WrongEpoch { .. }
        | AccessError::OutOfOrder { .. }
        | AccessError::BrokenChain => ErrorCode::StaleEpoch,
        AccessError::Damaged => ErrorCode::BadFrame,
        _ => ErrorCode::AccessRefused,
    };
    tracing::warn!(%error, "refused by the member list");
    Refusal::new(code, error.to_string())
}

/// The room's member list as the store has it.
async fn stored_access<S: RoomStore>(
    state: &RelayState<S>,
    room: RoomId,
) -> Result<AccessLog, Refusal> {
    state
        .store
        .read_access(room)
        .await
        .map_err(Refusal::storage)
}

impl<S: RoomStore> Connection<S> {
    /// Serves a connection that starts with a device hello or an
    /// introduction.
    pub(super) async fn run_device(&mut self, first: Frame) -> Result<(), Refusal> {
        let (protocol, room) = match &first {
            Frame::DeviceHello { protocol, room, .. } | Frame::Introduce { protocol, room, .. } => {
                (*protocol, *room)
            }
            other => {
                return Err(Refusal::new(
                    ErrorCode::UnexpectedFrame,
                    format!("the first frame must be a hello, not a {}", other.kind()),
                ))
            }
        };
        if !(ACCESS_PROTOCOL..=PROTOCOL_VERSION).contains(&protocol) {
            return Err(Refusal::new(
                ErrorCode::UnsupportedProtocol,
                format!(
                    "devices speak protocol {ACCESS_PROTOCOL} to {PROTOCOL_VERSION}, not {protocol}"
                ),
            ));
        }
        tracing::Span::current()
            .record("room", tracing::field::display(crate::logging::room(room)));
        let log = stored_access(&self.state, room).await?;
        if let Some(notice) = log.retired {
            return self.tell_retired(notice).await;
        }
        if log.entries.is_empty() {
            return Err(Refusal::new(
                ErrorCode::NotMember,
                "this room has no member list; devices cannot join it",
            ));
        }
        let roster = self
            .state
            .rosters
            .refresh(room, &log.entries)
            .map_err(|error| {
                tracing::error!(%error, "the stored member list does not verify");
                Refusal::new(
                    ErrorCode::Storage,
                    "the relay's copy of the member list does not verify",
                )
            })?;
        match first {
            Frame::DeviceHello {
                device,
                after,
                time,
                signature,
                ..
            } => {
                if time.abs_diff(now()) > HELLO_WINDOW_SECONDS {
                    return Err(Refusal::new(
                        ErrorCode::NotAllowed,
                        "the device's clock is more than five minutes off the relay's",
                    ));
                }
                let (keys, pending) = {
                    let roster = lock(&roster);
                    let waiting = roster
                        .pending()
                        .find(|waiting| waiting.keys.signing == device)
                        .cloned();
                    match (roster.member(&device), waiting) {
                        (Some(member), _) if member.is_current() => (member.keys, false),
                        (Some(_), _) => {
                            tracing::warn!("hello of a removed device");
                            return Err(Refusal::new(
                                ErrorCode::NotMember,
                                "this device was removed from the programme",
                            ));
                        }
                        (None, Some(waiting)) => (waiting.keys, true),
                        (None, None) if roster.is_declined(&device) => {
                            return Err(declined());
                        }
                        (None, None) => {
                            return Err(Refusal::new(
                                ErrorCode::NotMember,
                                "this device is not a member of the programme",
                            ))
                        }
                    }
                };
                let message = device_hello_message(&room, &device, after, time);
                if !keys.verifies(&message, &signature) {
                    tracing::warn!("device hello with a bad signature");
                    return Err(Refusal::new(
                        ErrorCode::BadSignature,
                        "the hello's signature does not verify",
                    ));
                }
                self.access = Standing {
                    device: Some(device),
                    roster: Some(roster),
                    pending,
                    after,
                    ..Standing::default()
                };
                self.serve_room(room, after, protocol).await
            }
            Frame::Introduce {
                invitation, proof, ..
            } => {
                let open = lock(&roster).invitation_open(&invitation, &proof, now());
                open.map_err(refusal)?;
                self.access = Standing {
                    roster: Some(roster),
                    pending: true,
                    introducing: Some(invitation),
                    ..Standing::default()
                };
                self.serve_room(room, 0, protocol).await
            }
            _ => Ok(()),
        }
    }

    /// After joining the room (subscribed to its deliveries): sends the
    /// member list, and says whether the room's content follows (a member)
    /// or not (a device introducing itself or waiting for approval).
    pub(super) async fn enter(&mut self, room: RoomId) -> Result<bool, Refusal> {
        if self.access.device.is_none() && self.access.introducing.is_none() {
            return Ok(true);
        }
        let log = stored_access(&self.state, room).await?;
        for (position, entry) in (0u64..).zip(log.entries) {
            self.send(Frame::Access { position, entry }).await?;
            self.access.sent = position + 1;
        }
        if self.access.introducing.is_some() {
            // The list is complete: the device may introduce itself.
            self.send(Frame::Synced { latest: 0 }).await?;
        }
        Ok(!self.access.pending)
    }

    /// Refuses a room token's hello to a room with a member list.
    pub(super) async fn refuse_token_if_members(&mut self, room: RoomId) -> Result<(), Refusal> {
        if self.state.rosters.cached(room).is_some() {
            return Err(token_refusal());
        }
        let log = stored_access(&self.state, room).await?;
        if log.entries.is_empty() {
            Ok(())
        } else {
            Err(token_refusal())
        }
    }

    /// Checks a push, snapshot or retirement before it is stored (under the
    /// room's write lock): a room token's connection only while the room
    /// has no member list; a device's only as a signed blob of a current
    /// member in the current epoch, and from an admin where it must be.
    pub(super) fn check_signed(
        &self,
        room: RoomId,
        blob: &[u8],
        kind: BlobKind,
        through: Option<u64>,
    ) -> Result<(), Refusal> {
        let (Some(device), Some(roster)) = (&self.access.device, &self.access.roster) else {
            return match self.state.rosters.cached(room) {
                Some(_) => Err(token_refusal()),
                None => Ok(()),
            };
        };
        if self.access.pending {
            return Err(Refusal::new(
                ErrorCode::NotMember,
                "this device waits for an admin's approval",
            ));
        }
        let signed = SignedBlob::decode(blob).map_err(refusal)?;
        if signed.kind != kind || through.is_some_and(|through| through != signed.counter) {
            return Err(Refusal::new(
                ErrorCode::BadFrame,
                "the signed blob is not of the frame's kind or sequence",
            ));
        }
        if signed.device != *device {
            tracing::warn!("a blob signed by another device");
            return Err(Refusal::new(
                ErrorCode::BadSignature,
                "a device pushes only what it signed itself",
            ));
        }
        lock(roster).check_blob(&signed, true).map_err(refusal)?;
        Ok(())
    }

    /// Appends a member-list entry after checking it, and tells the room.
    pub(super) async fn append_access(
        &mut self,
        room: RoomId,
        membership: &Membership,
        position: u64,
        entry: Vec<u8>,
    ) -> Result<(), Refusal> {
        let live = &membership.room;
        let _writing = live.writes.lock().await;
        // Pushes in flight are committed, broadcast and acknowledged first.
        drop(live.appending.write().await);
        let shared = match &self.access.roster {
            Some(shared) => Some(shared.clone()),
            None => self.state.rosters.cached(room),
        };
        let mut next = match &shared {
            Some(shared) => lock(shared).clone(),
            None => {
                let log = stored_access(&self.state, room).await?;
                if !log.entries.is_empty() {
                    return Err(token_refusal());
                }
                tandem_sync::access::Roster::new(room)
            }
        };
        if self.access.device.is_none() && self.access.introducing.is_none() && !next.is_empty() {
            return Err(token_refusal());
        }
        let checked = next.apply(&entry, Some(now())).map_err(refusal)?;
        if let Some(invitation) = self.access.introducing {
            let introduces = matches!(
                &checked.change,
                Change::Introduce { invitation: used, .. } if *used == invitation
            );
            if !introduces {
                return Err(Refusal::new(
                    ErrorCode::NotMember,
                    "a device that is no member yet may only introduce itself",
                ));
            }
            self.access.introducing = None;
            self.access.device = Some(checked.author);
        }
        if checked.position != position {
            return Err(Refusal::new(
                ErrorCode::BadFrame,
                "the entry's position is not the frame's",
            ));
        }
        if let Some(device) = self.access.device {
            if checked.author != device {
                return Err(Refusal::new(
                    ErrorCode::BadSignature,
                    "a device appends only entries it signed itself",
                ));
            }
        }
        self.state
            .store
            .append_access(room, position, entry.clone())
            .await
            .map_err(Refusal::storage)?;
        let kind = tandem_sync::access::Roster::describe(&checked);
        let shared = match shared {
            Some(shared) => {
                *lock(&shared) = next;
                shared
            }
            None => self.state.rosters.share(room, next),
        };
        if self.access.device.is_some() {
            self.access.roster = Some(shared);
        }
        tracing::info!(position, kind, "member list entry stored");
        let frame = Bytes::from(Frame::Access { position, entry }.encode(MAX_FRAME_BYTES)?);
        let _ = live.deliveries.send(Delivery {
            sequence: ACCESS,
            frame: frame.clone(),
            from: self.id,
        });
        // The author hears its entry before the acknowledgement (and not
        // again from the room), so its list is current when it acts next.
        self.send_bytes(frame).await?;
        self.access.sent = position + 1;
        self.send(Frame::Ack { sequence: position }).await
    }

    /// An entry was appended to the room's member list (by any
    /// connection): a connection the list no longer admits is closed; the
    /// others are sent the entry; a waiting device that is now approved is
    /// replayed the room.
    pub(super) async fn access_changed(
        &mut self,
        room: RoomId,
        delivery: Delivery,
    ) -> Result<(), Refusal> {
        if self.access.device.is_none() && self.access.introducing.is_none() {
            return Err(token_refusal());
        }
        self.check_still_admitted()?;
        let Ok(Frame::Access { position, .. }) = Frame::decode(&delivery.frame, MAX_FRAME_BYTES)
        else {
            return Ok(());
        };
        if position >= self.access.sent {
            self.send_bytes(delivery.frame).await?;
            self.access.sent = position + 1;
        }
        if self.access.pending && self.access.is_member() {
            self.access.pending = false;
            tracing::info!("device approved");
            let after = self.access.after;
            self.replay(room, after).await?;
            self.send(Frame::Synced {
                latest: self.last_sent,
            })
            .await?;
        }
        Ok(())
    }

    /// Refuses a device the member list no longer admits (before anything
    /// more is sent to it).
    pub(super) fn check_still_admitted(&self) -> Result<(), Refusal> {
        let (Some(device), Some(roster)) = (&self.access.device, &self.access.roster) else {
            return Ok(());
        };
        let roster = lock(roster);
        if roster.is_current(device) || roster.is_pending(device) {
            Ok(())
        } else if roster.is_declined(device) {
            tracing::info!("device declined; connection closed");
            Err(declined())
        } else {
            tracing::info!("device removed; connection closed");
            Err(Refusal::new(
                ErrorCode::NotMember,
                "this device was removed from the programme",
            ))
        }
    }

    /// Whether content deliveries go to this connection (not while it
    /// waits for approval).
    pub(super) fn hears_content(&self) -> bool {
        !self.access.pending
    }
}

fn declined() -> Refusal {
    Refusal::new(
        ErrorCode::Declined,
        "an admin declined this device's request to join",
    )
}

fn token_refusal() -> Refusal {
    Refusal::new(
        ErrorCode::NotMember,
        "this programme admits only its member devices; the room key opens nothing",
    )
}
