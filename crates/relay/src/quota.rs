//! What a stranger may make the relay keep: new rooms, and bytes on disk.
//!
//! New rooms are rationed per client address (an IPv6 address counts by
//! its /64, which one household or server gets whole) with a token bucket
//! that refills over an hour; a relay can also open rooms only for a
//! client that presents the operator's credential. Opening existing rooms
//! is never rationed.
//!
//! The store's size and the free space under it are read every few
//! seconds; while the store holds 95 % of its quota or the disk is below the
//! watermark, pushes are refused with `relay-full` and rooms stay
//! readable. The quota is also the SQLite database's own size limit, so a
//! burst between two readings fails in the database, not on the disk.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

use crate::store::{RoomStore, Usage};

/// How often the store's size and the free disk are read.
pub(crate) const USAGE_EVERY: Duration = Duration::from_secs(2);

/// Addresses whose buckets are kept at most; beyond, full buckets (those
/// that could open their whole hour's rooms) are forgotten first.
const MOST_ADDRESSES: usize = 65_536;

/// The address a limit counts: IPv4 as it is, IPv6 by its /64.
pub(crate) fn address_group(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// New rooms each address may still open.
#[derive(Debug)]
pub(crate) struct NewRooms {
    per_hour: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    /// The operator's credential, when rooms open only with it.
    credential: Option<Vec<u8>>,
}

impl NewRooms {
    pub(crate) fn new(per_hour: u32, credential: Option<String>) -> Self {
        Self {
            per_hour: f64::from(per_hour),
            buckets: Mutex::new(HashMap::new()),
            credential: credential
                .filter(|credential| !credential.is_empty())
                .map(String::into_bytes),
        }
    }

    /// Whether a client that presented `credential` may open rooms at
    /// all.
    pub(crate) fn credential_opens(&self, presented: Option<&str>) -> bool {
        match (&self.credential, presented) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(expected), Some(presented)) => {
                bool::from(expected.as_slice().ct_eq(presented.as_bytes()))
            }
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let hours = now.duration_since(bucket.refilled).as_secs_f64() / 3600.0;
        Bucket {
            tokens: (bucket.tokens + hours * self.per_hour).min(self.per_hour),
            refilled: now,
        }
    }

    /// Takes one of `address`'s new rooms if it has one left: the hello
    /// may open a room. [`give_back`](Self::give_back) returns it when the
    /// room turned out to exist.
    pub(crate) fn take(&self, address: IpAddr) -> bool {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MOST_ADDRESSES {
            let per_hour = self.per_hour;
            buckets.retain(|_, bucket| self.refilled(*bucket, now).tokens < per_hour);
        }
        let group = address_group(address);
        let bucket = buckets.get(&group).copied().unwrap_or(Bucket {
            tokens: self.per_hour,
            refilled: now,
        });
        let mut bucket = self.refilled(bucket, now);
        let taken = bucket.tokens >= 1.0;
        if taken {
            bucket.tokens -= 1.0;
        }
        buckets.insert(group, bucket);
        taken
    }

    /// Returns a new room taken for a hello that opened none.
    pub(crate) fn give_back(&self, address: IpAddr) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(bucket) = buckets.get_mut(&address_group(address)) {
            bucket.tokens = (bucket.tokens + 1.0).min(self.per_hour);
        }
    }
}

/// Why pushes are refused for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Full {
    /// The store holds its quota.
    Quota,
    /// The disk has less free space than the watermark.
    Disk,
}

/// The store's fill level, as last read.
#[derive(Debug, Default)]
pub(crate) struct Storage {
    full: AtomicU8,
}

impl Storage {
    const ROOM: u8 = 0;
    const QUOTA: u8 = 1;
    const DISK: u8 = 2;

    /// Why pushes are refused now, if they are.
    pub(crate) fn full(&self) -> Option<Full> {
        match self.full.load(Ordering::Acquire) {
            Self::QUOTA => Some(Full::Quota),
            Self::DISK => Some(Full::Disk),
            _ => None,
        }
    }

    /// Takes in a reading of the store.
    pub(crate) fn read(&self, usage: Usage, max_stored_bytes: u64, min_free_disk_bytes: u64) {
        let full = if usage
            .free_disk_bytes
            .is_some_and(|free| free < min_free_disk_bytes)
        {
            Self::DISK
        } else if max_stored_bytes > 0
            && usage.stored_bytes.is_some_and(|stored| {
                // From 95 % on: the database itself stops at the quota, and
                // what comes between two readings should fit.
                stored >= max_stored_bytes - max_stored_bytes / 20
            })
        {
            Self::QUOTA
        } else {
            Self::ROOM
        };
        let before = self.full.swap(full, Ordering::AcqRel);
        if before != full {
            match full {
                Self::DISK => tracing::error!(
                    free = ?usage.free_disk_bytes,
                    "the disk is nearly full; pushes are refused until there is room"
                ),
                Self::QUOTA => tracing::error!(
                    stored = ?usage.stored_bytes,
                    "the rooms hold the relay's quota; pushes are refused until there is room"
                ),
                _ => tracing::info!("there is room again; pushes are taken"),
            }
        }
    }
}

/// Reads the store's usage every [`USAGE_EVERY`] for as long as `storage`
/// is in use.
pub(crate) async fn watch<S: RoomStore>(
    store: Arc<S>,
    storage: std::sync::Weak<Storage>,
    max_stored_bytes: u64,
    min_free_disk_bytes: u64,
) {
    let mut every = tokio::time::interval(USAGE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(storage) = storage.upgrade() else {
            return;
        };
        match store.usage().await {
            Ok(usage) => storage.read(usage, max_stored_bytes, min_free_disk_bytes),
            Err(error) => tracing::warn!(%error, "cannot read how much the store holds"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_opens_its_hours_rooms_then_waits() {
        let rooms = NewRooms::new(3, None);
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(rooms.take(address));
        }
        assert!(!rooms.take(address));
        rooms.give_back(address);
        assert!(rooms.take(address));
        assert!(!rooms.take(address));
        assert!(rooms.take("192.0.2.2".parse().unwrap()));
        // Twenty minutes later, one more.
        let mut buckets = rooms.buckets.lock().unwrap();
        let bucket = buckets.get_mut(&address).unwrap();
        bucket.refilled -= Duration::from_secs(20 * 60);
        drop(buckets);
        assert!(rooms.take(address));
    }

    #[test]
    fn ipv6_addresses_of_one_network_share_a_bucket() {
        let rooms = NewRooms::new(1, None);
        assert!(rooms.take("2001:db8:1:2::1".parse().unwrap()));
        assert!(!rooms.take("2001:db8:1:2:ffff::9".parse().unwrap()));
        assert!(rooms.take("2001:db8:1:3::1".parse().unwrap()));
    }

    #[test]
    fn only_the_operators_credential_opens_rooms_when_one_is_set() {
        let open = NewRooms::new(1, None);
        assert!(open.credential_opens(None));
        let closed = NewRooms::new(1, Some("s3cret".into()));
        assert!(!closed.credential_opens(None));
        assert!(!closed.credential_opens(Some("guess")));
        assert!(closed.credential_opens(Some("s3cret")));
    }

    #[test]
    fn pushes_stop_below_the_watermark_or_at_the_quota_and_resume() {
        let storage = Storage::default();
        let usage = |stored, free| Usage {
            stored_bytes: Some(stored),
            free_disk_bytes: Some(free),
        };
        storage.read(usage(10, 1000), 100, 500);
        assert_eq!(storage.full(), None);
        storage.read(usage(10, 400), 100, 500);
        assert_eq!(storage.full(), Some(Full::Disk));
        storage.read(usage(94, 1000), 100, 500);
        assert_eq!(storage.full(), None);
        storage.read(usage(95, 1000), 100, 500);
        assert_eq!(storage.full(), Some(Full::Quota));
        storage.read(usage(100, 1000), 0, 500);
        assert_eq!(storage.full(), None);
    }
}
