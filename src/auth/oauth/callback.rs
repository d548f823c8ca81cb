//! `GET /oauth/callback`: Halo sends the signed-in agent back here. Opens our pending
//! authorization, exchanges Halo's code (with our client secret and PKCE verifier), and hands
//! the client a short-lived sealed code carrying the Halo tokens. Each pending sign-in is
//! accepted once ([`super::single_use`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;

use super::claims::{CodeClaims, PendingClaims};
use super::error::{error_page, redirect};
use super::single_use::SingleUseError;
use super::upstream::{self, UpstreamError};
use crate::auth::AuthContext;
use crate::auth::tokens::TokenKind;

/// Our authorization codes live a minute: long enough to reach the token endpoint.
pub const CODE_TTL_SECS: i64 = 60;

fn state_token(params: &HashMap<String, String>) -> &str {
    params.get("state").map(String::as_str).unwrap_or("")
}

pub async fn callback(
    State(ctx): State<Arc<AuthContext>>,
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
    let Some(opened) = get("state").and_then(|state| {
        codec
            .open::<PendingClaims>(TokenKind::Pending, &ctx.issuer, state)
            .ok()
    }) else {
        return error_page("The sign-in request is missing, expired or not valid; start again.");
    };
    // Once only, and before Halo is called, so a replayed callback costs no Halo request.
    if let Err(error) = ctx
        .single_use
        .use_once(state_token(&params), opened.expires_at)
        .await
    {
        tracing::warn!(%error, "refused a sign-in callback");
        return error_page(match error {
            SingleUseError::Replayed => {
                "This sign-in has already been completed; start again from the application."
            }
            SingleUseError::Unavailable => {
                "Too many sign-ins are in progress; try again in a minute."
            }
            SingleUseError::Unreachable => {
                "Sign-in is unavailable: its records cannot be stored right now (shared storage is unreachable); try again in a minute."
            }
        });
    }
    let pending = opened.payload;
    let client_state = pending.state.clone().unwrap_or_default();
    let fail = |error: &str, description: &str| {
        redirect(
            &pending.redirect_uri,
            &[
                ("error", error),
                ("error_description", description),
                ("state", &client_state),
                ("iss", &ctx.issuer),
            ],
        )
    };
    if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or("Halo sign-in did not complete");
        let error = if error == "access_denied" {
            "access_denied"
        } else {
            "server_error"
        };
        return fail(error, description);
    }
    let Some(code) = get("code") else {
        return fail("server_error", "Halo sent no authorization code");
    };
    let callback_url = ctx.callback_url();
    let halo = match upstream::halo_grant(
        &ctx,
        upstream::Grant::Code {
            code,
            redirect_uri: &callback_url,
            verifier: &pending.verifier,
        },
    )
    .await
    {
        Ok(tokens) => tokens,
        Err(UpstreamError::Refused(message)) => {
            tracing::warn!(%message, "Halo refused the authorization code");
            return fail("access_denied", "Halo refused the sign-in");
        }
        Err(error) => {
            tracing::warn!(%error, "Halo code exchange failed");
            return fail("temporarily_unavailable", &error.to_string());
        }
    };
    let sub = upstream::subject(&ctx, &halo.access).await;
    tracing::info!(subject = %sub, "agent signed in at Halo");
    let claims = CodeClaims {
        redirect_uri: pending.redirect_uri.clone(),
        challenge: pending.challenge.clone(),
        scope: pending.scope.clone(),
        sub,
        halo,
    };
    let code = codec.seal(
        TokenKind::Code,
        &ctx.issuer,
        &opened.client_id,
        CODE_TTL_SECS,
        &claims,
    );
    redirect(
        &pending.redirect_uri,
        &[
            ("code", &code),
            ("state", &client_state),
            ("iss", &ctx.issuer),
        ],
    )
}
