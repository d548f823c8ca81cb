//! What a resource costs in Halo calls, with the caller's credentials: one article is one
//! `GET /KBArticle/{id}`, one ticket is `GET /Tickets/{id}` plus its actions, one list page is
//! one `GET /KBArticle`. Unknown and forbidden records are both "not found" to the client.

use super::markdown;
use super::uri::ResourceUri;
use crate::halo::records::{ArticleOrder, ArticleQuery, Ticket, decode};
use crate::halo::{HaloError, LookupKind, PageRequest, Rejection};
use crate::mcp::CallContext;

/// Articles per `resources/list` page.
pub const PAGE_SIZE: u32 = 25;
/// Actions shown in a ticket document.
const RECENT_ACTIONS: usize = 10;
/// Longest article description in a list entry, in characters.
const DESCRIPTION_CHARS: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The record does not exist, or the caller's Halo agent may not see it.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Halo(HaloError),
}

fn not_found(uri: ResourceUri, error: HaloError) -> ReadError {
    let what = match uri {
        ResourceUri::Ticket(id) => format!("ticket {id}"),
        ResourceUri::Article(id) => format!("knowledge base article {id}"),
    };
    match error {
        HaloError::Rejected(Rejection::NotFound(_)) => {
            ReadError::NotFound(format!("Resource not found: {uri} ({what} is not in Halo)"))
        }
        HaloError::Rejected(Rejection::Forbidden { .. }) => ReadError::NotFound(format!(
            "Resource not found: {uri} (Halo does not let your Halo agent read {what})"
        )),
        other => ReadError::Halo(other),
    }
}

/// The Markdown document of a resource.
pub async fn document(ctx: &CallContext, uri: ResourceUri) -> Result<String, ReadError> {
    match uri {
        ResourceUri::Ticket(id) => {
            let mut ticket = ctx.halo.ticket(id).await.map_err(|e| not_found(uri, e))?;
            fill_names(ctx, &mut ticket).await;
            let actions = ctx.halo.ticket_actions(id).await.map_err(ReadError::Halo)?;
            let total = actions.items.len();
            let mut recent = actions.items;
            recent.sort_by_key(|a| std::cmp::Reverse(a.id));
            recent.truncate(RECENT_ACTIONS);
            Ok(markdown::cap(
                markdown::ticket(&ticket, &recent, total),
                "Use get_ticket for the ticket's fields and actions.",
            ))
        }
        ResourceUri::Article(id) => {
            let found = ctx.halo.article(id).await.map_err(|e| not_found(uri, e))?;
            Ok(markdown::cap(
                markdown::article(&found),
                "The full article is in Halo's knowledge base.",
            ))
        }
    }
}

/// Halo's single-ticket object may carry ids without names; the cached lookups fill them in.
async fn fill_names(ctx: &CallContext, ticket: &mut Ticket) {
    let pairs = [
        (
            &mut ticket.status_name,
            ticket.status_id,
            LookupKind::Status,
        ),
        (
            &mut ticket.ticket_type_name,
            ticket.ticket_type_id,
            LookupKind::TicketType,
        ),
        (
            &mut ticket.priority_name,
            ticket.priority_id,
            LookupKind::Priority,
        ),
        (&mut ticket.agent_name, ticket.agent_id, LookupKind::Agent),
    ];
    for (name, id, kind) in pairs {
        let Some(id) = id else {
            continue;
        };
        if name.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            continue;
        }
        if let Some(found) = ctx.lookups.name_of(&ctx.halo, kind, id).await {
            *name = Some(found);
        }
    }
}

/// One article as a `resources/list` entry.
pub struct ArticleEntry {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
}

/// One page (from 1) of the knowledge base, most viewed first; and whether more follow.
pub async fn article_page(
    ctx: &CallContext,
    page: u32,
) -> Result<(Vec<ArticleEntry>, bool), HaloError> {
    let mut query = ArticleQuery::new(PageRequest {
        page,
        page_size: PAGE_SIZE,
    });
    query.order = ArticleOrder::MostViewed;
    let listed = ctx.halo.articles(&query).await?;
    let returned = listed.items.len() as u64;
    let shown_so_far = u64::from(page - 1) * u64::from(PAGE_SIZE) + returned;
    let has_more = match listed.record_count {
        Some(total) => shown_so_far < total,
        None => returned == u64::from(PAGE_SIZE),
    };
    let entries = listed
        .items
        .iter()
        .filter_map(|article| {
            let id = article.id.filter(|id| *id > 0)?;
            let title = decode::text(&article.title).unwrap_or_else(|| format!("Article {id}"));
            let description = markdown::first_line(
                [&article.description, &article.description_html],
                DESCRIPTION_CHARS,
            );
            Some(ArticleEntry {
                id,
                title,
                description,
            })
        })
        .collect();
    Ok((entries, has_more && returned > 0))
}
