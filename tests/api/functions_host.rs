//! The binary started the way the Azure Functions host starts a custom handler.

use crate::support::binary::binary;
use crate::support::settings::Settings;
use serde_json::{Value, json};

#[tokio::test]
async fn binary_serves_on_the_functions_port_and_stops_on_sigterm() {
    let child = binary().functions_host().start().await;
    let http = reqwest::Client::new();
    let base = child.base_url.clone();
    let response = http
        .post(format!("{base}/mcp"))
        .json(&json!({"jsonrpc":"2.0","id":"1","method":"initialize","params":{
            "capabilities":{},"clientInfo":{"name":"mcs","version":"1.0.0"},"protocolVersion":"2024-11-05"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"]["protocolVersion"], "2024-11-05");
    // One log line per request says how it ended: a result, a tool error or a JSON-RPC error.
    for (id, tool, ticket) in [
        (2, "get_ticket", 1001),
        (3, "get_ticket", 999_999),
        (4, "no_such_tool", 1),
    ] {
        let response = http
            .post(format!("{base}/mcp"))
            .json(&json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
                "params":{"name":tool,"arguments":{"ticket_id":ticket}}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    // Graceful shutdown on SIGTERM, as the host sends.
    let output = child.terminate().await;
    assert!(output.status.success(), "exit status {}", output.status);
    // Info lines go to stdout (the host logs them as Information), warnings and errors to
    // stderr; the variable keeps its old name so the assertions below read as before.
    let (stderr, errors) = (output.stdout, output.stderr);
    assert!(
        !errors.contains("\"INFO\""),
        "info lines must not reach stderr, where the host logs them as errors: {errors}"
    );
    // Under the Functions host, logs are JSON lines.
    let first = stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("{}");
    assert!(
        serde_json::from_str::<Value>(first).is_ok(),
        "not JSON: {first}"
    );
    let outcomes: Vec<String> = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["rpc_method"] == "tools/call")
        .map(|line| line["outcome"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        outcomes,
        ["ok", "tool_error", "rpc_error -32602"],
        "log: {stderr}"
    );
    // rmcp's per-request lifecycle lines stay out of the default log.
    let rmcp_info = stderr
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["level"] == "INFO")
        .filter(|line| {
            line["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("rmcp"))
        })
        .count();
    assert_eq!(rmcp_info, 0, "log: {stderr}");
}

#[tokio::test]
async fn help_documents_every_setting() {
    let output = binary().run(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for setting in halo_mcp::config::SETTINGS {
        assert!(help.contains(setting.name), "--help lacks {}", setting.name);
    }
}

#[tokio::test]
async fn bad_configuration_names_the_variable() {
    let output = binary().var("PORT", "eighty").run(&[]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("PORT"), "{stderr}");
}
