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
    CallToolRequestMethod, CallToolRequestParams, JsonRpcVersion2_0, ProtocolVersion, RequestId,
    ServerJsonRpcMessage, ServerResult,
};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::HaloMcpServer;

/// The header naming the client's protocol revision.
pub(super) const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// A `tools/call` the edge answers itself.
pub struct DirectCall {
    id: RequestId,
    params: CallToolRequestParams,
}

/// A `tools/call` request read in one pass, into rmcp's own types for each field.
///
/// rmcp reads a message by buffering it, classifying its shape, then trying each kind of client
/// request in turn until the method matches; for a tool call that was about a twentieth of the
/// CPU of a `get_ticket`. This reads the same fields with the same types, so whatever it
/// accepts rmcp reads to the same id and params; what it does not accept (another method, a
/// repeated field, a stray `result` or `error`) goes the full way, through the edge's checks
/// and rmcp. Fields rmcp ignores are ignored here too.
#[derive(serde::Deserialize)]
struct WireCall {
    #[serde(rename = "jsonrpc")]
    _jsonrpc: JsonRpcVersion2_0,
    id: RequestId,
    #[serde(rename = "method")]
    _method: CallToolRequestMethod,
    params: CallToolRequestParams,
    /// rmcp refuses a request that also carries either of these, even as `null`.
    #[serde(default)]
    result: Present,
    #[serde(default)]
    error: Present,
}

/// Whether a field was there at all, whatever its value (`null` included).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}

/// Any JSON value, read the way a parse into a `serde_json::Value` reads it (every string
/// decoded, every number converted, nesting counted) and then dropped.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Checked)
    }
}

impl<'de> Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

impl DirectCall {
    /// The call in `body`, when it is a plain `tools/call` this path answers exactly as rmcp
    /// would: no `_meta`, no MRTR fields, and headers naming a revision before 2026-07-28 (or
    /// none). `None` leaves the request to the edge's checks and rmcp, which read the body again.
    pub fn read(body: &[u8], headers: &HeaderMap) -> Option<DirectCall> {
        if !legacy_revision(headers) {
            return None;
        }
        let call: WireCall = serde_json::from_slice(body).ok()?;
        // serde_json skips the fields these types ignore without checking them (their UTF-8,
        // escapes, numbers and depth), which the edge's parse refuses; so the whole body is
        // checked as that parse checks it, without building anything.
        serde_json::from_slice::<Checked>(body).ok()?;
        let plain = !call.result.0
            && !call.error.0
            && call.params.meta.is_none()
            && call.params.input_responses.is_none()
            && call.params.request_state.is_none();
        plain.then_some(DirectCall {
            id: call.id,
            params: call.params,
        })
    }

    /// The name of the tool called, for the log line.
    pub fn tool(&self) -> &str {
        &self.params.name
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
    use http::HeaderValue;
    use rmcp::model::{ClientJsonRpcMessage, ClientRequest, GetExtensions, RequestMetaObject};

    use super::*;
    use crate::mcp::http::inspect;

    fn headers(version: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(version) = version {
            headers.insert(PROTOCOL_VERSION_HEADER, HeaderValue::from_static(version));
        }
        headers
    }

    fn read(body: &str) -> Option<DirectCall> {
        DirectCall::read(body.as_bytes(), &headers(None))
    }

    const CALL: &str = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","arguments":{"ticket_id":1}}}"#;

    #[test]
    fn a_plain_tool_call_on_a_legacy_revision_is_answered_directly() {
        for version in [
            None,
            Some("2025-03-26"),
            Some("2025-06-18"),
            Some("2025-11-25"),
        ] {
            let call = DirectCall::read(CALL.as_bytes(), &headers(version))
                .unwrap_or_else(|| panic!("direct for {version:?}"));
            assert_eq!(call.id, RequestId::Number(7));
            assert_eq!(call.tool(), "get_ticket");
        }
    }

    #[test]
    fn anything_rmcp_checks_further_goes_to_rmcp() {
        for version in ["2026-07-28", "2099-01-01", "not-a-version"] {
            assert!(
                DirectCall::read(CALL.as_bytes(), &headers(Some(version))).is_none(),
                "{version}"
            );
        }
        let mut twice = headers(Some("2025-06-18"));
        twice.append(
            PROTOCOL_VERSION_HEADER,
            HeaderValue::from_static("2025-06-18"),
        );
        assert!(DirectCall::read(CALL.as_bytes(), &twice).is_none());
        for body in [
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","_meta":{}}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","_meta":{"progressToken":"p"}}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_ticket","requestState":"s"}}"#,
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        ] {
            assert!(read(body).is_none(), "{body} went the direct path");
        }
    }

    /// What the direct path took before it read bodies itself: a body the edge's checks pass,
    /// which rmcp reads as a `tools/call` without metadata or MRTR fields.
    fn through_rmcp(body: &str) -> Option<(RequestId, CallToolRequestParams)> {
        inspect(body.as_bytes()).ok()?;
        let ClientJsonRpcMessage::Request(request) = serde_json::from_str(body).ok()? else {
            return None;
        };
        let ClientRequest::CallToolRequest(call) = request.request else {
            return None;
        };
        let plain = call.extensions().get::<RequestMetaObject>().is_none()
            && call.params.meta.is_none()
            && call.params.input_responses.is_none()
            && call.params.request_state.is_none();
        plain.then_some((request.id, call.params))
    }

    #[test]
    fn the_one_pass_read_takes_what_rmcp_reads_as_a_plain_call_and_nothing_else() {
        let bodies = [
            CALL,
            r#"{"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"get_ticket"}}"#,
            r#"{"id":7,"params":{"arguments":{"ticket_id":1},"name":"x"},"method":"tools/call","jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","id":1.0,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1e2,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":2.0,"id":1,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"id":1,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","name":"y"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":1,"a":2}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"result":null}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"error":{}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"extra":[1,2]}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","extra":true}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":null}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","_meta":5}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":null}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":[]}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"n":1e400}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"n":-0,"m":123456789012345678901234567890}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","inputResponses":{}}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","requestState":null}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}} "#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}{}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"Tools/Call","params":{"name":"x"}}"#,
            r#"[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}]"#,
            r#"{"jsonrpc":"2.0","id":"\u00e9\ud83d\ude00","method":"tools\/call","params":{"name":"\u0078"}}"#,
        ];
        let mut taken = 0;
        for body in bodies {
            let direct = read(body).map(|call| (call.id, call.params));
            assert_eq!(direct, through_rmcp(body), "{body}");
            taken += usize::from(direct.is_some());
        }
        // Both kinds are in the list: 14 bodies are plain calls, the rest are not.
        assert_eq!(taken, 14);
    }

    /// Every body one edit away from a few plain calls (cut short, a byte left out, a byte put
    /// in) is taken by the one-pass read exactly when rmcp reads it as a plain call, to the same
    /// id and params.
    #[test]
    fn bodies_one_edit_from_a_call_are_read_as_rmcp_reads_them() {
        let seeds = [
            CALL,
            r#"{"jsonrpc":"2.0","id":"a\u00e9","method":"tools/call","params":{"name":"x","arguments":{"a":[1,{"b":null}]},"z":[2e3]},"x":{"y":"\ud83d\ude00"}}"#,
            r#"{"id":-1.5e1,"params":{"arguments":null,"name":"x","requestState":"s"},"method":"tools/call","jsonrpc":"2.0","result":1}"#,
        ];
        let mut taken = 0;
        for seed in seeds {
            let bodies = crate::one_edit::variants(
                seed.as_bytes(),
                &[b'"', b'}', b']', b',', b'\\', b'1', b'e', b' ', 0xef, 0xff],
            );
            for body in bodies {
                let direct =
                    DirectCall::read(&body, &headers(None)).map(|call| (call.id, call.params));
                let rmcp = std::str::from_utf8(&body).ok().and_then(through_rmcp);
                assert_eq!(direct, rmcp, "{}", String::from_utf8_lossy(&body));
                taken += usize::from(direct.is_some());
            }
        }
        assert!(taken > 100, "{taken}");
    }

    /// serde_json skips a field it ignores without checking its text, so a body whose only
    /// fault lies in a field rmcp's types ignore must still be refused here, as the edge's
    /// check refuses it.
    #[test]
    fn a_fault_in_an_ignored_field_keeps_the_body_off_the_direct_path() {
        let nested = |n: usize| {
            format!(
                r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"x"}},"extra":{}1{}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
            .into_bytes()
        };
        let mut bodies = vec![
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"extra":"\ud800"}"#.to_vec(),
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","extra":"\udc00x"}}"#.to_vec(),
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"},\"extra\":\"\xff\"}".to_vec(),
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"extra\":\"\xc3\"}}".to_vec(),
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"extra":1e400}"#.to_vec(),
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","extra":{"\ud800":1}}}"#.to_vec(),
            nested(127),
            nested(200),
        ];
        // The same bodies without the fault are plain calls both ways.
        let fine = [
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"extra":"\ud83d\ude00"}"#.to_vec(),
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"},"extra":1e300}"#.to_vec(),
            nested(100),
        ];
        bodies.extend(fine.iter().cloned());
        for body in &bodies {
            let direct = DirectCall::read(body, &headers(None)).map(|call| (call.id, call.params));
            let shown = String::from_utf8_lossy(body);
            let rmcp = std::str::from_utf8(body).ok().and_then(through_rmcp);
            assert_eq!(direct, rmcp, "{shown}");
        }
        for body in &fine {
            assert!(DirectCall::read(body, &headers(None)).is_some());
        }
    }
}
