//! Arguments the way language models send them (issue 15): loose JSON types are accepted where
//! the meaning is certain, and every mistake is answered in plain words that name the argument,
//! say what it takes and give an example, before Halo is called.

use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};

fn halo_calls(app: &TestApp) -> usize {
    app.sandbox().request_log().len()
}

#[tokio::test]
async fn numbers_as_strings_and_ids_as_numbers_are_accepted() {
    let app = spawn_app().await;
    let ticket = app
        .call_ok(
            "get_ticket",
            json!({"ticket_id": "1001", "recent_actions": "2"}),
        )
        .await;
    assert_eq!(ticket["id"], 1001);
    // "name or id" arguments take a bare number as the id.
    let found = app
        .call_ok(
            "search_tickets",
            json!({"ticket_type": 1, "customer": 1, "page_size": "5", "open_only": "true"}),
        )
        .await;
    let tickets = found["tickets"].as_array().unwrap();
    assert!(!tickets.is_empty(), "{found}");
    assert!(
        tickets
            .iter()
            .all(|t| t["client_name"] == "Acorn Construction"),
        "{found}"
    );
    assert_eq!(found["page_size"], 5);
}

#[tokio::test]
async fn argument_mistakes_are_plain_words_naming_the_argument() {
    let app = spawn_app().await;
    let before = halo_calls(&app);
    let cases: &[(&str, Value, &str)] = &[
        (
            "get_ticket",
            json!({"ticket_id": "abc"}),
            "Invalid arguments: ticket_id must be a whole number such as 1001; got \"abc\"",
        ),
        (
            "get_ticket",
            json!({"ticket_id": 1.5}),
            "ticket_id must be a whole number such as 1001; got 1.5",
        ),
        (
            "get_ticket",
            json!({}),
            "ticket_id is required (The ticket number (id))",
        ),
        (
            "search_tickets",
            json!({"page_size": 500}),
            "page_size must be between 1 and 100; got 500",
        ),
        (
            "search_tickets",
            json!({"open_only": "sometimes"}),
            "open_only must be true or false; got \"sometimes\"",
        ),
        (
            "search_tickets",
            json!({"order_by": "priority"}),
            "order_by must be one of: date_opened, last_action, id, fix_by; got \"priority\"",
        ),
        (
            "search_tickets",
            json!({"status": true}),
            "status must be text; got true",
        ),
        (
            "log_time",
            json!({"ticket_id": 1001, "hours": "two"}),
            "hours must be a number such as 1.5; got \"two\"",
        ),
        (
            "search_tickets",
            json!({"ticket": 1001}),
            "unknown argument 'ticket'.",
        ),
    ];
    for (tool, args, expected) in cases {
        let error = app.call_err(tool, args.clone()).await;
        assert!(error.contains(expected), "{tool} {args}: {error}");
        for jargon in [
            "invalid type",
            "expected i64",
            "expected u32",
            "unknown variant",
            "`",
        ] {
            assert!(
                !error.contains(jargon),
                "{tool} {args}: serde wording: {error}"
            );
        }
    }
    assert_eq!(halo_calls(&app), before, "no mistake reached Halo");
}

#[tokio::test]
async fn ambiguous_dates_are_refused_and_accepted_forms_are_documented() {
    let app = spawn_app().await;
    let actions_before = app.sandbox().actions().len();
    let error = app
        .call_err(
            "log_time",
            json!({"ticket_id": 1001, "minutes": 30, "started": "11/10/2026"}),
        )
        .await;
    assert!(
        error.contains("could be 11 October 2026 or 10 November 2026")
            && error.contains("year-month-day"),
        "{error}"
    );
    let error = app
        .call_err(
            "log_time",
            json!({"ticket_id": 1001, "minutes": 30, "started": "next monday"}),
        )
        .await;
    assert!(
        error.contains("is not a date") && error.contains("\"yesterday\" (09:00 UTC)"),
        "{error}"
    );
    assert_eq!(app.sandbox().actions().len(), actions_before);
    // An unambiguous day-first date is fine and says what it was read as.
    let logged = app
        .call_ok(
            "log_time",
            json!({"ticket_id": 1001, "minutes": 30, "started": "13/11/2026"}),
        )
        .await;
    assert_eq!(logged["started"], "2026-11-13T09:00:00Z");
    // The relative words and their time of day and zone are in the argument's description.
    let listed = app.rpc("tools/list", json!({})).await;
    let log_time = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "log_time")
        .unwrap()
        .clone();
    let started = log_time["inputSchema"]["properties"]["started"]["description"]
        .as_str()
        .unwrap();
    for words in ["\"yesterday\"", "09:00 UTC", "ambiguous"] {
        assert!(started.contains(words), "{started}");
    }
}

#[tokio::test]
async fn every_free_text_argument_has_a_documented_limit_enforced_before_halo() {
    let app = spawn_app().await;
    let listed = app.rpc("tools/list", json!({})).await;
    for tool in listed["result"]["tools"].as_array().unwrap() {
        for (name, prop) in tool["inputSchema"]["properties"].as_object().unwrap() {
            if prop["type"] != "string" || prop.get("enum").is_some() {
                continue;
            }
            let max = prop["maxLength"]
                .as_u64()
                .unwrap_or_else(|| panic!("{}.{name} has no maxLength", tool["name"]));
            let description = prop["description"].as_str().unwrap();
            assert!(
                description.contains(&format!("At most {max} characters.")),
                "{}.{name}: {description}",
                tool["name"]
            );
        }
    }
    let before = halo_calls(&app);
    let huge = "printer ".repeat(10_000);
    let error = app.call_err("search_tickets", json!({"query": huge})).await;
    assert!(
        error.contains("query is 80000 characters long; the limit is 200"),
        "{error}"
    );
    assert!(!error.contains("Try again"), "{error}");
    let error = app
        .call_err(
            "add_ticket_note",
            json!({"ticket_id": 1001, "note": "x".repeat(20_001)}),
        )
        .await;
    assert!(
        error.contains("note is 20001 characters long; the limit is 20000"),
        "{error}"
    );
    let error = app
        .call_err(
            "create_ticket",
            json!({"summary": "s".repeat(251), "ticket_type": "Incident"}),
        )
        .await;
    assert!(
        error.contains("summary is 251 characters long; the limit is 250"),
        "{error}"
    );
    assert_eq!(halo_calls(&app), before, "nothing too long reached Halo");
}

#[tokio::test]
async fn runbook_inputs_are_typed_and_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let sandbox = app.sandbox.clone().unwrap();
    let listed = app.rpc("tools/list", json!({})).await;
    let onboard = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "onboard_new_starter")
        .unwrap()
        .clone();
    let props = &onboard["inputSchema"]["properties"];
    assert_eq!(props["email"]["type"], "string");
    assert_eq!(props["email"]["format"], "email");
    assert_eq!(props["start_date"]["format"], "date");
    assert!(
        props["start_date"]["description"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD"),
        "{props}"
    );
    let counts = || sandbox.read(|d| (d.users.len(), d.tickets.len(), d.actions.len()));
    let before = counts();
    let base = json!({"customer": "Birch Logistics", "first_name": "Nia", "surname": "Okafor",
        "email": "nia.okafor@birch.example"});
    let with = |key: &str, value: &str| {
        let mut args = base.clone();
        args[key] = json!(value);
        args
    };
    for (args, expected) in [
        (
            with("email", "not-an-email"),
            "email must be an e-mail address",
        ),
        (
            with("start_date", "2026-13-45"),
            "start_date must be a calendar date",
        ),
        (
            with("start_date", "next monday"),
            "start_date must be a calendar date",
        ),
        (with("first_name", &"N".repeat(101)), "the limit is 100"),
    ] {
        let error = app.call_err("onboard_new_starter", args.clone()).await;
        assert!(error.contains(expected), "{args}: {error}");
    }
    assert_eq!(counts(), before, "invalid input changed nothing in Halo");
    let run = app
        .call_ok("onboard_new_starter", with("start_date", "2026-12-01"))
        .await;
    assert_eq!(run["inputs_sent"]["start_date"], "2026-12-01");
    assert_eq!(counts().0, before.0 + 1, "a valid run creates the user");
}
