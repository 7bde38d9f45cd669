//! The relay's intake inbox over HTTP: what an applicant's form and a
//! coordinator's pipeline ask of it.
//!
//! An inbox is addressed by the id from the application link. Anyone with
//! the link may read the public form and append a sealed message; reading
//! and deleting the messages needs the reader token, which only the
//! programme's coordinators hold (kept in the sealed programme). The relay
//! answers every refusal with a stable code (`{"error":"too-many"}`), which
//! [`InboxError`] names for the texts the user reads.

use serde::Deserialize;
use tandem_sync::intake::InboxId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCache, RequestInit, Response};

/// Why the relay did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InboxError {
    /// No network, or no relay at this address.
    Offline,
    /// The link's inbox is not on this relay.
    NoSuchInbox,
    /// The link was closed or its deadline passed.
    Closed,
    /// Too many applications from this network within the hour.
    TooMany,
    /// The inbox or the relay holds all it may.
    Full,
    /// The reader token is not this inbox's (or another coordinator opened
    /// an inbox with this id).
    NotYours,
    /// The relay opens inboxes only for its operator's code, and this
    /// device has none or another.
    NeedsCode,
    /// Anything else the relay refused, with its code.
    Refused(String),
}

impl InboxError {
    /// The Fluent id of the text that tells the user.
    pub(crate) fn text_id(&self) -> &'static str {
        match self {
            Self::Offline => "inbox-offline",
            Self::NoSuchInbox => "inbox-no-such",
            Self::Closed => "inbox-closed",
            Self::TooMany => "inbox-too-many",
            Self::Full => "inbox-full",
            Self::NotYours => "inbox-not-yours",
            Self::NeedsCode => "inbox-needs-code",
            Self::Refused(_) => "inbox-refused",
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            "no-such-inbox" => Self::NoSuchInbox,
            "closed" => Self::Closed,
            "too-many" => Self::TooMany,
            "inbox-full" | "relay-full" => Self::Full,
            "not-yours" => Self::NotYours,
            "credential" => Self::NeedsCode,
            other => Self::Refused(other.chars().take(40).collect()),
        }
    }
}

/// What anyone with the link may read: the form's public part and whether
/// it still takes applications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InboxInfo {
    pub(crate) form: Vec<u8>,
    pub(crate) closes_at: u64,
    pub(crate) open: bool,
}

/// One sealed message, as the relay keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredMessage {
    pub(crate) seq: u64,
    pub(crate) at: u64,
    pub(crate) sealed: Vec<u8>,
}

/// A page of messages and the newest sequence the inbox holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MessagePage {
    pub(crate) messages: Vec<StoredMessage>,
    pub(crate) latest: u64,
}

/// The relay's HTTP address (`https://host`) from its WebSocket address
/// (`wss://host/sync`).
pub(crate) fn relay_base(socket_url: &str) -> String {
    let (scheme, rest) = match socket_url.split_once("://") {
        Some(("wss", rest)) => ("https", rest),
        Some(("ws", rest)) => ("http", rest),
        Some((scheme, rest)) => (scheme, rest),
        None => ("https", socket_url),
    };
    let host = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

fn inbox_url(base: &str, inbox: &InboxId, tail: &str) -> String {
    format!("{base}/inbox/{}{tail}", inbox.to_hex())
}

/// The public form and state of an inbox.
pub(crate) async fn read_info(base: &str, inbox: &InboxId) -> Result<InboxInfo, InboxError> {
    #[derive(Deserialize)]
    struct Info {
        form: String,
        closes_at: u64,
        open: bool,
    }
    let text = request(&inbox_url(base, inbox, ""), "GET", None, None).await?;
    let info: Info = serde_json::from_str(&text).map_err(|_| damaged())?;
    Ok(InboxInfo {
        form: decode(&info.form)?,
        closes_at: info.closes_at,
        open: info.open,
    })
}

/// Appends a sealed message with its proof of work; returns its sequence.
pub(crate) async fn append(
    base: &str,
    inbox: &InboxId,
    nonce: u64,
    sealed: &[u8],
) -> Result<u64, InboxError> {
    #[derive(Deserialize)]
    struct Appended {
        seq: u64,
    }
    let mut body = nonce.to_le_bytes().to_vec();
    body.extend_from_slice(sealed);
    let text = request(&inbox_url(base, inbox, ""), "POST", Some(&body), None).await?;
    let appended: Appended = serde_json::from_str(&text).map_err(|_| damaged())?;
    Ok(appended.seq)
}

/// Opens (or updates) an inbox for a published form: the relay keeps the
/// reader token's hash, the deadline and the form's public part. A relay
/// that opens inboxes only for its operator's code is given `code`.
pub(crate) async fn publish(
    base: &str,
    inbox: &InboxId,
    reader_hash_hex: &str,
    closes_at: u64,
    form: &[u8],
    code: Option<&str>,
) -> Result<(), InboxError> {
    let query = code
        .map(|code| format!("?{}", crate::socket::room_creation_query(code)))
        .unwrap_or_default();
    let body = serde_json::json!({
        "reader": reader_hash_hex,
        "closes_at": closes_at,
        "form": encode(form),
    })
    .to_string();
    request(
        &inbox_url(base, inbox, &query),
        "PUT",
        Some(body.as_bytes()),
        None,
    )
    .await
    .map(|_| ())
}

/// Messages after `after`, with the reader token.
pub(crate) async fn read_messages(
    base: &str,
    inbox: &InboxId,
    reader_hex: &str,
    after: u64,
) -> Result<MessagePage, InboxError> {
    #[derive(Deserialize)]
    struct Message {
        seq: u64,
        at: u64,
        sealed: String,
    }
    #[derive(Deserialize)]
    struct Page {
        messages: Vec<Message>,
        latest: u64,
    }
    let url = inbox_url(base, inbox, &format!("/messages?after={after}"));
    let text = request(&url, "GET", None, Some(reader_hex)).await?;
    let page: Page = serde_json::from_str(&text).map_err(|_| damaged())?;
    let messages = page
        .messages
        .into_iter()
        .map(|message| {
            Ok(StoredMessage {
                seq: message.seq,
                at: message.at,
                sealed: decode(&message.sealed)?,
            })
        })
        .collect::<Result<_, InboxError>>()?;
    Ok(MessagePage {
        messages,
        latest: page.latest,
    })
}

/// Deletes the messages up to and including `through` (taken in or
/// declined: their bytes leave the relay).
pub(crate) async fn delete_through(
    base: &str,
    inbox: &InboxId,
    reader_hex: &str,
    through: u64,
) -> Result<(), InboxError> {
    let url = inbox_url(base, inbox, &format!("/messages?through={through}"));
    request(&url, "DELETE", None, Some(reader_hex))
        .await
        .map(|_| ())
}

/// Closes an inbox: its link stops taking applications; what it holds can
/// still be read.
pub(crate) async fn close(base: &str, inbox: &InboxId, reader_hex: &str) -> Result<(), InboxError> {
    request(
        &inbox_url(base, inbox, ""),
        "DELETE",
        None,
        Some(reader_hex),
    )
    .await
    .map(|_| ())
}

fn damaged() -> InboxError {
    InboxError::Refused("damaged-answer".into())
}

fn encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decode(text: &str) -> Result<Vec<u8>, InboxError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| damaged())
}

/// One request; the answer's text when the relay says yes, its code when
/// it says no.
async fn request(
    url: &str,
    method: &str,
    body: Option<&[u8]>,
    bearer: Option<&str>,
) -> Result<String, InboxError> {
    let window = web_sys::window().ok_or(InboxError::Offline)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_cache(RequestCache::NoStore);
    let headers = Headers::new().map_err(|_| InboxError::Offline)?;
    if let Some(body) = body {
        let bytes = js_sys::Uint8Array::from(body);
        init.set_body(&JsValue::from(bytes));
        let kind = if method == "PUT" {
            "application/json"
        } else {
            "application/octet-stream"
        };
        let _ = headers.set("content-type", kind);
    }
    if let Some(token) = bearer {
        let _ = headers.set("authorization", &format!("Bearer {token}"));
    }
    init.set_headers(&headers);
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| InboxError::Offline)?
        .dyn_into()
        .map_err(|_| InboxError::Offline)?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        return Ok(text);
    }
    #[derive(Deserialize)]
    struct Refusal {
        error: String,
    }
    Err(match serde_json::from_str::<Refusal>(&text) {
        Ok(refusal) => InboxError::from_code(&refusal.error),
        // A proxy's or server's own page: the relay is not reachable.
        Err(_) => InboxError::Offline,
    })
}
