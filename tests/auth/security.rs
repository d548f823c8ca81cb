//! The sign-in server against a hostile client (issue 12, items 1–5): crafted redirect URIs, a
//! static client without a secret, oversized registrations, cross-site and planted-cookie
//! consent posts, and replayed codes and callbacks, which must cost no Halo call.

use halo_mcp::startup::BuildOptions;
use serde_json::{Value, json};

use super::helpers::*;

/// A narrow allow-list for one Copilot Studio connector, plus the tests' loopback client.
const NARROW: &str = "https://global.consent.azure-apim.net/redirect/halo-mcp-*";
const CONNECTOR: &str = "https://global.consent.azure-apim.net/redirect/halo-mcp-5f0123abc";

fn with(vars: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vars.into_iter().filter(|(k, _)| k != name).collect();
    vars.push((name.to_string(), value.to_string()));
    vars
}

fn without(vars: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    vars.into_iter().filter(|(k, _)| k != name).collect()
}

async fn narrow_app() -> TestApp {
    let vars = with(
        oauth_vars(&token_key()),
        "MCP_OAUTH_REDIRECT_ALLOWLIST",
        &format!("{NARROW}, http://127.0.0.1:9/client/*"),
    );
    spawn(&vars, BuildOptions::default()).await
}

async fn register(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}/oauth/register", app.base_url))
        .json(body)
        .send()
        .await
        .expect("register answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn register_raw(app: &TestApp, body: String) -> (u16, Value) {
    let response = app
        .http
        .post(format!("{}/oauth/register", app.base_url))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("register answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Registers a public client for `redirect`; returns its client id.
async fn public_client(app: &TestApp, redirect: &str) -> String {
    let (status, client) = register(
        app,
        &json!({"redirect_uris": [redirect], "client_name": "Inspector", "token_endpoint_auth_method": "none"}),
    )
    .await;
    assert_eq!(status, 201, "{client}");
    client["client_id"].as_str().expect("client_id").to_string()
}

const ATTACKS: &[&str] = &[
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x/../attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x/%2e%2e/attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x/%2E%2e/attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x\\..\\attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x/.\t./attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x/.\r\n./attacker-connector",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x%2f..%2fattacker-connector",
    "https://global.consent.azure-apim.net.attacker.example/redirect/halo-mcp-x",
    "https://attacker.example@global.consent.azure-apim.net/redirect/halo-mcp-x",
    "https://global.consent.azure-apim.net/redirect/halo-mcp-x#fragment",
    "http://global.consent.azure-apim.net/redirect/halo-mcp-x",
    "https://global.consent.azure-apim.net:8443/redirect/halo-mcp-x",
];

#[tokio::test]
async fn crafted_redirect_uris_are_refused_at_registration_and_authorization() {
    let app = narrow_app().await;
    for attack in ATTACKS {
        let (status, body) = register(
            &app,
            &json!({"redirect_uris": [attack], "token_endpoint_auth_method": "none"}),
        )
        .await;
        assert_eq!(status, 400, "{attack:?} registered: {body}");
        assert_eq!(body["error"], "invalid_redirect_uri", "{attack:?}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("not allowed")),
            "{body}"
        );

        let (_, challenge) = pkce_pair();
        let response = app
            .authorize(&[
                ("response_type", "code"),
                ("client_id", STATIC_CLIENT_ID),
                ("redirect_uri", attack),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        assert_eq!(response.status(), 400, "{attack:?} authorized");
        assert!(response.headers().get("location").is_none());
    }
    // The dot-segment refusal tells the developer what the URI really is.
    let (_, body) = register(&app, &json!({"redirect_uris": [ATTACKS[0]]})).await;
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("normal form")
                && d.contains("https://global.consent.azure-apim.net/redirect/attacker-connector")),
        "{body}"
    );
}

#[tokio::test]
async fn the_code_goes_to_exactly_the_registered_redirect_uri() {
    let app = narrow_app().await;
    let client_id = public_client(&app, CONNECTOR).await;
    let (verifier, challenge) = pkce_pair();
    let authorize = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &client_id),
            ("redirect_uri", CONNECTOR),
            ("state", "s-1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let page = ConsentPage::read(authorize).await;
    assert!(
        page.html.contains("global.consent.azure-apim.net"),
        "the page shows the redirect host"
    );
    let allowed = app.decide(&page.form("allow"), Some(&page.cookie)).await;
    let back = app
        .sign_in_at_halo(allowed, &challenge, "sam", "sam-demo")
        .await;
    assert!(
        back.url.starts_with(&format!("{CONNECTOR}?")),
        "{}",
        back.url
    );
    let (status, tokens) = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &back.params["code"]),
            ("redirect_uri", CONNECTOR),
            ("code_verifier", &verifier),
            ("client_id", &client_id),
        ])
        .await;
    assert_eq!(status, 200, "{tokens}");
}

#[tokio::test]
async fn local_clients_on_any_loopback_port_may_register_when_this_server_runs_on_loopback() {
    // The default allow-list (Copilot Studio only); the server's own URL is loopback.
    let vars = without(oauth_vars(&token_key()), "MCP_OAUTH_REDIRECT_ALLOWLIST");
    let app = spawn(&vars, BuildOptions::default()).await;
    for uri in [
        "http://127.0.0.1:6274/oauth/callback",
        "http://localhost:33418/callback",
        "http://[::1]:8123/cb",
    ] {
        let (status, body) = register(&app, &json!({"redirect_uris": [uri]})).await;
        assert_eq!(status, 201, "{uri}: {body}");
    }
    for uri in [
        "http://127.0.0.1:6274/a/../oauth/callback",
        "http://example.com:6274/oauth/callback",
        "https://example.com/oauth/callback",
    ] {
        let (status, body) = register(&app, &json!({"redirect_uris": [uri]})).await;
        assert_eq!(status, 400, "{uri}: {body}");
    }
}

#[tokio::test]
async fn a_deployed_server_does_not_accept_loopback_clients_outside_its_allow_list() {
    let vars = with(
        without(oauth_vars(&token_key()), "MCP_OAUTH_REDIRECT_ALLOWLIST"),
        "PUBLIC_URL",
        "https://mcp.example.com",
    );
    let app = spawn(&vars, BuildOptions::default()).await;
    let (status, body) = register(
        &app,
        &json!({"redirect_uris": ["http://127.0.0.1:6274/oauth/callback"]}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_static_client_without_a_secret_is_public_needs_pkce_and_consent() {
    let vars = without(oauth_vars(&token_key()), "MCP_OAUTH_CLIENT_SECRET");
    let app = spawn(&vars, BuildOptions::default()).await;

    // No PKCE: refused at /oauth/authorize.
    let no_pkce = app
        .authorize(&[
            ("response_type", "code"),
            ("client_id", STATIC_CLIENT_ID),
            ("redirect_uri", CLIENT_REDIRECT),
            ("state", "s"),
        ])
        .await;
    let refused = query(&location(&no_pkce));
    assert_eq!(refused["error"], "invalid_request");
    assert!(refused["error_description"].contains("PKCE"));

    // With PKCE: the consent page, like any public client.
    let (verifier, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(STATIC_CLIENT_ID, &challenge).await).await;
    assert!(page.html.contains("id=\"consent-allow\""));
    let allowed = app.decide(&page.form("allow"), Some(&page.cookie)).await;
    let back = app
        .sign_in_at_halo(allowed, &challenge, "sam", "sam-demo")
        .await;
    let code = back.params["code"].clone();

    // The code alone never redeems it.
    let (status, body) = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CLIENT_REDIRECT),
            ("client_id", STATIC_CLIENT_ID),
        ])
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    let (status, tokens) = app
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_verifier", &verifier),
            ("client_id", STATIC_CLIENT_ID),
        ])
        .await;
    assert_eq!(status, 200, "{tokens}");
}

#[tokio::test]
async fn registrations_are_bounded() {
    let app = narrow_app().await;
    let uri = |i: usize| format!("http://127.0.0.1:9/client/cb{i}");
    let ten: Vec<String> = (0..10).map(uri).collect();
    let (status, body) = register(
        &app,
        &json!({"redirect_uris": ten, "client_name": "n".repeat(200)}),
    )
    .await;
    assert_eq!(status, 201, "the bounds themselves are fine: {body}");

    let eleven: Vec<String> = (0..11).map(uri).collect();
    let long_uri = format!("http://127.0.0.1:9/client/{}", "a".repeat(2_000));
    let cases = [
        (json!({"redirect_uris": eleven}), "invalid_redirect_uri"),
        (json!({"redirect_uris": [long_uri]}), "invalid_redirect_uri"),
        (
            json!({"redirect_uris": [uri(0)], "client_name": "n".repeat(201)}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [uri(0)], "client_name": "Inspector\r\nINFO forged log line"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [uri(0)], "client_name": "tab\there"}),
            "invalid_client_metadata",
        ),
        (
            json!({"redirect_uris": [uri(0)], "software_statement": "x".repeat(16 * 1024)}),
            "invalid_client_metadata",
        ),
    ];
    for (body, error) in cases {
        let (status, answer) = register(&app, &body).await;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["error"], error, "{answer}");
        assert!(
            answer["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{answer}"
        );
    }
    // Over 16 KB even when the JSON would otherwise be fine.
    let padded = format!(
        "{{\"redirect_uris\":[\"{}\"]{}}}",
        uri(0),
        " ".repeat(16 * 1024)
    );
    let (status, answer) = register_raw(&app, padded).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error_description"]
            .as_str()
            .unwrap_or("")
            .contains("16384")
    );
}

async fn assert_refused(response: reqwest::Response, status: u16) {
    assert_eq!(response.status(), status);
    assert!(
        response.headers().get("location").is_none(),
        "never a redirect"
    );
    let html = response.text().await.expect("html");
    assert!(html.contains("id=\"error\""), "{html}");
}

#[tokio::test]
async fn cross_site_consent_posts_are_refused_with_403() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = public_client(&app, CLIENT_REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;
    let post = |headers: Vec<(&'static str, String)>| {
        let mut request = app
            .http
            .post(format!("{}/oauth/authorize", app.base_url))
            .header("Cookie", &page.cookie)
            .form(&page.form("allow"));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let before = app.halo_requests();
    for headers in [
        vec![("Origin", "https://attacker.example".to_string())],
        vec![("Origin", "null".to_string())],
        vec![("Sec-Fetch-Site", "cross-site".to_string())],
        vec![
            ("Origin", app.base_url.clone()),
            ("Sec-Fetch-Site", "cross-site".to_string()),
        ],
    ] {
        assert_refused(post(headers).await.expect("answers"), 403).await;
    }
    assert_eq!(app.halo_requests(), before, "no Halo call");
    // The control: the same post from our own page goes on to Halo.
    let same = post(vec![
        ("Origin", app.base_url.clone()),
        ("Sec-Fetch-Site", "same-origin".to_string()),
    ])
    .await
    .expect("answers");
    assert_eq!(same.status(), 302);
}

#[tokio::test]
async fn a_planted_consent_cookie_is_never_adopted() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = public_client(&app, CLIENT_REDIRECT).await;
    let (_, challenge) = pkce_pair();
    // Someone planted a cookie value of their choosing in the agent's browser.
    let planted = format!("halo_mcp_consent={}", "A".repeat(32));
    let response = app
        .http
        .get(format!("{}/oauth/authorize", app.base_url))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .header("Cookie", &planted)
        .send()
        .await
        .expect("answers");
    let page = ConsentPage::read(response).await;
    assert_ne!(page.cookie, planted, "a fresh cookie of our own is issued");
    // The page's token is bound to our cookie, not the planted one.
    assert_refused(app.decide(&page.form("allow"), Some(&planted)).await, 400).await;
    assert_eq!(
        app.decide(&page.form("allow"), Some(&page.cookie))
            .await
            .status(),
        302
    );
    // A cookie we issued is reused by the next page (two tabs both stay valid).
    let again = app
        .http
        .get(format!("{}/oauth/authorize", app.base_url))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .header("Cookie", &page.cookie)
        .send()
        .await
        .expect("answers");
    assert_eq!(ConsentPage::read(again).await.cookie, page.cookie);
}

#[tokio::test]
async fn over_https_the_consent_cookie_has_the_host_prefix() {
    let vars = with(
        oauth_vars(&token_key()),
        "PUBLIC_URL",
        "https://mcp.example.com",
    );
    let app = spawn(&vars, BuildOptions::default()).await;
    let client_id = public_client(&app, CLIENT_REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;
    let set_cookie = page.headers["set-cookie"].to_str().expect("ascii");
    assert!(
        set_cookie.starts_with("__Host-halo_mcp_consent=")
            && set_cookie.contains("; Secure")
            && set_cookie.contains("; Path=/")
            && !set_cookie.contains("Domain"),
        "{set_cookie}"
    );
    let post = |origin: &str| {
        app.http
            .post(format!("{}/oauth/authorize", app.base_url))
            .header("Cookie", &page.cookie)
            .header("Origin", origin)
            .form(&page.form("allow"))
            .send()
    };
    // Tests bind port 0, so the public URL carries the real port.
    let own = app.mcp_url.trim_end_matches("/mcp").to_string();
    assert!(own.starts_with("https://mcp.example.com"), "{own}");
    let downgraded = own.replacen("https://", "http://", 1);
    assert_refused(post(&downgraded).await.expect("answers"), 403).await;
    assert_eq!(post(&own).await.expect("answers").status(), 302);
    // The unprefixed name is not read over https.
    let unprefixed = page.cookie.replacen("__Host-", "", 1);
    assert_refused(
        app.decide(&page.form("allow"), Some(&unprefixed)).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn a_consent_post_without_a_decision_is_never_allow() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let client_id = public_client(&app, CLIENT_REDIRECT).await;
    let (_, challenge) = pkce_pair();
    let page = ConsentPage::read(app.authorize_as(&client_id, &challenge).await).await;
    let before = app.halo_requests();
    for form in [
        vec![("consent".to_string(), page.token.clone())],
        vec![
            ("consent".to_string(), page.token.clone()),
            ("decision".to_string(), String::new()),
        ],
        vec![
            ("consent".to_string(), page.token.clone()),
            ("decision".to_string(), "Allow".to_string()),
        ],
    ] {
        assert_refused(app.decide(&form, Some(&page.cookie)).await, 400).await;
    }
    assert_eq!(app.halo_requests(), before);
}

#[tokio::test]
async fn codes_and_callbacks_are_accepted_once_and_replays_cost_no_halo_call() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let (verifier, challenge) = pkce_pair();
    let back = app
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let code = back.params["code"].clone();
    let (status, tokens) = app.exchange(&code, &verifier).await;
    assert_eq!(status, 200, "{tokens}");

    let before = app.halo_requests();
    let (status, replay) = app.exchange(&code, &verifier).await;
    assert_eq!(status, 400, "{replay}");
    assert_eq!(replay["error"], "invalid_grant");
    assert!(
        replay["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("already been used")),
        "{replay}"
    );

    // Halo's redirect to our callback, replayed: an error page, no redirect, no Halo call.
    let again = app.http.get(&back.callback).send().await.expect("answers");
    assert_eq!(again.status(), 400);
    assert!(again.headers().get("location").is_none());
    let html = again.text().await.expect("html");
    assert!(html.contains("already been completed"), "{html}");
    assert_eq!(app.halo_requests(), before, "replays reached Halo");
}

#[tokio::test]
async fn sign_in_error_pages_are_hardened_like_the_consent_page() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let response = app
        .http
        .get(format!(
            "{}/oauth/callback?state=not-a-state&code=x",
            app.base_url
        ))
        .send()
        .await
        .expect("callback answers");
    assert_eq!(response.status().as_u16(), 400);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(
        header("content-security-policy").contains("frame-ancestors 'none'"),
        "{}",
        header("content-security-policy")
    );
}
