//! `/api/Service`: the service catalogue (`ServSite` records). With `user_id`, each service says
//! whether that user's customer subscribes to it (`user_subscribed`); `subscribedonly` keeps just
//! those. Halo has no service scope, so the sandbox asks for `read:customers`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::authz::Caller;
use super::envelope::{Paging, order_rows};
use super::errors::{ApiError, ApiResult};
use super::model::Service;
use super::params::{Params, path_id};
use super::store::{Data, SandboxState};

fn service_json(d: &Data, s: &Service, client: Option<i64>) -> Value {
    let subscribed = client.map(|c| d.subscriptions.contains(&(c, s.id)));
    json!({
        "id": s.id, "name": s.name, "summary": s.summary,
        "service_category_id": s.service_category_id,
        "service_category_name": s.service_category_name,
        "showinusercatalog": s.showinusercatalog, "showintechcatalog": true,
        "current_status": s.current_status, "subscribable": s.subscribable,
        "user_subscribed": subscribed,
        "service_tickettype_id": s.service_tickettype_id,
        "incident_tickettype_id": s.incident_tickettype_id,
        "servicerequestlbl": "Request this service", "incidentlbl": "Report an issue",
    })
}

/// The customer whose subscriptions apply, from `user_id`.
fn client_of(d: &Data, user_id: Option<i64>) -> ApiResult<Option<i64>> {
    match user_id {
        None => Ok(None),
        Some(u) => d
            .user(u)
            .map(|u| Some(u.client_id))
            .ok_or_else(|| ApiError::field("user_id", format!("User {u} does not exist"))),
    }
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:customers")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let search = p.str("search").map(str::to_lowercase);
    let category = p.int("service_category_id")?;
    let subscribed_only = p.bool("subscribedonly")?;
    let user_id = p.int("user_id")?;
    let mut rows = state.read(|d| {
        let client = client_of(d, user_id)?;
        Ok::<_, ApiError>(
            d.services
                .iter()
                .filter(|s| category.is_none_or(|c| s.service_category_id == c))
                .filter(|s| {
                    search.as_ref().is_none_or(|q| {
                        format!("{} {} {}", s.name, s.summary, s.service_category_name)
                            .to_lowercase()
                            .contains(q)
                    })
                })
                .filter(|s| {
                    !subscribed_only || client.is_some_and(|c| d.subscriptions.contains(&(c, s.id)))
                })
                .map(|s| service_json(d, s, client))
                .collect::<Vec<_>>(),
        )
    })?;
    order_rows(&mut rows, &p, "name")?;
    Ok(Json(paging.envelope("services", rows)))
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:customers")?;
    let id = path_id(&id)?;
    let p = Params::parse(q.as_deref());
    let user_id = p.int("user_id")?;
    state.read(|d| {
        let client = client_of(d, user_id)?;
        d.services
            .iter()
            .find(|s| s.id == id)
            .map(|s| Json(service_json(d, s, client)))
            .ok_or_else(|| ApiError::not_found("Service", id))
    })
}
