//! Fault injection and the rate limit.

use std::time::Duration;

use axum::http::Method;
use halo_sandbox::{Fault, FaultKind, RateLimit, SandboxOptions};
use serde_json::json;

use super::common::*;

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sb = start_with(SandboxOptions {
        rate_limit: Some(RateLimit {
            max_requests: 3,
            window: Duration::from_secs(60),
        }),
        ..SandboxOptions::default()
    })
    .await;
    let t = service_token(&sb, "all").await;
    for _ in 0..3 {
        assert_eq!(get(&sb, &t, "api/Status").await.0, 200);
    }
    let resp = http()
        .get(sb.url().join("api/Status").expect("u"))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .expect("h")
        .parse()
        .expect("secs");
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn status_rate_limited_and_content_faults() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let f = sb.faults();
    f.inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: Some(Method::GET),
        times: 2,
        kind: FaultKind::Status(503),
    });
    assert_eq!(get(&sb, &t, "api/Tickets").await.0, 503);
    assert_eq!(
        get(&sb, &t, "api/Status").await.0,
        200,
        "other paths unaffected"
    );
    assert_eq!(get(&sb, &t, "api/Tickets").await.0, 503);
    assert_eq!(get(&sb, &t, "api/Tickets").await.0, 200, "used up");

    f.inject(Fault::new(FaultKind::RateLimited {
        retry_after_secs: 7,
    }));
    let r = http()
        .get(sb.url().join("api/Tickets").expect("u"))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");

    f.inject(Fault::new(FaultKind::MalformedJson));
    let r = http()
        .get(sb.url().join("api/Tickets").expect("u"))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert!(r.json::<serde_json::Value>().await.is_err());

    f.inject(Fault::new(FaultKind::WrongContentType));
    let r = http()
        .get(sb.url().join("api/Tickets").expect("u"))
        .bearer_auth(&t)
        .send()
        .await
        .expect("send");
    assert_eq!(r.headers()["content-type"], "text/html");

    f.inject(Fault::new(FaultKind::Delay(Duration::from_millis(50))));
    assert_eq!(get(&sb, &t, "api/Tickets").await.0, 200);
    f.inject(Fault::new(FaultKind::Status(500)));
    f.clear();
    assert_eq!(get(&sb, &t, "api/Tickets").await.0, 200, "cleared");
}

async fn fails(sb: &halo_sandbox::Sandbox, t: &str) -> bool {
    let r = http()
        .post(sb.url().join("api/Tickets").expect("u"))
        .bearer_auth(t)
        .json(&json!([{"summary": "lost response", "client_id": 1}]))
        .send()
        .await;
    match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    }
}

#[tokio::test]
async fn reset_and_dropped_responses() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let count = || {
        sb.state()
            .tickets()
            .iter()
            .filter(|x| x.summary == "lost response")
            .count()
    };
    sb.faults().inject(Fault::new(FaultKind::ResetConnection));
    assert!(fails(&sb, &t).await);
    assert_eq!(count(), 0, "a reset performs nothing");
    sb.faults()
        .inject(Fault::new(FaultKind::DropResponseAfterCommit));
    assert!(fails(&sb, &t).await);
    assert_eq!(
        count(),
        1,
        "the request was performed, only the answer was lost"
    );
    assert_eq!(
        get(&sb, &t, "api/Status").await.0,
        200,
        "server still healthy"
    );
}
