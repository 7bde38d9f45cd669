//! Who may read and write a programme: devices, a signed member list, key
//! epochs, signed changes.
//!
//! # Why
//!
//! Until protocol 1 a programme's invite link (room id and room key) was the
//! whole capability, for ever: whoever held it read everything, wrote
//! anything and could retire the room. Protocol 2 makes access a list of
//! devices that the programme's admins control, while the relay still sees
//! only ciphertext and public keys.
//!
//! # Design
//!
//! **Device identities** ([`DeviceIdentity`]). Each browser makes its own
//! identity on the device: an Ed25519 signing key (it signs member-list
//! entries, changes and its hello) and an X25519 key-agreement key (epoch
//! keys are wrapped to it). The secret half never leaves the device (the app
//! keeps it sealed like every other record); the public half
//! ([`DeviceKeys`]) is what partners and the relay know. Its
//! [`fingerprint`](DeviceKeys::fingerprint) (`4F2A-91C0-…`) is what an admin
//! compares before approving.
//!
//! **The member list** ([`Roster`]) is a hash chain of signed entries
//! ([`SignedEntry`]), each naming the room, its position, the hash of the
//! entry before, its author and time:
//!
//! - `Genesis`: the programme's first admin device, self-signed. Its hash
//!   ([`Roster::genesis`]) names the programme's access chain; an invitation
//!   carries it, so a joining device refuses a chain with another genesis.
//! - `Invite`: an admin announces an invitation: its id, a hash of the proof
//!   the link carries, and its expiry (default [`INVITATION_LIFETIME`],
//!   48 hours).
//! - `Introduce`: a new device, signing with its own key, presents the
//!   invitation's proof, its public keys, and its profile (coordinator's
//!   name, organisation, device) sealed with a key derived from the
//!   invitation's secret — the relay sees the proof, never the secret, so it
//!   cannot read the profile. An invitation introduces one device only, and
//!   not after its expiry.
//! - `Approve`: an admin accepts an introduced device with a role
//!   (coordinator or admin), re-seals its profile under the epoch key for
//!   all members, and wraps the current epoch key to it. Only now can the
//!   device read anything.
//! - `Decline`: an admin declines an introduced device. It never gets a
//!   key, and the relay closes its connection and refuses its hello with
//!   `declined` (the device may ask again only with a new invitation).
//! - `Carry`: after an erasure, the admin who made the programme's next
//!   generation founds its room with the same device and carries the other
//!   current devices of the old list over, each with its role and profile
//!   and the new room's key wrapped to it. They need no invitation, and the
//!   new room, like the old one, admits member devices only: a room key
//!   opens nothing there either. An admin adds a device that asked to
//!   join by file the same way, once its browser is online again
//!   ([`Approval`], where there is no network). Carrying grants nothing an
//!   admin could not do with an invitation and an approval.
//! - `Remove`: an admin removes a device and, in the same entry, starts the
//!   next key epoch, wrapped to each remaining device only. `Leave`: a device
//!   removes itself ("stop sharing"); `Rotate`: an admin starts a new epoch.
//!   A rotation is due after a `Leave`, and the first admin device that is
//!   connected starts it by itself ([`DeviceSync::rotation_due_here`]). Two
//!   admins doing so at once: the relay stores the first and refuses the
//!   second as made against an older list (`stale-epoch`, which the device
//!   lifts by reading the list again, where the rotation is no longer due).
//!
//! Anyone holding the chain checks it the same way ([`Roster::apply`]):
//! positions and hashes chain, every signature verifies, and each act is one
//! its author may do at that point (admins approve, remove and rotate; at
//! least one admin remains; a rotation wraps to exactly the remaining
//! devices). The relay runs the same check before storing an entry, and
//! additionally refuses an invitation after its expiry by its own clock.
//!
//! **Key epochs** ([`EpochKey`]). One random content key per epoch. It is
//! never used directly: HKDF-SHA256 derives a subkey for sealing changes
//! (salted with the room, labelled with the epoch) and another for sealing
//! the previous epoch's key, so the room secret is never both an AEAD key
//! and an HKDF input. Each epoch key is wrapped per device with HPKE
//! (RFC 9180, DHKEM X25519-HKDF-SHA256, HKDF-SHA256, ChaCha20-Poly1305,
//! the `hpke` crate), with the room and epoch in the HPKE info and the
//! device in the associated data. Each rotation also carries the previous
//! epoch key sealed under the new one, so a device approved later reads the
//! programme's history from the one wrap it gets.
//!
//! **Signed changes** ([`SignedBlob`]). Every push, snapshot and retirement
//! is sealed with XChaCha20-Poly1305 under the epoch's subkey, with
//! associated data binding room, epoch, kind, device and the device's own
//! sequence (for a snapshot: the relay sequence it stands for), and then
//! signed by the device over all of it. Partners and the relay check
//! ([`Roster::check_blob`]) that the signer was a member in that epoch;
//! the relay also that the epoch is the current one and, for a snapshot
//! replacing the log or a retirement (a new generation), that the signer is
//! an admin.
//!
//! **Who made a change.** A delivery may hold changes its device only
//! passes on (merged from a partner's file), so its signature alone does
//! not name each change's author. A device edits under Automerge actors
//! that begin with its own id, and a change counts as made by a device only
//! when that device's own signed delivery held it
//! (`tandem_core::Provenance`). The history and the list of clashes then
//! show the member list's coordinator for that device, marked as checked;
//! any other change shows the name it gives itself, marked as not checked.
//!
//! **Hello** ([`device_hello_message`]). A device opens a connection with a
//! hello signed over room, device, last sequence and time; the relay admits
//! current members only (an introduced device waiting for approval hears
//! only the member list). Once a room has a member list, the room token of
//! protocol 1 opens nothing. A device joining shows the invitation's id and
//! proof instead; for an announced, unused, unexpired invitation the relay
//! sends the list, and the device appends its introduction to it.
//!
//! **The client** ([`DeviceSync`]) is the sans-IO state machine the app
//! drives for a room with a member list, as [`SyncClient`](crate::SyncClient)
//! for one without: it checks the list and every delivery itself, and
//! reports what it refuses.
//!
//! # Why not MLS
//!
//! MLS (RFC 9420, `openmls`) gives forward secrecy and post-compromise
//! security with ratchet trees that scale to thousands of members. A
//! programme has a handful of partner organisations and tens of devices,
//! changes are few and must be readable by devices approved later (the
//! whole document is the point), and membership is already a signed list
//! that the relay must understand to enforce. MLS would bring a large
//! dependency into the browser build, a state that must never fork (its
//! commits need a strict order the relay would have to broker), and key
//! material deleted after use, which conflicts with reading history. A
//! per-epoch key wrapped per device with HPKE costs one HPKE seal per device
//! and removal — trivial at this size — and gives what the issue asks: a
//! removed device learns nothing new. What it does not give is
//! post-compromise security within an epoch: a device whose keys are stolen
//! reads until it is removed.
//!
//! # Threat model
//!
//! - **A leaked old link** (photographed QR code, forwarded e-mail). An
//!   invitation is single-use and expires; the link holds no content key.
//!   After use or expiry it introduces nobody
//!   (`relay/tests/access.rs`: `an_invitation_used_twice_is_refused`,
//!   `an_invitation_after_its_expiry_is_refused`; here:
//!   `roster::tests::an_invitation_introduces_one_device_only`). Before use,
//!   it only lets a device ask: an admin must approve it by fingerprint.
//!   A protocol-1 link (room key) opens nothing once the room has a member
//!   list (`a_room_token_opens_nothing_once_the_room_has_a_member_list`).
//! - **A device nobody should admit** (someone who got hold of an unused
//!   invitation). An admin declines it: it never held a key, its open
//!   connection is closed and its hello refused
//!   (`relay/tests/access.rs`:
//!   `a_declined_device_is_closed_out_and_only_an_admin_declines`; here:
//!   `roster::tests::a_declined_device_gets_no_key_and_only_an_admin_declines`).
//! - **A partner who stops sharing.** Its `Leave` ends its membership at
//!   once; the next epoch follows from the first admin online, wrapped
//!   without it
//!   (`client::tests::an_admin_rotates_after_a_device_left_and_the_one_who_left_holds_no_new_key`,
//!   `two_admins_rotating_after_a_leave_the_second_is_told_to_read_the_list`).
//!   Until an admin is online, what is pushed is sealed under the epoch the
//!   leaver held, but the relay no longer sends it anything.
//! - **A removed partner.** Its hello and its signature are refused
//!   (`a_removed_device_is_refused_and_hears_nothing_new`); it receives
//!   nothing pushed after its removal, also on a connection open at the
//!   time (same test); the next epoch's key is wrapped only for the others
//!   and is not derivable from anything it held
//!   (`the_next_epoch_key_is_nowhere_in_what_the_removed_device_stored`).
//!   It keeps what it already had. The whole journey, with the app's
//!   client over real sockets:
//!   `browsers_join_with_approval_sync_verified_changes_and_a_removed_one_is_refused`.
//! - **Joining by file** (no network): what a changed request, an
//!   approval for another device and a forged approval can do is in
//!   the threat model of `by_file`, each with its test.
//! - **An erasure.** The next generation's room is a device room from its
//!   first entry, holding the devices that were current in the old one
//!   and no one else; the move notice is sealed under the old epoch key,
//!   so only current members read where it leads
//!   (`roster::tests::an_admin_carries_a_device_of_the_previous_generation_and_no_one_else_may`,
//!   `client::tests::a_member_carried_into_a_new_generation_reads_it_with_its_own_device`,
//!   `a_device_carried_into_a_new_generation_is_admitted_and_only_an_admin_carries`).
//! - **A malicious relay operator.** Sees room ids, sizes, times, public
//!   keys, roles and the chain's shape — never content, names or keys
//!   (`roster::tests::sealed_profiles_and_blobs_show_no_plaintext`; the
//!   relay's database holds no epoch key:
//!   `the_next_epoch_key_is_nowhere_in_what_the_removed_device_stored`). It
//!   can withhold or drop frames (availability) and could admit a device
//!   the list does not admit, but cannot forge a change or a member entry:
//!   a device checks every signature and the chain itself
//!   (`roster::tests::a_change_signed_by_a_non_member_or_with_a_bad_signature_is_refused`,
//!   `roster::tests::a_forged_entry_is_refused`,
//!   `client::tests::a_delivery_signed_by_no_member_is_rejected_and_reported`,
//!   and in the relay's tests
//!   `a_change_signed_by_a_non_member_or_with_a_bad_signature_is_refused`),
//!   and a joining device pins the genesis its invitation names
//!   (`client::tests::a_list_from_another_genesis_is_refused_when_joining_by_link`).
//!   It could
//!   replay a captured hello within its five-minute window, which gives it
//!   nothing it does not hold already.
//! - **A partner writing in another's name.** Any member's app can put
//!   any coordinator's name into its changes, and even write under another
//!   device's actor. The name is shown as checked only for a change that
//!   the named device's own signed delivery held, so a forged one shows as
//!   the signer's or as not checked
//!   (`core/tests/authorship.rs`:
//!   `a_change_in_another_coordinators_name_is_checked_only_as_its_own_devices`;
//!   `core` `provenance::tests::a_member_writing_under_another_devices_actor_is_never_vouched_for`;
//!   `e2e/device-access.spec.ts`). A file that brings changes in this
//!   device's name that it never made is refused, so its own pushes never
//!   carry someone else's change as its own
//!   (`a_file_that_puts_changes_in_this_devices_name_is_recognised`).
//! - **A stolen unlocked laptop.** Has that device's identity and keys: it
//!   reads and writes as that device until an admin removes it; after
//!   removal it is in the position of a removed partner. Destructive acts
//!   (snapshot replacing the log, retirement) still need an admin device
//!   (`a_retire_or_snapshot_signed_by_a_non_admin_is_refused`, here and in
//!   the relay's tests;
//!   `client::tests::a_retirement_or_snapshot_by_a_coordinator_is_rejected_and_an_admins_only_reported`).
//! - **Not covered.** Within one epoch there is no forward secrecy; a
//!   removed device's changes of the old epoch replayed by a malicious relay
//!   stay valid as changes of that epoch; relay processes sharing one
//!   PostgreSQL database cut a removed device's open connection only on the
//!   process that stored the removal: on another process it is refused when
//!   it connects again (its hello reads the list from the database), and
//!   it never holds the next epoch's key, so what it receives meanwhile is
//!   unreadable to it.

mod blob;
mod by_file;
mod client;
mod epoch;
mod identity;
mod roster;

pub use blob::{device_hello_message, BlobKind, SignedBlob, HELLO_WINDOW_SECONDS};
pub use by_file::{Approval, FileError, JoinRequest};
pub use client::{DeviceError, DeviceEvent, DeviceSync};
pub use epoch::{EpochKey, Wrap, EPOCH_KEY_BYTES};
pub use identity::{DeviceId, DeviceIdentity, DeviceKeys, Signature, SIGNATURE_BYTES};
pub use roster::{
    AccessError, Change, Entry, Invitation, InvitationId, Member, Role, Roster, Rotation,
    SignedEntry, INVITATION_LIFETIME,
};
