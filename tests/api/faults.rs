//! Fault injection: Halo failing in every way we know of gives the caller a clear tool error,
//! reads retry within a bounded budget, and a write whose response is lost is never duplicated.

use std::time::Duration;

use halo_sandbox::{Fault, FaultKind};
use serde_json::json;

use crate::support::app::{TestApp, spawn_app, spawn_app_with};

fn on_tickets(kind: FaultKind, times: u32) -> Fault {
    Fault {
        path_contains: Some("/api/tickets".into()),
        method: None,
        times,
        kind,
    }
}

/// A ticket id that exists, read before any fault is injected (this also warms the lookups).
async fn some_ticket(app: &TestApp) -> i64 {
    let page = app.call_ok("search_tickets", json!({"page_size": 1})).await;
    page["tickets"][0]["id"].as_i64().expect("a ticket id")
}

#[tokio::test]
async fn transient_gateway_errors_on_reads_are_retried() {
    let app = spawn_app().await;
    let id = some_ticket(&app).await;
    for status in [502, 503, 504] {
        app.sandbox()
            .faults()
            .inject(on_tickets(FaultKind::Status(status), 1));
        let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
        assert_eq!(ticket["id"], id, "after one {status}");
    }
    app.sandbox()
        .faults()
        .inject(on_tickets(FaultKind::ResetConnection, 1));
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(ticket["id"], id, "after a reset connection");
}

#[tokio::test]
async fn persistent_failures_become_clear_tool_errors_within_the_budget() {
    let app = spawn_app().await;
    let id = some_ticket(&app).await;
    for status in [500, 502, 503, 504] {
        app.sandbox()
            .faults()
            .inject(on_tickets(FaultKind::Status(status), 10));
        let error = app.call_err("get_ticket", json!({"ticket_id": id})).await;
        assert!(error.contains("Halo is failing"), "{status}: {error}");
        app.sandbox().faults().clear();
    }
    // Bounded: a persistent 503 is tried at most three times.
    let before = app.sandbox().request_log().len();
    app.sandbox()
        .faults()
        .inject(on_tickets(FaultKind::Status(503), 10));
    app.call_err("get_ticket", json!({"ticket_id": id})).await;
    let ticket_requests = app.sandbox().request_log()[before..]
        .iter()
        .filter(|r| r.path.contains("/api/tickets"))
        .count();
    assert!(ticket_requests <= 3, "{ticket_requests} attempts");
}

#[tokio::test]
async fn rate_limits_are_honoured_or_reported_with_the_wait() {
    let app = spawn_app().await;
    let id = some_ticket(&app).await;
    // A short Retry-After is waited out within the read budget.
    app.sandbox().faults().inject(on_tickets(
        FaultKind::RateLimited {
            retry_after_secs: 1,
        },
        1,
    ));
    app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    // A long one is reported with the wait, without sleeping through it.
    app.sandbox().faults().inject(on_tickets(
        FaultKind::RateLimited {
            retry_after_secs: 120,
        },
        1,
    ));
    let error = app.call_err("get_ticket", json!({"ticket_id": id})).await;
    assert!(error.contains("Try again in"), "{error}");
}

#[tokio::test]
async fn slow_answers_time_out_with_a_clear_error() {
    let app = spawn_app_with(&[("HALO_TIMEOUT_SECS", "1")]).await;
    let id = some_ticket(&app).await;
    app.sandbox()
        .faults()
        .inject(on_tickets(FaultKind::Delay(Duration::from_secs(3)), 5));
    let error = app.call_err("get_ticket", json!({"ticket_id": id})).await;
    assert!(error.contains("not responding"), "{error}");
}

#[tokio::test]
async fn unreadable_answers_are_reported() {
    let app = spawn_app().await;
    let id = some_ticket(&app).await;
    app.sandbox()
        .faults()
        .inject(on_tickets(FaultKind::MalformedJson, 1));
    let error = app.call_err("get_ticket", json!({"ticket_id": id})).await;
    assert!(error.contains("malformed JSON"), "{error}");
    app.sandbox()
        .faults()
        .inject(on_tickets(FaultKind::WrongContentType, 1));
    let error = app.call_err("get_ticket", json!({"ticket_id": id})).await;
    assert!(error.contains("expected JSON"), "{error}");
}

#[tokio::test]
async fn a_create_whose_response_is_lost_is_not_duplicated() {
    let app = spawn_app().await;
    // Warm the lookups so the only POST is the create itself.
    app.call_ok(
        "search_tickets",
        json!({"customer": "Acorn Construction", "page_size": 1}),
    )
    .await;
    let before = app.sandbox().tickets().len();
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: Some(http::Method::POST),
        times: 1,
        kind: FaultKind::DropResponseAfterCommit,
    });
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "Lost response probe", "ticket_type": "Incident", "customer": "Acorn Construction"}),
        )
        .await;
    assert!(
        error.contains("may or may not have been applied"),
        "{error}"
    );
    let created: Vec<_> = app
        .sandbox()
        .tickets()
        .into_iter()
        .filter(|t| t.summary == "Lost response probe")
        .collect();
    assert_eq!(created.len(), 1, "exactly one ticket after a lost response");
    assert_eq!(app.sandbox().tickets().len(), before + 1);
}

#[tokio::test]
async fn halo_down_is_said_plainly() {
    let app = spawn_app_with(&[
        ("HALO_URL", "http://127.0.0.1:9"),
        ("MCP_AUTH_MODE", "none"),
        ("HALO_SERVICE_CLIENT_ID", "x"),
        ("HALO_SERVICE_CLIENT_SECRET", "y"),
        ("HALO_AUTH_URL", "http://127.0.0.1:9/auth"),
    ])
    .await;
    let error = app.call_err("get_ticket", json!({"ticket_id": 1})).await;
    assert!(
        error.contains("not responding") || error.contains("sign-in failed"),
        "{error}"
    );
}
