//! `POST /oauth/register`: RFC 7591 dynamic client registration, stateless — the returned
//! `client_id` is the sealed registration itself, and a confidential client's secret is a sealed
//! token naming that client id. Redirect URIs must pass the allow-list, and a registration is
//! bounded ([`MAX_BODY_BYTES`], [`MAX_REDIRECT_URIS`], [`MAX_REDIRECT_URI_LEN`],
//! [`MAX_CLIENT_NAME_CHARS`]): the client id carries it, so it travels in every URL.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

use super::claims::ClientClaims;
use super::error::OAuthError;
use crate::auth::AuthContext;
use crate::auth::tokens::{TokenKind, now};

/// Largest registration body accepted.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Most redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 10;
/// Longest redirect URI, in characters.
pub const MAX_REDIRECT_URI_LEN: usize = 2_000;
/// Longest `client_name`, in characters.
pub const MAX_CLIENT_NAME_CHARS: usize = 200;

#[derive(Deserialize)]
pub struct Registration {
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    client_name: Option<String>,
    #[serde(default)]
    token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    grant_types: Option<Vec<String>>,
    #[serde(default)]
    response_types: Option<Vec<String>>,
}

fn refuse(error: &'static str, description: &str) -> Response {
    OAuthError::new(error, description).into_response()
}

pub async fn register(State(ctx): State<Arc<AuthContext>>, body: axum::body::Bytes) -> Response {
    if body.len() > MAX_BODY_BYTES {
        return refuse(
            "invalid_client_metadata",
            &format!("the registration is larger than {MAX_BODY_BYTES} bytes"),
        );
    }
    let Ok(request) = serde_json::from_slice::<Registration>(&body) else {
        return refuse(
            "invalid_client_metadata",
            "the body must be a JSON client registration",
        );
    };
    if request.redirect_uris.is_empty() {
        return refuse("invalid_redirect_uri", "redirect_uris is required");
    }
    if request.redirect_uris.len() > MAX_REDIRECT_URIS {
        return refuse(
            "invalid_redirect_uri",
            &format!("at most {MAX_REDIRECT_URIS} redirect_uris may be registered"),
        );
    }
    for (index, uri) in request.redirect_uris.iter().enumerate() {
        if uri.chars().count() > MAX_REDIRECT_URI_LEN {
            return refuse(
                "invalid_redirect_uri",
                &format!("redirect_uris[{index}] is longer than {MAX_REDIRECT_URI_LEN} characters"),
            );
        }
        if let Err(error) = ctx.redirects.check(uri) {
            tracing::warn!("refused a client registration with a redirect URI that is not allowed");
            // The URI is JSON-escaped in the answer; it is not echoed raw anywhere.
            return refuse(
                "invalid_redirect_uri",
                &format!("redirect_uris[{index}] ('{uri}') is not allowed: {error}"),
            );
        }
    }
    if let Some(name) = &request.client_name {
        if name.chars().count() > MAX_CLIENT_NAME_CHARS {
            return refuse(
                "invalid_client_metadata",
                &format!("client_name is longer than {MAX_CLIENT_NAME_CHARS} characters"),
            );
        }
        if name.chars().any(char::is_control) {
            return refuse(
                "invalid_client_metadata",
                "client_name must not contain control characters (tabs, line breaks ...)",
            );
        }
    }
    // RFC 7591 §2: the default is client_secret_basic.
    let auth_method = request
        .token_endpoint_auth_method
        .unwrap_or_else(|| "client_secret_basic".into());
    if !["none", "client_secret_basic", "client_secret_post"].contains(&auth_method.as_str()) {
        return refuse(
            "invalid_client_metadata",
            "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post",
        );
    }
    let grant_types = request
        .grant_types
        .unwrap_or_else(|| vec!["authorization_code".into(), "refresh_token".into()]);
    if grant_types
        .iter()
        .any(|g| g != "authorization_code" && g != "refresh_token")
    {
        return refuse(
            "invalid_client_metadata",
            "only the authorization_code and refresh_token grant types are supported",
        );
    }
    if request
        .response_types
        .as_ref()
        .is_some_and(|types| types.iter().any(|t| t != "code"))
    {
        return refuse(
            "invalid_client_metadata",
            "only the code response type is supported",
        );
    }
    let codec = match ctx.keyring.codec().await {
        Ok(codec) => codec,
        Err(error) => return refuse("temporarily_unavailable", &error.to_string()),
    };
    let name = request.client_name;
    let claims = ClientClaims {
        redirect_uris: request.redirect_uris.clone(),
        name: name.clone(),
        auth_method: auth_method.clone(),
    };
    let client_id = codec.seal(TokenKind::Client, &ctx.issuer, "", 0, &claims);
    let mut answer = json!({
        "client_id": client_id,
        "client_id_issued_at": now(),
        "redirect_uris": request.redirect_uris,
        "token_endpoint_auth_method": auth_method,
        "grant_types": grant_types,
        "response_types": ["code"],
    });
    if let Some(name) = name {
        answer["client_name"] = json!(name);
    }
    if auth_method != "none" {
        answer["client_secret"] =
            json!(codec.seal(TokenKind::ClientSecret, &ctx.issuer, &client_id, 0, &()));
        answer["client_secret_expires_at"] = json!(0);
    }
    tracing::info!(auth_method = %auth_method, "registered an OAuth client");
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
