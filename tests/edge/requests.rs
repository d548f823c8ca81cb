//! Request details (issue 12, item 11): a repeated `Host` header gets 400 on every route, and a
//! `tools/call` whose `name` or `arguments` is malformed gets -32602 Invalid params.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::app::spawn_app;

async fn raw(base_url: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(base_url.trim_start_matches("http://"))
        .await
        .expect("connects");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn two_host_headers_get_400_on_every_route() {
    let app = spawn_app().await;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
    let mcp = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = raw(&app.base_url, &mcp).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("more than one Host header"), "{answer}");
    let root =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert!(raw(&app.base_url, root).await.starts_with("HTTP/1.1 400"));
    // One Host header is still fine.
    let one = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    assert!(raw(&app.base_url, &one).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn malformed_tool_calls_get_invalid_params() {
    let app = spawn_app().await;
    for params in [
        json!({"name": "get_ticket", "arguments": [1001]}),
        json!({"name": "get_ticket", "arguments": "ticket_id=1001"}),
        json!({"arguments": {"ticket_id": 1001}}),
        json!({"name": 7, "arguments": {}}),
        json!({"name": ["get_ticket"]}),
    ] {
        let response = app
            .post(json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": params}))
            .await;
        let body: Value = response.json().await.expect("a JSON-RPC answer");
        assert_eq!(body["error"]["code"], -32602, "{params}: {body}");
        assert_eq!(body["id"], 5, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("'name'") || m.contains("'arguments'")),
            "the message names the parameter: {body}"
        );
    }
}
