//! The knowledge base and similarity: Search Knowledge Base, Get One Article, and Get matching
//! Articles and Tickets for a Ticket (Halo AI's matches, with a plain-search fallback).

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{Paging, optional_text, positive_id};
use super::shape::{self, int, put, text};
use super::tickets::fetch_ticket;
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![
        typed(
            SearchKnowledgeBase,
            "search_knowledge_base",
            "Search Knowledge Base",
            "Search Halo's knowledge base articles by words or a question. Returns article ids, \
             titles, tags and a short excerpt, best match first; use get_article for the full \
             text. Paged.",
            Effect::Read,
        ),
        typed(
            GetArticle,
            "get_article",
            "Get One Article",
            "Get one Halo knowledge base article by id: title, full description and resolution \
             as plain text, tags, author and dates.",
            Effect::Read,
        ),
        typed(
            GetTicketMatches,
            "get_ticket_matches",
            "Get matching Articles and Tickets for a Ticket",
            "Find knowledge base articles and other tickets similar to a Halo ticket, using Halo \
             AI's matches when available and a text search on the ticket summary otherwise. Says \
             which source was used.",
            Effect::Read,
        ),
    ]
}

/// An article as search results show it.
fn article_row(raw: &Value) -> Value {
    let mut a = Map::new();
    put(&mut a, "id", int(raw, "id"));
    put(&mut a, "title", text(raw, "name"));
    put(
        &mut a,
        "excerpt",
        shape::excerpt(
            raw,
            &["description", "description_html"],
            shape::EXCERPT_LIMIT,
        ),
    );
    put(&mut a, "tags", text(raw, "tag_string"));
    put(
        &mut a,
        "score",
        raw.get("search_score").and_then(Value::as_f64),
    );
    put(&mut a, "view_count", int(raw, "view_count"));
    Value::Object(a)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Words or a question to look for, e.g. "outlook password prompt".
    #[schemars(length(max = 200))]
    pub query: String,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Articles per page, 1-100. Default 20.
    pub page_size: Option<u32>,
}

struct SearchKnowledgeBase;

impl TypedTool for SearchKnowledgeBase {
    type Args = SearchArgs;
    async fn run(&self, ctx: &CallContext, args: SearchArgs) -> Result<Value, ToolError> {
        let paging = Paging::new(args.page, args.page_size)?;
        let query = optional_text(Some(&args.query))
            .ok_or_else(|| ToolError::InvalidArguments("query must not be blank".into()))?;
        let mut params = paging.query();
        params.push(("search", query));
        let page = ctx.halo.list("KBArticle", "articles", &params).await?;
        let articles: Vec<Value> = page.items.iter().map(article_row).collect();
        let mut out = paging.describe(page.record_count, articles.len());
        out["articles"] = Value::Array(articles);
        Ok(out)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleArgs {
    /// The article id, as search_knowledge_base shows it.
    pub article_id: i64,
}

struct GetArticle;

impl TypedTool for GetArticle {
    type Args = ArticleArgs;
    async fn run(&self, ctx: &CallContext, args: ArticleArgs) -> Result<Value, ToolError> {
        let id = positive_id("article_id", args.article_id)?;
        let raw = ctx
            .halo
            .get(
                &format!("KBArticle/{id}"),
                &[("includedetails", "true".into())],
            )
            .await
            .map_err(|e| match e {
                e if e.is_not_found() => ToolError::Failed(format!(
                    "Knowledge base article {id} was not found in Halo."
                )),
                other => other.into(),
            })?;
        Ok(article(&raw))
    }
}

/// One article in full (bodies as text, cut with the visible marker when long).
fn article(raw: &Value) -> Value {
    let mut a = Map::new();
    put(&mut a, "id", int(raw, "id"));
    put(&mut a, "title", text(raw, "name"));
    put(
        &mut a,
        "description",
        shape::body(raw, &["description_html", "description"], shape::BODY_LIMIT),
    );
    put(
        &mut a,
        "resolution",
        shape::body(raw, &["resolution_html", "resolution"], shape::BODY_LIMIT),
    );
    put(&mut a, "tags", text(raw, "tag_string"));
    put(&mut a, "created", shape::date(raw, "date_created"));
    put(&mut a, "edited", shape::date(raw, "date_edited"));
    put(&mut a, "author", text(raw, "creator_name"));
    put(&mut a, "editor", text(raw, "editor_name"));
    put(&mut a, "view_count", int(raw, "view_count"));
    put(&mut a, "useful_count", int(raw, "useful_count"));
    put(&mut a, "not_useful_count", int(raw, "notuseful_count"));
    put(
        &mut a,
        "source_ticket_id",
        int(raw, "ticket_id").filter(|t| *t > 0),
    );
    put(
        &mut a,
        "inactive",
        raw.get("inactive").and_then(Value::as_bool),
    );
    Value::Object(a)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchArgs {
    /// The ticket number (id) to find matches for.
    pub ticket_id: i64,
    /// How many of each (articles, tickets) to return, 1-20. Default 5.
    pub limit: Option<u32>,
}

struct GetTicketMatches;

/// Halo AI's `FaultVectorScore` rows, as compact matches.
fn ai_matches(raw: &Value, field: &str, id_key: &str, limit: usize) -> Vec<Value> {
    let Some(Value::Array(rows)) = raw.get(field) else {
        return Vec::new();
    };
    rows.iter()
        .take(limit)
        .map(|m| {
            let mut o = Map::new();
            put(&mut o, id_key, int(m, "matched_id"));
            put(
                &mut o,
                if id_key == "article_id" {
                    "title"
                } else {
                    "summary"
                },
                text(m, "name"),
            );
            put(
                &mut o,
                "score",
                m.get("search_score").and_then(Value::as_f64),
            );
            if id_key == "ticket_id" {
                put(&mut o, "client_name", text(m, "client_name"));
                put(&mut o, "date_opened", shape::date(m, "date_occurred"));
                put(&mut o, "date_closed", shape::date(m, "date_closed"));
            }
            Value::Object(o)
        })
        .collect()
}

impl TypedTool for GetTicketMatches {
    type Args = MatchArgs;
    async fn run(&self, ctx: &CallContext, args: MatchArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let limit = args.limit.unwrap_or(5);
        if !(1..=20).contains(&limit) {
            return Err(ToolError::InvalidArguments(
                "limit must be between 1 and 20".into(),
            ));
        }
        let raw = fetch_ticket(ctx, id).await?;
        let mut articles = ai_matches(&raw, "ai_matched_articles", "article_id", limit as usize);
        let mut tickets = ai_matches(&raw, "ai_matched_tickets", "ticket_id", limit as usize);
        let mut out = Map::new();
        put(&mut out, "ticket_id", id);
        put(&mut out, "summary", text(&raw, "summary"));
        // Halo AI fills these only where embeddings are enabled; otherwise fall back to the
        // non-AI routes (halo-api.md §4.10), per list, and say which source each came from.
        let articles_source = if articles.is_empty() {
            let mut query = Paging::new(Some(1), Some(limit))?.query();
            query.push(("related_to_ticket", id.to_string()));
            let page = ctx.halo.list("KBArticle", "articles", &query).await?;
            articles = page.items.iter().map(article_row).collect();
            "related_articles_search"
        } else {
            "halo_ai"
        };
        let tickets_source = match (tickets.is_empty(), text(&raw, "summary")) {
            (false, _) => "halo_ai",
            (true, Some(summary)) => {
                // One extra row, because the ticket itself usually matches its own summary.
                let mut query = Paging::new(Some(1), Some(limit + 1))?.query();
                query.push(("search", summary));
                let page = ctx.halo.list("Tickets", "tickets", &query).await?;
                for t in page.items.iter().filter(|t| int(t, "id") != Some(id)) {
                    let shaped = shape::ticket(ctx, t, false).await;
                    let mut o = Map::new();
                    for key in ["id", "summary", "client_name", "status_name", "date_opened"] {
                        if let Some(v) = shaped.get(key) {
                            o.insert(
                                if key == "id" {
                                    "ticket_id".into()
                                } else {
                                    key.into()
                                },
                                v.clone(),
                            );
                        }
                    }
                    tickets.push(Value::Object(o));
                }
                tickets.truncate(limit as usize);
                "summary_text_search"
            }
            (true, None) => "none",
        };
        out.insert("articles_source".into(), json!(articles_source));
        out.insert("articles".into(), Value::Array(articles));
        out.insert("tickets_source".into(), json!(tickets_source));
        out.insert("tickets".into(), Value::Array(tickets));
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_shaped_as_text() {
        let raw = json!({
            "id": 4, "name": "Reset MFA", "description_html": "<p>Step <b>one</b></p>",
            "resolution_html": format!("<p>{}</p>", "x".repeat(5000)), "tag_string": "mfa",
        });
        let a = article(&raw);
        assert_eq!(a["title"], "Reset MFA");
        assert!(a["description"].as_str().unwrap().contains("Step"));
        assert!(!a["description"].as_str().unwrap().contains("<p>"));
        assert!(
            a["resolution"]
                .as_str()
                .unwrap()
                .ends_with(crate::halo::text::TRUNCATION_MARKER)
        );
    }

    #[test]
    fn ai_matches_are_compact_and_limited() {
        let raw = json!({"ai_matched_tickets": [
            {"id": 1, "matched_id": 1007, "name": "Outlook prompts", "search_score": 0.8, "client_name": "Acorn"},
            {"id": 2, "matched_id": 1008, "name": "Mailbox full", "search_score": 0.3},
        ]});
        let m = ai_matches(&raw, "ai_matched_tickets", "ticket_id", 1);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0]["ticket_id"], 1007);
        assert_eq!(m[0]["summary"], "Outlook prompts");
        assert!(ai_matches(&raw, "ai_matched_articles", "article_id", 5).is_empty());
    }
}
