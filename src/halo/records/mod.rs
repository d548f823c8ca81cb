//! Single records, as the resources read them: the paths, query names and paging of
//! `GET /Tickets/{id}` and `GET /Actions` (halo-api.md §4.2), and the typed records of the
//! entities moved to them so far ([`service`], [`automation`], [`article`], [`report`],
//! [`ticket_match`]), read through [`decode`].

pub mod article;
pub mod automation;
pub mod decode;
pub mod report;
pub mod service;
pub mod ticket_match;
#[cfg(test)]
mod wire_tests;

pub use article::{Article, ArticleOrder, ArticleQuery};
pub use automation::{Runbook, RunbookAnswer};
pub use decode::{Record, Records};
pub use report::{Cell, ReportFailure, ReportProfile, ReportQuery, ReportRun, ReportSummary, Row};
pub use service::{Service, ServiceQuery};
pub use ticket_match::{AiMatch, TicketMatches};

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
