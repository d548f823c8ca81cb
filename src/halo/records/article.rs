//! Knowledge-base articles: `GET /KBArticle` (search, related to a ticket, most viewed) and
//! `GET /KBArticle/{id}?includedetails=true` (halo-api.md §4.8, §4.9; Halo's `KBEntry`). The
//! list carries neither the resolution nor always the HTML body; the single record does.

use serde::Deserialize;

use super::decode::{self, Record, Records};
use crate::halo::client::ReadPolicy;
use crate::halo::{HaloError, HaloSession, PageRequest};

/// One article, as the list or the single record sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Article {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default, rename = "name")]
    pub title: Option<String>,
    /// The body as plain text (Halo fills it from the HTML).
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_html: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub resolution_html: Option<String>,
    /// Tags as Halo joins them, comma-separated.
    #[serde(default, rename = "tag_string")]
    pub tags: Option<String>,
    /// How well the article matched a `search` (lists only).
    #[serde(default)]
    pub search_score: Option<f64>,
    #[serde(default, deserialize_with = "decode::int")]
    pub view_count: Option<i64>,
    #[serde(default, deserialize_with = "decode::int")]
    pub useful_count: Option<i64>,
    #[serde(default, rename = "notuseful_count", deserialize_with = "decode::int")]
    pub not_useful_count: Option<i64>,
    /// The ticket the article was written from; 0 or absent for none.
    #[serde(default, rename = "ticket_id", deserialize_with = "decode::int")]
    pub source_ticket_id: Option<i64>,
    #[serde(default)]
    pub inactive: Option<bool>,
    /// Halo's date text, as sent (unset dates are Halo's 1900 sentinel).
    #[serde(default, rename = "date_created")]
    pub created: Option<String>,
    #[serde(default, rename = "date_edited")]
    pub edited: Option<String>,
    #[serde(default, rename = "creator_name")]
    pub author: Option<String>,
    #[serde(default, rename = "editor_name")]
    pub editor: Option<String>,
}

impl Record for Article {
    const ENTITY: &'static str = "knowledge base article";
}

/// The order of an article list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOrder {
    /// Halo's own order (best match first for a search).
    Halo,
    MostViewed,
}

/// An article search.
#[derive(Debug, Clone)]
pub struct ArticleQuery {
    pub page: PageRequest,
    /// Words or a question in titles, bodies and tags.
    pub search: Option<String>,
    /// Articles Halo relates to this ticket (the non-AI match route, halo-api.md §4.10).
    pub related_to_ticket: Option<i64>,
    pub order: ArticleOrder,
}

impl ArticleQuery {
    pub fn new(page: PageRequest) -> ArticleQuery {
        ArticleQuery {
            page,
            search: None,
            related_to_ticket: None,
            order: ArticleOrder::Halo,
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut query = self.page.pairs();
        if let Some(search) = &self.search {
            query.push(("search", search.clone()));
        }
        if let Some(ticket_id) = self.related_to_ticket {
            query.push(("related_to_ticket", ticket_id.to_string()));
        }
        match self.order {
            ArticleOrder::Halo => {}
            ArticleOrder::MostViewed => {
                query.push(("order", "view_count".into()));
                query.push(("orderdesc", "true".into()));
            }
        }
        query
    }
}

impl HaloSession {
    /// One article with its full description and resolution.
    pub async fn article(&self, id: i64) -> Result<Article, HaloError> {
        self.read(
            &format!("KBArticle/{id}"),
            &[("includedetails", "true".into())],
            ReadPolicy::default(),
        )
        .await
    }

    /// One page of articles.
    pub async fn articles(&self, query: &ArticleQuery) -> Result<Records<Article>, HaloError> {
        self.read_list("KBArticle", "articles", &query.pairs())
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn articles_read_halo_names_into_ours_and_ignore_the_rest() {
        let a: Article = decode::one(json!({
            "id": "4", "name": "Reset MFA", "tag_string": "mfa", "notuseful_count": 2,
            "ticket_id": 1001, "date_edited": "2026-11-20T10:00:00", "creator_name": "Sam",
            "search_score": 0.7, "inactive": false, "faqlists": [{"id": 1}], "type": 0,
        }))
        .unwrap();
        assert_eq!(a.id, Some(4));
        assert_eq!(a.title.as_deref(), Some("Reset MFA"));
        assert_eq!(a.tags.as_deref(), Some("mfa"));
        assert_eq!(a.not_useful_count, Some(2));
        assert_eq!(a.source_ticket_id, Some(1001));
        assert_eq!(a.edited.as_deref(), Some("2026-11-20T10:00:00"));
        assert_eq!(a.author.as_deref(), Some("Sam"));
        assert_eq!(a.search_score, Some(0.7));
        assert_eq!(a.inactive, Some(false));
        let empty: Article = decode::one(json!({})).unwrap();
        assert!(empty.id.is_none() && empty.title.is_none());
    }

    #[test]
    fn a_wrong_typed_field_names_the_article_and_the_field() {
        for (bad, field) in [
            (json!({"id": 4, "view_count": "many"}), "view_count"),
            (json!({"id": 4, "inactive": "no"}), "inactive"),
            (json!({"id": 4, "name": ["x"]}), "name"),
        ] {
            match decode::one::<Article>(bad) {
                Err(HaloError::InvalidResponse(m)) => assert!(
                    m.starts_with(&format!("knowledge base article field '{field}'")),
                    "{m}"
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn queries_ask_for_the_page_the_filters_and_the_order() {
        let mut q = ArticleQuery::new(PageRequest {
            page: 2,
            page_size: 25,
        });
        assert_eq!(
            q.pairs(),
            PageRequest {
                page: 2,
                page_size: 25
            }
            .pairs()
        );
        q.search = Some("outlook".into());
        q.related_to_ticket = Some(1001);
        q.order = ArticleOrder::MostViewed;
        let pairs = q.pairs();
        for pair in [
            ("search", "outlook"),
            ("related_to_ticket", "1001"),
            ("order", "view_count"),
            ("orderdesc", "true"),
            ("page_no", "2"),
            ("page_size", "25"),
            ("pageinate", "true"),
        ] {
            assert!(pairs.contains(&(pair.0, pair.1.to_string())), "{pair:?}");
        }
    }
}
