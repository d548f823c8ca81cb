//! Issue 16 item 8: the refresh requests a Power Platform connector sends, replayed against the
//! token endpoint — the body our connector's `refreshBodyTemplate` produces, and the default
//! generic-OAuth body without client credentials (src/auth/oauth/connector_refresh.rs).

use halo_mcp::startup::BuildOptions;
use serde_json::Value;

use super::helpers::*;

/// POSTs `body` exactly as given, the way Power Platform's token store sends a template.
async fn post_raw(app: &TestApp, body: String) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}/oauth/token", app.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("token endpoint answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[tokio::test]
async fn the_connectors_refresh_template_is_accepted() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let (_, refresh) = app.sign_in_sam().await;
    let properties: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("connector/apiProperties.json"),
        )
        .expect("connector/apiProperties.json"),
    )
    .expect("JSON");
    let template = properties["properties"]["connectionParameters"]["token"]["oAuthSettings"]
        ["customParameters"]["refreshBodyTemplate"]["value"]
        .as_str()
        .expect("refreshBodyTemplate")
        .to_string();
    let body = template
        .replace("{RefreshToken}", &encode(&refresh))
        .replace("{RedirectUrl}", &encode(CLIENT_REDIRECT))
        .replace("{ClientId}", &encode(STATIC_CLIENT_ID))
        .replace("{ClientSecret}", &encode(STATIC_CLIENT_SECRET));
    let (status, answer) = post_raw(&app, body).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["access_token"].is_string() && answer["refresh_token"].is_string());

    // The same template with a wrong secret is still refused.
    let (_, refresh) = app.sign_in_sam().await;
    let body = template
        .replace("{RefreshToken}", &encode(&refresh))
        .replace("{RedirectUrl}", &encode(CLIENT_REDIRECT))
        .replace("{ClientId}", &encode(STATIC_CLIENT_ID))
        .replace("{ClientSecret}", "wrong");
    let (status, answer) = post_raw(&app, body).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["error"], "invalid_client");
}

#[tokio::test]
async fn the_default_generic_oauth_refresh_without_credentials_is_accepted_once() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let (_, refresh) = app.sign_in_sam().await;
    // What a generic OAuth 2 connector without a refresh template sends.
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&redirect_uri={}",
        encode(&refresh),
        encode(CLIENT_REDIRECT)
    );
    let (status, refreshed) = post_raw(&app, body.clone()).await;
    assert_eq!(status, 200, "{refreshed}");
    let access = refreshed["access_token"].as_str().expect("access token");
    let me = app
        .call_ok_as(Some(access), &[], "get_user_info", serde_json::json!({}))
        .await;
    assert!(me.to_string().contains("Sam"), "{me}");

    // Replayed, it is refused: Halo's refresh token inside was rotated.
    let (status, replay) = post_raw(&app, body).await;
    assert_eq!(status, 400, "{replay}");
    assert_eq!(replay["error"], "invalid_grant");

    // Without credentials, a redirect_uri the client may not use, or none, is not accepted.
    let next = refreshed["refresh_token"].as_str().expect("rotated");
    for redirect in ["https://attacker.example/cb", ""] {
        let body = format!(
            "grant_type=refresh_token&refresh_token={}&redirect_uri={}",
            encode(next),
            encode(redirect)
        );
        let (status, refused) = post_raw(&app, body).await;
        assert!(
            status == 400 || status == 401,
            "{redirect:?}: {status} {refused}"
        );
        assert_ne!(refused["access_token"].as_str().map(|_| ()), Some(()));
    }
    // And it still works with credentials.
    let (status, _) = app.refresh(next).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn without_credentials_a_refresh_halo_did_not_rotate_is_refused() {
    use halo_mcp::auth::oauth::claims::RefreshClaims;
    use halo_mcp::auth::tokens::{TokenCodec, TokenKey, TokenKind};

    let key = token_key();
    let app = spawn(&oauth_vars(&key), BuildOptions::default()).await;
    let (_, refresh) = app.sign_in_sam().await;
    // The same refresh token as it would be after a Halo refresh that kept Halo's token: a
    // stolen copy would not be refused by Halo, so the client must authenticate.
    let codec = TokenCodec::new(TokenKey::from_base64(&key).expect("key"), None);
    let opened = codec
        .open::<RefreshClaims>(TokenKind::Refresh, &app.base_url, &refresh)
        .expect("our refresh token opens");
    let kept = codec.seal(
        TokenKind::Refresh,
        &app.base_url,
        &opened.client_id,
        3600,
        &RefreshClaims {
            halo_issued: false,
            ..opened.payload
        },
    );
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&redirect_uri={}",
        encode(&kept),
        encode(CLIENT_REDIRECT)
    );
    let (status, refused) = post_raw(&app, body).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"], "invalid_request", "{refused}");
    assert!(refused.get("access_token").is_none(), "{refused}");
    // With the client's credentials the same token still refreshes.
    let (status, answer) = app.refresh(&kept).await;
    assert_eq!(status, 200, "{answer}");
}
