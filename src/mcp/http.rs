//! The HTTP edge at `/mcp`: the guards in front of rmcp's stateless Streamable HTTP service.
//!
//! rmcp answers 406 to a POST without `Accept: application/json, text/event-stream` and 415 to
//! malformed JSON; Copilot Studio and older clients need neither, so this edge normalises the
//! headers, answers parse errors as JSON-RPC `-32700`, enforces the Host allow-list, the Origin
//! check and the body limit, and writes one log line per request.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode, header};
use http_body_util::{BodyExt, Full};
use rmcp::model::{ClientJsonRpcMessage, ProtocolVersion};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::HaloMcpServer;
use super::body::{self, BodyError};
use super::direct::{DirectCall, PROTOCOL_VERSION_HEADER};
use super::outcome::OutcomeSlot;
use super::server::Shared;

/// The guard settings, from configuration.
#[derive(Debug, Clone)]
pub struct Guards {
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// This server's own origin (always allowed).
    pub own_origin: String,
    pub max_body_bytes: usize,
    /// Time allowed to receive a whole request body.
    pub body_timeout: std::time::Duration,
}

struct Edge {
    service: StreamableHttpService<HaloMcpServer, NeverSessionManager>,
    /// The handler the direct path runs a `tools/call` on ([`super::direct`]).
    server: HaloMcpServer,
    guards: Guards,
}

/// Routes `/mcp` and `/mcp/` (no redirect: Copilot Studio and the Functions host do not
/// follow one reliably).
pub fn routes(shared: Arc<Shared>, guards: Guards) -> Router {
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_sse_retry(None)
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_max_request_body_bytes(guards.max_body_bytes);
    let server = HaloMcpServer::new(shared.clone());
    let service = StreamableHttpService::new(
        move || Ok(HaloMcpServer::new(shared.clone())),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let edge = Arc::new(Edge {
        service,
        server,
        guards,
    });
    Router::new()
        .route("/mcp", any(handle))
        .route("/mcp/", any(handle))
        .with_state(edge)
}

fn jsonrpc_error(status: StatusCode, code: i64, message: &str) -> Response {
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn host_allowed(request: &Request, allowed: &[String]) -> Result<(), String> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()))
        .ok_or_else(|| "no Host header".to_string())?;
    let host_lower = host.to_ascii_lowercase();
    let bare = match host_lower.rsplit_once(':') {
        // IPv6 literal: [::1]:8080 or [::1]
        _ if host_lower.starts_with('[') => host_lower
            .trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .to_string(),
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
        _ => host_lower.clone(),
    };
    if allowed
        .iter()
        .any(|a| a.eq_ignore_ascii_case(&bare) || a.eq_ignore_ascii_case(&host_lower))
    {
        Ok(())
    } else {
        Err(host)
    }
}

fn origin_allowed(request: &Request, guards: &Guards) -> Result<(), String> {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        // Server-to-server callers (Copilot Studio) send no Origin.
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("<invalid>").trim_end_matches('/');
    let allowed = origin.eq_ignore_ascii_case(guards.own_origin.trim_end_matches('/'))
        || guards
            .allowed_origins
            .iter()
            .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin));
    if allowed {
        Ok(())
    } else {
        Err(origin.to_string())
    }
}

/// What the request asks for, for the log line.
#[derive(Debug, Default)]
pub struct Summary {
    /// The JSON-RPC method, or `response` for a client's response to a server request.
    pub method: String,
    /// The tool named by a `tools/call`.
    pub tool: Option<String>,
    /// The request's id (`null` for a notification or response), for an error the edge words
    /// after rmcp answered.
    pub id: Value,
}

/// Checks the body is one JSON-RPC message; batches are refused (removed from MCP in 2025-06-18).
/// The error is the complete JSON-RPC error response the edge sends.
///
/// Public for the fuzz targets (`fuzz/fuzz_targets/mcp_request.rs`).
pub fn inspect(body: &[u8]) -> Result<Summary, Box<Response>> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Box::new(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32700,
            &format!("Parse error: the body is not valid JSON ({e})"),
        ))
    })?;
    let Value::Object(map) = &value else {
        let what = if value.is_array() {
            "JSON-RPC batches are not supported; send one message per POST"
        } else {
            "the body must be a JSON-RPC message object"
        };
        return Err(Box::new(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            &format!("Invalid Request: {what}"),
        )));
    };
    if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(Box::new(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"",
        )));
    }
    let method = map.get("method");
    let is_response = method.is_none() && (map.contains_key("result") || map.contains_key("error"));
    if !is_response && !method.is_some_and(Value::is_string) {
        return Err(Box::new(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: \"method\" must be a string",
        )));
    }
    if let Some(id) = map.get("id")
        && !(id.is_string() || id.is_number() || id.is_null())
    {
        return Err(Box::new(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: \"id\" must be a string or a number",
        )));
    }
    let method = method
        .and_then(Value::as_str)
        .unwrap_or("response")
        .to_string();
    let id = || map.get("id").cloned().unwrap_or(Value::Null);
    if method == "tools/call"
        && let Err(problem) = check_tool_call(map.get("params"))
    {
        return Err(Box::new(invalid_params(id(), &problem)));
    }
    // A well-formed envelope can still not fit the MCP schema (e.g. `params` an array); rmcp
    // would answer that 415 with a plain-text body, which no JSON-RPC client can read.
    if let Err(error) = serde_json::from_slice::<ClientJsonRpcMessage>(body) {
        let (code, what) = if is_response {
            (-32600, "Invalid Request")
        } else {
            (-32602, "Invalid params")
        };
        let message = format!("{what}: '{method}' does not fit the MCP schema ({error})");
        return Err(Box::new(rpc_error_for(id(), code, &message)));
    }
    let tool = (method == "tools/call")
        .then(|| map.get("params")?.get("name")?.as_str().map(str::to_string))
        .flatten();
    Ok(Summary {
        method,
        tool,
        id: id(),
    })
}

/// The answer to a body that could not be read. The connection is closed after it: the rest
/// of an oversized or stalled body may still be on its way.
fn body_refusal(error: BodyError, max: usize) -> Response {
    let mut response = match error {
        BodyError::TooLarge => jsonrpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            -32600,
            &format!(
                "Payload Too Large: the request body exceeds {max} bytes (MCP_MAX_BODY_BYTES)"
            ),
        ),
        BodyError::TimedOut => jsonrpc_error(
            StatusCode::REQUEST_TIMEOUT,
            -32600,
            "Request Timeout: the request body did not arrive in time (MCP_BODY_TIMEOUT_SECS)",
        ),
        BodyError::Unreadable(error) => jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            &format!("could not read the request body: {error}"),
        ),
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// `tools/call` params the MCP schema would not recognise as a tool call (rmcp would then
/// answer "method not found", which sends a developer looking in the wrong place).
fn check_tool_call(params: Option<&Value>) -> Result<(), String> {
    let Some(Value::Object(params)) = params else {
        return Err("'params' must be an object with the tool's 'name' and its 'arguments'".into());
    };
    match params.get("name") {
        Some(Value::String(_)) => {}
        None => {
            return Err("'name' is missing: give the name of a tool from tools/list".into());
        }
        Some(_) => {
            return Err("'name' must be a string: the name of a tool from tools/list".into());
        }
    }
    match params.get("arguments") {
        None | Some(Value::Null | Value::Object(_)) => Ok(()),
        Some(_) => Err(
            "'arguments' must be an object of the tool's arguments, e.g. {\"ticket_id\": 42}"
                .into(),
        ),
    }
}

fn invalid_params(id: Value, problem: &str) -> Response {
    rpc_error_for(id, -32602, &format!("Invalid params: {problem}"))
}

/// A JSON-RPC error answering the request with this `id`.
fn rpc_error_for(id: Value, code: i64, message: &str) -> Response {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(State(edge): State<Arc<Edge>>, request: Request) -> Response {
    let started = Instant::now();
    if request.method() != Method::POST {
        let mut response = (
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed: this stateless MCP endpoint only accepts POST",
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    if let Err(host) = host_allowed(&request, &edge.guards.allowed_hosts) {
        tracing::warn!(%host, "refused a request for a Host not in MCP_ALLOWED_HOSTS");
        return jsonrpc_error(
            StatusCode::FORBIDDEN,
            -32600,
            &format!("Forbidden: Host '{host}' is not allowed; add it to MCP_ALLOWED_HOSTS"),
        );
    }
    if let Err(origin) = origin_allowed(&request, &edge.guards) {
        tracing::warn!(%origin, "refused a request from an Origin not in MCP_ALLOWED_ORIGINS");
        return jsonrpc_error(
            StatusCode::FORBIDDEN,
            -32600,
            &format!("Forbidden: Origin '{origin}' is not allowed"),
        );
    }
    let max = edge.guards.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (mut parts, body) = request.into_parts();
    let awaits_continue = parts
        .headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if awaits_continue && declared.is_some_and(|len| len > max as u64) {
        // The client has not sent the body yet and will not once it reads the 413.
        return body_refusal(BodyError::TooLarge, max);
    }
    let bytes = match body::read(body, max, declared, edge.guards.body_timeout).await {
        Ok(bytes) => bytes,
        Err(error) => return body_refusal(error, max),
    };
    let outcome_slot = OutcomeSlot::default();
    parts.extensions.insert(outcome_slot.clone());
    if let Some(call) = DirectCall::read(&bytes, &parts.headers) {
        let tool = call.tool().to_string();
        let body = call.answer(edge.server.clone(), parts).await;
        let outcome = match outcome_slot.get() {
            Some(outcome) => outcome.to_string(),
            None => outcome_of(StatusCode::OK, &body),
        };
        log_request("tools/call", Some(&tool), StatusCode::OK, &outcome, started);
        return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    let summary = match inspect(&bytes) {
        Ok(summary) => summary,
        Err(response) => {
            log_request(
                "invalid",
                None,
                StatusCode::BAD_REQUEST,
                "invalid_request",
                started,
            );
            return *response;
        }
    };
    let version = parts.headers.get(PROTOCOL_VERSION_HEADER).cloned();
    // We always answer JSON, so any Accept (or none) is served.
    parts.headers.insert(
        header::ACCEPT,
        HeaderValue::from_static("application/json, text/event-stream"),
    );
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let forwarded = http::Request::from_parts(parts, Full::new(bytes));
    let response = match edge.service.clone().oneshot(forwarded).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (mut parts, body) = response.into_parts();
    parts.headers.remove("mcp-session-id");
    let mut body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    };
    if parts.status.is_client_error() && !is_json(&parts.headers) {
        body = plain_refusal_as_json_rpc(&body, summary.id.clone(), version.as_ref());
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        parts.headers.remove(header::CONTENT_LENGTH);
    }
    let outcome = match outcome_slot.get() {
        Some(outcome) if parts.status.is_success() => outcome.to_string(),
        _ => outcome_of(parts.status, &body),
    };
    log_request(
        &summary.method,
        summary.tool.as_deref(),
        parts.status,
        &outcome,
        started,
    );
    Response::from_parts(parts, Body::from(body))
}

fn is_json(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// rmcp words a few refusals as plain text (an unsupported `MCP-Protocol-Version` header above
/// all), which a JSON-RPC client cannot read; the edge sends the same words, with the same
/// status, as the JSON-RPC error answering the request. A version this server does not know
/// gets the ones it does.
fn plain_refusal_as_json_rpc(text: &[u8], id: Value, version: Option<&HeaderValue>) -> Bytes {
    let mut message = String::from_utf8_lossy(text).trim().to_string();
    if message.is_empty() {
        message = "Bad Request".into();
    }
    let unknown_version = version.is_some_and(|version| {
        !ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .any(|known| known.as_str().as_bytes() == version.as_bytes())
    });
    if unknown_version {
        let known: Vec<&str> = ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .map(|known| known.as_str())
            .collect();
        message.push_str(&format!(
            "; this server supports {}: send one of them, or leave the header out",
            known.join(", ")
        ));
    }
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32600, "message": message}});
    Bytes::from(body.to_string())
}

/// The two fields of a JSON-RPC response the log line needs. Every other field is skipped
/// without being built, so reading the outcome of a large tool result costs a scan, not a copy.
#[derive(serde::Deserialize)]
struct OutcomePeek {
    error: Option<ErrorPeek>,
    result: Option<ResultPeek>,
}

#[derive(serde::Deserialize)]
struct ErrorPeek {
    code: Option<i64>,
}

#[derive(serde::Deserialize)]
struct ResultPeek {
    #[serde(rename = "isError")]
    is_error: Option<bool>,
}

/// `ok`, `tool_error`, `rpc_error <code>` or `http <status>`, read from the response.
fn outcome_of(status: StatusCode, body: &Bytes) -> String {
    if status == StatusCode::ACCEPTED {
        return "accepted".into();
    }
    let fallback = || {
        if status.is_success() {
            "ok".into()
        } else {
            format!("http {}", status.as_u16())
        }
    };
    let Ok(peek) = serde_json::from_slice::<OutcomePeek>(body) else {
        return fallback();
    };
    if let Some(error) = peek.error {
        return match error.code {
            Some(code) => format!("rpc_error {code}"),
            None => "rpc_error".into(),
        };
    }
    if peek.result.and_then(|r| r.is_error) == Some(true) {
        return "tool_error".into();
    }
    fallback()
}

fn log_request(
    method: &str,
    tool: Option<&str>,
    status: StatusCode,
    outcome: &str,
    started: Instant,
) {
    tracing::info!(
        target: "halo_mcp::request",
        rpc_method = method,
        tool = tool.unwrap_or(""),
        status = status.as_u16(),
        outcome,
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "mcp request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn refusal(body: &str) -> (StatusCode, Value) {
        let response = inspect(body.as_bytes()).expect_err("refused");
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    /// Found by the `mcp_request` fuzz target: rmcp answered this 415 with a plain-text body.
    #[tokio::test]
    async fn a_message_that_does_not_fit_the_mcp_schema_gets_a_json_rpc_error() {
        let (status, body) =
            refusal(r#"{"jsonrpc":"2.0","id":12,"method":"tools/call","params":["get_ticket",1]}"#)
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], -32602);
        assert_eq!(body["id"], 12);
        let (_, body) = refusal(r#"{"jsonrpc":"2.0","result":{}}"#).await;
        assert_eq!(body["error"]["code"], -32600);
    }

    #[tokio::test]
    async fn malformed_tool_calls_are_invalid_params() {
        for params in [
            r#"{"name":"get_ticket","arguments":[1]}"#,
            r#"{"name":"get_ticket","arguments":"ticket_id=1"}"#,
            r#"{"name":"get_ticket","arguments":7}"#,
            r#"{"arguments":{}}"#,
            r#"{"name":42,"arguments":{}}"#,
            r#"{"name":null}"#,
            r#""get_ticket""#,
        ] {
            let body =
                format!(r#"{{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{params}}}"#);
            let (status, body) = refusal(&body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{params}");
            assert_eq!(body["error"]["code"], -32602, "{params}: {body}");
            assert_eq!(body["id"], "c1");
        }
        let (_, body) =
            refusal(r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":[]}}"#)
                .await;
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("'arguments' must be an object")
        );
        // A null or absent `arguments` is an empty argument list.
        assert!(
            inspect(br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}"#)
                .is_ok()
        );
        assert!(inspect(br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":null}}"#).is_ok());
    }

    #[test]
    fn the_outcome_is_read_from_the_response() {
        let outcome = |status: StatusCode, body: &str| {
            outcome_of(status, &Bytes::copy_from_slice(body.as_bytes()))
        };
        let ok = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{}"}],"isError":false}}"#;
        assert_eq!(outcome(StatusCode::OK, ok), "ok");
        let failed = r#"{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}"#;
        assert_eq!(outcome(StatusCode::OK, failed), "tool_error");
        let rpc = r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"x"}}"#;
        assert_eq!(outcome(StatusCode::OK, rpc), "rpc_error -32602");
        assert_eq!(outcome(StatusCode::ACCEPTED, ""), "accepted");
        assert_eq!(outcome(StatusCode::NOT_ACCEPTABLE, "plain"), "http 406");
        assert_eq!(outcome(StatusCode::OK, "{\"result\":{}}"), "ok");
    }

    #[test]
    fn messages_that_fit_are_summarised() {
        let ok = |body: &str| inspect(body.as_bytes()).map_err(|_| ()).unwrap();
        let call = ok(
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1}}}"#,
        );
        assert_eq!(call.method, "tools/call");
        assert_eq!(call.tool.as_deref(), Some("get_ticket"));
        assert_eq!(
            ok(r#"{"jsonrpc":"2.0","id":"s1","result":{}}"#).method,
            "response"
        );
        assert_eq!(
            ok(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).tool,
            None
        );
    }
}
