//! `/api/TimesheetEvent`: reading and logging timesheet entries. `read:timesheets` /
//! `edit:timesheets` cover everyone's entries; `editMine:timesheets` only the caller's own.
//! Halo answers the GET with a bare array.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::authz::Caller;
use super::errors::{ApiError, ApiResult, Validation};
use super::model::TimesheetEvent;
use super::params::{Item, Params, body_items};
use super::store::SandboxState;

fn event_json(e: &TimesheetEvent) -> Value {
    json!({
        "id": e.id, "event_type": e.event_type, "subject": e.subject,
        "start_date": e.start_date, "end_date": e.end_date, "timetaken": e.timetaken,
        "agent_id": e.agent_id, "ticket_id": e.ticket_id, "note": e.note,
        "client_id": e.client_id,
    })
}

/// Whether the caller may touch `agent_id`'s entries (`write` = log rather than read).
fn allowed(caller: &Caller, agent_id: i64, write: bool) -> Result<(), ApiError> {
    let all = if write {
        "edit:timesheets"
    } else {
        "read:timesheets"
    };
    let own = agent_id == caller.agent_id;
    if caller.has_scope(all) {
        if write && !own && !caller.role.can_edit_others_timesheets() {
            return Err(ApiError::role("log time for other agents"));
        }
        return Ok(());
    }
    if own && caller.has_scope("editMine:timesheets") {
        return Ok(());
    }
    Err(ApiError::missing_scope(all))
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let p = Params::parse(q.as_deref());
    let agents = match (p.int("agent_id")?, p.ints("agents")?) {
        (Some(a), _) => vec![a],
        (None, Some(list)) if !list.is_empty() => list,
        _ => vec![caller.agent_id],
    };
    for a in &agents {
        allowed(&caller, *a, false)?;
    }
    let start = p.date("start_date")?;
    let end = p.date("end_date")?;
    let rows = state.read(|d| {
        let mut rows: Vec<&TimesheetEvent> = d
            .timesheets
            .iter()
            .filter(|e| agents.contains(&e.agent_id))
            .filter(|e| start.is_none_or(|s| e.end_date >= s))
            .filter(|e| end.is_none_or(|x| e.start_date <= x))
            .collect();
        rows.sort_by_key(|e| (e.start_date, e.id));
        rows.into_iter().map(event_json).collect::<Vec<_>>()
    });
    Ok(Json(Value::Array(rows)))
}

pub async fn post(
    State(state): State<SandboxState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require_edit_role("log time")?;
    let (items, was_array) = body_items(&body)?;
    let mut v = Validation::default();
    let mut events = Vec::new();
    for (index, map) in items.iter().enumerate() {
        let item = Item { index, map };
        let agent_id = item.int("agent_id")?.unwrap_or(caller.agent_id);
        allowed(&caller, agent_id, true)?;
        let start = item.date("start_date")?;
        let end = item.date("end_date")?;
        let ticket_id = item.int("ticket_id")?.filter(|t| *t > 0);
        let (Some(start), Some(end)) = (start, end) else {
            v.add(
                item.path("start_date"),
                "start_date and end_date are required",
            );
            continue;
        };
        if end < start {
            v.add(
                item.path("end_date"),
                "end_date must not be before start_date",
            );
        }
        let known = state.read(|d| {
            (
                d.agent(agent_id).is_some(),
                ticket_id.map(|t| d.ticket(t).map(|t| t.client_id)),
            )
        });
        if !known.0 {
            v.add(
                item.path("agent_id"),
                format!("Agent {agent_id} does not exist"),
            );
        }
        if let Some(None) = known.1 {
            v.add(item.path("ticket_id"), "Ticket does not exist");
        }
        let hours = (end - start).num_seconds() as f64 / 3600.0;
        events.push(TimesheetEvent {
            id: 0,
            event_type: item.int("event_type")?.unwrap_or(0),
            subject: item.str("subject")?.unwrap_or_default(),
            start_date: start,
            end_date: end,
            timetaken: item.float("timetaken")?.unwrap_or(hours),
            agent_id,
            ticket_id,
            note: item.str("note")?.unwrap_or_default(),
            client_id: item.int("client_id")?.or(known.1.flatten()),
        });
    }
    v.into_result()?;
    let saved = state.write(|d| {
        events
            .into_iter()
            .map(|mut e| {
                e.id = d.next_timesheet_id;
                d.next_timesheet_id += 1;
                let out = event_json(&e);
                d.timesheets.push(e);
                out
            })
            .collect::<Vec<_>>()
    });
    let body = if was_array && saved.len() != 1 {
        Value::Array(saved)
    } else {
        saved.into_iter().next().unwrap_or(Value::Null)
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
