//! Devices talking through a relay that only passes frames on (it stands
//! in for the real one, whose own checks are tested in the relay's tests):
//! what each device checks by itself.

use super::*;
use crate::access::{DeviceIdentity, INVITATION_LIFETIME};

const NOW: u64 = 1_800_000_000;

fn frame(frame: Frame) -> Vec<u8> {
    frame.encode(MAX_FRAME_BYTES).unwrap()
}

fn sent(device: &mut DeviceSync) -> Vec<Frame> {
    std::iter::from_fn(|| device.poll_transmit())
        .map(|bytes| Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap())
        .collect()
}

/// Hands every entry `device` appended back to each of `to` as the relay
/// would (and to `device` itself).
fn relay_entries(device: &mut DeviceSync, to: &mut [&mut DeviceSync]) {
    for sent in sent(device) {
        if let Frame::Access { position, entry } = sent {
            let access = frame(Frame::Access { position, entry });
            device
                .receive(&frame(Frame::Ack { sequence: position }))
                .unwrap();
            device.receive(&access).unwrap();
            for other in to.iter_mut() {
                other.receive(&access).unwrap();
            }
        }
    }
}

fn show_list(from: &DeviceSync, to: &mut DeviceSync) {
    for (position, entry) in (0u64..).zip(from.entries()) {
        to.receive(&frame(Frame::Access {
            position,
            entry: entry.clone(),
        }))
        .unwrap();
    }
}

struct Programme {
    room: RoomId,
    admin: DeviceSync,
}

impl Programme {
    fn new() -> Self {
        let room = RoomId::random().unwrap();
        let identity = DeviceIdentity::generate().unwrap();
        let (admin, _genesis) = DeviceSync::found(room, identity, b"Petra Probe", NOW).unwrap();
        Self { room, admin }
    }

    fn invite(&mut self) -> Invitation {
        let invitation = Invitation::new(self.admin.roster(), NOW, INVITATION_LIFETIME).unwrap();
        self.admin.append(invitation.announcement(), NOW).unwrap();
        relay_entries(&mut self.admin, &mut []);
        invitation
    }

    /// A device joins: invitation, list, introduction, approval.
    fn join(&mut self, role: Role) -> DeviceSync {
        let invitation = self.invite();
        let identity = DeviceIdentity::generate().unwrap();
        let mut device = DeviceSync::resume(self.room, identity, None, &[], 0).unwrap();
        device.introduce(&invitation, b"Karla Koeln", NOW).unwrap();
        assert!(matches!(sent(&mut device)[..], [Frame::Introduce { .. }]));
        show_list(&self.admin, &mut device);
        assert_eq!(
            device.receive(&frame(Frame::Synced { latest: 0 })).unwrap(),
            None
        );
        relay_entries(&mut device, &mut [&mut self.admin]);
        let pending = self.admin.roster().pending().next().unwrap().clone();
        assert_eq!(invitation.open_profile(&pending).unwrap(), b"Karla Koeln");
        self.admin
            .approve(pending.keys.signing, role, b"Karla Koeln", NOW)
            .unwrap();
        relay_entries(&mut self.admin, &mut [&mut device]);
        assert_eq!(device.key(), self.admin.key());
        device
    }
}

fn deliver(to: &mut DeviceSync, from: &mut DeviceSync, sequence: u64) -> Option<DeviceEvent> {
    let Some(Frame::Push { blob }) = sent(from).pop() else {
        panic!("a push");
    };
    to.receive(&frame(Frame::Deliver { sequence, blob }))
        .unwrap()
}

#[test]
fn an_approved_device_reads_verified_changes_with_their_author() {
    let mut programme = Programme::new();
    let mut karla = programme.join(Role::Coordinator);
    programme.admin.push(b"Mentee Jolanda").unwrap();
    // Members are kept by device id: the admin is found by role, not place.
    let admin_id = programme
        .admin
        .roster()
        .current()
        .find(|member| member.role == Role::Admin)
        .unwrap()
        .keys
        .signing;
    assert_eq!(
        deliver(&mut karla, &mut programme.admin, 1),
        Some(DeviceEvent::Changes {
            sequence: 1,
            changes: b"Mentee Jolanda".to_vec(),
            author: admin_id,
        })
    );
    assert_eq!(karla.last_seen(), 1);
    // Kept and resumed, the device has the same list and key.
    let again = DeviceSync::resume(
        programme.room,
        karla.identity.clone(),
        None,
        karla.entries(),
        karla.last_seen(),
    )
    .unwrap();
    assert_eq!(again.key(), karla.key());
}

#[test]
fn a_list_from_another_genesis_is_refused_when_joining_by_link() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let other = Programme::new();
    let identity = DeviceIdentity::generate().unwrap();
    let mut device = DeviceSync::resume(programme.room, identity, None, &[], 0).unwrap();
    device.introduce(&invitation, b"Karla", NOW).unwrap();
    let genesis = frame(Frame::Access {
        position: 0,
        entry: other.admin.entries()[0].clone(),
    });
    // Another room's list does not even check; the same room with another
    // genesis is named as another programme.
    assert!(device.receive(&genesis).is_err());
    let forged_room = Programme {
        room: programme.room,
        admin: DeviceSync::found(
            programme.room,
            DeviceIdentity::generate().unwrap(),
            b"Mallory",
            NOW,
        )
        .unwrap()
        .0,
    };
    let genesis = frame(Frame::Access {
        position: 0,
        entry: forged_room.admin.entries()[0].clone(),
    });
    assert_eq!(device.receive(&genesis), Err(DeviceError::OtherProgramme));
}

#[test]
fn a_delivery_signed_by_no_member_is_rejected_and_reported() {
    let mut programme = Programme::new();
    let mut karla = programme.join(Role::Coordinator);
    // A stranger with the epoch key (the relay operator could not have it;
    // say a stolen copy) signs with its own key.
    let stranger = DeviceIdentity::generate().unwrap();
    let blob = SignedBlob::seal(
        &stranger,
        karla.key().unwrap(),
        &programme.room,
        BlobKind::Change,
        1,
        b"forged",
    )
    .unwrap()
    .encode();
    assert_eq!(
        karla.receive(&frame(Frame::Deliver { sequence: 1, blob })),
        Ok(Some(DeviceEvent::Rejected {
            sequence: 1,
            reason: AccessError::NotMember
        }))
    );
    // A blob of protocol 1 (no signature) is rejected as well.
    let plain = crate::RoomKey::random()
        .unwrap()
        .seal(&programme.room, b"unsigned")
        .unwrap();
    assert!(matches!(
        karla.receive(&frame(Frame::Deliver {
            sequence: 2,
            blob: plain
        })),
        Ok(Some(DeviceEvent::Rejected { .. }))
    ));
}

#[test]
fn a_retirement_or_snapshot_by_a_coordinator_is_rejected_and_an_admins_only_reported() {
    let mut programme = Programme::new();
    let mut karla = programme.join(Role::Coordinator);
    let mut otto = programme.join(Role::Coordinator);
    show_list(&programme.admin, &mut karla);
    otto.retire(b"go to my room").unwrap();
    let Some(Frame::Retire { notice }) = sent(&mut otto).pop() else {
        panic!("a retire frame");
    };
    assert!(matches!(
        karla.receive(&frame(Frame::Retired { notice })),
        Ok(Some(DeviceEvent::Rejected {
            reason: AccessError::NeedsAdmin(_),
            ..
        }))
    ));
    otto.snapshot(1, b"another programme").unwrap();
    let Some(Frame::Snapshot { through, blob }) = sent(&mut otto).pop() else {
        panic!("a snapshot frame");
    };
    assert!(matches!(
        karla.receive(&frame(Frame::Snapshot { through, blob })),
        Ok(Some(DeviceEvent::Rejected { .. }))
    ));
    programme.admin.retire(b"generation 2").unwrap();
    let Some(Frame::Retire { notice }) = sent(&mut programme.admin).pop() else {
        panic!("a retire frame");
    };
    match karla.receive(&frame(Frame::Retired { notice })) {
        Ok(Some(DeviceEvent::Retired { forwarding, .. })) => {
            assert_eq!(forwarding, b"generation 2")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_device_approved_after_a_removal_reads_the_older_epochs_and_the_removed_one_not_the_new() {
    let mut programme = Programme::new();
    let mut karla = programme.join(Role::Coordinator);
    programme.admin.push(b"epoch 0").unwrap();
    let old = sent(&mut programme.admin).pop().unwrap();
    programme.admin.remove(karla.identity.id(), NOW).unwrap();
    relay_entries(&mut programme.admin, &mut []);
    assert_eq!(programme.admin.roster().epoch(), 1);
    let mut otto = programme.join(Role::Coordinator);
    let Frame::Push { blob } = old else {
        panic!("a push")
    };
    match otto.receive(&frame(Frame::Deliver { sequence: 1, blob })) {
        Ok(Some(DeviceEvent::Changes { changes, .. })) => assert_eq!(changes, b"epoch 0"),
        other => panic!("{other:?}"),
    }
    // Karla, shown the list after her removal, holds no key of epoch 1.
    show_list(&programme.admin, &mut karla);
    assert_eq!(karla.roster().epoch(), 1);
    assert!(karla.key().is_none());
    assert_eq!(karla.push(b"late"), Err(DeviceError::NoKey(1)));
}

#[test]
fn a_member_reads_the_profiles_of_devices_approved_in_earlier_epochs() {
    let mut programme = Programme::new();
    let karla = programme.join(Role::Coordinator);
    let mut otto = programme.join(Role::Coordinator);
    programme.admin.remove(otto.identity.id(), NOW).unwrap();
    relay_entries(&mut programme.admin, &mut []);
    let mut later = programme.join(Role::Coordinator);
    show_list(&programme.admin, &mut later);
    // Karla was approved in epoch 0, which the later device never held
    // by a wrap of its own: it opens her profile with the older key.
    let member = later.roster().member(&karla.identity.id()).unwrap().clone();
    assert_eq!(member.since_epoch, 0);
    let key = later.key_for(member.since_epoch).unwrap();
    assert_eq!(
        key.open_profile(&programme.room, &karla.identity.id(), &member.profile)
            .unwrap(),
        b"Karla Koeln"
    );
    // The removed device, shown the whole list, holds no key of the epoch
    // after its removal.
    show_list(&programme.admin, &mut otto);
    assert_eq!(otto.roster().epoch(), 1);
    assert!(otto.key_for(0).is_some());
    assert!(otto.key_for(1).is_none());
}

#[test]
fn a_device_hears_when_the_relay_will_delete_the_room() {
    // A relay with room expiry announces the day to every device that
    // connects; a device must take it, not drop the connection over it.
    let mut programme = Programme::new();
    assert_eq!(
        programme
            .admin
            .receive(&frame(Frame::Expires { at: 1_800_000_000 }))
            .unwrap(),
        Some(DeviceEvent::Expires { at: 1_800_000_000 })
    );
}

#[test]
fn an_admin_rotates_after_a_device_left_and_the_one_who_left_holds_no_new_key() {
    let mut programme = Programme::new();
    let mut karla = programme.join(Role::Coordinator);
    let mut otto = programme.join(Role::Coordinator);
    assert!(!programme.admin.rotation_due_here());
    show_list(&programme.admin, &mut karla);
    karla.append(Change::Leave, NOW).unwrap();
    relay_entries(&mut karla, &mut [&mut programme.admin, &mut otto]);
    // The admin is due; a coordinator is not, and cannot.
    assert!(programme.admin.rotation_due_here());
    assert!(!otto.rotation_due_here());
    programme.admin.rotate(NOW).unwrap();
    relay_entries(&mut programme.admin, &mut [&mut otto]);
    assert!(!programme.admin.rotation_due_here());
    assert_eq!(programme.admin.roster().epoch(), 1);
    assert_eq!(otto.key(), programme.admin.key());
    // Karla, shown the list, holds no key of the new epoch.
    show_list(&programme.admin, &mut karla);
    assert_eq!(karla.roster().epoch(), 1);
    assert!(karla.key().is_none());
    // Otto's change in the new epoch is not Karla's to read.
    otto.push(b"after Karla left").unwrap();
    assert!(karla
        .receive(&{
            let Some(Frame::Push { blob }) = sent(&mut otto).pop() else {
                panic!("a push")
            };
            frame(Frame::Deliver { sequence: 1, blob })
        })
        .is_err());
}

#[test]
fn an_admin_declines_a_request_and_the_device_never_holds_a_key() {
    let mut programme = Programme::new();
    let invitation = programme.invite();
    let identity = DeviceIdentity::generate().unwrap();
    let mut device = DeviceSync::resume(programme.room, identity, None, &[], 0).unwrap();
    device.introduce(&invitation, b"Unbekannt", NOW).unwrap();
    sent(&mut device);
    show_list(&programme.admin, &mut device);
    device.receive(&frame(Frame::Synced { latest: 0 })).unwrap();
    relay_entries(&mut device, &mut [&mut programme.admin]);
    let asking = device.identity.id();
    assert!(programme.admin.roster().is_pending(&asking));
    programme.admin.decline(asking, NOW).unwrap();
    relay_entries(&mut programme.admin, &mut [&mut device]);
    assert!(device.roster().is_declined(&asking));
    assert!(device.key().is_none());
    // Declined once is decided.
    assert_eq!(
        programme.admin.decline(asking, NOW),
        Err(DeviceError::Access(AccessError::NotPending))
    );
}

#[test]
fn a_member_carried_into_a_new_generation_reads_it_with_its_own_device() {
    let mut old = Programme::new();
    let karla = old.join(Role::Coordinator);
    // The admin founds the next generation's room with the same device
    // and carries Karla's over, with the profile she gave.
    let room = RoomId::random().unwrap();
    let admin_identity = old.admin.identity.clone();
    let profile = old.admin.profile_of(&karla.identity.id()).unwrap();
    assert_eq!(profile, b"Karla Koeln");
    let (mut admin, _genesis) =
        DeviceSync::found(room, admin_identity, b"Petra Probe", NOW).unwrap();
    let keys = old
        .admin
        .roster()
        .member(&karla.identity.id())
        .unwrap()
        .keys;
    admin.carry(keys, Role::Coordinator, &profile, NOW).unwrap();
    relay_entries(&mut admin, &mut []);
    // Karla's device, knowing nothing of the new room, reads its list and
    // holds the new generation's key.
    let mut carried = DeviceSync::resume(room, karla.identity.clone(), None, &[], 0).unwrap();
    show_list(&admin, &mut carried);
    assert!(carried.roster().is_current(&karla.identity.id()));
    assert_eq!(carried.key(), admin.key());
    assert_ne!(carried.key(), old.admin.key());
    assert_eq!(
        carried.profile_of(&karla.identity.id()).unwrap(),
        b"Karla Koeln"
    );
    admin.push(b"new generation").unwrap();
    assert!(matches!(
        deliver(&mut carried, &mut admin, 1),
        Some(DeviceEvent::Changes { .. })
    ));
}

/// Joining by file (see `access::by_file`): the admin approves Karla's
/// request without network; by the time the admin's browser is online
/// again, the list has grown (Otto stopped sharing). The admin's entry for
/// Karla is made then, against the list as it is; Karla's device, which
/// knows the list only as far as the approval file held it, reads the rest
/// from the relay, and with it the programme's key.
#[test]
fn a_device_approved_by_file_reads_the_programme_once_the_admin_is_back() {
    let mut programme = Programme::new();
    let mut otto = programme.join(Role::Coordinator);
    let karla = DeviceIdentity::generate().unwrap();
    let file = crate::access::JoinRequest::new(&karla, b"Karla Koeln")
        .unwrap()
        .encode();
    let request = crate::access::JoinRequest::decode(&file).unwrap();
    let approved_list = programme.admin.entries().to_vec();
    otto.append(Change::Leave, NOW).unwrap();
    relay_entries(&mut otto, &mut [&mut programme.admin]);
    programme
        .admin
        .carry(request.keys, Role::Coordinator, &request.profile, NOW)
        .unwrap();
    relay_entries(&mut programme.admin, &mut []);

    let mut device =
        DeviceSync::resume(programme.room, karla.clone(), None, &approved_list, 0).unwrap();
    assert!(!device.roster().is_current(&karla.id()));
    assert!(device.key().is_none());
    show_list(&programme.admin, &mut device);
    assert!(device.roster().is_current(&karla.id()));
    assert!(!device.roster().is_current(&otto.identity.id()));
    assert_eq!(device.key(), programme.admin.key());
    assert_eq!(device.profile_of(&karla.id()).unwrap(), b"Karla Koeln");
    programme.admin.push(b"Mentee Jolanda").unwrap();
    assert!(matches!(
        deliver(&mut device, &mut programme.admin, 1),
        Some(DeviceEvent::Changes { .. })
    ));
}
