//! The sandbox answers dates as real Halo does (seven fractional digits; unset dates as the
//! `1900-01-01T00:00:00` sentinel), so every tool must read them through `halo::dates`: no
//! sentinel may reach a tool's output as if it were a real date, and no SLA state is reported
//! for a ticket without an SLA target.

use serde_json::{Value, json};

use crate::support::app::spawn_app;

const SENTINEL_YEARS: &[&str] = &["1900-", "0001-", "1899-"];

fn assert_no_sentinel(tool: &str, out: &Value) {
    let text = out.to_string();
    for year in SENTINEL_YEARS {
        assert!(
            !text.contains(year),
            "{tool} shows a sentinel date {year}: {text}"
        );
    }
}

/// Every date-looking string in `out` is UTC to the second (`…T…Z`, no fraction).
fn assert_dates_normalised(tool: &str, out: &Value) {
    match out {
        Value::String(s) if s.len() >= 19 && s.as_bytes().get(10) == Some(&b'T') => {
            assert!(
                s.ends_with('Z') && !s.contains('.'),
                "{tool}: date not normalised: {s}"
            );
        }
        Value::Array(a) => a.iter().for_each(|v| assert_dates_normalised(tool, v)),
        Value::Object(m) => m.values().for_each(|v| assert_dates_normalised(tool, v)),
        _ => {}
    }
}

#[tokio::test]
async fn no_sentinel_date_reaches_any_tool_output() {
    let app = spawn_app().await;
    let calls = [
        ("search_tickets", json!({"page_size": 50})),
        (
            "search_tickets",
            json!({"status": "Closed", "page_size": 50}),
        ),
        ("get_assigned_tickets", json!({})),
        ("get_ticket", json!({"ticket_id": 1004})),
        ("get_ticket", json!({"ticket_id": 1005})),
        ("get_ticket", json!({"ticket_id": 1006})),
        ("get_ticket", json!({"ticket_id": 1011})),
        ("get_ticket_matches", json!({"ticket_id": 1001})),
        (
            "search_knowledge_base",
            json!({"query": "outlook password"}),
        ),
        ("get_article", json!({"article_id": 1})),
        ("get_user_info", json!({"email": "ben.castle@contoso.com"})),
    ];
    for (tool, args) in calls {
        let out = app.call_ok(tool, args.clone()).await;
        assert_no_sentinel(tool, &out);
        assert_dates_normalised(tool, &out);
    }
}

#[tokio::test]
async fn unset_dates_are_absent_and_set_ones_parse_from_seven_digits() {
    let app = spawn_app().await;
    // Open ticket: never closed, so no closing date.
    let open = app.call_ok("get_ticket", json!({"ticket_id": 1004})).await;
    let open = open.get("ticket").unwrap_or(&open);
    assert!(open.get("date_closed").is_none(), "{open}");
    assert!(
        open["date_opened"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z'))
    );
    // An opportunity runs outside SLA: no targets and no SLA state.
    let opp = app.call_ok("get_ticket", json!({"ticket_id": 1005})).await;
    let opp = opp.get("ticket").unwrap_or(&opp);
    for field in ["respond_by", "fix_by", "sla_response_state"] {
        assert!(
            opp.get(field).is_none(),
            "{field} shown for a ticket without SLA: {opp}"
        );
    }
    // A closed ticket's closing date (seven fractional digits on the wire) is shown.
    let closed = app.call_ok("get_ticket", json!({"ticket_id": 1006})).await;
    let closed = closed.get("ticket").unwrap_or(&closed);
    assert!(
        closed["date_closed"]
            .as_str()
            .is_some_and(|d| d.len() == 20),
        "{closed}"
    );
}

#[tokio::test]
async fn tickets_without_the_sort_date_come_last_not_first() {
    let app = spawn_app().await;
    // Halo orders the sentinel as the earliest date; soonest fix-by first must not lead with the
    // opportunities, which have no fix-by target at all.
    let page = app
        .call_ok(
            "search_tickets",
            json!({"order_by": "fix_by", "descending": false, "page_size": 100}),
        )
        .await;
    let tickets = page["tickets"].as_array().expect("tickets");
    let has: Vec<bool> = tickets.iter().map(|t| t.get("fix_by").is_some()).collect();
    assert!(has.contains(&false) && has[0], "{page}");
    let first_unset = has.iter().position(|h| !h).expect("an unset one");
    assert!(has[first_unset..].iter().all(|h| !h), "{has:?}");
    let dates: Vec<&str> = tickets
        .iter()
        .filter_map(|t| t["fix_by"].as_str())
        .collect();
    crate::support::assert::in_order(&dates, "still soonest first", |a, b| a <= b);
}
