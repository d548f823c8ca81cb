//! The shared Halo budget and the audit log across instances: two halo-mcp processes (api-key
//! mode) on one Azurite and one Halo sandbox. The budget of N calls admits N in total, a 429
//! met by one pauses the other, audit entries from both land in one log in order, and with
//! storage gone a write is made once, returns its result, and its lost audit entry is logged.

use std::net::SocketAddr;
use std::time::Duration;

use halo_mcp::audit::{AuditLog, Outcome};
use halo_mcp::storage::{BlobAuditLog, StateContainer, StorageOptions, container_client};
use halo_sandbox::{Fault, FaultKind, RateLimit, Sandbox, SandboxOptions};
use serde_json::{Value, json};

use super::azurite::Azurite;
use super::single_use::spawn_instance;
use crate::helpers::TestApp;
use crate::support::binary::{Binary, binary};
use crate::support::settings::Settings;
use crate::support::wait::free_port;

const KEY: &str = "shared-state-key-0123456789abcdefghijkl";

struct Fleet {
    azurite: Azurite,
    sandbox: Sandbox,
    container: String,
    a: TestApp,
    b: TestApp,
    logs: [std::path::PathBuf; 2],
    _instances: [Binary; 2],
}

async fn fleet(name: &str, vars: &[(&str, &str)], sandbox: SandboxOptions) -> Option<Fleet> {
    let azurite = Azurite::start().await?;
    let container = azurite.container("halo-mcp-state").await;
    let sandbox = Sandbox::start(SocketAddr::from(([127, 0, 0, 1], 0)), sandbox)
        .await
        .expect("sandbox starts");
    let sandbox_url = sandbox.url().as_str().trim_end_matches('/').to_string();
    let mut all: Vec<(String, String)> = [
        ("HALO_URL", sandbox_url.as_str()),
        (
            "HALO_SERVICE_CLIENT_ID",
            halo_sandbox::demo::SERVICE_CLIENT_ID,
        ),
        (
            "HALO_SERVICE_CLIENT_SECRET",
            halo_sandbox::demo::SERVICE_CLIENT_SECRET,
        ),
        ("MCP_AUTH_MODE", "api-key"),
        ("MCP_API_KEYS", KEY),
        ("MCP_STATE_CONTAINER_URL", container.as_str()),
    ]
    .into_iter()
    .chain(vars.iter().copied())
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    all.push(("LOG_FORMAT".into(), "json".into()));
    let mut apps = Vec::new();
    let mut instances = Vec::new();
    let mut logs = Vec::new();
    for side in ["a", "b"] {
        let port = free_port();
        let url = format!("http://127.0.0.1:{port}");
        let log = format!("storage-{name}-{side}.log");
        instances.push(spawn_instance(port, &url, &all, &log).await);
        logs.push(
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("logs")
                .join(log),
        );
        apps.push(TestApp::external(
            &url,
            &format!("{url}/mcp"),
            &sandbox_url,
            Some(sandbox.state()),
        ));
    }
    let b = apps.pop().expect("b");
    let a = apps.pop().expect("a");
    let [log_a, log_b] = <[_; 2]>::try_from(logs).expect("two logs");
    let [one, two] = <[_; 2]>::try_from(instances).ok().expect("two instances");
    Some(Fleet {
        azurite,
        sandbox,
        container,
        a,
        b,
        logs: [log_a, log_b],
        _instances: [one, two],
    })
}

/// Calls a tool with the API key; the JSON-RPC result (which may be a tool error).
async fn call(app: &TestApp, tool: &str, args: Value) -> Value {
    let response = app
        .mcp(
            None,
            &[("x-api-key", KEY)],
            "tools/call",
            json!({"name": tool, "arguments": args}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["result"].clone()
}

fn is_error(result: &Value) -> bool {
    result["isError"] == true
}

/// Requests that count against Halo's limit (discovery endpoints do not).
fn api_calls(sandbox: &Sandbox) -> usize {
    sandbox
        .request_log()
        .iter()
        .filter(|r| {
            r.path.starts_with("/api/")
                && r.path != "/api/authinfo"
                && r.path != "/api/instanceinfo"
        })
        .count()
}

fn log_text(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_of_n_calls_admits_n_across_both_instances() {
    const N: usize = 8;
    let Some(fleet) = fleet(
        "budget",
        &[("HALO_RATE_LIMIT", "8"), ("HALO_MAX_INSTANCES", "2")],
        SandboxOptions::default(),
    )
    .await
    else {
        return;
    };
    let mut ok = [0, 0];
    for _ in 0..N {
        for (side, app) in [&fleet.a, &fleet.b].into_iter().enumerate() {
            if !is_error(&call(app, "get_ticket", json!({"ticket_id": 1001})).await) {
                ok[side] += 1;
            }
        }
    }
    assert_eq!(api_calls(&fleet.sandbox), N, "N calls in total, not 2N");
    assert!(ok[0] > 0 && ok[1] > 0, "both instances had a share: {ok:?}");
    let refused = call(&fleet.a, "get_ticket", json!({"ticket_id": 1001})).await;
    assert!(is_error(&refused), "{refused}");
    assert!(
        log_text(&fleet.logs[0]).contains("halo_rate_limited"),
        "the budget's refusal is logged for the alert"
    );
    drop(fleet.azurite);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_met_by_one_instance_pauses_the_other() {
    // Leases of one call, so B asks storage on its next call; Halo allows 2 calls a minute.
    let Some(fleet) = fleet(
        "pause",
        &[("HALO_RATE_LIMIT", "1000"), ("HALO_MAX_INSTANCES", "1000")],
        SandboxOptions {
            rate_limit: Some(RateLimit {
                max_requests: 2,
                window: Duration::from_secs(60),
            }),
            ..Default::default()
        },
    )
    .await
    else {
        return;
    };
    let mut met_429 = false;
    for _ in 0..4 {
        if is_error(&call(&fleet.a, "get_ticket", json!({"ticket_id": 1001})).await) {
            met_429 = true;
            break;
        }
    }
    assert!(met_429, "A met Halo's limit");
    let statuses: Vec<u16> = fleet
        .sandbox
        .request_log()
        .iter()
        .map(|r| r.status)
        .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    let sent = api_calls(&fleet.sandbox);

    let result = call(&fleet.b, "get_ticket", json!({"ticket_id": 1001})).await;
    assert!(is_error(&result), "{result}");
    assert!(
        result.to_string().contains("rate limit"),
        "B says why: {result}"
    );
    assert_eq!(api_calls(&fleet.sandbox), sent, "B sent nothing to Halo");
    drop(fleet.azurite);
}

async fn audit_entries(container: &str) -> Vec<halo_mcp::audit::AuditEntry> {
    let options = StorageOptions {
        container: StateContainer::parse(container).expect("container URL"),
        managed_identity_client_id: None,
    };
    BlobAuditLog::new(container_client(&options).expect("client"))
        .read_all()
        .await
        .expect("the audit log reads")
}

fn create(summary: &str) -> Value {
    json!({"summary": summary, "ticket_type": "Incident", "details": "audit test"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_from_both_instances_are_audited_in_order_and_survive_storage_going_away() {
    // Leases and the fallback share are both 10 calls.
    let Some(mut fleet) = fleet(
        "audit",
        &[("HALO_RATE_LIMIT", "1000"), ("HALO_MAX_INSTANCES", "100")],
        SandboxOptions::default(),
    )
    .await
    else {
        return;
    };
    let mut created = Vec::new();
    for (app, summary) in [
        (&fleet.a, "audit one"),
        (&fleet.b, "audit two"),
        (&fleet.a, "audit three"),
    ] {
        let result = call(app, "create_ticket", create(summary)).await;
        assert!(!is_error(&result), "{result}");
        created.push(result["structuredContent"].clone());
    }
    // Halo commits a create but its answer is lost: audited as "may have been applied".
    fleet.sandbox.faults().inject(Fault {
        path_contains: Some("/api/tickets".into()),
        method: Some(http::Method::POST),
        times: 1,
        kind: FaultKind::DropResponseAfterCommit,
    });
    let lost = call(&fleet.a, "create_ticket", create("audit lost answer")).await;
    assert!(is_error(&lost), "{lost}");
    // A read is not audited.
    call(&fleet.b, "get_ticket", json!({"ticket_id": 1001})).await;
    // A write refused before it was sent (the ticket does not exist) is audited as not sent.
    let refused = call(
        &fleet.b,
        "add_ticket_note",
        json!({"ticket_id": 999999, "note": "x"}),
    )
    .await;
    assert!(is_error(&refused), "{refused}");

    let entries = audit_entries(&fleet.container).await;
    assert_eq!(entries.len(), 5, "{entries:#?}");
    let first_three = &entries[..3];
    assert!(first_three.iter().all(|e| e.tool == "create_ticket"));
    assert!(first_three.iter().all(|e| e.outcome == Outcome::Ok));
    assert!(entries.windows(2).all(|w| w[0].time <= w[1].time));
    for (entry, result) in first_three.iter().zip(&created) {
        let text = result.to_string();
        assert!(
            entry
                .halo_ids
                .iter()
                .any(|r| text.contains(&r.id.to_string())),
            "{entry:?} names the ticket in {text}"
        );
        assert_eq!(entry.client.name.as_deref(), Some("api key #1"));
        assert!(entry.agent.id.is_some(), "{entry:?}");
        assert_eq!(entry.args_sha256.len(), 64);
    }
    assert_ne!(entries[0].args_sha256, entries[1].args_sha256);
    assert_eq!(entries[3].tool, "create_ticket");
    assert_eq!(
        entries[3].outcome.label(),
        "may_have_been_applied",
        "{:?}",
        entries[3]
    );
    let sandbox_tickets = fleet.sandbox.state().tickets();
    assert_eq!(
        sandbox_tickets
            .iter()
            .filter(|t| t.summary == "audit lost answer")
            .count(),
        1,
        "written once"
    );
    let entries = {
        let mut rest = entries;
        rest.remove(3);
        rest
    };
    assert_eq!(entries[3].tool, "add_ticket_note");
    assert_eq!(entries[3].outcome.label(), "not_sent", "{:?}", entries[3]);
    assert!(
        entries[3]
            .outcome
            .message()
            .is_some_and(|m| m.contains("999999")),
        "{:?}",
        entries[3]
    );
    // Nothing of the arguments but their digest.
    let raw = serde_json::to_string(&entries).expect("json");
    assert!(!raw.contains("audit one") && !raw.contains(KEY));
    // Both instances emitted the log-line form.
    for log in &fleet.logs {
        assert!(
            log_text(log).contains("\"target\":\"audit\""),
            "{}",
            log.display()
        );
    }

    // `halo-mcp audit` reads the same log: the last two create_ticket entries.
    let output = binary()
        .var("MCP_STATE_CONTAINER_URL", fleet.container.as_str())
        .run(&["audit", "--last", "2", "--tool", "create_ticket"]);
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["args_sha256"], entries[2].args_sha256.as_str());
    assert_eq!(lines[1]["outcome"]["status"], "may_have_been_applied");

    // Storage goes away mid-run.
    fleet.azurite.stop();
    let before = fleet.sandbox.state().tickets().len();
    let result = call(&fleet.a, "create_ticket", create("audit four")).await;
    assert!(
        !is_error(&result),
        "the write's result is returned: {result}"
    );
    let tickets = fleet.sandbox.state().tickets();
    assert_eq!(tickets.len(), before + 1, "written once");
    assert_eq!(
        tickets.iter().filter(|t| t.summary == "audit four").count(),
        1
    );
    // Reads go on: past what is left of B's lease, under the fallback share of the budget.
    let mut reads = 0;
    for _ in 0..12 {
        let read = call(&fleet.b, "get_ticket", json!({"ticket_id": 1001})).await;
        if is_error(&read) {
            // Held to the share (10 calls per window), never failed for storage's sake.
            assert!(read.to_string().contains("rate limit"), "{read}");
        } else {
            reads += 1;
        }
    }
    assert!(reads >= 5, "{reads} of 12 reads answered");
    let log_b = log_text(&fleet.logs[1]);
    assert_eq!(
        log_b.matches("\"kind\":\"halo_budget_fallback\"").count(),
        1,
        "the fallback is logged once"
    );

    let log = log_text(&fleet.logs[0]);
    let lost = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["kind"] == "audit_not_stored")
        .expect("the lost entry is logged");
    let content: Value =
        serde_json::from_str(lost["entry"].as_str().expect("entry")).expect("entry JSON");
    assert_eq!(content["tool"], "create_ticket");
    assert_eq!(content["outcome"]["status"], "ok");
    assert_eq!(content["args_sha256"], "", "the digest is left out");
}
