//! The headers every response carries, so that a relay on the public
//! internet serves the app as strictly as a browser allows.
//!
//! The Content-Security-Policy lets the page run only the relay's own
//! scripts and WebAssembly, plus the inline scripts of the served
//! `index.html` by their SHA-256 hashes: Trunk writes the app's start
//! script into `index.html` with the hashed file names of each build, so
//! the hashes are read from the file the relay serves when it starts (a
//! new build needs a restart, which an upgrade does anyway). Nothing may
//! frame the app, and nothing is sent as a referrer (an invite link's key
//! lives in the address's fragment, which browsers never send, but the
//! path of a programme is nobody else's business either).

use std::path::Path;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// How long browsers keep to HTTPS once they saw it: two years, the
/// value the HSTS preload list asks for.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The policy's parts besides `script-src`:
/// - `connect-src`: the relay's own WebSocket (`'self'` covers `ws:` and
///   `wss:` to the same host) and relays elsewhere that an invite link
///   names, over TLS only;
/// - `img-src`/`data:` and `blob:`: the icon, QR codes and downloads the
///   app makes in the browser;
/// - `worker-src`: the matching board's and storage's workers and the
///   service worker, all the relay's files;
/// - `default-src 'self'`, not `'none'`: Firefox checks what `index.html`
///   names with `<link rel="prefetch">` (the workers' files, kept
///   for offline use) against `default-src`, having no directive of its
///   own for it. Every kind of fetch the app makes has its own directive
///   above; what falls back to `default-src` may come from the relay only.
const POLICY: &[&str] = &[
    "default-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' wss:",
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "frame-src 'none'",
];

/// The security headers, decided once when the relay starts.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    content_security_policy: HeaderValue,
    strict_transport_security: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// The headers for the app in `static_dir` (its inline scripts are
    /// allowed by hash), with HSTS when the relay is reached through TLS.
    pub fn new(static_dir: Option<&Path>, behind_tls: bool) -> Self {
        let index = static_dir.and_then(|dir| match std::fs::read_to_string(dir.join("index.html")) {
            Ok(index) => Some(index),
            Err(error) => {
                tracing::warn!(%error, "cannot read the app's index.html; its inline scripts will not run");
                None
            }
        });
        // The participant's app, when built, has a start script of its own.
        let participant = static_dir
            .and_then(|dir| std::fs::read_to_string(dir.join(crate::PARTICIPANT_INDEX)).ok());
        let pages: Vec<&str> = index
            .iter()
            .chain(&participant)
            .map(String::as_str)
            .collect();
        Self::for_pages(&pages, behind_tls)
    }

    /// The headers for an app whose pages (`index.html`, and the
    /// participant's when built) are `pages`: the inline scripts of each
    /// are allowed.
    pub fn for_pages(pages: &[&str], behind_tls: bool) -> Self {
        let scripts = pages.iter().flat_map(|page| inline_scripts(page)).collect();
        Self::with_scripts(scripts, behind_tls)
    }

    /// The headers for an app whose `index.html` is `index`.
    pub fn for_index(index: Option<&str>, behind_tls: bool) -> Self {
        Self::with_scripts(index.map(inline_scripts).unwrap_or_default(), behind_tls)
    }

    fn with_scripts(scripts: Vec<String>, behind_tls: bool) -> Self {
        let policy = content_security_policy(scripts);
        Self {
            // Only base64, quotes and ASCII words: always a valid value.
            content_security_policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
            strict_transport_security: behind_tls.then(|| HeaderValue::from_static(HSTS)),
        }
    }

    /// The Content-Security-Policy header's value.
    pub fn content_security_policy(&self) -> &HeaderValue {
        &self.content_security_policy
    }

    /// Adds the headers to every response of `router`, replacing any set
    /// before.
    pub fn apply(self, router: Router) -> Router {
        let fixed: [(HeaderName, HeaderValue); 4] = [
            (
                header::CONTENT_SECURITY_POLICY,
                self.content_security_policy,
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            // For browsers that predate `frame-ancestors`.
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ];
        let mut router = router;
        for (name, value) in fixed {
            router = router.layer(SetResponseHeaderLayer::overriding(name, value));
        }
        if let Some(hsts) = self.strict_transport_security {
            router = router.layer(SetResponseHeaderLayer::overriding(
                header::STRICT_TRANSPORT_SECURITY,
                hsts,
            ));
        }
        router
    }
}

/// The whole policy, with `'sha256-…'` sources for `scripts`.
fn content_security_policy(scripts: Vec<String>) -> String {
    let mut script_src = String::from("script-src 'self' 'wasm-unsafe-eval'");
    for script in scripts {
        let hash = Sha256::digest(script.as_bytes());
        script_src.push_str(" 'sha256-");
        script_src.push_str(&base64::engine::general_purpose::STANDARD.encode(hash));
        script_src.push('\'');
    }
    let mut policy = script_src;
    for part in POLICY {
        policy.push_str("; ");
        policy.push_str(part);
    }
    policy
}

/// The contents of the `<script>` elements without a `src` in `html`,
/// exactly as the browser hashes them (between `>` and `</script>`).
///
/// The index is the relay's own build output, not outside input: a scan
/// for the element is enough, and a script this misses is refused by the
/// browser (and by the journeys, which fail on any violation).
fn inline_scripts(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|at| at + from) {
        let Some(open_end) = lower[start..].find('>').map(|at| at + start) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|at| at + open_end) else {
            break;
        };
        let attributes = &lower[start + "<script".len()..open_end];
        if !has_attribute(attributes, "src") {
            scripts.push(html[open_end + 1..close].to_string());
        }
        from = close;
    }
    scripts
}

/// Whether the attributes of a start tag name `name`.
fn has_attribute(attributes: &str, name: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|part| part == name || part.starts_with(&format!("{name}=")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_scripts_with_a_source_are_not() {
        let html = "<html><head><SCRIPT>one()</SCRIPT>\
            <script type=\"module\" nonce=\"x\">\n two() \n</script>\
            <script src=\"/app.js\"></script><script defer src='/b.js'></script>\
            </head><body></body></html>";
        assert_eq!(inline_scripts(html), vec!["one()", "\n two() \n"]);
    }

    #[test]
    fn an_attribute_that_merely_contains_src_is_not_a_source() {
        let html = r#"<script data-srcset="x">three()</script>"#;
        assert_eq!(inline_scripts(html), vec!["three()"]);
    }

    #[test]
    fn the_inline_scripts_of_both_apps_are_allowed() {
        let headers = SecurityHeaders::for_pages(
            &["<script>alert(1)</script>", "<script>alert(2)</script>"],
            false,
        );
        let policy = headers
            .content_security_policy()
            .to_str()
            .unwrap_or_default();
        for script in ["alert(1)", "alert(2)"] {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(policy.contains(&format!("'sha256-{hash}'")), "{policy}");
        }
    }

    #[test]
    fn the_policy_allows_each_inline_script_by_its_hash() {
        // The hash a browser reports for `alert(1)` in its console.
        let policy = content_security_policy(vec!["alert(1)".into()]);
        assert!(
            policy.starts_with(
                "script-src 'self' 'wasm-unsafe-eval' \
                 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
            ),
            "{policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    }
}
