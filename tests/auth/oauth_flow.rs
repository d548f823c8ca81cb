//! The OAuth dance end to end against the sandbox's Halo sign-in page, and its failure cases.

use std::time::Duration;

use halo_mcp::startup::BuildOptions;
use halo_sandbox::SandboxOptions;
use serde_json::{Value, json};

use super::helpers::*;

async fn oauth_app() -> TestApp {
    spawn(&oauth_vars(&token_key()), BuildOptions::default()).await
}

#[tokio::test]
async fn sign_in_call_refresh_call_as_the_signed_in_agent() {
    let app = oauth_app().await;
    let (verifier, challenge) = pkce_pair();
    let redirect = app
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    assert!(
        redirect.url.starts_with(CLIENT_REDIRECT),
        "{}",
        redirect.url
    );
    assert_eq!(redirect.params["state"], "client-state-123");
    assert_eq!(redirect.params["iss"], app.base_url);
    let code = &redirect.params["code"];

    let (status, tokens) = app.exchange(code, &verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let access = tokens["access_token"].as_str().expect("access token");
    let refresh = tokens["refresh_token"].as_str().expect("refresh token");
    assert!(access.starts_with("hm1."));

    // A tool call runs as Sam, the agent who signed in.
    let me = app
        .call_ok_as(Some(access), &[], "get_user_info", json!({}))
        .await;
    assert!(me.to_string().contains("Sam"), "{me}");
    let assigned = app
        .call_ok_as(
            Some(access),
            &[],
            "assign_ticket_to_me",
            json!({"ticket_id": 1001}),
        )
        .await;
    assert!(assigned.to_string().contains("Sam"), "{assigned}");

    // Refresh, then call again with the new token.
    let (status, refreshed) = app.refresh(refresh).await;
    assert_eq!(status, 200, "{refreshed}");
    let access2 = refreshed["access_token"]
        .as_str()
        .expect("new access token");
    assert_ne!(access2, access);
    let me2 = app
        .call_ok_as(Some(access2), &[], "get_user_info", json!({}))
        .await;
    assert_eq!(me2["id"], me["id"]);

    // Our refresh token used twice: Halo's rotated refresh token inside is spent.
    let (status, reused) = app.refresh(refresh).await;
    assert_eq!(status, 400, "{reused}");
    assert_eq!(reused["error"], "invalid_grant");
    // The rotated one still works.
    let refresh2 = refreshed["refresh_token"]
        .as_str()
        .expect("rotated refresh token");
    let (status, _) = app.refresh(refresh2).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn pkce_mismatch_is_refused() {
    let app = oauth_app().await;
    let (_, challenge) = pkce_pair();
    let (other_verifier, _) = pkce_pair();
    let redirect = app
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let (status, body) = app
        .exchange(&redirect.params["code"], &other_verifier)
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn redirect_uris_outside_the_allow_list_are_refused_without_redirecting() {
    let app = oauth_app().await;
    let (_, challenge) = pkce_pair();
    let response = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", STATIC_CLIENT_ID),
            ("redirect_uri", "https://evil.example/callback"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    let unknown = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", "nobody"),
            ("redirect_uri", CLIENT_REDIRECT),
        ])
        .await;
    assert_eq!(unknown.status(), 400);
}

#[tokio::test]
async fn bearer_failures_get_401_with_resource_metadata_and_403_for_scope() {
    let key = token_key();
    let app = spawn(&oauth_vars(&key), BuildOptions::default()).await;
    let prm = format!("{}/.well-known/oauth-protected-resource", app.base_url);

    let missing = app.mcp(None, &[], "tools/list", json!({})).await;
    assert_eq!(missing.status(), 401);
    let challenge = missing.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(&format!("resource_metadata=\"{prm}\"")),
        "{challenge}"
    );
    assert!(challenge.contains("scope=\"halo\""), "{challenge}");

    // A real token to tamper with.
    let (verifier, pkce) = pkce_pair();
    let redirect = app
        .sign_in(STATIC_CLIENT_ID, &pkce, "sam", "sam-demo")
        .await;
    let (_, tokens) = app.exchange(&redirect.params["code"], &verifier).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let ok = app.mcp(Some(&access), &[], "tools/list", json!({})).await;
    assert_eq!(ok.status(), 200);

    let mut tampered = access.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let refused = app.mcp(Some(&tampered), &[], "tools/list", json!({})).await;
    assert_eq!(refused.status(), 401);
    assert!(
        refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );

    // A token for another resource, sealed with the same key (as another deployment sharing
    // the key would).
    use halo_mcp::auth::oauth::claims::AccessClaims;
    use halo_mcp::auth::tokens::{TokenCodec, TokenKey, TokenKind};
    let codec = TokenCodec::new(TokenKey::from_base64(&key).unwrap(), None);
    let claims = |scope: &str| AccessClaims {
        halo: "x".into(),
        sub: "agent 2".into(),
        scope: scope.into(),
    };
    let other = codec.seal(
        TokenKind::Access,
        "https://other.example/mcp",
        STATIC_CLIENT_ID,
        600,
        &claims("halo"),
    );
    let refused = app.mcp(Some(&other), &[], "tools/list", json!({})).await;
    assert_eq!(refused.status(), 401);
    // A refresh token presented as an access token.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(
        app.mcp(Some(refresh), &[], "tools/list", json!({}))
            .await
            .status(),
        401
    );
    // Valid, but without our scope: 403 insufficient_scope.
    let no_scope = codec.seal(
        TokenKind::Access,
        &app.mcp_url,
        STATIC_CLIENT_ID,
        600,
        &claims("offline_access"),
    );
    let forbidden = app.mcp(Some(&no_scope), &[], "tools/list", json!({})).await;
    assert_eq!(forbidden.status(), 403);
    assert!(
        forbidden.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"insufficient_scope\"")
    );
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    // Halo tokens that expire as they are issued: our access token never outlives the Halo
    // token inside, so it is expired on arrival and no test clock has to run.
    let build = BuildOptions {
        sandbox: Some(SandboxOptions {
            token_ttl: Duration::ZERO,
            ..SandboxOptions::default()
        }),
        ..BuildOptions::default()
    };
    let app = spawn(&oauth_vars(&token_key()), build).await;
    let (verifier, challenge) = pkce_pair();
    let redirect = app
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let (_, tokens) = app.exchange(&redirect.params["code"], &verifier).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(tokens["expires_in"], 0, "{tokens}");
    let refused = app.mcp(Some(access), &[], "tools/list", json!({})).await;
    assert_eq!(refused.status(), 401);
    assert!(
        refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn metadata_documents_describe_this_server() {
    let app = oauth_app().await;
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let prm: Value = app
            .http
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(prm["resource"], app.mcp_url);
        assert_eq!(prm["authorization_servers"][0], app.base_url);
    }
    let asm: Value = app
        .http
        .get(format!(
            "{}/.well-known/oauth-authorization-server",
            app.base_url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(asm["issuer"], app.base_url);
    assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(
        asm["registration_endpoint"],
        format!("{}/oauth/register", app.base_url)
    );
    assert!(
        asm["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("refresh_token"))
    );
}

#[tokio::test]
async fn dynamic_registration_then_sign_in_as_a_public_client() {
    let app = oauth_app().await;
    let register = |body: Value| {
        let http = app.http.clone();
        let url = format!("{}/oauth/register", app.base_url);
        async move { http.post(url).json(&body).send().await.unwrap() }
    };
    let bad = register(json!({"redirect_uris": ["https://evil.example/cb"]})).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"],
        "invalid_redirect_uri"
    );

    let created = register(json!({
        "redirect_uris": [CLIENT_REDIRECT],
        "client_name": "Inspector",
        "token_endpoint_auth_method": "none",
    }))
    .await;
    assert_eq!(created.status(), 201);
    let client: Value = created.json().await.unwrap();
    let client_id = client["client_id"].as_str().unwrap();
    assert!(client.get("client_secret").is_none());

    // A public client must use PKCE.
    let no_pkce = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", CLIENT_REDIRECT),
        ])
        .await;
    let to_client = location(&no_pkce);
    assert_eq!(query(&to_client)["error"], "invalid_request");

    // A registered client needs the agent's consent first: the agent clicks Allow.
    let (verifier, challenge) = pkce_pair();
    let redirect = app
        .sign_in_with_consent(client_id, &challenge, "priya", "priya-demo")
        .await;
    assert_eq!(redirect.params["state"], "client-state-123");
    let (status, tokens) = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &redirect.params["code"]),
            ("redirect_uri", CLIENT_REDIRECT),
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

    // Another client cannot redeem this client's code.
    let (status, body) = app.exchange(&redirect.params["code"], &verifier).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn confidential_clients_must_authenticate() {
    let app = oauth_app().await;
    let (status, body) = app
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", STATIC_CLIENT_ID),
            ("client_secret", "wrong"),
        ])
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "invalid_client");
}
