//! halo-token mode against junk bearers (issue 12, item 7): 1,000 unknown bearers in a minute
//! cost at most the small validation budget in Halo calls, the same junk bearer costs one, and
//! a legitimate caller keeps working throughout.

use std::time::{Duration, Instant};

use futures::StreamExt;
use halo_mcp::auth::halo_token::validation_budget;
use halo_sandbox::demo;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

const RATE_LIMIT: u32 = 100;

async fn halo_token(app: &TestApp) -> String {
    let sandbox = app.sandbox_url.as_deref().expect("sandbox");
    let token: Value = app
        .http
        .post(format!("{}/auth/token", sandbox.trim_end_matches('/')))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", demo::SERVICE_CLIENT_ID),
            ("client_secret", demo::SERVICE_CLIENT_SECRET),
            ("scope", "all"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"]
        .as_str()
        .expect("a Halo token")
        .to_string()
}

async fn call(app: &TestApp, bearer: &str, tool: &str, arguments: Value) -> reqwest::Response {
    app.http
        .post(&app.mcp_url)
        .bearer_auth(bearer)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments}}))
        .send()
        .await
        .expect("the server answers")
}

async fn works(app: &TestApp, bearer: &str) {
    let response = call(app, bearer, "get_ticket", json!({"ticket_id": 1001})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["result"]["isError"], false, "{body}");
}

fn validations(app: &TestApp) -> usize {
    app.sandbox
        .as_ref()
        .unwrap()
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/agent/me"))
        .count()
}

#[tokio::test]
async fn junk_bearers_cannot_spend_a_real_callers_halo_budget() {
    let limit = RATE_LIMIT.to_string();
    let app = spawn_app_with(&[
        ("MCP_AUTH_MODE", "halo-token"),
        ("HALO_RATE_LIMIT", &limit),
        ("HALO_RATE_WINDOW_SECS", "300"),
    ])
    .await;
    let token = halo_token(&app).await;
    works(&app, &token).await;

    let before = validations(&app);
    let started = Instant::now();
    let statuses: Vec<u16> = futures::stream::iter(0..1000)
        .map(|i| {
            let app = &app;
            async move {
                call(
                    app,
                    &format!("junk-bearer-{i}"),
                    "get_ticket",
                    json!({"ticket_id": 1001}),
                )
                .await
                .status()
                .as_u16()
            }
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let flood = started.elapsed();
    assert!(
        flood < Duration::from_secs(60),
        "1,000 refusals took {flood:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "junk bearers get 401 (refused) or 503 (validation budget spent): {:?}",
        statuses
            .iter()
            .filter(|s| **s != 401 && **s != 503)
            .collect::<Vec<_>>()
    );
    let spent = validations(&app) - before;
    let budget = validation_budget(RATE_LIMIT) as usize;
    assert!(
        spent <= budget,
        "junk bearers cost {spent} Halo calls (budget {budget})"
    );

    // The same junk bearer again: remembered, no Halo call.
    let before_repeat = validations(&app);
    for _ in 0..20 {
        let status = call(
            &app,
            "junk-bearer-0",
            "get_ticket",
            json!({"ticket_id": 1001}),
        )
        .await
        .status();
        assert!(status == 401 || status == 503, "{status}");
    }
    assert!(validations(&app) - before_repeat <= 1);

    // The legitimate caller still works, with Halo budget to spare.
    for _ in 0..10 {
        works(&app, &token).await;
    }
    eprintln!(
        "1,000 junk bearers in {flood:?}: {spent} Halo validations (budget {budget}), {} refused \
         with 503",
        statuses.iter().filter(|s| **s == 503).count()
    );
}
