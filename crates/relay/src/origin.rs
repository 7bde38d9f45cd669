//! Which web pages may open a WebSocket to the relay.
//!
//! Browsers send the page's origin with every WebSocket handshake and let
//! any page connect anywhere; only the server can say no. Without this
//! check, any site a coordinator visits could use the relay through her
//! browser (as free storage for its own data, or after rebinding a name to
//! the relay's address). By default only the relay's own origin may
//! connect — the host the request came to, so the app the relay serves
//! works under whatever name the operator gives it. An operator whose app
//! is served elsewhere lists the origins (`--allowed-origin`); the list
//! then replaces the default, so that it should name the relay's own
//! public origin too.
//!
//! A handshake without an `Origin` header is accepted: browsers always
//! send one, so it comes from a program (a test client, a load benchmark,
//! a native app), and such a program could send any origin it liked — the
//! header protects browsers' users, not the relay. Rooms stay protected
//! by their tokens either way. `Origin: null` (a sandboxed or local page)
//! is a browser and is refused.

use axum::http::{header, HeaderMap};

/// The origins allowed to open a WebSocket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins {
    /// Empty: the relay's own origin only.
    listed: Vec<String>,
}

/// Why an `--allowed-origin` value is not an origin.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OriginError {
    #[error(
        "{0:?} is not an origin: write it as https://host or https://host:port, without a path"
    )]
    NotAnOrigin(String),
}

impl AllowedOrigins {
    /// Only the relay's own origin.
    pub fn own() -> Self {
        Self::default()
    }

    /// Exactly the origins in `listed` (`https://tandem.example.org`,
    /// `http://localhost:8080`); none means the relay's own.
    pub fn listed<I, T>(listed: I) -> Result<Self, OriginError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let listed = listed
            .into_iter()
            .map(|origin| normalise(origin.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { listed })
    }

    /// Whether a handshake with these headers may open a WebSocket.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.trim().to_ascii_lowercase();
        if !self.listed.is_empty() {
            return self.listed.contains(&origin);
        }
        let Some(host) = headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
        else {
            return false;
        };
        let authority = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        authority.is_some_and(|authority| authority == host.trim().to_ascii_lowercase())
    }
}

/// `origin` as browsers send it: lower case, no trailing slash.
fn normalise(origin: &str) -> Result<String, OriginError> {
    let refuse = || OriginError::NotAnOrigin(origin.to_string());
    let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let authority = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(refuse)?;
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(refuse());
    }
    Ok(lower)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    #[test]
    fn by_default_the_page_the_relay_served_may_connect() {
        let own = AllowedOrigins::own();
        assert!(own.allows(&headers(
            Some("https://Relay.example.org"),
            "relay.example.org"
        )));
        assert!(own.allows(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080")));
    }

    #[test]
    fn by_default_another_site_may_not() {
        let own = AllowedOrigins::own();
        assert!(!own.allows(&headers(Some("https://evil.example"), "relay.example.org")));
        assert!(!own.allows(&headers(
            Some("https://relay.example.org:8443"),
            "relay.example.org"
        )));
        assert!(!own.allows(&headers(Some("null"), "relay.example.org")));
        assert!(!own.allows(&headers(
            Some("https://relay.example.org.evil.example"),
            "relay.example.org"
        )));
    }

    #[test]
    fn a_program_without_an_origin_may_connect() {
        assert!(AllowedOrigins::own().allows(&headers(None, "relay.example.org")));
    }

    #[test]
    fn listed_origins_replace_the_default() {
        let listed =
            AllowedOrigins::listed(["https://tandem.example.org/", "https://app.example.org"])
                .unwrap();
        assert!(listed.allows(&headers(
            Some("https://tandem.example.org"),
            "relay.internal"
        )));
        assert!(listed.allows(&headers(Some("https://app.example.org"), "relay.internal")));
        assert!(!listed.allows(&headers(Some("https://relay.internal"), "relay.internal")));
        assert!(!listed.allows(&headers(
            Some("http://tandem.example.org"),
            "relay.internal"
        )));
    }

    #[test]
    fn an_origin_with_a_path_or_without_a_scheme_is_not_accepted_as_a_setting() {
        for wrong in [
            "tandem.example.org",
            "https://tandem.example.org/app",
            "ftp://x",
            "https://",
        ] {
            assert_eq!(
                AllowedOrigins::listed([wrong]),
                Err(OriginError::NotAnOrigin(wrong.to_string())),
                "{wrong}"
            );
        }
    }
}
