//! Whatever arrives from the network, the frame decoder and the sync client
//! answer with a value or an error, never a panic, in bounded memory.
//!
//! Fuzzed with the seeded mutator in `tandem-test-support` (`crates/test-support`) (stable Rust, part of
//! `cargo test`); `TANDEM_FUZZ_EXECS` raises the executions per target.

use rand::Rng;
use tandem_sync::{
    ClientError, ClientEvent, ErrorCode, Frame, Invite, RoomId, RoomKey, SyncClient,
    MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use tandem_test_support::fuzz;

#[global_allocator]
static ALLOCATOR: fuzz::Counting = fuzz::Counting;

fn invite() -> Invite {
    Invite {
        room: RoomId::from_bytes([3; 16]),
        key: RoomKey::from_bytes([9; 32]),
    }
}

/// One frame of every kind, well formed.
fn frames(invite: &Invite) -> Vec<Frame> {
    let sealed = invite
        .key
        .seal(&invite.room, b"changes of the programme")
        .expect("sealing works");
    vec![
        Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: invite.room,
            token: invite.access_token(),
            after: 41,
        },
        Frame::Push {
            blob: sealed.clone(),
        },
        Frame::Ack { sequence: 42 },
        Frame::Deliver {
            sequence: 43,
            blob: sealed.clone(),
        },
        Frame::Snapshot {
            through: 40,
            blob: sealed.clone(),
        },
        Frame::Retire {
            notice: sealed.clone(),
        },
        Frame::Retired { notice: sealed },
        Frame::Synced { latest: 43 },
        Frame::error(ErrorCode::TooFast, "more than 10 pushes a second"),
        Frame::error(ErrorCode::Other("from-a-newer-relay".into()), ""),
    ]
}

fn corpus(invite: &Invite) -> Vec<Vec<u8>> {
    frames(invite)
        .iter()
        .map(|frame| frame.encode(MAX_FRAME_BYTES).expect("frames encode"))
        .collect()
}

/// Memory one execution may hold: a frame is copied a few times at most.
fn frame_memory(len: usize) -> usize {
    64 * 1024 + 8 * len
}

#[test]
fn any_bytes_decode_to_a_frame_or_an_error_and_frames_read_back_as_written() {
    let invite = invite();
    let corpus = corpus(&invite);
    let mut mutator = fuzz::Mutator::new(fuzz::seed(), &[&[1], &[0xff; 9], b"too-fast"], 4096);
    let report = fuzz::fuzz(
        "frame-decode",
        100_000,
        |mutator| {
            if mutator.rng.random_bool(0.05) {
                let len = mutator.rng.random_range(0..64);
                (0..len).map(|_| mutator.rng.random()).collect()
            } else {
                mutator.next(&corpus)
            }
        },
        &mut mutator,
        frame_memory,
        |bytes| {
            let limit = if bytes.len() % 3 == 0 {
                64
            } else {
                MAX_FRAME_BYTES
            };
            match Frame::decode(bytes, limit) {
                Ok(frame) => {
                    let again = frame
                        .encode(MAX_FRAME_BYTES)
                        .expect("a decoded frame encodes");
                    assert_eq!(
                        Frame::decode(&again, MAX_FRAME_BYTES),
                        Ok(frame),
                        "a frame reads back as written"
                    );
                    true
                }
                Err(_) => false,
            }
        },
    );
    assert!(report.refused > 0 && report.accepted > 0);
}

/// What the app does with its client between frames from the relay.
enum Step {
    Connect,
    Disconnect,
    Push(Vec<u8>),
    Snapshot(Vec<u8>),
    Receive(Vec<u8>),
}

#[test]
fn the_sync_client_survives_any_sequence_of_frames_and_keeps_its_promises() {
    let invite = invite();
    let stranger = Invite {
        room: invite.room,
        key: RoomKey::from_bytes([1; 32]),
    };
    let corpus = corpus(&invite);
    let mut mutator = fuzz::Mutator::new(fuzz::seed() ^ 0x5eed, &[&[1]], 1024);
    let report = fuzz::fuzz(
        "sync-client",
        1_500,
        // One input is a seed for a sequence of steps.
        |mutator| mutator.rng.random::<u64>().to_le_bytes().to_vec(),
        &mut mutator,
        |_| 4 * 1024 * 1024,
        |seed| {
            use rand::SeedableRng;
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(u64::from_le_bytes(
                seed.try_into().expect("eight bytes"),
            ));
            let mut steps_mutator = fuzz::Mutator::new(rng.random(), &[&[1]], 1024);
            let start = rng.random_range(0..5);
            let mut client = SyncClient::new(invite.clone(), start);
            let mut last_seen = client.last_seen();
            let mut pending = 0usize;
            let mut refused = false;
            for _ in 0..rng.random_range(1..60) {
                let step = match rng.random_range(0..20) {
                    0..=1 => Step::Connect,
                    2 => Step::Disconnect,
                    3..=4 => {
                        Step::Push((0..rng.random_range(0..40)).map(|_| rng.random()).collect())
                    }
                    5 => Step::Snapshot(vec![7; rng.random_range(0..40)]),
                    6..=9 => Step::Receive(steps_mutator.next(&corpus)),
                    _ => {
                        let sequence = rng.random_range(0..12);
                        let key = if rng.random_bool(0.9) {
                            &invite
                        } else {
                            &stranger
                        };
                        let blob = key.key.seal(&key.room, b"x").expect("sealing works");
                        let frame = match rng.random_range(0..5) {
                            0 => Frame::Deliver { sequence, blob },
                            1 => Frame::Snapshot {
                                through: sequence,
                                blob,
                            },
                            2 => Frame::Ack { sequence },
                            3 => Frame::Synced { latest: sequence },
                            _ => Frame::error(ErrorCode::Storage, "busy"),
                        };
                        Step::Receive(frame.encode(MAX_FRAME_BYTES).expect("frames encode"))
                    }
                };
                match step {
                    Step::Connect => {
                        client.connect().expect("a hello fits");
                        let hello = client.poll_transmit().expect("the hello comes first");
                        match Frame::decode(&hello, MAX_FRAME_BYTES) {
                            Ok(Frame::Hello { after, .. }) => assert_eq!(after, client.last_seen()),
                            other => panic!("the first frame after connecting is {other:?}"),
                        }
                        let mut resent = 0;
                        while let Some(bytes) = client.poll_transmit() {
                            assert!(matches!(
                                Frame::decode(&bytes, MAX_FRAME_BYTES),
                                Ok(Frame::Push { .. } | Frame::Snapshot { .. })
                            ));
                            resent += 1;
                        }
                        assert_eq!(resent, pending, "every unacknowledged push is sent again");
                    }
                    Step::Disconnect => client.disconnected(),
                    Step::Push(changes) => {
                        client.push(&changes).expect("small pushes fit");
                        pending += 1;
                    }
                    Step::Snapshot(whole) => {
                        client.snapshot(&whole).expect("small snapshots fit");
                        pending += 1;
                    }
                    Step::Receive(bytes) => match client.receive(&bytes) {
                        Ok(Some(ClientEvent::Acknowledged { .. })) => pending -= 1,
                        Ok(Some(ClientEvent::Refused { .. })) => refused = true,
                        Ok(_) => {}
                        Err(ClientError::UnexpectedFrame("ack")) => {
                            assert_eq!(
                                pending, 0,
                                "an acknowledgement is refused only with nothing on its way"
                            )
                        }
                        Err(_) => {}
                    },
                }
                assert!(
                    client.last_seen() >= last_seen,
                    "the last sequence seen never goes back"
                );
                last_seen = client.last_seen();
                assert_eq!(client.pending(), pending, "pushes wait until acknowledged");
                while client.poll_transmit().is_some() {}
            }
            !refused
        },
    );
    assert!(report.executions > 0);
}
