//! Frames over a real WebSocket.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tandem_sync::{ErrorCode, Frame, Invite, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long an answer the relay owes may take on a busy machine.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

/// A WebSocket to the relay's sync endpoint.
pub(crate) async fn socket(addr: SocketAddr) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
        .await
        .expect("the relay accepts a WebSocket");
    socket
}

/// The hello of a current app for `invite`'s room, having seen every
/// sequence up to `after`.
pub(crate) fn hello(invite: &Invite, after: u64) -> Frame {
    Frame::Hello {
        protocol: PROTOCOL_VERSION,
        room: invite.room,
        token: invite.access_token(),
        after,
    }
}

pub(crate) async fn send_frame(socket: &mut Socket, frame: Frame) {
    let bytes = frame.encode(MAX_FRAME_BYTES).expect("a frame fits");
    socket
        .send(Message::Binary(bytes.into()))
        .await
        .expect("the relay takes the frame");
}

/// The next message that is not a ping or pong; `None` once closed.
pub(crate) async fn next_message(socket: &mut Socket) -> Option<Message> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the relay answers in time")?;
        match message {
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(message) => return Some(message),
            Err(_) => return None,
        }
    }
}

pub(crate) async fn next_frame(socket: &mut Socket) -> Frame {
    match next_message(socket).await {
        Some(Message::Binary(bytes)) => {
            Frame::decode(&bytes, MAX_FRAME_BYTES).expect("the relay sends frames")
        }
        other => panic!("expected a binary frame, got {other:?}"),
    }
}

/// The next frame; `None` once the socket closes.
pub(crate) async fn frame_or_close(socket: &mut Socket) -> Option<Frame> {
    match next_message(socket).await {
        Some(Message::Binary(bytes)) => {
            Some(Frame::decode(&bytes, MAX_FRAME_BYTES).expect("the relay sends frames"))
        }
        None | Some(Message::Close(_)) => None,
        other => panic!("expected a binary frame, got {other:?}"),
    }
}

/// An error frame with `code`, then the close.
pub(crate) async fn expect_refusal(socket: &mut Socket, code: ErrorCode) {
    match next_frame(socket).await {
        Frame::Error { code: found, .. } => assert_eq!(found, code),
        other => panic!("expected an error frame, got {other:?}"),
    }
    match next_message(socket).await {
        None | Some(Message::Close(_)) => {}
        other => panic!("expected the connection to close, got {other:?}"),
    }
}
