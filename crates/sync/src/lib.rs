//! What the Tandem app and the relay both speak: room ids and keys,
//! versioned wire frames, end-to-end encryption, and the client's side of
//! live sync.
//!
//! A shared programme has a room on the relay. The room id is random and
//! travels, with the room key, in the fragment of an invite link
//! ([`Invite`]), which browsers never send to a server. Every blob the
//! relay stores is sealed with the room key ([`RoomKey::seal`]); the relay
//! sees room ids, sequence numbers, sizes and a hash of an access token,
//! never a name.
//!
//! - [`access`]: protocol 2's devices, signed member list, key epochs
//!   and signed changes, with the design and its threat model.
//! - [`frame`]: the frames and their encoding.
//! - [`intake`]: applications sealed for a programme's coordinators only.
//! - [`key`], [`seal`]: the room key, the access token, sealing.
//! - [`invite`]: room and key in an invite link.
//! - [`owner`]: rooms only the browser that made them may retire.
//! - [`client`]: [`SyncClient`], the sans-IO state machine the app drives.

pub mod access;
pub mod at_rest;
pub mod client;
pub mod frame;
pub mod intake;
pub mod invite;
pub mod key;
pub mod owner;
pub mod page_link;
pub mod retire;
pub mod room;
pub mod seal;

pub use at_rest::{sealed_with, RecordKey, RECORD_KEY_BYTES, RECORD_OVERHEAD};
pub use client::{ClientError, ClientEvent, PushId, SyncClient};
pub use frame::{
    ErrorCode, Frame, FrameError, ACCESS_PROTOCOL, EXPIRES_SINCE_PROTOCOL, FRAME_FORMAT,
    MAX_ERROR_MESSAGE_BYTES, MAX_FRAME_BYTES, MAX_NOTICE_BYTES, PROTOCOL_VERSION,
};
pub use invite::{Invite, InviteError};
pub use key::{
    AccessToken, RandomError, RoomKey, RoomKeyError, TokenHash, ROOM_KEY_BYTES, TOKEN_BYTES,
};
pub use owner::{RoomOwner, OWNER_SECRET_BYTES};
pub use retire::{Forwarding, ForwardingError};
pub use room::{RoomId, RoomIdError, ROOM_ID_BYTES};
pub use seal::{OpenError, SealError, SEAL_OVERHEAD};
