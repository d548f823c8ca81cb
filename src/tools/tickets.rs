//! Ticket reads: Search Tickets, Get One Ticket, Get Assigned Tickets.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::args::{Paging, TicketOrder, positive_id, resolve_agent, resolve_opt};
use super::shape;
use crate::halo::HaloError;
use crate::halo::lookups::LookupKind;
use crate::halo::records::{Ticket, TicketQuery, TicketSort};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![
        typed(
            SearchTickets,
            "search_tickets",
            "Search Tickets",
            "Search Halo tickets by text and filters (status, ticket type, agent, customer, end \
             user), newest first by default. Returns one page of compact tickets with names and \
             ids; use page to see more when has_more is true.",
            Effect::Read,
        ),
        typed(
            GetTicket,
            "get_ticket",
            "Get One Ticket",
            "Get one Halo ticket by its number: details as plain text, status, type, priority, \
             customer, end user, agent, SLA dates, and its most recent actions (notes, e-mails, \
             status changes).",
            Effect::Read,
        ),
        typed(
            GetAssignedTickets,
            "get_assigned_tickets",
            "Get Assigned Tickets",
            "List the open tickets assigned to you (the signed-in agent), or to another agent \
             given by name, e-mail or id. Paged; newest activity first.",
            Effect::Read,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Words to look for in the ticket summary, details and number.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// Status name or id, e.g. "In Progress".
    pub status: Option<String>,
    /// Ticket type name or id, e.g. "Incident".
    pub ticket_type: Option<String>,
    /// Assigned agent: "me", a name, an e-mail address or an id.
    pub agent: Option<String>,
    /// Customer (client) name or id, e.g. "Acorn Construction".
    pub customer: Option<String>,
    /// End user name, e-mail address or id.
    pub end_user: Option<String>,
    /// true: only open tickets; false: open and closed. Default false.
    pub open_only: Option<bool>,
    /// Sort column. Default date_opened.
    pub order_by: Option<TicketOrder>,
    /// Sort newest/largest first. Default true.
    pub descending: Option<bool>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Tickets per page, 1-100. Default 20.
    pub page_size: Option<u32>,
}

struct SearchTickets;

impl TypedTool for SearchTickets {
    type Args = SearchArgs;
    async fn run(&self, ctx: &CallContext, args: SearchArgs) -> Result<Value, ToolError> {
        let paging = Paging::new(args.page, args.page_size)?;
        let mut query = TicketQuery::new(paging.request());
        query.search = args
            .query
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        // Every name is resolved at once, with the lists the rows will be named from; only an
        // end user waits for its customer. Errors are then taken in argument order, so a bad
        // argument gives the message it always gave, and nothing is searched after one.
        let agent = args.agent.as_deref().filter(|a| !a.trim().is_empty());
        let end_user = args.end_user.as_deref().filter(|u| !u.trim().is_empty());
        let (status, ticket_type, agent, people, _) = tokio::join!(
            resolve_opt(ctx, LookupKind::Status, args.status.as_deref()),
            resolve_opt(ctx, LookupKind::TicketType, args.ticket_type.as_deref()),
            async {
                match agent {
                    Some(agent) => resolve_agent(ctx, agent).await.map(|(id, _)| Some(id)),
                    None => Ok(None),
                }
            },
            async {
                let client_id =
                    resolve_opt(ctx, LookupKind::Client, args.customer.as_deref()).await?;
                let user_id = match end_user {
                    Some(user) => Some(
                        super::args::resolve_hinted(ctx, LookupKind::User, user, client_id)
                            .await?
                            .id,
                    ),
                    None => None,
                };
                Ok::<_, ToolError>((client_id, user_id))
            },
            shape::warm_names(ctx, &shape::TICKET_NAME_LISTS),
        );
        query.status_id = status?;
        query.ticket_type_id = ticket_type?;
        query.agent_id = agent?;
        (query.client_id, query.user_id) = people?;
        query.open_only = args.open_only == Some(true);
        let order = args.order_by.unwrap_or(TicketOrder::DateOpened);
        query.order = Some((order.sort(), args.descending.unwrap_or(true)));
        let mut out = list_tickets(ctx, &query, paging).await?;
        if let Some(field) = order.shown_as() {
            unset_last(&mut out["tickets"], field);
        }
        Ok(out)
    }
}

/// Halo sorts an unset date (its 1900 sentinel) as the earliest, so "fix-by, soonest first" would
/// lead with tickets that have no target at all. Within the page, tickets without the sort date
/// (the shaped record omits it) go last, keeping Halo's order otherwise.
fn unset_last(tickets: &mut Value, field: &str) {
    if let Value::Array(rows) = tickets {
        rows.sort_by_key(|t| t.get(field).is_none());
    }
}

/// Runs a ticket search and shapes the page.
pub async fn list_tickets(
    ctx: &CallContext,
    query: &TicketQuery,
    paging: Paging,
) -> Result<Value, ToolError> {
    let page = ctx.halo.tickets(query).await?;
    let names = shape::warm_names(ctx, &shape::names_needed(&page.items)).await;
    let mut tickets = Vec::with_capacity(page.items.len());
    for raw in &page.items {
        tickets.push(shape::ticket_named(ctx, raw, false, &names).await);
    }
    let mut out = paging.describe(page.record_count, tickets.len());
    out["tickets"] = Value::Array(tickets);
    Ok(out)
}

/// One ticket with its details; a missing ticket is the plain "Ticket N was not found in
/// Halo." every ticket tool reports.
pub async fn load_ticket(ctx: &CallContext, id: i64) -> Result<Ticket, ToolError> {
    ctx.halo.ticket(id).await.map_err(|e| ticket_error(id, e))
}

fn ticket_error(id: i64, error: HaloError) -> ToolError {
    match error {
        e if e.is_not_found() => ToolError::Failed(format!("Ticket {id} was not found in Halo.")),
        other => other.into(),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTicketArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// How many recent actions to include, 0-50. Default 10.
    pub recent_actions: Option<u32>,
}

struct GetTicket;

impl TypedTool for GetTicket {
    type Args = GetTicketArgs;
    async fn run(&self, ctx: &CallContext, args: GetTicketArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let limit = args.recent_actions.unwrap_or(10);
        if limit > 50 {
            return Err(ToolError::InvalidArguments(
                "recent_actions must be between 0 and 50".into(),
            ));
        }
        // The ticket and its actions are read together; the ticket's error (a missing ticket
        // above all) is the one reported when both fail.
        let (raw, actions) = tokio::join!(load_ticket(ctx, id), async {
            match limit {
                0 => Ok(None),
                _ => ctx.halo.ticket_actions(id).await.map(Some),
            }
        });
        let raw = raw?;
        let actions = actions?;
        let mut needed = shape::names_needed([&raw]);
        for action in actions.iter().flat_map(|a| &a.items) {
            for (id, kind) in [
                (action.new_status, LookupKind::Status),
                (action.new_agent, LookupKind::Agent),
            ] {
                if id.is_some_and(|id| id > 0) && !needed.contains(&kind) {
                    needed.push(kind);
                }
            }
        }
        let names = shape::warm_names(ctx, &needed).await;
        let mut ticket = shape::ticket_named(ctx, &raw, true, &names).await;
        if let Some(actions) = actions {
            let mut recent: Vec<Value> = Vec::with_capacity(actions.items.len());
            for raw in &actions.items {
                let mut action = shape::action(&names, raw);
                // Nested under the ticket: its id on every action is noise.
                if let Value::Object(a) = &mut action {
                    a.remove("ticket_id");
                }
                recent.push(action);
            }
            // Newest first, then keep the most recent `limit`.
            recent.sort_by_key(|a| std::cmp::Reverse(a.get("id").and_then(Value::as_i64)));
            recent.truncate(limit as usize);
            ticket["recent_actions"] = Value::Array(recent);
        }
        Ok(ticket)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignedArgs {
    /// Whose tickets: "me" (default), or an agent's name, e-mail address or id.
    pub agent: Option<String>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Tickets per page, 1-100. Default 20.
    pub page_size: Option<u32>,
}

struct GetAssignedTickets;

impl TypedTool for GetAssignedTickets {
    type Args = AssignedArgs;
    async fn run(&self, ctx: &CallContext, args: AssignedArgs) -> Result<Value, ToolError> {
        let paging = Paging::new(args.page, args.page_size)?;
        let (agent_id, agent_name) =
            resolve_agent(ctx, args.agent.as_deref().unwrap_or("me")).await?;
        let mut query = TicketQuery::new(paging.request());
        query.agent_id = Some(agent_id);
        query.open_only = true;
        query.order = Some((TicketSort::LastAction, true));
        let mut out = list_tickets(ctx, &query, paging).await?;
        out["agent"] = json!({"id": agent_id, "name": agent_name});
        Ok(out)
    }
}
