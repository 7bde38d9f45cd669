//! Rooms nobody changes any more leave the relay: a room unchanged for
//! [`Limits::room_expiry_days`](crate::Limits::room_expiry_days) (400 by
//! default) is deleted with its log and snapshot, and only a tombstone
//! stays, so that its invite is refused with `room-expired` instead of
//! opening an empty room that clients would take for the old one.
//!
//! A relay on the public internet would otherwise keep every room a
//! stranger or a finished programme left behind, for ever. A change (a
//! push or a snapshot) counts; reading does not, since a device that only
//! opens a programme keeps its own copy. From [`NOTICE_BEFORE`] ahead of
//! the day, every client that connects hears when (a
//! [`Frame::Expires`](tandem_sync::Frame::Expires) after `Synced`), so the
//! app can say so while a change still keeps the room.
//!
//! Inboxes (see [`crate::inbox`]) unchanged for as many days lose their
//! messages and form the same way; their tombstone keeps the id from
//! being opened again.
//!
//! Time comes from a [`Clock`] that tests move forward, so expiry is tested
//! without waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::store::{RoomStore, StoreError};

/// How far ahead clients are told that their room expires.
pub const NOTICE_BEFORE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// How often rooms are checked for expiry.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

const SECONDS_A_DAY: u64 = 24 * 60 * 60;

/// The relay's idea of now, in seconds since 1970: the system's clock,
/// moved forward in tests.
#[derive(Debug, Default)]
pub struct Clock {
    ahead_seconds: AtomicI64,
}

impl Clock {
    /// Now, in seconds since 1970.
    pub fn now(&self) -> u64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0);
        system.saturating_add_signed(self.ahead_seconds.load(Ordering::Acquire))
    }

    /// Moves this clock `by` forward.
    pub fn advance(&self, by: Duration) {
        let seconds = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.ahead_seconds.fetch_add(seconds, Ordering::AcqRel);
    }
}

/// When a room last changed at `last_change` expires, with rooms kept
/// `days` after their last change (0: for ever).
pub(crate) fn expires_at(last_change: u64, days: u32) -> Option<u64> {
    (days > 0).then(|| last_change.saturating_add(u64::from(days) * SECONDS_A_DAY))
}

/// When `room` expires, if that is within [`NOTICE_BEFORE`] of now: what
/// its clients are told.
pub(crate) async fn announced<S: RoomStore>(
    store: &S,
    clock: &Clock,
    days: u32,
    room: tandem_sync::RoomId,
) -> Result<Option<u64>, StoreError> {
    if days == 0 {
        return Ok(None);
    }
    let Some(at) = store
        .last_change(room)
        .await?
        .and_then(|changed| expires_at(changed, days))
    else {
        return Ok(None);
    };
    Ok((at <= clock.now().saturating_add(NOTICE_BEFORE.as_secs())).then_some(at))
}

/// Expires the rooms unchanged for `days` by `clock`; how many.
pub(crate) async fn expire<S: RoomStore>(
    store: &S,
    clock: &Clock,
    days: u32,
) -> Result<u64, StoreError> {
    if days == 0 {
        return Ok(0);
    }
    let before = clock
        .now()
        .saturating_sub(u64::from(days).saturating_mul(SECONDS_A_DAY));
    let expired = store.expire_idle(before).await?;
    if expired > 0 {
        tracing::info!(expired, days, "rooms unchanged too long expired");
    }
    let inboxes = store.expire_idle_inboxes(before).await?;
    if inboxes > 0 {
        tracing::info!(inboxes, days, "inboxes unchanged too long expired");
    }
    Ok(expired)
}

/// Expires idle rooms now and every hour, until the relay (its clock) is
/// gone.
pub(crate) async fn sweep<S: RoomStore>(store: Arc<S>, clock: Weak<Clock>, days: u32) {
    if days == 0 {
        return;
    }
    let mut every = tokio::time::interval(SWEEP_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(clock) = clock.upgrade() else { return };
        if let Err(error) = expire(store.as_ref(), &clock, days).await {
            tracing::error!(%error, "cannot expire idle rooms; trying again in an hour");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_room_expires_its_days_after_its_last_change_or_never_with_zero_days() {
        assert_eq!(expires_at(1_000, 1), Some(1_000 + SECONDS_A_DAY));
        assert_eq!(expires_at(1_000, 0), None);
    }

    #[test]
    fn the_clock_moves_forward_when_told() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(10 * SECONDS_A_DAY));
        assert!(clock.now() >= before + 10 * SECONDS_A_DAY);
    }
}
