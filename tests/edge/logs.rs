//! Text logs cannot be forged (issue 12, item 10): a client name with a line break, sent by a
//! caller, comes out of the real binary escaped on its one log line.

use serde_json::{Value, json};

use crate::support::binary::binary;
use crate::support::settings::Settings;

const FORGED: &str = "INFO halo_mcp: agent signed in subject=admin";

#[tokio::test]
async fn a_client_name_cannot_start_a_log_line() {
    let server = binary()
        .vars([
            ("MCP_AUTH_MODE", "oauth"),
            ("LOG_FORMAT", "text"),
            ("RUST_LOG", "info"),
        ])
        .start()
        .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let name = format!("Inspector\n{FORGED}\r\n\u{1b}[2K{FORGED}");
    let registered = http
        .post(format!("{}/oauth/register", server.base_url))
        .json(&json!({
            "redirect_uris": ["https://global.consent.azure-apim.net/redirect/halo-mcp-test"],
            "client_name": name,
            "token_endpoint_auth_method": "none",
        }))
        .send()
        .await
        .unwrap();
    // A server may refuse such a name outright (this one does, and logs nothing of it); if it
    // registers it, it must log it escaped.
    let status = registered.status();
    let accepted = status == 201;
    assert!(
        accepted || status == 400,
        "a client name is registered (201) or refused (400), got {status}"
    );
    if accepted {
        let client: Value = registered.json().await.unwrap();
        let client_id = client["client_id"].as_str().unwrap();
        let refused = http
            .get(format!("{}/oauth/authorize", server.base_url))
            .query(&[
                ("client_id", client_id),
                ("redirect_uri", "https://attacker.example/cb"),
                ("response_type", "code"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400);
    }
    let logs = server.stop();
    assert!(!logs.is_empty(), "the server logged nothing at info level");
    for line in logs.lines() {
        assert!(
            !line
                .trim_start_matches(|c: char| c.is_ascii_digit() || "-:.TZ ".contains(c))
                .starts_with("INFO halo_mcp: agent"),
            "a forged log line:\n{logs}"
        );
        assert!(!line.contains('\u{1b}'), "a raw escape sequence: {line:?}");
    }
    if accepted {
        assert!(logs.contains("refused an authorization request"), "{logs}");
        assert!(logs.contains(r"Inspector\nINFO halo_mcp"), "{logs}");
    }
}
