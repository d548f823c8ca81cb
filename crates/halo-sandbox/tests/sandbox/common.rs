//! Shared helpers: start a sandbox, get tokens (client credentials or the full sign-in flow),
//! and make requests.

use halo_sandbox::{Sandbox, SandboxOptions, demo, pkce_challenge};
use serde_json::Value;

pub const VERIFIER: &str = "test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
pub const REDIRECT: &str = "http://localhost:8080/oauth/callback";

pub async fn start() -> Sandbox {
    start_with(SandboxOptions::default()).await
}

pub async fn start_with(options: SandboxOptions) -> Sandbox {
    Sandbox::start("127.0.0.1:0".parse().expect("addr"), options)
        .await
        .expect("sandbox starts")
}

/// A client that does not follow redirects, so tests can read `Location`.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub async fn service_token(sb: &Sandbox, scope: &str) -> String {
    crate::support::sign_in::halo_service_token(&http(), sb.url().as_str(), scope).await
}

pub fn authorize_query(scope: &str, state: &str) -> Vec<(&'static str, String)> {
    vec![
        ("tenant", demo::TENANT.into()),
        ("response_type", "code".into()),
        ("client_id", demo::AUTH_CLIENT_ID.into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", scope.into()),
        ("state", state.into()),
        ("code_challenge", pkce_challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

pub use crate::support::sign_in::hidden_inputs;

/// Signs in through the HTML page; returns Halo's answer (a redirect when it accepted).
pub async fn sign_in(sb: &Sandbox, login: &str, password: &str, scope: &str) -> reqwest::Response {
    let mut page = sb.url().join("auth/authorize").expect("url");
    page.query_pairs_mut()
        .extend_pairs(authorize_query(scope, "xyz"));
    crate::support::sign_in::halo_login(&http(), page.as_str(), login, password).await
}

pub fn location_param(resp: &reqwest::Response, name: &str) -> Option<String> {
    let loc = resp.headers().get("location")?.to_str().ok()?;
    let url = url::Url::parse(loc).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub async fn exchange(sb: &Sandbox, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = http()
        .post(sb.url().join("auth/token").expect("url"))
        .form(form)
        .send()
        .await
        .expect("token");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Access and refresh token for a demo agent via the whole authorisation-code flow.
pub async fn agent_tokens(sb: &Sandbox, login: &str, password: &str) -> (String, String) {
    let resp = sign_in(sb, login, password, "all offline_access").await;
    assert_eq!(resp.status(), 302);
    let code = location_param(&resp, "code").expect("code");
    let (status, v) = exchange(
        sb,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", demo::AUTH_CLIENT_ID),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{v}");
    (
        v["access_token"].as_str().expect("at").to_string(),
        v["refresh_token"].as_str().expect("rt").to_string(),
    )
}

pub async fn get(sb: &Sandbox, token: &str, path: &str) -> (u16, Value) {
    let resp = http()
        .get(sb.url().join(path).expect("url"))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub async fn post(sb: &Sandbox, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let resp = http()
        .post(sb.url().join(path).expect("url"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("post");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
