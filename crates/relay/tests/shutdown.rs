//! Stopping the relay (systemd's stop and restart send SIGTERM): it
//! stops accepting, finishes the frames under way, closes every WebSocket
//! with 1012 "Service Restart" — which the app answers by coming back
//! later — and exits within its shutdown timeout, having lost nothing it
//! acknowledged.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use support::process::RelayProcess;
use support::wire::{hello, send_frame, socket, Socket};
use tandem_sync::{Frame, Invite, MAX_FRAME_BYTES, SEAL_OVERHEAD};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

mod support;

const PATIENCE: Duration = Duration::from_secs(20);

/// The relay's bound on stopping, as set for these tests.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// A relay on a SQLite file of its own, stopping within
/// [`SHUTDOWN_TIMEOUT`].
async fn relay() -> RelayProcess {
    let mut relay = RelayProcess::new(None).setting(
        "TANDEM_SHUTDOWN_TIMEOUT_SECONDS",
        &SHUTDOWN_TIMEOUT.as_secs().to_string(),
    );
    relay.start().await;
    relay
}

/// The frames a socket gets until it closes, and the close's code.
async fn until_closed(socket: &mut Socket) -> (Vec<Frame>, Option<CloseCode>) {
    let mut frames = Vec::new();
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay closes in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                frames.push(Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame"))
            }
            Some(Ok(Message::Close(close))) => return (frames, close.map(|close| close.code)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return (frames, None),
        }
    }
}

async fn synced(socket: &mut Socket) -> Vec<Frame> {
    let mut replayed = Vec::new();
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time");
        match message {
            Some(Ok(Message::Binary(bytes))) => {
                match Frame::decode(&bytes, MAX_FRAME_BYTES).expect("a frame") {
                    Frame::Synced { .. } => return replayed,
                    frame => replayed.push(frame),
                }
            }
            Some(Ok(_)) => {}
            other => panic!("the relay closed a hello: {other:?}"),
        }
    }
}

fn blob(index: u8) -> Vec<u8> {
    vec![index; SEAL_OVERHEAD + 200]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sigterm_every_client_is_told_to_come_back_and_nothing_acknowledged_is_lost() {
    let mut relay = relay().await;
    let invite = Invite::new_room().expect("randomness");
    let mut anna = socket(relay.addr).await;
    send_frame(&mut anna, hello(&invite, 0)).await;
    synced(&mut anna).await;
    let mut ben = socket(relay.addr).await;
    send_frame(&mut ben, hello(&invite, 0)).await;
    synced(&mut ben).await;
    // Connected, but still to say hello.
    let mut carla = socket(relay.addr).await;

    // Pushes in flight when the signal comes.
    for index in 1..=30 {
        send_frame(&mut anna, Frame::Push { blob: blob(index) }).await;
    }
    let stopping = Instant::now();
    relay.terminate();

    let (frames, code) = until_closed(&mut anna).await;
    assert_eq!(code, Some(CloseCode::Restart), "anna is told to come back");
    let acknowledged: Vec<u64> = frames
        .iter()
        .map(|frame| match frame {
            Frame::Ack { sequence } => *sequence,
            other => panic!("the pusher gets acknowledgements, not {other:?}"),
        })
        .collect();
    assert_eq!(
        acknowledged,
        (1..=acknowledged.len() as u64).collect::<Vec<_>>(),
        "acknowledged in order, without a gap"
    );
    let (delivered, code) = until_closed(&mut ben).await;
    assert_eq!(code, Some(CloseCode::Restart), "ben is told to come back");
    // What ben did not get before the close, he fetches when he is back.
    assert!(
        delivered
            .iter()
            .enumerate()
            .all(|(index, frame)| matches!(frame, Frame::Deliver { sequence, .. } if *sequence == index as u64 + 1)),
        "ben gets deliveries in order, then the close"
    );
    let (_, code) = until_closed(&mut carla).await;
    assert_eq!(code, Some(CloseCode::Restart), "carla is told to come back");

    let (status, took) = relay.exited(stopping).await;
    assert!(status.success(), "the relay exits cleanly: {status}");
    assert!(
        took < SHUTDOWN_TIMEOUT + Duration::from_secs(3),
        "the relay took {took:?} to stop"
    );
    assert!(
        TcpStream::connect(relay.addr).await.is_err(),
        "nothing listens any more"
    );
    println!(
        "{} of 30 pushes acknowledged before the close; stopped in {took:?}",
        acknowledged.len()
    );

    // Started again: every acknowledged push is there, under its sequence.
    relay.start().await;
    let mut again = socket(relay.addr).await;
    send_frame(&mut again, hello(&invite, 0)).await;
    let replayed: Vec<(u64, Vec<u8>)> = synced(&mut again)
        .await
        .into_iter()
        .map(|frame| match frame {
            Frame::Deliver { sequence, blob } => (sequence, blob),
            other => panic!("expected the room's pushes, got {other:?}"),
        })
        .collect();
    for sequence in acknowledged {
        let index = u8::try_from(sequence).expect("30 at most");
        assert!(
            replayed.contains(&(sequence, blob(index))),
            "acknowledged push {sequence} is stored"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_hold_the_stop_past_its_bound() {
    let mut relay = relay().await;
    let invite = Invite::new_room().expect("randomness");
    let mut stuck = socket(relay.addr).await;
    send_frame(&mut stuck, hello(&invite, 0)).await;
    synced(&mut stuck).await;
    let mut pusher = socket(relay.addr).await;
    send_frame(&mut pusher, hello(&invite, 0)).await;
    synced(&mut pusher).await;
    // Deliveries pile up for `stuck`, which reads nothing from here on.
    for index in 1..=20 {
        send_frame(
            &mut pusher,
            Frame::Push {
                blob: vec![index; 1024 * 1024],
            },
        )
        .await;
    }
    let stopping = Instant::now();
    relay.terminate();
    let (_, code) = until_closed(&mut pusher).await;
    assert_eq!(code, Some(CloseCode::Restart));
    let (status, took) = relay.exited(stopping).await;
    assert!(status.success(), "the relay exits cleanly: {status}");
    assert!(
        took < SHUTDOWN_TIMEOUT + Duration::from_secs(3),
        "the relay took {took:?} to stop"
    );
    drop(stuck);
}
