//! `GET /oauth/authorize`: checks the client's request, then sends the browser to Halo's
//! sign-in with our own PKCE pair and a sealed pending authorization as Halo's `state` — at once
//! for the static client, after the agent allows it on our consent page ([`super::consent`])
//! for a dynamically registered one.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use http::HeaderMap;

use super::claims::{AuthorizationRequest, PendingClaims};
use super::clients::Client;
use super::error::{error_page, redirect};
use super::{clients, consent, pkce};
use crate::auth::tokens::{TokenCodec, TokenKind, random_string};
use crate::auth::{AuthContext, MCP_SCOPE};

/// How long the agent has to sign in at Halo.
const PENDING_TTL_SECS: i64 = 600;

/// The scopes we grant: ours, and `offline_access` when asked (a refresh token is always
/// issued when Halo gives us one). Unknown scopes are ignored, as RFC 6749 §3.3 allows.
pub fn granted_scope(requested: Option<&str>) -> String {
    let requested: Vec<&str> = requested.unwrap_or("").split_whitespace().collect();
    if requested.is_empty() {
        return MCP_SCOPE.to_string();
    }
    let mut granted: Vec<&str> = Vec::new();
    for scope in requested {
        if (scope == MCP_SCOPE || scope == "offline_access") && !granted.contains(&scope) {
            granted.push(scope);
        }
    }
    granted.join(" ")
}

pub async fn authorize(
    State(ctx): State<Arc<AuthContext>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let codec = match ctx.keyring.codec().await {
        Ok(codec) => codec,
        Err(error) => return error_page(&format!("Sign-in is unavailable: {error}")),
    };
    // Until the client and redirect URI are known good, errors are shown, never redirected.
    let client = match clients::resolve(&ctx, &codec, get("client_id").unwrap_or("")) {
        Ok(client) => client,
        Err(error) => return error_page(&format!("Unknown or missing client_id ({error}).")),
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return error_page("redirect_uri is required.");
    };
    if !client.redirect_allowed(&ctx, redirect_uri) {
        tracing::warn!(client = %client.label(), "refused an authorization request for a redirect URI that is not allowed");
        let why = match ctx.redirects.check(redirect_uri) {
            Err(error) => error.to_string(),
            Ok(()) => "it is not one of the client's registered redirect URIs".to_string(),
        };
        return error_page(&format!(
            "The redirect_uri is not allowed for this client: {why}."
        ));
    }
    let state = get("state");
    let fail = |error: &str, description: &str| {
        redirect(
            redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", state.unwrap_or("")),
                ("iss", &ctx.issuer),
            ],
        )
    };
    if get("response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    let challenge = get("code_challenge");
    match (challenge, get("code_challenge_method")) {
        (Some(c), Some("S256")) if pkce::is_challenge(c) => {}
        (Some(_), _) => {
            return fail(
                "invalid_request",
                "code_challenge must be an S256 challenge with code_challenge_method=S256",
            );
        }
        (None, _) if client.is_public() => {
            return fail("invalid_request", "PKCE (code_challenge, S256) is required");
        }
        (None, _) => {}
    }
    if let Some(resource) = get("resource")
        && resource.trim_end_matches('/') != ctx.resource
    {
        return fail(
            "invalid_target",
            "resource must be this server's MCP endpoint",
        );
    }
    let scope = granted_scope(get("scope"));
    if scope.is_empty() {
        return fail("invalid_scope", "none of the requested scopes is known");
    }

    let request = AuthorizationRequest {
        redirect_uri: redirect_uri.to_string(),
        state: state.map(str::to_string),
        challenge: challenge.map(str::to_string),
        scope,
    };
    // The operator configured the static client with a secret, which is its approval; anyone
    // can register a client or present a public client id, so the agent approves those before
    // we act for them at Halo (MCP's confused-deputy rule for a proxy authorization server
    // with one upstream client id).
    if client.needs_consent() {
        return consent::page(&ctx, &codec, &client, request, &headers);
    }
    send_to_halo(&ctx, &codec, &client, request).await
}

/// Sends the browser to Halo's sign-in with our own PKCE pair, the request sealed as `state`.
pub async fn send_to_halo(
    ctx: &AuthContext,
    codec: &TokenCodec,
    client: &Client,
    request: AuthorizationRequest,
) -> Response {
    let verifier = random_string(48);
    let pending = PendingClaims {
        redirect_uri: request.redirect_uri.clone(),
        state: request.state.clone(),
        challenge: request.challenge,
        scope: request.scope,
        verifier: verifier.clone(),
    };
    let halo_state = codec.seal(
        TokenKind::Pending,
        &ctx.issuer,
        &client.id,
        PENDING_TTL_SECS,
        &pending,
    );
    let endpoints = match ctx.halo.auth_endpoints().await {
        Ok(endpoints) => endpoints,
        Err(error) => {
            return redirect(
                &request.redirect_uri,
                &[
                    ("error", "temporarily_unavailable"),
                    ("error_description", &error.to_string()),
                    ("state", request.state.as_deref().unwrap_or("")),
                    ("iss", &ctx.issuer),
                ],
            );
        }
    };
    let halo_scope = if ctx
        .halo_scopes
        .split_whitespace()
        .any(|s| s == "offline_access")
    {
        ctx.halo_scopes.clone()
    } else {
        format!("{} offline_access", ctx.halo_scopes)
    };
    tracing::info!(client = %client.label(), "sending an agent to Halo to sign in");
    redirect(
        endpoints.endpoint("authorize").as_str(),
        &[
            ("response_type", "code"),
            ("client_id", &ctx.halo_client_id),
            ("redirect_uri", &ctx.callback_url()),
            ("scope", &halo_scope),
            ("state", &halo_state),
            ("code_challenge", &pkce::challenge(&verifier)),
            ("code_challenge_method", "S256"),
        ],
    )
}
