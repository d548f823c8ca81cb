//! `/api/Asset` and `/api/AssetType`: the customers' devices, filtered as Halo's document
//! describes (`client_id`, `site_id`, `username`, `search`, `assettype_id`, paging). Reading
//! needs the `read:assets` scope.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::authz::Caller;
use super::directory::one_by_id;
use super::envelope::{Paging, order_rows};
use super::errors::ApiResult;
use super::model::{Asset, AssetType};
use super::params::Params;
use super::store::{Data, SandboxState};

fn asset_json(d: &Data, a: &Asset) -> Value {
    let users: Vec<Value> = a
        .user_ids
        .iter()
        .filter_map(|id| d.user(*id))
        .map(|u| json!({"id": u.id, "name": u.name}))
        .collect();
    let first = a.user_ids.first().and_then(|id| d.user(*id));
    json!({
        "id": a.id,
        "inventory_number": a.inventory_number,
        "key_field": a.key_field,
        "assettype_id": a.assettype_id,
        "assettype_name": d.assettypes.iter().find(|t| t.id == a.assettype_id).map(|t| t.name.clone()).unwrap_or_default(),
        "client_id": a.client_id,
        "client_name": d.client_name(a.client_id),
        "site_id": a.site_id,
        "site_name": d.site(a.site_id).map(|s| s.name.clone()).unwrap_or_default(),
        "user_id": first.map_or(0, |u| u.id),
        "username": first.map(|u| u.name.clone()).unwrap_or_default(),
        "users": users,
        "inactive": a.inactive,
        "fields": a.fields.iter().map(|(n, v)| json!({"name": n, "value": v})).collect::<Vec<_>>(),
    })
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:assets")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let client_id = p.int("client_id")?;
    let site_id = p.int("site_id")?;
    let type_id = p.int("assettype_id")?;
    let username = p.str("username").map(str::to_lowercase);
    let search = p.str("search").map(str::to_lowercase);
    let include_inactive = p.bool("includeinactive")?;
    let mut rows = state.read(|d| {
        d.assets
            .iter()
            .filter(|a| include_inactive || !a.inactive)
            .filter(|a| client_id.is_none_or(|c| a.client_id == c))
            .filter(|a| site_id.is_none_or(|s| a.site_id == s))
            .filter(|a| type_id.is_none_or(|t| a.assettype_id == t))
            .filter(|a| {
                username.as_ref().is_none_or(|n| {
                    a.user_ids
                        .iter()
                        .filter_map(|id| d.user(*id))
                        .any(|u| u.name.to_lowercase() == *n || u.emailaddress.to_lowercase() == *n)
                })
            })
            .filter(|a| {
                search.as_ref().is_none_or(|s| {
                    let hay = format!(
                        "{} {} {}",
                        a.inventory_number,
                        a.key_field,
                        a.fields
                            .iter()
                            .map(|(_, v)| v.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                    .to_lowercase();
                    hay.contains(s.as_str())
                })
            })
            .map(|a| asset_json(d, a))
            .collect::<Vec<_>>()
    });
    order_rows(&mut rows, &p, "id")?;
    Ok(Json(paging.envelope("assets", rows)))
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:assets")?;
    one_by_id(&state, &id, "Asset", |d, id| {
        d.assets
            .iter()
            .find(|a| a.id == id)
            .map(|a| asset_json(d, a))
    })
}

/// `GET /api/AssetType`: a bare array, like Halo's other setup lists (`/Outcome`, `/Agent`).
pub async fn types(State(state): State<SandboxState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require_scope("read:assets")?;
    Ok(Json(state.read(|d| {
        Value::Array(d.assettypes.iter().map(asset_type_json).collect())
    })))
}

pub async fn type_one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:assets")?;
    one_by_id(&state, &id, "Asset type", |d, id| {
        d.assettypes
            .iter()
            .find(|t| t.id == id)
            .map(asset_type_json)
    })
}

fn asset_type_json(t: &AssetType) -> Value {
    json!({"id": t.id, "name": t.name, "assetgroup_id": t.assetgroup_id,
           "assetgroup_name": t.assetgroup_name})
}
