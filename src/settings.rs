//! The coordinator's settings on this device, in localStorage: who they are,
//! the language, later the relay address and the last programme opened.
//!
//! Settings are small and per device. Programmes are not settings: they live
//! in IndexedDB (see [`crate::storage`]), and so, sealed, does what this
//! browser knows about sharing them ([`SyncRecord`]: the room key is the
//! programme for whoever holds it).

use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use tandem_core::{Author, CoordinatorId, ProgrammeId, TandemId};

use crate::language::Language;
use crate::storage::{ProgrammeStore, StorageError};

const KEY: &str = "tandem.settings";

/// Who the coordinator on this device is. The id stays the same on this
/// device; the name can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coordinator {
    pub id: String,
    pub name: String,
}

/// Everything kept in localStorage.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub coordinator: Option<Coordinator>,
    #[serde(default)]
    pub language: Option<Language>,
    /// The coordinator's organisation, as devices introduce themselves.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Programmes this coordinator put away; they are listed apart.
    #[serde(default)]
    pub archived: Vec<String>,
    /// The code the operator of the relay that serves this app asks for
    /// before it opens a new room or application inbox, where it asks for
    /// one (`--room-creation-secret`). Sent only to that relay, never put
    /// into an invitation or a public link.
    #[serde(default)]
    pub room_creation: Option<String>,
}

impl Settings {
    /// The stored settings; defaults if there are none or they cannot be read
    /// (a damaged entry must not lock anyone out of the app).
    pub fn load() -> Self {
        LocalStorage::get(KEY).unwrap_or_default()
    }

    /// Changes the stored settings. A refused write (storage off or full)
    /// keeps the app running with the change in memory only.
    pub fn update(change: impl FnOnce(&mut Settings)) -> Settings {
        let mut settings = Self::load();
        change(&mut settings);
        let _ = LocalStorage::set(KEY, &settings);
        settings
    }

    /// The relay's room-creation code, if this device was given one.
    pub fn room_creation_code(&self) -> Option<&str> {
        self.room_creation
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())
    }

    /// The author to record on changes, if the coordinator has given a name.
    pub fn author(&self) -> Option<Author> {
        let coordinator = self.coordinator.as_ref()?;
        let id: CoordinatorId = coordinator.id.parse().ok()?;
        Some(Author {
            id,
            name: coordinator.name.clone(),
        })
    }

    /// Remembers the coordinator's name, keeping the id this device already
    /// has or making one.
    pub fn remember_author(name: &str) -> Author {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let settings = Self::update(|settings| {
            let id = settings
                .coordinator
                .as_ref()
                .and_then(|c| c.id.parse::<CoordinatorId>().ok())
                .unwrap_or_else(CoordinatorId::random);
            settings.coordinator = Some(Coordinator {
                id: id.to_string(),
                name: name.clone(),
            });
        });
        settings.author().unwrap_or_else(|| Author::new(name))
    }
}

/// What this browser knows about a programme's exchanges: when the last
/// backup file was made, and what each partner organisation has seen.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExchangeRecord {
    #[serde(default)]
    pub last_backup_at: Option<i64>,
    /// Partner id → the heads of the last file made for or received from it.
    #[serde(default)]
    pub seen_by_partner: BTreeMap<String, Vec<String>>,
}

impl ExchangeRecord {
    fn key(programme: ProgrammeId) -> String {
        format!("tandem.exchange.{programme}")
    }

    /// The record of a programme; empty if there is none or it is unreadable.
    pub fn load(programme: ProgrammeId) -> Self {
        LocalStorage::get(Self::key(programme)).unwrap_or_default()
    }

    /// Stores the record; a refused write only loses this bookkeeping.
    pub fn save(&self, programme: ProgrammeId) {
        let _ = LocalStorage::set(Self::key(programme), self);
    }
}

/// A programme shared through a relay, as this browser knows it: the room
/// and key (the invite link's fragment), where the relay is, and how far
/// this browser has synced. Kept sealed beside the programmes (see
/// `crate::storage`); a record an earlier version kept in localStorage is
/// moved there when first read.
///
/// `D` is what a device of a member list keeps: a programme's record
/// ([`DeviceRecord`]); a tandem page, which syncs by its room key alone,
/// keeps none ([`PageRecord`]), so the participant's app carries none of
/// the member lists' types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRecord<D = DeviceRecord> {
    /// `room=…&key=…`, as in the invite link.
    pub invite: String,
    /// The relay's WebSocket address, if not the app's own host.
    #[serde(default)]
    pub relay: Option<String>,
    /// The relay's sequence up to which everything is merged here.
    #[serde(default)]
    pub last_seen: u64,
    /// The heads the relay is known to hold.
    #[serde(default)]
    pub acknowledged: Vec<String>,
    /// The sequence of the last snapshot this browser uploaded.
    #[serde(default)]
    pub snapshot_at: u64,
    /// This browser as a device of the programme's member list, once the
    /// programme is shared by device (protocol 2); `None` for a room
    /// opened by its key alone.
    /// (A record without this field reads as `None`, as for any `Option`.)
    pub device: Option<D>,
    /// The secret that owns the room, where this browser made it as an
    /// owned room (a tandem page's, see `tandem_sync::owner`): only it
    /// may retire the room or replace its log. Never part of a link.
    /// Left out where there is none: such records read as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl<D> Default for SyncRecord<D> {
    fn default() -> Self {
        Self {
            invite: String::new(),
            relay: None,
            last_seen: 0,
            acknowledged: Vec::new(),
            snapshot_at: 0,
            device: None,
            owner: None,
        }
    }
}

/// A tandem page's record: a page has no device (its `device` is always
/// `None`; records stored before this type, with `"device": null`, read
/// as one).
pub type PageRecord = SyncRecord<NoDevice>;

/// The personal links of a tandem page (see `tandem_sync::page_link`):
/// on a coordinator's browser, the secret of each participant's link; on a
/// participant's, the secret of the link it opened. Kept sealed beside
/// the page's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLinks {
    /// Person id → the secret of that person's link (coordinators).
    #[serde(default)]
    pub holders: std::collections::BTreeMap<String, String>,
    /// The secret of the link this browser opened (a participant).
    #[serde(default)]
    pub own: Option<String>,
}

impl PageLinks {
    fn key(tandem: TandemId) -> String {
        format!("tandem.page-links.{tandem}")
    }

    /// The links kept for `tandem`; none if there are none or they do
    /// not read.
    pub async fn load(tandem: TandemId) -> Self {
        let Ok(store) = ProgrammeStore::open().await else {
            return Self::default();
        };
        match store.load_small(&Self::key(tandem)).await {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_default(),
            _ => Self::default(),
        }
    }

    /// Stores the links of `tandem`, sealed.
    pub async fn save(&self, tandem: TandemId) -> Result<(), StorageError> {
        let bytes =
            serde_json::to_vec(self).map_err(|error| StorageError::Failed(error.to_string()))?;
        ProgrammeStore::open()
            .await?
            .put_small(&Self::key(tandem), &bytes)
            .await
    }
}

/// No device: what a tandem page's record keeps of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoDevice {}

/// What a device keeps of its membership between sessions: its identity
/// (the secret halves, which is why the record is sealed) and the member
/// list as it has checked it; the epoch keys follow from both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The identity's secret bytes (`DeviceIdentity::to_secret_bytes`).
    pub identity: Vec<u8>,
    /// The signed entries of the member list, in order.
    #[serde(default)]
    pub entries: Vec<Vec<u8>>,
    /// Whether the genesis entry is stored at the relay; until then the
    /// founding device lays it down with the room key.
    #[serde(default)]
    pub founded: bool,
    /// Invitations this device made (link fragments): their secrets open
    /// the profiles of the devices that introduce themselves with them.
    #[serde(default)]
    pub invitations: Vec<String>,
    /// Devices whose request this device's coordinator declined (ids in
    /// hex): not shown again.
    #[serde(default)]
    pub declined: Vec<String>,
    /// Devices an admin of this browser added without an invitation, still
    /// to be entered in this room's member list once connected: those of
    /// the programme's previous generation (after an erasure, by the admin
    /// who made the new generation), and those approved by file.
    #[serde(default)]
    pub carry: Vec<CarriedDevice>,
    /// The changes each member's signed deliveries vouched for: who made
    /// what, as the history shows it.
    #[serde(default)]
    pub vouched: tandem_core::Provenance,
}

/// A device to be entered in the member list: one of the previous
/// generation, or one approved by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedDevice {
    pub keys: tandem_sync::access::DeviceKeys,
    pub role: tandem_sync::access::Role,
    /// Its profile as it gave it (coordinator's name, organisation).
    pub profile: Vec<u8>,
}

impl DeviceRecord {
    /// The device's identity, if the kept bytes are one.
    pub fn identity(&self) -> Option<tandem_sync::access::DeviceIdentity> {
        let bytes: &[u8; 64] = self.identity.as_slice().try_into().ok()?;
        Some(tandem_sync::access::DeviceIdentity::from_secret_bytes(
            bytes,
        ))
    }
}

impl SyncRecord {
    /// Where a programme's record is kept.
    pub fn key(programme: ProgrammeId) -> String {
        format!("tandem.sync.{programme}")
    }

    /// The record of a shared programme; `None` if it is not shared here.
    pub async fn load(programme: ProgrammeId) -> Option<Self> {
        Self::load_at(&Self::key(programme)).await
    }

    /// Stores the record; a refused write means the next start syncs from
    /// further back, which costs time but loses nothing.
    pub async fn save(&self, programme: ProgrammeId) -> Result<(), StorageError> {
        self.save_at(&Self::key(programme)).await
    }

    /// Stops syncing on this device: the record goes, sealed or plain.
    pub async fn remove_at(key: &str) {
        LocalStorage::delete(key);
        if let Ok(store) = ProgrammeStore::open().await {
            let _ = store.delete_small(key).await;
        }
    }
}

impl PageRecord {
    /// Where a tandem page's record is kept.
    pub fn page_key(tandem: TandemId) -> String {
        format!("tandem.page-sync.{tandem}")
    }
}

impl<D: Serialize + serde::de::DeserializeOwned> SyncRecord<D> {
    /// The record kept under `key`, if there is one. One an earlier
    /// version kept plain in localStorage is sealed now and leaves
    /// localStorage; where it cannot be sealed it stays where it is, so
    /// nothing is lost.
    pub async fn load_at(key: &str) -> Option<Self> {
        let store = ProgrammeStore::open().await.ok()?;
        if let Ok(Some(bytes)) = store.load_small(key).await {
            if let Ok(record) = serde_json::from_slice(&bytes) {
                return Some(record);
            }
        }
        let plain: Self = LocalStorage::get(key).ok()?;
        // `save_at` removes the plain copy once the sealed one is stored.
        let _ = plain.save_at(key).await;
        Some(plain)
    }

    /// Stores the record under `key`, sealed.
    pub async fn save_at(&self, key: &str) -> Result<(), StorageError> {
        let bytes =
            serde_json::to_vec(self).map_err(|error| StorageError::Failed(error.to_string()))?;
        ProgrammeStore::open().await?.put_small(key, &bytes).await?;
        LocalStorage::delete(key);
        Ok(())
    }
}
