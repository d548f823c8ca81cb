//! Directory and lookup endpoints: `authinfo`, agents, end users, clients, sites, teams, and the
//! ticket lookups (statuses, priorities, ticket types, outcomes). Client/Site/Users need
//! `read:customers`; agent and lookup data need no dedicated scope (Halo has no `read:agents`).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use super::authz::Caller;
use super::demo::TENANT;
use super::envelope::{Paging, order_rows};
use super::errors::{ApiError, ApiResult};
use super::model::*;
use super::params::{Params, path_id};
use super::store::{Data, SandboxState};

type JsonResult = ApiResult<Json<Value>>;

/// `GET /api/<Entity>/{id}` for a numeric id: Halo's 400 for an id that is not a number, its 404
/// for one that does not exist, else the record as `to_json` shows it.
pub(super) fn one_by_id(
    state: &SandboxState,
    raw_id: &str,
    entity: &str,
    to_json: impl FnOnce(&Data, i64) -> Option<Value>,
) -> JsonResult {
    let id = path_id(raw_id)?;
    state.read(|d| {
        to_json(d, id)
            .map(Json)
            .ok_or_else(|| ApiError::not_found(entity, id))
    })
}

/// `GET /api/authinfo`, unauthenticated: where the authorisation server is.
pub async fn authinfo(State(state): State<SandboxState>) -> Json<Value> {
    let base = state.base_url();
    Json(json!({
        "auth_url": format!("{base}auth"),
        "tenant_id": TENANT,
        "resource_server": format!("{base}api"),
        "authorisation_server": format!("{base}auth"),
    }))
}

pub fn agent_json(a: &Agent) -> Value {
    let initials: String = [&a.firstname, &a.surname]
        .iter()
        .filter_map(|s| s.chars().next())
        .collect();
    json!({
        "id": a.id, "name": a.name, "firstname": a.firstname, "surname": a.surname,
        "initials": initials, "email": a.email, "team": a.team, "teams": a.teams,
        "roles": [{"id": a.role as i64 + 1, "name": a.role.name()}],
        "isdisabled": a.isdisabled, "is_agent": true,
        "is_api_agent": a.role == AgentRole::ApiAgent,
    })
}

pub async fn agent_me(State(state): State<SandboxState>, caller: Caller) -> JsonResult {
    state.read(|d| {
        d.agent(caller.agent_id)
            .map(|a| Json(agent_json(a)))
            .ok_or_else(|| ApiError::not_found("Agent", caller.agent_id))
    })
}

/// `GET /api/InstanceInfo`, unauthenticated: what the instance is. Halo's document lists the
/// route without a response body; the fields here are the sandbox's own.
pub async fn instanceinfo() -> Json<Value> {
    Json(json!({
        "id": TENANT,
        "name": "Halo sandbox",
        "version": env!("CARGO_PKG_VERSION"),
        "product": "sandbox",
    }))
}

/// `GET /api/Agent`: Halo answers with a bare array, or with `pageinate=true` a page object whose
/// rows are under `results` (alex-thorne/haloitsm-mcp c408fcf, found against a real instance).
pub async fn agents(
    State(state): State<SandboxState>,
    _caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let p = Params::parse(q.as_deref());
    let search = p.str("search").map(str::to_lowercase);
    let team = p.str("team").map(str::to_lowercase);
    let team_id = p.int("team_id")?;
    let include_disabled = p.bool("includedisabled")?;
    let include_api = p.bool("includeapiagents")?;
    let rows = state.read(|d| {
        d.agents
            .iter()
            .filter(|a| include_disabled || !a.isdisabled)
            .filter(|a| include_api || a.role != AgentRole::ApiAgent)
            .filter(|a| {
                search.as_ref().is_none_or(|s| {
                    a.name.to_lowercase().contains(s) || a.email.to_lowercase().contains(s)
                })
            })
            .filter(|a| {
                team.as_ref()
                    .is_none_or(|t| a.teams.iter().any(|x| x.to_lowercase() == *t))
            })
            .filter(|a| {
                team_id.is_none_or(|tid| {
                    d.teams
                        .iter()
                        .any(|t| t.id == tid && a.teams.contains(&t.name))
                })
            })
            .map(agent_json)
            .collect::<Vec<_>>()
    });
    if p.bool("pageinate")? {
        return Ok(Json(Paging::from_params(&p)?.envelope("results", rows)));
    }
    Ok(Json(Value::Array(rows)))
}

pub async fn agent_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    one_by_id(&state, &id, "Agent", |d, id| d.agent(id).map(agent_json))
}

pub fn user_json(d: &Data, u: &User) -> Value {
    json!({
        "id": u.id, "name": u.name, "firstname": u.firstname, "surname": u.surname,
        "emailaddress": u.emailaddress, "phonenumber": u.phonenumber,
        "client_id": u.client_id, "client_name": d.client_name(u.client_id),
        "site_id": u.site_id, "site_name": d.site(u.site_id).map(|s| s.name.clone()).unwrap_or_default(),
        "inactive": u.inactive, "linked_agent_id": u.linked_agent_id,
    })
}

pub async fn users(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let search = p.str("search").map(str::to_lowercase);
    let client_id = p.int("client_id")?;
    let site_id = p.int("site_id")?;
    let include_inactive = p.bool("includeinactive")?;
    let mut rows = state.read(|d| {
        d.users
            .iter()
            .filter(|u| include_inactive || !u.inactive)
            .filter(|u| client_id.is_none_or(|c| u.client_id == c))
            .filter(|u| site_id.is_none_or(|s| u.site_id == s))
            .filter(|u| {
                search.as_ref().is_none_or(|s| {
                    u.name.to_lowercase().contains(s)
                        || u.emailaddress.to_lowercase().contains(s)
                        || (p.bool("search_phonenumbers").unwrap_or(false)
                            && u.phonenumber.contains(s.as_str()))
                })
            })
            .map(|u| user_json(d, u))
            .collect::<Vec<_>>()
    });
    order_rows(&mut rows, &p, "name")?;
    Ok(Json(paging.envelope("users", rows)))
}

/// `GET /api/Users/me`: the end-user record linked to the caller's agent, if any.
pub async fn user_me(State(state): State<SandboxState>, caller: Caller) -> JsonResult {
    state.read(|d| {
        d.users
            .iter()
            .find(|u| u.linked_agent_id == Some(caller.agent_id))
            .map(|u| Json(user_json(d, u)))
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "No user record is linked to agent {}",
                    caller.agent_id
                ))
            })
    })
}

pub async fn user_one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    one_by_id(&state, &id, "User", |d, id| {
        d.user(id).map(|u| user_json(d, u))
    })
}

fn client_json(c: &Client) -> Value {
    json!({"id": c.id, "name": c.name, "inactive": c.inactive, "toplevel_id": 1, "toplevel_name": "Customers"})
}

pub async fn clients(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let search = p.str("search").map(str::to_lowercase);
    let include_inactive = p.bool("includeinactive")?;
    let mut rows = state.read(|d| {
        d.clients
            .iter()
            .filter(|c| include_inactive || !c.inactive)
            .filter(|c| {
                search
                    .as_ref()
                    .is_none_or(|s| c.name.to_lowercase().contains(s))
            })
            .map(client_json)
            .collect::<Vec<_>>()
    });
    order_rows(&mut rows, &p, "name")?;
    Ok(Json(paging.envelope("clients", rows)))
}

pub async fn client_one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    one_by_id(&state, &id, "Client", |d, id| d.client(id).map(client_json))
}

fn site_json(d: &Data, s: &Site) -> Value {
    json!({"id": s.id, "name": s.name, "client_id": s.client_id, "client_name": d.client_name(s.client_id)})
}

pub async fn sites(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let client_id = p.int("client_id")?;
    let search = p.str("search").map(str::to_lowercase);
    let mut rows = state.read(|d| {
        d.sites
            .iter()
            .filter(|s| client_id.is_none_or(|c| s.client_id == c))
            .filter(|s| {
                search
                    .as_ref()
                    .is_none_or(|q| s.name.to_lowercase().contains(q))
            })
            .map(|s| site_json(d, s))
            .collect::<Vec<_>>()
    });
    order_rows(&mut rows, &p, "name")?;
    Ok(Json(paging.envelope("sites", rows)))
}

pub async fn site_one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    caller.require_scope("read:customers")?;
    one_by_id(&state, &id, "Site", |d, id| {
        d.site(id).map(|s| site_json(d, s))
    })
}

fn team_json(d: &Data, t: &Team) -> Value {
    let members: Vec<i64> = d
        .agents
        .iter()
        .filter(|a| a.teams.contains(&t.name))
        .map(|a| a.id)
        .collect();
    json!({"id": t.id, "name": t.name, "inactive": false, "agent_ids": members})
}

pub async fn teams(State(state): State<SandboxState>, caller: Caller) -> JsonResult {
    let rows = state.read(|d| d.teams.iter().map(|t| team_json(d, t)).collect::<Vec<_>>());
    let _ = caller;
    Ok(Json(json!({"record_count": rows.len(), "teams": rows})))
}

pub async fn team_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    one_by_id(&state, &id, "Team", |d, id| {
        d.teams.iter().find(|t| t.id == id).map(|t| team_json(d, t))
    })
}

fn status_json(s: &Status) -> Value {
    json!({"id": s.id, "name": s.name, "shortname": s.shortname, "type": s.r#type, "colour": s.colour, "sequence": s.sequence})
}

pub async fn statuses(
    State(state): State<SandboxState>,
    _caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let p = Params::parse(q.as_deref());
    let exclude_closed = p.bool("excludeclosed")?;
    let exclude_pending = p.bool("excludepending")?;
    let rows = state.read(|d| {
        d.statuses
            .iter()
            .filter(|s| !(exclude_closed && s.r#type == STATUS_TYPE_CLOSED))
            .filter(|s| !(exclude_pending && s.r#type == 2))
            .map(status_json)
            .collect::<Vec<_>>()
    });
    Ok(Json(json!({"record_count": rows.len(), "statuses": rows})))
}

pub async fn status_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    one_by_id(&state, &id, "Status", |d, id| d.status(id).map(status_json))
}

fn priority_json(p: &Priority) -> Value {
    json!({
        "id": p.id, "priorityid": p.priorityid, "name": p.name, "slaid": 1,
        "responsetime": p.responsetime, "responseunits": "h",
        "fixtime": p.fixtime, "fixunits": "h", "colour": p.colour, "ishidden": false,
    })
}

pub async fn priorities(State(state): State<SandboxState>, _caller: Caller) -> JsonResult {
    let rows = state.read(|d| d.priorities.iter().map(priority_json).collect::<Vec<_>>());
    Ok(Json(
        json!({"record_count": rows.len(), "priorities": rows}),
    ))
}

/// Priorities are keyed by GUID: `/Priority/3` is a 404, as on real Halo.
pub async fn priority_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    state.read(|d| {
        d.priorities
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(id.trim()))
            .map(|p| Json(priority_json(p)))
            .ok_or_else(|| ApiError::not_found("Priority", &id))
    })
}

fn tickettype_json(t: &TicketType) -> Value {
    json!({"id": t.id, "name": t.name, "description": t.description, "default_priority": t.default_priority, "inactive": false})
}

pub async fn tickettypes(State(state): State<SandboxState>, _caller: Caller) -> JsonResult {
    let rows = state.read(|d| {
        d.tickettypes
            .iter()
            .map(tickettype_json)
            .collect::<Vec<_>>()
    });
    Ok(Json(
        json!({"record_count": rows.len(), "tickettypes": rows}),
    ))
}

pub async fn tickettype_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    one_by_id(&state, &id, "TicketType", |d, id| {
        d.tickettype(id).map(tickettype_json)
    })
}

fn outcome_json(o: &Outcome) -> Value {
    json!({
        "id": o.id, "outcome": o.outcome, "buttonname": o.buttonname, "systemid": o.systemid,
        "hidden": o.hidden, "newstatus": o.newstatus, "hidefromuser": o.hidefromuser,
        "sendemail": o.sendemail, "defaultagent": o.defaultagent, "defaultteam": o.defaultteam,
        "mustaddnote": o.mustaddnote,
    })
}

/// `GET /api/Outcome`: a bare array, like `/Agent`.
pub async fn outcomes(
    State(state): State<SandboxState>,
    _caller: Caller,
    RawQuery(q): RawQuery,
) -> JsonResult {
    let p = Params::parse(q.as_deref());
    let tickettype_id = p.int("tickettype_id")?;
    let show_hidden = p.bool("showhidden")?;
    let exclude_system = p.bool("excludesystemactions")?;
    let rows = state.read(|d| {
        d.outcomes
            .iter()
            .filter(|o| show_hidden || !o.hidden)
            .filter(|o| !(exclude_system && o.systemid != 0))
            .filter(|o| {
                tickettype_id.is_none_or(|t| o.tickettypes.is_empty() || o.tickettypes.contains(&t))
            })
            .map(outcome_json)
            .collect::<Vec<_>>()
    });
    Ok(Json(Value::Array(rows)))
}

pub async fn outcome_one(
    State(state): State<SandboxState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> JsonResult {
    one_by_id(&state, &id, "Outcome", |d, id| {
        d.outcome(id).map(outcome_json)
    })
}
