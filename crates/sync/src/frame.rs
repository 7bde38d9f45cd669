//! Wire frames between the app and the relay.
//!
//! Every frame is one binary WebSocket message: a format byte
//! ([`FRAME_FORMAT`]) followed by the [`Frame`] in `postcard`'s compact
//! encoding. A conversation goes:
//!
//! ```text
//! client                                   relay
//! Hello { room, token, after } ─────────►  checks the token (or opens the room)
//!                              ◄─────────  Snapshot { through, blob }   if after < through
//!                              ◄─────────  Deliver { sequence, blob }…  everything after `after`
//!                              ◄─────────  Synced { latest }
//! Push { blob }                ─────────►  appends, commits
//!                              ◄─────────  Ack { sequence }             then Deliver to the others
//! Snapshot { through, blob }   ─────────►  replaces the log through `through`
//!                              ◄─────────  Ack { sequence: through }
//!                              ◄─────────  Error { code, message }      then the relay closes
//! ```
//!
//! A room with a member list (protocol 2, see [`access`](crate::access))
//! is opened by a member device instead, and its blobs are signed:
//!
//! ```text
//! DeviceHello { room, device, after, time, signature } ─►  a current member?
//!                              ◄─────────  Access { position, entry }…  the member list
//!                              ◄─────────  Snapshot / Deliver… / Synced  as above
//! Access { position, entry }   ─────────►  checked against the list, stored
//!                              ◄─────────  Access { position, entry }, Ack { sequence: position }
//! Introduce { room, invitation, proof } ►  an open invitation?
//!                              ◄─────────  Access…, Synced { latest: 0 }
//! Access { introduction }      ─────────►  stored; the list until an admin approves
//! ```
//!
//! A room's sequence numbers run 1, 2, 3, … without gaps. Blobs are sealed
//! (see [`seal`](crate::seal)); frames never carry plaintext.
//!
//! Decoding never panics: bytes from the network are checked for size,
//! format and shape, and anything else is a [`FrameError`]. Postcard tags
//! variants by their position, so new variants go at the end of [`Frame`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::{DeviceId, InvitationId, Signature};
use crate::{AccessToken, RoomId};

/// Version of the wire protocol between app and relay, sent in the hello.
/// Version 2 adds devices: [`Frame::DeviceHello`], [`Frame::Access`],
/// [`Frame::Introduce`] (see [`access`](crate::access)); a relay of
/// version 2 still speaks version 1 to rooms without a member list. It
/// also adds [`Frame::Expires`], which a relay sends only to clients that
/// said hello with 2 or later, so older apps never meet it. [`Frame::Own`]
/// came later within version 2: an app sends it only to a room it made as
/// an owned room (see [`owner`](crate::owner)), which only a relay that
/// reads it has ever served, as the app and its relay ship together.
pub const PROTOCOL_VERSION: u16 = 2;

/// The first protocol with devices and a member list.
pub const ACCESS_PROTOCOL: u16 = 2;

/// The first protocol version whose clients read [`Frame::Expires`].
pub const EXPIRES_SINCE_PROTOCOL: u16 = 2;

/// The first byte of every frame: how the rest is encoded.
pub const FRAME_FORMAT: u8 = 1;

/// Largest frame the protocol allows (a whole programme's snapshot must
/// fit). A relay may set a lower limit.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

/// Longest message an error frame may carry.
pub const MAX_ERROR_MESSAGE_BYTES: usize = 1024;

/// One message between app and relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// Client → relay, first on every connection: which room, the proof of
    /// access, and the last sequence the client has seen (0 for none).
    Hello {
        protocol: u16,
        room: RoomId,
        token: AccessToken,
        after: u64,
    },
    /// Client → relay: sealed changes to append to the room's log.
    Push {
        #[serde(with = "serde_bytes")]
        blob: Vec<u8>,
    },
    /// Relay → client: the oldest unacknowledged push or snapshot is stored
    /// (committed) under `sequence`.
    Ack { sequence: u64 },
    /// Relay → client: sealed changes stored under `sequence`.
    Deliver {
        sequence: u64,
        #[serde(with = "serde_bytes")]
        blob: Vec<u8>,
    },
    /// Both ways: a sealed whole document that stands for everything in the
    /// log up to and including `through`.
    Snapshot {
        through: u64,
        #[serde(with = "serde_bytes")]
        blob: Vec<u8>,
    },
    /// Relay → client: everything up to `latest` has been sent; from here
    /// on deliveries are live.
    Synced { latest: u64 },
    /// Relay → client: why the relay refuses; it closes the connection.
    Error { code: ErrorCode, message: String },
    /// Client → relay: retire the room for good. The relay deletes its log
    /// and snapshot and keeps only `notice` (sealed with the room key: where
    /// the programme went), for the clients that come later.
    Retire {
        #[serde(with = "serde_bytes")]
        notice: Vec<u8>,
    },
    /// Relay → client: the room is retired; the sealed notice says where
    /// the programme went. The relay closes the connection.
    Retired {
        #[serde(with = "serde_bytes")]
        notice: Vec<u8>,
    },
    /// Relay → client, after `Synced`: the room has not changed for a long
    /// time and the relay will delete it at `at` (seconds since 1970, UTC)
    /// unless it changes before. Only to clients of protocol 2 or later.
    Expires { at: u64 },
    /// Client → relay, first on a connection of a member device (protocol
    /// 2): which room, which device, the last sequence it has seen, its
    /// clock, and its signature over
    /// [`device_hello_message`](crate::access::device_hello_message). The
    /// relay answers with the member list's entries (as `Access`), then as
    /// after a hello.
    DeviceHello {
        protocol: u16,
        room: RoomId,
        device: DeviceId,
        after: u64,
        time: u64,
        signature: Signature,
    },
    /// Both ways: a signed entry of the room's member list at `position`
    /// (see [`SignedEntry`](crate::access::SignedEntry)). From a client it
    /// asks the relay to append it there; the relay sends it back as
    /// stored, then acknowledges with `Ack { sequence: position }`.
    Access {
        position: u64,
        #[serde(with = "serde_bytes")]
        entry: Vec<u8>,
    },
    /// Client → relay, first on a connection of a device that is not a
    /// member yet: the invitation it holds and the invitation's proof (see
    /// [`Invitation::proof`](crate::access::Invitation::proof)). For an
    /// invitation the member list announced, unused and unexpired, the
    /// relay sends the list's entries and `Synced { latest: 0 }`; the
    /// device then appends its signed introduction with `Access`, and
    /// hears the list until an admin decides.
    Introduce {
        protocol: u16,
        room: RoomId,
        invitation: InvitationId,
        proof: [u8; 32],
    },
    /// Client → relay, after a hello to an owned room (see
    /// [`crate::owner`]): the secret the room id was made from. Only a
    /// connection that showed it may retire the room or replace its log.
    /// A secret that does not own the room is refused.
    Own { secret: [u8; 32] },
}

/// Largest sealed notice a retired room keeps.
pub const MAX_NOTICE_BYTES: usize = 4096;

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the message is empty")]
    Empty,
    #[error("the message has {size} bytes, more than the {limit} allowed")]
    TooLarge { size: usize, limit: usize },
    #[error("the message is in frame format {0}, which this version of Tandem does not know")]
    UnknownFormat(u8),
    #[error("the message is damaged or not a Tandem frame")]
    Malformed,
    #[error("the error message is longer than {MAX_ERROR_MESSAGE_BYTES} bytes")]
    MessageTooLong,
    #[error("the notice of a retired room is longer than {MAX_NOTICE_BYTES} bytes")]
    NoticeTooLong,
}

impl Frame {
    /// The frame's bytes, refused if they would exceed `limit`.
    pub fn encode(&self, limit: usize) -> Result<Vec<u8>, FrameError> {
        let bytes =
            postcard::to_extend(self, vec![FRAME_FORMAT]).map_err(|_| FrameError::Malformed)?;
        if bytes.len() > limit {
            return Err(FrameError::TooLarge {
                size: bytes.len(),
                limit,
            });
        }
        Ok(bytes)
    }

    /// Reads one frame from a message of at most `limit` bytes.
    pub fn decode(bytes: &[u8], limit: usize) -> Result<Self, FrameError> {
        if bytes.len() > limit {
            return Err(FrameError::TooLarge {
                size: bytes.len(),
                limit,
            });
        }
        let (format, body) = bytes.split_first().ok_or(FrameError::Empty)?;
        if *format != FRAME_FORMAT {
            return Err(FrameError::UnknownFormat(*format));
        }
        let (frame, rest) =
            postcard::take_from_bytes::<Frame>(body).map_err(|_| FrameError::Malformed)?;
        if !rest.is_empty() {
            return Err(FrameError::Malformed);
        }
        if let Frame::Error { message, .. } = &frame {
            if message.len() > MAX_ERROR_MESSAGE_BYTES {
                return Err(FrameError::MessageTooLong);
            }
        }
        if let Frame::Retire { notice } | Frame::Retired { notice } = &frame {
            if notice.len() > MAX_NOTICE_BYTES {
                return Err(FrameError::NoticeTooLong);
            }
        }
        Ok(frame)
    }

    /// An error frame, its message cut to the allowed length.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_ERROR_MESSAGE_BYTES {
            let mut end = MAX_ERROR_MESSAGE_BYTES;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        Frame::Error { code, message }
    }

    /// A short name for logs; never the contents.
    pub fn kind(&self) -> &'static str {
        match self {
            Frame::Hello { .. } => "hello",
            Frame::Push { .. } => "push",
            Frame::Ack { .. } => "ack",
            Frame::Deliver { .. } => "deliver",
            Frame::Snapshot { .. } => "snapshot",
            Frame::Synced { .. } => "synced",
            Frame::Error { .. } => "error",
            Frame::Retire { .. } => "retire",
            Frame::Retired { .. } => "retired",
            Frame::Expires { .. } => "expires",
            Frame::DeviceHello { .. } => "device-hello",
            Frame::Access { .. } => "access",
            Frame::Introduce { .. } => "introduce",
            Frame::Own { .. } => "own",
        }
    }
}

/// Why the relay refused, as a stable name the app translates. Names this
/// version does not know arrive as [`ErrorCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ErrorCode {
    /// The bytes were not a frame this relay reads.
    BadFrame,
    /// The frame is larger than the relay allows.
    TooLarge,
    /// The client speaks a newer protocol than the relay.
    UnsupportedProtocol,
    /// The first frame was not a hello, or a frame came the wrong way.
    UnexpectedFrame,
    /// The token does not open this room.
    NotAllowed,
    /// The room has as many connections as the relay allows.
    RoomFull,
    /// The client pushed faster than the relay allows.
    TooFast,
    /// A snapshot claimed sequences the room does not have yet.
    SnapshotAhead,
    /// The relay could not store or read the room.
    Storage,
    /// The client took too long to say hello, or to read what the relay
    /// sent.
    Timeout,
    /// This address opened as many new rooms as the relay allows for now
    /// (or the relay opens rooms only with its operator's credential).
    TooManyRooms,
    /// The relay's storage is full: rooms can be read, pushes wait.
    RelayFull,
    /// The room went unchanged for as long as the relay keeps rooms and
    /// was deleted; the programme must be shared again.
    RoomExpired,
    /// The device is not (or no longer) a member of the programme, or the
    /// room admits only member devices.
    NotMember,
    /// The act needs an admin device (approving, removing, a snapshot that
    /// replaces the log, a new generation).
    NeedsAdmin,
    /// A signature does not verify, or a change claims another author.
    BadSignature,
    /// The member-list entry does not follow from the list (an invitation
    /// used or expired, a wrong chain, a wrong key epoch).
    AccessRefused,
    /// The change is sealed for a key epoch that is not the current one,
    /// or a member-list entry was made against an older list (two admins
    /// acting at once): the device must read the member list first.
    StaleEpoch,
    /// An admin declined this device's request to join.
    Declined,
    /// A code from a newer relay.
    Other(String),
}

impl ErrorCode {
    /// Every code this version sends or reads by name (all but
    /// [`ErrorCode::Other`]): each has its own message in the app.
    pub const KNOWN: [ErrorCode; 19] = [
        ErrorCode::BadFrame,
        ErrorCode::TooLarge,
        ErrorCode::UnsupportedProtocol,
        ErrorCode::UnexpectedFrame,
        ErrorCode::NotAllowed,
        ErrorCode::RoomFull,
        ErrorCode::TooFast,
        ErrorCode::SnapshotAhead,
        ErrorCode::Storage,
        ErrorCode::Timeout,
        ErrorCode::TooManyRooms,
        ErrorCode::RelayFull,
        ErrorCode::RoomExpired,
        ErrorCode::NotMember,
        ErrorCode::NeedsAdmin,
        ErrorCode::BadSignature,
        ErrorCode::AccessRefused,
        ErrorCode::StaleEpoch,
        ErrorCode::Declined,
    ];

    /// The stable name on the wire and for translations.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::BadFrame => "bad-frame",
            ErrorCode::TooLarge => "too-large",
            ErrorCode::UnsupportedProtocol => "unsupported-protocol",
            ErrorCode::UnexpectedFrame => "unexpected-frame",
            ErrorCode::NotAllowed => "not-allowed",
            ErrorCode::RoomFull => "room-full",
            ErrorCode::TooFast => "too-fast",
            ErrorCode::SnapshotAhead => "snapshot-ahead",
            ErrorCode::Storage => "storage",
            ErrorCode::Timeout => "timeout",
            ErrorCode::TooManyRooms => "too-many-rooms",
            ErrorCode::RelayFull => "relay-full",
            ErrorCode::RoomExpired => "room-expired",
            ErrorCode::NotMember => "not-member",
            ErrorCode::NeedsAdmin => "needs-admin",
            ErrorCode::BadSignature => "bad-signature",
            ErrorCode::AccessRefused => "access-refused",
            ErrorCode::StaleEpoch => "stale-epoch",
            ErrorCode::Declined => "declined",
            ErrorCode::Other(name) => name,
        }
    }

    /// Whether trying again later may succeed (as opposed to a refusal
    /// that stays until the invite or the app changes). A change sealed
    /// for an epoch that has just ended (the device's own removal of
    /// another device not yet read back, or a rotation it has not read)
    /// goes through once the device has read the member list on its next
    /// connection and seals it again.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            ErrorCode::RoomFull
                | ErrorCode::TooFast
                | ErrorCode::Storage
                | ErrorCode::Timeout
                | ErrorCode::TooManyRooms
                | ErrorCode::RelayFull
                | ErrorCode::StaleEpoch
        )
    }
}

impl From<String> for ErrorCode {
    fn from(name: String) -> Self {
        match name.as_str() {
            "bad-frame" => ErrorCode::BadFrame,
            "too-large" => ErrorCode::TooLarge,
            "unsupported-protocol" => ErrorCode::UnsupportedProtocol,
            "unexpected-frame" => ErrorCode::UnexpectedFrame,
            "not-allowed" => ErrorCode::NotAllowed,
            "room-full" => ErrorCode::RoomFull,
            "too-fast" => ErrorCode::TooFast,
            "snapshot-ahead" => ErrorCode::SnapshotAhead,
            "storage" => ErrorCode::Storage,
            "timeout" => ErrorCode::Timeout,
            "too-many-rooms" => ErrorCode::TooManyRooms,
            "relay-full" => ErrorCode::RelayFull,
            "room-expired" => ErrorCode::RoomExpired,
            "not-member" => ErrorCode::NotMember,
            "needs-admin" => ErrorCode::NeedsAdmin,
            "bad-signature" => ErrorCode::BadSignature,
            "access-refused" => ErrorCode::AccessRefused,
            "stale-epoch" => ErrorCode::StaleEpoch,
            "declined" => ErrorCode::Declined,
            _ => ErrorCode::Other(name),
        }
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> Self {
        code.as_str().to_string()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RoomKey;

    fn hello() -> Frame {
        let room = RoomId::from_bytes([5; 16]);
        Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room,
            token: RoomKey::from_bytes([6; 32]).access_token(&room),
            after: 41,
        }
    }

    fn every_kind_of_frame() -> Vec<Frame> {
        vec![
            hello(),
            Frame::Push {
                blob: vec![1, 2, 3],
            },
            Frame::Ack { sequence: 7 },
            Frame::Deliver {
                sequence: u64::MAX,
                blob: vec![0; 300],
            },
            Frame::Snapshot {
                through: 12,
                blob: Vec::new(),
            },
            Frame::Synced { latest: 0 },
            Frame::error(ErrorCode::NotAllowed, "Zugang verweigert"),
            Frame::error(ErrorCode::Other("from-the-future".into()), ""),
            Frame::Retire {
                notice: vec![9; 80],
            },
            Frame::Retired {
                notice: vec![8; 80],
            },
            Frame::Expires { at: 1_800_000_000 },
            Frame::error(ErrorCode::RoomExpired, "unchanged for 400 days"),
            Frame::DeviceHello {
                protocol: PROTOCOL_VERSION,
                room: RoomId::from_bytes([5; 16]),
                device: DeviceId([7; 32]),
                after: 3,
                time: 1_800_000_000,
                signature: Signature([9; 64]),
            },
            Frame::Access {
                position: 4,
                entry: vec![1; 120],
            },
            Frame::Introduce {
                protocol: PROTOCOL_VERSION,
                room: RoomId::from_bytes([5; 16]),
                invitation: InvitationId([3; 16]),
                proof: [4; 32],
            },
            Frame::Own { secret: [6; 32] },
        ]
    }

    #[test]
    fn every_frame_reads_back_what_it_wrote() {
        for frame in every_kind_of_frame() {
            let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
            assert_eq!(bytes[0], FRAME_FORMAT);
            assert_eq!(Frame::decode(&bytes, MAX_FRAME_BYTES), Ok(frame));
        }
    }

    #[test]
    fn a_frame_of_another_format_is_refused() {
        let mut bytes = hello().encode(MAX_FRAME_BYTES).unwrap();
        bytes[0] = 2;
        assert_eq!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Err(FrameError::UnknownFormat(2))
        );
    }

    #[test]
    fn empty_and_garbage_bytes_are_refused() {
        assert_eq!(Frame::decode(&[], MAX_FRAME_BYTES), Err(FrameError::Empty));
        assert_eq!(
            Frame::decode(&[FRAME_FORMAT], MAX_FRAME_BYTES),
            Err(FrameError::Malformed)
        );
        assert_eq!(
            Frame::decode(&[FRAME_FORMAT, 200, 1, 2], MAX_FRAME_BYTES),
            Err(FrameError::Malformed)
        );
        assert!(Frame::decode(b"GET / HTTP/1.1", MAX_FRAME_BYTES).is_err());
    }

    #[test]
    fn every_truncation_of_every_frame_is_refused_without_panicking() {
        for frame in every_kind_of_frame() {
            let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
            for end in 0..bytes.len() {
                assert!(
                    Frame::decode(&bytes[..end], MAX_FRAME_BYTES).is_err(),
                    "{} cut at {end}",
                    frame.kind()
                );
            }
        }
    }

    #[test]
    fn trailing_bytes_after_a_frame_are_refused() {
        let mut bytes = Frame::Ack { sequence: 3 }.encode(MAX_FRAME_BYTES).unwrap();
        bytes.push(0);
        assert_eq!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Err(FrameError::Malformed)
        );
    }

    #[test]
    fn a_length_claiming_more_than_the_message_holds_is_refused() {
        // A push (variant 1) whose blob claims 2^62 bytes.
        let bytes = [
            FRAME_FORMAT,
            1,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0x3f,
            1,
        ];
        assert_eq!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Err(FrameError::Malformed)
        );
    }

    #[test]
    fn an_oversized_frame_is_refused_both_ways() {
        let frame = Frame::Push {
            blob: vec![7; 2000],
        };
        assert!(matches!(
            frame.encode(1000),
            Err(FrameError::TooLarge { limit: 1000, .. })
        ));
        let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
        assert_eq!(
            Frame::decode(&bytes, 1000),
            Err(FrameError::TooLarge {
                size: bytes.len(),
                limit: 1000
            })
        );
    }

    #[test]
    fn an_overlong_error_message_is_cut_when_made_and_refused_when_read() {
        let long = "ä".repeat(MAX_ERROR_MESSAGE_BYTES);
        let Frame::Error { message, .. } = Frame::error(ErrorCode::Storage, long.clone()) else {
            panic!("an error frame");
        };
        assert!(message.len() <= MAX_ERROR_MESSAGE_BYTES);
        let raw = Frame::Error {
            code: ErrorCode::Storage,
            message: long,
        };
        let bytes = raw.encode(MAX_FRAME_BYTES).unwrap();
        assert_eq!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Err(FrameError::MessageTooLong)
        );
    }

    #[test]
    fn an_overlong_notice_of_a_retired_room_is_refused() {
        for frame in [
            Frame::Retire {
                notice: vec![1; MAX_NOTICE_BYTES + 1],
            },
            Frame::Retired {
                notice: vec![1; MAX_NOTICE_BYTES + 1],
            },
        ] {
            let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
            assert_eq!(
                Frame::decode(&bytes, MAX_FRAME_BYTES),
                Err(FrameError::NoticeTooLong)
            );
        }
    }

    #[test]
    fn error_codes_keep_their_names_and_unknown_ones_survive() {
        let mut names = std::collections::HashSet::new();
        for code in ErrorCode::KNOWN {
            assert!(names.insert(code.as_str().to_string()), "{code:?} twice");
            assert_eq!(ErrorCode::from(code.as_str().to_string()), code);
        }
        assert_eq!(
            ErrorCode::from("new-thing".to_string()),
            ErrorCode::Other("new-thing".into())
        );
    }

    #[test]
    fn random_bytes_never_panic_the_decoder() {
        // A small deterministic generator: many shapes of hostile input.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let length = (state % 64) as usize;
            let mut bytes: Vec<u8> = (0..length)
                .map(|i| (state.rotate_left(i as u32 * 8) & 0xff) as u8)
                .collect();
            if let Some(first) = bytes.first_mut() {
                *first = FRAME_FORMAT;
            }
            let _ = Frame::decode(&bytes, MAX_FRAME_BYTES);
        }
    }
}
