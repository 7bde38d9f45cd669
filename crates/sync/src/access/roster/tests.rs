//! The member list checked as a partner's browser and the relay check it.

use super::*;
use crate::access::{BlobKind, SignedBlob};

const NOW: u64 = 1_800_000_000;

/// A programme with its admin device, its entries and its epoch keys.
struct Programme {
    room: RoomId,
    admin: DeviceIdentity,
    roster: Roster,
    entries: Vec<Vec<u8>>,
    keys: Vec<EpochKey>,
}

impl Programme {
    fn new() -> Self {
        let room = RoomId::random().unwrap();
        let admin = DeviceIdentity::generate().unwrap();
        let key = EpochKey::random(0).unwrap();
        let mut programme = Self {
            room,
            roster: Roster::new(room),
            entries: Vec::new(),
            keys: vec![key.clone()],
            admin,
        };
        let change = Change::Genesis {
            keys: programme.admin.keys(),
            profile: key
                .seal_profile(&room, &programme.admin.id(), b"Petra Probe, Duesseldorf")
                .unwrap(),
            wrap: key.wrap_for(&room, &programme.admin.keys()).unwrap(),
        };
        let admin = programme.admin.clone();
        programme.sign(&admin, change).unwrap();
        programme
    }

    fn key(&self) -> &EpochKey {
        self.keys.last().unwrap()
    }

    fn entry(&self, author: &DeviceIdentity, change: Change) -> Vec<u8> {
        let entry = self.roster.next(author.id(), NOW, change);
        SignedEntry::sign(author, &entry).unwrap().encode()
    }

    fn sign(&mut self, author: &DeviceIdentity, change: Change) -> Result<Entry, AccessError> {
        let bytes = self.entry(author, change);
        let entry = self.roster.apply(&bytes, Some(NOW))?;
        self.entries.push(bytes);
        Ok(entry)
    }

    fn invite(&mut self) -> Invitation {
        let invitation = Invitation::new(&self.roster, NOW, INVITATION_LIFETIME).unwrap();
        let admin = self.admin.clone();
        self.sign(&admin, invitation.announcement()).unwrap();
        invitation
    }

    /// A new device invited, introduced and approved with `role`.
    fn join(&mut self, role: Role) -> DeviceIdentity {
        let invitation = self.invite();
        let device = DeviceIdentity::generate().unwrap();
        let introduction = invitation
            .introduction(&device, b"Karla Koeln, Stadt Koeln")
            .unwrap();
        self.sign(&device, introduction).unwrap();
        let admin = self.admin.clone();
        let approval = self.approval(&device.keys(), role);
        self.sign(&admin, approval).unwrap();
        device
    }

    fn approval(&self, keys: &DeviceKeys, role: Role) -> Change {
        Change::Approve {
            device: keys.signing,
            role,
            profile: self
                .key()
                .seal_profile(&self.room, &keys.signing, b"Karla Koeln")
                .unwrap(),
            wrap: self.key().wrap_for(&self.room, keys).unwrap(),
        }
    }

    /// A rotation to a new epoch key for the current devices except `without`.
    fn rotation(&mut self, without: Option<DeviceId>) -> Rotation {
        let next = EpochKey::random(self.key().epoch + 1).unwrap();
        let devices: Vec<DeviceKeys> = self
            .roster
            .current()
            .map(|member| member.keys)
            .filter(|keys| Some(keys.signing) != without)
            .collect();
        let rotation = Rotation::new(&self.room, self.key(), &next, &devices).unwrap();
        self.keys.push(next);
        rotation
    }
}

#[test]
fn a_device_invited_introduced_and_approved_is_a_member_with_the_key() {
    let mut programme = Programme::new();
    assert!(programme.roster.is_admin(&programme.admin.id()));
    let karla = programme.join(Role::Coordinator);
    assert!(programme.roster.is_current(&karla.id()));
    assert!(!programme.roster.is_admin(&karla.id()));
    let member = programme.roster.member(&karla.id()).unwrap();
    assert_eq!(member.added_by, programme.admin.id());
    let Change::Approve { wrap, .. } = SignedEntry::decode(programme.entries.last().unwrap())
        .unwrap()
        .read()
        .unwrap()
        .change
    else {
        panic!("an approval");
    };
    let key = EpochKey::unwrap(&programme.room, 0, &karla, &wrap).unwrap();
    assert_eq!(&key, programme.key());
    // Anyone replaying the stored entries reaches the same list.
    let again =
        Roster::from_entries(programme.room, programme.entries.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(again, programme.roster);
}

#[test]
fn an_introduced_device_is_not_a_member_until_approved() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let device = DeviceIdentity::generate().unwrap();
    let introduction = invitation.introduction(&device, b"Karla").unwrap();
    programme.sign(&device, introduction).unwrap();
    assert!(programme.roster.is_pending(&device.id()));
    assert!(!programme.roster.is_current(&device.id()));
    // The admin reads who asks; the profile is sealed to the invitation.
    let pending = programme.roster.pending().next().unwrap();
    assert_eq!(invitation.open_profile(pending).unwrap(), b"Karla");
    assert!(!pending.profile.windows(5).any(|w| w == b"Karla"));
}

#[test]
fn an_invitation_introduces_one_device_only() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let first = DeviceIdentity::generate().unwrap();
    let change = invitation.introduction(&first, b"first").unwrap();
    programme.sign(&first, change).unwrap();
    let second = DeviceIdentity::generate().unwrap();
    let change = invitation.introduction(&second, b"second").unwrap();
    assert_eq!(
        programme.sign(&second, change),
        Err(AccessError::InvitationUsed)
    );
    assert!(!programme.roster.is_pending(&second.id()));
}

#[test]
fn an_invitation_after_its_expiry_or_without_its_secret_is_refused() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let device = DeviceIdentity::generate().unwrap();
    let bytes = programme.entry(&device, invitation.introduction(&device, b"x").unwrap());
    let mut late = programme.roster.clone();
    assert_eq!(
        late.apply(&bytes, Some(invitation.expires)),
        Err(AccessError::InvitationExpired)
    );
    // Guessing the proof does not work either.
    let Change::Introduce {
        invitation: id,
        keys,
        profile,
        ..
    } = invitation.introduction(&device, b"x").unwrap()
    else {
        panic!("an introduction");
    };
    let guessed = Change::Introduce {
        invitation: id,
        proof: [0; 32],
        keys,
        profile,
    };
    assert_eq!(
        programme.sign(&device, guessed),
        Err(AccessError::WrongProof)
    );
}

#[test]
fn a_forged_entry_is_refused() {
    let mut programme = Programme::new();
    let invitation = Invitation::new(&programme.roster, NOW, 60).unwrap();
    // Signed by a stranger in the admin's name.
    let stranger = DeviceIdentity::generate().unwrap();
    let entry = programme
        .roster
        .next(programme.admin.id(), NOW, invitation.announcement());
    let forged = SignedEntry::sign(&stranger, &entry).unwrap().encode();
    assert_eq!(
        programme.roster.clone().apply(&forged, Some(NOW)),
        Err(AccessError::BadSignature)
    );
    // Altered after signing.
    let mut altered = programme.entry(&programme.admin, invitation.announcement());
    let last = altered.len() - 70;
    altered[last] ^= 1;
    assert!(programme.roster.clone().apply(&altered, Some(NOW)).is_err());
    // Not following the chain.
    let mut entry = programme
        .roster
        .next(programme.admin.id(), NOW, invitation.announcement());
    entry.previous = [7; 32];
    let unchained = SignedEntry::sign(&programme.admin, &entry)
        .unwrap()
        .encode();
    assert_eq!(
        programme.roster.clone().apply(&unchained, Some(NOW)),
        Err(AccessError::BrokenChain)
    );
    // Another room.
    let mut entry = programme
        .roster
        .next(programme.admin.id(), NOW, invitation.announcement());
    entry.room = RoomId::from_bytes([1; 16]);
    let elsewhere = SignedEntry::sign(&programme.admin, &entry)
        .unwrap()
        .encode();
    assert_eq!(
        programme.roster.clone().apply(&elsewhere, Some(NOW)),
        Err(AccessError::WrongRoom)
    );
    // A second genesis.
    let key = EpochKey::random(0).unwrap();
    let genesis = Change::Genesis {
        keys: stranger.keys(),
        profile: Vec::new(),
        wrap: key.wrap_for(&programme.room, &stranger.keys()).unwrap(),
    };
    assert_eq!(
        programme.sign(&stranger, genesis),
        Err(AccessError::Genesis)
    );
    assert_eq!(programme.roster.len(), 1);
}

#[test]
fn a_coordinator_may_not_invite_approve_remove_or_rotate() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let invitation = Invitation::new(&programme.roster, NOW, 60).unwrap();
    assert_eq!(
        programme.sign(&karla, invitation.announcement()),
        Err(AccessError::NeedsAdmin("invite"))
    );
    let rotation = programme.rotation(Some(programme.admin.id()));
    let removal = Change::Remove {
        device: programme.admin.id(),
        rotation,
    };
    assert_eq!(
        programme.sign(&karla, removal),
        Err(AccessError::NeedsAdmin("remove a device"))
    );
    assert!(programme.roster.is_admin(&programme.admin.id()));
}

#[test]
fn removing_a_device_starts_an_epoch_wrapped_for_the_others_only() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let otto = programme.join(Role::Coordinator);
    let admin = programme.admin.clone();
    // A rotation that still wraps for Karla is refused.
    let leaky = programme.rotation(None);
    programme.keys.pop();
    assert_eq!(
        programme.sign(
            &admin,
            Change::Remove {
                device: karla.id(),
                rotation: leaky
            }
        ),
        Err(AccessError::WrongWraps)
    );
    let rotation = programme.rotation(Some(karla.id()));
    programme
        .sign(
            &admin,
            Change::Remove {
                device: karla.id(),
                rotation: rotation.clone(),
            },
        )
        .unwrap();
    assert_eq!(programme.roster.epoch(), 1);
    assert!(!programme.roster.is_current(&karla.id()));
    assert!(programme.roster.is_current(&otto.id()));
    for wrap in &rotation.wraps {
        assert_ne!(wrap.device, karla.id());
        assert!(EpochKey::unwrap(&programme.room, 1, &karla, wrap).is_err());
    }
    let otto_wrap = rotation
        .wraps
        .iter()
        .find(|w| w.device == otto.id())
        .unwrap();
    let new = EpochKey::unwrap(&programme.room, 1, &otto, otto_wrap).unwrap();
    assert_eq!(&new, programme.key());
    // The new key opens the old one, for reading the history.
    assert_eq!(
        new.open_previous(&programme.room, &rotation.previous)
            .unwrap(),
        programme.keys[0]
    );
}

#[test]
fn the_last_admin_cannot_leave() {
    let mut programme = Programme::new();
    let admin = programme.admin.clone();
    assert_eq!(
        programme.sign(&admin, Change::Leave),
        Err(AccessError::LastAdmin)
    );
    let karla = programme.join(Role::Coordinator);
    programme.sign(&karla, Change::Leave).unwrap();
    assert!(programme.roster.rotation_due());
    assert!(!programme.roster.is_current(&karla.id()));
}

#[test]
fn a_change_signed_by_a_non_member_or_with_a_bad_signature_is_refused() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let room = programme.room;
    let good = SignedBlob::seal(&karla, programme.key(), &room, BlobKind::Change, 1, b"x").unwrap();
    assert!(programme.roster.check_blob(&good, true).is_ok());
    assert_eq!(good.open(programme.key(), &room).unwrap(), b"x");

    let stranger = DeviceIdentity::generate().unwrap();
    let foreign =
        SignedBlob::seal(&stranger, programme.key(), &room, BlobKind::Change, 1, b"x").unwrap();
    assert_eq!(
        programme.roster.check_blob(&foreign, false),
        Err(AccessError::NotMember)
    );
    // Karla's name on the stranger's signature.
    let mut claimed = foreign.clone();
    claimed.device = karla.id();
    assert_eq!(
        programme.roster.check_blob(&claimed, false),
        Err(AccessError::BadSignature)
    );
    // Sealed bytes changed after signing.
    let mut bent = good.clone();
    bent.sealed[30] ^= 1;
    assert_eq!(
        programme.roster.check_blob(&bent, false),
        Err(AccessError::BadSignature)
    );
    // Moved to another kind: the signature no longer covers it.
    let mut moved = good;
    moved.kind = BlobKind::Snapshot;
    assert_eq!(
        programme.roster.check_blob(&moved, false),
        Err(AccessError::BadSignature)
    );
}

#[test]
fn a_retire_or_snapshot_signed_by_a_non_admin_is_refused() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let room = programme.room;
    for kind in [BlobKind::Snapshot, BlobKind::Retire] {
        let blob = SignedBlob::seal(&karla, programme.key(), &room, kind, 3, b"x").unwrap();
        assert!(matches!(
            programme.roster.check_blob(&blob, true),
            Err(AccessError::NeedsAdmin(_))
        ));
        let by_admin =
            SignedBlob::seal(&programme.admin, programme.key(), &room, kind, 3, b"x").unwrap();
        assert!(programme.roster.check_blob(&by_admin, true).is_ok());
    }
}

#[test]
fn a_removed_devices_old_changes_stay_readable_and_new_ones_are_refused() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let room = programme.room;
    let before =
        SignedBlob::seal(&karla, programme.key(), &room, BlobKind::Change, 1, b"a").unwrap();
    let rotation = programme.rotation(Some(karla.id()));
    let admin = programme.admin.clone();
    programme
        .sign(
            &admin,
            Change::Remove {
                device: karla.id(),
                rotation,
            },
        )
        .unwrap();
    // History: still Karla's, checked against the epoch it was made in.
    assert!(programme.roster.check_blob(&before, false).is_ok());
    // Live, with the old key: refused.
    assert_eq!(
        programme.roster.check_blob(&before, true),
        Err(AccessError::NotMember)
    );
    // Claiming the new epoch: Karla never held it.
    let forged = SignedBlob::seal(
        &karla,
        &EpochKey::random(1).unwrap(),
        &room,
        BlobKind::Change,
        2,
        b"b",
    )
    .unwrap();
    assert_eq!(
        programme.roster.check_blob(&forged, false),
        Err(AccessError::NotMember)
    );
}

#[test]
fn sealed_profiles_and_blobs_show_no_plaintext() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let room = programme.room;
    let blob = SignedBlob::seal(
        &karla,
        programme.key(),
        &room,
        BlobKind::Change,
        1,
        b"Mentee Jolanda Beispielfrau",
    )
    .unwrap()
    .encode();
    let everything: Vec<u8> = programme.entries.concat().into_iter().chain(blob).collect();
    for secret in [
        b"Petra Probe".as_slice(),
        b"Karla Koeln",
        b"Jolanda",
        &programme.key().to_bytes()[..16],
    ] {
        assert!(
            !everything.windows(secret.len()).any(|w| w == secret),
            "{secret:?} in the clear"
        );
    }
}

#[test]
fn an_invitation_link_reads_back_and_holds_no_content_key() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let fragment = invitation.to_fragment();
    let again = Invitation::from_fragment(&format!("#{fragment}")).unwrap();
    assert_eq!(again, invitation);
    assert_eq!(again.genesis, programme.roster.genesis().unwrap());
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(programme.key().to_bytes());
    assert!(!fragment.contains(&key));
    assert!(Invitation::from_fragment("room=00&secret=x").is_none());
    assert!(!format!("{invitation:?}").contains("secret"));
}

#[test]
fn a_declined_device_gets_no_key_and_only_an_admin_declines() {
    let mut programme = Programme::new();
    let otto = programme.join(Role::Coordinator);
    let invitation = programme.invite();
    let stranger = DeviceIdentity::generate().unwrap();
    let introduction = invitation.introduction(&stranger, b"Unbekannt").unwrap();
    programme.sign(&stranger, introduction).unwrap();
    let decline = Change::Decline {
        device: stranger.id(),
    };
    // A coordinator may not decline, and the device not decline itself.
    assert_eq!(
        programme.sign(&otto, decline.clone()),
        Err(AccessError::NeedsAdmin("decline a device"))
    );
    assert_eq!(
        programme.sign(&stranger, decline.clone()),
        Err(AccessError::NotMember)
    );
    let admin = programme.admin.clone();
    programme.sign(&admin, decline.clone()).unwrap();
    assert!(programme.roster.is_declined(&stranger.id()));
    assert!(!programme.roster.is_pending(&stranger.id()));
    assert!(!programme.roster.is_current(&stranger.id()));
    // Declined is decided: no approval afterwards, no second decline.
    let approval = programme.approval(&stranger.keys(), Role::Coordinator);
    assert_eq!(
        programme.sign(&admin, approval),
        Err(AccessError::NotPending)
    );
    assert_eq!(
        programme.sign(&admin, decline),
        Err(AccessError::NotPending)
    );
    // Anyone replaying the entries reaches the same list.
    let again =
        Roster::from_entries(programme.room, programme.entries.iter().map(Vec::as_slice)).unwrap();
    assert_eq!(again, programme.roster);
    // The same device may ask again with a new invitation.
    let second = programme.invite();
    let introduction = second.introduction(&stranger, b"Karla Koeln").unwrap();
    programme.sign(&stranger, introduction).unwrap();
    assert!(programme.roster.is_pending(&stranger.id()));
    assert!(!programme.roster.is_declined(&stranger.id()));
}

#[test]
fn a_rotation_after_a_leave_excludes_the_device_and_records_when() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let otto = programme.join(Role::Coordinator);
    assert_eq!(programme.roster.epoch_since(), NOW);
    programme.sign(&karla, Change::Leave).unwrap();
    assert!(programme.roster.rotation_due());
    // A rotation that still wraps for the one who left is refused.
    let next = EpochKey::random(1).unwrap();
    let mut devices: Vec<DeviceKeys> = programme.roster.current().map(|m| m.keys).collect();
    devices.push(karla.keys());
    let keeping = Rotation::new(&programme.room, programme.key(), &next, &devices).unwrap();
    let admin = programme.admin.clone();
    assert_eq!(
        programme.sign(&admin, Change::Rotate { rotation: keeping }),
        Err(AccessError::WrongWraps)
    );
    let rotation = programme.rotation(None);
    assert!(rotation.wraps.iter().all(|wrap| wrap.device != karla.id()));
    let entry = programme
        .roster
        .next(admin.id(), NOW + 60, Change::Rotate { rotation });
    let bytes = SignedEntry::sign(&admin, &entry).unwrap().encode();
    programme.roster.apply(&bytes, Some(NOW + 60)).unwrap();
    assert!(!programme.roster.rotation_due());
    assert_eq!(programme.roster.epoch(), 1);
    assert_eq!(programme.roster.epoch_since(), NOW + 60);
    assert!(programme.roster.is_current(&otto.id()));
}

#[test]
fn an_admin_carries_a_device_of_the_previous_generation_and_no_one_else_may() {
    let mut programme = Programme::new();
    let otto = programme.join(Role::Coordinator);
    let karla = DeviceIdentity::generate().unwrap();
    let carry = |programme: &Programme, keys: &DeviceKeys| Change::Carry {
        keys: *keys,
        role: Role::Coordinator,
        profile: programme
            .key()
            .seal_profile(&programme.room, &keys.signing, b"Karla Koeln")
            .unwrap(),
        wrap: programme.key().wrap_for(&programme.room, keys).unwrap(),
    };
    let change = carry(&programme, &karla.keys());
    assert_eq!(
        programme.sign(&otto, change.clone()),
        Err(AccessError::NeedsAdmin("carry a device over"))
    );
    // A device cannot carry itself in.
    assert_eq!(
        programme.sign(&karla, change.clone()),
        Err(AccessError::NotMember)
    );
    let admin = programme.admin.clone();
    programme.sign(&admin, change.clone()).unwrap();
    assert!(programme.roster.is_current(&karla.id()));
    assert!(!programme.roster.is_admin(&karla.id()));
    let member = programme.roster.member(&karla.id()).unwrap();
    assert_eq!(member.added_by, admin.id());
    let Change::Carry { wrap, .. } = change else {
        panic!("a carry")
    };
    assert_eq!(
        &EpochKey::unwrap(&programme.room, 0, &karla, &wrap).unwrap(),
        programme.key()
    );
    // Once in, not again; and a wrap for another device is refused.
    let again = carry(&programme, &karla.keys());
    assert_eq!(
        programme.sign(&admin, again),
        Err(AccessError::AlreadyKnown)
    );
    let stranger = DeviceIdentity::generate().unwrap();
    let Change::Carry {
        keys,
        role,
        profile,
        ..
    } = carry(&programme, &stranger.keys())
    else {
        panic!("a carry")
    };
    let wrong = Change::Carry {
        keys,
        role,
        profile,
        wrap,
    };
    assert_eq!(programme.sign(&admin, wrong), Err(AccessError::WrongWraps));
}
