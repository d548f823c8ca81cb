//! The service catalogue: Search Service Catalogue, and resolving a service by name or id for
//! tools that link a ticket to a service.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::args::{Paging, optional_text};
use super::shape::{self, put};
use crate::halo::PageRequest;
use crate::halo::lookups::{LookupKind, Named, ResolveError, pick};
use crate::halo::records::{Service, ServiceQuery};
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

/// A service's name by id (`GET /Service/{id}`), for showing next to a ticket's `service_id`;
/// `None` when Halo cannot say.
pub async fn service_name(ctx: &CallContext, id: i64) -> Option<String> {
    ctx.halo.service(id).await.ok()?.name()
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
        return match ctx.halo.service(id).await {
            Ok(service) => service.into_named().ok_or_else(|| not_found(vec![])),
            Err(e) if e.is_not_found() => Err(not_found(vec![])),
            Err(e) => Err(e.into()),
        };
    }
    let mut query = ServiceQuery::new(PageRequest::first(50));
    query.search = Some(trimmed.to_string());
    let mut candidates: Vec<Named> = ctx
        .halo
        .services(&query)
        .await?
        .items
        .into_iter()
        .filter_map(Service::into_named)
        .collect();
    if candidates.is_empty() {
        // Nothing matched the text: offer the closest names from the whole catalogue.
        let all = ServiceQuery::new(PageRequest::first(100));
        candidates = ctx
            .halo
            .services(&all)
            .await?
            .items
            .into_iter()
            .filter_map(Service::into_named)
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
        let query = ServiceQuery {
            page: paging.request(),
            search: optional_text(args.query.as_deref()),
            user_id: user.as_ref().map(|u| u.id),
            subscribed_only,
        };
        let page = ctx.halo.services(&query).await?;
        let mut services = Vec::with_capacity(page.items.len());
        for entry in &page.items {
            services.push(service(ctx, entry).await);
        }
        let mut out = paging.describe(page.record_count, services.len());
        if let Some(u) = &user {
            let mut who = Map::new();
            put(&mut who, "id", u.id);
            put(&mut who, "name", u.name.clone());
            put(
                &mut who,
                "client_name",
                u.user().and_then(|u| u.client_name()),
            );
            out["user"] = Value::Object(who);
        }
        out["services"] = Value::Array(services);
        Ok(out)
    }
}

/// A catalogue entry with its request ticket type named.
async fn service(ctx: &CallContext, entry: &Service) -> Value {
    let mut s = Map::new();
    put(&mut s, "id", entry.id);
    put(&mut s, "name", entry.name());
    put(
        &mut s,
        "summary",
        entry
            .summary
            .as_deref()
            .map(|html| crate::halo::text::html_excerpt(html, shape::EXCERPT_LIMIT))
            .filter(|s| !s.is_empty()),
    );
    put(
        &mut s,
        "category",
        crate::halo::records::decode::text(&entry.category_name),
    );
    put(&mut s, "user_subscribed", entry.user_subscribed);
    put(&mut s, "subscribable", entry.subscribable);
    let request_type = entry.request_tickettype_id.filter(|id| *id > 0);
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
    let incident_type = entry.incident_tickettype_id.filter(|id| *id > 0);
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
    put(
        &mut s,
        "request_label",
        crate::halo::records::decode::text(&entry.request_label),
    );
    Value::Object(s)
}
