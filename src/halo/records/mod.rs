//! Single records and the knowledge-base list, as the resources read them: the paths, query
//! names and paging of `GET /KBArticle/{id}` and `GET /KBArticle` (halo-api.md §4.9), and the
//! typed records of the entities moved to them so far ([`service`], [`automation`],
//! [`ticket`], [`action`]), read through [`decode`].

pub mod action;
pub mod automation;
pub mod decode;
pub mod service;
pub mod ticket;
#[cfg(test)]
mod ticket_calls_tests;

pub use action::{Action, ActionWrite};
pub use automation::{Runbook, RunbookAnswer};
pub use decode::{Record, Records};
pub use service::{Service, ServiceQuery};
pub use ticket::{
    AiSuggestion, CustomField, CustomFieldWrite, FieldValue, Ticket, TicketQuery, TicketSort,
    TicketWrite,
};

use serde_json::Value;

use super::error::NotSent;
use super::{HaloError, HaloSession, Page};

/// A typed write body as the JSON `POST` sends.
fn body(write: &impl serde::Serialize) -> Result<Value, HaloError> {
    serde_json::to_value(write).map_err(|e| NotSent::Request(e.to_string()).into())
}

/// One knowledge-base article with its full description and resolution.
pub async fn article(session: &HaloSession, id: i64) -> Result<Value, HaloError> {
    session
        .get(
            &format!("KBArticle/{id}"),
            &[("includedetails", "true".into())],
        )
        .await
}

/// One page (from 1) of active knowledge-base articles, most viewed first.
pub async fn articles_most_viewed(
    session: &HaloSession,
    page: u32,
    page_size: u32,
) -> Result<Page, HaloError> {
    let mut query = super::query::PageRequest { page, page_size }.pairs();
    query.push(("order", "view_count".into()));
    query.push(("orderdesc", "true".into()));
    session.list("KBArticle", "articles", &query).await
}
