//! How long browsers may keep what the relay sends.
//!
//! A build names its script, WebAssembly, style sheets and icon with a hash
//! of their content (`tandem-0123456789abcdef_bg.wasm`): such a file never
//! changes under its name, so a browser keeps it for a year without asking
//! again, and a returning coordinator's browser starts the app from its
//! own copy even where the service worker did not (a first visit, a
//! private window). A new build has new names. Everything else —
//! `index.html` and the addresses that show it, the service worker, the
//! files without a hash, `/health` — may be kept only if the browser asks
//! first whether it changed (`no-cache`), so a new build is found at once.
//! A response that says how it may be kept (the inbox's `no-store`) is
//! left as it is.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// A file named with its content's hash: kept a year, never asked again.
const HASHED: &str = "public, max-age=31536000, immutable";
/// Anything else: kept, but asked again each time.
const ASK_FIRST: &str = "no-cache";

/// Middleware: the `Cache-Control` of each response, as above.
pub(crate) async fn cache_control(request: Request, next: Next) -> Response {
    let named_by_hash = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(named_by_content_hash);
    let mut response = next.run(request).await;
    let status = response.status();
    if response.headers().contains_key(header::CACHE_CONTROL)
        || !(status == StatusCode::OK || status == StatusCode::NOT_MODIFIED)
    {
        return response;
    }
    // An unknown address gets `index.html`: a name that only looks like a
    // build's file is not kept as one.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|value| value.starts_with("text/html"));
    let policy = if named_by_hash && status == StatusCode::OK && !is_page {
        HASHED
    } else {
        ASK_FIRST
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Whether a file name carries a build's content hash: a `-`, 16
/// lowercase hexadecimal digits, then `.` or `_` (`main-8ef66a3789c73076.css`,
/// `tandem-e912b36eb5de182c_bg.wasm`).
fn named_by_content_hash(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.windows(18).any(|window| {
        window[0] == b'-'
            && window[1..17]
                .iter()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(byte))
            && matches!(window[17], b'.' | b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::named_by_content_hash;

    #[test]
    fn a_builds_hashed_names_are_told_from_other_names() {
        for name in [
            "tandem-e912b36eb5de182c_bg.wasm",
            "tandem-e912b36eb5de182c.js",
            "main-8ef66a3789c73076.css",
            "main-8ef66a3789c73076.css.br",
            "favicon-27cbb1e7419bdba7.svg",
        ] {
            assert!(named_by_content_hash(name), "{name}");
        }
        for name in [
            "index.html",
            "sw.js",
            "matching-worker_bg.wasm",
            "manifest.webmanifest",
            "tandem-E912B36EB5DE182C.js",
            "tandem-e912b36eb5de182.js",
            "tandem-e912b36eb5de182cx.js",
            "",
        ] {
            assert!(!named_by_content_hash(name), "{name}");
        }
    }
}
