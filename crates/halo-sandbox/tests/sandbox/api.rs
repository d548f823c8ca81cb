//! The REST API's contract: envelopes, paging, filters, upsert, actions, errors, scopes, roles,
//! reports, KB, services, timesheets and automation.

use halo_sandbox::demo;
use serde_json::{Value, json};

use super::common::*;
use crate::support::assert::{all_match, in_order, rows};

#[tokio::test]
async fn authinfo_needs_no_token_and_points_at_auth() {
    let sb = start().await;
    let v: Value = http()
        .get(sb.url().join("api/AuthInfo").expect("url"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["tenant_id"], demo::TENANT);
    assert_eq!(v["auth_url"], format!("{}auth", sb.url()));
}

#[tokio::test]
async fn envelopes_use_halo_keys() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    for (path, key) in [
        ("api/Tickets", "tickets"),
        ("api/Actions?ticket_id=1001", "actions"),
        ("api/KBArticle", "articles"),
        ("api/Service", "services"),
        ("api/Report", "reports"),
        ("api/Users", "users"),
        ("api/Client", "clients"),
        ("api/Site", "sites"),
        ("api/Team", "teams"),
        ("api/Status", "statuses"),
        ("api/Priority", "priorities"),
        ("api/TicketType", "tickettypes"),
    ] {
        let (status, v) = get(&sb, &t, path).await;
        assert_eq!(status, 200, "{path}");
        let rows = v[key]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: no {key} in {v}"));
        assert!(!rows.is_empty(), "{path}");
        assert!(v["record_count"].as_u64().is_some(), "{path}");
    }
    for path in ["api/Agent", "api/Outcome", "api/TimesheetEvent"] {
        let (status, v) = get(&sb, &t, path).await;
        assert_eq!(status, 200);
        assert!(v.is_array(), "{path} is a bare array");
    }
}

#[tokio::test]
async fn paths_are_case_insensitive_and_unknown_params_ignored() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, a) = get(&sb, &t, "api/Tickets").await;
    let (_, b) = get(&sb, &t, "API/tickets?no_such_param=1&another=x").await;
    assert_eq!(a["record_count"], b["record_count"]);
    let (status, _) = get(&sb, &t, "Api/TICKETS/1001").await;
    assert_eq!(status, 200);
    let log = sb.request_log();
    let last = log
        .iter()
        .rev()
        .find(|r| r.path == "/api/tickets")
        .expect("logged");
    assert!(last.query_params.contains(&"no_such_param".to_string()));
}

#[tokio::test]
async fn paging_is_one_based_and_capped_at_100() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let many: Vec<Value> = (0..120)
        .map(|i| json!({"summary": format!("bulk {i}"), "client_id": 1}))
        .collect();
    let (status, _) = post(&sb, &t, "api/Tickets", &Value::Array(many)).await;
    assert_eq!(status, 201);
    let (_, v) = get(
        &sb,
        &t,
        "api/Tickets?pageinate=true&page_size=500&page_no=1",
    )
    .await;
    assert_eq!(v["tickets"].as_array().map(Vec::len), Some(100));
    assert_eq!(v["page_size"], 100);
    let total = v["record_count"].as_u64().expect("count");
    assert_eq!(total, 150);
    let (_, p2) = get(
        &sb,
        &t,
        "api/Tickets?pageinate=true&page_size=100&page_no=2",
    )
    .await;
    assert_eq!(p2["tickets"].as_array().map(Vec::len), Some(50));
    let (_, c) = get(&sb, &t, "api/Tickets?count=7").await;
    assert_eq!(c["tickets"].as_array().map(Vec::len), Some(7));
    let (status, e) = get(&sb, &t, "api/Tickets?page_size=abc").await;
    assert_eq!(status, 400);
    assert!(e.get("page_size").is_some(), "{e}");
}

#[tokio::test]
async fn ticket_filters() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, v) = get(
        &sb,
        &t,
        &format!(
            "api/Tickets?client_id={}&open_only=true",
            demo::ACORN_CLIENT_ID
        ),
    )
    .await;
    all_match(
        rows(&v, "tickets"),
        "client_id and open_only filters",
        |r| {
            r["client_id"] == demo::ACORN_CLIENT_ID
                && r["status_id"] != demo::STATUS_CLOSED
                && r["status_id"] != demo::STATUS_RESOLVED
        },
    );
    let (_, v) = get(&sb, &t, "api/Tickets?search=outlook password").await;
    let ids: Vec<i64> = v["tickets"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert!(ids.contains(&1001) && ids.contains(&1007), "{ids:?}");
    let (_, v) = get(
        &sb,
        &t,
        &format!(
            "api/Tickets?requesttype_id={}",
            demo::TICKETTYPE_OPPORTUNITY
        ),
    )
    .await;
    all_match(rows(&v, "tickets"), "requesttype_id filter", |r| {
        r["tickettype_id"] == demo::TICKETTYPE_OPPORTUNITY
    });
    assert_eq!(v["record_count"], 3);
    let (_, v) = get(
        &sb,
        &t,
        &format!(
            "api/Tickets?agent_id={}&order=id&orderdesc=true",
            demo::TECH_AGENT_ID
        ),
    )
    .await;
    let tech_rows = rows(&v, "tickets");
    all_match(tech_rows, "agent_id filter", |r| {
        r["agent_id"] == demo::TECH_AGENT_ID
    });
    in_order(tech_rows, "order=id&orderdesc=true", |a, b| {
        a["id"].as_i64() > b["id"].as_i64()
    });
    let (_, v) = get(
        &sb,
        &t,
        &format!(
            "api/Tickets?user_id={}&status_id={}",
            demo::BEN_CASTLE_USER_ID,
            demo::STATUS_IN_PROGRESS
        ),
    )
    .await;
    all_match(rows(&v, "tickets"), "user_id and status_id filters", |r| {
        r["user_id"] == demo::BEN_CASTLE_USER_ID && r["status_id"] == demo::STATUS_IN_PROGRESS
    });
    let (tech, _) = agent_tokens(&sb, "sam", "sam-demo").await;
    let (_, mine) = get(&sb, &tech, "api/Tickets?mine=true").await;
    all_match(rows(&mine, "tickets"), "mine=true", |r| {
        r["agent_id"] == demo::TECH_AGENT_ID
    });
}

#[tokio::test]
async fn one_ticket_has_details_suggestions_and_deterministic_matches() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (status, v) = get(
        &sb,
        &t,
        "api/Tickets/1001?includedetails=true&includelastaction=true",
    )
    .await;
    assert_eq!(status, 200);
    for f in [
        "status_name",
        "tickettype_name",
        "priority_name",
        "agent_name",
        "user_email",
        "details_html",
        "customfields",
        "ai_suggestions",
        "ai_matched_tickets",
        "ai_matched_articles",
        "slaresponsestate",
    ] {
        assert!(v.get(f).is_some(), "missing {f}");
    }
    assert_eq!(v["user_email"], demo::BEN_CASTLE_EMAIL);
    let matched: Vec<i64> = v["ai_matched_tickets"]
        .as_array()
        .expect("m")
        .iter()
        .filter_map(|m| m["matched_id"].as_i64())
        .collect();
    assert_eq!(matched.first(), Some(&1007), "{matched:?}");
    assert_eq!(v["ai_matched_articles"][0]["matched_id"], 1);
    let (_, again) = get(&sb, &t, "api/Tickets/1001").await;
    assert_eq!(again["ai_matched_tickets"], v["ai_matched_tickets"]);
    let (status, body) = get(&sb, &t, "api/Tickets/999999").await;
    assert_eq!(status, 404);
    assert!(body.as_str().is_some_and(|s| s.contains("999999")));
    let (status, _) = get(&sb, &t, "api/Tickets/abc").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn upsert_creates_without_id_and_updates_with_id() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let before = sb.state().tickets().len();
    let (status, created) = post(&sb, &t, "api/Tickets", &json!([{"summary": "Laptop will not boot", "details": "<p>Black screen</p>", "tickettype_id": 1, "user_id": demo::BEN_CASTLE_USER_ID, "priority_id": 2}])).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["client_id"], demo::ACORN_CLIENT_ID);
    assert_eq!(created["status_id"], demo::STATUS_NEW);
    assert!(created["fixbydate"].is_string());
    assert_eq!(sb.state().tickets().len(), before + 1);
    let (status, updated) = post(&sb, &t, "api/Tickets", &json!([{"id": id, "agent_id": demo::TECH_AGENT_ID, "status_id": demo::STATUS_IN_PROGRESS}])).await;
    assert_eq!(status, 200);
    assert_eq!(updated["agent_id"], demo::TECH_AGENT_ID);
    assert_eq!(
        updated["summary"], "Laptop will not boot",
        "untouched fields kept"
    );
    assert_eq!(
        sb.state().tickets().len(),
        before + 1,
        "update did not create"
    );
    let (status, _) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!({"id": id, "status_id": demo::STATUS_CLOSED}),
    )
    .await;
    assert_eq!(status, 200, "bare object accepted");
    let closed = sb
        .state()
        .tickets()
        .into_iter()
        .find(|x| x.id == id)
        .expect("t");
    assert!(closed.dateclosed.is_some());
    let (status, two) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"summary": "a", "client_id": 2}, {"summary": "b", "client_id": 3}]),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(two.as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn validation_errors_are_halo_shaped_and_nothing_is_saved() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let before = sb.state().tickets().len();
    let (status, e) = post(&sb, &t, "api/Tickets", &json!([{"summary": "ok"}, {"details": "no summary", "tickettype_id": 77, "client_id": 999}])).await;
    assert_eq!(status, 400);
    assert!(e.get("[1].summary").is_some(), "{e}");
    assert!(e.get("[1].tickettype_id").is_some(), "{e}");
    assert!(e.get("[1].client_id").is_some(), "{e}");
    assert_eq!(sb.state().tickets().len(), before, "no partial batch");
    let (status, e) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"id": 424242, "status_id": 2}]),
    )
    .await;
    assert_eq!(status, 400);
    assert!(e.get("[0].id").is_some());
    let (status, _) = post(&sb, &t, "api/Tickets", &json!("nonsense")).await;
    assert_eq!(status, 400);
    let resp = http()
        .post(sb.url().join("api/Tickets").expect("u"))
        .bearer_auth(&t)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let (status, e) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"summary": "x", "client_id": 1, "site_id": 3}]),
    )
    .await;
    assert_eq!(status, 400, "site of another client: {e}");
}

#[tokio::test]
async fn ai_suggestions_apply() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, v) = get(&sb, &t, "api/Tickets/1004").await;
    let s = v["ai_suggestions"]
        .as_array()
        .expect("s")
        .iter()
        .find(|s| s["type"] == 4)
        .cloned()
        .expect("agent suggestion");
    let (status, after) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"id": 1004, "_apply_ai_suggestions": [s["id"]]}]),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(after["agent_id"], demo::TECH_AGENT_ID);
    let applied = after["ai_suggestions"]
        .as_array()
        .expect("s")
        .iter()
        .find(|x| x["id"] == s["id"])
        .cloned()
        .expect("s");
    assert_eq!(applied["applied"], true);
    assert!(applied["applied_date"].is_string());
    let (status, _) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"id": 1004, "_apply_ai_suggestions": [9999]}]),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn actions_change_status_agent_and_time() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let before = sb
        .state()
        .tickets()
        .into_iter()
        .find(|x| x.id == 1004)
        .expect("t");
    let (status, a) = post(&sb, &t, "api/Actions", &json!([{"ticket_id": 1004, "outcome": "Private Note", "note": "Checked the rollers", "timetaken": 0.5, "new_status": demo::STATUS_IN_PROGRESS, "new_agent": demo::SECOND_LINE_AGENT_ID}])).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["hiddenfromuser"], true, "private note defaults hidden");
    let after = sb
        .state()
        .tickets()
        .into_iter()
        .find(|x| x.id == 1004)
        .expect("t");
    assert_eq!(after.status_id, demo::STATUS_IN_PROGRESS);
    assert_eq!(after.agent_id, demo::SECOND_LINE_AGENT_ID);
    assert!((after.timetaken - before.timetaken - 0.5).abs() < 1e-9);
    assert!(after.lastactiondate > before.lastactiondate);
    let (_, resolved) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "outcome_id": demo::OUTCOME_CLOSE}]),
    )
    .await;
    assert_eq!(
        resolved["new_status"],
        demo::STATUS_CLOSED,
        "outcome's newstatus applies"
    );
    let (_, list) = get(&sb, &t, "api/Actions?ticket_id=1004").await;
    let actions = list["actions"].as_array().expect("rows");
    assert_eq!(actions[0]["outcome"], "Close Ticket", "newest first");
    let (_, conv) = get(&sb, &t, "api/Actions?ticket_id=1004&conversationonly=true").await;
    all_match(rows(&conv, "actions"), "conversationonly=true", |r| {
        r["hiddenfromuser"] == false
    });
    let id = a["id"].as_i64().expect("id");
    let (status, one) = get(&sb, &t, &format!("api/Actions/{id}?ticket_id=1004")).await;
    assert_eq!(status, 200);
    assert_eq!(one["note"], "Checked the rollers");
    let (status, e) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "outcome_id": 777, "new_status": 55}]),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        e.get("[0].outcome_id").is_some() && e.get("[0].new_status").is_some(),
        "{e}"
    );
    let (status, e) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "outcome": "Private Note"}]),
    )
    .await;
    assert_eq!(status, 400, "note required: {e}");
    let (status, _) = get(&sb, &t, "api/Actions").await;
    assert_eq!(status, 400, "ticket_id required");
}

#[tokio::test]
async fn auth_errors_401_403() {
    let sb = start().await;
    let resp = http()
        .get(sb.url().join("api/Tickets").expect("u"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    let v: Value = resp.json().await.expect("json");
    assert_eq!(v["error"], "invalid_token");
    let (status, _) = get(&sb, "not-a-token", "api/Tickets").await;
    assert_eq!(status, 401);
    let kb_only = service_token(&sb, "read:kb").await;
    let (status, body) = get(&sb, &kb_only, "api/Tickets").await;
    assert_eq!(status, 403);
    assert!(
        body.as_str().is_some_and(|s| s.contains("read:tickets")),
        "{body}"
    );
    assert_eq!(get(&sb, &kb_only, "api/KBArticle").await.0, 200);
    assert_eq!(
        get(&sb, &kb_only, "api/Agent/me").await.0,
        200,
        "directory needs no scope"
    );
    assert_eq!(get(&sb, &kb_only, "api/Report").await.0, 403);
    let read = service_token(&sb, "read:tickets").await;
    let (status, body) = post(&sb, &read, "api/Tickets", &json!([{"summary": "x"}])).await;
    assert_eq!(status, 403);
    assert!(body.as_str().is_some_and(|s| s.contains("edit:tickets")));
    let edit = service_token(&sb, "edit:tickets").await;
    assert_eq!(
        get(&sb, &edit, "api/Tickets").await.0,
        200,
        "edit implies read"
    );
}

#[tokio::test]
async fn read_only_role_cannot_write() {
    let sb = start().await;
    let (rob, _) = agent_tokens(&sb, "rob", "rob-demo").await;
    assert_eq!(get(&sb, &rob, "api/Tickets").await.0, 200);
    let (status, body) = post(
        &sb,
        &rob,
        "api/Tickets",
        &json!([{"id": 1001, "status_id": 2}]),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.as_str()
            .is_some_and(|s| s.contains("Your role does not allow"))
    );
    let (status, _) = post(
        &sb,
        &rob,
        "api/Actions",
        &json!([{"ticket_id": 1001, "outcome_id": 1, "note": "x"}]),
    )
    .await;
    assert_eq!(status, 403);
    let (_, me) = get(&sb, &rob, "api/Agent/me").await;
    assert_eq!(me["id"], demo::READONLY_AGENT_ID);
    let (status, u) = get(&sb, &rob, "api/Users/me").await;
    assert_eq!(status, 200);
    assert_eq!(u["linked_agent_id"], demo::READONLY_AGENT_ID);
}

#[tokio::test]
async fn directory_and_lookups() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, u) = get(&sb, &t, "api/Users?search=ben.castle@contoso.com").await;
    assert_eq!(u["record_count"], 1);
    assert_eq!(u["users"][0]["id"], demo::BEN_CASTLE_USER_ID);
    assert_eq!(u["users"][0]["client_name"], "Acorn Construction");
    let (_, c) = get(&sb, &t, "api/Client?search=acorn").await;
    assert_eq!(c["clients"][0]["id"], demo::ACORN_CLIENT_ID);
    let (_, s) = get(
        &sb,
        &t,
        &format!("api/Site?client_id={}", demo::ACORN_CLIENT_ID),
    )
    .await;
    assert_eq!(s["record_count"], 2);
    let (_, p) = get(&sb, &t, "api/Priority").await;
    let first = &p["priorities"][0];
    assert!(
        first["id"].as_str().is_some_and(|g| g.len() == 36),
        "GUID id"
    );
    assert_eq!(first["priorityid"], 1);
    assert_eq!(
        get(&sb, &t, "api/Priority/1").await.0,
        404,
        "integer priority id is a 404"
    );
    let guid = first["id"].as_str().expect("guid");
    assert_eq!(get(&sb, &t, &format!("api/Priority/{guid}")).await.0, 200);
    let (_, types) = get(&sb, &t, "api/TicketType").await;
    assert!(
        types["tickettypes"]
            .as_array()
            .expect("t")
            .iter()
            .any(|t| t["name"] == "Opportunity" && t["id"] == demo::TICKETTYPE_OPPORTUNITY)
    );
    let (_, st) = get(&sb, &t, "api/Status").await;
    assert!(
        st["statuses"]
            .as_array()
            .expect("s")
            .iter()
            .any(|s| s["id"] == 9 && s["name"] == "Closed")
    );
    let (_, o) = get(&sb, &t, "api/Outcome").await;
    let o0 = &o[0];
    for f in [
        "id",
        "outcome",
        "buttonname",
        "systemid",
        "hidden",
        "newstatus",
        "hidefromuser",
        "sendemail",
        "defaultagent",
        "defaultteam",
        "mustaddnote",
    ] {
        assert!(o0.get(f).is_some(), "outcome field {f}");
    }
    let (_, agents) = get(&sb, &t, "api/Agent?team=Second Line").await;
    all_match(agents.as_array().expect("agents"), "Agent?team=", |a| {
        a["team"] == "Second Line"
    });
    assert_eq!(get(&sb, &t, "api/Agent/2").await.1["name"], "Sam Taylor");
    assert_eq!(get(&sb, &t, "api/Users/99999").await.0, 404);
}

#[tokio::test]
async fn kb_and_services() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, kb) = get(&sb, &t, "api/KBArticle?search=vpn").await;
    assert_eq!(kb["articles"][0]["name"], "Connecting to the company VPN");
    let (_, rel) = get(&sb, &t, "api/KBArticle?related_to_ticket=1004").await;
    assert_eq!(rel["articles"][0]["id"], 3);
    let (status, one) = get(&sb, &t, "api/KBArticle/3?includedetails=true").await;
    assert_eq!(status, 200);
    assert!(
        one["resolution_html"]
            .as_str()
            .is_some_and(|s| s.contains("tray 2"))
    );
    let (_, svc) = get(
        &sb,
        &t,
        &format!("api/Service?user_id={}", demo::BEN_CASTLE_USER_ID),
    )
    .await;
    let rows = svc["services"].as_array().expect("s");
    assert_eq!(rows.len(), 8);
    let not_have = rows
        .iter()
        .filter(|s| s["user_subscribed"] == false)
        .count();
    assert!(not_have >= 3);
    let (_, subs) = get(
        &sb,
        &t,
        &format!(
            "api/Service?user_id={}&subscribedonly=true",
            demo::BEN_CASTLE_USER_ID
        ),
    )
    .await;
    assert_eq!(subs["record_count"], demo::ACORN_SERVICE_IDS.len());
    assert_eq!(get(&sb, &t, "api/Service/1").await.0, 200);
}

#[tokio::test]
async fn reports_compute_rows_and_report_errors_with_200() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, list) = get(&sb, &t, "api/Report?search=whitespace").await;
    assert_eq!(list["reports"][0]["id"], demo::WHITESPACE_REPORT_ID);
    let (status, ws) = get(
        &sb,
        &t,
        &format!(
            "api/Report/{}?loadreport=true&clientname=Acorn Construction",
            demo::WHITESPACE_REPORT_ID
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ws["report"]["load_error"], "");
    let rows = ws["report"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 8);
    assert!(
        rows.iter()
            .filter(|r| r["Status"] == "Does NOT have")
            .count()
            >= 3
    );
    assert!(
        rows.iter()
            .any(|r| r["Service"] == "Managed Backup" && r["Status"] == "Has")
    );
    let (status, no_client) = get(
        &sb,
        &t,
        &format!("api/Report/{}?loadreport=true", demo::WHITESPACE_REPORT_ID),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        no_client["report"]["load_error"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(
        no_client["report"]["rows"].as_array().map(Vec::len),
        Some(0)
    );
    let (_, unknown) = get(
        &sb,
        &t,
        &format!(
            "api/Report/{}?loadreport=true&client_id=999",
            demo::WHITESPACE_REPORT_ID
        ),
    )
    .await;
    assert!(
        unknown["report"]["load_error"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    let (_, sla) = get(
        &sb,
        &t,
        &format!("api/Report/{}?loadreport=true", demo::MISSED_SLA_REPORT_ID),
    )
    .await;
    let rows = sla["report"]["rows"].as_array().expect("rows");
    assert!(!rows.is_empty());
    assert!(rows.iter().any(|r| r["Missed SLA"].as_i64() > Some(0)));
    for c in [
        "Technician",
        "Month",
        "Tickets Closed",
        "Missed SLA",
        "Missed SLA %",
    ] {
        assert!(rows[0].get(c).is_some(), "{c}");
    }
    let (_, last) = get(
        &sb,
        &t,
        &format!(
            "api/Report/{}?loadreport=true&reportingperiod=lastmonth",
            demo::MISSED_SLA_REPORT_ID
        ),
    )
    .await;
    assert!(
        !last["report"]["rows"].as_array().expect("rows").is_empty(),
        "last month has data"
    );
    let (status, broken) = get(
        &sb,
        &t,
        &format!("api/Report/{}?loadreport=true", demo::BROKEN_REPORT_ID),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        broken["report"]["load_error"]
            .as_str()
            .is_some_and(|s| s.contains("Invalid column"))
    );
    assert_eq!(get(&sb, &t, "api/Report/77").await.0, 404);
}

#[tokio::test]
async fn timesheets_respect_editmine() {
    let sb = start().await;
    let (sam, _) = agent_tokens(&sb, "sam", "sam-demo").await;
    let entry = json!([{"ticket_id": 1001, "start_date": "2026-11-20T09:00:00Z", "end_date": "2026-11-20T10:30:00Z", "note": "Investigated Outlook", "subject": "1001"}]);
    let (status, saved) = post(&sb, &sam, "api/TimesheetEvent", &entry).await;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["agent_id"], demo::TECH_AGENT_ID);
    assert!((saved["timetaken"].as_f64().unwrap_or(0.0) - 1.5).abs() < 1e-9);
    let (_, list) = get(
        &sb,
        &sam,
        "api/TimesheetEvent?start_date=2026-11-20&end_date=2026-11-21",
    )
    .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (status, _) = post(&sb, &sam, "api/TimesheetEvent", &json!([{"agent_id": demo::ADMIN_AGENT_ID, "start_date": "2026-11-20T09:00:00Z", "end_date": "2026-11-20T10:00:00Z"}])).await;
    assert_eq!(status, 403, "a technician cannot log time for others");
    let mine = service_token(&sb, "editMine:timesheets").await;
    let (status, _) = get(
        &sb,
        &mine,
        &format!("api/TimesheetEvent?agent_id={}", demo::TECH_AGENT_ID),
    )
    .await;
    assert_eq!(status, 403, "editMine covers only the caller's own entries");
    let (status, _) = post(
        &sb,
        &sam,
        "api/TimesheetEvent",
        &json!([{"start_date": "nope", "end_date": "2026-11-20T10:00:00Z"}]),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn automation_runs_a_runbook() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, list) = get(&sb, &t, "api/Automation").await;
    assert_eq!(list["automations"].as_array().map(Vec::len), Some(2));
    let before = sb
        .state()
        .actions()
        .iter()
        .filter(|a| a.ticket_id == 1001)
        .count();
    let (status, run) = post(
        &sb,
        &t,
        &format!("api/Automation/{}", demo::RESET_PASSWORD_RUNBOOK_ID),
        &json!({"inputs": {"user_id": demo::BEN_CASTLE_USER_ID, "ticket_id": 1001}}),
    )
    .await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["status"], "Completed");
    assert_eq!(
        sb.state()
            .actions()
            .iter()
            .filter(|a| a.ticket_id == 1001)
            .count(),
        before + 1
    );
    let (status, e) = post(
        &sb,
        &t,
        &format!("api/Automation/{}", demo::ONBOARD_STARTER_RUNBOOK_ID),
        &json!({"firstname": "Ada"}),
    )
    .await;
    assert_eq!(status, 400, "{e}");
    let (status, run) = post(&sb, &t, &format!("api/Automation/{}", demo::ONBOARD_STARTER_RUNBOOK_ID), &json!({"client_id": 1, "firstname": "Ada", "surname": "Lovelace", "emailaddress": "ada@contoso.com"})).await;
    assert_eq!(status, 200);
    let tid = run["output"]["ticket_id"].as_i64().expect("ticket");
    assert_eq!(get(&sb, &t, &format!("api/Tickets/{tid}")).await.0, 200);
    assert_eq!(
        post(
            &sb,
            &t,
            "api/Automation/00000000-0000-0000-0000-000000000000",
            &json!({})
        )
        .await
        .0,
        404
    );
}
