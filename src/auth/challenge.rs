//! The 401 and 403 answers for `/mcp` with the `WWW-Authenticate` header clients use to find the
//! authorization server (RFC 6750 §3, RFC 9728 §5.1), and a 503 for when a secret is missing.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

/// What went wrong with the bearer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No credentials at all: no `error` attribute (RFC 6750 §3.1).
    Missing,
    /// Expired, tampered, wrong audience, unknown key, or refused by Halo.
    InvalidToken(String),
    /// A valid token without the scope `/mcp` needs.
    InsufficientScope,
    /// A secret (API keys, token key) could not be read, e.g. Key Vault is unreachable.
    Unavailable(String),
    /// Halo could not validate a Halo token (down, timed out).
    Upstream(String),
}

/// Builds challenges for one server.
#[derive(Debug, Clone)]
pub struct Challenger {
    /// `<PUBLIC_URL>/.well-known/oauth-protected-resource`, advertised in oauth mode.
    pub resource_metadata: Option<String>,
    pub scope: Option<String>,
}

fn quote(value: &str) -> String {
    value.replace(['"', '\\'], "")
}

impl Challenger {
    fn header(&self, error: Option<(&str, &str)>) -> String {
        let mut params = Vec::new();
        if let Some((code, description)) = error {
            params.push(format!("error=\"{code}\""));
            params.push(format!("error_description=\"{}\"", quote(description)));
        }
        if let Some(scope) = &self.scope {
            params.push(format!("scope=\"{}\"", quote(scope)));
        }
        if let Some(url) = &self.resource_metadata {
            params.push(format!("resource_metadata=\"{}\"", quote(url)));
        }
        if params.is_empty() {
            "Bearer".into()
        } else {
            format!("Bearer {}", params.join(", "))
        }
    }

    pub fn respond(&self, refusal: Refusal) -> Response {
        let (status, challenge, message) = match &refusal {
            Refusal::Missing => (
                StatusCode::UNAUTHORIZED,
                Some(self.header(None)),
                "Unauthorized: sign in and send 'Authorization: Bearer <token>'".to_string(),
            ),
            Refusal::InvalidToken(why) => (
                StatusCode::UNAUTHORIZED,
                Some(self.header(Some(("invalid_token", why)))),
                format!("Unauthorized: {why}"),
            ),
            Refusal::InsufficientScope => (
                StatusCode::FORBIDDEN,
                Some(self.header(Some((
                    "insufficient_scope",
                    "the token lacks the scope this server requires",
                )))),
                "Forbidden: the token lacks the required scope".to_string(),
            ),
            Refusal::Unavailable(why) => (
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                format!("Service Unavailable: {why}; try again shortly"),
            ),
            Refusal::Upstream(why) => (
                StatusCode::BAD_GATEWAY,
                None,
                format!("Bad Gateway: could not validate the token with Halo: {why}"),
            ),
        };
        let body =
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": message}});
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        }
        response
    }
}
