//! Results a language model can act on (issue 15): names next to ids, second-precision UTC
//! timestamps, SLA states spelled out, write results that say what Halo actually did, and
//! errors that say when a name is a different kind of record.

use halo_sandbox::demo::BEN_CASTLE_EMAIL;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};

fn is_second_utc(s: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ").is_ok()
}

/// Every timestamp-looking string in `value` is second-precision UTC.
fn assert_timestamps(value: &Value) {
    match value {
        Value::String(s) if s.len() >= 19 && s.as_bytes()[4] == b'-' && s.contains('T') => {
            assert!(
                is_second_utc(s),
                "timestamp {s} is not second-precision UTC"
            );
        }
        Value::Array(items) => items.iter().for_each(assert_timestamps),
        Value::Object(map) => map.values().for_each(assert_timestamps),
        _ => {}
    }
}

async fn new_ticket(app: &TestApp, extra: Value) -> i64 {
    let mut args = json!({"summary": "Docking station flickers", "ticket_type": "Incident",
        "end_user": BEN_CASTLE_EMAIL});
    for (k, v) in extra.as_object().unwrap() {
        args[k] = v.clone();
    }
    app.call_ok("create_ticket", args).await["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn names_stand_next_to_ids_and_codes_are_spelled_out() {
    let app = spawn_app().await;
    // Assigned to the API agent (calls run as it in this mode), with a service.
    let id = new_ticket(&app, json!({"agent": "me", "service": "Managed Backup"})).await;
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(ticket["agent_name"], "API Agent", "{ticket}");
    assert_eq!(ticket["service_name"], "Managed Backup", "{ticket}");
    assert!(ticket["service_id"].is_i64(), "{ticket}");
    for key in ["sla_response_state", "sla_fix_state"] {
        let state = ticket[key].as_str().unwrap_or_default();
        assert!(["inside", "breached"].contains(&state), "{key}: {ticket}");
    }
    assert_timestamps(&ticket);
    assert!(ticket["date_opened"].is_string(), "{ticket}");

    // A status change in the history carries the status's name.
    app.call_ok(
        "action_ticket",
        json!({"ticket_id": id, "outcome": "Change Status", "status": "Waiting on Customer"}),
    )
    .await;
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    let change = ticket["recent_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a.get("new_status").is_some())
        .cloned()
        .expect("the status change is listed");
    assert_eq!(change["new_status_name"], "Waiting on Customer", "{change}");
    assert_timestamps(&ticket);

    // AI suggestions say which field they set and the name behind an id value.
    let listed = app
        .call_ok("search_tickets", json!({"page_size": 100}))
        .await;
    let mut named = 0;
    for t in listed["tickets"].as_array().unwrap() {
        assert_timestamps(t);
        let full = app
            .call_ok("get_ticket", json!({"ticket_id": t["id"]}))
            .await;
        for s in full["ai_suggestions"].as_array().into_iter().flatten() {
            assert!(s["field"].is_string(), "{s}");
            if s["field"] != "team" {
                assert!(s["new_value_name"].is_string(), "{s}");
                named += 1;
            }
        }
    }
    assert!(named > 0, "the demo data has id-valued suggestions");
}

#[tokio::test]
async fn write_results_say_what_halo_did() {
    let app = spawn_app().await;
    let sandbox = app.sandbox.clone().unwrap();
    let id = new_ticket(&app, json!({})).await;

    // A public note is reported as public, with an outcome that does not say "Private".
    let note = app
        .call_ok(
            "add_ticket_note",
            json!({"ticket_id": id, "note": "We are on it", "public": true}),
        )
        .await;
    assert_eq!(note["private"], false, "{note}");
    assert_eq!(note["emailed_user"], false, "{note}");
    assert!(
        !note["outcome"].as_str().unwrap().contains("Private"),
        "{note}"
    );
    let stored = sandbox.read(|d| d.actions.iter().rfind(|a| a.ticket_id == id).cloned());
    assert!(!stored.unwrap().hiddenfromuser);

    // A shorter outcome name is matched and the result says so.
    let closed = app
        .call_ok(
            "action_ticket",
            json!({"ticket_id": id, "outcome": "Close"}),
        )
        .await;
    assert_eq!(closed["outcome"], "Close Ticket");
    assert!(
        closed["outcome_matched"]
            .as_str()
            .unwrap()
            .contains("'Close' was taken to mean the outcome 'Close Ticket'"),
        "{closed}"
    );
    assert!(
        closed["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "status" && c["to"] == "Closed"),
        "{closed}"
    );

    // Reassigning the closed ticket (agent and team) is reported with a warning.
    let moved = app
        .call_ok(
            "action_ticket",
            json!({"ticket_id": id, "outcome": "Assign", "agent": "me", "team": "Second Line"}),
        )
        .await;
    assert!(
        moved["warning"].as_str().unwrap().contains("stays closed"),
        "{moved}"
    );
    let changes = moved["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["field"] == "team"), "{moved}");
    assert!(
        moved["message"].as_str().unwrap().contains("Second Line"),
        "{moved}"
    );

    // An outcome whose default e-mails the end user says so, with the address.
    let other = new_ticket(&app, json!({})).await;
    let resolved = app
        .call_ok(
            "action_ticket",
            json!({"ticket_id": other, "outcome": "Resolve", "note": "Replaced the dock"}),
        )
        .await;
    let sent = sandbox.read(|d| {
        d.actions
            .iter()
            .rfind(|a| a.ticket_id == other)
            .map(|a| a.sendemail)
    });
    assert_eq!(resolved["emailed_user"], json!(sent.unwrap()), "{resolved}");
    assert_eq!(resolved["emailed_user"], true, "{resolved}");
    assert!(
        resolved["message"]
            .as_str()
            .unwrap()
            .contains("Halo e-mailed the end user (Ben.Castle@contoso.com)"),
        "{resolved}"
    );
}

#[tokio::test]
async fn an_applied_suggestion_says_applied() {
    let app = spawn_app().await;
    let listed = app
        .call_ok("search_tickets", json!({"page_size": 100}))
        .await;
    let mut target = None;
    for t in listed["tickets"].as_array().unwrap() {
        let full = app
            .call_ok("get_ticket", json!({"ticket_id": t["id"]}))
            .await;
        if let Some(s) = full["ai_suggestions"].as_array().and_then(|l| l.first()) {
            target = Some((t["id"].as_i64().unwrap(), s["id"].as_i64().unwrap()));
            break;
        }
    }
    let (ticket_id, suggestion_id) = target.expect("a ticket with a pending suggestion");
    let applied = app
        .call_ok(
            "apply_ai_suggestion",
            json!({"ticket_id": ticket_id, "suggestion_id": suggestion_id}),
        )
        .await;
    assert_eq!(applied["applied"], true, "{applied}");
    assert_eq!(applied["suggestion"]["applied"], true, "{applied}");
    assert!(
        !applied.to_string().contains("\"applied\":false"),
        "{applied}"
    );
    assert_timestamps(&applied);
}

#[tokio::test]
async fn a_name_of_another_kind_says_what_it_is_and_where_it_goes() {
    let app = spawn_app().await;
    let error = app
        .call_err("search_tickets", json!({"agent": BEN_CASTLE_EMAIL}))
        .await;
    assert!(
        error.contains("an end user of Acorn Construction, not an agent")
            && error.contains("end_user"),
        "{error}"
    );
    let error = app
        .call_err("get_assigned_tickets", json!({"agent": "Second Line"}))
        .await;
    assert!(
        error.contains("is the team Second Line") && error.contains("give it as team"),
        "{error}"
    );
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incident", "customer": "Birch Logistics",
                "end_user": BEN_CASTLE_EMAIL}),
        )
        .await;
    assert!(
        error.contains("an end user of Acorn Construction, not of the customer given"),
        "{error}"
    );
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incident", "customer": "Birch Logistics",
                "site": "Acorn Yard"}),
        )
        .await;
    assert!(
        error.contains("a site of Acorn Construction, not of the customer given")
            && error.contains("leave customer out"),
        "{error}"
    );
    let error = app
        .call_err("search_tickets", json!({"end_user": "API Agent"}))
        .await;
    assert!(
        error.contains("an agent, not an end user: give them as agent"),
        "{error}"
    );
}

#[tokio::test]
async fn knowledge_and_runbook_results_carry_names_and_second_timestamps() {
    let app = spawn_app().await;
    let article = app.call_ok("get_article", json!({"article_id": 1})).await;
    assert!(article["created"].is_string(), "{article}");
    assert_timestamps(&article);
    let matches = app
        .call_ok("get_ticket_matches", json!({"ticket_id": 1001}))
        .await;
    assert_timestamps(&matches);
    let run = app
        .call_ok(
            "onboard_new_starter",
            json!({"customer": "Birch Logistics", "first_name": "Nia", "surname": "Okafor",
                "email": "nia.okafor@birch.example"}),
        )
        .await;
    assert_eq!(run["input_names"]["client_id"], "Birch Logistics", "{run}");
    assert_timestamps(&run);
}
