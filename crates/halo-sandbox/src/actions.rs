//! `/api/Actions`: a ticket's history (notes, emails, outcomes) and posting new actions, which
//! run the outcome's side effects on the ticket (status, agent, team, time, last action date).
//! Action ids are numbered per ticket, as in Halo, so single reads need `ticket_id`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::authz::Caller;
use super::envelope::Paging;
use super::errors::{ApiError, ApiResult, Validation};
use super::model::*;
use super::params::{Item, Params, body_items, path_id};
use super::similarity::strip_html;
use super::store::{Data, SandboxState};
use super::tickets::set_status;
use super::wire_dates;

pub fn action_json(a: &Action) -> Value {
    let at = wire_dates::at(a.datetime);
    json!({
        "id": a.id, "ticket_id": a.ticket_id, "outcome": a.outcome, "outcome_id": a.outcome_id,
        "who": a.who, "who_agentid": a.who_agentid, "who_type": a.who_type,
        "datetime": at, "actiondatecreated": at, "actionarrivaldate": at,
        "actioncompletiondate": at,
        "note": a.note, "note_html": a.note_html, "hiddenfromuser": a.hiddenfromuser,
        "important": a.important, "timetaken": a.timetaken,
        "new_status": a.new_status, "new_agent": a.new_agent, "new_team": a.new_team,
        "sendemail": a.sendemail, "emailto": a.emailto,
        "actionby_agent_id": a.who_agentid,
    })
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:tickets")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let ticket_id = p
        .int("ticket_id")?
        .ok_or_else(|| ApiError::field("ticket_id", "ticket_id is required"))?;
    let exclude_sys = p.bool("excludesys")?;
    let conversation = p.bool("conversationonly")?;
    let exclude_private = p.bool("excludeprivate")?;
    let agent_only = p.bool("agentonly")?;
    let important_only = p.bool("importantonly")?;
    let time_only = p.bool("timeentriesonly")?;
    let rows = state.read(|d| {
        if d.ticket(ticket_id).is_none() {
            return Err(ApiError::not_found("Ticket", ticket_id));
        }
        let mut rows: Vec<&Action> = d
            .actions
            .iter()
            .filter(|a| a.ticket_id == ticket_id)
            .filter(|a| !(exclude_sys && a.system))
            .filter(|a| !((conversation || exclude_private) && a.hiddenfromuser))
            .filter(|a| !(conversation && a.system))
            .filter(|a| !(agent_only && a.who_type != 1))
            .filter(|a| !important_only || a.important)
            .filter(|a| !time_only || a.timetaken > 0.0)
            .collect();
        // Newest first, as Halo lists a ticket's history.
        rows.sort_by_key(|a| std::cmp::Reverse(a.id));
        Ok(rows.into_iter().map(action_json).collect::<Vec<_>>())
    })?;
    Ok(Json(paging.envelope("actions", rows)))
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:tickets")?;
    let p = Params::parse(q.as_deref());
    let ticket_id = p
        .int("ticket_id")?
        .ok_or_else(|| ApiError::field("ticket_id", "ticket_id is required"))?;
    let most_recent = p.bool("mostrecent")?;
    let id = if most_recent {
        None
    } else {
        Some(path_id(&id)?)
    };
    state.read(|d| {
        let mut of_ticket = d.actions.iter().filter(|a| a.ticket_id == ticket_id);
        let found = match id {
            Some(id) => of_ticket.find(|a| a.id == id),
            None => of_ticket.max_by_key(|a| a.id),
        };
        found.map(|a| Json(action_json(a))).ok_or_else(|| {
            ApiError::NotFound(format!(
                "Action {} on ticket {ticket_id} not found",
                id.map(|i| i.to_string()).unwrap_or_default()
            ))
        })
    })
}

/// A validated action ready to save.
struct NewAction {
    ticket_id: i64,
    outcome: Outcome,
    note_html: String,
    hidden: bool,
    important: bool,
    timetaken: f64,
    new_status: Option<i64>,
    new_agent: Option<i64>,
    new_team: Option<String>,
    sendemail: bool,
    emailto: String,
}

pub async fn post(
    State(state): State<SandboxState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require_scope("edit:tickets")?;
    caller.require_edit_role("add actions to tickets")?;
    let (items, was_array) = body_items(&body)?;
    let now = state.now();
    let plan = state.read(|d| plan(d, &items))?;
    let saved = state.write(|d| {
        plan.into_iter()
            .filter_map(|a| save(d, a, &caller, now))
            .collect::<Vec<_>>()
    });
    let body = if was_array && saved.len() != 1 {
        Value::Array(saved)
    } else {
        saved.into_iter().next().unwrap_or(Value::Null)
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn plan(d: &Data, items: &[Map<String, Value>]) -> ApiResult<Vec<NewAction>> {
    let mut v = Validation::default();
    let mut out = Vec::new();
    for (index, map) in items.iter().enumerate() {
        let item = Item { index, map };
        match plan_one(d, &item, &mut v) {
            Ok(Some(a)) => out.push(a),
            Ok(None) => {}
            Err(ApiError::Validation(m)) => m.into_iter().for_each(|(k, m)| v.add(k, m)),
            Err(e) => return Err(e),
        }
    }
    v.into_result().map(|_| out)
}

fn plan_one(d: &Data, item: &Item, v: &mut Validation) -> ApiResult<Option<NewAction>> {
    let ticket_id = match item.int("ticket_id")? {
        None => {
            v.add(item.path("ticket_id"), "ticket_id is required");
            0
        }
        Some(t) if d.ticket(t).is_none() => {
            v.add(item.path("ticket_id"), format!("Ticket {t} does not exist"));
            0
        }
        Some(t) => t,
    };
    let name = item.str("outcome")?.filter(|n| !n.trim().is_empty());
    let outcome = match (item.int("outcome_id")?.filter(|id| *id > 0), name) {
        (Some(id), _) => d.outcome(id).cloned().or_else(|| {
            v.add(
                item.path("outcome_id"),
                format!("Outcome {id} does not exist"),
            );
            None
        }),
        // Halo takes free text: a name that is not a configured outcome is saved as written, with
        // no side effects (HaloAPI's end-to-end suite posts `outcome: "New"`).
        (None, Some(name)) => Some(
            d.outcomes
                .iter()
                .find(|o| {
                    o.outcome.eq_ignore_ascii_case(name.trim())
                        || o.buttonname.eq_ignore_ascii_case(name.trim())
                })
                .cloned()
                .unwrap_or_else(|| free_text_outcome(name.trim())),
        ),
        (None, None) => return Err(ApiError::Exception(MISSING_OUTCOME.into())),
    };
    let note_html = match item.str("note_html")? {
        Some(h) if !h.trim().is_empty() => h,
        _ => item
            .str("note")?
            .map(|n| format!("<p>{}</p>", escape(&n)))
            .unwrap_or_default(),
    };
    if outcome.as_ref().is_some_and(|o| o.mustaddnote) && strip_html(&note_html).is_empty() {
        v.add(item.path("note"), "A note is required for this outcome");
    }
    let timetaken = item.float("timetaken")?.unwrap_or(0.0);
    if !(0.0..=24.0).contains(&timetaken) {
        v.add(
            item.path("timetaken"),
            "timetaken must be between 0 and 24 hours",
        );
    }
    let new_status = item.int("new_status")?.filter(|s| *s > 0);
    if let Some(s) = new_status
        && d.status(s).is_none()
    {
        v.add(
            item.path("new_status"),
            format!("Status {s} does not exist"),
        );
    }
    let new_agent = item.int("new_agent")?.filter(|a| *a > 0);
    if let Some(a) = new_agent
        && d.agent(a).is_none_or(|a| a.isdisabled)
    {
        v.add(item.path("new_agent"), format!("Agent {a} does not exist"));
    }
    let new_team = item.str("new_team")?.filter(|t| !t.trim().is_empty());
    if let Some(t) = &new_team
        && d.team_by_name(t).is_none()
    {
        v.add(item.path("new_team"), format!("Team '{t}' does not exist"));
    }
    let Some(outcome) = outcome else {
        return Ok(None);
    };
    if !v.is_empty() {
        return Ok(None);
    }
    Ok(Some(NewAction {
        ticket_id,
        hidden: item.bool("hiddenfromuser")?.unwrap_or(outcome.hidefromuser),
        important: item.bool("important")?.unwrap_or(false),
        sendemail: item.bool("sendemail")?.unwrap_or(outcome.sendemail),
        emailto: item.str("emailto")?.unwrap_or_default(),
        outcome,
        note_html,
        timetaken,
        new_status,
        new_agent,
        new_team,
    }))
}

/// Halo's message for an action posted without `outcome` or `outcome_id`.
pub const MISSING_OUTCOME: &str = "An Outcome must be entered for this Action";

fn free_text_outcome(name: &str) -> Outcome {
    Outcome::named(0, name, name)
}

/// `DELETE /api/Actions/{id}?ticket_id=`: removes one action and answers it (HaloAPI's
/// `Remove-HaloAction` reads the deleted action's `id` back).
pub async fn delete(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("edit:tickets")?;
    caller.require_edit_role("delete actions")?;
    let id = path_id(&id)?;
    let p = Params::parse(q.as_deref());
    let ticket_id = p
        .int("ticket_id")?
        .ok_or_else(|| ApiError::field("ticket_id", "ticket_id is required"))?;
    state.write(|d| {
        let at = d
            .actions
            .iter()
            .position(|a| a.ticket_id == ticket_id && a.id == id)
            .ok_or_else(|| {
                ApiError::NotFound(format!("Action {id} on ticket {ticket_id} not found"))
            })?;
        Ok(Json(action_json(&d.actions.remove(at))))
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Saves the action and applies its side effects to the ticket.
fn save(d: &mut Data, a: NewAction, caller: &Caller, now: DateTime<Utc>) -> Option<Value> {
    let mut ticket = d.ticket(a.ticket_id)?.clone();
    let status = a
        .new_status
        .or((a.outcome.newstatus > 0).then_some(a.outcome.newstatus));
    let agent = a
        .new_agent
        .or((a.outcome.defaultagent > 0).then_some(a.outcome.defaultagent));
    let team = a
        .new_team
        .clone()
        .or_else(|| (!a.outcome.defaultteam.is_empty()).then(|| a.outcome.defaultteam.clone()));
    if let Some(s) = status {
        set_status(d, &mut ticket, s, now);
    }
    if let Some(x) = agent {
        ticket.agent_id = x;
        if team.is_none()
            && let Some(ag) = d.agent(x)
        {
            ticket.team = ag.team.clone();
        }
    }
    if let Some(t) = &team {
        ticket.team = d
            .team_by_name(t)
            .map(|x| x.name.clone())
            .unwrap_or(t.clone());
    }
    ticket.timetaken += a.timetaken;
    ticket.lastactiondate = now;
    if !a.hidden && ticket.responsedate.is_none() {
        ticket.responsedate = Some(now);
    }
    let id = d
        .actions
        .iter()
        .filter(|x| x.ticket_id == a.ticket_id)
        .map(|x| x.id)
        .max()
        .unwrap_or(0)
        + 1;
    let action = Action {
        id,
        ticket_id: a.ticket_id,
        outcome_id: a.outcome.id,
        outcome: a.outcome.outcome.clone(),
        who: caller.agent_name.clone(),
        who_agentid: caller.agent_id,
        who_type: 1,
        datetime: now,
        note: strip_html(&a.note_html),
        note_html: a.note_html,
        hiddenfromuser: a.hidden,
        important: a.important,
        timetaken: a.timetaken,
        new_status: status.unwrap_or(0),
        new_agent: agent.unwrap_or(0),
        new_team: team.unwrap_or_default(),
        sendemail: a.sendemail,
        emailto: a.emailto,
        system: false,
    };
    let out = action_json(&action);
    if let Some(slot) = d.ticket_mut(a.ticket_id) {
        *slot = ticket;
    }
    d.actions.push(action);
    Some(out)
}
