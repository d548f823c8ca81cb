//! Deploy first, configure after (issue 16): the binary started by the Functions host with
//! HALO_URL set and HALO_CLIENT_ID still missing keeps running and explains itself. Also the
//! warning operators alert on when Halo's rate limit refuses a tool call.

use crate::support::binary::binary;
use crate::support::settings::Settings;
use serde_json::{Value, json};

#[tokio::test]
async fn missing_halo_settings_give_503_with_the_setting_on_healthz_and_mcp() {
    // What `azd up` deploys before the Halo application exists: an Azure host name, a Halo URL,
    // oauth mode, the token key's secret name, and no HALO_CLIENT_ID.
    let child = binary()
        .functions_host()
        .vars([
            ("WEBSITE_HOSTNAME", "halo-mcp-test.azurewebsites.net"),
            ("HALO_URL", "https://acme.halopsa.com"),
            ("MCP_AUTH_MODE", "oauth"),
            ("HALO_CLIENT_ID", ""),
            ("MCP_TOKEN_KEY_SECRET_NAME", "mcp-token-key"),
            ("KEY_VAULT_URL", "https://kv-test.vault.azure.net/"),
        ])
        .start()
        .await;
    let http = reqwest::Client::new();
    let base = child.base_url.clone();

    let health = http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "not_configured");
    assert_eq!(health["missing"][0]["setting"], "HALO_CLIENT_ID");
    let message = health["message"].as_str().expect("message");
    assert!(message.contains("HALO_CLIENT_ID") && message.contains("docs/deploy.md"));

    let mcp = http
        .post(format!("{base}/mcp"))
        .json(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
            "capabilities":{},"clientInfo":{"name":"mcs","version":"1"},"protocolVersion":"2024-11-05"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(mcp.status(), 503);
    let mcp: Value = mcp.json().await.unwrap();
    assert_eq!(
        mcp["error"]["message"], message,
        "the same explanation on /mcp"
    );

    // Stopped the way the host stops it; the problem was logged once, as an error on stderr.
    let output = child.terminate().await;
    assert!(output.status.success(), "exit status {}", output.status);
    let stderr = output.stderr;
    let logged = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .any(|l| l["level"] == "ERROR" && l["setting"] == "HALO_CLIENT_ID");
    assert!(
        logged,
        "an ERROR line naming the setting on stderr: {stderr}"
    );
}

#[tokio::test]
async fn outside_the_functions_host_a_missing_setting_still_stops_the_process() {
    let output = binary()
        .vars([("HALO_URL", "https://acme.halopsa.com"), ("PORT", "0")])
        .run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HALO_CLIENT_ID"));
}

#[tokio::test]
async fn a_halo_rate_limit_refusal_logs_the_warning_the_alert_counts() {
    use halo_sandbox::{Fault, FaultKind};
    let app = crate::support::app::spawn_app().await;
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: None,
        times: 1,
        kind: FaultKind::RateLimited {
            retry_after_secs: 120,
        },
    });
    let error = app.call_err("get_ticket", json!({"ticket_id": 1001})).await;
    assert!(error.contains("Try again in"), "{error}");
    // capture_logs() writes every test's JSON lines to one file per test process.
    let log = crate::support::logs::captured_file();
    let text = std::fs::read_to_string(&log).expect("the captured log");
    let found = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .any(|l| l["level"] == "WARN" && l["fields"]["kind"] == "halo_rate_limited");
    assert!(
        found,
        "a WARN line with kind=halo_rate_limited (infra/modules/alerts.bicep counts it)"
    );
}
