//! The edge's direct path for `tools/call` (`mcp::direct`) answers byte for byte what rmcp's
//! stateless service answers. A call without `_meta` takes the direct path; the same call with
//! a progress token in `_meta`, which changes nothing in the answer, is served by rmcp.

use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};

/// The raw answer to one `tools/call`: status, content type and body bytes.
async fn answer(
    app: &TestApp,
    id: u64,
    params: Value,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    let mut request = app
        .http
        .post(&app.mcp_url)
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.bytes().await.expect("a body").to_vec();
    (status, content_type, body)
}

fn with_progress_token(mut params: Value) -> Value {
    params["_meta"] = json!({"progressToken": "same-answer"});
    params
}

#[tokio::test]
async fn a_tool_call_answered_directly_is_what_rmcp_answers() {
    let app = spawn_app().await;
    let calls = [
        json!({"name": "get_ticket", "arguments": {"ticket_id": 1001}}),
        json!({"name": "get_ticket", "arguments": {"ticket_id": 1001, "recent_actions": 0}}),
        json!({"name": "search_tickets", "arguments": {"page_size": 20}}),
        json!({"name": "search_tickets", "arguments": {"customer": "Acorn Construction"}}),
        json!({"name": "get_user_info", "arguments": {}}),
        json!({"name": "search_knowledge_base", "arguments": {"query": "printer"}}),
        // A tool error: the ticket does not exist.
        json!({"name": "get_ticket", "arguments": {"ticket_id": 987654}}),
        // A tool error: an argument of the wrong type.
        json!({"name": "get_ticket", "arguments": {"ticket_id": "first"}}),
        // A JSON-RPC error: no such tool.
        json!({"name": "get_tickets", "arguments": {}}),
        // No arguments at all.
        json!({"name": "get_assigned_tickets"}),
    ];
    for (n, params) in calls.into_iter().enumerate() {
        let id = n as u64 + 1;
        for headers in [&[][..], &[("MCP-Protocol-Version", "2025-06-18")][..]] {
            let direct = answer(&app, id, params.clone(), headers).await;
            let through_rmcp = answer(&app, id, with_progress_token(params.clone()), headers).await;
            assert_eq!(
                (direct.0, &direct.1),
                (through_rmcp.0, &through_rmcp.1),
                "status and content type of {params}"
            );
            assert_eq!(
                String::from_utf8_lossy(&direct.2),
                String::from_utf8_lossy(&through_rmcp.2),
                "the answers to {params} ({headers:?})"
            );
        }
    }
}
