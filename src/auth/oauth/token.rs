//! `POST /oauth/token`: the `authorization_code` grant (PKCE checked, code bound to client and
//! redirect URI) and the `refresh_token` grant, which refreshes the Halo token with Halo. Halo's
//! refresh tokens are single-use, so replaying one of our refresh tokens makes Halo refuse the
//! Halo refresh token inside it, which we answer as `invalid_grant` — reuse is detected without
//! any state of our own. Authorization codes are single use ([`super::single_use`]): within an
//! instance, or across every instance with the shared state container (`crate::storage`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, header};
use serde_json::json;

use super::claims::{AccessClaims, CodeClaims, HaloTokens, RefreshClaims};
use super::error::OAuthError;
use super::single_use::SingleUseError;
use super::upstream::{self, UpstreamError};
use super::{clients, connector_refresh, pkce};
use crate::auth::AuthContext;
use crate::auth::tokens::{TokenCodec, TokenKind, now};

/// Client credentials from the form or an HTTP Basic header (RFC 6749 §2.3.1: URL-encoded).
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, b)| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':').map(|(id, secret)| {
                let decode = |v: &str| {
                    form_urlencoded::parse(format!("x={v}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default()
                };
                (decode(id), decode(secret))
            })
        });
    let id = form
        .get("client_id")
        .cloned()
        .or_else(|| basic.as_ref().map(|b| b.0.clone()));
    let secret = form
        .get("client_secret")
        .cloned()
        .or_else(|| basic.map(|b| b.1));
    (
        id.filter(|s| !s.is_empty()),
        secret.filter(|s| !s.is_empty()),
    )
}

pub async fn token(
    State(ctx): State<Arc<AuthContext>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match grant(&ctx, &headers, &body).await {
        Ok(answer) => {
            let mut response = axum::Json(answer).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            tracing::info!(error = error.error, "token request refused");
            error.into_response()
        }
    }
}

async fn grant(
    ctx: &AuthContext,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<serde_json::Value, OAuthError> {
    let form: HashMap<String, String> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let codec = ctx
        .keyring
        .codec()
        .await
        .map_err(|e| OAuthError::new("temporarily_unavailable", e.to_string()))?;
    let (client_id, secret) = client_credentials(headers, &form);
    // Power Platform connectors refresh without client credentials (see connector_refresh).
    let connector = (client_id.is_none() && secret.is_none())
        .then(|| connector_refresh::client(ctx, &codec, &form))
        .flatten();
    let client = match connector {
        Some(client) => client,
        None => {
            let client = clients::resolve(ctx, &codec, client_id.as_deref().unwrap_or(""))?;
            clients::authenticate(ctx, &codec, &client, secret.as_deref()).await?;
            client
        }
    };
    if let Some(resource) = get("resource")
        && resource.trim_end_matches('/') != ctx.resource
    {
        return Err(OAuthError::new(
            "invalid_target",
            "resource must be this server's MCP endpoint",
        ));
    }
    match get("grant_type") {
        Some("authorization_code") => {
            let code = get("code")
                .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
            let (claims, expires_at): (CodeClaims, i64) = open_grant(
                &codec,
                TokenKind::Code,
                &ctx.issuer,
                code,
                &client.id,
                "authorization code",
            )?;
            // A public client has nothing but PKCE: a code without a challenge can never be
            // redeemed by one (authorize requires it; this holds even if that ever regressed).
            if client.is_public() && claims.challenge.is_none() {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "the authorization code has no PKCE challenge, which a public client needs",
                ));
            }
            if get("redirect_uri") != Some(claims.redirect_uri.as_str()) {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                ));
            }
            match (&claims.challenge, get("code_verifier")) {
                (Some(challenge), Some(verifier)) if pkce::verify(verifier, challenge) => {}
                (Some(_), _) => {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "code_verifier does not match the code_challenge",
                    ));
                }
                (None, Some(_)) => {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "a code_verifier was sent but the authorization request had no code_challenge",
                    ));
                }
                (None, None) => {}
            }
            // Only after every check, so a client's failed attempt does not burn its code.
            ctx.single_use
                .use_once(code, expires_at)
                .await
                .map_err(|error| match error {
                    SingleUseError::Replayed => OAuthError::new(
                        "invalid_grant",
                        "the authorization code has already been used",
                    ),
                    SingleUseError::Unavailable | SingleUseError::Unreachable => {
                        OAuthError::new("temporarily_unavailable", error.to_string())
                    }
                })?;
            tracing::info!(client = %client.label(), subject = %claims.sub, "issued tokens for an authorization code");
            Ok(issue(
                ctx,
                &codec,
                &client.id,
                &claims.sub,
                &claims.scope,
                claims.halo,
                true,
            ))
        }
        Some("refresh_token") => {
            let refresh = get("refresh_token")
                .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
            let (claims, _): (RefreshClaims, i64) = open_grant(
                &codec,
                TokenKind::Refresh,
                &ctx.issuer,
                refresh,
                &client.id,
                "refresh token",
            )?;
            let mut halo =
                upstream::halo_grant(ctx, upstream::Grant::Refresh(&claims.halo_refresh))
                    .await
                    .map_err(|e| match e {
                        UpstreamError::Refused(_) => OAuthError::new(
                            "invalid_grant",
                            "the refresh token has already been used or was revoked; sign in again",
                        ),
                        other => OAuthError::new("temporarily_unavailable", other.to_string()),
                    })?;
            // Halo may keep the refresh token unchanged (no new one in the answer).
            let halo_issued = halo
                .refresh
                .as_ref()
                .is_some_and(|fresh| *fresh != claims.halo_refresh);
            if halo.refresh.is_none() {
                halo.refresh = Some(claims.halo_refresh.clone());
            }
            tracing::info!(client = %client.label(), subject = %claims.sub, "refreshed tokens");
            Ok(issue(
                ctx,
                &codec,
                &client.id,
                &claims.sub,
                &claims.scope,
                halo,
                halo_issued,
            ))
        }
        Some(other) => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("grant_type '{other}' is not supported"),
        )),
        None => Err(OAuthError::new("invalid_request", "grant_type is required")),
    }
}

/// Opens a code or refresh token and checks it was issued to the client presenting it; returns
/// its payload and expiry.
fn open_grant<C: serde::de::DeserializeOwned>(
    codec: &TokenCodec,
    kind: TokenKind,
    issuer: &str,
    sealed: &str,
    client_id: &str,
    what: &str,
) -> Result<(C, i64), OAuthError> {
    let opened = codec
        .open::<C>(kind, issuer, sealed)
        .map_err(|e| OAuthError::new("invalid_grant", format!("the {what} is not valid: {e}")))?;
    if opened.client_id != client_id {
        return Err(OAuthError::new(
            "invalid_grant",
            format!("the {what} was issued to another client"),
        ));
    }
    Ok((opened.payload, opened.expires_at))
}

/// Our access and refresh tokens around Halo's.
fn issue(
    ctx: &AuthContext,
    codec: &TokenCodec,
    client_id: &str,
    sub: &str,
    scope: &str,
    halo: HaloTokens,
    halo_issued_refresh: bool,
) -> serde_json::Value {
    let access_ttl = i64::try_from(ctx.access_ttl.as_secs()).unwrap_or(i64::MAX / 2);
    // Never outlive the Halo token inside: a caller would only get Halo 401s.
    let exp = (now() + access_ttl).min(halo.exp);
    let access = codec.seal_until(
        TokenKind::Access,
        &ctx.resource,
        client_id,
        exp,
        &AccessClaims {
            halo: halo.access,
            sub: sub.to_string(),
            scope: scope.to_string(),
        },
    );
    let mut answer = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": (exp - now()).max(0),
        "scope": scope,
    });
    if let Some(halo_refresh) = halo.refresh {
        let refresh_ttl = i64::try_from(ctx.refresh_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        answer["refresh_token"] = json!(codec.seal(
            TokenKind::Refresh,
            &ctx.issuer,
            client_id,
            refresh_ttl,
            &RefreshClaims {
                halo_refresh,
                sub: sub.to_string(),
                scope: scope.to_string(),
                halo_issued: halo_issued_refresh,
            },
        ));
    }
    answer
}
