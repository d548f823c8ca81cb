//! MCP resources (issue 19): tickets and knowledge-base articles as Markdown documents, listed
//! with a stateless cursor, linked from the tools' results, hidden with their tools, and every
//! bad URI or cursor refused with a JSON-RPC error before anything reaches Halo.

use chrono::Utc;
use halo_sandbox::model::KbArticle;
use halo_sandbox::{Fault, FaultKind};
use serde_json::{Value, json};

use crate::support::app::{TestApp, spawn_app, spawn_app_with};

/// A JSON-RPC request sent as a legacy client on `version` sends it (header after initialize).
async fn rpc_as(app: &TestApp, version: &str, method: &str, params: Value) -> Value {
    app.http
        .post(&app.mcp_url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", version)
        .json(&json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}))
        .send()
        .await
        .expect("request reaches the server")
        .json()
        .await
        .expect("JSON body")
}

/// `resources/read` as a stateless 2026-07-28 client sends it.
async fn read_modern(app: &TestApp, uri: &str) -> Value {
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
    });
    app.http
        .post(&app.mcp_url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "resources/read")
        .header("Mcp-Name", uri)
        .json(
            &json!({"jsonrpc": "2.0", "id": 8, "method": "resources/read",
            "params": {"uri": uri, "_meta": meta}}),
        )
        .send()
        .await
        .expect("request reaches the server")
        .json()
        .await
        .expect("JSON body")
}

async fn read(app: &TestApp, uri: &str) -> Value {
    rpc_as(app, "2025-11-25", "resources/read", json!({"uri": uri})).await
}

fn text_of(read: &Value) -> String {
    let contents = &read["result"]["contents"];
    assert_eq!(contents.as_array().map(Vec::len), Some(1), "{read}");
    assert_eq!(contents[0]["mimeType"], "text/markdown");
    contents[0]["text"]
        .as_str()
        .expect("text contents")
        .to_string()
}

fn halo_requests(app: &TestApp) -> usize {
    app.sandbox()
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .count()
}

#[tokio::test]
async fn the_capability_and_templates_are_advertised() {
    let app = spawn_app().await;
    let init = app
        .rpc(
            "initialize",
            json!({"protocolVersion": "2024-11-05", "capabilities": {},
                "clientInfo": {"name": "mcs", "version": "1"}}),
        )
        .await;
    assert_eq!(init["result"]["capabilities"]["resources"], json!({}));
    let templates = app.rpc("resources/templates/list", json!({})).await;
    let templates = &templates["result"]["resourceTemplates"];
    assert_eq!(templates[0]["uriTemplate"], "halo://tickets/{ticket_id}");
    assert_eq!(templates[1]["uriTemplate"], "halo://kb/{article_id}");
    for t in templates.as_array().unwrap() {
        assert_eq!(t["mimeType"], "text/markdown");
        assert!(t["name"].as_str().unwrap().starts_with("halo_"));
        assert!(t["description"].as_str().unwrap().len() > 40);
    }
}

#[tokio::test]
async fn a_ticket_reads_as_a_markdown_document() {
    let app = spawn_app().await;
    let ticket = app.call_ok("get_ticket", json!({"ticket_id": 1001})).await;
    let doc = text_of(&read(&app, "halo://tickets/1001").await);
    let summary = ticket["summary"].as_str().unwrap();
    assert!(
        doc.starts_with(&format!("# Ticket 1001: {summary}\n")),
        "{doc}"
    );
    for part in [
        "- **Status:** ",
        "- **Customer:** ",
        "- **End user:** ",
        "- **Agent:** ",
        "## SLA",
        "- **Respond by:** ",
        "## Details",
        "## Recent actions",
    ] {
        assert!(doc.contains(part), "missing {part:?} in\n{doc}");
    }
    assert!(!doc.contains("<p>"), "details are text, not HTML");
    let customer = ticket["client_name"].as_str().unwrap();
    assert!(doc.contains(customer));
}

#[tokio::test]
async fn an_article_reads_as_a_markdown_document() {
    let app = spawn_app().await;
    let article = app.call_ok("get_article", json!({"article_id": 1})).await;
    let result = read(&app, "halo://kb/1").await;
    assert_eq!(result["result"]["contents"][0]["uri"], "halo://kb/1");
    let doc = text_of(&result);
    let title = article["title"].as_str().unwrap();
    assert!(doc.starts_with(&format!("# {title}\n")), "{doc}");
    assert!(doc.contains("## Description\n\n"));
    assert!(doc.contains("## Resolution\n\n"));
    assert!(!doc.contains("<p>"));
}

#[tokio::test]
async fn a_huge_article_is_cut_below_the_cap_with_a_note() {
    let app = spawn_app().await;
    app.sandbox().write(|d| {
        let a = d.articles.iter_mut().find(|a| a.id == 1).unwrap();
        // Three-byte characters: each section's character limit still adds up past 100 KB.
        a.description_html = format!("<p>{}</p>", "日本語 ".repeat(30_000));
        a.resolution_html = format!("<p>{}</p>", "手順 ".repeat(30_000));
    });
    let doc = text_of(&read(&app, "halo://kb/1").await);
    assert!(doc.len() <= 100 * 1024, "{} bytes", doc.len());
    assert!(doc.contains("This document was cut at 100 KB"));
}

#[tokio::test]
async fn unknown_ids_are_resource_not_found_in_each_protocol_era() {
    let app = spawn_app().await;
    for uri in ["halo://tickets/987654", "halo://kb/987654"] {
        let legacy = read(&app, uri).await;
        assert_eq!(legacy["error"]["code"], -32002, "{legacy}");
        assert_eq!(legacy["error"]["data"]["uri"], uri);
        assert!(
            legacy["error"]["message"]
                .as_str()
                .unwrap()
                .contains("not in Halo")
        );
        let modern = read_modern(&app, uri).await;
        assert_eq!(modern["error"]["code"], -32602, "{modern}");
    }
    let foreign = read(&app, "test://static-text").await;
    assert_eq!(foreign["error"]["code"], -32002, "{foreign}");
}

#[tokio::test]
async fn forbidden_records_are_not_found_and_halo_failures_are_internal_errors() {
    let app = spawn_app().await;
    let on = |path: &str, kind| Fault {
        path_contains: Some(path.into()),
        method: None,
        times: 10,
        kind,
    };
    app.sandbox()
        .faults()
        .inject(on("/api/tickets/1001", FaultKind::Status(403)));
    let forbidden = read(&app, "halo://tickets/1001").await;
    assert_eq!(forbidden["error"]["code"], -32002, "{forbidden}");
    assert!(
        forbidden["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not let your Halo agent read ticket 1001")
    );
    app.sandbox().faults().clear();
    app.sandbox()
        .faults()
        .inject(on("/api/kbarticle/1", FaultKind::Status(503)));
    let down = read(&app, "halo://kb/1").await;
    assert_eq!(down["error"]["code"], -32603, "{down}");
    assert!(
        down["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Halo is failing")
    );
}

#[tokio::test]
async fn malformed_uris_are_invalid_params_and_never_reach_halo() {
    let app = spawn_app().await;
    let before = halo_requests(&app);
    for uri in [
        "",
        "1001",
        "halo://tickets/abc",
        "halo://tickets/0",
        "halo://tickets/-5",
        "halo://tickets/1001/../1002",
        "halo://kb/1?x=1",
        "halo://assets/1",
        &format!("halo://kb/{}", "9".repeat(400)),
    ] {
        let refused = read(&app, uri).await;
        assert_eq!(refused["error"]["code"], -32602, "{uri}: {refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("'uri'") && message.contains("halo://kb/{article_id}"),
            "{message}"
        );
    }
    assert_eq!(halo_requests(&app), before, "nothing reached Halo");
}

fn extra_article(id: i64) -> KbArticle {
    KbArticle {
        id,
        name: format!("Extra article {id}"),
        description_html: format!("<p>First line of {id}</p><p>More</p>"),
        resolution_html: "<p>Do it</p>".into(),
        r#type: 0,
        tags: vec![],
        view_count: id,
        useful_count: 0,
        notuseful_count: 0,
        date_created: Utc::now(),
        date_edited: Utc::now(),
        creator_name: "Sam Taylor".into(),
        related_ticket_ids: vec![],
        inactive: false,
    }
}

#[tokio::test]
async fn the_knowledge_base_is_listed_in_pages_most_viewed_first() {
    let app = spawn_app().await;
    app.sandbox()
        .write(|d| d.articles.extend((1000..1040).map(extra_article)));
    let total = app
        .sandbox()
        .read(|d| d.articles.iter().filter(|a| !a.inactive).count());
    let mut seen = Vec::new();
    let mut views = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let params = match &cursor {
            Some(c) => json!({"cursor": c}),
            None => json!({}),
        };
        let page = app.rpc("resources/list", params).await;
        let result = &page["result"];
        for r in result["resources"].as_array().expect("resources") {
            let uri = r["uri"].as_str().unwrap().to_string();
            let id: i64 = uri.strip_prefix("halo://kb/").unwrap().parse().unwrap();
            let title = r["title"].as_str().unwrap();
            assert_eq!(r["name"], format!("KB article {id}: {title}"));
            assert_eq!(r["mimeType"], "text/markdown");
            assert!(!r["description"].as_str().unwrap().is_empty(), "{r}");
            views.push(
                app.sandbox()
                    .read(|d| d.articles.iter().find(|a| a.id == id).unwrap().view_count),
            );
            seen.push(uri);
        }
        pages += 1;
        match result["nextCursor"].as_str() {
            Some(next) => {
                assert!(next.len() <= 32, "cursors are short: {next}");
                cursor = Some(next.to_string());
            }
            None => break,
        }
        assert!(pages < 10, "paging ends");
    }
    assert_eq!(pages, total.div_ceil(25));
    assert_eq!(seen.len(), total, "every article once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no article twice");
    crate::support::assert::in_order(&views, "most viewed first", |a, b| a >= b);
    let first = &app.rpc("resources/list", json!({})).await["result"]["resources"][0];
    // The sandbox, like Halo's list, gives the description as one run of text.
    assert!(
        first["description"]
            .as_str()
            .unwrap()
            .starts_with("First line of 1039")
    );
}

/// Halo's list has no article bodies, so a list entry is sized only from a document this
/// instance has read: sizing costs no extra Halo call and is the read document's byte length.
#[tokio::test]
async fn list_entries_carry_the_size_of_documents_already_read() {
    let app = spawn_app().await;
    let first_page = app.rpc("resources/list", json!({})).await;
    let entries = first_page["result"]["resources"]
        .as_array()
        .unwrap()
        .clone();
    assert!(entries.len() >= 2, "{first_page}");
    assert!(
        entries.iter().all(|e| e.get("size").is_none()),
        "nothing read yet, so no size is known: {first_page}"
    );
    let uri = entries[1]["uri"].as_str().unwrap();
    let doc = text_of(&read(&app, uri).await);

    let before = halo_requests(&app);
    let again = app.rpc("resources/list", json!({})).await;
    assert_eq!(
        halo_requests(&app) - before,
        1,
        "one list call, no reads to size entries"
    );
    let again = again["result"]["resources"].as_array().unwrap();
    let read_entry = again
        .iter()
        .find(|e| e["uri"] == uri)
        .expect("still listed");
    assert_eq!(
        read_entry["size"],
        json!(doc.len()),
        "the document's size in bytes"
    );
    let unread = again.iter().filter(|e| e["uri"] != uri);
    assert!(unread.clone().count() >= 1);
    assert!(unread.into_iter().all(|e| e.get("size").is_none()));
}

#[tokio::test]
async fn bad_cursors_are_invalid_params() {
    let app = spawn_app().await;
    let before = halo_requests(&app);
    for cursor in [
        "",
        "not-a-cursor",
        "AQAAAAI",
        &"A".repeat(5000),
        "AAAAAAIAAAAAAAAAAAA",
    ] {
        let refused = app.rpc("resources/list", json!({"cursor": cursor})).await;
        assert_eq!(refused["error"]["code"], -32602, "{cursor}: {refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("'cursor'")
        );
    }
    let older = app
        .rpc("resources/list", json!({"cursor": "hmc0.AAAAAgAAAAAAAAAA"}))
        .await;
    assert!(
        older["error"]["message"]
            .as_str()
            .unwrap()
            .contains("another version of halo-mcp"),
        "{older}"
    );
    // A cursor another deployment (another Halo) issued.
    let theirs =
        halo_mcp::mcp::resources::cursor::CursorCodec::new("https://other.example").encode(2);
    let refused = app.rpc("resources/list", json!({"cursor": theirs})).await;
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not issued by this server"),
        "{refused}"
    );
    let refused = app
        .rpc("resources/templates/list", json!({"cursor": "x"}))
        .await;
    assert_eq!(refused["error"]["code"], -32602);
    assert_eq!(halo_requests(&app), before, "nothing reached Halo");
}

fn links(result: &Value) -> Vec<String> {
    let content = result["content"].as_array().expect("content");
    assert_eq!(content[0]["type"], "text", "the JSON text stays first");
    content[1..]
        .iter()
        .map(|c| {
            assert_eq!(c["type"], "resource_link", "{c}");
            assert_eq!(c["mimeType"], "text/markdown");
            assert!(c["name"].as_str().is_some_and(|n| !n.is_empty()));
            c["uri"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_tools_link_the_records_they_return() {
    let app = spawn_app().await;
    let search = app
        .call_tool("search_tickets", json!({"page_size": 3}))
        .await;
    let ids: Vec<String> = search["structuredContent"]["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("halo://tickets/{}", t["id"]))
        .collect();
    assert_eq!(links(&search), ids);
    let one = app
        .call_tool("get_ticket", json!({"ticket_id": 1001}))
        .await;
    assert_eq!(links(&one), ["halo://tickets/1001"]);
    let kb = app
        .call_tool("search_knowledge_base", json!({"query": "vpn"}))
        .await;
    let kb_links = links(&kb);
    assert!(!kb_links.is_empty());
    assert!(kb_links.iter().all(|l| l.starts_with("halo://kb/")));
    let article = app.call_tool("get_article", json!({"article_id": 1})).await;
    assert_eq!(links(&article), ["halo://kb/1"]);
    let matches = app
        .call_tool("get_ticket_matches", json!({"ticket_id": 1001}))
        .await;
    let match_links = links(&matches);
    assert_eq!(match_links[0], "halo://tickets/1001");
    assert!(match_links.iter().any(|l| l.starts_with("halo://kb/")));
    // Every link reads.
    for uri in kb_links.iter().chain(&match_links).take(6) {
        assert!(
            read(&app, uri).await["result"]["contents"].is_array(),
            "{uri}"
        );
    }
    // A tool without records, and a failing tool, have no links.
    let me = app.call_tool("get_user_info", json!({})).await;
    assert_eq!(me["content"].as_array().unwrap().len(), 1);
    let missing = app
        .call_tool("get_ticket", json!({"ticket_id": 987654}))
        .await;
    assert_eq!(missing["content"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn resources_follow_the_tool_selection_and_survive_read_only_mode() {
    let no_kb = spawn_app_with(&[("MCP_DISABLED_TOOLS", "get_article")]).await;
    let templates = no_kb.rpc("resources/templates/list", json!({})).await;
    assert_eq!(
        templates["result"]["resourceTemplates"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let listed = no_kb.rpc("resources/list", json!({})).await;
    assert_eq!(listed["result"]["resources"], json!([]));
    let hidden = read(&no_kb, "halo://kb/1").await;
    assert_eq!(hidden["error"]["code"], -32002, "{hidden}");
    assert!(text_of(&read(&no_kb, "halo://tickets/1001").await).starts_with("# Ticket 1001"));
    let kb = no_kb
        .call_tool("search_knowledge_base", json!({"query": "vpn"}))
        .await;
    assert_eq!(kb["content"].as_array().unwrap().len(), 1, "no kb links");

    let none = spawn_app_with(&[("MCP_DISABLED_TOOLS", "get_article,get_ticket")]).await;
    let init = none
        .rpc(
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"}}),
        )
        .await;
    assert!(init["result"]["capabilities"].get("resources").is_none());
    for method in ["resources/list", "resources/templates/list"] {
        assert_eq!(none.rpc(method, json!({})).await["error"]["code"], -32601);
    }
    let search = none
        .call_tool("search_tickets", json!({"page_size": 2}))
        .await;
    assert_eq!(search["content"].as_array().unwrap().len(), 1, "no links");

    let read_only = spawn_app_with(&[("MCP_READ_ONLY", "true")]).await;
    assert!(text_of(&read(&read_only, "halo://kb/1").await).starts_with("# "));
    let templates = read_only.rpc("resources/templates/list", json!({})).await;
    assert_eq!(
        templates["result"]["resourceTemplates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn resources_send_only_documented_halo_paths_and_parameters() {
    let Some(spec) = crate::support::openapi::halo_openapi() else {
        return;
    };
    let app = spawn_app().await;
    app.rpc("resources/list", json!({})).await;
    text_of(&read(&app, "halo://tickets/1001").await);
    text_of(&read(&app, "halo://kb/1").await);
    let log = app.sandbox().request_log();
    let mut checked = 0;
    for request in log.iter().filter(|r| r.path.starts_with("/api/")) {
        let concrete = &request.path["/api".len()..];
        let (template, op) = crate::support::openapi::operation(&spec, &request.method, concrete)
            .unwrap_or_else(|| {
                panic!(
                    "{} {} is not in Halo's OpenAPI",
                    request.method, request.path
                )
            });
        let known = crate::support::openapi::query_params(op);
        for q in &request.query_params {
            assert!(
                known.contains(&q.to_lowercase()),
                "{} {template}: '{q}' is not documented",
                request.method
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 4,
        "list, ticket, actions and article were checked"
    );
}
