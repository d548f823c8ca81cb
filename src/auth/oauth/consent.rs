//! The consent page for dynamically registered and public clients, and `POST /oauth/authorize`,
//! where the agent's Allow or Deny lands.
//!
//! Anyone can register a client or present a public client id, and every client reaches Halo
//! through our one Halo client id, so without this page such a client could have an agent signed
//! in (Halo may skip its own prompt for a known session) and receive a code for them — the
//! confused-deputy risk the MCP authorization spec names. The static client with a secret is
//! configured by the operator and skips it.
//!
//! Stateless: the form carries the already validated request as a short-lived sealed
//! [`TokenKind::Consent`] token bound to the client id. That token is the CSRF token, and it is
//! also bound to the browser shown the page through a `SameSite=Strict`, `__Host-` cookie (the
//! token holds its SHA-256) whose value is itself sealed, so only a cookie this server issued is
//! ever adopted. A post whose `Origin` or `Sec-Fetch-Site` shows another site is refused with
//! 403 before anything else. The page refuses framing, and everything shown is escaped: the
//! client name is the registrant's text.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::authorize::send_to_halo;
use super::claims::{AuthorizationRequest, ConsentClaims};
use super::clients::{self, Client, ClientKind};
use super::error::{error_page, escape, redirect};
use crate::auth::AuthContext;
use crate::auth::tokens::{TokenCodec, TokenKind, now};

/// How long the agent has to decide.
pub const CONSENT_TTL_SECS: i64 = 600;

/// The browser-binding cookie over https: the `__Host-` prefix makes the browser refuse it
/// unless it is `Secure`, has `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
pub const CONSENT_COOKIE: &str = "__Host-halo_mcp_consent";

/// The same cookie over plain http, which only ever serves loopback (start-up refuses a
/// non-loopback http `PUBLIC_URL`): browsers do not all store `Secure` cookies over http.
pub const LOOPBACK_CONSENT_COOKIE: &str = "halo_mcp_consent";

/// A cookie reused for a new page must leave the agent at least this long to decide.
const MIN_REUSE_SECS: i64 = 60;

/// Longest cookie value read (a sealed browser token is about 80 characters).
const MAX_COOKIE_LEN: usize = 512;

fn digest(value: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(value.as_bytes()))
}

fn cookie_name(ctx: &AuthContext) -> &'static str {
    if ctx.issuer.starts_with("https://") {
        CONSENT_COOKIE
    } else {
        LOOPBACK_CONSENT_COOKIE
    }
}

/// The raw consent cookie value named `name`, if it has a token's shape.
fn browser_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value.to_string())
        .filter(|value| {
            value.len() <= MAX_COOKIE_LEN
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// The browser's consent cookie and its expiry, only if this server issued it (it opens as a
/// sealed [`TokenKind::Browser`] token) and it has not expired: a value someone else chose,
/// e.g. planted in the agent's browser, is never adopted.
fn issued_cookie(
    ctx: &AuthContext,
    codec: &TokenCodec,
    headers: &HeaderMap,
) -> Option<(String, i64)> {
    let value = browser_cookie(headers, cookie_name(ctx))?;
    let opened = codec
        .open::<()>(TokenKind::Browser, &ctx.issuer, &value)
        .ok()?;
    Some((value, opened.expires_at))
}

/// Refuses a consent POST another site made: a foreign `Origin` (including `null`), or
/// `Sec-Fetch-Site` other than `same-origin`/`none`. Browsers send at least one of them on a
/// cross-site form post; the cookie binding still guards clients that send neither.
fn cross_site(ctx: &AuthContext, headers: &HeaderMap) -> bool {
    let own_origin = url::Url::parse(&ctx.issuer)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default();
    let foreign_origin = headers
        .get(header::ORIGIN)
        .is_some_and(|origin| origin.to_str().ok() != Some(own_origin.as_str()));
    let fetch_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| !matches!(site.to_str(), Ok("same-origin" | "none")));
    foreign_origin || fetch_site
}

fn refuse(message: &str) -> Response {
    let mut response = error_page(message);
    crate::auth::oauth::error::harden(&mut response);
    response
}

fn forbid(message: &str) -> Response {
    let mut response = refuse(message);
    *response.status_mut() = StatusCode::FORBIDDEN;
    response
}

/// The consent page for `request` from `client` (a registered or public client).
pub fn page(
    ctx: &AuthContext,
    codec: &TokenCodec,
    client: &Client,
    request: AuthorizationRequest,
    headers: &HeaderMap,
) -> Response {
    // Reuse the browser's cookie (only one we issued) so consent pages open in two tabs both
    // stay valid; the page's token never outlives it.
    let (cookie, expires_at) = issued_cookie(ctx, codec, headers)
        .filter(|(_, exp)| *exp - now() >= MIN_REUSE_SECS)
        .unwrap_or_else(|| {
            let exp = now() + CONSENT_TTL_SECS;
            (
                codec.seal_until(TokenKind::Browser, &ctx.issuer, "", exp, &()),
                exp,
            )
        });
    let redirect_uri = request.redirect_uri.clone();
    let host = url::Url::parse(&request.redirect_uri)
        .ok()
        .and_then(|url| url.host_str().map(str::to_string))
        .unwrap_or_default();
    let token = codec.seal_until(
        TokenKind::Consent,
        &ctx.issuer,
        &client.id,
        expires_at,
        &ConsentClaims {
            request,
            browser: digest(&cookie),
        },
    );
    let name = client
        .name()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("An unnamed application");
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Allow access to Halo - halo-mcp</title>\
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
button{{font:inherit;padding:.5rem 1.25rem;margin-right:.75rem}}</style></head>\
<body><main><h1>Allow <span id=\"client-name\">{name}</span> to use Halo as you?</h1>\
<p>{origin}</p>\
<dl><dt>Application</dt><dd>{name}</dd><dt>Sends you back to</dt><dd id=\"redirect-host\"><strong>{host}</strong></dd>\
<dt>Full address</dt><dd><code id=\"redirect-uri\">{uri}</code></dd></dl>\
<p>If you allow it and sign in to Halo, it will be able to <strong>use Halo as you through \
halo-mcp's tools</strong>: read and change tickets, and anything else your Halo permissions \
allow those tools to do.</p>\
<p>Only allow applications you started connecting yourself.</p>\
<form method=\"post\" action=\"{action}\">\
<input type=\"hidden\" name=\"consent\" value=\"{token}\">\
<button type=\"submit\" id=\"consent-allow\" name=\"decision\" value=\"allow\">Allow</button>\
<button type=\"submit\" id=\"consent-deny\" name=\"decision\" value=\"deny\">Deny</button>\
</form></main></body></html>",
        name = escape(name),
        origin = if matches!(client.kind, ClientKind::Registered(_)) {
            "This application registered itself with halo-mcp. It is not one your administrator set up."
        } else {
            "This application uses halo-mcp's public client id, which any application can present."
        },
        host = escape(&host),
        // The whole address: on Power Platform's shared consent host, its last path segment
        // names the connector, which the host alone does not tell apart.
        uri = escape(&redirect_uri),
        action = escape(&format!("{}/oauth/authorize", ctx.issuer)),
        token = escape(&token),
    );
    let mut response = (StatusCode::OK, Html(body)).into_response();
    crate::auth::oauth::error::harden(&mut response);
    let secure = if ctx.issuer.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let set_cookie = format!(
        "{name}={cookie}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Strict{secure}",
        name = cookie_name(ctx),
        max_age = (expires_at - now()).max(0),
    );
    // The cookie is a sealed token (ASCII) and the rest is ASCII, so this always parses.
    if let Ok(value) = HeaderValue::from_str(&set_cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    tracing::info!(client = %client.label(), "showing the consent page");
    response
}

/// `POST /oauth/authorize`: the consent form. Allow continues to Halo exactly as the static
/// client's request would; Deny sends `access_denied` to the client. Anything not provably ours
/// gets an error page and no redirect.
pub async fn decide(
    State(ctx): State<Arc<AuthContext>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    if cross_site(&ctx, &headers) {
        tracing::warn!("refused a consent decision posted from another site");
        return forbid(
            "This consent decision was posted from another site; start again from the application.",
        );
    }
    let Ok(Form(form)) = form else {
        return refuse("The consent form must be posted as application/x-www-form-urlencoded.");
    };
    let codec = match ctx.keyring.codec().await {
        Ok(codec) => codec,
        Err(error) => return refuse(&format!("Sign-in is unavailable: {error}")),
    };
    let Some(opened) = form.get("consent").and_then(|token| {
        codec
            .open::<ConsentClaims>(TokenKind::Consent, &ctx.issuer, token)
            .ok()
    }) else {
        return refuse(
            "This consent request is missing, expired or not valid; start again from the application.",
        );
    };
    let bound = issued_cookie(&ctx, &codec, &headers).is_some_and(|(cookie, _)| {
        bool::from(
            digest(&cookie)
                .as_bytes()
                .ct_eq(opened.payload.browser.as_bytes()),
        )
    });
    if !bound {
        tracing::warn!("refused a consent decision from a browser that was not shown the page");
        return refuse(
            "This consent request was not started in this browser; start again from the application.",
        );
    }
    // The client id is sealed in the token; it must still open, and the redirect URI must still
    // pass the allow-list, which may have narrowed since the page was shown.
    let client = match clients::resolve(&ctx, &codec, &opened.client_id) {
        Ok(client) if client.needs_consent() => client,
        _ => return refuse("The application is no longer known; start again."),
    };
    let request = opened.payload.request;
    if !client.redirect_allowed(&ctx, &request.redirect_uri) {
        return refuse(
            "The redirect_uri is not allowed for this client (see MCP_OAUTH_REDIRECT_ALLOWLIST).",
        );
    }
    match form.get("decision").map(String::as_str) {
        Some("allow") => {
            tracing::info!(client = %client.label(), "the agent allowed a registered client");
            send_to_halo(&ctx, &codec, &client, request).await
        }
        Some("deny") => {
            tracing::info!(client = %client.label(), "the agent denied a registered client");
            redirect(
                &request.redirect_uri,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied the request"),
                    ("state", request.state.as_deref().unwrap_or("")),
                    ("iss", &ctx.issuer),
                ],
            )
        }
        // Anything else, including no decision at all, is never taken as Allow.
        _ => refuse("Choose Allow or Deny."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    #[test]
    fn only_token_shaped_consent_cookies_are_read() {
        let value = "hm1.abc.def-_";
        let found = browser_cookie(
            &with_cookie(&format!("a=b; {CONSENT_COOKIE}={value}; c=d")),
            CONSENT_COOKIE,
        );
        assert_eq!(found.as_deref(), Some(value));
        let odd = format!("{CONSENT_COOKIE}={}", "<".repeat(32));
        assert_eq!(browser_cookie(&with_cookie(&odd), CONSENT_COOKIE), None);
        let long = format!("{CONSENT_COOKIE}={}", "a".repeat(MAX_COOKIE_LEN + 1));
        assert_eq!(browser_cookie(&with_cookie(&long), CONSENT_COOKIE), None);
        assert_eq!(browser_cookie(&HeaderMap::new(), CONSENT_COOKIE), None);
    }

    #[test]
    fn the_page_refuses_framing() {
        let mut response = StatusCode::OK.into_response();
        crate::auth::oauth::error::harden(&mut response);
        assert_eq!(response.headers()[header::X_FRAME_OPTIONS], "DENY");
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"));
        // Not no-referrer: that makes browsers send `Origin: null` on our own form post.
        assert_eq!(response.headers()[header::REFERRER_POLICY], "same-origin");
    }
}
