//! The service catalogue: Search Service Catalogue, and resolving a service by name or id for
//! tools that link a ticket to a service.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::args::{Paging, optional_text};
use super::shape::{self, int, put, text};
use crate::halo::lookups::{LookupKind, Named, ResolveError, pick};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![typed(
        SearchServiceCatalogue,
        "search_service_catalogue",
        "Search Service Catalogue",
        "Search Halo's service catalogue by text. Give an end user (name, e-mail or id) to see \
         the services that user can request and whether their organisation subscribes to each. \
         Returns services with their category and the ticket type used to request them; paged.",
        Effect::Read,
    )]
}

fn service_named(raw: Value) -> Option<Named> {
    Some(Named {
        id: int(&raw, "id")?,
        name: text(&raw, "name").unwrap_or_default(),
        email: None,
        raw,
    })
}

/// A service's name by id (`GET /Service/{id}`), for showing next to a ticket's `service_id`;
/// `None` when Halo cannot say.
pub async fn service_name(ctx: &CallContext, id: i64) -> Option<String> {
    let raw = ctx.halo.get(&format!("Service/{id}"), &[]).await.ok()?;
    text(&raw, "name")
}

/// One service by id, or by name through a catalogue search; unknown or ambiguous names list the
/// closest services.
pub async fn resolve_service(ctx: &CallContext, input: &str) -> Result<Named, ToolError> {
    let trimmed = input.trim();
    let not_found = |suggestions| {
        ToolError::Resolve(ResolveError::NotFound {
            kind: "service",
            input: trimmed.to_string(),
            suggestions,
        })
    };
    if let Ok(id) = trimmed.parse::<i64>() {
        return match ctx.halo.get(&format!("Service/{id}"), &[]).await {
            Ok(raw) => service_named(raw).ok_or_else(|| not_found(vec![])),
            Err(e) if e.is_not_found() => Err(not_found(vec![])),
            Err(e) => Err(e.into()),
        };
    }
    let mut query = Paging::new(Some(1), Some(50))?.query();
    query.push(("search", trimmed.to_string()));
    let mut candidates: Vec<Named> = ctx
        .halo
        .list("Service", "services", &query)
        .await?
        .items
        .into_iter()
        .filter_map(service_named)
        .collect();
    if candidates.is_empty() {
        // Nothing matched the text: offer the closest names from the whole catalogue.
        let all = Paging::new(Some(1), Some(100))?.query();
        candidates = ctx
            .halo
            .list("Service", "services", &all)
            .await?
            .items
            .into_iter()
            .filter_map(service_named)
            .collect();
    }
    // There is no service lookup kind; the kind passed only labels messages, and every
    // message is relabelled as a service below.
    pick(LookupKind::Outcome, trimmed, &candidates).map_err(|e| match e {
        ResolveError::NotFound { suggestions, .. } => not_found(suggestions),
        ResolveError::Ambiguous { candidates, .. } => ToolError::Resolve(ResolveError::Ambiguous {
            kind: "service",
            input: trimmed.to_string(),
            candidates,
        }),
        other => other.into(),
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Words to look for in service names, descriptions and categories. Default: all services.
    #[schemars(length(max = 200))]
    pub query: Option<String>,
    /// End user whose services to show: name, e-mail address or id.
    pub user: Option<String>,
    /// true: only services the user's organisation subscribes to (needs user). Default false.
    pub subscribed_only: Option<bool>,
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Services per page, 1-100. Default 20.
    pub page_size: Option<u32>,
}

struct SearchServiceCatalogue;

impl TypedTool for SearchServiceCatalogue {
    type Args = SearchArgs;
    async fn run(&self, ctx: &CallContext, args: SearchArgs) -> Result<Value, ToolError> {
        let paging = Paging::new(args.page, args.page_size)?;
        let user = match optional_text(args.user.as_deref()) {
            Some(u) => Some(
                ctx.lookups
                    .resolve_within(&ctx.halo, LookupKind::User, &u, None)
                    .await?,
            ),
            None => None,
        };
        let subscribed_only = args.subscribed_only.unwrap_or(false);
        if subscribed_only && user.is_none() {
            return Err(ToolError::InvalidArguments(
                "subscribed_only needs a user (whose organisation's subscriptions to use)".into(),
            ));
        }
        let mut query = paging.query();
        if let Some(q) = optional_text(args.query.as_deref()) {
            query.push(("search", q));
        }
        if let Some(u) = &user {
            query.push(("user_id", u.id.to_string()));
        }
        if subscribed_only {
            query.push(("subscribedonly", "true".into()));
        }
        let page = ctx.halo.list("Service", "services", &query).await?;
        let mut services = Vec::with_capacity(page.items.len());
        for raw in &page.items {
            services.push(service(ctx, raw).await);
        }
        let mut out = paging.describe(page.record_count, services.len());
        if let Some(u) = &user {
            let mut who = Map::new();
            put(&mut who, "id", u.id);
            put(&mut who, "name", u.name.clone());
            put(&mut who, "client_name", text(&u.raw, "client_name"));
            out["user"] = Value::Object(who);
        }
        out["services"] = Value::Array(services);
        Ok(out)
    }
}

/// A catalogue entry with its request ticket type named.
async fn service(ctx: &CallContext, raw: &Value) -> Value {
    let mut s = Map::new();
    put(&mut s, "id", int(raw, "id"));
    put(&mut s, "name", text(raw, "name"));
    put(
        &mut s,
        "summary",
        shape::excerpt(raw, &["summary"], shape::EXCERPT_LIMIT),
    );
    put(&mut s, "category", text(raw, "service_category_name"));
    put(
        &mut s,
        "user_subscribed",
        raw.get("user_subscribed").and_then(Value::as_bool),
    );
    put(
        &mut s,
        "subscribable",
        raw.get("subscribable").and_then(Value::as_bool),
    );
    let request_type = int(raw, "service_tickettype_id").filter(|id| *id > 0);
    put(&mut s, "request_tickettype_id", request_type);
    if let Some(id) = request_type {
        put(
            &mut s,
            "request_tickettype_name",
            ctx.lookups
                .name_of(&ctx.halo, LookupKind::TicketType, id)
                .await,
        );
    }
    let incident_type = int(raw, "incident_tickettype_id").filter(|id| *id > 0);
    put(&mut s, "incident_tickettype_id", incident_type);
    if let Some(id) = incident_type {
        put(
            &mut s,
            "incident_tickettype_name",
            ctx.lookups
                .name_of(&ctx.halo, LookupKind::TicketType, id)
                .await,
        );
    }
    put(&mut s, "request_label", text(raw, "servicerequestlbl"));
    Value::Object(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn services_become_named_records() {
        let n = service_named(json!({"id": 3, "name": "Endpoint Security"})).unwrap();
        assert_eq!((n.id, n.name.as_str()), (3, "Endpoint Security"));
        assert!(service_named(json!({"name": "no id"})).is_none());
    }
}
