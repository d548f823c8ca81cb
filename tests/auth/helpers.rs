//! The OAuth dance against the app (started by `support::app`) with its redirect-free HTTP
//! client, as a browser would: authorize, consent, Halo's sign-in page, the token endpoint.

#![allow(dead_code)]

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use halo_mcp::startup::BuildOptions;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use crate::support::app::TestApp;
use crate::support::settings::Settings;
use crate::support::sign_in::halo_login;

/// The client redirect URI the tests use (never contacted: the tests read the Location).
pub const CLIENT_REDIRECT: &str = "http://127.0.0.1:9/client/callback";
pub const STATIC_CLIENT_ID: &str = "copilot-studio";
pub const STATIC_CLIENT_SECRET: &str = "static-client-secret-for-tests";

pub fn token_key() -> String {
    STANDARD.encode(rand_bytes())
}

fn rand_bytes() -> [u8; 32] {
    let mut out = [0u8; 32];
    let seed = uuid::Uuid::new_v4();
    let digest = Sha256::digest(seed.as_bytes());
    out.copy_from_slice(&digest);
    out
}

/// oauth mode with a static client and the test redirect URI allowed.
pub fn oauth_vars(key: &str) -> Vec<(String, String)> {
    vec![
        ("MCP_AUTH_MODE".into(), "oauth".into()),
        ("MCP_TOKEN_KEY".into(), key.into()),
        ("MCP_OAUTH_CLIENT_ID".into(), STATIC_CLIENT_ID.into()),
        (
            "MCP_OAUTH_CLIENT_SECRET".into(),
            STATIC_CLIENT_SECRET.into(),
        ),
        (
            "MCP_OAUTH_REDIRECT_ALLOWLIST".into(),
            "http://127.0.0.1:9/client/*".into(),
        ),
    ]
}

/// The app with these settings and build options; its logs are not captured (the log test
/// installs its own subscriber).
pub async fn spawn(vars: &[(String, String)], build: BuildOptions) -> TestApp {
    crate::support::app::app()
        .vars(vars.iter().cloned())
        .options(build)
        .spawn()
        .await
}

pub fn pkce_pair() -> (String, String) {
    let verifier = URL_SAFE_NO_PAD.encode(rand_bytes()) + "-verifier";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

pub fn query(url: &str) -> HashMap<String, String> {
    url::Url::parse(url)
        .expect("absolute URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn location(response: &reqwest::Response) -> String {
    assert_eq!(
        response.status(),
        302,
        "expected a redirect from {}",
        response.url()
    );
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("Location header")
        .to_string()
}

/// What one sign-in produced at the client's redirect URI.
pub struct ClientRedirect {
    pub url: String,
    pub params: HashMap<String, String>,
    /// The `/oauth/callback` URL Halo sent the browser to (to replay it).
    pub callback: String,
}

impl TestApp {
    /// `/oauth/authorize` with the given parameters; returns the raw response.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .get(format!("{}/oauth/authorize", self.base_url))
            .query(params)
            .send()
            .await
            .expect("authorize answers")
    }

    /// The authorization request every sign-in here makes for `client_id`.
    pub async fn authorize_as(&self, client_id: &str, challenge: &str) -> reqwest::Response {
        self.authorize(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", CLIENT_REDIRECT),
            ("state", "client-state-123"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("scope", "halo offline_access"),
            ("resource", &self.mcp_url),
        ])
        .await
    }

    /// The whole browser leg for a client that needs no consent (the static client):
    /// authorize → Halo sign-in page → sign in as `login` → callback → the client's redirect URI.
    pub async fn sign_in(
        &self,
        client_id: &str,
        challenge: &str,
        login: &str,
        password: &str,
    ) -> ClientRedirect {
        let response = self.authorize_as(client_id, challenge).await;
        self.sign_in_at_halo(response, challenge, login, password)
            .await
    }

    /// The same for a dynamically registered client: the consent page comes first, and the
    /// agent clicks Allow.
    pub async fn sign_in_with_consent(
        &self,
        client_id: &str,
        challenge: &str,
        login: &str,
        password: &str,
    ) -> ClientRedirect {
        let page = ConsentPage::read(self.authorize_as(client_id, challenge).await).await;
        let allowed = self.decide(&page.form("allow"), Some(&page.cookie)).await;
        self.sign_in_at_halo(allowed, challenge, login, password)
            .await
    }

    /// Posts the consent form as a browser would, with the consent cookie if given.
    pub async fn decide(
        &self,
        form: &[(String, String)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/oauth/authorize", self.base_url))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("Cookie", cookie);
        }
        request.send().await.expect("consent POST answers")
    }

    /// From our redirect to Halo's sign-in to the client's redirect URI.
    pub async fn sign_in_at_halo(
        &self,
        response: reqwest::Response,
        challenge: &str,
        login: &str,
        password: &str,
    ) -> ClientRedirect {
        let callback = self
            .halo_callback(response, challenge, login, password)
            .await;
        let back = self.http.get(&callback).send().await.expect("callback");
        let url = location(&back);
        ClientRedirect {
            params: query(&url),
            url,
            callback,
        }
    }

    /// From our redirect to Halo's sign-in page, signed in, to the `/oauth/callback` URL Halo
    /// sends the browser back to (not followed).
    pub async fn halo_callback(
        &self,
        response: reqwest::Response,
        challenge: &str,
        login: &str,
        password: &str,
    ) -> String {
        let halo_authorize = location(&response);
        let sandbox = self.sandbox_url.as_deref().expect("embedded sandbox");
        assert!(
            halo_authorize.starts_with(&format!("{sandbox}/auth/authorize")),
            "{halo_authorize}"
        );
        let halo_params = query(&halo_authorize);
        assert_eq!(halo_params["code_challenge_method"], "S256");
        assert_ne!(
            halo_params["code_challenge"], challenge,
            "our own PKCE, not the client's"
        );
        let signed_in = halo_login(&self.http, &halo_authorize, login, password).await;
        let callback = location(&signed_in);
        assert!(
            callback.starts_with(&format!("{}/oauth/callback", self.base_url)),
            "{callback}"
        );
        callback
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/oauth/token", self.base_url))
            .form(form)
            .send()
            .await
            .expect("token endpoint answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Exchanges a code as the static client.
    pub async fn exchange(&self, code: &str, verifier: &str) -> (u16, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CLIENT_REDIRECT),
            ("code_verifier", verifier),
            ("client_id", STATIC_CLIENT_ID),
            ("client_secret", STATIC_CLIENT_SECRET),
        ])
        .await
    }

    /// Signs Sam in as the static client (PKCE) and returns (access, refresh) tokens.
    pub async fn sign_in_sam(&self) -> (String, String) {
        let (verifier, challenge) = pkce_pair();
        let redirect = self
            .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
            .await;
        let (status, tokens) = self.exchange(&redirect.params["code"], &verifier).await;
        assert_eq!(status, 200, "{tokens}");
        let token = |name: &str| tokens[name].as_str().expect(name).to_string();
        (token("access_token"), token("refresh_token"))
    }

    pub async fn refresh(&self, refresh_token: &str) -> (u16, Value) {
        self.token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", STATIC_CLIENT_ID),
            ("client_secret", STATIC_CLIENT_SECRET),
        ])
        .await
    }
}

/// The consent page as a browser received it.
pub struct ConsentPage {
    pub headers: reqwest::header::HeaderMap,
    pub html: String,
    /// The sealed consent token in the form.
    pub token: String,
    /// `name=value` of the consent cookie, ready for a `Cookie` header.
    pub cookie: String,
}

impl ConsentPage {
    pub async fn read(response: reqwest::Response) -> ConsentPage {
        assert_eq!(response.status(), 200, "expected the consent page");
        let headers = response.headers().clone();
        let html = response.text().await.expect("html");
        let marker = "name=\"consent\" value=\"";
        let start = html.find(marker).expect("consent token in the form") + marker.len();
        let token = html[start..]
            .split('"')
            .next()
            .expect("token value")
            .to_string();
        let cookie = headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("consent cookie")
            .to_string();
        ConsentPage {
            headers,
            html,
            token,
            cookie,
        }
    }

    /// The form fields the browser posts when `decision` is clicked.
    pub fn form(&self, decision: &str) -> Vec<(String, String)> {
        vec![
            ("consent".into(), self.token.clone()),
            ("decision".into(), decision.into()),
        ]
    }
}
