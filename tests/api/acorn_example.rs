//! The documented Copilot Studio example, performed as the MCP tool calls an agent makes:
//! "Get me the whitespace report and then log a ticket with ticket type: opportunity for all
//! services that the customer Acorn Construction currently doesn't have. Make one ticket per
//! service marked as Does NOT have within the report. Assign the tickets to
//! Ben.Castle@contoso.com of the customer. Make the summary and description of the ticket the
//! name of the service, e.g. Summary: Acorn Construction - {Service Name}."

use std::collections::BTreeMap;

use halo_sandbox::demo;
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app};

/// The services the report marks "Does NOT have", read the way an agent reads the table.
async fn services_acorn_lacks(app: &TestApp) -> Vec<String> {
    let report = app
        .call_ok(
            "Whitespace_Report",
            json!({"customer": "Acorn Construction"}),
        )
        .await;
    assert_eq!(
        report["has_more"], false,
        "the whole report fits in one call"
    );
    let columns = report["columns"].as_array().expect("columns");
    let index = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("column {name} in {columns:?}"))
    };
    let (service, status) = (index("Service"), index("Status"));
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row[status] == "Does NOT have")
        .map(|row| row[service].as_str().expect("service name").to_string())
        .collect()
}

/// What the sandbox says Acorn lacks: every catalogue service without an Acorn subscription.
fn expected_services(app: &TestApp) -> Vec<String> {
    app.sandbox().read(|d| {
        d.services
            .iter()
            .filter(|s| !d.subscriptions.contains(&(demo::ACORN_CLIENT_ID, s.id)))
            .map(|s| s.name.clone())
            .collect()
    })
}

/// Acorn Opportunity tickets whose summary has the example's form, counted by summary.
fn opportunity_tickets(app: &TestApp) -> BTreeMap<String, Vec<halo_sandbox::model::Ticket>> {
    let mut by_summary: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for t in app.sandbox().tickets() {
        if t.tickettype_id == demo::TICKETTYPE_OPPORTUNITY
            && t.client_id == demo::ACORN_CLIENT_ID
            && t.summary.starts_with("Acorn Construction - ")
        {
            by_summary.entry(t.summary.clone()).or_default().push(t);
        }
    }
    by_summary
}

#[tokio::test]
async fn whitespace_report_then_one_opportunity_per_missing_service() {
    let app = spawn_app().await;
    assert!(
        opportunity_tickets(&app).is_empty(),
        "the demo starts without them"
    );

    // 1. The agent runs the whitespace report for the customer.
    let lacking = services_acorn_lacks(&app).await;
    let expected = expected_services(&app);
    assert!(!expected.is_empty());
    assert_eq!(
        lacking, expected,
        "the report shows exactly what Acorn lacks"
    );

    // 2. One create_ticket call per "Does NOT have" service.
    let mut created: Vec<(i64, String)> = Vec::new();
    for service in &lacking {
        let text = format!("Acorn Construction - {service}");
        let ticket: Value = app
            .call_ok(
                "create_ticket",
                json!({
                    "ticket_type": "Opportunity",
                    "customer": "Acorn Construction",
                    "end_user": "Ben.Castle@contoso.com",
                    "summary": text,
                    "details": text,
                }),
            )
            .await;
        let id = ticket["id"].as_i64().expect("created ticket id");
        assert_eq!(ticket["tickettype_name"], "Opportunity", "{ticket}");
        created.push((id, text));
    }

    // 3. The sandbox holds exactly those tickets, each once, as the example asks.
    let held = opportunity_tickets(&app);
    let expected_summaries: Vec<String> = expected
        .iter()
        .map(|s| format!("Acorn Construction - {s}"))
        .collect();
    assert_eq!(
        held.keys().cloned().collect::<Vec<_>>(),
        {
            let mut sorted = expected_summaries.clone();
            sorted.sort();
            sorted
        },
        "one ticket per missing service and no others"
    );
    for (summary, tickets) in &held {
        assert_eq!(tickets.len(), 1, "{summary} was logged once");
        let t = &tickets[0];
        assert_eq!(t.user_id, demo::BEN_CASTLE_USER_ID, "{summary}: end user");
        assert!(
            t.details.contains(summary.as_str()),
            "{summary}: details carry the same text, got {}",
            t.details
        );
        assert!(created.iter().any(|(id, s)| *id == t.id && s == summary));
    }
}

#[tokio::test]
async fn the_bound_create_opportunity_tool_does_the_same() {
    let app = spawn_app().await;
    let lacking = services_acorn_lacks(&app).await;
    assert!(!lacking.is_empty(), "the demo has services Acorn lacks");
    for service in &lacking {
        let text = format!("Acorn Construction - {service}");
        app.call_ok(
            "create_opportunity",
            json!({
                "customer": "Acorn Construction",
                "end_user": demo::BEN_CASTLE_EMAIL,
                "summary": text,
                "details": text,
            }),
        )
        .await;
    }
    let held = opportunity_tickets(&app);
    assert_eq!(
        held.len(),
        expected_services(&app).len(),
        "one ticket per missing service"
    );
    let tickets: Vec<_> = held.values().collect();
    crate::support::assert::all_match(&tickets, "bound create tickets", |t| {
        t.len() == 1 && t[0].team == "Sales"
    });
}
