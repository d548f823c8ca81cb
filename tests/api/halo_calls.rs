//! The Halo budget of a tool call (issue 14): how many requests reach Halo, and which of them
//! are in flight together. Counts come from the sandbox's request log; concurrency from a gate
//! in front of the sandbox that holds every request until the expected number are in flight at
//! once, so overlap is observed, not inferred from timing.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use halo_sandbox::{Fault, FaultKind, Sandbox, SandboxOptions};
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app, spawn_app_with};

/// Halo API requests (not sign-in or discovery) the sandbox has logged, as "METHOD path".
fn api_calls(log: &[halo_sandbox::LoggedRequest]) -> Vec<String> {
    log.iter()
        .filter(|r| r.path.starts_with("/api/") && r.path != "/api/authinfo")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn calls_since(app: &TestApp, before: usize) -> Vec<String> {
    api_calls(&app.sandbox().request_log()[before..])
}

#[tokio::test]
async fn a_repeated_create_for_the_same_customer_and_end_user_is_one_halo_call() {
    let app = spawn_app().await;
    let create = json!({"summary": "Laptop will not start", "ticket_type": "Incident",
                        "customer": "Acorn Construction", "end_user": "Ben.Castle@contoso.com"});
    let first = app.call_ok("create_ticket", create.clone()).await;
    let before = app.sandbox().request_log().len();
    let again = app.call_ok("create_ticket", create).await;
    assert_eq!(calls_since(&app, before), ["POST /api/tickets"]);
    for field in ["client_name", "user_name", "tickettype_name"] {
        assert_eq!(again[field], first[field], "{field}");
    }
    assert_ne!(again["id"], first["id"]);
}

#[tokio::test]
async fn a_failed_lookup_fails_the_create_with_its_error_and_nothing_is_created() {
    let app = spawn_app().await;
    let create = json!({"summary": "Printer jammed", "ticket_type": "Incident",
                        "customer": "Acorn Construction", "end_user": "nobody@nowhere.example"});
    let before = app.sandbox().request_log().len();
    let error = app.call_err("create_ticket", create.clone()).await;
    assert!(
        error.contains("no end user matches 'nobody@nowhere.example'"),
        "{error}"
    );
    // Halo refusing the end-user search: the same clear error as any refused read.
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/users".into()),
        method: None,
        times: 10,
        kind: FaultKind::Status(403),
    });
    let refused = app
        .call_err(
            "create_ticket",
            json!({"summary": "Printer jammed", "ticket_type": "Incident",
                   "customer": "Acorn Construction", "end_user": "Ben.Castle@contoso.com"}),
        )
        .await;
    assert!(refused.to_lowercase().contains("permission"), "{refused}");
    let calls = calls_since(&app, before);
    assert!(
        !calls.iter().any(|c| c.starts_with("POST")),
        "no write after a failed read: {calls:?}"
    );
}

/// A proxy in front of the sandbox that holds each request until `wanted` are in flight
/// together (then lets everything through), recording the most ever in flight at once.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    opened: tokio::sync::Notify,
}

#[derive(Default)]
struct GateState {
    wanted: usize,
    open: bool,
    in_flight: usize,
    most: usize,
    seen: Vec<String>,
}

/// How long a held request waits for the others before going on alone (a failure: they were
/// not sent together).
const GIVE_UP: Duration = Duration::from_secs(3);

impl Gate {
    /// Expects the next `wanted` requests together; resets the record.
    fn expect(&self, wanted: usize) {
        let mut s = self.state.lock();
        *s = GateState {
            wanted,
            ..GateState::default()
        };
    }

    fn record(&self) -> (usize, Vec<String>) {
        let s = self.state.lock();
        (s.most, s.seen.clone())
    }

    async fn pass(&self, what: String) {
        let wait = {
            let mut s = self.state.lock();
            s.in_flight += 1;
            s.most = s.most.max(s.in_flight);
            s.seen.push(what);
            if s.in_flight >= s.wanted {
                s.open = true;
                self.opened.notify_waiters();
            }
            !s.open
        };
        if wait {
            let _ = tokio::time::timeout(GIVE_UP, self.opened.notified()).await;
        }
    }

    fn done(&self) {
        self.state.lock().in_flight -= 1;
    }
}

async fn forward(
    gate: Arc<Gate>,
    upstream: String,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_ascii_lowercase();
    let counted = path.starts_with("/api/") && path != "/api/authinfo";
    if counted {
        gate.pass(format!("{method} {path}")).await;
    }
    let url = format!(
        "{upstream}{}",
        uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut request = reqwest::Client::new().request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await;
    if counted {
        gate.done();
    }
    let Ok(answer) = answer else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut response = (status, bytes).into_response();
    if let Some(ct) = content_type {
        response.headers_mut().insert("content-type", ct);
    }
    response
}

/// halo-mcp on the sandbox through a [`Gate`].
async fn gated() -> (TestApp, Arc<Gate>, Sandbox) {
    let sandbox = Sandbox::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        SandboxOptions::default(),
    )
    .await
    .expect("sandbox starts");
    let upstream = sandbox.url().as_str().trim_end_matches('/').to_string();
    let gate = Arc::new(Gate::default());
    let proxy = {
        let gate = gate.clone();
        axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                forward(gate.clone(), upstream.clone(), method, uri, headers, body)
            },
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let proxy_url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, proxy).await });
    let app = spawn_app_with(&[
        ("HALO_URL", proxy_url.as_str()),
        (
            "HALO_SERVICE_CLIENT_ID",
            halo_sandbox::demo::SERVICE_CLIENT_ID,
        ),
        (
            "HALO_SERVICE_CLIENT_SECRET",
            halo_sandbox::demo::SERVICE_CLIENT_SECRET,
        ),
        ("MCP_AUTH_MODE", "none"),
    ])
    .await;
    (app, gate, sandbox)
}

async fn call(app: &TestApp, tool: &str, arguments: Value) -> Value {
    app.call_ok(tool, arguments).await
}

#[tokio::test]
async fn a_cold_search_by_customer_asks_for_the_customer_and_the_names_together() {
    let (app, gate, sandbox) = gated().await;
    // The customer and the four lists that name statuses, types, priorities and agents.
    gate.expect(5);
    let page = call(
        &app,
        "search_tickets",
        json!({"customer": "Acorn Construction", "page_size": 5}),
    )
    .await;
    assert!(!page["tickets"].as_array().expect("tickets").is_empty());
    let (most, seen) = gate.record();
    assert_eq!(most, 5, "all five in flight at once: {seen:?}");
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert_eq!(
        seen.last().map(String::as_str),
        Some("GET /api/tickets"),
        "the search waits for the customer: {seen:?}"
    );
    for list in ["client", "status", "tickettype", "priority", "agent"] {
        assert!(
            seen[..5].contains(&format!("GET /api/{list}")),
            "{list}: {seen:?}"
        );
    }
    assert_eq!(api_calls(&sandbox.request_log()).len(), 6);
}

#[tokio::test]
async fn a_warm_get_ticket_reads_the_ticket_and_its_actions_together() {
    let (app, gate, _sandbox) = gated().await;
    gate.expect(1);
    let page = call(&app, "search_tickets", json!({"page_size": 1})).await;
    let id = page["tickets"][0]["id"].as_i64().expect("a ticket");
    call(&app, "get_ticket", json!({"ticket_id": id})).await;

    gate.expect(2);
    let ticket = call(&app, "get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(ticket["id"], id);
    let (most, mut seen) = gate.record();
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /api/actions".to_string(),
            format!("GET /api/tickets/{id}")
        ],
        "two Halo calls"
    );
    assert_eq!(most, 2, "in flight together: one round trip");
}

#[tokio::test]
async fn a_missing_ticket_is_reported_as_before_when_both_reads_fail() {
    let app = spawn_app().await;
    let error = app
        .call_err("get_ticket", json!({"ticket_id": 999_999}))
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
}

#[tokio::test]
async fn the_validation_of_a_halo_token_answers_the_first_tools_agent_me() {
    let app = spawn_app_with(&[("MCP_AUTH_MODE", "halo-token")]).await;
    let sandbox = app.sandbox_url.as_deref().expect("sandbox");
    let bearer = crate::support::sign_in::halo_service_token(&app.http, sandbox, "all").await;
    let before = app.sandbox().request_log().len();
    let me = app
        .call_ok_as(Some(&bearer), &[], "get_user_info", json!({}))
        .await;
    assert_eq!(me["kind"], "agent", "{me}");
    assert_eq!(
        calls_since(&app, before),
        ["GET /api/agent/me"],
        "validating the token read it; the tool reuses that"
    );
}

#[tokio::test]
async fn a_cached_end_user_halo_no_longer_has_is_looked_up_once_more() {
    let app = spawn_app().await;
    let create = json!({"summary": "Laptop will not start", "ticket_type": "Incident",
                        "customer": "Acorn Construction", "end_user": "Ben.Castle@contoso.com"});
    let first = app.call_ok("create_ticket", create.clone()).await;
    let old_id = first["user_id"].as_i64().expect("an end user");
    // Halo's record for the person changes (a new id): the cached id is stale.
    app.sandbox().write(|d| {
        let ben = d.users.iter_mut().find(|u| u.id == old_id).expect("Ben");
        ben.id = 9_999;
    });
    let before = app.sandbox().request_log().len();
    let again = app.call_ok("create_ticket", create.clone()).await;
    assert_eq!(again["user_id"], 9_999, "{again}");
    let mut calls = calls_since(&app, before);
    calls[1..3].sort();
    assert_eq!(
        calls,
        [
            "POST /api/tickets",
            "GET /api/client",
            "GET /api/users",
            "POST /api/tickets"
        ],
        "refused, looked up afresh, created once"
    );

    // Never looped: when the fresh lookup finds the same records, Halo's refusal stands.
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: Some(axum::http::Method::POST),
        times: 10,
        kind: FaultKind::Status(400),
    });
    let before = app.sandbox().request_log().len();
    let error = app.call_err("create_ticket", create).await;
    assert!(error.contains("400"), "{error}");
    let posts = calls_since(&app, before)
        .iter()
        .filter(|c| c.starts_with("POST"))
        .count();
    assert_eq!(posts, 1, "sent once");
}

#[tokio::test]
async fn a_note_or_time_entry_that_changes_nothing_else_is_not_read_back() {
    let app = spawn_app().await;
    let id = 1003;
    app.call_ok(
        "add_ticket_note",
        json!({"ticket_id": id, "note": "Warming up."}),
    )
    .await;
    let before = app.sandbox().request_log().len();
    let note = app
        .call_ok(
            "add_ticket_note",
            json!({"ticket_id": id, "note": "Rebooted."}),
        )
        .await;
    assert_eq!(
        calls_since(&app, before),
        [format!("GET /api/tickets/{id}"), "POST /api/actions".into()],
        "Halo's answer says the note changed nothing else"
    );
    let before = app.sandbox().request_log().len();
    let time = app
        .call_ok(
            "log_time",
            json!({"ticket_id": id, "minutes": 15, "note": "Diagnosis"}),
        )
        .await;
    assert_eq!(calls_since(&app, before).len(), 2);
    // What they show is what a read afterwards shows.
    let after = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    for key in ["summary", "status_name", "agent_name", "team"] {
        assert_eq!(note[key], after[key], "{key}");
        assert_eq!(time[key], after[key], "{key}");
    }
    let total = app
        .sandbox()
        .read(|d| d.ticket(id).expect("ticket").timetaken);
    assert_eq!(time["ticket_total_hours"], json!(total));
}
