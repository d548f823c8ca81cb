//! The authorisation server: every grant, PKCE and redirect failures, refresh rotation, and the
//! HTML sign-in page.

use std::time::Duration;

use halo_sandbox::{SandboxOptions, demo, pkce_challenge};
use serde_json::Value;

use super::common::*;

#[tokio::test]
async fn client_credentials_grant() {
    let sb = start().await;
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", demo::SERVICE_CLIENT_SECRET),
            ("scope", "all"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], "all");
    let t = v["access_token"].as_str().expect("t");
    let (_, me) = get(&sb, t, "api/Agent/me").await;
    assert_eq!(me["id"], demo::API_AGENT_ID);
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!((status, v["error"].as_str()), (401, Some("invalid_client")));
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "nobody"),
            ("client_secret", "x"),
        ],
    )
    .await;
    assert_eq!((status, v["error"].as_str()), (401, Some("invalid_client")));
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", demo::SERVICE_CLIENT_SECRET),
            ("scope", "read:users"),
        ],
    )
    .await;
    assert_eq!((status, v["error"].as_str()), (400, Some("invalid_scope")));
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "password"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", demo::SERVICE_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let resp = http()
        .post(sb.url().join("auth/token?tenant=sandbox").expect("u"))
        .basic_auth(demo::SERVICE_CLIENT_ID, Some(demo::SERVICE_CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status(),
        200,
        "HTTP Basic client auth and tenant accepted"
    );
}

#[tokio::test]
async fn authorization_code_with_pkce_and_refresh_rotation() {
    let sb = start().await;
    let resp = sign_in(&sb, "sam", "sam-demo", "all offline_access").await;
    assert_eq!(resp.status(), 302);
    assert!(
        resp.headers()["location"]
            .to_str()
            .expect("loc")
            .starts_with(REDIRECT)
    );
    assert_eq!(location_param(&resp, "state").as_deref(), Some("xyz"));
    let code = location_param(&resp, "code").expect("code");
    let base = [
        ("grant_type", "authorization_code"),
        ("client_id", demo::AUTH_CLIENT_ID),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let mut wrong = base.to_vec();
    wrong.push((
        "code_verifier",
        "a-different-verifier-that-is-long-enough-000000",
    ));
    let (status, v) = exchange(&sb, &wrong).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "wrong verifier"
    );
    let mut right = base.to_vec();
    right.push(("code_verifier", VERIFIER));
    let (status, v) = exchange(&sb, &right).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code is burned by a failed attempt too"
    );

    let (access, refresh) = agent_tokens(&sb, "sam", "sam-demo").await;
    let (_, me) = get(&sb, &access, "api/Agent/me").await;
    assert_eq!(me["id"], demo::TECH_AGENT_ID);
    let refresh_form = |rt: &str| {
        vec![
            ("grant_type", "refresh_token".to_string()),
            ("client_id", demo::AUTH_CLIENT_ID.to_string()),
            ("refresh_token", rt.to_string()),
        ]
    };
    let f1 = refresh_form(&refresh);
    let f1: Vec<(&str, &str)> = f1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, v) = exchange(&sb, &f1).await;
    assert_eq!(status, 200, "{v}");
    let new_rt = v["refresh_token"].as_str().expect("rotated").to_string();
    assert_ne!(new_rt, refresh);
    let (status, v) = exchange(&sb, &f1).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "old refresh token is single use"
    );
    let f2 = refresh_form(&new_rt);
    let f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(exchange(&sb, &f2).await.0, 200);
}

#[tokio::test]
async fn code_reuse_wrong_redirect_and_missing_verifier_fail() {
    let sb = start().await;
    let get_code = || async {
        let resp = sign_in(&sb, "alice", "alice-demo", "all").await;
        location_param(&resp, "code").expect("code")
    };
    let code = get_code().await;
    let ok = [
        ("grant_type", "authorization_code"),
        ("client_id", demo::AUTH_CLIENT_ID),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    assert_eq!(exchange(&sb, &ok).await.0, 200);
    let (status, v) = exchange(&sb, &ok).await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "code reuse"
    );

    let code = get_code().await;
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", demo::AUTH_CLIENT_ID),
            ("code", code.as_str()),
            ("redirect_uri", "http://127.0.0.1:8080/oauth/callback"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_grant")),
        "redirect_uri mismatch"
    );

    let code = get_code().await;
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", demo::AUTH_CLIENT_ID),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (400, Some("invalid_request")),
        "missing verifier"
    );

    let code = get_code().await;
    let (status, v) = exchange(
        &sb,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", demo::AUTH_CLIENT_ID),
            ("client_secret", "bad"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (401, Some("invalid_client")),
        "bad secret"
    );
}

#[tokio::test]
async fn authorize_page_rejects_bad_requests() {
    let sb = start().await;
    let page = |q: Vec<(&'static str, String)>| {
        let url = sb.url().join("auth/authorize").expect("u");
        async move { http().get(url).query(&q).send().await.expect("send") }
    };
    let mut unknown = authorize_query("all", "s");
    unknown[2].1 = "nobody".into();
    let r = page(unknown).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.headers().get("location").is_none(),
        "no redirect for an unknown client"
    );

    let mut bad_redirect = authorize_query("all", "s");
    bad_redirect[3].1 = "https://evil.example/cb".into();
    let r = page(bad_redirect).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.headers().get("location").is_none(),
        "no redirect to an unregistered URL"
    );
    assert!(r.text().await.expect("t").contains("redirect_uri"));

    let no_pkce: Vec<_> = authorize_query("all", "s")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("code_challenge"))
        .collect();
    let r = page(no_pkce).await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        location_param(&r, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(location_param(&r, "state").as_deref(), Some("s"));

    let mut plain = authorize_query("all", "s");
    plain[7].1 = "plain".into();
    let r = page(plain).await;
    assert_eq!(
        location_param(&r, "error").as_deref(),
        Some("invalid_request")
    );

    let r = page(authorize_query("read:agents", "s")).await;
    assert_eq!(
        location_param(&r, "error").as_deref(),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn sign_in_page_is_a_usable_form() {
    let sb = start().await;
    let html = http()
        .get(sb.url().join("auth/authorize").expect("u"))
        .query(&authorize_query("all", "st"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    for needle in [
        "id=\"username\"",
        "id=\"password\"",
        "id=\"sign-in\"",
        "<label for=\"username\"",
        "<label for=\"password\"",
        "method=\"post\"",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    let hidden = hidden_inputs(&html);
    assert!(
        hidden
            .iter()
            .any(|(k, v)| k == "code_challenge" && *v == pkce_challenge(VERIFIER))
    );
    assert!(hidden.iter().any(|(k, v)| k == "state" && v == "st"));
    let bad = sign_in(&sb, "sam", "wrong-password", "all").await;
    assert_eq!(bad.status(), 200);
    let text = bad.text().await.expect("t");
    assert!(text.contains("role=\"alert\"") && text.contains("incorrect"));
    assert!(text.contains("id=\"password\""), "form shown again");
}

#[tokio::test]
async fn extra_redirect_uris_and_expired_tokens() {
    let sb = start_with(SandboxOptions {
        extra_redirect_uris: vec!["https://example.test/callback".into()],
        token_ttl: Duration::ZERO,
        ..SandboxOptions::default()
    })
    .await;
    let mut q = authorize_query("all", "s");
    q[3].1 = "https://example.test/callback".into();
    let r = http()
        .get(sb.url().join("auth/authorize").expect("u"))
        .query(&q)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let t = service_token(&sb, "all").await;
    let (status, v) = get(&sb, &t, "api/Tickets").await;
    assert_eq!(status, 401);
    assert!(
        v["error_description"]
            .as_str()
            .is_some_and(|s| s.contains("expired")),
        "{v}"
    );
    let _: Value = v;
}
