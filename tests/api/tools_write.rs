//! The ticket write tools end to end through MCP against the sandbox: each write changes the
//! sandbox exactly once, and bad input changes nothing.

use halo_sandbox::demo::{
    API_AGENT_ID, BEN_CASTLE_USER_ID, OUTCOME_PRIVATE_NOTE, STATUS_RESOLVED,
    STATUS_WAITING_ON_CUSTOMER,
};
use halo_sandbox::{Fault, FaultKind};
use serde_json::json;

use crate::support::app::{TestApp, spawn_app};

fn posts(app: &TestApp, path: &str) -> usize {
    app.sandbox()
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

fn actions_on(app: &TestApp, ticket_id: i64) -> Vec<halo_sandbox::model::Action> {
    app.sandbox()
        .actions()
        .into_iter()
        .filter(|a| a.ticket_id == ticket_id)
        .collect()
}

fn ticket(app: &TestApp, id: i64) -> halo_sandbox::model::Ticket {
    app.sandbox()
        .tickets()
        .into_iter()
        .find(|t| t.id == id)
        .expect("ticket exists")
}

#[tokio::test]
async fn create_ticket_takes_customer_and_site_from_the_end_user() {
    let app = spawn_app().await;
    let before = app.sandbox().tickets().len();
    let created = app
        .call_ok(
            "create_ticket",
            json!({
                "summary": "Scanner in the yard office will not turn on",
                "ticket_type": "incident",
                "end_user": "Ben.Castle@contoso.com",
                "details": "Tried a new battery.\nStill dead.",
            }),
        )
        .await;
    let id = created["id"].as_i64().expect("new ticket id");
    assert_eq!(created["tickettype_name"], "Incident");
    assert_eq!(created["client_name"], "Acorn Construction");
    assert_eq!(created["user_name"], "Ben Castle");
    assert_eq!(created["agent_name"], "Unassigned");
    assert!(created["status_name"].is_string(), "{created}");
    assert!(
        created["message"]
            .as_str()
            .unwrap()
            .contains(&id.to_string())
    );

    let tickets = app.sandbox().tickets();
    assert_eq!(tickets.len(), before + 1, "exactly one ticket created");
    let t = ticket(&app, id);
    assert_eq!(t.user_id, BEN_CASTLE_USER_ID);
    assert_eq!(t.client_id, 1);
    assert_eq!(t.site_id, 1);
    assert!(
        t.details.contains("battery.<br>Still dead."),
        "{}",
        t.details
    );
    assert_eq!(posts(&app, "/api/tickets"), 1);

    let found = app
        .call_ok(
            "search_tickets",
            json!({"query": "Scanner in the yard office"}),
        )
        .await;
    let ids: Vec<i64> = found["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![id], "search finds the new ticket once");
}

#[tokio::test]
async fn create_ticket_resolves_every_name() {
    let app = spawn_app().await;
    let created = app
        .call_ok(
            "create_ticket",
            json!({
                "summary": "Quote for yard network monitoring",
                "ticket_type": "Opportunity",
                "customer": "Acorn Construction",
                "site": "Acorn Yard",
                "end_user": "Ben Castle",
                "agent": "me",
                "team": "Sales",
                "priority": "P2 - High",
                "status": "In Progress",
                "category": "Networking",
                "service": "Network Monitoring",
            }),
        )
        .await;
    let t = ticket(&app, created["id"].as_i64().unwrap());
    assert_eq!(t.tickettype_id, 5);
    assert_eq!(t.site_id, 2);
    assert_eq!(t.agent_id, API_AGENT_ID);
    assert_eq!(t.team, "Sales");
    assert_eq!(t.priority_id, 2);
    assert_eq!(t.status_id, 2);
    assert_eq!(t.category_1, "Networking");
    assert_eq!(t.service_id, Some(4), "linked to Network Monitoring");
    assert_eq!(created["site_name"], "Acorn Yard");
    assert_eq!(created["priority_name"], "P2 - High");
    assert_eq!(created["service_name"], "Network Monitoring");
    assert_eq!(created["agent_id"], API_AGENT_ID);
}

#[tokio::test]
async fn create_ticket_refuses_bad_input_and_creates_nothing() {
    let app = spawn_app().await;
    let before = app.sandbox().tickets().len();
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incdent"}),
        )
        .await;
    assert!(error.contains("Incident"), "{error}");
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incident",
                   "customer": "Birch Logistics", "end_user": "Ben.Castle@contoso.com"}),
        )
        .await;
    assert!(error.contains("end user"), "{error}");
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incident", "customer": "Acorn Construction", "site": "4"}),
        )
        .await;
    assert!(error.contains("belongs to Cedar Health"), "{error}");
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "  ", "ticket_type": "Incident"}),
        )
        .await;
    assert!(error.contains("summary"), "{error}");
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "x", "ticket_type": "Incident", "priorty": "P1"}),
        )
        .await;
    assert!(
        error.contains("unknown argument 'priorty'. Did you mean 'priority'?"),
        "{error}"
    );
    assert_eq!(app.sandbox().tickets().len(), before);
    assert_eq!(posts(&app, "/api/tickets"), 0);
}

#[tokio::test]
async fn create_ticket_is_never_retried_after_a_lost_response() {
    let app = spawn_app().await;
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
            json!({"summary": "Lost response", "ticket_type": "Incident", "customer": "Dune Retail"}),
        )
        .await;
    assert!(
        error.contains("may or may not have been applied"),
        "{error}"
    );
    assert_eq!(app.sandbox().tickets().len(), before + 1, "created once");
    assert_eq!(posts(&app, "/api/tickets"), 1, "sent once");
}

#[tokio::test]
async fn assign_ticket_to_me_reports_old_and_new_assignee() {
    let app = spawn_app().await;
    // 1004 (printer jams) starts unassigned.
    let result = app
        .call_ok("assign_ticket_to_me", json!({"ticket_id": 1004}))
        .await;
    assert_eq!(result["previous_agent_name"], "Unassigned");
    assert_eq!(result["agent_id"], API_AGENT_ID);
    assert_eq!(result["changed"], true);
    assert_eq!(ticket(&app, 1004).agent_id, API_AGENT_ID);

    let again = app
        .call_ok("assign_ticket_to_me", json!({"ticket_id": 1004}))
        .await;
    assert_eq!(again["changed"], false);
    assert_eq!(posts(&app, "/api/tickets"), 1, "the repeat wrote nothing");

    let moved = app
        .call_ok(
            "assign_ticket_to_me",
            json!({"ticket_id": 1001, "team": "Second Line"}),
        )
        .await;
    assert_eq!(moved["previous_agent_name"], "Sam Taylor");
    let t = ticket(&app, 1001);
    assert_eq!((t.agent_id, t.team.as_str()), (API_AGENT_ID, "Second Line"));

    let error = app
        .call_err("assign_ticket_to_me", json!({"ticket_id": 999999}))
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
    let error = app
        .call_err(
            "assign_ticket_to_me",
            json!({"ticket_id": 1004, "team": "Nope Team"}),
        )
        .await;
    assert!(error.contains("no team matches"), "{error}");
}

#[tokio::test]
async fn action_ticket_runs_an_outcome_and_shows_the_ticket_after() {
    let app = spawn_app().await;
    let before = actions_on(&app, 1001).len();
    let error = app
        .call_err(
            "action_ticket",
            json!({"ticket_id": 1001, "outcome": "Resolve"}),
        )
        .await;
    assert!(error.contains("requires a note"), "{error}");
    let error = app
        .call_err(
            "action_ticket",
            json!({"ticket_id": 1001, "outcome": "Teleport"}),
        )
        .await;
    assert!(
        error.contains("no outcome matches 'Teleport'") && error.contains("Close Ticket"),
        "{error}"
    );
    assert_eq!(
        actions_on(&app, 1001).len(),
        before,
        "failures wrote nothing"
    );

    let result = app
        .call_ok(
            "action_ticket",
            json!({"ticket_id": 1001, "outcome": "resolve", "note": "Reset the Outlook profile.",
                   "time_taken_minutes": 15}),
        )
        .await;
    assert_eq!(result["outcome"], "Resolve");
    assert_eq!(result["status_name"], "Resolved");
    assert_eq!(result["emailed_user"], true);
    assert_eq!(result["time_taken_hours"], 0.25);
    let actions = actions_on(&app, 1001);
    assert_eq!(actions.len(), before + 1);
    let action = actions.iter().max_by_key(|a| a.id).unwrap();
    assert_eq!(result["action_id"], action.id);
    assert!(action.sendemail);
    assert_eq!(action.emailto, "Ben.Castle@contoso.com");
    assert_eq!(ticket(&app, 1001).status_id, STATUS_RESOLVED);

    let result = app
        .call_ok(
            "action_ticket",
            json!({"ticket_id": 1002, "outcome": "Change Status",
                   "status": "Waiting on Customer", "agent": "Sam Taylor"}),
        )
        .await;
    assert_eq!(result["status_name"], "Waiting on Customer");
    assert_eq!(result["agent_name"], "Sam Taylor");
    assert_eq!(ticket(&app, 1002).status_id, STATUS_WAITING_ON_CUSTOMER);

    let error = app
        .call_err(
            "action_ticket",
            json!({"ticket_id": 1002, "outcome": "Change Status", "time_taken_hours": 30}),
        )
        .await;
    assert!(error.contains("at most 24"), "{error}");
    let error = app
        .call_err(
            "action_ticket",
            json!({"ticket_id": 999999, "outcome": "Close"}),
        )
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
}

#[tokio::test]
async fn add_ticket_note_is_private_unless_asked() {
    let app = spawn_app().await;
    let before = actions_on(&app, 1003).len();
    let result = app
        .call_ok(
            "add_ticket_note",
            json!({"ticket_id": 1003, "note": "Laptop ordered, PO 4471."}),
        )
        .await;
    assert_eq!(result["private"], true);
    assert!(result["note"].as_str().unwrap().contains("PO 4471"));
    let public = app
        .call_ok(
            "add_ticket_note",
            json!({"ticket_id": 1003, "note": "Your laptop arrives Friday.", "public": true}),
        )
        .await;
    assert_eq!(public["private"], false);
    let actions = actions_on(&app, 1003);
    assert_eq!(actions.len(), before + 2, "one action per note");
    let new: Vec<_> = actions
        .iter()
        .filter(|a| a.note.contains("PO 4471"))
        .collect();
    assert_eq!(new.len(), 1);
    assert!(new[0].hiddenfromuser);
    assert_eq!(new[0].outcome_id, OUTCOME_PRIVATE_NOTE);
    let shown = actions
        .iter()
        .find(|a| a.note.contains("arrives Friday"))
        .unwrap();
    assert!(!shown.hiddenfromuser && !shown.sendemail);

    let error = app
        .call_err("add_ticket_note", json!({"ticket_id": 1003, "note": " "}))
        .await;
    assert!(error.contains("note must not be blank"), "{error}");
    let error = app
        .call_err("add_ticket_note", json!({"ticket_id": 999999, "note": "x"}))
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
    assert_eq!(actions_on(&app, 1003).len(), before + 2);
}

#[tokio::test]
async fn log_time_adds_time_to_the_ticket_once() {
    let app = spawn_app().await;
    let before = ticket(&app, 1020).timetaken;
    let result = app
        .call_ok(
            "log_time",
            json!({"ticket_id": 1020, "minutes": 90, "note": "Profiled the booking database",
                   "started": "yesterday", "billable": true}),
        )
        .await;
    assert_eq!(result["hours"], 1.5);
    assert_eq!(result["minutes"], 90);
    assert!(result["started"].as_str().unwrap().ends_with("T09:00:00Z"));
    let after = ticket(&app, 1020).timetaken;
    assert!((after - before - 1.5).abs() < 1e-9, "{before} -> {after}");
    assert_eq!(result["ticket_total_hours"], after);
    let timed: Vec<_> = actions_on(&app, 1020)
        .into_iter()
        .filter(|a| a.note.contains("Profiled"))
        .collect();
    assert_eq!(timed.len(), 1);
    assert!((timed[0].timetaken - 1.5).abs() < 1e-9);
    assert!(timed[0].hiddenfromuser);

    for (args, expected) in [
        (json!({"ticket_id": 1020, "hours": 25}), "at most 24"),
        (json!({"ticket_id": 1020, "hours": 0}), "more than 0"),
        (
            json!({"ticket_id": 1020, "hours": 1, "minutes": 5}),
            "not both",
        ),
        (json!({"ticket_id": 1020}), "hours"),
        (
            json!({"ticket_id": 1020, "hours": 1, "started": "soonish"}),
            "not a date",
        ),
        (
            json!({"ticket_id": 999999, "hours": 1}),
            "Ticket 999999 was not found in Halo.",
        ),
    ] {
        let error = app.call_err("log_time", args.clone()).await;
        assert!(error.contains(expected), "{args}: {error}");
    }
    assert!(
        (ticket(&app, 1020).timetaken - after).abs() < 1e-9,
        "failures logged nothing"
    );
}

#[tokio::test]
async fn apply_ai_suggestion_changes_the_ticket_and_marks_it_applied() {
    let app = spawn_app().await;
    let shown = app.call_ok("get_ticket", json!({"ticket_id": 1004})).await;
    let pending = shown["ai_suggestions"]
        .as_array()
        .expect("pending suggestions");
    let lower = pending
        .iter()
        .find(|s| {
            s["summary"]
                .as_str()
                .unwrap()
                .contains("Lower the priority")
        })
        .expect("the priority suggestion");
    let sid = lower["id"].as_i64().unwrap();

    let error = app
        .call_err(
            "apply_ai_suggestion",
            json!({"ticket_id": 1004, "suggestion_id": 99}),
        )
        .await;
    assert!(
        error.contains("has no AI suggestion 99") && error.contains("Lower the priority"),
        "{error}"
    );

    let result = app
        .call_ok(
            "apply_ai_suggestion",
            json!({"ticket_id": 1004, "suggestion_id": sid}),
        )
        .await;
    assert_eq!(result["applied"], true);
    assert_eq!(
        result["changes"],
        json!([{"field": "priority", "from": "P3 - Medium", "to": "P4 - Low"}])
    );
    let t = ticket(&app, 1004);
    assert_eq!(t.priority_id, 4);
    assert!(t.ai_suggestions.iter().any(|s| s.id == sid && s.applied));

    let again = app
        .call_ok(
            "apply_ai_suggestion",
            json!({"ticket_id": 1004, "suggestion_id": sid}),
        )
        .await;
    assert!(
        again["message"]
            .as_str()
            .unwrap()
            .contains("already applied")
    );
    assert_eq!(posts(&app, "/api/tickets"), 1);
    let error = app
        .call_err(
            "apply_ai_suggestion",
            json!({"ticket_id": 999999, "suggestion_id": 1}),
        )
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
}

#[tokio::test]
async fn halo_refusals_on_writes_read_as_actions() {
    let app = spawn_app().await;
    app.sandbox().faults().inject(Fault {
        path_contains: Some("/api/actions".into()),
        method: Some(http::Method::POST),
        times: 1,
        kind: FaultKind::Status(403),
    });
    let error = app
        .call_err("add_ticket_note", json!({"ticket_id": 1001, "note": "x"}))
        .await;
    assert!(error.contains("role does not allow"), "{error}");
    assert_eq!(posts(&app, "/api/actions"), 1);
}
