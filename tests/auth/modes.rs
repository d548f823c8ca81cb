//! Each sign-in mode at the `/mcp` edge: none, api-key, halo-token.

use halo_mcp::startup::BuildOptions;
use halo_sandbox::demo;
use serde_json::json;

use super::helpers::*;
use crate::support::sign_in::halo_service_token;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn none_mode_needs_no_credentials() {
    let app = spawn(&vars(&[("MCP_AUTH_MODE", "none")]), BuildOptions::default()).await;
    let response = app.mcp(None, &[], "tools/list", json!({})).await;
    assert_eq!(response.status(), 200);
    // No authorization server in this mode.
    let metadata = app
        .http
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            app.base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), 404);
}

#[tokio::test]
async fn api_keys_are_checked_in_either_header() {
    let app = spawn(
        &vars(&[
            ("MCP_AUTH_MODE", "api-key"),
            (
                "MCP_API_KEYS",
                "first-key-0123456789abcdef0123456789, second-key-0123456789abcdef012345678",
            ),
        ]),
        BuildOptions::default(),
    )
    .await;
    let missing = app.mcp(None, &[], "tools/list", json!({})).await;
    assert_eq!(missing.status(), 401);
    let bad = app
        .mcp(Some("not-a-key"), &[], "tools/list", json!({}))
        .await;
    assert_eq!(bad.status(), 401);
    let bad_header = app
        .mcp(
            None,
            &[("X-API-Key", "first-key-0123456789abcdef0123456789X")],
            "tools/list",
            json!({}),
        )
        .await;
    assert_eq!(bad_header.status(), 401);
    // Good keys run tools as the Services application.
    let me = app
        .call_ok_as(
            Some("second-key-0123456789abcdef012345678"),
            &[],
            "get_user_info",
            json!({}),
        )
        .await;
    assert_eq!(me["id"], json!(demo::API_AGENT_ID), "{me}");
    app.call_ok_as(
        None,
        &[("X-API-Key", "first-key-0123456789abcdef0123456789")],
        "get_user_info",
        json!({}),
    )
    .await;
}

#[tokio::test]
async fn halo_tokens_are_validated_with_halo() {
    let app = spawn(
        &vars(&[("MCP_AUTH_MODE", "halo-token")]),
        BuildOptions::default(),
    )
    .await;
    let sandbox = app.sandbox_url.as_deref().expect("embedded sandbox");
    let halo_token = &halo_service_token(&app.http, sandbox, "all").await;

    let bad = app
        .mcp(Some("not-a-halo-token"), &[], "tools/list", json!({}))
        .await;
    assert_eq!(bad.status(), 401);
    assert!(bad.headers().contains_key("www-authenticate"));
    assert_eq!(
        app.mcp(None, &[], "tools/list", json!({})).await.status(),
        401
    );
    let me = app
        .call_ok_as(Some(halo_token), &[], "get_user_info", json!({}))
        .await;
    assert_eq!(me["id"], json!(demo::API_AGENT_ID), "{me}");
    // Served from the validation cache the second time; still the same agent.
    let again = app
        .call_ok_as(Some(halo_token), &[], "get_user_info", json!({}))
        .await;
    assert_eq!(again["id"], me["id"]);
}
