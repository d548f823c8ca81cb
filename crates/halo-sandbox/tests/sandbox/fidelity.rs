//! Where third-party Halo clients showed the sandbox differing from a stock Halo (issue 18), the
//! sandbox now answers as Halo does. Each test names its evidence; "inferred" choices are listed
//! in docs/sandbox.md.

use halo_sandbox::demo;
use serde_json::{Value, json};

use super::common::*;

fn ids(v: &Value) -> Vec<i64> {
    v["tickets"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t["id"].as_i64()).collect())
        .unwrap_or_default()
}

// Evidence: CIPP hard-codes `outcome_id: 7` with `outcome: "Private Note"` for its internal notes
// (KelvinTegelaar/CIPP-API Modules/CippExtensions/Public/Halo/New-HaloPSATicket.ps1; CyberDrain/CIPP
// PR #106). On a stock Halo 7 is the internal note, so CIPP's request must not close the ticket.
#[tokio::test]
async fn outcome_7_is_the_internal_note_and_leaves_the_ticket_open() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (status, o) = get(&sb, &t, "api/Outcome/7").await;
    assert_eq!(status, 200);
    assert_eq!(o["outcome"], "Private Note");
    assert_eq!(o["hidefromuser"], true);
    let (status, a) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1001, "outcome": "Private Note", "outcome_id": 7,
                 "hiddenfromuser": true, "note_html": "<p>CIPP alert</p>"}]),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["outcome_id"], 7);
    let (_, ticket) = get(&sb, &t, "api/Tickets/1001").await;
    assert_eq!(ticket["hasbeenclosed"], false);
    assert_eq!(ticket["status_id"], demo::STATUS_IN_PROGRESS);
    assert_eq!(
        demo::OUTCOME_PRIVATE_NOTE,
        7,
        "the demo constant follows Halo"
    );
}

// Evidence: Halo's OpenAPI document lists these `/Tickets` filters (`datesearch` spelled
// `dateoccured` in its description, `category_1`/`sla`/`flagged` as "array of int", `username`,
// `asset_id`, `withattachments`, `search_reportedby`); before, each answered the whole list.
#[tokio::test]
async fn documented_ticket_filters_filter() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, all) = get(&sb, &t, "api/Tickets?count=1000").await;
    let total = all["record_count"].as_i64().expect("count");
    let mut seen = Vec::new();
    for q in [
        "asset_id=1",
        "withattachments=true",
        "flagged=1",
        "sla=2",
        "category_1=3",
        "username=Ben%20Castle",
        "search_reportedby=castle",
        "datesearch=dateoccured&startdate=2000-01-01&enddate=2000-12-31",
    ] {
        let (status, v) = get(&sb, &t, &format!("api/Tickets?{q}")).await;
        assert_eq!(status, 200, "{q}: {v}");
        let n = v["record_count"].as_i64().expect("count");
        assert!(n < total, "{q} did not filter ({n} of {total})");
        seen.push((q, ids(&v)));
    }
    assert_eq!(seen[0].1, vec![1001], "Ben Castle's laptop ticket");
    assert_eq!(seen[1].1, vec![1004, 1012]);
    // Premium SLA = Acorn's tickets, minus the opportunity outside SLA.
    let (_, acorn) = get(&sb, &t, "api/Tickets?client_id=1&count=100").await;
    assert_eq!(seen[3].1.len() + 1, ids(&acorn).len());
    assert!(seen[7].1.is_empty(), "nothing opened in 2000");
    // Both spellings of the opened date, and the closed date, search the right field.
    let since = (chrono::Utc::now() - chrono::Duration::days(2)).format("%Y-%m-%d");
    let (_, a) = get(
        &sb,
        &t,
        &format!("api/Tickets?datesearch=dateoccurred&startdate={since}"),
    )
    .await;
    let (_, b) = get(
        &sb,
        &t,
        &format!("api/Tickets?datesearch=dateoccured&startdate={since}"),
    )
    .await;
    assert_eq!(ids(&a), ids(&b));
    assert!(!ids(&a).is_empty() && ids(&a).len() < total as usize);
    let (_, closed) = get(
        &sb,
        &t,
        "api/Tickets?datesearch=datecleared&startdate=2000-01-01",
    )
    .await;
    let (_, closed_only) = get(&sb, &t, "api/Tickets?closed_only=true&count=100").await;
    assert_eq!(closed["record_count"], closed_only["record_count"]);
}

// Bad input: malformed filter values get Halo's 400 naming the parameter, never the full list.
#[tokio::test]
async fn malformed_filter_values_are_400_with_the_field() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    for (q, field) in [
        ("datesearch=dateoccured&startdate=yesterday", "startdate"),
        ("datesearch=dateoccured&enddate=2026-13-45", "enddate"),
        ("datesearch=whenever&startdate=2026-01-01", "datesearch"),
        ("startdate=2026-01-01", "datesearch"),
        ("category_1=hardware", "category_1"),
        ("sla=1,two", "sla"),
        ("flagged=yes", "flagged"),
        ("asset_id=laptop", "asset_id"),
        ("withattachments=maybe", "withattachments"),
        ("ticketids=1001,x", "ticketids"),
    ] {
        let (status, v) = get(&sb, &t, &format!("api/Tickets?{q}")).await;
        assert_eq!(status, 400, "{q}: {v}");
        assert!(v[field].is_string(), "{q}: {v}");
    }
    let (status, v) = get(&sb, &t, "api/Asset?client_id=acorn").await;
    assert_eq!(status, 400);
    assert!(v["client_id"].is_string());
}

// Evidence: alex-thorne/haloitsm-mcp c408fcf (src/halo_mcp/client.py `_extract_page`), fixed
// against a real instance: a paged `/Agent` wraps its rows under `results`.
#[tokio::test]
async fn paged_agent_list_is_an_object_under_results() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, bare) = get(&sb, &t, "api/Agent").await;
    assert!(bare.is_array());
    let (status, v) = get(&sb, &t, "api/Agent?pageinate=true&page_size=2&page_no=1").await;
    assert_eq!(status, 200);
    assert_eq!(v["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        v["record_count"].as_u64(),
        bare.as_array().map(|a| a.len() as u64)
    );
}

// Evidence: homotechsual/HaloAPI Tests/EndToEnd/Action.E2E.Tests.ps1 creates an action with
// `outcome = 'New'` (free text) against a real tenant, and expects a 400 without an outcome.
#[tokio::test]
async fn free_text_outcome_is_saved_and_a_missing_one_is_halos_exception() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (status, a) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "outcome": "Note", "note": "free text outcome"}]),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["outcome"], "Note");
    let (_, ticket) = get(&sb, &t, "api/Tickets/1004").await;
    assert_eq!(ticket["status_id"], demo::STATUS_NEW, "no side effects");
    // A name that is a configured outcome still runs it.
    let (_, a) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "outcome": "close ticket"}]),
    )
    .await;
    assert_eq!(a["outcome_id"], demo::OUTCOME_CLOSE);
    let (status, e) = post(
        &sb,
        &t,
        "api/Actions",
        &json!([{"ticket_id": 1004, "note": "no outcome"}]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(e["ClassName"], "System.Exception");
    assert_eq!(e["Message"], "An Outcome must be entered for this Action");
}

// Evidence: shared/docs/halo-api.md §1 — hosted Halo needs `?tenant=` naming the tenant on the
// auth endpoints (n8n, HaloAPI, the MCP servers), while `{instance}/auth/token` without one is the
// on-premise form. A wrong tenant, in the query or the form, is refused.
#[tokio::test]
async fn a_wrong_tenant_gets_no_token() {
    let sb = start().await;
    let creds = [
        ("grant_type", "client_credentials"),
        ("client_id", demo::SERVICE_CLIENT_ID),
        ("client_secret", demo::SERVICE_CLIENT_SECRET),
        ("scope", "all"),
    ];
    let token_url = |tenant: &str| {
        let mut u = sb.url().join("auth/token").expect("url");
        u.query_pairs_mut().append_pair("tenant", tenant);
        u
    };
    for (url, extra) in [
        (token_url("someone-else"), None),
        (
            sb.url().join("auth/token").expect("url"),
            Some(("tenant", "someone-else")),
        ),
    ] {
        let mut form = creds.to_vec();
        form.extend(extra);
        let r = http().post(url).form(&form).send().await.expect("token");
        assert_eq!(r.status(), 400);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["error"], "invalid_request");
        assert!(
            v["error_description"]
                .as_str()
                .is_some_and(|d| d.contains("someone-else"))
        );
    }
    let r = http()
        .post(token_url(&demo::TENANT.to_uppercase()))
        .form(&creds)
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 200, "the right tenant, any case");
    // The sign-in page refuses a wrong tenant too, back to the client with the error.
    let mut q = authorize_query("all", "st");
    q.retain(|(k, _)| *k != "tenant");
    q.push(("tenant", "someone-else".into()));
    let r = http()
        .get(sb.url().join("auth/authorize").expect("url"))
        .query(&q)
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status(), 302);
    assert_eq!(
        location_param(&r, "error").as_deref(),
        Some("invalid_request")
    );
}

// Evidence: the real `POST /Tickets` response quoted in patrickthibaudeau/moodle-local_cts_co's
// README: `dateoccurred` with seven fractional digits and `Z`, unset `targetdate`/`deadlinedate`
// as `1900-01-01T00:00:00` (no zone).
#[tokio::test]
async fn dates_use_seven_digits_and_unset_ones_the_1900_sentinel() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, open) = get(&sb, &t, "api/Tickets/1004").await;
    let occurred = open["dateoccurred"].as_str().expect("date");
    let fraction = occurred
        .split('.')
        .nth(1)
        .expect("fraction")
        .trim_end_matches('Z');
    assert_eq!(fraction.len(), 7, "{occurred}");
    assert_eq!(open["dateclosed"], "1900-01-01T00:00:00");
    assert_eq!(open["responsedate"], "1900-01-01T00:00:00");
    // An opportunity runs outside SLA: its SLA targets are unset.
    let (_, opp) = get(&sb, &t, "api/Tickets/1005").await;
    assert_eq!(opp["excludefromsla"], true);
    assert_eq!(opp["fixbydate"], "1900-01-01T00:00:00");
    let (_, actions) = get(&sb, &t, "api/Actions?ticket_id=1004").await;
    let when = actions["actions"][0]["datetime"]
        .as_str()
        .expect("datetime");
    assert_eq!(when.len(), "2026-01-01T00:00:00.0000000Z".len(), "{when}");
}

// Evidence: fields clients read — CIPP decides "still open?" with `hasbeenclosed`
// (New-HaloPSATicket.ps1); the Halo MCP servers read `onhold`, `flagged`, `sla_id`, `category_2`
// … ; CIPP posts `impact`/`urgency`. `onhold`/`flagged` posted on an update are kept.
#[tokio::test]
async fn tickets_carry_the_fields_clients_read_and_keep_hold_and_flag_updates() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (_, v) = get(&sb, &t, "api/Tickets/1006").await;
    for field in [
        "hasbeenclosed",
        "onhold",
        "flagged",
        "excludefromsla",
        "targetdate",
        "deadlinedate",
        "sla_id",
        "sla_name",
        "datecreated",
        "category_2",
        "category_3",
        "category_4",
        "impact",
        "urgency",
        "attachment_count",
    ] {
        assert!(!v[field].is_null(), "{field} missing: {v}");
    }
    assert_eq!(v["hasbeenclosed"], true);
    assert_eq!(v["sla_name"], "Premium Support SLA");
    let (status, saved) = post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"id": 1001, "onhold": true, "flagged": true, "impact": 1, "urgency": 1,
                 "category_2": "Email", "targetdate": "1900-01-01T00:00:00"}]),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let (_, v) = get(&sb, &t, "api/Tickets/1001").await;
    assert_eq!(v["targetdate"], "1900-01-01T00:00:00");
    assert_eq!(v["onhold"], true);
    assert_eq!(v["flagged"], true);
    assert_eq!(v["impact"], 1);
    assert_eq!(v["category_2"], "Email");
    // Reopening keeps hasbeenclosed, as the field's name says.
    post(
        &sb,
        &t,
        "api/Tickets",
        &json!([{"id": 1006, "status_id": demo::STATUS_IN_PROGRESS}]),
    )
    .await;
    let (_, v) = get(&sb, &t, "api/Tickets/1006").await;
    assert_eq!(v["hasbeenclosed"], true);
}

// Evidence: Halo's document lists `GET /InstanceInfo` (halo-api.md: answers without auth), and
// `DELETE /Tickets/{id}` and `/Actions/{id}` (HaloAPI's E2E suite deletes actions by ticket and
// id); an unserved write answers like an unknown path, and a trailing slash is ignored.
#[tokio::test]
async fn small_gaps_instance_info_deletes_trailing_slash_and_unserved_writes() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let r = http()
        .get(sb.url().join("api/InstanceInfo").expect("url"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    let (status, v) = get(&sb, &t, "api/tickets/").await;
    assert_eq!(status, 200);
    assert!(v["tickets"].is_array());
    let (status, _) = get(&sb, &t, "api/Tickets/1001/").await;
    assert_eq!(status, 200);
    let (status, body) = post(&sb, &t, "api/Client", &json!([{"name": "New"}])).await;
    assert_eq!(status, 404);
    let (unknown_status, unknown) = post(&sb, &t, "api/NoSuchThing", &json!([{}])).await;
    assert_eq!(unknown_status, 404);
    assert_eq!(
        body.as_str().map(|s| s.starts_with("No resource at")),
        unknown.as_str().map(|s| s.starts_with("No resource at"))
    );
    // Delete an action (ticket-scoped ids), then the ticket with its actions.
    let del = |path: &str| {
        http()
            .delete(sb.url().join(path).expect("url"))
            .bearer_auth(&t)
    };
    let r = del("api/Actions/1?ticket_id=1003").send().await.expect("d");
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["id"], 1);
    let (status, _) = get(&sb, &t, "api/Actions/1?ticket_id=1003").await;
    assert_eq!(status, 404);
    let r = del("api/Actions/1").send().await.expect("d");
    assert_eq!(r.status(), 400, "ticket_id is required");
    let r = del("api/Tickets/1003").send().await.expect("d");
    assert_eq!(r.status(), 200);
    let (status, _) = get(&sb, &t, "api/Tickets/1003").await;
    assert_eq!(status, 404);
    let (status, _) = get(&sb, &t, "api/Actions?ticket_id=1003").await;
    assert_eq!(status, 404);
    // A read-only agent cannot delete.
    let (ro, _) = agent_tokens(&sb, "rob", "rob-demo").await;
    let r = http()
        .delete(sb.url().join("api/Tickets/1002").expect("url"))
        .bearer_auth(&ro)
        .send()
        .await
        .expect("d");
    assert_eq!(r.status(), 403);
}

// Evidence: `/Asset` is called by five of the six third-party clients recorded for issue 18;
// parameters as in Halo's document (`client_id`, `site_id`, `username`, `search`, paging).
#[tokio::test]
async fn assets_list_filter_page_and_need_the_assets_scope() {
    let sb = start().await;
    let t = service_token(&sb, "all").await;
    let (status, v) = get(&sb, &t, "api/Asset?username=Ben%20Castle").await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["assets"][0]["id"], demo::BEN_LAPTOP_ASSET_ID);
    assert_eq!(v["assets"][0]["key_field"], "ACORN-LT-BCASTLE");
    let (_, acorn) = get(&sb, &t, "api/Asset?client_id=1").await;
    assert_eq!(acorn["record_count"], 5);
    let (_, yard) = get(&sb, &t, "api/Asset?client_id=1&site_id=2").await;
    assert_eq!(yard["record_count"], 2);
    let (_, search) = get(&sb, &t, "api/Asset?search=poweredge").await;
    assert_eq!(search["assets"][0]["id"], demo::ACORN_FS01_ASSET_ID);
    let (_, page) = get(&sb, &t, "api/Asset?pageinate=true&page_size=5&page_no=3").await;
    assert_eq!(page["page_no"], 3);
    assert_eq!(page["assets"].as_array().map(Vec::len), Some(1));
    let (_, inactive) = get(&sb, &t, "api/Asset?includeinactive=true").await;
    assert_eq!(
        inactive["record_count"].as_i64(),
        page["record_count"].as_i64().map(|n| n + 1)
    );
    let (status, one) = get(&sb, &t, "api/Asset/1").await;
    assert_eq!(status, 200);
    assert_eq!(one["users"][0]["name"], "Ben Castle");
    assert_eq!(get(&sb, &t, "api/Asset/999").await.0, 404);
    let (status, types) = get(&sb, &t, "api/AssetType").await;
    assert_eq!(status, 200);
    assert!(types.as_array().is_some_and(|a| a.len() >= 3));
    assert_eq!(get(&sb, &t, "api/AssetType/1").await.1["name"], "Laptop");
    let tickets_only = service_token(&sb, "read:tickets").await;
    let (status, msg) = get(&sb, &tickets_only, "api/Asset").await;
    assert_eq!(status, 403);
    assert!(msg.as_str().is_some_and(|m| m.contains("read:assets")));
}
