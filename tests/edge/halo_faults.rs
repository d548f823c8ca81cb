//! Halo faults at the edge of what Halo sends (issue 12, items 8 and 13): a huge Retry-After
//! never panics nor blocks Halo calls for longer than the rate window, and a 500 on a write is
//! reported as "may or may not have been applied" and never retried.

use std::time::{Duration, Instant};

use halo_sandbox::{Fault, FaultKind};
use serde_json::json;

use crate::support::app::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_huge_retry_after_is_capped_at_the_rate_window() {
    let app = spawn_app_with(&[("HALO_RATE_WINDOW_SECS", "2")]).await;
    let page = app.call_ok("search_tickets", json!({"page_size": 1})).await;
    let id = page["tickets"][0]["id"].as_i64().unwrap();
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: None,
        times: 1,
        kind: FaultKind::RateLimited {
            retry_after_secs: u64::MAX,
        },
    });
    let started = Instant::now();
    // Answered (no panic) once the capped 2 s have passed: a read waits out a wait that short
    // and succeeds, so Halo calls are blocked for the window and no longer.
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    let waited = started.elapsed();
    assert_eq!(ticket["id"], id);
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(12),
        "waited {waited:?} for a Retry-After capped at the 2 s window"
    );
    // Nothing is blocked any more: the next call goes straight through.
    let started = Instant::now();
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(ticket["id"], id);
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "still blocked"
    );
}

#[tokio::test]
async fn a_500_on_a_write_may_have_been_applied_and_is_not_retried() {
    let app = spawn_app().await;
    app.call_ok(
        "search_tickets",
        json!({"customer": "Acorn Construction", "page_size": 1}),
    )
    .await;
    let before = app.sandbox().request_log().len();
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: Some(http::Method::POST),
        times: 5,
        kind: FaultKind::Status(500),
    });
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "500 probe", "ticket_type": "Incident", "customer": "Acorn Construction"}),
        )
        .await;
    assert!(
        error.contains("may or may not have been applied"),
        "{error}"
    );
    assert!(error.contains("check Halo before trying again"), "{error}");
    let posts = app.sandbox().request_log()[before..]
        .iter()
        .filter(|r| r.method == "POST" && r.path.contains("/api/tickets"))
        .count();
    assert_eq!(posts, 1, "a write that got a 500 is sent once");
}
