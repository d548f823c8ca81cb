//! Single records and the knowledge-base list, as the resources read them: the paths, query
//! names and paging of `GET /Tickets/{id}`, `GET /Actions`, `GET /KBArticle/{id}` and
//! `GET /KBArticle` (halo-api.md §4.2, §4.8, §4.9), and the typed records of the entities
//! moved to them so far ([`service`], [`automation`], [`people`], [`organisation`], [`reference`]), read through [`decode`].

pub mod automation;
pub mod decode;
pub mod organisation;
pub mod people;
pub mod reference;
pub mod service;

pub use automation::{Runbook, RunbookAnswer};
pub use decode::{Record, Records};
pub use organisation::{Client, Site};
pub use people::{Agent, EndUser};
pub use reference::{Outcome, Priority, Status, Team, TicketType};
pub use service::{Service, ServiceQuery};

use serde_json::Value;

use super::{HaloError, HaloSession, Page};

/// One ticket with its details and the names Halo adds to a single record.
pub async fn ticket(session: &HaloSession, id: i64) -> Result<Value, HaloError> {
    session
        .get(
            &format!("Tickets/{id}"),
            &[("includedetails", "true".into())],
        )
        .await
}

/// A ticket's actions without system actions, in Halo's order.
pub async fn ticket_actions(session: &HaloSession, ticket_id: i64) -> Result<Page, HaloError> {
    session
        .list(
            "Actions",
            "actions",
            &[
                ("ticket_id", ticket_id.to_string()),
                ("excludesys", "true".into()),
            ],
        )
        .await
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
