//! The direct path for `tools/call`: the edge answers a plain tool call itself instead of
//! handing it to rmcp's stateless service.
//!
//! rmcp serves every stateless request through a served session of its own: a peer, a
//! one-message transport, a task for the session and another for the handler, channels between
//! them and a cancellation token, for a request that is answered once and thrown away. For a
//! `tools/call` on a protocol revision before 2026-07-28 none of that changes the answer; it was
//! about a tenth of the CPU of a `get_ticket` (docs/PERFORMANCE.md). So the edge runs the same
//! handler ([`HaloMcpServer::run_tool_call`]) and writes the same answer rmcp would: the result
//! stripped to the legacy wire shape the way rmcp's handler strips it, in the same JSON-RPC
//! envelope, with the same status and content type.
//!
//! Everything else goes to rmcp: other methods, any request carrying `_meta` (progress tokens, a
//! per-request protocol version, the inline lifecycle), the MRTR fields, and any request whose
//! `MCP-Protocol-Version` header names 2026-07-28 or later or a version rmcp does not know,
//! where rmcp validates headers and metadata this path does not. `tests/api/direct_calls.rs`
//! checks both paths give the same bytes.

use bytes::Bytes;
use http::HeaderMap;
use http::request::Parts;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, GetExtensions, ProtocolVersion,
    RequestId, RequestMetaObject, ServerJsonRpcMessage, ServerResult,
};

use super::HaloMcpServer;

/// The header naming the client's protocol revision.
const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// A `tools/call` the edge answers itself.
pub struct DirectCall {
    id: RequestId,
    params: CallToolRequestParams,
}

impl DirectCall {
    /// The call in `message`, when it is a plain `tools/call` this path answers exactly as
    /// rmcp would; `None` leaves the request to rmcp, which reads the body again.
    pub fn take(message: ClientJsonRpcMessage, headers: &HeaderMap) -> Option<DirectCall> {
        if !legacy_revision(headers) {
            return None;
        }
        let ClientJsonRpcMessage::Request(request) = message else {
            return None;
        };
        let ClientRequest::CallToolRequest(call) = request.request else {
            return None;
        };
        let plain = call.extensions().get::<RequestMetaObject>().is_none()
            && call.params.meta.is_none()
            && call.params.input_responses.is_none()
            && call.params.request_state.is_none();
        plain.then_some(DirectCall {
            id: request.id,
            params: call.params,
        })
    }

    /// Runs the call and returns the JSON-RPC answer's body (always sent with 200, as rmcp
    /// does for a JSON answer). A tool that writes runs in a task of its own, as it does under
    /// rmcp: a client that hangs up must not cut a write off between Halo's answer and the
    /// audit record. A read is simply dropped with the connection.
    pub async fn answer(self, server: HaloMcpServer, head: Parts) -> Bytes {
        let DirectCall { id, params } = self;
        let outcome = if server.tool_writes(&params.name) {
            let task = tokio::spawn(async move { server.run_tool_call(params, Some(&head)).await });
            match task.await {
                Ok(outcome) => outcome,
                Err(failed) => Err(ErrorData::internal_error(
                    format!("the tool call stopped before it answered: {failed}"),
                    None,
                )),
            }
        } else {
            server.run_tool_call(params, Some(&head)).await
        };
        let message = match outcome {
            Ok(result) => {
                let mut result = ServerResult::CallToolResult(result);
                result.strip_result_type_for_legacy_peer();
                result.strip_non_object_output_for_legacy_peer();
                ServerJsonRpcMessage::response(result, id)
            }
            Err(error) => ServerJsonRpcMessage::error(error, Some(id)),
        };
        match serde_json::to_vec(&message) {
            Ok(body) => Bytes::from(body),
            // Only a map with non-string keys fails to serialise, and a result holds none.
            Err(error) => Bytes::from(
                serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {
                    "code": -32603,
                    "message": format!("Internal error: the result could not be written ({error})")
                }})
                .to_string(),
            ),
        }
    }
}

/// True when the request names no protocol revision (rmcp then assumes 2025-03-26) or a known
/// one before 2026-07-28, for which rmcp checks nothing more on a `tools/call` without `_meta`.
fn legacy_revision(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(PROTOCOL_VERSION_HEADER).iter();
    let Some(value) = values.next() else {
        return true;
    };
    if values.next().is_some() {
        return false;
    }
    let Ok(version) = value.to_str() else {
        return false;
    };
    version < ProtocolVersion::V_2026_07_28.as_str()
        && ProtocolVersion::KNOWN_VERSIONS
            .iter()
            .any(|known| known.as_str() == version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> ClientJsonRpcMessage {
        serde_json::from_str(body).expect("an MCP message")
    }

    fn headers(version: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(version) = version {
            headers.insert(PROTOCOL_VERSION_HEADER, HeaderValue::from_static(version));
        }
        headers
    }

    const CALL: &str = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1}}}"#;

    use http::HeaderValue;

    #[test]
    fn a_plain_tool_call_on_a_legacy_revision_is_answered_directly() {
        for version in [
            None,
            Some("2025-03-26"),
            Some("2025-06-18"),
            Some("2025-11-25"),
        ] {
            let call = DirectCall::take(message(CALL), &headers(version))
                .unwrap_or_else(|| panic!("direct for {version:?}"));
            assert_eq!(call.id, RequestId::Number(7));
            assert_eq!(call.params.name, "get_ticket");
        }
    }

    #[test]
    fn anything_rmcp_checks_further_goes_to_rmcp() {
        for version in ["2026-07-28", "2099-01-01", "not-a-version"] {
            assert!(
                DirectCall::take(message(CALL), &headers(Some(version))).is_none(),
                "{version}"
            );
        }
        let mut twice = headers(Some("2025-06-18"));
        twice.append(
            PROTOCOL_VERSION_HEADER,
            HeaderValue::from_static("2025-06-18"),
        );
        assert!(DirectCall::take(message(CALL), &twice).is_none());
        for body in [
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","_meta":{}}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","_meta":{"progressToken":"p"}}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","requestState":"s"}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        ] {
            assert!(
                DirectCall::take(message(body), &headers(None)).is_none(),
                "{body} went the direct path"
            );
        }
    }
}
