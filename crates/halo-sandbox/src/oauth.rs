//! Halo's authorisation server under `/auth`: `POST /auth/token` (client_credentials,
//! authorization_code with PKCE S256, rotating single-use refresh tokens) and the
//! `/auth/authorize` sign-in flow. A `tenant` (query or form) must name this instance's tenant,
//! as on hosted Halo; without one the request is taken as addressed to this instance, as an
//! on-premise Halo's `{instance}/auth/token` is.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use chrono::Duration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::authz::{hash_secret, is_valid_scope, new_secret};
use super::demo::TENANT;
use super::model::*;
use super::signin_page;
use super::store::{Data, SandboxState};

const CODE_TTL_SECS: i64 = 300;

/// An OAuth error answer (RFC 6749 §5.2).
#[derive(Debug, thiserror::Error)]
#[error("{error}: {description}")]
pub struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> OAuthError {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = (
            self.status,
            axum::Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response();
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        resp
    }
}

fn form(bytes: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Client credentials from the form or an HTTP Basic header.
fn client_credentials(
    headers: &HeaderMap,
    f: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        });
    let id = f
        .get("client_id")
        .cloned()
        .or(basic.as_ref().map(|b| b.0.clone()));
    let secret = f.get("client_secret").cloned().or(basic.map(|b| b.1));
    (
        id.filter(|s| !s.is_empty()),
        secret.filter(|s| !s.is_empty()),
    )
}

/// Requested scopes, checked against the scopes Halo knows and the application allows.
fn check_scopes(app: &ApiApp, requested: Option<&str>) -> Result<Vec<String>, OAuthError> {
    let requested: Vec<String> = requested
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect();
    if requested.is_empty() {
        return Ok(app.scopes.clone());
    }
    for s in &requested {
        if !is_valid_scope(s) {
            return Err(OAuthError::new(
                "invalid_scope",
                format!("'{s}' is not a valid scope"),
            ));
        }
        let allowed = app.scopes.contains(s)
            || (app.scopes.iter().any(|a| a == "all") && s != "offline_access");
        if !allowed {
            return Err(OAuthError::new(
                "invalid_scope",
                format!("The application is not allowed the '{s}' scope"),
            ));
        }
    }
    Ok(requested)
}

pub async fn token(
    State(state): State<SandboxState>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = form(q.unwrap_or_default().as_bytes());
    let result = check_tenant(&query)
        .and_then(|_| check_tenant(&form(&body)))
        .map_err(|desc| OAuthError::new("invalid_request", desc))
        .and_then(|_| token_inner(&state, &headers, &body));
    match result {
        Ok(v) => {
            let mut resp = axum::Json(v).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => e.into_response(),
    }
}

fn token_inner(
    state: &SandboxState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let f = form(body);
    let (client_id, secret) = client_credentials(headers, &f);
    let client_id =
        client_id.ok_or_else(|| OAuthError::new("invalid_request", "client_id is required"))?;
    let app = state
        .read(|d| d.apps.iter().find(|a| a.client_id == client_id).cloned())
        .ok_or_else(|| OAuthError::new("invalid_client", "Unknown client_id"))?;
    match (&app.client_secret, &secret) {
        (Some(expected), Some(given)) if expected != given => {
            return Err(OAuthError::new(
                "invalid_client",
                "The client secret is wrong",
            ));
        }
        (Some(_), None) if app.kind == AppKind::Services => {
            return Err(OAuthError::new(
                "invalid_client",
                "client_secret is required",
            ));
        }
        _ => {}
    }
    let ttl = state.options().token_ttl;
    let grant = f.get("grant_type").map(String::as_str).unwrap_or("");
    match grant {
        "client_credentials" => {
            if app.kind != AppKind::Services {
                return Err(OAuthError::new(
                    "unauthorized_client",
                    "This application cannot use client_credentials",
                ));
            }
            let scopes = check_scopes(&app, f.get("scope").map(String::as_str))?;
            Ok(state.write(|d| issue(d, &app, app.agent_id, &scopes, ttl, false)))
        }
        "authorization_code" => {
            if app.kind != AppKind::AuthorisationCode {
                return Err(OAuthError::new(
                    "unauthorized_client",
                    "This application cannot use authorization_code",
                ));
            }
            let code = f
                .get("code")
                .ok_or_else(|| OAuthError::new("invalid_request", "code is required"))?;
            let verifier = f
                .get("code_verifier")
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    OAuthError::new("invalid_request", "code_verifier is required (PKCE)")
                })?;
            let redirect = f.get("redirect_uri").cloned().unwrap_or_default();
            let now = state.now();
            let hash = hash_secret(code);
            state.write(|d| {
                let c = d
                    .auth_codes
                    .iter_mut()
                    .find(|c| c.hash == hash)
                    .ok_or_else(|| {
                        OAuthError::new("invalid_grant", "The authorisation code is not valid")
                    })?;
                if c.used {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "The authorisation code has already been used",
                    ));
                }
                c.used = true;
                if now > c.expires_at {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "The authorisation code has expired",
                    ));
                }
                if c.client_id != app.client_id {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "The code was issued to another client",
                    ));
                }
                if c.redirect_uri != redirect {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "redirect_uri does not match the authorisation request",
                    ));
                }
                if pkce_challenge(verifier) != c.code_challenge {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "code_verifier does not match the code_challenge",
                    ));
                }
                let (agent, scopes) = (c.agent_id, c.scopes.clone());
                Ok(issue(d, &app, agent, &scopes, ttl, true))
            })
        }
        "refresh_token" => {
            let rt = f
                .get("refresh_token")
                .ok_or_else(|| OAuthError::new("invalid_request", "refresh_token is required"))?;
            let hash = hash_secret(rt);
            state.write(|d| {
                let r = d
                    .refresh_tokens
                    .iter_mut()
                    .find(|r| r.hash == hash)
                    .ok_or_else(|| {
                        OAuthError::new("invalid_grant", "The refresh token is not valid")
                    })?;
                if r.used {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "The refresh token has already been used",
                    ));
                }
                if r.client_id != app.client_id {
                    return Err(OAuthError::new(
                        "invalid_grant",
                        "The refresh token was issued to another client",
                    ));
                }
                r.used = true;
                let (agent, scopes) = (r.agent_id, r.scopes.clone());
                Ok(issue(d, &app, agent, &scopes, ttl, true))
            })
        }
        "" => Err(OAuthError::new("invalid_request", "grant_type is required")),
        other => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("grant_type '{other}' is not supported"),
        )),
    }
}

pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Issues an access token (and a refresh token when `refresh`), storing only their hashes.
fn issue(
    d: &mut Data,
    app: &ApiApp,
    agent_id: i64,
    scopes: &[String],
    ttl: std::time::Duration,
    refresh: bool,
) -> Value {
    let now = chrono::Utc::now();
    let access = new_secret();
    let ttl_secs = ttl.as_secs();
    d.access_tokens.retain(|t| t.expires_at > now);
    d.access_tokens.push(AccessToken {
        hash: hash_secret(&access),
        client_id: app.client_id.clone(),
        agent_id,
        scopes: scopes.to_vec(),
        expires_at: now + Duration::seconds(ttl_secs.min(i64::MAX as u64) as i64),
    });
    let mut out = json!({
        "access_token": access, "token_type": "Bearer", "expires_in": ttl_secs,
        "scope": scopes.join(" "),
    });
    if refresh {
        let rt = new_secret();
        d.refresh_tokens.push(RefreshToken {
            hash: hash_secret(&rt),
            client_id: app.client_id.clone(),
            agent_id,
            scopes: scopes.to_vec(),
            used: false,
        });
        out["refresh_token"] = json!(rt);
        if let Some(a) = d.agent(agent_id) {
            out["id_token"] = json!(id_token(a, &app.client_id, now, ttl_secs));
        }
    }
    out
}

/// An unsigned (`alg: none`) ID token naming the agent, for clients that want the caller's identity.
fn id_token(a: &Agent, aud: &str, now: chrono::DateTime<chrono::Utc>, ttl: u64) -> String {
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let header = b64(json!({"alg": "none", "typ": "JWT"}));
    let claims = b64(json!({
        "iss": format!("halo-sandbox/{TENANT}"), "aud": aud, "sub": a.id.to_string(),
        "name": a.name, "email": a.email, "agent_id": a.id,
        "iat": now.timestamp(), "exp": now.timestamp() + ttl as i64,
    }));
    format!("{header}.{claims}.")
}

/// The authorisation request's parameters, carried through the sign-in form.
const AUTH_PARAMS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "tenant",
];

fn html(status: StatusCode, body: String) -> Response {
    (status, Html(body)).into_response()
}

fn redirect(uri: &str, pairs: &[(&str, &str)]) -> Response {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
                    q.append_pair(k, v);
                }
            }
            match HeaderValue::from_str(u.as_str()) {
                Ok(loc) => {
                    let mut resp = StatusCode::FOUND.into_response();
                    resp.headers_mut().insert(header::LOCATION, loc);
                    resp
                }
                Err(_) => html(
                    StatusCode::BAD_REQUEST,
                    signin_page::error_page("Invalid redirect_uri"),
                ),
            }
        }
        Err(_) => html(
            StatusCode::BAD_REQUEST,
            signin_page::error_page("Invalid redirect_uri"),
        ),
    }
}

/// Checks that must pass before anything may redirect: a known client and a registered URL.
fn client_and_redirect(
    state: &SandboxState,
    p: &HashMap<String, String>,
) -> Result<(ApiApp, String), Box<Response>> {
    let client_id = p.get("client_id").cloned().unwrap_or_default();
    let app = state
        .read(|d| d.apps.iter().find(|a| a.client_id == client_id).cloned())
        .filter(|a| a.kind == AppKind::AuthorisationCode)
        .ok_or_else(|| {
            Box::new(html(
                StatusCode::BAD_REQUEST,
                signin_page::error_page(
                    "Unknown client_id, or the application does not allow agent logins.",
                ),
            ))
        })?;
    let redirect = p.get("redirect_uri").cloned().unwrap_or_default();
    if !app.redirect_uris.contains(&redirect) {
        return Err(Box::new(html(
            StatusCode::BAD_REQUEST,
            signin_page::error_page("The redirect_uri is not registered for this application."),
        )));
    }
    Ok((app, redirect))
}

/// The remaining request checks; failures redirect back with an OAuth error.
/// A `tenant` that is present must be this instance's (compared case-insensitively).
fn check_tenant(p: &HashMap<String, String>) -> Result<(), String> {
    match p.get("tenant").map(|t| t.trim()).filter(|t| !t.is_empty()) {
        Some(t) if !t.eq_ignore_ascii_case(TENANT) => Err(format!(
            "Unknown tenant '{t}'; this instance's tenant is '{TENANT}' (see /api/authinfo)"
        )),
        _ => Ok(()),
    }
}

fn check_request(
    app: &ApiApp,
    p: &HashMap<String, String>,
) -> Result<Vec<String>, (&'static str, String)> {
    check_tenant(p).map_err(|desc| ("invalid_request", desc))?;
    if p.get("response_type").map(String::as_str) != Some("code") {
        return Err((
            "unsupported_response_type",
            "response_type must be code".into(),
        ));
    }
    if p.get("code_challenge").is_none_or(|c| c.len() < 43) {
        return Err((
            "invalid_request",
            "code_challenge (PKCE S256) is required".into(),
        ));
    }
    if p.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Err((
            "invalid_request",
            "code_challenge_method must be S256".into(),
        ));
    }
    check_scopes(app, p.get("scope").map(String::as_str)).map_err(|e| (e.error, e.description))
}

fn render_form(
    state: &SandboxState,
    app: &ApiApp,
    p: &HashMap<String, String>,
    username: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let hidden: Vec<(&str, String)> = AUTH_PARAMS
        .iter()
        .filter_map(|k| p.get(*k).map(|v| (*k, v.clone())))
        .collect();
    let agents = state.read(|d| d.agents.clone());
    html(
        status,
        signin_page::sign_in(&app.name, &hidden, &agents, username, error),
    )
}

pub async fn authorize_get(State(state): State<SandboxState>, RawQuery(q): RawQuery) -> Response {
    let p = form(q.unwrap_or_default().as_bytes());
    let (app, redirect_uri) = match client_and_redirect(&state, &p) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let st = p.get("state").cloned().unwrap_or_default();
    if let Err((error, desc)) = check_request(&app, &p) {
        return redirect(
            &redirect_uri,
            &[
                ("error", error),
                ("error_description", &desc),
                ("state", &st),
            ],
        );
    }
    render_form(&state, &app, &p, "", None, StatusCode::OK)
}

pub async fn authorize_post(State(state): State<SandboxState>, body: Bytes) -> Response {
    let p = form(&body);
    let (app, redirect_uri) = match client_and_redirect(&state, &p) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    let st = p.get("state").cloned().unwrap_or_default();
    let scopes = match check_request(&app, &p) {
        Ok(s) => s,
        Err((error, desc)) => {
            return redirect(
                &redirect_uri,
                &[
                    ("error", error),
                    ("error_description", &desc),
                    ("state", &st),
                ],
            );
        }
    };
    let username = p
        .get("username")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let password = p.get("password").cloned().unwrap_or_default();
    let agent = state.read(|d| {
        d.agents
            .iter()
            .find(|a| {
                !a.login.is_empty()
                    && !a.isdisabled
                    && a.login.eq_ignore_ascii_case(&username)
                    && a.password == password
            })
            .map(|a| a.id)
    });
    let Some(agent_id) = agent else {
        return render_form(
            &state,
            &app,
            &p,
            &username,
            Some("The login name or password is incorrect."),
            StatusCode::OK,
        );
    };
    let code = new_secret();
    let challenge = p.get("code_challenge").cloned().unwrap_or_default();
    let now = state.now();
    state.write(|d| {
        d.auth_codes.retain(|c| !c.used && c.expires_at > now);
        d.auth_codes.push(AuthCode {
            hash: hash_secret(&code),
            client_id: app.client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            code_challenge: challenge,
            agent_id,
            scopes,
            expires_at: now + Duration::seconds(CODE_TTL_SECS),
            used: false,
        });
    });
    redirect(&redirect_uri, &[("code", &code), ("state", &st)])
}
