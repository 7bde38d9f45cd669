//! What the relay's log says, run as an operator runs it: with
//! `--log-format json` every line is one JSON object a log collector can
//! read, and neither a room id nor a client's address is in it unless
//! `--log-sensitive` asks for them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use support::process::RelayProcess;
use tandem_sync::{Frame, Invite, MAX_FRAME_BYTES, PROTOCOL_VERSION, SEAL_OVERHEAD};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

mod support;

const PATIENCE: Duration = Duration::from_secs(20);

/// The address the client connects from: not the relay's own, so that
/// the relay's listening address in the log is not mistaken for it.
const CLIENT_ADDRESS: &str = "127.0.0.3";

/// Runs the relay with `flags` while a client opens a room, pushes, and
/// is turned away with a wrong token; then stops it. Its log lines, and
/// the room's id.
async fn log_of_a_session(flags: &[&str]) -> (Vec<String>, String) {
    let mut relay = RelayProcess::new(None)
        .flags(flags)
        .setting("RUST_LOG", "debug")
        .logged();
    relay.start().await;
    let addr = relay.addr;

    let invite = Invite::new_room().expect("randomness");
    let wrong = Invite {
        room: invite.room,
        key: Invite::new_room().expect("randomness").key,
    };
    for (who, push) in [(&invite, true), (&wrong, false)] {
        let socket = TcpSocket::new_v4().unwrap();
        socket
            .bind(format!("{CLIENT_ADDRESS}:0").parse().unwrap())
            .unwrap();
        let stream = socket.connect(addr).await.unwrap();
        let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/sync"), stream)
            .await
            .expect("a WebSocket");
        let hello = Frame::Hello {
            protocol: PROTOCOL_VERSION,
            room: who.room,
            token: who.access_token(),
            after: 0,
        };
        let mut frames = vec![hello];
        if push {
            frames.push(Frame::Push {
                blob: vec![1; SEAL_OVERHEAD + 10],
            });
        }
        for frame in frames {
            let bytes = frame.encode(MAX_FRAME_BYTES).unwrap();
            ws.send(Message::Binary(bytes.into())).await.unwrap();
        }
        // Until the acknowledgement, or the refusal's close.
        while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, ws.next()).await {
            if let Message::Binary(bytes) = message {
                if let Ok(Frame::Ack { .. }) = Frame::decode(&bytes, MAX_FRAME_BYTES) {
                    break;
                }
            }
        }
    }

    let output = relay.stop().await;
    let lines = [output.stdout, output.stderr]
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    (lines, invite.room.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_a_line_and_name_no_room_or_client() {
    let (lines, room) = log_of_a_session(&["--log-format", "json"]).await;
    assert!(
        lines.len() >= 5,
        "the session is logged: {} lines",
        lines.len()
    );
    for line in &lines {
        let object: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"));
        assert!(
            object.get("level").is_some() && object.get("timestamp").is_some(),
            "a log object has a level and a time: {line}"
        );
        assert!(!line.contains(&room), "a room id is logged: {line}");
        assert!(
            !line.contains(CLIENT_ADDRESS),
            "a client address is logged: {line}"
        );
    }
    assert!(
        lines.iter().any(|line| line.contains("\"room\":\"room-")),
        "rooms appear as pseudonyms"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("does not open the room")),
        "the refused hello is logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_log_sensitive_the_room_id_is_logged_as_it_is() {
    let (lines, room) = log_of_a_session(&["--log-format", "json", "--log-sensitive"]).await;
    for line in &lines {
        let _: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"));
    }
    assert!(
        lines.iter().any(|line| line.contains(&room)),
        "the room id is logged when asked for"
    );
}
