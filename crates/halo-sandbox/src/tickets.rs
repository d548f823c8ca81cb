//! `/api/Tickets`: list and search with Halo's filters, one ticket with its AI suggestions and
//! matches, and the array upsert (`id` updates, no `id` creates) including
//! `_apply_ai_suggestions`. A POST is validated whole before anything is saved, so a bad item
//! never leaves half the batch written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Utc};
use serde_json::{Map, Value, json};

use super::authz::Caller;
use super::demo::{STATUS_NEW, hours};
use super::envelope::{Paging, order_rows};
use super::errors::{ApiError, ApiResult, Validation};
use super::matches;
use super::model::*;
use super::params::{Item, Params, body_items, path_id};
use super::similarity::strip_html;
use super::store::{Data, SandboxState};
use super::ticket_filter::Filter;
use super::wire_dates;

/// The reduced column set Halo returns in lists. Dates go out as Halo writes them (seven
/// fractional digits; unset = the 1900 sentinel), see [`wire_dates`].
pub fn list_json(d: &Data, t: &Ticket) -> Value {
    let user = d.user(t.user_id);
    let x = &t.extra;
    // A ticket outside SLA has no SLA targets: Halo answers the sentinel for them.
    let sla_date = |at: DateTime<Utc>| wire_dates::maybe((!x.excludefromsla).then_some(at));
    json!({
        "id": t.id,
        "summary": t.summary,
        "details": t.details,
        "status_id": t.status_id,
        "tickettype_id": t.tickettype_id,
        "priority_id": t.priority_id,
        "client_id": t.client_id,
        "client_name": d.client_name(t.client_id),
        "site_id": t.site_id,
        "site_name": d.site(t.site_id).map(|s| s.name.clone()).unwrap_or_default(),
        "user_id": t.user_id,
        "user_name": user.map(|u| u.name.clone()).unwrap_or_default(),
        "agent_id": t.agent_id,
        "team": t.team,
        "category_1": t.category_1,
        "category_2": x.category_2,
        "category_3": x.category_3,
        "category_4": x.category_4,
        "impact": x.impact,
        "urgency": x.urgency,
        "onhold": x.onhold,
        "flagged": x.flagged,
        "excludefromsla": x.excludefromsla,
        "sla_id": x.sla_id,
        "sla_name": super::demo::sla_name(x.sla_id),
        "hasbeenclosed": x.hasbeenclosed,
        "attachment_count": x.attachment_count,
        "dateoccurred": wire_dates::at(t.dateoccurred),
        "datecreated": wire_dates::at(t.dateoccurred),
        "lastactiondate": wire_dates::at(t.lastactiondate),
        "respondbydate": sla_date(t.respondbydate),
        "fixbydate": sla_date(t.fixbydate),
        "targetdate": wire_dates::maybe(x.targetdate),
        "deadlinedate": wire_dates::maybe(x.deadlinedate),
        "slaresponsestate": response_state(t, Utc::now()),
    })
}

/// "I" inside / "O" outside the response target.
fn response_state(t: &Ticket, now: DateTime<Utc>) -> &'static str {
    match t.responsedate {
        Some(r) if r <= t.respondbydate => "I",
        Some(_) => "O",
        None if now > t.respondbydate => "O",
        None => "I",
    }
}

fn fix_state(t: &Ticket, now: DateTime<Utc>) -> &'static str {
    if t.dateclosed.unwrap_or(now) <= t.fixbydate {
        "I"
    } else {
        "O"
    }
}

/// The single-ticket object: list columns plus names, SLA state, AI suggestions and matches.
pub fn full_json(d: &Data, t: &Ticket) -> Value {
    let mut v = list_json(d, t);
    let now = Utc::now();
    if let Value::Object(m) = &mut v {
        let user = d.user(t.user_id);
        let extra = json!({
            "details_html": t.details,
            "status_name": d.status(t.status_id).map(|s| s.name.clone()).unwrap_or_default(),
            "tickettype_name": d.tickettype(t.tickettype_id).map(|s| s.name.clone()).unwrap_or_default(),
            "priority_name": d.priority(t.priority_id).map(|s| s.name.clone()).unwrap_or_default(),
            "agent_name": d.agent_name(t.agent_id),
            "user_email": user.map(|u| u.emailaddress.clone()).unwrap_or_default(),
            "reportedby": user.map(|u| u.name.clone()).unwrap_or_default(),
            "dateclosed": wire_dates::maybe(t.dateclosed),
            "responsedate": wire_dates::maybe(t.responsedate),
            "asset_ids": t.extra.asset_ids,
            "slastate": fix_state(t, now),
            "timetaken": t.timetaken,
            "service_id": t.service_id,
            "customfields": t.customfields,
            "ai_suggestions": t.ai_suggestions.iter().map(suggestion_json).collect::<Vec<_>>(),
            "ai_matched_tickets": matches::matched_tickets(d, t),
            "ai_matched_articles": matches::matched_articles(d, t),
        });
        if let Value::Object(e) = extra {
            m.extend(e);
        }
    }
    v
}

fn suggestion_json(s: &AiSuggestion) -> Value {
    json!({
        "id": s.id, "suggestion_id": s.suggestion_id, "ticket_id": s.ticket_id,
        "summary": s.summary, "type": s.r#type, "new_value": s.new_value,
        "applied": s.applied, "applied_date": wire_dates::maybe(s.applied_date),
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
    let f = Filter::from_params(&p, &caller)?;
    let mut rows = state.read(|d| {
        d.tickets
            .iter()
            .filter(|t| f.matches(d, t))
            .map(|t| list_json(d, t))
            .collect::<Vec<_>>()
    });
    order_rows(&mut rows, &p, "id")?;
    Ok(Json(paging.envelope("tickets", rows)))
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:tickets")?;
    let id = path_id(&id)?;
    let p = Params::parse(q.as_deref());
    let last_action = p.bool("includelastaction")?;
    state.read(|d| {
        let t = d
            .ticket(id)
            .ok_or_else(|| ApiError::not_found("Ticket", id))?;
        let mut v = full_json(d, t);
        if last_action && let Value::Object(m) = &mut v {
            let last = d
                .actions
                .iter()
                .filter(|a| a.ticket_id == id)
                .max_by_key(|a| a.id)
                .map(super::actions::action_json);
            m.insert("lastaction".into(), last.unwrap_or(Value::Null));
        }
        Ok(Json(v))
    })
}

/// `DELETE /api/Tickets/{id}`: removes the ticket and its actions, answering the deleted ticket.
pub async fn delete(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_scope("edit:tickets")?;
    caller.require_edit_role("delete tickets")?;
    let id = path_id(&id)?;
    state.write(|d| {
        let body = d
            .ticket(id)
            .map(|t| list_json(d, t))
            .ok_or_else(|| ApiError::not_found("Ticket", id))?;
        d.tickets.retain(|t| t.id != id);
        d.actions.retain(|a| a.ticket_id != id);
        Ok(Json(body))
    })
}

/// Moves a ticket to `status`, keeping `dateclosed` in step with open/closed.
pub fn set_status(d: &Data, t: &mut Ticket, status: i64, now: DateTime<Utc>) {
    t.status_id = status;
    if d.is_closed_status(status) {
        t.extra.hasbeenclosed = true;
        t.dateclosed.get_or_insert(now);
    } else {
        t.dateclosed = None;
    }
}

/// Recomputes the SLA targets from the priority, as Halo does when the priority changes.
pub fn set_priority(d: &Data, t: &mut Ticket, priorityid: i64) {
    t.priority_id = priorityid;
    if let Some(p) = d.priority(priorityid) {
        t.respondbydate = t.dateoccurred + hours(p.responsetime);
        t.fixbydate = t.dateoccurred + hours(p.fixtime);
    }
}

/// One validated change from a POST body.
enum Op {
    Create(Box<Ticket>),
    Update { id: i64, patch: Box<Patch> },
}

#[derive(Default)]
struct Patch {
    summary: Option<String>,
    details: Option<String>,
    status_id: Option<i64>,
    priority_id: Option<i64>,
    agent_id: Option<i64>,
    team: Option<String>,
    tickettype_id: Option<i64>,
    client_id: Option<i64>,
    site_id: Option<i64>,
    user_id: Option<i64>,
    category_1: Option<String>,
    service_id: Option<i64>,
    customfields: Option<Vec<Value>>,
    apply_suggestions: Vec<i64>,
    more: MorePatch,
}

/// Changes to the fields in [`TicketExtra`].
#[derive(Default)]
struct MorePatch {
    category_2: Option<String>,
    category_3: Option<String>,
    category_4: Option<String>,
    impact: Option<i64>,
    urgency: Option<i64>,
    onhold: Option<bool>,
    flagged: Option<bool>,
    excludefromsla: Option<bool>,
    targetdate: Option<DateTime<Utc>>,
    deadlinedate: Option<DateTime<Utc>>,
}

fn is_set(at: &DateTime<Utc>) -> bool {
    at.year() > 1900
}

impl MorePatch {
    fn read(item: &Item) -> ApiResult<MorePatch> {
        Ok(MorePatch {
            category_2: item.str("category_2")?,
            category_3: item.str("category_3")?,
            category_4: item.str("category_4")?,
            impact: item.int("impact")?,
            urgency: item.int("urgency")?,
            onhold: item.bool("onhold")?,
            flagged: item.bool("flagged")?,
            excludefromsla: item.bool("excludefromsla")?,
            // Clients echo Halo's sentinel back for "not set"; it must not become a real date.
            targetdate: item.date("targetdate")?.filter(is_set),
            deadlinedate: item.date("deadlinedate")?.filter(is_set),
        })
    }

    fn apply(self, x: &mut TicketExtra) {
        let MorePatch {
            category_2,
            category_3,
            category_4,
            impact,
            urgency,
            onhold,
            flagged,
            excludefromsla,
            targetdate,
            deadlinedate,
        } = self;
        if let Some(v) = category_2 {
            x.category_2 = v;
        }
        if let Some(v) = category_3 {
            x.category_3 = v;
        }
        if let Some(v) = category_4 {
            x.category_4 = v;
        }
        if let Some(v) = impact {
            x.impact = v;
        }
        if let Some(v) = urgency {
            x.urgency = v;
        }
        if let Some(v) = onhold {
            x.onhold = v;
        }
        if let Some(v) = flagged {
            x.flagged = v;
        }
        if let Some(v) = excludefromsla {
            x.excludefromsla = v;
        }
        if targetdate.is_some() {
            x.targetdate = targetdate;
        }
        if deadlinedate.is_some() {
            x.deadlinedate = deadlinedate;
        }
    }
}

pub async fn post(
    State(state): State<SandboxState>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Response> {
    caller.require_scope("edit:tickets")?;
    caller.require_edit_role("edit tickets")?;
    let (items, was_array) = body_items(&body)?;
    let now = state.now();
    let validate_only = items
        .iter()
        .any(|m| m.get("_validate_only").and_then(Value::as_bool) == Some(true));
    let (saved, created) = {
        let plan = state.read(|d| plan(d, &items, &caller, now))?;
        if validate_only {
            return Ok((StatusCode::OK, Json(json!({"valid": true}))).into_response());
        }
        state.write(|d| apply(d, plan, &caller, now))?
    };
    let body = if was_array && saved.len() != 1 {
        Value::Array(saved)
    } else {
        saved.into_iter().next().unwrap_or(Value::Null)
    };
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(body)).into_response())
}

fn plan(
    d: &Data,
    items: &[Map<String, Value>],
    caller: &Caller,
    now: DateTime<Utc>,
) -> ApiResult<Vec<Op>> {
    let mut v = Validation::default();
    let mut ops = Vec::new();
    for (index, map) in items.iter().enumerate() {
        let item = Item { index, map };
        match plan_one(d, &item, caller, now, &mut v) {
            Ok(Some(op)) => ops.push(op),
            Ok(None) => {}
            Err(ApiError::Validation(map)) => {
                for (k, m) in map {
                    v.add(k, m);
                }
            }
            Err(e) => return Err(e),
        }
    }
    v.into_result().map(|_| ops)
}

fn plan_one(
    d: &Data,
    item: &Item,
    caller: &Caller,
    now: DateTime<Utc>,
    v: &mut Validation,
) -> ApiResult<Option<Op>> {
    let id = item.int("id")?.filter(|id| *id > 0);
    let mut patch = Patch {
        summary: item.str("summary")?,
        details: match item.str("details_html")? {
            Some(h) => Some(h),
            None => item.str("details")?,
        },
        status_id: item.int("status_id")?,
        priority_id: item.int("priority_id")?,
        agent_id: item.int("agent_id")?,
        team: item.str("team")?,
        tickettype_id: item.int("tickettype_id")?,
        client_id: item.int("client_id")?,
        site_id: item.int("site_id")?,
        user_id: item.int("user_id")?,
        category_1: item.str("category_1")?,
        service_id: item.int("service_id")?.filter(|s| *s > 0),
        customfields: match item.map.get("customfields") {
            Some(Value::Array(a)) => Some(a.clone()),
            None | Some(Value::Null) => None,
            Some(_) => {
                v.add(item.path("customfields"), "Must be an array");
                None
            }
        },
        apply_suggestions: Vec::new(),
        more: MorePatch::read(item)?,
    };
    if let Some(raw) = item
        .map
        .get("_apply_ai_suggestions")
        .filter(|x| !x.is_null())
    {
        match raw.as_array() {
            Some(a) => {
                for x in a {
                    match x.as_i64() {
                        Some(n) => patch.apply_suggestions.push(n),
                        None => v.add(
                            item.path("_apply_ai_suggestions"),
                            "Must be an array of suggestion ids",
                        ),
                    }
                }
            }
            None => v.add(
                item.path("_apply_ai_suggestions"),
                "Must be an array of suggestion ids",
            ),
        }
    }
    let existing = id.map(|id| d.ticket(id).ok_or(id));
    if let Some(Err(id)) = existing {
        v.add(item.path("id"), format!("Ticket {id} does not exist"));
        return Ok(None);
    }
    let existing = existing.and_then(Result::ok);
    check_references(d, item, &patch, existing, v);
    if let Some(t) = existing {
        for s in &patch.apply_suggestions {
            if !t.ai_suggestions.iter().any(|x| x.id == *s) {
                v.add(
                    item.path("_apply_ai_suggestions"),
                    format!("Ticket {} has no AI suggestion {s}", t.id),
                );
            }
        }
        return Ok(Some(Op::Update {
            id: t.id,
            patch: Box::new(patch),
        }));
    }
    if !patch.apply_suggestions.is_empty() {
        v.add(
            item.path("_apply_ai_suggestions"),
            "AI suggestions can only be applied to an existing ticket",
        );
    }
    if patch.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
        v.add(item.path("summary"), "Summary is required");
    }
    if !v.is_empty() {
        return Ok(None);
    }
    Ok(Some(Op::Create(Box::new(new_ticket(
        d, patch, caller, now,
    )))))
}

/// Every id a record points at must exist, and site/user must belong to the client.
fn check_references(
    d: &Data,
    item: &Item,
    p: &Patch,
    existing: Option<&Ticket>,
    v: &mut Validation,
) {
    if let Some(x) = p.service_id
        && !d.services.iter().any(|s| s.id == x)
    {
        v.add(
            item.path("service_id"),
            format!("Service {x} does not exist"),
        );
    }
    if let Some(x) = p.tickettype_id
        && d.tickettype(x).is_none()
    {
        v.add(
            item.path("tickettype_id"),
            format!("Ticket type {x} does not exist"),
        );
    }
    if let Some(x) = p.status_id
        && d.status(x).is_none()
    {
        v.add(item.path("status_id"), format!("Status {x} does not exist"));
    }
    if let Some(x) = p.priority_id
        && d.priority(x).is_none()
    {
        v.add(
            item.path("priority_id"),
            format!("Priority {x} does not exist (use the priorityid from /Priority)"),
        );
    }
    if let Some(x) = p.agent_id
        && x != 0
        && d.agent(x).is_none_or(|a| a.isdisabled)
    {
        v.add(item.path("agent_id"), format!("Agent {x} does not exist"));
    }
    if let Some(x) = &p.team
        && !x.is_empty()
        && d.team_by_name(x).is_none()
    {
        v.add(item.path("team"), format!("Team '{x}' does not exist"));
    }
    let user = p.user_id.map(|x| (x, d.user(x)));
    if let Some((x, None)) = user {
        v.add(item.path("user_id"), format!("User {x} does not exist"));
    }
    if let Some(x) = p.client_id
        && d.client(x).is_none()
    {
        v.add(item.path("client_id"), format!("Client {x} does not exist"));
    }
    let client = p
        .client_id
        .or_else(|| user.and_then(|(_, u)| u.map(|u| u.client_id)))
        .or_else(|| existing.map(|t| t.client_id));
    if let Some(x) = p.site_id {
        match d.site(x) {
            None => v.add(item.path("site_id"), format!("Site {x} does not exist")),
            Some(s) if client.is_some_and(|c| c != s.client_id) => v.add(
                item.path("site_id"),
                format!(
                    "Site {x} does not belong to client {}",
                    client.unwrap_or_default()
                ),
            ),
            Some(_) => {}
        }
    }
    if let (Some((x, Some(u))), Some(c)) = (user, p.client_id)
        && u.client_id != c
    {
        v.add(
            item.path("user_id"),
            format!("User {x} does not belong to client {c}"),
        );
    }
}

fn new_ticket(d: &Data, p: Patch, caller: &Caller, now: DateTime<Utc>) -> Ticket {
    let user = p.user_id.and_then(|u| d.user(u));
    let tickettype_id = p.tickettype_id.unwrap_or(super::demo::TICKETTYPE_INCIDENT);
    let priority = p
        .priority_id
        .or_else(|| d.tickettype(tickettype_id).map(|t| t.default_priority))
        .unwrap_or(3);
    let client_id = p.client_id.or(user.map(|u| u.client_id)).unwrap_or(0);
    let site_id = p
        .site_id
        .or(user.filter(|u| u.client_id == client_id).map(|u| u.site_id))
        .or_else(|| {
            d.sites
                .iter()
                .find(|s| s.client_id == client_id)
                .map(|s| s.id)
        })
        .unwrap_or(0);
    let agent_id = p.agent_id.unwrap_or(0);
    let team = p
        .team
        .and_then(|t| d.team_by_name(&t).map(|t| t.name.clone()))
        .or_else(|| d.agent(agent_id).map(|a| a.team.clone()))
        .unwrap_or_else(|| "Service Desk".into());
    let mut t = Ticket {
        id: d.next_ticket_id,
        summary: p.summary.unwrap_or_default().trim().to_string(),
        details: p.details.unwrap_or_default(),
        tickettype_id,
        status_id: STATUS_NEW,
        priority_id: priority,
        client_id,
        site_id,
        user_id: user.map(|u| u.id).unwrap_or(0),
        agent_id,
        team,
        category_1: p.category_1.unwrap_or_default(),
        service_id: p.service_id,
        dateoccurred: now,
        lastactiondate: now,
        respondbydate: now,
        fixbydate: now,
        responsedate: None,
        dateclosed: None,
        timetaken: 0.0,
        customfields: p.customfields.unwrap_or_default(),
        ai_suggestions: Vec::new(),
        extra: TicketExtra {
            sla_id: super::demo::SLA_STANDARD_ID,
            ..TicketExtra::default()
        },
    };
    p.more.apply(&mut t.extra);
    if t.extra.excludefromsla {
        t.extra.sla_id = 0;
    }
    set_priority(d, &mut t, priority);
    if let Some(s) = p.status_id {
        set_status(d, &mut t, s, now);
    }
    let _ = caller;
    t
}

fn apply(
    d: &mut Data,
    plan: Vec<Op>,
    caller: &Caller,
    now: DateTime<Utc>,
) -> ApiResult<(Vec<Value>, bool)> {
    let mut saved_ids = Vec::new();
    let mut created = false;
    for op in plan {
        match op {
            Op::Create(mut t) => {
                t.id = d.next_ticket_id;
                d.next_ticket_id += 1;
                let logged = logged_action(&t, caller, now);
                saved_ids.push(t.id);
                d.tickets.push(*t);
                d.actions.push(logged);
                created = true;
            }
            Op::Update { id, patch } => {
                let Some(mut t) = d.ticket(id).cloned() else {
                    return Err(ApiError::field("id", format!("Ticket {id} does not exist")));
                };
                update(d, &mut t, *patch, now);
                if let Some(slot) = d.ticket_mut(id) {
                    *slot = t;
                }
                saved_ids.push(id);
            }
        }
    }
    let saved = saved_ids
        .iter()
        .filter_map(|id| d.ticket(*id).map(|t| full_json(d, t)))
        .collect();
    Ok((saved, created))
}

fn update(d: &Data, t: &mut Ticket, p: Patch, now: DateTime<Utc>) {
    if let Some(s) = p.summary.filter(|s| !s.trim().is_empty()) {
        t.summary = s;
    }
    if let Some(x) = p.details {
        t.details = x;
    }
    if let Some(x) = p.tickettype_id {
        t.tickettype_id = x;
    }
    if let Some(x) = p.user_id {
        t.user_id = x;
        if let Some(u) = d.user(x) {
            t.client_id = u.client_id;
            t.site_id = u.site_id;
        }
    }
    if let Some(x) = p.client_id {
        t.client_id = x;
    }
    if let Some(x) = p.site_id {
        t.site_id = x;
    }
    if let Some(x) = p.agent_id {
        t.agent_id = x;
    }
    if let Some(x) = p.team {
        t.team = d.team_by_name(&x).map(|t| t.name.clone()).unwrap_or(x);
    }
    if let Some(x) = p.service_id {
        t.service_id = Some(x);
    }
    if let Some(x) = p.category_1 {
        t.category_1 = x;
    }
    if let Some(x) = p.customfields {
        t.customfields = x;
    }
    p.more.apply(&mut t.extra);
    if let Some(x) = p.priority_id {
        set_priority(d, t, x);
    }
    if let Some(x) = p.status_id {
        set_status(d, t, x, now);
    }
    for sid in p.apply_suggestions {
        apply_suggestion(d, t, sid, now);
    }
    t.lastactiondate = now;
}

/// Sets the field a suggestion targets and marks it applied; applying twice is a no-op.
fn apply_suggestion(d: &Data, t: &mut Ticket, sid: i64, now: DateTime<Utc>) {
    let Some(s) = t.ai_suggestions.iter().find(|s| s.id == sid).cloned() else {
        return;
    };
    if s.applied {
        return;
    }
    let int = s.new_value.trim().parse::<i64>().ok();
    match (s.r#type, int) {
        (1, Some(p)) if d.priority(p).is_some() => set_priority(d, t, p),
        (2, Some(x)) if d.tickettype(x).is_some() => t.tickettype_id = x,
        (3, _) => {
            if let Some(team) = d.team_by_name(&s.new_value) {
                t.team = team.name.clone();
            }
        }
        (4, Some(a)) if d.agent(a).is_some() => t.agent_id = a,
        (5, Some(x)) if d.status(x).is_some() => set_status(d, t, x, now),
        _ => {}
    }
    if let Some(slot) = t.ai_suggestions.iter_mut().find(|x| x.id == sid) {
        slot.applied = true;
        slot.applied_date = Some(now);
    }
}

fn logged_action(t: &Ticket, caller: &Caller, now: DateTime<Utc>) -> Action {
    Action {
        id: 1,
        ticket_id: t.id,
        outcome_id: super::demo::OUTCOME_TICKET_LOGGED,
        outcome: "Ticket Logged".into(),
        who: caller.agent_name.clone(),
        who_agentid: caller.agent_id,
        who_type: 1,
        datetime: now,
        note: strip_html(&t.details),
        note_html: t.details.clone(),
        hiddenfromuser: false,
        important: false,
        timetaken: 0.0,
        new_status: t.status_id,
        new_agent: t.agent_id,
        new_team: String::new(),
        sendemail: false,
        emailto: String::new(),
        system: true,
    }
}
