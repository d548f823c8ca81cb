//! The knowledge and similarity tools end to end: KB search, one article, and a ticket's
//! matching articles and tickets (Halo AI's lists, and the search fallback when they are empty).

use serde_json::json;

use crate::support::app::spawn_app;

#[tokio::test]
async fn search_knowledge_base_finds_articles_with_paging() {
    let app = spawn_app().await;
    let page = app
        .call_ok(
            "search_knowledge_base",
            json!({"query": "outlook password", "page_size": 3}),
        )
        .await;
    assert_eq!(page["page"], 1);
    assert_eq!(page["page_size"], 3);
    assert!(page["has_more"].is_boolean());
    let articles = page["articles"].as_array().unwrap();
    assert!(!articles.is_empty() && articles.len() <= 3);
    assert_eq!(
        articles[0]["title"],
        "Outlook keeps prompting for a password"
    );
    assert!(articles[0]["id"].is_i64());

    let error = app
        .call_err("search_knowledge_base", json!({"query": "  "}))
        .await;
    assert!(error.contains("query must not be blank"), "{error}");
    let error = app
        .call_err(
            "search_knowledge_base",
            json!({"query": "vpn", "text": "vpn"}),
        )
        .await;
    assert!(error.contains("unknown argument 'text'"), "{error}");
}

#[tokio::test]
async fn get_article_returns_plain_text_bodies() {
    let app = spawn_app().await;
    let page = app
        .call_ok("search_knowledge_base", json!({"query": "printer jam"}))
        .await;
    let id = page["articles"][0]["id"].as_i64().unwrap();
    let article = app.call_ok("get_article", json!({"article_id": id})).await;
    assert_eq!(article["id"], id);
    assert!(article["title"].as_str().unwrap().contains("printer"));
    let resolution = article["resolution"].as_str().unwrap();
    assert!(
        resolution.contains("tray 2") && !resolution.contains("<p>"),
        "{resolution}"
    );
    assert!(article["tags"].as_str().unwrap().contains("printer"));

    let error = app
        .call_err("get_article", json!({"article_id": 99999}))
        .await;
    assert_eq!(error, "Knowledge base article 99999 was not found in Halo.");
    let error = app.call_err("get_article", json!({"article_id": 0})).await;
    assert!(error.contains("article_id must be a positive"), "{error}");
}

#[tokio::test]
async fn get_ticket_matches_uses_halo_ai_matches() {
    let app = spawn_app().await;
    let matches = app
        .call_ok("get_ticket_matches", json!({"ticket_id": 1001}))
        .await;
    assert_eq!(matches["articles_source"], "halo_ai");
    assert_eq!(matches["tickets_source"], "halo_ai");
    let articles = matches["articles"].as_array().unwrap();
    assert!(
        articles
            .iter()
            .any(|a| a["title"] == "Outlook keeps prompting for a password"),
        "{matches}"
    );
    let tickets = matches["tickets"].as_array().unwrap();
    assert!(tickets.iter().any(|t| t["ticket_id"] == 1007), "{matches}");
    assert!(tickets.iter().all(|t| t["ticket_id"] != 1001));
}

#[tokio::test]
async fn get_ticket_matches_falls_back_to_search_and_says_so() {
    let app = spawn_app().await;
    let created = app
        .call_ok(
            "create_ticket",
            json!({"summary": "Zyxwv qqqq", "ticket_type": "Incident", "customer": "Dune Retail"}),
        )
        .await;
    let id = created["id"].as_i64().unwrap();
    let matches = app
        .call_ok("get_ticket_matches", json!({"ticket_id": id, "limit": 3}))
        .await;
    assert_eq!(matches["articles_source"], "related_articles_search");
    assert_eq!(matches["tickets_source"], "summary_text_search");
    assert!(
        matches["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["ticket_id"] != id)
    );
    let log = app.sandbox().request_log();
    assert!(
        log.iter().any(|r| r.path == "/api/kbarticle"
            && r.query_params.iter().any(|q| q == "related_to_ticket"))
    );

    let error = app
        .call_err("get_ticket_matches", json!({"ticket_id": 999999}))
        .await;
    assert_eq!(error, "Ticket 999999 was not found in Halo.");
    let error = app
        .call_err("get_ticket_matches", json!({"ticket_id": 1001, "limit": 0}))
        .await;
    assert!(error.contains("limit must be between 1 and 20"), "{error}");
}
