//! `/api/KBArticle`: knowledge-base search (text similarity gives `search_score`), articles
//! related to a ticket, and one article with its full body. Needs `read:kb`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::authz::Caller;
use super::envelope::{Paging, order_rows};
use super::errors::{ApiError, ApiResult};
use super::matches::{corpora, related_articles};
use super::model::KbArticle;
use super::params::{Params, path_id};
use super::similarity::strip_html;
use super::store::SandboxState;

const EXCERPT_CHARS: usize = 200;

fn list_json(a: &KbArticle, score: Option<f64>) -> Value {
    let text = strip_html(&a.description_html);
    let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    json!({
        "id": a.id, "name": a.name, "description": excerpt, "type": a.r#type,
        "tag_string": a.tags.join(", "), "view_count": a.view_count,
        "useful_count": a.useful_count, "search_score": score,
    })
}

fn full_json(a: &KbArticle) -> Value {
    json!({
        "id": a.id, "name": a.name,
        "description": strip_html(&a.description_html), "description_html": a.description_html,
        "resolution": strip_html(&a.resolution_html), "resolution_html": a.resolution_html,
        "type": a.r#type, "tag_string": a.tags.join(", "),
        "tags": a.tags.iter().map(|t| json!({"text": t})).collect::<Vec<_>>(),
        "faqlists": [], "date_created": super::wire_dates::at(a.date_created), "date_edited": super::wire_dates::at(a.date_edited),
        "creator_name": a.creator_name, "editor_name": a.creator_name,
        "view_count": a.view_count, "useful_count": a.useful_count,
        "notuseful_count": a.notuseful_count, "inactive": a.inactive,
        "related_ticket_ids": a.related_ticket_ids,
    })
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:kb")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let search = p.str("search").map(str::to_string);
    let related = p.int("related_to_ticket")?;
    let include_inactive = p.bool("includeinactive")?;
    let mut rows = state.read(|d| {
        let find = |id: i64| {
            d.articles
                .iter()
                .find(|a| a.id == id && (include_inactive || !a.inactive))
        };
        if let Some(tid) = related {
            let t = d.ticket(tid).ok_or_else(|| {
                ApiError::field("related_to_ticket", format!("Ticket {tid} does not exist"))
            })?;
            return Ok(related_articles(d, t)
                .into_iter()
                .filter_map(|(id, s)| find(id).map(|a| list_json(a, Some(s))))
                .collect::<Vec<_>>());
        }
        if let Some(s) = &search {
            let needle = s.to_lowercase();
            let mut ranked = corpora(d).articles.rank(s, 0.0, None);
            // Plain substring hits (e.g. a tag) count even when the words score low.
            for a in &d.articles {
                let hay = format!(
                    "{} {} {}",
                    a.name,
                    strip_html(&a.description_html),
                    a.tags.join(" ")
                )
                .to_lowercase();
                if hay.contains(&needle) && !ranked.iter().any(|(id, _)| *id == a.id) {
                    ranked.push((a.id, 0.0));
                }
            }
            return Ok(ranked
                .into_iter()
                .filter_map(|(id, s)| find(id).map(|a| list_json(a, Some(s))))
                .collect());
        }
        Ok(d.articles
            .iter()
            .filter(|a| include_inactive || !a.inactive)
            .map(|a| list_json(a, None))
            .collect())
    })?;
    if p.str("order").is_some() {
        order_rows(&mut rows, &p, "id")?;
    }
    Ok(Json(paging.envelope("articles", rows)))
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:kb")?;
    let id = path_id(&id)?;
    state.read(|d| {
        d.articles
            .iter()
            .find(|a| a.id == id)
            .map(|a| Json(full_json(a)))
            .ok_or_else(|| ApiError::not_found("KBArticle", id))
    })
}
