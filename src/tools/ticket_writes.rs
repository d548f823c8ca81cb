//! Ticket writes: Create new Ticket and Assign to me. [`create_ticket`] with [`NewTicket`] is the
//! reusable core that admin-defined "create ticket" tools (fixed ticket type, template and
//! defaults) build on.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::{me, optional_text, positive_id, required_text, resolve_agent, resolve_opt};
use super::services::resolve_service;
use super::shape::{self, int, put, text};
use super::tickets::load_ticket;
use crate::halo::lookups::{LookupKind, Named, ResolveError};
use crate::halo::records::{CustomFieldWrite, TicketWrite};
use crate::halo::{HaloError, Rejection};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![typed(
        CreateTicket,
        "create_ticket",
        "Create new Ticket",
        "Create a new Halo ticket of any type you may create (e.g. Incident, Service Request). \
         Give a summary and ticket type; the customer, site, end user (name or e-mail), agent, \
         team, priority, status, category and service are optional and accepted by name or id. \
         When only the end user is given, the ticket goes to that user's customer and site. \
         Returns the created ticket's number and what was recorded. Each call creates a ticket.",
        Effect::Add,
    )]
}

/// The Assign to me tool; registered separately so the system tools keep Halo's order.
pub fn assign_tool() -> Arc<dyn ToolHandler> {
    typed(
        AssignTicketToMe,
        "assign_ticket_to_me",
        "Assign to me",
        "Assign a Halo ticket to you (the signed-in agent), optionally moving it to one of your \
         teams. Says who it was assigned to before. Assigning a ticket you already own changes \
         nothing.",
        Effect::UpdateIdempotent,
    )
}

pub use super::ticket_fields::NewTicket;

/// A record's id and name, as resolved, for filling names Halo's answer may leave out.
type Ref = Option<(i64, String)>;

fn named_ref(n: &Named) -> (i64, String) {
    (n.id, n.name.clone())
}

/// Resolves a site or end user within the customer (when one is known) and checks it belongs
/// there. Returns the record and, when no customer was given, the customer it belongs to.
async fn resolve_in_customer(
    ctx: &CallContext,
    kind: LookupKind,
    input: &str,
    client: &Ref,
) -> Result<(Named, Ref), ToolError> {
    let found = super::args::resolve_hinted(ctx, kind, input, client.as_ref().map(|c| c.0)).await?;
    let (owner, owner_name) = found.customer();
    let adopted = match (client, owner) {
        (Some((cid, cname)), Some(oc)) if *cid != oc => {
            return Err(ToolError::InvalidArguments(format!(
                "{} {} belongs to {}, not to {cname}",
                kind.label(),
                found.name,
                owner_name.unwrap_or_else(|| format!("customer {oc}")),
            )));
        }
        (None, Some(oc)) => Some((oc, owner_name.unwrap_or_default())),
        _ => None,
    };
    Ok((found, adopted))
}

/// Customer, site and end user, consistent with each other.
struct Placement {
    client: Ref,
    site: Ref,
    user: Ref,
}

impl Placement {
    /// Whether any of them came from a name lookup (the only ones a cache can hold stale).
    fn is_named(&self) -> bool {
        self.client.is_some() || self.site.is_some() || self.user.is_some()
    }

    fn ids(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        let id = |r: &Ref| r.as_ref().map(|r| r.0);
        (id(&self.client), id(&self.site), id(&self.user))
    }
}

/// The end user as found without a customer filter, when that search found exactly the user
/// the customer's own search would: one that belongs to `client`. Anything else (no match, more
/// than one, someone else's) is left to the customer's own search, which says so as it always
/// has.
fn found_in(found: Option<Result<Named, ResolveError>>, client: &Ref) -> Option<Named> {
    let found = found?.ok()?;
    let (owner, _) = found.customer();
    (owner.is_some() && owner == client.as_ref().map(|c| c.0)).then_some(found)
}

async fn place(ctx: &CallContext, t: &NewTicket) -> Result<Placement, ToolError> {
    let customer = optional_text(t.customer.as_deref());
    let end_user = optional_text(t.end_user.as_deref());
    // With both a customer and an end user (an e-mail, usually), both are looked up at once:
    // the user without the customer filter, checked to belong to the customer afterwards.
    let (client, early_user) = tokio::join!(
        async {
            match &customer {
                Some(c) => ctx
                    .lookups
                    .resolve(&ctx.halo, LookupKind::Client, c)
                    .await
                    .map(|found| Some(named_ref(&found))),
                None => Ok(None),
            }
        },
        async {
            match (&customer, &end_user) {
                (Some(_), Some(u)) => Some(
                    ctx.lookups
                        .resolve_within(&ctx.halo, LookupKind::User, u, None)
                        .await,
                ),
                _ => None,
            }
        }
    );
    let mut client: Ref = client?;
    let mut site: Ref = None;
    let mut user: Ref = None;
    if let Some(u) = end_user {
        let (found, owner) = match found_in(early_user, &client) {
            Some(found) => (found, None),
            None => resolve_in_customer(ctx, LookupKind::User, &u, &client).await?,
        };
        if owner.is_some() {
            // No customer given: the ticket goes to the end user's customer and site.
            client = owner;
            if let Some(u) = found.user()
                && let Some(sid) = u.site_id()
            {
                site = Some((sid, u.site_name().unwrap_or_default()));
            }
        }
        user = Some(named_ref(&found));
    }
    if let Some(s) = optional_text(t.site.as_deref()) {
        let (found, owner) = resolve_in_customer(ctx, LookupKind::Site, &s, &client).await?;
        if owner.is_some() {
            client = owner;
        }
        site = Some(named_ref(&found));
    }
    Ok(Placement { client, site, user })
}

/// Creates one ticket (`POST /Tickets` with a one-item array, sent once, never retried) and
/// returns it as a compact record with resolved names and a `message` saying what was created.
pub async fn create_ticket(ctx: &CallContext, t: NewTicket) -> Result<Value, ToolError> {
    let summary = required_text("summary", &t.summary)?;
    if summary.chars().count() > 250 {
        return Err(ToolError::InvalidArguments(
            "summary must be at most 250 characters; put the rest in details".into(),
        ));
    }
    let ticket_type = required_text("ticket_type", &t.ticket_type)?;
    // Every name is resolved at once; errors are then taken in argument order (the message a
    // bad argument always gave), and nothing is created after one.
    let (ticket_type, placement, agent, team, priority, status, service) = tokio::join!(
        ctx.lookups
            .resolve(&ctx.halo, LookupKind::TicketType, &ticket_type),
        place(ctx, &t),
        async {
            match optional_text(t.agent.as_deref()) {
                Some(a) => resolve_agent(ctx, &a).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match optional_text(t.team.as_deref()) {
                Some(team) => super::args::resolve_hinted(ctx, LookupKind::Team, &team, None)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
        resolve_opt(ctx, LookupKind::Priority, t.priority.as_deref()),
        resolve_opt(ctx, LookupKind::Status, t.status.as_deref()),
        async {
            match optional_text(t.service.as_deref()) {
                Some(s) => resolve_service(ctx, &s).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let ticket_type = ticket_type?;
    let mut placement = placement?;
    let agent = agent?;
    let team = team?;
    let priority = priority?;
    let status = status?;
    let service = service?;

    let mut body = TicketWrite {
        summary: Some(summary),
        ticket_type_id: Some(ticket_type.id),
        details_html: optional_text(t.details.as_deref()).map(|d| shape::html_body(&d)),
        client_id: placement.client.as_ref().map(|c| c.0),
        site_id: placement.site.as_ref().map(|s| s.0),
        user_id: placement.user.as_ref().map(|u| u.0),
        agent_id: agent.as_ref().map(|a| a.0),
        team: team.as_ref().map(|t| t.name.clone()),
        priority_id: priority,
        status_id: status,
        category: optional_text(t.category.as_deref()),
        service_id: service.as_ref().map(|s| s.id),
        template_id: t.template_id,
        custom_fields: t
            .custom_fields
            .iter()
            .map(|(id, value)| CustomFieldWrite {
                id: *id,
                value: value.clone(),
            })
            .collect(),
        ..TicketWrite::default()
    };

    // The outcomes of the new ticket's type are what a note, time entry or action on it (the
    // usual next step) must ask for first; they are fetched alongside the create, into the
    // per-instance cache (at most one call per ticket type per TTL). The create does not
    // depend on them, and a failure here is only a miss for later.
    let (saved, _) = tokio::join!(
        ctx.halo.save_ticket(&body),
        ctx.lookups
            .outcomes_for_ticket_type(&ctx.halo, ticket_type.id)
    );
    let saved = match saved {
        // Halo refused the ticket, so nothing was created. A customer, site or end user this
        // caller resolved earlier may be gone: they are looked up once more, and the create is
        // sent again only if that finds different records (never more than once).
        Err(HaloError::Rejected(Rejection::Invalid(message))) if placement.is_named() => {
            ctx.lookups.forget_names(&ctx.halo);
            let fresh = place(ctx, &t).await?;
            if fresh.ids() == placement.ids() {
                return Err(HaloError::Rejected(Rejection::Invalid(message)).into());
            }
            (body.client_id, body.site_id, body.user_id) = fresh.ids();
            placement = fresh;
            ctx.halo.save_ticket(&body).await?
        }
        other => other?,
    };
    let mut out = shape::ticket(ctx, &saved, false).await;
    // Halo's answer may leave out names it did not denormalise; fill them from what was resolved.
    if let Value::Object(m) = &mut out {
        let mut fill = |key: &str, value: Option<String>| {
            if !m.contains_key(key)
                && let Some(v) = value.filter(|v| !v.is_empty())
            {
                m.insert(key.into(), json!(v));
            }
        };
        fill("tickettype_name", Some(ticket_type.name.clone()));
        fill("client_name", placement.client.map(|c| c.1));
        fill("site_name", placement.site.map(|s| s.1));
        fill("user_name", placement.user.map(|u| u.1));
        if let Some(s) = &service {
            m.insert("service_id".into(), json!(s.id));
            m.insert("service_name".into(), json!(s.name));
        }
        m.remove("details_excerpt");
        let id = m.get("id").cloned().unwrap_or(Value::Null);
        m.insert(
            "message".into(),
            json!(format!("Created {} ticket {id}.", ticket_type.name)),
        );
    }
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// One-line summary (title) of the ticket.
    #[schemars(length(max = 250))]
    pub summary: String,
    /// The ticket type, by name or id, e.g. "Incident" or "Service Request".
    pub ticket_type: String,
    /// Full description: plain text (line breaks are kept) or HTML.
    #[schemars(length(max = 20000))]
    pub details: Option<String>,
    /// Customer (client) name or id, e.g. "Acorn Construction".
    pub customer: Option<String>,
    /// Site name or id within the customer.
    pub site: Option<String>,
    /// End user (who reported it): name, e-mail address or id. Without a customer, the user's
    /// own customer and site are used.
    pub end_user: Option<String>,
    /// Agent to assign: "me", a name, an e-mail address or an id. Default: unassigned.
    pub agent: Option<String>,
    /// Team name or id, e.g. "Service Desk".
    pub team: Option<String>,
    /// Priority name or number, e.g. "P2 - High" or "2". Default: the ticket type's.
    pub priority: Option<String>,
    /// Initial status name or id. Default: Halo's starting status (usually New).
    pub status: Option<String>,
    /// Category as shown in Halo.
    pub category: Option<String>,
    /// Service from the service catalogue the ticket is about, by name or id.
    pub service: Option<String>,
}

struct CreateTicket;

impl TypedTool for CreateTicket {
    type Args = CreateArgs;
    async fn run(&self, ctx: &CallContext, args: CreateArgs) -> Result<Value, ToolError> {
        create_ticket(ctx, args.into()).await
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// Also move the ticket to this team (name or id). Default: the team is left as it is.
    pub team: Option<String>,
}

struct AssignTicketToMe;

impl TypedTool for AssignTicketToMe {
    type Args = AssignArgs;
    async fn run(&self, ctx: &CallContext, args: AssignArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let team = match optional_text(args.team.as_deref()) {
            Some(t) => Some(ctx.lookups.resolve(&ctx.halo, LookupKind::Team, &t).await?),
            None => None,
        };
        let before = shape::ticket(ctx, &load_ticket(ctx, id).await?, false).await;
        let me = me(ctx).await?;
        let my_id = me.id.ok_or_else(|| {
            ToolError::Failed("Halo did not say which agent you are (Agent/me has no id)".into())
        })?;
        let my_name = me.name().unwrap_or_default();
        let before_agent = int(&before, "agent_id");
        let before_team = text(&before, "team");
        let team_unchanged = team.as_ref().is_none_or(|t| {
            before_team
                .as_deref()
                .is_some_and(|b| b.eq_ignore_ascii_case(&t.name))
        });
        let mut out = Map::new();
        put(&mut out, "ticket_id", id);
        put(&mut out, "summary", text(&before, "summary"));
        put(&mut out, "previous_agent_id", before_agent);
        put(&mut out, "previous_agent_name", text(&before, "agent_name"));
        put(&mut out, "previous_team", before_team.clone());
        if before_agent == Some(my_id) && team_unchanged {
            put(&mut out, "agent_id", my_id);
            put(&mut out, "agent_name", my_name);
            put(&mut out, "team", before_team);
            put(&mut out, "status_name", text(&before, "status_name"));
            out.insert("changed".into(), json!(false));
            out.insert(
                "message".into(),
                json!(format!(
                    "Ticket {id} was already assigned to you; nothing changed."
                )),
            );
            return Ok(Value::Object(out));
        }
        let body = TicketWrite {
            id: Some(id),
            agent_id: Some(my_id),
            team: team.as_ref().map(|t| t.name.clone()),
            ..TicketWrite::default()
        };
        let saved = ctx.halo.save_ticket(&body).await?;
        let after = shape::ticket(ctx, &saved, false).await;
        put(
            &mut out,
            "agent_id",
            int(&after, "agent_id").or(Some(my_id)),
        );
        put(
            &mut out,
            "agent_name",
            text(&after, "agent_name").or(Some(my_name)),
        );
        put(&mut out, "team", text(&after, "team"));
        put(&mut out, "status_name", text(&after, "status_name"));
        out.insert("changed".into(), json!(true));
        let from = text(&before, "agent_name").unwrap_or_else(|| "Unassigned".into());
        let mut message = format!("Ticket {id} is now assigned to you (was: {from}).");
        let changed = super::effects::changes(&before, &Value::Object(out.clone()));
        if let Some(team_change) = changed.iter().find(|c| c["field"] == "team") {
            message = format!(
                "{message} Team: {}.",
                super::effects::describe(std::slice::from_ref(team_change))
                    .trim_start_matches("team ")
            );
        }
        if let Some(warning) = super::effects::closed_reassignment(id, &before, &changed) {
            message = format!("{message} Warning: {warning}");
            out.insert("warning".into(), json!(warning));
        }
        out.insert("message".into(), json!(message));
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_create_arguments_are_refused() {
        let args = serde_json::from_value::<CreateArgs>(
            json!({"summary": "x", "ticket_type": "Incident", "customr": "Acorn"}),
        );
        assert!(args.unwrap_err().to_string().contains("unknown field"));
        let args = serde_json::from_value::<CreateArgs>(json!({"summary": "x"}));
        assert!(args.unwrap_err().to_string().contains("ticket_type"));
    }
}
