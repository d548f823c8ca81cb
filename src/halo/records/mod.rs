//! Typed Halo records, read through [`decode`], and the typed calls that read and write them:
//! tickets and actions ([`ticket`], [`action`]), the knowledge base ([`article`]), Halo AI's
//! ticket matches ([`ticket_match`]), reports ([`report`]), services ([`service`]), runbooks
//! ([`automation`]), agents and end users ([`people`]), customers and sites ([`organisation`])
//! and the reference lists names resolve against ([`reference`]).

pub mod action;
pub mod article;
pub mod automation;
pub mod decode;
mod field_value;
pub mod organisation;
pub mod people;
pub mod reference;
pub mod report;
pub mod service;
pub mod ticket;
#[cfg(test)]
mod ticket_calls_tests;
pub mod ticket_match;
pub mod wire;
#[cfg(test)]
mod wire_tests;

pub use action::{Action, ActionWrite};
pub use article::{Article, ArticleOrder, ArticleQuery};
pub use automation::{Runbook, RunbookAnswer};
pub use decode::{Record, Records};
pub use organisation::{Client, Site};
pub use people::{Agent, EndUser};
pub use reference::{Outcome, Priority, Status, Team, TicketType};
pub use report::{Cell, ReportFailure, ReportProfile, ReportQuery, ReportRun, ReportSummary, Row};
pub use service::{Service, ServiceQuery};
pub use ticket::{
    AiSuggestion, CustomField, CustomFieldWrite, FieldValue, Ticket, TicketQuery, TicketSort,
    TicketWrite,
};
pub use ticket_match::{AiMatch, TicketMatches};

use serde_json::Value;

use super::HaloError;
use super::error::NotSent;

/// A typed write body as the JSON `POST` sends.
fn body(write: &impl serde::Serialize) -> Result<Value, HaloError> {
    serde_json::to_value(write).map_err(|e| NotSent::Request(e.to_string()).into())
}
