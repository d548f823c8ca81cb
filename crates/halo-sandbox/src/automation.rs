//! `/api/Automation`: the runbook list and running a runbook (`POST /Automation/{runbookId}`).
//! Halo's OpenAPI document gives no body or response shape for runs, so the demo runbooks take a
//! JSON object of inputs (`{"inputs": {...}}` or the inputs themselves) and answer
//! `{runbook_id, name, status, output, log}`; confirm against a real tenant before relying on it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::{Map, Value, json};

use super::authz::Caller;
use super::demo::{OUTCOME_PRIVATE_NOTE, TICKETTYPE_SERVICE_REQUEST};
use super::errors::{ApiError, ApiResult, Validation};
use super::model::*;
use super::params::Item;
use super::store::{Data, SandboxState};
use super::tickets::set_priority;

fn runbook_json(r: &Runbook) -> Value {
    json!({
        "id": r.id, "name": r.name, "description": r.description,
        "inputs": r.inputs.iter().map(|i| json!({"name": i.name, "description": i.description, "required": i.required})).collect::<Vec<_>>(),
    })
}

pub async fn list(State(state): State<SandboxState>, caller: Caller) -> ApiResult<Json<Value>> {
    caller.require_scope("read:tickets")?;
    let rows = state.read(|d| d.runbooks.iter().map(runbook_json).collect::<Vec<_>>());
    Ok(Json(
        json!({"record_count": rows.len(), "automations": rows}),
    ))
}

pub async fn run(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(runbook_id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    caller.require_scope("edit:tickets")?;
    caller.require_edit_role("run automations")?;
    let inputs = parse_inputs(&body)?;
    let runbook = state
        .read(|d| {
            d.runbooks
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(runbook_id.trim()))
                .cloned()
        })
        .ok_or_else(|| ApiError::not_found("Runbook", &runbook_id))?;
    let item = Item {
        index: 0,
        map: &inputs,
    };
    let mut v = Validation::default();
    for input in runbook.inputs.iter().filter(|i| i.required) {
        if !item.has(&input.name) {
            v.add(input.name.clone(), format!("{} is required", input.name));
        }
    }
    v.into_result()?;
    let now = state.now();
    let output = match runbook.kind {
        RunbookKind::ResetPassword => {
            let user_id = item.int("user_id")?.unwrap_or(0);
            let ticket_id = item.int("ticket_id")?;
            state.write(|d| reset_password(d, user_id, ticket_id, &caller, now))?
        }
        RunbookKind::OnboardStarter => {
            let client_id = item.int("client_id")?.unwrap_or(0);
            let first = item.str("firstname")?.unwrap_or_default();
            let last = item.str("surname")?.unwrap_or_default();
            let email = item.str("emailaddress")?.unwrap_or_default();
            let start = item
                .str("start_date")?
                .unwrap_or_else(|| "to be confirmed".into());
            state.write(|d| onboard(d, client_id, &first, &last, &email, &start, &caller, now))?
        }
    };
    Ok(Json(json!({
        "runbook_id": runbook.id, "name": runbook.name, "status": "Completed",
        "started": now, "finished": now, "output": output,
        "log": [format!("{} ran '{}'", caller.agent_name, runbook.name)],
    })))
}

fn parse_inputs(body: &[u8]) -> ApiResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::field("body", format!("The request body is not valid JSON: {e}")))?;
    let value = match value {
        Value::Array(mut a) if a.len() == 1 => a.remove(0),
        v => v,
    };
    match value {
        Value::Object(mut m) => match m.remove("inputs") {
            Some(Value::Object(inner)) => Ok(inner),
            Some(_) => Err(ApiError::field("inputs", "inputs must be an object")),
            None => Ok(m),
        },
        _ => Err(ApiError::field(
            "body",
            "The body must be an object of runbook inputs",
        )),
    }
}

fn reset_password(
    d: &mut Data,
    user_id: i64,
    ticket_id: Option<i64>,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Value> {
    let user = d
        .user(user_id)
        .cloned()
        .ok_or_else(|| ApiError::field("user_id", format!("User {user_id} does not exist")))?;
    if let Some(t) = ticket_id
        && d.ticket(t).is_none()
    {
        return Err(ApiError::field(
            "ticket_id",
            format!("Ticket {t} does not exist"),
        ));
    }
    let note = format!(
        "Runbook 'Reset user password': password reset for {}; a temporary password was emailed to {}.",
        user.name, user.emailaddress
    );
    if let Some(t) = ticket_id {
        add_note(d, t, &note, caller, now);
    }
    Ok(
        json!({"user_id": user.id, "user_name": user.name, "temporary_password_sent_to": user.emailaddress, "ticket_id": ticket_id, "note_added": ticket_id.is_some()}),
    )
}

#[allow(clippy::too_many_arguments)]
fn onboard(
    d: &mut Data,
    client_id: i64,
    first: &str,
    last: &str,
    email: &str,
    start: &str,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Value> {
    let site_id = d
        .client(client_id)
        .and_then(|c| d.sites.iter().find(|s| s.client_id == c.id))
        .map(|s| s.id)
        .ok_or_else(|| {
            ApiError::field("client_id", format!("Client {client_id} does not exist"))
        })?;
    let user_id = d.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
    d.users.push(User {
        id: user_id,
        name: format!("{first} {last}"),
        firstname: first.into(),
        surname: last.into(),
        emailaddress: email.into(),
        phonenumber: String::new(),
        client_id,
        site_id,
        inactive: false,
        linked_agent_id: None,
    });
    let id = d.next_ticket_id;
    d.next_ticket_id += 1;
    let mut t = Ticket {
        id,
        summary: format!("Onboard new starter: {first} {last}"),
        details: format!(
            "<p>Set up accounts, licences and a laptop for {first} {last} ({email}), starting {start}.</p>"
        ),
        tickettype_id: TICKETTYPE_SERVICE_REQUEST,
        status_id: super::demo::STATUS_NEW,
        priority_id: 4,
        client_id,
        site_id,
        user_id,
        agent_id: 0,
        team: "Service Desk".into(),
        category_1: String::new(),
        service_id: None,
        dateoccurred: now,
        lastactiondate: now,
        respondbydate: now,
        fixbydate: now,
        responsedate: None,
        dateclosed: None,
        timetaken: 0.0,
        customfields: Vec::new(),
        ai_suggestions: Vec::new(),
        extra: TicketExtra {
            sla_id: super::demo::SLA_STANDARD_ID,
            ..TicketExtra::default()
        },
    };
    set_priority(d, &mut t, 4);
    d.tickets.push(t);
    add_note(
        d,
        id,
        "Logged by runbook 'Onboard new starter'.",
        caller,
        now,
    );
    Ok(json!({"user_id": user_id, "ticket_id": id}))
}

fn add_note(
    d: &mut Data,
    ticket_id: i64,
    note: &str,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) {
    let id = d
        .actions
        .iter()
        .filter(|a| a.ticket_id == ticket_id)
        .map(|a| a.id)
        .max()
        .unwrap_or(0)
        + 1;
    d.actions.push(Action {
        id,
        ticket_id,
        outcome_id: OUTCOME_PRIVATE_NOTE,
        outcome: "Private Note".into(),
        who: caller.agent_name.clone(),
        who_agentid: caller.agent_id,
        who_type: 1,
        datetime: now,
        note: note.into(),
        note_html: format!("<p>{note}</p>"),
        hiddenfromuser: true,
        important: false,
        timetaken: 0.0,
        new_status: 0,
        new_agent: 0,
        new_team: String::new(),
        sendemail: false,
        emailto: String::new(),
        system: false,
    });
    if let Some(t) = d.ticket_mut(ticket_id) {
        t.lastactiondate = now;
    }
}
