//! State: persistence across restarts, reset, and concurrent writes.

use std::collections::HashSet;

use halo_sandbox::{SandboxOptions, demo};
use serde_json::json;

use super::common::*;

#[tokio::test]
async fn state_survives_restart_with_a_state_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sandbox.json");
    let opts = || SandboxOptions {
        state_file: Some(file.clone()),
        ..SandboxOptions::default()
    };
    let sb = start_with(opts()).await;
    let t = service_token(&sb, "all").await;
    let (_, created) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"summary": "Persist me", "client_id": 1}]),
    )
    .await;
    let id = created["id"].as_i64().expect("id");
    sb.shutdown().await;
    assert!(file.exists());
    let sb = start_with(opts()).await;
    let (status, v) = get(&sb, &t, &format!("api/Tickets/{id}")).await;
    assert_eq!(status, 200, "ticket and token both survived");
    assert_eq!(v["summary"], "Persist me");
    let raw = std::fs::read_to_string(&file).expect("read");
    assert!(!raw.contains(&t), "tokens are stored hashed");
}

#[tokio::test]
async fn reset_restores_demo_data() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let before = sb.state().tickets().len();
    post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"summary": "temp", "client_id": 1}]),
    )
    .await;
    assert_eq!(sb.state().tickets().len(), before + 1);
    sb.state().reset();
    assert_eq!(sb.state().tickets().len(), before);
    assert_eq!(
        get(&sb, &t, "api/Tickets").await.0,
        401,
        "reset drops issued tokens"
    );
    let snap = sb.state().snapshot();
    assert!(
        snap.users
            .iter()
            .any(|u| u.emailaddress == demo::BEN_CASTLE_EMAIL)
    );
}

#[tokio::test]
async fn concurrent_creates_get_distinct_ids() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let url = sb.url().join("api/Tickets").expect("u");
    let client = http();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (client, url, t) = (client.clone(), url.clone(), t.clone());
            tokio::spawn(async move {
                let r = client
                    .post(url)
                    .bearer_auth(t)
                    .json(&json!([{"summary": format!("parallel {i}"), "client_id": 2}]))
                    .send()
                    .await
                    .expect("send");
                assert_eq!(r.status(), 201);
                r.json::<serde_json::Value>().await.expect("json")["id"]
                    .as_i64()
                    .expect("id")
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.expect("join"));
    }
    assert_eq!(ids.len(), 50);
    let stored = sb
        .state()
        .tickets()
        .iter()
        .filter(|x| x.summary.starts_with("parallel "))
        .count();
    assert_eq!(stored, 50, "exactly once each");
}
