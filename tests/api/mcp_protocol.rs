//! The Streamable HTTP edge: stateless behaviour, Copilot Studio's quirks, and the guards.

use serde_json::{Value, json};

use crate::support::app::spawn_app;

fn copilot_initialize() -> Value {
    json!({"jsonrpc":"2.0","id":"1","method":"initialize","params":{"capabilities":{},
        "clientInfo":{"agentName":"Helpdesk","appId":"a1","cdsBotId":"b2","channelId":"pva-studio","name":"mcs","version":"1.0.0"},
        "protocolVersion":"2024-11-05","sessionContext":{}}})
}

#[tokio::test]
async fn copilot_studio_initialize_is_answered_statelessly() {
    let app = spawn_app().await;
    let response = app.post(copilot_initialize()).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], "1");
    assert_eq!(body["result"]["protocolVersion"], "2024-11-05");
    assert_eq!(body["result"]["serverInfo"]["name"], "halo-mcp");
    assert!(body["result"]["capabilities"]["tools"].is_object());
}

#[tokio::test]
async fn every_supported_revision_is_echoed() {
    let app = spawn_app().await;
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let body = app
            .rpc(
                "initialize",
                json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
            )
            .await;
        assert_eq!(body["result"]["protocolVersion"], version);
    }
}

#[tokio::test]
async fn notifications_get_202_with_an_empty_body() {
    let app = spawn_app().await;
    let response = app
        .post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await;
    assert_eq!(response.status(), 202);
    assert!(response.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn get_and_delete_are_405_with_allow_post() {
    let app = spawn_app().await;
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let response = app
            .http
            .request(method.clone(), &app.mcp_url)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn any_accept_header_is_served_and_a_session_id_is_ignored() {
    let app = spawn_app().await;
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/list"});
    for accept in [None, Some("*/*"), Some("application/json")] {
        let mut request = app
            .http
            .post(&app.mcp_url)
            .header("Content-Type", "application/json")
            .header("Mcp-Session-Id", "stale-session-from-before-a-recycle")
            .json(&body);
        if let Some(accept) = accept {
            request = request.header("Accept", accept);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "Accept {accept:?}");
        let value: Value = response.json().await.unwrap();
        assert!(value["result"]["tools"].as_array().unwrap().len() >= 3);
    }
}

#[tokio::test]
async fn trailing_slash_works_without_redirect() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/", app.mcp_url))
        .header("Content-Type", "application/json")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let value: Value = response.json().await.unwrap();
    assert_eq!(value["result"], json!({}));
}

#[tokio::test]
async fn malformed_json_is_a_parse_error() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(&app.mcp_url)
        .header("Content-Type", "application/json")
        .body("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let value: Value = response.json().await.unwrap();
    assert_eq!(value["error"]["code"], -32700);
}

#[tokio::test]
async fn batches_and_non_messages_are_invalid_requests() {
    let app = spawn_app().await;
    for body in [
        json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}]),
        json!({"id": 1, "method": "ping"}),
        json!("hi"),
    ] {
        let response = app.post(body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let value: Value = response.json().await.unwrap();
        assert_eq!(value["error"]["code"], -32600, "{body}");
    }
}

#[tokio::test]
async fn an_unsupported_protocol_version_is_a_json_rpc_error_naming_the_supported_ones() {
    let app = spawn_app().await;
    for (id, version, method, params) in [
        (json!(4), "bogus", "tools/list", json!({})),
        (
            json!("c9"),
            "2099-01-01",
            "tools/call",
            json!({"name": "get_ticket", "arguments": {"ticket_id": 1001}}),
        ),
    ] {
        let response = app
            .http
            .post(&app.mcp_url)
            .header("Content-Type", "application/json")
            .header("MCP-Protocol-Version", version)
            .json(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{version}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let value: Value = response.json().await.unwrap();
        assert_eq!(value["jsonrpc"], "2.0");
        assert_eq!(value["id"], id);
        assert_eq!(value["error"]["code"], -32600);
        let message = value["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("Unsupported MCP-Protocol-Version: {version}")),
            "{message}"
        );
        assert!(message.contains("2025-06-18"), "{message}");
    }
}

#[tokio::test]
async fn unknown_methods_are_method_not_found() {
    let app = spawn_app().await;
    let response = app
        .post(json!({"jsonrpc": "2.0", "id": 3, "method": "tickets/explode"}))
        .await;
    let value: Value = response.json().await.unwrap();
    assert_eq!(value["error"]["code"], -32601);
}

#[tokio::test]
async fn unknown_tools_are_invalid_params() {
    let app = spawn_app().await;
    let value = app
        .rpc(
            "tools/call",
            json!({"name": "drop_database", "arguments": {}}),
        )
        .await;
    assert_eq!(value["error"]["code"], -32602);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = spawn_app().await;
    let big = "x".repeat(1024 * 1024 + 10);
    let response = app
        .post(json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": big}}))
        .await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn foreign_hosts_and_origins_are_refused() {
    let app = spawn_app().await;
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "ping"});
    let response = app
        .http
        .post(&app.mcp_url)
        .header("Host", "evil.example.com")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = app
        .http
        .post(&app.mcp_url)
        .header("Origin", "https://evil.example.com")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // An absent Origin (server-to-server, as Copilot Studio calls) is fine.
    let response = app
        .http
        .post(&app.mcp_url)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn health_answers_on_root_and_healthz() {
    let app = spawn_app().await;
    for path in ["/", "/healthz"] {
        let response = app
            .http
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn tools_list_is_copilot_safe() {
    let app = spawn_app().await;
    let body = app.rpc("tools/list", json!({})).await;
    let tools = body["result"]["tools"].as_array().unwrap();
    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        assert!(tool["title"].is_string(), "{name} has no title");
        assert!(tool["description"].is_string(), "{name} has no description");
        let annotations = &tool["annotations"];
        for hint in [
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        ] {
            assert!(annotations[hint].is_boolean(), "{name} lacks {hint}");
        }
        let schema = tool["inputSchema"].as_object().unwrap();
        let problems = halo_mcp::mcp::schema::violations(schema);
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
}
