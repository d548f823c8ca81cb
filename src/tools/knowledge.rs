//! The knowledge base and similarity: Search Knowledge Base, Get One Article, and Get matching
//! Articles and Tickets for a Ticket (Halo AI's matches, with a plain-search fallback).

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{Paging, optional_text, positive_id};
use super::shape::{self, put};
use crate::halo::records::{AiMatch, Article, ArticleQuery, TicketQuery, decode};
use crate::halo::text::{html_to_text, truncate};
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
fn article_row(a: &Article) -> Value {
    let mut row = Map::new();
    put(&mut row, "id", a.id);
    put(&mut row, "title", decode::text(&a.title));
    // The first body Halo sent, even blank: the list's plain text, else its HTML.
    put(
        &mut row,
        "excerpt",
        a.description
            .as_deref()
            .or(a.description_html.as_deref())
            .map(|html| crate::halo::text::html_excerpt(html, shape::EXCERPT_LIMIT))
            .filter(|s| !s.is_empty()),
    );
    put(&mut row, "tags", decode::text(&a.tags));
    put(&mut row, "score", a.search_score);
    put(&mut row, "view_count", a.view_count);
    Value::Object(row)
}

/// Plain text of the first non-blank body (HTML converted), cut to `limit`.
fn body(bodies: [&Option<String>; 2], limit: usize) -> Option<String> {
    bodies
        .into_iter()
        .find_map(decode::text)
        .map(|html| truncate(&html_to_text(&html), limit))
}

/// A Halo date as tools show it; unset (Halo's sentinels) is absent.
fn date(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .and_then(crate::halo::dates::parse)
        .map(crate::halo::dates::show)
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
        let mut search = ArticleQuery::new(paging.request());
        search.search = Some(query);
        let page = ctx.halo.articles(&search).await?;
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
        let found = ctx.halo.article(id).await.map_err(|e| match e {
            e if e.is_not_found() => ToolError::Failed(format!(
                "Knowledge base article {id} was not found in Halo."
            )),
            other => other.into(),
        })?;
        Ok(article(&found))
    }
}

/// One article in full (bodies as text, cut with the visible marker when long).
fn article(a: &Article) -> Value {
    let mut out = Map::new();
    put(&mut out, "id", a.id);
    put(&mut out, "title", decode::text(&a.title));
    put(
        &mut out,
        "description",
        body([&a.description_html, &a.description], shape::BODY_LIMIT),
    );
    put(
        &mut out,
        "resolution",
        body([&a.resolution_html, &a.resolution], shape::BODY_LIMIT),
    );
    put(&mut out, "tags", decode::text(&a.tags));
    put(&mut out, "created", date(&a.created));
    put(&mut out, "edited", date(&a.edited));
    put(&mut out, "author", decode::text(&a.author));
    put(&mut out, "editor", decode::text(&a.editor));
    put(&mut out, "view_count", a.view_count);
    put(&mut out, "useful_count", a.useful_count);
    put(&mut out, "not_useful_count", a.not_useful_count);
    put(
        &mut out,
        "source_ticket_id",
        a.source_ticket_id.filter(|t| *t > 0),
    );
    put(&mut out, "inactive", a.inactive);
    Value::Object(out)
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

/// Which kind of record a list of matches holds.
#[derive(Clone, Copy, PartialEq)]
enum Matched {
    Article,
    Ticket,
}

/// Halo AI's matches, as compact rows.
fn ai_matches(rows: &[AiMatch], kind: Matched, limit: usize) -> Vec<Value> {
    rows.iter()
        .take(limit)
        .map(|m| {
            let mut o = Map::new();
            let (id_key, name_key) = match kind {
                Matched::Article => ("article_id", "title"),
                Matched::Ticket => ("ticket_id", "summary"),
            };
            put(&mut o, id_key, m.matched_id);
            put(&mut o, name_key, decode::text(&m.name));
            put(&mut o, "score", m.search_score);
            if kind == Matched::Ticket {
                put(&mut o, "client_name", decode::text(&m.client_name));
                put(&mut o, "date_opened", date(&m.opened));
                put(&mut o, "date_closed", date(&m.closed));
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
        let found = ctx.halo.ticket_matches(id).await.map_err(|e| match e {
            e if e.is_not_found() => {
                ToolError::Failed(format!("Ticket {id} was not found in Halo."))
            }
            other => other.into(),
        })?;
        let summary = decode::text(&found.summary);
        let mut articles = ai_matches(&found.articles, Matched::Article, limit as usize);
        let mut tickets = ai_matches(&found.tickets, Matched::Ticket, limit as usize);
        let mut out = Map::new();
        put(&mut out, "ticket_id", id);
        put(&mut out, "summary", summary.clone());
        // Halo AI fills these only where embeddings are enabled; otherwise fall back to the
        // non-AI routes (halo-api.md §4.10), per list, and say which source each came from.
        let articles_source = if articles.is_empty() {
            let mut related = ArticleQuery::new(Paging::new(Some(1), Some(limit))?.request());
            related.related_to_ticket = Some(id);
            let page = ctx.halo.articles(&related).await?;
            articles = page.items.iter().map(article_row).collect();
            "related_articles_search"
        } else {
            "halo_ai"
        };
        let tickets_source = match (tickets.is_empty(), summary) {
            (false, _) => "halo_ai",
            (true, Some(summary)) => {
                // One extra row, because the ticket itself usually matches its own summary.
                let mut query = TicketQuery::new(Paging::new(Some(1), Some(limit + 1))?.request());
                query.search = Some(summary);
                let page = ctx.halo.tickets(&query).await?;
                for t in page.items.iter().filter(|t| t.id != Some(id)) {
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
        let a = article(&decode::one(raw).unwrap());
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
        let found: crate::halo::records::TicketMatches = decode::one(raw).unwrap();
        let m = ai_matches(&found.tickets, Matched::Ticket, 1);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0]["ticket_id"], 1007);
        assert_eq!(m[0]["summary"], "Outlook prompts");
        assert!(ai_matches(&found.articles, Matched::Article, 5).is_empty());
    }
}
