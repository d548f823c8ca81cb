//! MCP resources: Halo tickets and knowledge-base articles as Markdown documents an agent can
//! read, at `halo://tickets/{ticket_id}` and `halo://kb/{article_id}`.
//!
//! `resources/list` pages through the knowledge base (most viewed first) with a stateless
//! cursor; `resources/templates/list` offers both URI templates; `resources/read` fetches the
//! record from Halo with the caller's credentials, like the tools. A kind of resource exists
//! only while the tool that reads one such record is enabled (`get_ticket`, `get_article`), so
//! the operator's tool selection hides it too; both are reads, so read-only mode keeps them.
//! There are no subscriptions: the server is stateless.

pub mod cursor;
pub mod fetch;
pub mod links;
pub mod markdown;
pub mod sizes;
pub mod uri;

use rmcp::ErrorData;
use rmcp::model::{
    ListResourceTemplatesRequestMethod, ListResourceTemplatesResult, ListResourcesRequestMethod,
    ListResourcesResult, PaginatedRequestParams, ReadResourceRequestMethod,
    ReadResourceRequestParams, ReadResourceResult, ResourceContents, ResourceTemplate,
};
use serde_json::json;

use self::cursor::{CursorCodec, MAX_PAGE};
use self::fetch::ReadError;
use self::sizes::ArticleSizes;
use self::uri::{ARTICLE_TEMPLATE, ResourceUri, TICKET_TEMPLATE, UriError};
use super::registry::ToolRegistry;
use super::{CallContext, ToolError};

/// Which kinds of resource this deployment offers, from the tool selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    pub tickets: bool,
    pub articles: bool,
}

impl Offered {
    pub fn from_registry(registry: &ToolRegistry) -> Offered {
        Offered {
            tickets: registry.get("get_ticket").is_some(),
            articles: registry.get("get_article").is_some(),
        }
    }

    /// Whether to declare the resources capability at all.
    pub fn any(self) -> bool {
        self.tickets || self.articles
    }
}

fn invalid_cursor(error: cursor::CursorError) -> ErrorData {
    ErrorData::invalid_params(format!("Invalid params: {error}"), None)
}

/// `resources/list`: one page of knowledge-base articles. `deployment` names the Halo instance
/// the cursor is bound to; an entry carries its size when this instance has read the article
/// recently (see [`sizes`]).
pub async fn list(
    offered: Offered,
    deployment: &str,
    sizes: &ArticleSizes,
    request: Option<PaginatedRequestParams>,
    ctx: Result<CallContext, ErrorData>,
) -> Result<ListResourcesResult, ErrorData> {
    if !offered.any() {
        return Err(ErrorData::method_not_found::<ListResourcesRequestMethod>());
    }
    let page = match request.and_then(|r| r.cursor) {
        Some(cursor) => CursorCodec::new(deployment)
            .decode(&cursor)
            .map_err(invalid_cursor)?,
        None => 1,
    };
    if !offered.articles {
        // Tickets are too many and change too fast to list; the template covers them.
        return Ok(ListResourcesResult::with_all_items(Vec::new()));
    }
    let (entries, more) = fetch::article_page(&ctx?, page)
        .await
        .map_err(halo_failure)?;
    let resources = entries
        .into_iter()
        .map(|entry| {
            let resource = links::resource(
                ResourceUri::Article(entry.id),
                &format!("KB article {}", entry.id),
                Some(entry.title),
            );
            let resource = match entry.description {
                Some(description) => resource.with_description(description),
                None => resource,
            };
            match sizes.get(entry.id) {
                Some(size) => resource.with_size(size),
                None => resource,
            }
        })
        .collect();
    let mut result = ListResourcesResult::with_all_items(resources);
    if more && page < MAX_PAGE {
        result.next_cursor = Some(CursorCodec::new(deployment).encode(page + 1));
    }
    Ok(result)
}

/// `resources/templates/list`: the URI templates of the kinds offered. One page; a cursor,
/// never issued here, is refused.
pub fn templates(
    offered: Offered,
    request: Option<PaginatedRequestParams>,
) -> Result<ListResourceTemplatesResult, ErrorData> {
    if !offered.any() {
        return Err(ErrorData::method_not_found::<
            ListResourceTemplatesRequestMethod,
        >());
    }
    if request.and_then(|r| r.cursor).is_some() {
        return Err(invalid_cursor(cursor::CursorError::Malformed));
    }
    let mut templates = Vec::new();
    if offered.tickets {
        templates.push(
            ResourceTemplate::new(TICKET_TEMPLATE, "halo_ticket")
                .with_title("Halo ticket")
                .with_description(
                    "A Halo ticket by its number, as Markdown: summary, status, customer, end \
                     user, agent, SLA, details and the most recent actions.",
                )
                .with_mime_type(markdown::MIME_TYPE),
        );
    }
    if offered.articles {
        templates.push(
            ResourceTemplate::new(ARTICLE_TEMPLATE, "halo_kb_article")
                .with_title("Halo knowledge base article")
                .with_description(
                    "A Halo knowledge base article by its id, as Markdown: title, description \
                     and resolution.",
                )
                .with_mime_type(markdown::MIME_TYPE),
        );
    }
    Ok(ListResourceTemplatesResult::with_all_items(templates))
}

/// `resources/read`: the record as Markdown. A malformed URI is `-32602`; an unknown, forbidden
/// or hidden record is resource-not-found (rmcp sends `-32002` to clients up to 2025-11-25 and
/// `-32602` from 2026-07-28).
pub async fn read(
    offered: Offered,
    sizes: &ArticleSizes,
    request: ReadResourceRequestParams,
    ctx: Result<CallContext, ErrorData>,
) -> Result<ReadResourceResult, ErrorData> {
    if !offered.any() {
        return Err(ErrorData::method_not_found::<ReadResourceRequestMethod>());
    }
    let not_found =
        |message: String| ErrorData::resource_not_found(message, Some(json!({"uri": request.uri})));
    let uri = match ResourceUri::parse(&request.uri) {
        Ok(uri) => uri,
        Err(error @ UriError::Malformed(_)) => {
            return Err(ErrorData::invalid_params(
                format!("Invalid params: {error}"),
                None,
            ));
        }
        Err(error @ UriError::Foreign(_)) => {
            return Err(not_found(format!("Resource not found: {error}")));
        }
    };
    let (is_offered, tool) = match uri {
        ResourceUri::Ticket(_) => (offered.tickets, "get_ticket"),
        ResourceUri::Article(_) => (offered.articles, "get_article"),
    };
    if !is_offered {
        return Err(not_found(format!(
            "Resource not found: {uri} (this server does not offer these resources because \
             its {tool} tool is turned off)"
        )));
    }
    match fetch::document(&ctx?, uri).await {
        Ok(doc) => {
            if let ResourceUri::Article(id) = uri {
                sizes.remember(id, &doc);
            }
            Ok(ReadResourceResult::new(vec![
                ResourceContents::text(doc, uri.to_string()).with_mime_type(markdown::MIME_TYPE),
            ]))
        }
        Err(ReadError::NotFound(message)) => Err(not_found(message)),
        Err(ReadError::Halo(error)) => Err(halo_failure(error)),
    }
}

/// Halo failing (down, rate-limited, sign-in expired) is not the client's fault: an internal
/// error with the same actionable message a tool would give.
fn halo_failure(error: crate::halo::HaloError) -> ErrorData {
    let error = ToolError::Halo(error);
    tracing::debug!(kind = error.kind(), "resource read failed");
    ErrorData::internal_error(error.user_message(), None)
}
