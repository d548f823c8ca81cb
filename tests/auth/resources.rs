//! Resources are read as the signed-in Halo agent: without a sign-in `resources/*` gets the same
//! 401 challenge as tools, and with one the records are read with that agent's Halo session.

use serde_json::{Value, json};

use super::helpers::*;
use halo_mcp::startup::BuildOptions;

#[tokio::test]
async fn resources_need_a_sign_in_and_are_read_as_the_signed_in_agent() {
    let app = spawn(&oauth_vars(&token_key()), BuildOptions::default()).await;
    let anonymous = app
        .mcp(
            None,
            &[],
            "resources/read",
            json!({"uri": "halo://tickets/1001"}),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));

    let (access, _) = app.sign_in_sam().await;
    let access = access.as_str();

    // Sam takes ticket 1001, then reads it as a resource: the document names him as its agent.
    app.call_ok_as(
        Some(access),
        &[],
        "assign_ticket_to_me",
        json!({"ticket_id": 1001}),
    )
    .await;
    let read: Value = app
        .mcp(
            Some(access),
            &[],
            "resources/read",
            json!({"uri": "halo://tickets/1001"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let doc = read["result"]["contents"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("a document: {read}"));
    assert!(doc.contains("- **Agent:** Sam Taylor"), "{doc}");
    let listed: Value = app
        .mcp(Some(access), &[], "resources/list", json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        listed["result"]["resources"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{listed}"
    );
}
