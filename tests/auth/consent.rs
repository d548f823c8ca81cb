//! The consent page dynamically registered clients go through before we send the agent to
//! Halo: its content and hardening, Allow, Deny, and the forged, tampered, expired and
//! cross-browser submissions that must end on an error page without any redirect.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use halo_mcp::auth::oauth::claims::{AuthorizationRequest, ConsentClaims};
use halo_mcp::auth::tokens::{TokenCodec, TokenKey, TokenKind, now};
use halo_mcp::startup::BuildOptions;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::helpers::*;

/// Registers a public client named `name` for the test redirect URI; returns its client id.
async fn register(app: &TestApp, name: &str) -> String {
    let created = app
        .http
        .post(format!("{}/oauth/register", app.base_url))
        .json(&json!({
            "redirect_uris": [CLIENT_REDIRECT],
            "client_name": name,
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .expect("register answers");
    assert_eq!(created.status(), 201);
    let client: Value = created.json().await.expect("json");
    client["client_id"].as_str().expect("client_id").to_string()
}

async fn assert_error_page(response: reqwest::Response) {
    assert_eq!(response.status(), 400);
    assert!(
        response.headers().get("location").is_none(),
        "an error page, never a redirect"
    );
    let html = response.text().await.expect("html");
    assert!(html.contains("id=\"error\""), "{html}");
}

#[tokio::test]
async fn registered_clients_get_a_hardened_consent_page_and_allow_goes_to_halo() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = register(&app, "Inspector").await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;

    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("x-frame-options"), "DENY");
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("cache-control"), "no-store");
    let cookie = header("set-cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(page.html.contains("Inspector"), "{}", page.html);
    assert!(page.html.contains("127.0.0.1"), "the redirect host");
    // The whole address too: on a shared consent host the path names the connector.
    assert!(
        page.html.contains(&format!(
            "<code id=\"redirect-uri\">{CLIENT_REDIRECT}</code>"
        )),
        "{}",
        page.html
    );
    assert!(page.html.contains("use Halo as you through halo-mcp"));
    assert!(page.html.contains("id=\"consent-allow\""));
    assert!(page.html.contains("id=\"consent-deny\""));
    assert!(page.html.contains("method=\"post\""));
    assert!(page.token.starts_with("hm1."));

    // Allow: on to Halo's sign-in with our own PKCE, as for the static client.
    let allowed = app.decide(&page.form("allow"), Some(&page.cookie)).await;
    let halo = location(&allowed);
    let sandbox = app.sandbox_url.as_deref().expect("embedded sandbox");
    assert!(
        halo.starts_with(&format!("{sandbox}/auth/authorize")),
        "{halo}"
    );
    let params = query(&halo);
    assert_ne!(params["code_challenge"], challenge);
    assert!(params["state"].starts_with("hm1."));
}

#[tokio::test]
async fn deny_sends_access_denied_and_the_state_to_the_client() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = register(&app, "Inspector").await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;
    let denied = app.decide(&page.form("deny"), Some(&page.cookie)).await;
    let to_client = location(&denied);
    assert!(to_client.starts_with(CLIENT_REDIRECT), "{to_client}");
    let params = query(&to_client);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "client-state-123");
    assert_eq!(params["iss"], app.base_url);
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn forged_tampered_expired_and_cross_browser_consents_get_an_error_page() {
    let key = token_key();
    let app = spawn(&oauth_vars(&key), BuildOptions::default()).await;
    let client_id = register(&app, "Inspector").await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;

    // Tampered token.
    let mut tampered = page.token.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    let form = vec![
        ("consent".to_string(), tampered),
        ("decision".to_string(), "allow".to_string()),
    ];
    assert_error_page(app.decide(&form, Some(&page.cookie)).await).await;

    // No token at all, and an unknown decision.
    let form = vec![("decision".to_string(), "allow".to_string())];
    assert_error_page(app.decide(&form, Some(&page.cookie)).await).await;
    assert_error_page(app.decide(&page.form("maybe"), Some(&page.cookie)).await).await;

    // A genuine token posted from a browser that was not shown the page (CSRF: another site
    // fetched a consent page for its own client and auto-submits it in the agent's browser).
    assert_error_page(app.decide(&page.form("allow"), None).await).await;
    let other = format!("halo_mcp_consent={}", "A".repeat(32));
    assert_error_page(app.decide(&page.form("allow"), Some(&other)).await).await;

    // Not a form post.
    let json_post = app
        .http
        .post(format!("{}/oauth/authorize", app.base_url))
        .header("Cookie", &page.cookie)
        .json(&json!({"consent": page.token, "decision": "allow"}))
        .send()
        .await
        .expect("answers");
    assert_error_page(json_post).await;

    // Well-sealed tokens that must still be refused: expired, another kind, or for a client
    // that is not a registered one.
    let codec = TokenCodec::new(TokenKey::from_base64(&key).expect("key"), None);
    let cookie_value = page
        .cookie
        .split_once('=')
        .map(|(_, v)| v.to_string())
        .expect("cookie value");
    let claims = ConsentClaims {
        request: AuthorizationRequest {
            redirect_uri: CLIENT_REDIRECT.into(),
            state: Some("s".into()),
            challenge: Some(challenge.clone()),
            scope: "halo".into(),
        },
        browser: URL_SAFE_NO_PAD.encode(Sha256::digest(cookie_value.as_bytes())),
    };
    let submit = |token: String| {
        vec![
            ("consent".to_string(), token),
            ("decision".to_string(), "allow".to_string()),
        ]
    };
    let expired = codec.seal_until(
        TokenKind::Consent,
        &app.base_url,
        &client_id,
        now() - 1,
        &claims,
    );
    assert_error_page(app.decide(&submit(expired), Some(&page.cookie)).await).await;
    let pending = codec.seal(TokenKind::Pending, &app.base_url, &client_id, 600, &claims);
    assert_error_page(app.decide(&submit(pending), Some(&page.cookie)).await).await;
    let for_static = codec.seal(
        TokenKind::Consent,
        &app.base_url,
        STATIC_CLIENT_ID,
        600,
        &claims,
    );
    assert_error_page(app.decide(&submit(for_static), Some(&page.cookie)).await).await;
    // The control: the same claims for the registered client go through.
    let good = codec.seal(TokenKind::Consent, &app.base_url, &client_id, 600, &claims);
    assert_eq!(
        app.decide(&submit(good), Some(&page.cookie)).await.status(),
        302
    );
}

#[tokio::test]
async fn client_names_are_escaped_on_the_consent_page() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = register(&app, "<script>alert('x')</script> & \"Co\"").await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;
    assert!(!page.html.contains("<script"), "{}", page.html);
    assert!(
        page.html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"),
        "{}",
        page.html
    );
}

#[tokio::test]
async fn the_static_client_skips_the_consent_page() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let (_, challenge) = pkce_pair();
    let response = app.authorize_as(STATIC_CLIENT_ID, &challenge).await;
    let halo = location(&response);
    let sandbox = app.sandbox_url.as_deref().expect("embedded sandbox");
    assert!(
        halo.starts_with(&format!("{sandbox}/auth/authorize")),
        "{halo}"
    );
    assert!(response.headers().get("set-cookie").is_none());
}
