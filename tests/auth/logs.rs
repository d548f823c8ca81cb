//! Logs written during a whole OAuth dance contain no token, code or secret.

use std::io::Write;
use std::sync::Arc;

use halo_mcp::auth::oauth::claims::AccessClaims;
use halo_mcp::auth::tokens::{TokenCodec, TokenKey, TokenKind};
use halo_mcp::startup::BuildOptions;
use halo_sandbox::demo;
use parking_lot::Mutex;
use serde_json::json;

use super::helpers::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn oauth_logs_contain_no_tokens_codes_or_secrets() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "debug,halo_mcp=trace,hyper=info,h2=info,rustls=info",
        ))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // Global: the server runs on other tasks and threads. Other tests in this binary may log
    // into the buffer too, which only makes the check stricter.
    tracing::subscriber::set_global_default(subscriber).expect("first global subscriber");

    let key = token_key();
    let app = spawn(&oauth_vars(&key), BuildOptions::default()).await;
    let (verifier, challenge) = pkce_pair();
    let redirect = app
        .sign_in(STATIC_CLIENT_ID, &challenge, "sam", "sam-demo")
        .await;
    let code = redirect.params["code"].clone();
    let (_, tokens) = app.exchange(&code, &verifier).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    app.call_ok_as(Some(&access), &[], "get_user_info", json!({}))
        .await;
    let (_, refreshed) = app.refresh(&refresh).await;
    let (_, _) = app.refresh(&refresh).await; // a refused reuse logs too
    let _ = app
        .mcp(Some("hm1.bogus.token"), &[], "tools/list", json!({}))
        .await;

    let codec = TokenCodec::new(TokenKey::from_base64(&key).unwrap(), None);
    let halo_access = codec
        .open::<AccessClaims>(TokenKind::Access, &app.mcp_url, &access)
        .unwrap()
        .payload
        .halo;

    let logs = String::from_utf8(buffer.0.lock().clone()).unwrap();
    // Kept for the suite-wide scan in CI (.ci/log-scan.py), next to the other suites' logs.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("logs");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("auth-{}.log", std::process::id())), &logs);
    assert!(
        logs.contains("agent signed in at Halo"),
        "the capture works:\n{logs}"
    );
    let secrets = [
        ("our authorization code", code.as_str()),
        ("our access token", access.as_str()),
        ("our refresh token", refresh.as_str()),
        (
            "the refreshed access token",
            refreshed["access_token"].as_str().unwrap(),
        ),
        ("the Halo access token", halo_access.as_str()),
        ("the static client secret", STATIC_CLIENT_SECRET),
        ("the Halo client secret", demo::AUTH_CLIENT_SECRET),
        ("the token key", key.as_str()),
        ("the PKCE verifier", verifier.as_str()),
        ("the agent's password", "sam-demo"),
    ];
    for (what, value) in secrets {
        assert!(!logs.contains(value), "{what} appears in the logs");
    }
}
