//! The README's "try sign-in locally" step, exactly as written (issue 15): halo-mcp started with
//! only `MCP_AUTH_MODE=oauth` and `MCP_TOKEN_KEY`, an MCP client (the Inspector) registering
//! with a loopback `http://localhost:<port>` redirect, the agent signing in on the sandbox's
//! page, the code exchanged for a token, and a tool call as that agent.

use serde_json::{Value, json};

use super::helpers::{ConsentPage, pkce_pair, spawn, token_key};
use halo_mcp::startup::BuildOptions;

/// The redirect the MCP Inspector registers.
const INSPECTOR_REDIRECT: &str = "http://localhost:6274/oauth/callback";

#[tokio::test]
async fn the_readme_local_sign_in_works_as_written() {
    let key = token_key();
    let vars = vec![
        ("MCP_AUTH_MODE".to_string(), "oauth".to_string()),
        ("MCP_TOKEN_KEY".to_string(), key),
    ];
    let app = spawn(&vars, BuildOptions::default()).await;
    let registered = app
        .http
        .post(format!("{}/oauth/register", app.base_url))
        .json(&json!({
            "redirect_uris": [INSPECTOR_REDIRECT],
            "client_name": "MCP Inspector",
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .unwrap();
    let status = registered.status();
    let client: Value = registered.json().await.unwrap();
    assert_eq!(status, 201, "a loopback redirect registers: {client}");
    let client_id = client["client_id"].as_str().unwrap();

    let (verifier, challenge) = pkce_pair();
    let authorize = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", INSPECTOR_REDIRECT),
            ("state", "readme"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("resource", &app.mcp_url),
        ])
        .await;
    let page = ConsentPage::read(authorize).await;
    let allowed = app.decide(&page.form("allow"), Some(&page.cookie)).await;
    // sign_in_at_halo follows our callback to the client's redirect.
    let redirect = app
        .sign_in_at_halo(allowed, &challenge, "priya", "priya-demo")
        .await;
    assert!(
        redirect.url.starts_with(INSPECTOR_REDIRECT),
        "{}",
        redirect.url
    );
    assert_eq!(redirect.params["state"], "readme");
    let (status, tokens) = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &redirect.params["code"]),
            ("redirect_uri", INSPECTOR_REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", client_id),
        ])
        .await;
    assert_eq!(status, 200, "{tokens}");
    let me = app
        .call_ok_as(
            tokens["access_token"].as_str(),
            &[],
            "get_user_info",
            json!({}),
        )
        .await;
    assert!(me.to_string().contains("Priya"), "{me}");
}
