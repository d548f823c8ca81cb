//! People and services end to end: Get User Info (the caller, end users, agents, ambiguity) and
//! Search Service Catalogue (per-user subscriptions, paging).

use halo_sandbox::demo::{ACORN_SERVICE_IDS, API_AGENT_ID, BEN_CASTLE_USER_ID};
use serde_json::json;

use crate::support::app::spawn_app;

#[tokio::test]
async fn get_user_info_without_arguments_is_the_caller() {
    let app = spawn_app().await;
    let me = app.call_ok("get_user_info", json!({})).await;
    assert_eq!(me["kind"], "agent");
    assert_eq!(me["id"], API_AGENT_ID);
    assert_eq!(me["is_you"], true);
}

#[tokio::test]
async fn get_user_info_finds_end_users_and_agents() {
    let app = spawn_app().await;
    let ben = app
        .call_ok("get_user_info", json!({"email": "ben.castle@contoso.com"}))
        .await;
    assert_eq!(ben["kind"], "end_user");
    assert_eq!(ben["id"], BEN_CASTLE_USER_ID);
    assert_eq!(ben["client_name"], "Acorn Construction");
    assert_eq!(ben["site_name"], "Acorn HQ");

    // Sam is an agent with his own end-user record: one person, shown as the agent.
    let sam = app
        .call_ok("get_user_info", json!({"name": "Sam Taylor"}))
        .await;
    assert_eq!(sam["kind"], "agent");
    assert_eq!(sam["linked_end_user"]["kind"], "end_user");
    assert_eq!(sam["teams"], json!(["Service Desk"]));

    let by_id = app
        .call_ok("get_user_info", json!({"id": 2, "kind": "agent"}))
        .await;
    assert_eq!(by_id["name"], "Sam Taylor");
    let user_2 = app.call_ok("get_user_info", json!({"id": 2})).await;
    assert_eq!(user_2["name"], "Alicia Stone");
}

#[tokio::test]
async fn get_user_info_explains_misses_and_ambiguity() {
    let app = spawn_app().await;
    let error = app
        .call_err("get_user_info", json!({"name": "Ma", "kind": "end_user"}))
        .await;
    assert!(
        error.contains("more than one")
            && error.contains("Marcus Flint")
            && error.contains("Maya Patel"),
        "{error}"
    );
    let error = app.call_err("get_user_info", json!({"name": "Ali"})).await;
    assert!(
        error.contains("more than one person")
            && error.contains("Alicia Stone")
            && error.contains("Alice Admin"),
        "{error}"
    );
    let error = app
        .call_err("get_user_info", json!({"email": "nobody@nowhere.example"}))
        .await;
    assert!(error.contains("No person matches"), "{error}");
    let error = app.call_err("get_user_info", json!({"id": 999})).await;
    assert!(error.contains("No end user with id 999"), "{error}");
    let error = app
        .call_err("get_user_info", json!({"id": 1, "name": "Ben"}))
        .await;
    assert!(error.contains("one of email, name or id"), "{error}");
    let error = app
        .call_err("get_user_info", json!({"kind": "robot", "name": "x"}))
        .await;
    assert!(error.contains("robot"), "{error}");
}

#[tokio::test]
async fn search_service_catalogue_shows_what_a_user_can_request() {
    let app = spawn_app().await;
    let all = app.call_ok("search_service_catalogue", json!({})).await;
    assert_eq!(all["record_count"], 8);
    assert_eq!(all["has_more"], false);

    let ben = app
        .call_ok(
            "search_service_catalogue",
            json!({"user": "Ben.Castle@contoso.com", "subscribed_only": true}),
        )
        .await;
    assert_eq!(ben["user"]["client_name"], "Acorn Construction");
    let mut ids: Vec<i64> = ben["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ACORN_SERVICE_IDS);
    assert!(ben["services"][0]["user_subscribed"] == true);
    assert_eq!(
        ben["services"][0]["request_tickettype_name"],
        "Service Request"
    );

    let backup = app
        .call_ok(
            "search_service_catalogue",
            json!({"query": "backup", "page_size": 1}),
        )
        .await;
    assert_eq!(backup["services"][0]["name"], "Managed Backup");

    let error = app
        .call_err("search_service_catalogue", json!({"subscribed_only": true}))
        .await;
    assert!(error.contains("subscribed_only needs a user"), "{error}");
    let error = app
        .call_err("search_service_catalogue", json!({"user": "Nobody Atall"}))
        .await;
    assert!(error.contains("no end user matches"), "{error}");
}
