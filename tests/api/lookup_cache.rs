//! The lookup cache end to end (issue 14 item 2): names are resolved once per caller, never
//! shared between callers (what a name finds depends on what the caller may see), and the
//! caller's own agent record is asked of Halo once per token.

use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app_with};
use crate::support::sign_in::halo_service_token;

async fn token(app: &TestApp, scope: &str) -> String {
    let sandbox = app.sandbox_url.as_deref().expect("sandbox");
    halo_service_token(&app.http, sandbox, scope).await
}

/// Calls a tool as the holder of `bearer`; returns the tool result.
async fn call(app: &TestApp, bearer: &str, tool: &str, arguments: Value) -> Value {
    let response = app
        .http
        .post(&app.mcp_url)
        .bearer_auth(bearer)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": arguments}}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["result"].clone()
}

/// Requests that reached Halo's end-user list or one end user.
fn user_lookups(app: &TestApp) -> usize {
    app.sandbox()
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/users") || r.path.contains("/users/"))
        .count()
}

fn agent_me_calls(app: &TestApp) -> usize {
    app.sandbox()
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/agent/me"))
        .count()
}

#[tokio::test]
async fn names_are_cached_per_caller_and_never_shared() {
    let app = spawn_app_with(&[("MCP_AUTH_MODE", "halo-token")]).await;
    let everything = token(&app, "all").await;
    let another = token(&app, "all").await;
    let tickets_only = token(&app, "read:tickets").await;
    let ben = json!({"email": "ben.castle@contoso.com", "kind": "end_user"});

    let before = user_lookups(&app);
    let found = call(&app, &everything, "get_user_info", ben.clone()).await;
    assert_eq!(found["isError"], false, "{found}");
    let first = user_lookups(&app);
    assert!(first > before, "the first lookup asks Halo");

    let again = call(&app, &everything, "get_user_info", ben.clone()).await;
    assert_eq!(again["structuredContent"], found["structuredContent"]);
    assert_eq!(
        user_lookups(&app),
        first,
        "the same caller's repeat makes no Halo call"
    );

    // Another caller with the same rights asks Halo itself ...
    let theirs = call(&app, &another, "get_user_info", ben.clone()).await;
    assert_eq!(theirs["isError"], false, "{theirs}");
    let second = user_lookups(&app);
    assert!(second > first, "another caller's lookup asks Halo");

    // ... and a caller who may not read customers is refused by Halo, not served from the
    // cache of callers who may.
    let refused = call(&app, &tickets_only, "get_user_info", ben).await;
    assert!(user_lookups(&app) > second, "the narrower caller asks Halo");
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(
        !refused.to_string().contains("Acorn Construction"),
        "{refused}"
    );
}

#[tokio::test]
async fn the_callers_own_agent_record_is_asked_once_per_token() {
    let app = spawn_app_with(&[("MCP_AUTH_MODE", "halo-token")]).await;
    let bearer = token(&app, "all").await;
    let me = call(&app, &bearer, "get_user_info", json!({})).await;
    assert_eq!(me["isError"], false, "{me}");
    let after_first = agent_me_calls(&app);
    let again = call(&app, &bearer, "get_user_info", json!({})).await;
    assert_eq!(again["structuredContent"], me["structuredContent"]);
    assert_eq!(agent_me_calls(&app), after_first, "no second Agent/me");

    let other = token(&app, "all").await;
    call(&app, &other, "get_user_info", json!({})).await;
    assert!(agent_me_calls(&app) > after_first, "a new token asks Halo");
}

#[tokio::test]
async fn outcomes_of_a_ticket_type_are_asked_once_per_ttl() {
    let app = spawn_app_with(&[]).await;
    let outcome_lists = |app: &TestApp| {
        app.sandbox()
            .request_log()
            .iter()
            .filter(|r| r.method == "GET" && r.path.ends_with("/outcome"))
            .count()
    };
    let note = json!({"ticket_id": 1001, "note": "Checked the VPN logs."});
    let first = app.call_ok("add_ticket_note", note.clone()).await;
    let after_first = outcome_lists(&app);
    assert!(after_first >= 1, "{first}");
    app.call_ok("add_ticket_note", note).await;
    assert_eq!(
        outcome_lists(&app),
        after_first,
        "the second note reuses the list"
    );
}

/// Requests that reached Halo's customer list or one customer.
fn customer_lookups(app: &TestApp) -> usize {
    app.sandbox()
        .request_log()
        .iter()
        .filter(|r| r.path.ends_with("/client") || r.path.contains("/client/"))
        .count()
}

#[tokio::test]
async fn no_spelling_of_a_cached_customer_reaches_a_caller_who_may_not_see_it() {
    let app = spawn_app_with(&[("MCP_AUTH_MODE", "halo-token")]).await;
    let everything = token(&app, "all").await;
    let tickets_only = token(&app, "read:tickets").await;

    let mut found_id = None;
    for spelling in ["Acorn Construction", "  acorn   CONSTRUCTION "] {
        let found = call(
            &app,
            &everything,
            "search_tickets",
            json!({"customer": spelling}),
        )
        .await;
        assert_eq!(found["isError"], false, "{found}");
        found_id = found["structuredContent"]["tickets"][0]["client_id"].as_i64();
    }
    let acorn = found_id.expect("Acorn has tickets");

    // Every spelling, and the id itself, is asked of Halo for the narrower caller, which
    // refuses: the tickets of Acorn are never listed for them by way of another's lookup.
    for spelling in [
        "Acorn Construction".to_string(),
        " ACORN construction".to_string(),
        "acorn".to_string(),
        acorn.to_string(),
    ] {
        let before = customer_lookups(&app);
        let refused = call(
            &app,
            &tickets_only,
            "search_tickets",
            json!({"customer": spelling}),
        )
        .await;
        assert!(customer_lookups(&app) > before, "{spelling}: asks Halo");
        assert_eq!(refused["isError"], true, "{spelling}: {refused}");
    }
}
