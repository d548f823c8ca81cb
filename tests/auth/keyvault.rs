//! Key Vault through the real Azure SDK against the local fakes: a secret read with the App
//! Service managed identity, an outage at start-up (the server still answers `GET /`, MCP calls
//! get a clear error, and it recovers by itself), rotation without a restart, and the last good
//! value kept through a later outage.
//!
//! The managed-identity credential reads `IDENTITY_ENDPOINT`/`IDENTITY_HEADER` from the process
//! environment, and changing the environment of a multi-threaded test process is unsound, so
//! the outer test re-runs this test binary with those variables set and runs the scenario there.

use std::sync::atomic::Ordering;
use std::time::Duration;

use halo_mcp::startup::BuildOptions;
use serde_json::json;

use super::helpers::*;
use super::kv_fake;
use crate::support::wait::until;

const IDENTITY_HEADER: &str = "fake-identity-header-value";

#[test]
fn key_vault_through_the_sdk_with_managed_identity() {
    let port = crate::support::wait::free_port();
    let exe = std::env::current_exe().expect("test binary");
    let output = std::process::Command::new(exe)
        .args([
            "auth::keyvault::key_vault_scenario",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "IDENTITY_ENDPOINT",
            format!("http://127.0.0.1:{port}/msi/token"),
        )
        .env("IDENTITY_HEADER", IDENTITY_HEADER)
        .env("HALO_MCP_TEST_IDENTITY_PORT", port.to_string())
        .output()
        .expect("re-run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "scenario failed:\n{stdout}\n{stderr}"
    );
}

/// Waits (bounded) for what the secret refresh loop, on its own timer, makes true.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    until(what, Duration::from_secs(15), async || {
        check().await.then_some(())
    })
    .await
}

#[tokio::test]
#[ignore = "run by key_vault_through_the_sdk_with_managed_identity in its own process"]
async fn key_vault_scenario() {
    let port: u16 = std::env::var("HALO_MCP_TEST_IDENTITY_PORT")
        .expect("run through the outer test")
        .parse()
        .expect("port");
    let vault = kv_fake::start(port, IDENTITY_HEADER).await;
    vault.set("mcp-api-keys", "kv-key-1-0123456789abcdef0123456789ab");
    vault.set_up(false);

    let vars: Vec<(String, String)> = [
        ("MCP_AUTH_MODE", "api-key"),
        ("MCP_API_KEYS_SECRET_NAME", "mcp-api-keys"),
        ("KEY_VAULT_URL", vault.vault_url().as_str()),
        ("SECRETS_REFRESH_SECS", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let app = spawn(
        &vars,
        BuildOptions {
            key_vault_transport: Some(vault.transport()),
            ..BuildOptions::default()
        },
    )
    .await;

    // Key Vault down at start-up: the server is up, MCP calls get a clear error.
    let root = app
        .http
        .get(format!("{}/", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), 200);
    let refused = app
        .mcp(
            Some("kv-key-1-0123456789abcdef0123456789ab"),
            &[],
            "tools/list",
            json!({}),
        )
        .await;
    assert_eq!(refused.status(), 503);
    let body = refused.text().await.unwrap();
    assert!(body.contains("Key Vault unreachable"), "{body}");

    // Back: recovers by itself.
    vault.set_up(true);
    app.call_ok_as(
        Some("kv-key-1-0123456789abcdef0123456789ab"),
        &[],
        "get_user_info",
        json!({}),
    )
    .await;
    assert!(
        vault.state.identity_calls.load(Ordering::SeqCst) >= 1,
        "managed identity used"
    );
    assert!(vault.state.authorized_reads.load(Ordering::SeqCst) >= 1);

    // Rotation: the new key works after the refresh interval; the old one stops working.
    vault.set("mcp-api-keys", "kv-key-2-0123456789abcdef0123456789ab");
    eventually("the rotated key to apply", async || {
        app.mcp(
            Some("kv-key-2-0123456789abcdef0123456789ab"),
            &[],
            "tools/list",
            json!({}),
        )
        .await
        .status()
            == 200
    })
    .await;
    assert_eq!(
        app.mcp(
            Some("kv-key-1-0123456789abcdef0123456789ab"),
            &[],
            "tools/list",
            json!({})
        )
        .await
        .status(),
        401
    );

    // A later outage keeps the last good value.
    let refused_before = vault.state.refused.load(Ordering::SeqCst);
    vault.set_up(false);
    eventually("a refresh to meet the outage", async || {
        vault.state.refused.load(Ordering::SeqCst) > refused_before
    })
    .await;
    assert_eq!(
        app.mcp(
            Some("kv-key-2-0123456789abcdef0123456789ab"),
            &[],
            "tools/list",
            json!({})
        )
        .await
        .status(),
        200
    );

    // A weak key written to the vault is not accepted: a 503 that names the secret.
    vault.set_up(true);
    vault.set("mcp-api-keys", "kv-key-2-0123456789abcdef0123456789ab,weak");
    eventually("the weak key to be refused", async || {
        let response = app.mcp(Some("weak"), &[], "tools/list", json!({})).await;
        response.status() == 503
            && response
                .text()
                .await
                .is_ok_and(|body| body.contains("'mcp-api-keys'") && body.contains("#2"))
    })
    .await;
}
