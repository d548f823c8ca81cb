//! Halo AI's similarity matches of a ticket: `ai_matched_articles` and `ai_matched_tickets`
//! (`FaultVectorScore` rows) on `GET /Tickets/{id}?includedetails=true` (halo-api.md §4.10).
//! Read as their own record so the match tool needs only these fields of the ticket.

use serde::Deserialize;

use super::decode::{self, Record};
use crate::halo::{HaloError, HaloSession};

/// One similar article or ticket Halo AI found.
#[derive(Debug, Clone, Deserialize)]
pub struct AiMatch {
    /// The matched article's or ticket's id.
    #[serde(default, deserialize_with = "decode::int")]
    pub matched_id: Option<i64>,
    /// The matched article's title or ticket's summary.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub search_score: Option<f64>,
    #[serde(default)]
    pub client_name: Option<String>,
    /// When the matched ticket was opened (Halo's date text).
    #[serde(default, rename = "date_occurred")]
    pub opened: Option<String>,
    #[serde(default, rename = "date_closed")]
    pub closed: Option<String>,
}

/// A ticket's summary and the matches Halo AI keeps for it (empty where embeddings are off).
#[derive(Debug, Clone, Deserialize)]
pub struct TicketMatches {
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, rename = "ai_matched_articles", deserialize_with = "rows")]
    pub articles: Vec<AiMatch>,
    #[serde(default, rename = "ai_matched_tickets", deserialize_with = "rows")]
    pub tickets: Vec<AiMatch>,
}

impl Record for TicketMatches {
    const ENTITY: &'static str = "ticket";
}

/// A match list; null is none.
fn rows<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<AiMatch>, D::Error> {
    Ok(Option::<Vec<AiMatch>>::deserialize(deserializer)?.unwrap_or_default())
}

impl HaloSession {
    /// A ticket's AI matches, from the same single-ticket read `get_ticket` makes.
    pub async fn ticket_matches(&self, ticket_id: i64) -> Result<TicketMatches, HaloError> {
        self.ticket_document(ticket_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_read_halo_names_and_tolerate_absence() {
        let m: TicketMatches = decode::one(json!({
            "id": 1001, "summary": "Outlook", "status_id": 2, "ai_matched_articles": null,
            "ai_matched_tickets": [{"id": 1, "use": 0, "ticket_id": 1001, "matched_id": "1007",
                "name": "Outlook prompts", "search_score": 0.8, "client_name": "Acorn",
                "date_occurred": "2026-11-01T09:00:00", "date_closed": "1900-01-01T00:00:00"}],
        }))
        .unwrap();
        assert!(m.articles.is_empty());
        assert_eq!(m.tickets.len(), 1);
        let t = &m.tickets[0];
        assert_eq!(t.matched_id, Some(1007));
        assert_eq!(t.opened.as_deref(), Some("2026-11-01T09:00:00"));
        let none: TicketMatches = decode::one(json!({"id": 5})).unwrap();
        assert!(none.summary.is_none() && none.tickets.is_empty());
    }

    #[test]
    fn a_wrong_typed_match_names_the_field() {
        match decode::one::<TicketMatches>(json!({"ai_matched_tickets": [{"search_score": "hi"}]}))
        {
            Err(HaloError::InvalidResponse(m)) => assert!(
                m.starts_with("ticket field 'ai_matched_tickets[0].search_score'"),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
    }
}
