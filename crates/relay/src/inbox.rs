//! Programmes' intake inboxes: where applications sent by link wait,
//! sealed, for the coordinators.
//!
//! A programme that recruits by link publishes
//! `/bewerben#inbox=<id>&key=<public key>` (see [`tandem_sync::intake`]).
//! The applicant's browser seals the answers to the programme's intake key
//! and appends them here; a coordinator's device reads them, opens them
//! with the key's secret half, and deletes what it took in. The relay
//! stores opaque bytes: it never holds a key that opens them.
//!
//! # Capabilities
//!
//! - **The inbox id** (in the public link) lets anyone read the public form
//!   and **append** a sealed message, within the bounds below.
//! - **The reader token** (32 random bytes written as 64 hex digits, kept
//!   inside the programme; the relay stores only the SHA-256 of the 32
//!   bytes) lets the coordinators **read**, delete
//!   and close. It is compared by hash in constant time.
//! - Opening an inbox is like opening a room: rationed per address
//!   ([`Limits::new_rooms_per_hour`]) and, on a relay with a creation
//!   credential, only for its holders (`?room-creation=…`). Whoever opened
//!   an inbox keeps it: a stranger's `PUT` with another reader hash is
//!   refused, and a closed inbox is never opened again (its tombstone
//!   keeps the reader hash), so an old link cannot be taken over.
//!
//! # HTTP
//!
//! Errors answer `{"error":"<code>"}` with a stable code.
//!
//! - `PUT /inbox/{id}[?room-creation=…]`, JSON
//!   `{"reader":"<64 hex>","closes_at":<unix s>,"form":"<base64>"}` (form
//!   at most [`MAX_FORM_BYTES`]): 201 opened, 200 updated (same reader);
//!   403 `not-yours`, 403 `credential`, 429 `too-many`, 410 `closed`, 413
//!   `too-large`, 400 `bad-request`.
//! - `GET /inbox/{id}`: `{"form":"<base64>","closes_at":N,"open":bool}`;
//!   404 `no-such-inbox` (also once closed and emptied, or expired).
//! - `POST /inbox/{id}`, body: 8 bytes little-endian nonce, then the
//!   sealed bytes: 201 `{"seq":N}`; refusals, cheapest first: 413
//!   `too-large`, 404 `no-such-inbox`, 410 `closed`, 400 `damaged`, 400
//!   `no-work`, 429 `too-many`, 507 `inbox-full`, 507 `relay-full`.
//! - `GET /inbox/{id}/messages?after=N`, `Authorization: Bearer <token>`:
//!   `{"messages":[{"seq":N,"at":<unix s>,"sealed":"<base64>"}],"latest":N}`,
//!   a page of at most about [`PAGE_BYTES`]; ask again after the last
//!   `seq` until it reaches `latest`. 403 `not-yours`.
//! - `DELETE /inbox/{id}/messages?through=N` (bearer): 204.
//! - `DELETE /inbox/{id}` (bearer): closes it, 204.
//!
//! Every response also answers CORS for the relay's allowed origins
//! ([`AllowedOrigins`](crate::AllowedOrigins)); a request from another
//! origin is refused with 403 `origin`. Base64 is the standard alphabet
//! with padding.
//!
//! # Threat model
//!
//! - **A link holder** (the link is public) cannot read or delete the
//!   messages, nor close the inbox
//!   (`inbox::a_link_holder_cannot_read_or_delete_and_the_reader_token_reads_what_only_the_key_opens`).
//! - **A stranger** cannot take an inbox over by opening it again with
//!   another reader (`inbox::a_stranger_cannot_open_an_inbox_again_with_another_reader`)
//!   nor open inboxes on a relay with a creation credential
//!   (`inbox::opening_an_inbox_needs_the_creation_credential_when_one_is_set`).
//! - **A bot flooding an inbox** pays a proof of work per message
//!   (`inbox::appends_without_or_with_wrong_work_are_refused`), sends at
//!   most [`MAX_SEALED_BYTES`] a message (`inbox::a_message_over_the_size_limit_is_refused`), at most
//!   [`Limits::inbox_appends_per_hour`] from one address, IPv6 by /64
//!   (`inbox::an_address_appends_its_hours_messages_then_waits`), and an
//!   inbox holds at most [`Limits::max_inbox_messages`] and
//!   [`Limits::max_inbox_bytes`]
//!   (`inbox::an_inbox_holds_no_more_messages_or_bytes_than_allowed`).
//! - **Filling the disk through inboxes.** Their bytes count in the
//!   store's usage; at the quota or the watermark appends are refused with
//!   `relay-full` (`inbox::a_full_relay_refuses_appends_and_inboxes_stay_readable`).
//! - **Old links.** A closed inbox takes nothing and its messages stay
//!   readable (`inbox::a_closed_inbox_refuses_appends_and_still_reads`);
//!   idle inboxes expire after [`Limits::room_expiry_days`].
//! - **Other web pages** using a visitor's browser: CORS and the origin
//!   check (`inbox::cors_is_answered_for_allowed_origins_only`).
//! - **The relay's disk** holds only sealed bytes
//!   (`inbox::the_database_file_holds_no_answer_in_plaintext`).
//! - **A shared computer or a proxy between** keeps no copy of the sealed
//!   messages: they are sent `Cache-Control: no-store`
//!   (`inbox::a_link_holder_cannot_read_or_delete_and_the_reader_token_reads_what_only_the_key_opens`),
//!   also from a relay that serves the app's files and tells browsers how
//!   long to keep those.
//!
//! The store keeps inboxes beside rooms ([`RoomStore`]'s inbox methods);
//! their bytes count in its usage, so the relay's quota covers them.
//!
//! [`Limits::new_rooms_per_hour`]: crate::Limits::new_rooms_per_hour
//! [`Limits::inbox_appends_per_hour`]: crate::Limits::inbox_appends_per_hour
//! [`Limits::max_inbox_messages`]: crate::Limits::max_inbox_messages
//! [`Limits::max_inbox_bytes`]: crate::Limits::max_inbox_bytes
//! [`Limits::room_expiry_days`]: crate::Limits::room_expiry_days

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Extension, Json, Router};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use tandem_sync::intake::{
    work_is_done, InboxId, ReaderToken, SealedApplication, MAX_SEALED_BYTES,
};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::store::{InboxAppend, InboxBounds, InboxOpening, InboxState, RoomStore};
use crate::{server, RelayState, CREDENTIAL_PARAMETER};

/// The largest public form definition an inbox keeps.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// About the most one page of messages holds (at least one message).
pub const PAGE_BYTES: usize = 1024 * 1024;

/// The proof-of-work nonce before the sealed bytes of an append.
const NONCE_BYTES: usize = 8;

/// The largest body of an opening: the form in base64 and the rest.
const MAX_OPENING_BYTES: usize = MAX_FORM_BYTES * 4 / 3 + 1024;

/// Time a client has to send a request's body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The length of a reader token, in hexadecimal digits.
const TOKEN_HEX: usize = 64;

/// A refusal: its status and its code.
#[derive(Debug, Clone, Copy)]
struct Refusal(StatusCode, &'static str);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

fn refuse(status: StatusCode, code: &'static str) -> Response {
    Refusal(status, code).into_response()
}

fn storage(error: crate::StoreError) -> Response {
    storage_refusal(error).into_response()
}

fn storage_refusal(error: crate::StoreError) -> Refusal {
    tracing::error!(%error, "an inbox could not be read or written");
    Refusal(StatusCode::SERVICE_UNAVAILABLE, "storage")
}

/// The inbox routes, with CORS for the allowed origins and the origin
/// check.
pub(crate) fn routes<S: RoomStore>(state: RelayState<S>) -> Router<RelayState<S>> {
    let origins = state.exposure.allowed_origins.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |_, request| {
            origins.allows(&request.headers)
        }))
        .allow_methods([Method::GET, Method::PUT, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(Duration::from_secs(60 * 60));
    Router::new()
        .route(
            "/inbox/{id}",
            put(open::<S>)
                .get(form::<S>)
                .post(append::<S>)
                .delete(close::<S>),
        )
        .route(
            "/inbox/{id}/messages",
            get(messages::<S>).delete(delete_messages::<S>),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            same_origin::<S>,
        ))
        .layer(cors)
}

/// Refuses requests from pages of origins the relay does not allow.
async fn same_origin<S: RoomStore>(
    State(state): State<RelayState<S>>,
    request: Request,
    next: Next,
) -> Response {
    if state.exposure.allowed_origins.allows(request.headers()) {
        next.run(request).await
    } else {
        tracing::info!("an inbox request from a page of another origin refused");
        refuse(StatusCode::FORBIDDEN, "origin")
    }
}

/// The body, if it arrives within [`BODY_TIMEOUT`] and `limit` bytes.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, Refusal> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok())
        .and_then(|length| length.parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(Refusal(StatusCode::PAYLOAD_TOO_LARGE, "too-large"));
    }
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            // Over the limit, or the connection broke: either way, refused.
            tracing::debug!(%error, "an inbox request's body was not read");
            Err(Refusal(StatusCode::PAYLOAD_TOO_LARGE, "too-large"))
        }
        Err(_) => Err(Refusal(StatusCode::REQUEST_TIMEOUT, "too-slow")),
    }
}

fn inbox_id(id: &str) -> Result<InboxId, Refusal> {
    InboxId::from_hex(&id.to_ascii_lowercase())
        .ok_or(Refusal(StatusCode::NOT_FOUND, "no-such-inbox"))
}

/// The reader hash of a token sent as 64 hexadecimal digits: SHA-256 of
/// its 32 bytes (as a room token's hash is made).
fn reader_hash(token: &str) -> Option<[u8; 32]> {
    ReaderToken::from_hex(token.trim()).map(|token| token.hash())
}

/// 32 bytes written as 64 hexadecimal digits (a reader token, or its
/// hash).
fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != TOKEN_HEX || !hex.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (index, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(bytes)
}

fn query_value<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}

#[derive(Debug, Deserialize)]
struct Opening {
    reader: String,
    closes_at: u64,
    form: String,
}

async fn open<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
    address: Option<Extension<server::ClientAddress>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let inbox = match inbox_id(&id) {
        Ok(inbox) => inbox,
        Err(refusal) => return refusal.into_response(),
    };
    let body = match read_body(&headers, body, MAX_OPENING_BYTES).await {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let Ok(opening) = serde_json::from_slice::<Opening>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "bad-request");
    };
    let Some(reader) = parse_hash(&opening.reader) else {
        return refuse(StatusCode::BAD_REQUEST, "bad-request");
    };
    let Ok(form) = base64::engine::general_purpose::STANDARD.decode(opening.form.as_bytes()) else {
        return refuse(StatusCode::BAD_REQUEST, "bad-request");
    };
    if form.len() > MAX_FORM_BYTES {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    }
    // A new inbox is a new room: the credential and the address's ration.
    let exists = match state.store.inbox(inbox).await {
        Ok(stored) => stored.is_some(),
        Err(error) => return storage(error),
    };
    let mut taken_from = None;
    if !exists {
        let presented = query_value(query.as_deref(), CREDENTIAL_PARAMETER);
        if !state.new_rooms.credential_opens(presented) {
            return refuse(StatusCode::FORBIDDEN, "credential");
        }
        if let Some(Extension(server::ClientAddress(address))) = address {
            if !state.new_rooms.take(address) {
                return refuse(StatusCode::TOO_MANY_REQUESTS, "too-many");
            }
            taken_from = Some(address);
        }
    }
    let now = state.clock.now();
    let answer = state
        .store
        .open_inbox(inbox, reader, opening.closes_at, form, now)
        .await;
    if !matches!(answer, Ok(InboxOpening::Created)) {
        if let Some(address) = taken_from {
            state.new_rooms.give_back(address);
        }
    }
    match answer {
        Ok(InboxOpening::Created) => StatusCode::CREATED.into_response(),
        Ok(InboxOpening::Updated) => StatusCode::OK.into_response(),
        Ok(InboxOpening::NotYours) => refuse(StatusCode::FORBIDDEN, "not-yours"),
        Ok(InboxOpening::Closed) => refuse(StatusCode::GONE, "closed"),
        Err(error) => storage(error),
    }
}

#[derive(Debug, Serialize)]
struct Form {
    form: String,
    closes_at: u64,
    open: bool,
}

async fn form<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
) -> Response {
    let inbox = match inbox_id(&id) {
        Ok(inbox) => inbox,
        Err(refusal) => return refusal.into_response(),
    };
    match state.store.inbox(inbox).await {
        Ok(Some(stored)) if stored.state != InboxState::Gone => Json(Form {
            form: base64::engine::general_purpose::STANDARD.encode(&stored.form),
            closes_at: stored.closes_at,
            open: stored.state == InboxState::Open && state.clock.now() < stored.closes_at,
        })
        .into_response(),
        Ok(_) => refuse(StatusCode::NOT_FOUND, "no-such-inbox"),
        Err(error) => storage(error),
    }
}

#[derive(Debug, Serialize)]
struct Appended {
    seq: u64,
}

async fn append<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
    address: Option<Extension<server::ClientAddress>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match appended(&state, &id, address, &headers, body).await {
        Ok(response) => response,
        Err(refusal) => {
            state.metrics.inbox_refused(refusal.1);
            refusal.into_response()
        }
    }
}

/// An append's answer, or why it was refused.
async fn appended<S: RoomStore>(
    state: &RelayState<S>,
    id: &str,
    address: Option<Extension<server::ClientAddress>>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let body = match read_body(headers, body, NONCE_BYTES + MAX_SEALED_BYTES).await {
        Ok(body) => body,
        Err(refusal) => return Err(refusal),
    };
    let inbox = match inbox_id(id) {
        Ok(inbox) => inbox,
        Err(refusal) => return Err(refusal),
    };
    let stored = match state.store.inbox(inbox).await {
        Ok(Some(stored)) if stored.state != InboxState::Gone => stored,
        Ok(_) => return Err(Refusal(StatusCode::NOT_FOUND, "no-such-inbox")),
        Err(error) => return Err(storage_refusal(error)),
    };
    let now = state.clock.now();
    if stored.state != InboxState::Open || now >= stored.closes_at {
        return Err(Refusal(StatusCode::GONE, "closed"));
    }
    let Some((nonce, sealed)) = body.split_first_chunk::<NONCE_BYTES>() else {
        return Err(Refusal(StatusCode::BAD_REQUEST, "damaged"));
    };
    if SealedApplication::from_bytes(sealed).is_err() {
        return Err(Refusal(StatusCode::BAD_REQUEST, "damaged"));
    }
    let nonce = u64::from_le_bytes(*nonce);
    if !work_is_done(&inbox, sealed, nonce, state.limits.inbox_work_bits) {
        return Err(Refusal(StatusCode::BAD_REQUEST, "no-work"));
    }
    if let Some(Extension(server::ClientAddress(address))) = address {
        if !state.inbox_appends.take(address) {
            tracing::info!("an address sent its hour's inbox messages; refused");
            return Err(Refusal(StatusCode::TOO_MANY_REQUESTS, "too-many"));
        }
    }
    let bounds = InboxBounds {
        max_messages: state.limits.max_inbox_messages,
        max_bytes: state.limits.max_inbox_bytes,
    };
    if stored.messages >= bounds.max_messages
        || stored.bytes.saturating_add(sealed.len() as u64) > bounds.max_bytes
    {
        return Err(Refusal(StatusCode::INSUFFICIENT_STORAGE, "inbox-full"));
    }
    if state.storage.full().is_some() {
        return Err(Refusal(StatusCode::INSUFFICIENT_STORAGE, "relay-full"));
    }
    match state
        .store
        .append_to_inbox(inbox, sealed.to_vec(), bounds, now)
        .await
    {
        Ok(InboxAppend::Stored(seq)) => {
            Ok((StatusCode::CREATED, Json(Appended { seq })).into_response())
        }
        Ok(InboxAppend::NoSuchInbox) => Err(Refusal(StatusCode::NOT_FOUND, "no-such-inbox")),
        Ok(InboxAppend::Closed) => Err(Refusal(StatusCode::GONE, "closed")),
        Ok(InboxAppend::Full) => Err(Refusal(StatusCode::INSUFFICIENT_STORAGE, "inbox-full")),
        Err(error) => Err(storage_refusal(error)),
    }
}

/// The inbox if the request carries its reader token, or the refusal.
async fn authorised<S: RoomStore>(
    state: &RelayState<S>,
    id: &str,
    headers: &HeaderMap,
) -> Result<InboxId, Refusal> {
    let inbox = inbox_id(id)?;
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .and_then(reader_hash);
    let stored = match state.store.inbox(inbox).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return Err(Refusal(StatusCode::NOT_FOUND, "no-such-inbox")),
        Err(error) => return Err(storage_refusal(error)),
    };
    match presented {
        Some(presented) if bool::from(presented.ct_eq(&stored.reader)) => Ok(inbox),
        _ => {
            tracing::info!("an inbox request without its reader token refused");
            Err(Refusal(StatusCode::FORBIDDEN, "not-yours"))
        }
    }
}

#[derive(Debug, Serialize)]
struct Message {
    seq: u64,
    at: u64,
    sealed: String,
}

#[derive(Debug, Serialize)]
struct Messages {
    messages: Vec<Message>,
    latest: u64,
}

fn sequence_in(query: Option<&str>, name: &str) -> Result<Option<u64>, Refusal> {
    query_value(query, name)
        .map(|value| {
            value
                .parse::<u64>()
                .map_err(|_| Refusal(StatusCode::BAD_REQUEST, "bad-request"))
        })
        .transpose()
}

/// The inbox a reader's request may reach and the sequence number its
/// query names as `name`: the token is checked before the number.
async fn authorised_from<S: RoomStore>(
    state: &RelayState<S>,
    id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
    name: &str,
) -> Result<(InboxId, Option<u64>), Refusal> {
    let inbox = authorised(state, id, headers).await?;
    Ok((inbox, sequence_in(query, name)?))
}

async fn messages<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (inbox, after) =
        match authorised_from(&state, &id, &headers, query.as_deref(), "after").await {
            Ok((inbox, after)) => (inbox, after.unwrap_or(0)),
            Err(refusal) => return refusal.into_response(),
        };
    match state.store.read_inbox(inbox, after, PAGE_BYTES).await {
        Ok(page) => {
            let mut response = Json(Messages {
                messages: page
                    .messages
                    .into_iter()
                    .map(|message| Message {
                        seq: message.sequence,
                        at: message.at,
                        sealed: base64::engine::general_purpose::STANDARD.encode(message.sealed),
                    })
                    .collect(),
                latest: page.latest,
            })
            .into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => storage(error),
    }
}

async fn delete_messages<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (inbox, through) =
        match authorised_from(&state, &id, &headers, query.as_deref(), "through").await {
            Ok((inbox, Some(through))) => (inbox, through),
            Ok((_, None)) => return refuse(StatusCode::BAD_REQUEST, "bad-request"),
            Err(refusal) => return refusal.into_response(),
        };
    match state
        .store
        .delete_inbox_messages(inbox, through, state.clock.now())
        .await
    {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => storage(error),
    }
}

async fn close<S: RoomStore>(
    State(state): State<RelayState<S>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let inbox = match authorised(&state, &id, &headers).await {
        Ok(inbox) => inbox,
        Err(refusal) => return refusal.into_response(),
    };
    match state.store.close_inbox(inbox, state.clock.now()).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => storage(error),
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn a_reader_token_is_hashed_as_sent_in_any_case_and_only_if_well_formed() {
        let token = "ab".repeat(32);
        let hash = reader_hash(&token).unwrap();
        assert_eq!(reader_hash(&token.to_ascii_uppercase()), Some(hash));
        assert_eq!(parse_hash(&hex(&hash)), Some(hash));
        assert_eq!(hash, <[u8; 32]>::from(Sha256::digest([0xab; 32])));
        assert_eq!(reader_hash("abc"), None);
        assert_eq!(reader_hash(&"zz".repeat(32)), None);
        assert_eq!(parse_hash("00"), None);
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}
