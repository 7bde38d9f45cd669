//! Who may read and write the open programme: this browser as a device of
//! the programme's signed member list (see `tandem_sync::access`).
//!
//! Sharing makes this device the programme's first admin (the genesis of
//! the list). An admin makes single-use invitations, sees the devices that
//! introduced themselves with one, approves them (only then do they get
//! the programme's key) or declines them, and removes devices (a new key
//! epoch without them). What the panel shows comes from the list as this
//! device checked it, not from what the relay says.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use tandem_core::Contents;
use tandem_sync::access::{
    Approval, DeviceId, DeviceIdentity, DeviceSync, FileError, Invitation, JoinRequest, Role,
    INVITATION_LIFETIME,
};
use tandem_sync::Invite;

use super::ProgrammeSession;
use crate::live::device::JOINING_ROLE;
use crate::live::{now_seconds, Live};
use crate::settings::{CarriedDevice, DeviceRecord, Settings, SyncRecord};

/// What a device tells about itself: the coordinator and organisation.
/// Sealed in the member list; only members read it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub organisation: String,
}

impl Profile {
    /// The coordinator of this browser, as the settings know them.
    pub fn of_settings() -> Self {
        let settings = Settings::load();
        Self {
            name: settings
                .coordinator
                .map(|coordinator| coordinator.name)
                .unwrap_or_default(),
            organisation: settings.organisation.unwrap_or_default(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A profile as a device sent it; one that is no profile of this app
    /// shows as its text.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_else(|_| Self {
            name: String::from_utf8_lossy(bytes).into_owned(),
            organisation: String::new(),
        })
    }

    /// "Karla Köln (Stadt Köln)" (or the name alone).
    pub fn named(&self) -> String {
        if self.organisation.trim().is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.organisation)
        }
    }

    /// "Karla Köln, Stadt Köln" (or the name alone).
    pub fn label(&self) -> String {
        if self.organisation.trim().is_empty() {
            self.name.clone()
        } else {
            format!("{}, {}", self.name, self.organisation)
        }
    }
}

/// One device of the member list, as the share panel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub device: DeviceId,
    pub profile: Profile,
    pub admin: bool,
    pub fingerprint: String,
    pub added_by: String,
    pub added_at: u64,
    /// This browser.
    pub me: bool,
}

/// A device that introduced itself and waits for approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView {
    pub device: DeviceId,
    pub profile: Profile,
    pub fingerprint: String,
}

/// An invitation this device made that nobody used yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    pub link: String,
    pub expires: u64,
}

/// The member list as this device sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccessView {
    pub admin: bool,
    /// This browser is a current member, connected or not.
    pub member: bool,
    pub members: Vec<MemberView>,
    pub requests: Vec<RequestView>,
    pub invitations: Vec<InvitationView>,
    /// Devices an admin of this browser approved by file, to be added to
    /// the list once this browser is connected.
    pub admitting: Vec<RequestView>,
    /// The current key epoch and when it began.
    pub epoch: u64,
    pub epoch_since: u64,
    /// A device left and no admin has started a new epoch yet.
    pub rotation_due: bool,
}

/// Hex of a device id, as kept in the record.
fn hex(device: &DeviceId) -> String {
    device.0.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Who made a change, as the history and the list of clashes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authorship {
    /// The programme is not shared by device: there is only the name the
    /// change gives itself.
    Given,
    /// A signed delivery of the member device behind the change held it:
    /// the coordinator the member list names for that device.
    Checked(Profile),
    /// Shared by device, but no delivery of the device behind the change
    /// vouched for it (made before the device list, passed on by another
    /// device, older than the snapshot this device joined by, or not sent
    /// yet): the name it gives itself is not checked.
    Unchecked,
}

impl ProgrammeSession {
    /// Who made change `seq` of the Automerge actor `actor` (hex).
    pub fn authorship(&self, actor: &str, seq: u64) -> Authorship {
        self.relay.with_value(|link| {
            let Some(device) = link.as_ref().and_then(|link| link.device()) else {
                return Authorship::Given;
            };
            device
                .made_by(actor, seq)
                .map_or(Authorship::Unchecked, |profile| {
                    Authorship::Checked(Profile::from_bytes(&profile))
                })
        })
    }

    /// This browser's device, while the programme is shared by device.
    pub(crate) fn device_id(&self) -> Option<DeviceId> {
        self.relay.with_value(|link| {
            link.as_ref()
                .and_then(|link| link.device())
                .map(|device| device.identity().id())
        })
    }

    /// Makes the document's next changes under an actor of this device,
    /// so that its signed pushes vouch for them (see
    /// `tandem_core::Provenance`).
    pub(crate) fn act_as_device(&self) {
        if let Some(device) = self.device_id() {
            self.document.update_value(|document| {
                if let Some(document) = document.as_mut() {
                    document.act_as_device(&device.0);
                }
            });
        }
    }

    /// The member list, if this programme is shared by device here.
    /// Follows every change of the list.
    pub fn access(&self) -> Option<AccessView> {
        self.members.track();
        self.relay.with_value(|link| {
            let link = link.as_ref()?;
            let device = link.device()?;
            let kept = link.record().device.as_ref()?;
            Some(access_view(
                device.sync(),
                device.identity(),
                kept,
                link.record().relay.as_deref(),
            ))
        })
    }

    /// Shares the programme: a new room, this device its first admin, the
    /// whole programme pushed as the room's first entry.
    pub fn share(&self) -> Result<(), String> {
        let i18n = self.i18n;
        if !crate::browser::secure_page() {
            return Err(i18n.t("share-insecure"));
        }
        self.attach_now();
        let programme = self
            .with_untracked(|programme| programme.id)
            .ok_or_else(|| i18n.t("error-document"))?;
        let invite = Invite::new_room().map_err(|_| i18n.t("share-no-randomness"))?;
        let identity = DeviceIdentity::generate().map_err(|_| i18n.t("share-no-randomness"))?;
        let secret = identity.to_secret_bytes().to_vec();
        let (_, genesis) = DeviceSync::found(
            invite.room,
            identity,
            &Profile::of_settings().to_bytes(),
            now_seconds(),
        )
        .map_err(|_| i18n.t("share-no-randomness"))?;
        let record = SyncRecord {
            invite: invite.to_fragment(),
            device: Some(DeviceRecord {
                identity: secret,
                entries: vec![genesis],
                ..DeviceRecord::default()
            }),
            ..SyncRecord::default()
        };
        // Shared at once; where the record cannot be stored (sealing
        // refused), sharing lasts as long as this tab.
        let stored = record.clone();
        leptos::task::spawn_local(async move {
            let _ = stored.save(programme).await;
        });
        self.start_relay(SyncRecord::key(programme), record, true);
        self.members.update(|n| *n += 1);
        Ok(())
    }

    /// A new single-use invitation, announced in the member list (an
    /// admin's, while connected).
    pub fn invite_device(&self) -> Result<(), String> {
        let i18n = self.i18n;
        let made = self.relay.try_update_value(|link| {
            let link = link.as_mut()?;
            let device = link.device_mut()?;
            if !device.is_member_connected() {
                return Some(Err(i18n.t("access-offline")));
            }
            if !device.is_admin() {
                return Some(Err(i18n.t("sync-refused-needs-admin")));
            }
            let now = now_seconds();
            let Ok(invitation) = Invitation::new(device.sync().roster(), now, INVITATION_LIFETIME)
            else {
                return Some(Err(i18n.t("share-no-randomness")));
            };
            if device
                .sync_mut()
                .append(invitation.announcement(), now)
                .is_err()
            {
                return Some(Err(i18n.t("access-failed")));
            }
            device.appended();
            if let Some(kept) = link.record_mut().device.as_mut() {
                kept.invitations.push(invitation.to_fragment());
            }
            Some(Ok(()))
        });
        self.after_access_change(made.flatten())
    }

    /// Approves a device that introduced itself: it gets the programme's
    /// key and becomes a coordinator of it.
    pub fn approve_device(&self, device: DeviceId) -> Result<(), String> {
        let i18n = self.i18n;
        let made = self.relay.try_update_value(|link| {
            let link = link.as_mut()?;
            let invitations = link.record().device.as_ref()?.invitations.clone();
            let me = link.device_mut()?;
            if !me.is_member_connected() {
                return Some(Err(i18n.t("access-offline")));
            }
            let pending = me
                .sync()
                .roster()
                .pending()
                .find(|pending| pending.keys.signing == device)?
                .clone();
            let profile = invitations
                .iter()
                .filter_map(|fragment| Invitation::from_fragment(fragment))
                .find(|invitation| invitation.id == pending.invitation)
                .and_then(|invitation| invitation.open_profile(&pending).ok())
                .unwrap_or_default();
            if me
                .sync_mut()
                .approve(device, JOINING_ROLE, &profile, now_seconds())
                .is_err()
            {
                return Some(Err(i18n.t("access-failed")));
            }
            me.appended();
            Some(Ok(()))
        });
        self.after_access_change(made.flatten())
    }

    /// Reads a request to join by file for an admin to check: the device's
    /// keys (its fingerprint) and profile, as it signed them.
    pub fn read_join_request(&self, bytes: &[u8]) -> Result<JoinRequest, String> {
        JoinRequest::decode(bytes).map_err(|error| {
            self.i18n.t(match error {
                FileError::Changed => "access-file-changed",
                FileError::Access(_) => "access-file-too-large",
                _ => "access-file-not-a-request",
            })
        })
    }

    /// Approves a device that asked to join by file (an admin's, online or
    /// not): it is added to the member list once this browser is connected
    /// and has read the list, by an entry made against the list as it is
    /// then. Returns the approval file for the device: the programme, its
    /// room and the member list as this browser knows it.
    pub fn approve_by_file(&self, request: &JoinRequest) -> Result<(String, Vec<u8>), String> {
        let i18n = self.i18n;
        let (name, programme) = self
            .export(Contents::Invite, None)
            .ok_or_else(|| i18n.t("error-document"))?;
        let made = self.relay.try_update_value(|link| {
            let link = link.as_mut()?;
            let me = link.device()?;
            if !me.is_admin() {
                return Some(Err(i18n.t("sync-refused-needs-admin")));
            }
            let device = request.keys.signing;
            if me.sync().roster().knows(&device) {
                return Some(Err(i18n.t("access-file-known")));
            }
            let entries = me.sync().entries().to_vec();
            let room = me.sync().roster().room();
            let relay = link.record().relay.clone();
            let kept = link.record_mut().device.as_mut()?;
            if !kept
                .carry
                .iter()
                .any(|carried| carried.keys.signing == device)
            {
                kept.carry.push(CarriedDevice {
                    keys: request.keys,
                    role: JOINING_ROLE,
                    profile: request.profile.clone(),
                });
            }
            let approval = Approval {
                device,
                room,
                relay,
                entries,
                programme: programme.clone(),
            };
            Some(Ok(approval.encode()))
        });
        let bytes = made
            .flatten()
            .unwrap_or_else(|| Err(i18n.t("access-failed")))?;
        self.append_due();
        self.remember_progress();
        self.members.update(|n| *n += 1);
        Ok((name, bytes))
    }

    /// Declines a device's request (an admin's, while connected): a signed
    /// entry of the member list, so no admin sees it again, the device
    /// never gets the programme's key, and the relay admits it no more.
    pub fn decline_device(&self, device: DeviceId) -> Result<(), String> {
        let i18n = self.i18n;
        let made = self.relay.try_update_value(|link| {
            let link = link.as_mut()?;
            let me = link.device_mut()?;
            if !me.is_member_connected() {
                return Some(Err(i18n.t("access-offline")));
            }
            if !me.is_admin() {
                return Some(Err(i18n.t("sync-refused-needs-admin")));
            }
            if me.sync_mut().decline(device, now_seconds()).is_err() {
                return Some(Err(i18n.t("access-failed")));
            }
            me.appended();
            if let Some(kept) = link.record_mut().device.as_mut() {
                kept.declined.push(hex(&device));
            }
            Some(Ok(()))
        });
        self.after_access_change(made.flatten())
    }

    /// Removes a device: a new key epoch, wrapped for the others only.
    pub fn remove_device(&self, device: DeviceId) -> Result<(), String> {
        let i18n = self.i18n;
        let made = self.relay.try_update_value(|link| {
            let me = link.as_mut()?.device_mut()?;
            if !me.is_member_connected() {
                return Some(Err(i18n.t("access-offline")));
            }
            if me.sync_mut().remove(device, now_seconds()).is_err() {
                return Some(Err(i18n.t("access-failed")));
            }
            me.appended();
            Some(Ok(()))
        });
        self.after_access_change(made.flatten())
    }

    /// Sends what an access change queued and keeps the record.
    fn after_access_change(&self, made: Option<Result<(), String>>) -> Result<(), String> {
        let made = made.unwrap_or_else(|| Err(self.i18n.t("access-failed")));
        if made.is_ok() {
            self.flush();
            self.remember_progress();
            self.members.update(|n| *n += 1);
        }
        made
    }
}

/// The member list of `sync` as the panel shows it to `identity`.
fn access_view(
    sync: &DeviceSync,
    identity: &DeviceIdentity,
    kept: &DeviceRecord,
    relay: Option<&str>,
) -> AccessView {
    let roster = sync.roster();
    let me = identity.id();
    let profile_of = |device: &DeviceId| {
        sync.profile_of(device)
            .map(|bytes| Profile::from_bytes(&bytes))
            .unwrap_or_default()
    };
    let members = roster
        .current()
        .map(|member| MemberView {
            device: member.keys.signing,
            profile: profile_of(&member.keys.signing),
            admin: member.role == Role::Admin,
            fingerprint: member.keys.fingerprint(),
            added_by: profile_of(&member.added_by).label(),
            added_at: member.added_at,
            me: member.keys.signing == me,
        })
        .collect();
    let invitations: Vec<Invitation> = kept
        .invitations
        .iter()
        .filter_map(|fragment| Invitation::from_fragment(fragment))
        .collect();
    let requests = roster
        .pending()
        .filter(|pending| !kept.declined.contains(&hex(&pending.keys.signing)))
        .map(|pending| RequestView {
            device: pending.keys.signing,
            profile: invitations
                .iter()
                .find(|invitation| invitation.id == pending.invitation)
                .and_then(|invitation| invitation.open_profile(pending).ok())
                .map(|bytes| Profile::from_bytes(&bytes))
                .unwrap_or_default(),
            fingerprint: pending.keys.fingerprint(),
        })
        .collect();
    let admitting = kept
        .carry
        .iter()
        .filter(|carried| !roster.knows(&carried.keys.signing))
        .map(|carried| RequestView {
            device: carried.keys.signing,
            profile: Profile::from_bytes(&carried.profile),
            fingerprint: carried.keys.fingerprint(),
        })
        .collect();
    let now = now_seconds();
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let open = invitations
        .iter()
        .filter(|invitation| {
            roster
                .invitation_open(&invitation.id, &invitation.proof(), now)
                .is_ok()
        })
        .map(|invitation| InvitationView {
            link: invitation_link(&origin, invitation, relay),
            expires: invitation.expires,
        })
        .collect();
    AccessView {
        admin: roster.is_admin(&me),
        member: roster.is_current(&me),
        members,
        requests,
        invitations: open,
        admitting,
        epoch: roster.epoch(),
        epoch_since: roster.epoch_since(),
        rotation_due: roster.rotation_due(),
    }
}

/// `…/join#room=…&invitation=…[&relay=…]`.
fn invitation_link(origin: &str, invitation: &Invitation, relay: Option<&str>) -> String {
    let mut link = format!("{origin}/join#{}", invitation.to_fragment());
    if let Some(relay) = relay.and_then(|relay| js_sys::encode_uri_component(relay).as_string()) {
        link.push_str("&relay=");
        link.push_str(&relay);
    }
    link
}
