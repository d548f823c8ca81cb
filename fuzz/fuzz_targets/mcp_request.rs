//! MCP request decoding: the input is the body of a `POST /mcp`.
//!
//! Checks, for any bytes:
//! - the edge's JSON-RPC check (`mcp::http::inspect`) and rmcp's own decoding
//!   (`ClientJsonRpcMessage`) never panic, and what rmcp decodes serialises again;
//! - a body the edge's one-pass read takes as a plain tool call (`mcp::direct`) passes the
//!   edge's check and is a `tools/call` to rmcp too;
//! - the whole `/mcp` router (edge guards, rmcp's stateless service, our handler, tool dispatch
//!   and argument parsing) never panics and never answers 5xx;
//! - a body the edge refuses gets exactly the edge's JSON-RPC error, and every answer with a
//!   body is a JSON-RPC 2.0 message.
//!
//! Tool calls run against a Halo that cannot be reached (see `halo_mcp_fuzz::dead_halo`), so no
//! input touches the network.

#![no_main]

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use halo_mcp::mcp::direct::DirectCall;
use halo_mcp::mcp::http::{Guards, inspect, routes};
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest};
use serde_json::Value;
use tower::ServiceExt;

fn router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| {
        let guards = Guards {
            allowed_hosts: vec!["localhost".into()],
            allowed_origins: Vec::new(),
            own_origin: "http://localhost".into(),
            max_body_bytes: 1 << 20,
            body_timeout: std::time::Duration::from_secs(30),
        };
        // The router spawns nothing at build time, but rmcp's service may expect a runtime.
        let _enter = halo_mcp_fuzz::runtime().enter();
        routes(halo_mcp_fuzz::shared(), guards)
    })
}

async fn post(body: &[u8]) -> (StatusCode, Vec<u8>) {
    // What Copilot Studio sends: a JSON POST naming both answer types it accepts.
    let request = Request::post("/mcp")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .body(Body::from(body.to_vec()))
        .expect("a request");
    let response = match router().clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("the body of an in-memory response")
        .to_bytes();
    (status, bytes.to_vec())
}

fuzz_target!(|data: &[u8]| {
    let edge = inspect(data);

    let decoded = serde_json::from_slice::<ClientJsonRpcMessage>(data);
    if let Ok(message) = &decoded {
        serde_json::to_vec(message).expect("a decoded message serialises again");
    }
    if DirectCall::read(data, &HeaderMap::new()).is_some() {
        assert!(edge.is_ok(), "the direct path took a body the edge refuses");
        assert!(
            matches!(
                &decoded,
                Ok(ClientJsonRpcMessage::Request(request))
                    if matches!(request.request, ClientRequest::CallToolRequest(_))
            ),
            "the direct path took a body rmcp does not read as a tools/call"
        );
    }

    let (status, body) = halo_mcp_fuzz::runtime().block_on(post(data));
    assert!(
        !status.is_server_error(),
        "the server answered {status}: {}",
        String::from_utf8_lossy(&body)
    );
    match edge {
        Err(refusal) => {
            // The edge answers the request itself; nothing reaches rmcp.
            assert_eq!(status, refusal.status());
            let expected = halo_mcp_fuzz::runtime()
                .block_on(refusal.into_body().collect())
                .expect("an in-memory body")
                .to_bytes();
            assert_eq!(body, expected.to_vec());
        }
        Ok(_) if body.is_empty() => {
            // Notifications and responses are acknowledged with an empty 202.
            assert_eq!(status, StatusCode::ACCEPTED, "an empty {status}");
        }
        Ok(_) => {
            let answer: Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{status} with a body that is not JSON ({e}): {}",
                    String::from_utf8_lossy(&body)
                )
            });
            assert_eq!(
                answer.get("jsonrpc").and_then(Value::as_str),
                Some("2.0"),
                "{status}: {answer}"
            );
        }
    }
});
