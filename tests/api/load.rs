//! Load: 20,000 `tools/call` at concurrency 64 against the real binary on the embedded sandbox,
//! with zero protocol errors and memory afterwards within 1.5x of memory before. Counts only;
//! nothing here is timed (speed lives in the benchmarks, docs/PERFORMANCE.md).
//!
//! A debug build needs minutes for this, so the test is ignored by a plain `cargo test`;
//! `.ci/package.sh` runs it against the packaged release binary:
//! `HALO_MCP_BIN=<release binary> cargo test --test api load -- --ignored`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::binary::binary;
use crate::support::settings::Settings;

const CALLS: usize = 20_000;
const CONCURRENCY: usize = 64;

fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

async fn call(http: &reqwest::Client, url: &str, n: usize) -> Result<(), String> {
    let (name, arguments) = if n.is_multiple_of(2) {
        (
            "get_ticket",
            json!({"ticket_id": 1001 + (n % 30) as i64, "recent_actions": 3}),
        )
    } else {
        (
            "search_tickets",
            json!({"page_size": 10, "page": 1 + (n % 3) as u32}),
        )
    };
    let body = json!({"jsonrpc": "2.0", "id": n, "method": "tools/call",
        "params": {"name": name, "arguments": arguments}});
    let response = http
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("transport: {}", chain(&e)))?;
    if response.status() != 200 {
        return Err(format!("HTTP {}", response.status()));
    }
    let value: Value = response.json().await.map_err(|e| format!("body: {e}"))?;
    if value.get("error").is_some() {
        return Err(format!("JSON-RPC error: {}", value["error"]));
    }
    if value["id"] != json!(n) {
        return Err(format!("wrong id {} for {n}", value["id"]));
    }
    if value["result"]["isError"] != json!(false) {
        return Err(format!(
            "tool error: {}",
            value["result"]["content"][0]["text"]
        ));
    }
    Ok(())
}

/// An error with its causes, which name what happened to the connection.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

async fn run(http: &reqwest::Client, url: &str, calls: usize) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (http, url, next) = (http.clone(), url.to_string(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= calls {
                    return errors;
                }
                if let Err(e) = call(&http, &url, n).await {
                    errors.push(e);
                }
            }
        }));
    }
    let mut errors = Vec::new();
    for worker in workers {
        errors.extend(worker.await.expect("worker finished"));
    }
    errors
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes in a debug build; .ci/package.sh runs it against the release binary"]
async fn twenty_thousand_calls_at_concurrency_64_without_errors_or_memory_growth() {
    // `HALO_MCP_BIN` names the release binary when .ci/package.sh runs this.
    let child = binary()
        .var("RUST_LOG", "error")
        // The client-side Halo limit (250 per 5 minutes by default) would throttle a load test.
        .var("HALO_RATE_LIMIT", "100000000")
        .start()
        .await;
    let pid = child.pid();
    let base = child.base_url.clone();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        // Below the server's idle keep-alive timeout (MCP_HEADER_TIMEOUT_SECS, 10 s), as a
        // client must be: a connection left idle in the pool for longer is closed by the
        // server, and a request sent on it as it closes fails in transport (1 in 20,000 calls
        // in about one run in three).
        .pool_idle_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let url = format!("{base}/mcp");
    // Warm up: lookup caches, connection pools, allocator arenas. RSS after 2,000 calls still
    // varied from 28 to 35 MB between runs (one CI run failed the 1.5x bound from a low start);
    // after 5,000 the arenas have settled and the figure measures growth, not warm-up.
    let warm_errors = run(&http, &url, 5_000).await;
    assert!(
        warm_errors.is_empty(),
        "warm-up errors: {:?}",
        &warm_errors[..warm_errors.len().min(5)]
    );
    let before = rss_kb(pid);

    let errors = run(&http, &url, CALLS).await;
    let after = rss_kb(pid);
    assert!(
        errors.is_empty(),
        "{} of {CALLS} calls failed, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(before > 0 && after > 0, "RSS unreadable");
    assert!(
        after as f64 <= before as f64 * 1.5,
        "RSS grew from {before} kB to {after} kB"
    );
    eprintln!("load: {CALLS} calls at concurrency {CONCURRENCY}, RSS {before} kB -> {after} kB");
}
