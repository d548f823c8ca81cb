//! The ticket read tools end to end through MCP against the sandbox.

use serde_json::json;

use crate::support::app::spawn_app;

#[tokio::test]
async fn search_tickets_pages_with_names() {
    let app = spawn_app().await;
    let page = app.call_ok("search_tickets", json!({"page_size": 5})).await;
    assert_eq!(page["page"], 1);
    assert_eq!(page["page_size"], 5);
    let tickets = page["tickets"].as_array().unwrap();
    assert!(!tickets.is_empty() && tickets.len() <= 5);
    assert!(tickets[0]["status_name"].is_string(), "{}", tickets[0]);
    assert!(page["record_count"].as_u64().unwrap() >= tickets.len() as u64);
}

#[tokio::test]
async fn search_tickets_filters_by_customer_name() {
    let app = spawn_app().await;
    let page = app
        .call_ok("search_tickets", json!({"customer": "Acorn Construction"}))
        .await;
    let tickets = crate::support::assert::rows(&page, "tickets");
    crate::support::assert::all_match(tickets, "customer filter", |t| {
        t["client_name"] == "Acorn Construction"
    });
}

#[tokio::test]
async fn search_tickets_rejects_unknown_arguments_and_names() {
    let app = spawn_app().await;
    let error = app
        .call_err("search_tickets", json!({"customr": "Acorn"}))
        .await;
    assert!(
        error.contains("unknown argument 'customr'. Did you mean 'customer'?"),
        "{error}"
    );
    let error = app
        .call_err("search_tickets", json!({"status": "Closd"}))
        .await;
    assert!(error.contains("Closed"), "{error}");
    let error = app
        .call_err("search_tickets", json!({"page_size": 500}))
        .await;
    assert!(error.contains("page_size"), "{error}");
}

#[tokio::test]
async fn get_ticket_shows_details_and_actions() {
    let app = spawn_app().await;
    let page = app.call_ok("search_tickets", json!({"page_size": 1})).await;
    let id = page["tickets"][0]["id"].as_i64().unwrap();
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": id})).await;
    assert_eq!(ticket["id"], id);
    assert!(ticket["recent_actions"].is_array());
    let missing = app
        .call_err("get_ticket", json!({"ticket_id": 999999}))
        .await;
    assert!(missing.contains("999999"), "{missing}");
}

#[tokio::test]
async fn get_assigned_tickets_defaults_to_me() {
    let app = spawn_app().await;
    let page = app.call_ok("get_assigned_tickets", json!({})).await;
    assert!(page["agent"]["id"].is_i64());
    let error = app
        .call_err("get_assigned_tickets", json!({"agent": "Nobody Atall"}))
        .await;
    assert!(error.contains("no agent matches"), "{error}");
}
