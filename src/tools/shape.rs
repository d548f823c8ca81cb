//! Compact, model-friendly records: ids together with resolved names, HTML turned into text,
//! long bodies cut with a visible marker, and Halo's hundreds of ticket fields reduced to the
//! ones an agent asks about.

use serde_json::{Map, Value, json};

use crate::halo::lookups::{LookupKind, NameLists};
use crate::halo::records::{Action, AiSuggestion, Ticket, decode};
use crate::halo::text::{html_to_text, truncate};
use crate::mcp::CallContext;

/// Longest ticket or article body returned, in characters.
pub const BODY_LIMIT: usize = 4000;
/// Longest body excerpt in list results.
pub const EXCERPT_LIMIT: usize = 300;
/// Longest action note.
pub const NOTE_LIMIT: usize = 1500;

pub fn int(raw: &Value, field: &str) -> Option<i64> {
    raw.get(field).and_then(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    })
}

pub fn text(raw: &Value, field: &str) -> Option<String> {
    raw.get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A date field as tools show it, UTC to the second (`2026-11-24T09:30:05Z`: Halo sends up to
/// seven fractional digits, noise to a model); unset (Halo's 1900/0001/1899 sentinels) is absent.
pub fn date(raw: &Value, field: &str) -> Option<String> {
    raw.get(field)
        .and_then(Value::as_str)
        .and_then(crate::halo::dates::parse)
        .map(crate::halo::dates::show)
}

/// Plain text of the first present field among `fields` (HTML converted), cut to `limit`.
pub fn body(raw: &Value, fields: &[&str], limit: usize) -> Option<String> {
    fields
        .iter()
        .find_map(|f| text(raw, f))
        .map(|html| truncate(&html_to_text(&html), limit))
}

/// A short plain-text preview of the first present field among `fields`, for list rows.
pub fn excerpt(raw: &Value, fields: &[&str], limit: usize) -> Option<String> {
    fields
        .iter()
        .find_map(|f| raw.get(*f).and_then(Value::as_str))
        .map(|html| crate::halo::text::html_excerpt(html, limit))
        .filter(|s| !s.is_empty())
}

/// Halo's SLA state codes spelled out: `I` inside the target, `O` outside it.
fn sla_state(code: &Option<String>) -> Option<&'static str> {
    match code.as_deref()?.trim() {
        "I" | "i" => Some("inside"),
        "O" | "o" => Some("breached"),
        _ => None,
    }
}

/// A record's date as tools show it (see [`date`]).
fn shown_date(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .and_then(crate::halo::dates::parse)
        .map(crate::halo::dates::show)
}

/// Plain text of the first non-blank of `fields` (HTML converted), cut to `limit`.
fn body_of(fields: &[&Option<String>], limit: usize) -> Option<String> {
    fields
        .iter()
        .find_map(|f| decode::text(f))
        .map(|html| truncate(&html_to_text(&html), limit))
}

/// Puts `value` under `key` unless it is null, keeping results compact.
pub fn put(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    let value = value.into();
    if !value.is_null() {
        map.insert(key.to_string(), value);
    }
}

/// A name from the record itself, else from the call's reference lists.
fn name(
    names: &NameLists,
    given: &Option<String>,
    id: Option<i64>,
    kind: LookupKind,
) -> Option<String> {
    if let Some(name) = decode::text(given) {
        return Some(name);
    }
    names.name_of(kind, id?)
}

/// The reference lists shaping these tickets will name from: the kinds whose id a ticket
/// carries without Halo's name for it.
pub fn names_needed<'a>(tickets: impl IntoIterator<Item = &'a Ticket>) -> Vec<LookupKind> {
    let mut kinds = Vec::new();
    for t in tickets {
        let missing = [
            (t.status_id, &t.status_name, LookupKind::Status),
            (
                t.ticket_type_id,
                &t.ticket_type_name,
                LookupKind::TicketType,
            ),
            (t.priority_id, &t.priority_name, LookupKind::Priority),
            (t.agent_id, &t.agent_name, LookupKind::Agent),
        ];
        for (id, name, kind) in missing {
            if id.is_some_and(|id| id > 0) && decode::text(name).is_none() && !kinds.contains(&kind)
            {
                kinds.push(kind);
            }
        }
    }
    kinds
}

/// The reference lists every shaped ticket may name from.
pub const TICKET_NAME_LISTS: [LookupKind; 4] = [
    LookupKind::Status,
    LookupKind::TicketType,
    LookupKind::Priority,
    LookupKind::Agent,
];

/// The reference lists of `kinds`, fetched all at once when not cached, so shaping names from
/// them instead of asking Halo one list after another, and takes each list once per call, not
/// once per row. A list that cannot be read leaves its ids without names, as it always has.
pub async fn warm_names(ctx: &CallContext, kinds: &[LookupKind]) -> NameLists {
    ctx.lookups.snapshot(&ctx.halo, kinds).await
}

/// A ticket as lists show it (`detailed = false`) or as one ticket is shown.
pub async fn ticket(ctx: &CallContext, raw: &Ticket, detailed: bool) -> Value {
    let names = warm_names(ctx, &names_needed([raw])).await;
    ticket_named(ctx, raw, detailed, &names).await
}

/// [`ticket`] naming from `names`, which holds every list [`names_needed`] asks for it.
pub async fn ticket_named(
    ctx: &CallContext,
    raw: &Ticket,
    detailed: bool,
    names: &NameLists,
) -> Value {
    let mut t = Map::new();
    let status_id = raw.status_id;
    let type_id = raw.ticket_type_id;
    let priority_id = raw.priority_id;
    let agent_id = raw.agent_id.filter(|id| *id > 0);
    put(&mut t, "id", raw.id);
    put(&mut t, "summary", decode::text(&raw.summary));
    put(&mut t, "status_id", status_id);
    put(
        &mut t,
        "status_name",
        name(names, &raw.status_name, status_id, LookupKind::Status),
    );
    put(&mut t, "tickettype_id", type_id);
    put(
        &mut t,
        "tickettype_name",
        name(
            names,
            &raw.ticket_type_name,
            type_id,
            LookupKind::TicketType,
        ),
    );
    put(&mut t, "priority_id", priority_id);
    put(
        &mut t,
        "priority_name",
        name(names, &raw.priority_name, priority_id, LookupKind::Priority),
    );
    put(&mut t, "client_id", raw.client_id);
    put(&mut t, "client_name", decode::text(&raw.client_name));
    put(&mut t, "site_id", raw.site_id);
    put(&mut t, "site_name", decode::text(&raw.site_name));
    put(&mut t, "user_id", raw.user_id);
    put(&mut t, "user_name", decode::text(&raw.user_name));
    put(&mut t, "user_email", decode::text(&raw.user_email));
    put(&mut t, "agent_id", agent_id);
    put(
        &mut t,
        "agent_name",
        match agent_id {
            Some(id) => name(names, &raw.agent_name, Some(id), LookupKind::Agent),
            None => Some("Unassigned".to_string()),
        },
    );
    put(&mut t, "team", decode::text(&raw.team));
    put(&mut t, "date_opened", shown_date(&raw.date_opened));
    put(
        &mut t,
        "last_action_date",
        shown_date(&raw.last_action_date),
    );
    let respond_by = shown_date(&raw.respond_by);
    let fix_by = shown_date(&raw.fix_by);
    // Without a target (no SLA, or Halo's "not set" sentinel) there is no state to report.
    let response_state = respond_by
        .is_some()
        .then(|| sla_state(&raw.sla_response_state))
        .flatten();
    let fix_state = fix_by
        .is_some()
        .then(|| sla_state(&raw.sla_fix_state))
        .flatten();
    put(&mut t, "respond_by", respond_by);
    put(&mut t, "fix_by", fix_by);
    put(&mut t, "sla_response_state", response_state);
    if detailed {
        put(&mut t, "sla_fix_state", fix_state);
        put(&mut t, "date_closed", shown_date(&raw.date_closed));
        if let Some(service_id) = raw.service_id.filter(|id| *id > 0) {
            put(&mut t, "service_id", service_id);
            put(
                &mut t,
                "service_name",
                super::services::service_name(ctx, service_id).await,
            );
        }
        put(
            &mut t,
            "details",
            body_of(&[&raw.details_html, &raw.details], BODY_LIMIT),
        );
        put(&mut t, "category", decode::text(&raw.category));
        put(&mut t, "impact", raw.impact.clone());
        put(&mut t, "urgency", raw.urgency.clone());
        put(&mut t, "on_hold", raw.on_hold);
        // Pending AI suggestions, so the model can offer apply_ai_suggestion with their ids.
        let pending = named_suggestions(ctx, ai_suggestions(raw, false)).await;
        if !pending.is_empty() {
            t.insert("ai_suggestions".into(), Value::Array(pending));
        }
        let custom = custom_fields(raw);
        if !custom.is_empty() {
            t.insert("custom_fields".into(), Value::Array(custom));
        }
    } else {
        put(
            &mut t,
            "details_excerpt",
            [&raw.details, &raw.details_html]
                .iter()
                .find_map(|f| f.as_deref())
                .map(|html| crate::halo::text::html_excerpt(html, EXCERPT_LIMIT))
                .filter(|s| !s.is_empty()),
        );
    }
    Value::Object(t)
}

/// The custom fields that have a value, as `{name, value}`: the label (else the field name)
/// and Halo's display form when it sent one (a display sent as null means no value).
fn custom_fields(raw: &Ticket) -> Vec<Value> {
    raw.custom()
        .iter()
        .filter_map(|f| {
            let label = decode::text(&f.label).or_else(|| decode::text(&f.name))?;
            let value = f.display.as_ref().or(f.value.as_ref())?;
            (!value.is_blank()).then(|| json!({"name": label, "value": value}))
        })
        .collect()
}

/// One ticket action (note, e-mail, status change ...), with names next to the status and
/// agent it set, from `names` (which holds the status and agent lists when it sets them).
pub fn action(names: &NameLists, raw: &Action) -> Value {
    let mut a = action_fields(raw);
    if let Some(id) = raw.new_status.filter(|v| *v > 0) {
        put(
            &mut a,
            "new_status_name",
            names.name_of(LookupKind::Status, id),
        );
    }
    if let Some(id) = raw.new_agent.filter(|v| *v > 0) {
        put(
            &mut a,
            "new_agent_name",
            names.name_of(LookupKind::Agent, id),
        );
    }
    Value::Object(a)
}

fn action_fields(raw: &Action) -> Map<String, Value> {
    let mut a = Map::new();
    put(&mut a, "id", raw.id);
    put(&mut a, "ticket_id", raw.ticket_id);
    put(&mut a, "outcome", decode::text(&raw.outcome));
    put(&mut a, "who", decode::text(&raw.who));
    put(
        &mut a,
        "date",
        shown_date(&raw.date).or_else(|| shown_date(&raw.date_created)),
    );
    put(&mut a, "note", action_note(raw));
    put(&mut a, "private", raw.private);
    put(
        &mut a,
        "time_taken_hours",
        raw.time_taken
            .clone()
            .filter(|n| n.as_f64().is_none_or(|h| h != 0.0)),
    );
    put(&mut a, "new_status", raw.new_status.filter(|v| *v > 0));
    put(&mut a, "new_agent", raw.new_agent.filter(|v| *v > 0));
    a
}

/// An action's note as plain text, cut to [`NOTE_LIMIT`].
pub fn action_note(raw: &Action) -> Option<String> {
    body_of(&[&raw.note_html, &raw.note], NOTE_LIMIT)
}

/// A ticket's AI suggestions (`AiSuggestionFault`): only pending ones unless `include_applied`.
pub fn ai_suggestions(raw: &Ticket, include_applied: bool) -> Vec<Value> {
    raw.suggestions()
        .iter()
        .filter(|s| include_applied || s.applied != Some(true))
        .map(|s| {
            let mut m = Map::new();
            put(&mut m, "id", s.id);
            put(&mut m, "summary", decode::text(&s.summary));
            put(&mut m, "field", suggestion_field(s).map(|(label, _)| label));
            put(&mut m, "new_value", decode::text(&s.new_value));
            put(&mut m, "applied", s.applied.unwrap_or(false));
            put(&mut m, "applied_date", shown_date(&s.applied_date));
            Value::Object(m)
        })
        .collect()
}

/// The ticket field an AI suggestion sets (Halo's `AiSuggestion.type`: 1 priority, 2 ticket
/// type, 3 team, 4 agent, 5 status) and the lookup its `new_value` id belongs to.
fn suggestion_field(s: &AiSuggestion) -> Option<(&'static str, Option<LookupKind>)> {
    match s.field? {
        1 => Some(("priority", Some(LookupKind::Priority))),
        2 => Some(("ticket type", Some(LookupKind::TicketType))),
        3 => Some(("team", None)),
        4 => Some(("agent", Some(LookupKind::Agent))),
        5 => Some(("status", Some(LookupKind::Status))),
        _ => None,
    }
}

/// Shaped suggestions with the name behind each id-valued `new_value` (`new_value_name`).
pub async fn named_suggestions(ctx: &CallContext, mut list: Vec<Value>) -> Vec<Value> {
    for s in &mut list {
        let kind = match s.get("field").and_then(Value::as_str) {
            Some("priority") => LookupKind::Priority,
            Some("ticket type") => LookupKind::TicketType,
            Some("agent") => LookupKind::Agent,
            Some("status") => LookupKind::Status,
            _ => continue,
        };
        if let Some(id) = int(s, "new_value")
            && let Some(name) = ctx.lookups.name_of(&ctx.halo, kind, id).await
        {
            s["new_value_name"] = json!(name);
        }
    }
    list
}

/// Text for an HTML field (ticket details, action notes): HTML passes through, plain text is
/// escaped and keeps its line breaks.
pub fn html_body(input: &str) -> String {
    if input.contains('<') && input.contains('>') {
        return input.to_string();
    }
    input
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace("\r\n", "\n")
        .replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_becomes_html_and_html_passes_through() {
        assert_eq!(html_body("a & b\nnext"), "a &amp; b<br>next");
        assert_eq!(
            html_body("<p>Printer <b>jammed</b></p>"),
            "<p>Printer <b>jammed</b></p>"
        );
    }

    #[test]
    fn pending_ai_suggestions_are_listed() {
        let raw: Ticket = decode::one(json!({"ai_suggestions": [
            {"id": 1, "summary": "Lower priority", "new_value": "4", "applied": false},
            {"id": 2, "summary": "Assign", "new_value": "2", "applied": true},
        ]}))
        .unwrap();
        let pending = ai_suggestions(&raw, false);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0]["id"], 1);
        assert_eq!(ai_suggestions(&raw, true).len(), 2);
        assert!(ai_suggestions(&Ticket::default(), true).is_empty());
    }

    #[test]
    fn custom_fields_show_their_label_and_display_value_and_skip_empty_ones() {
        let raw: Ticket = decode::one(json!({"customfields": [
            {"name": "CFasset", "label": "Asset", "display": "Laptop 7", "value": 7},
            {"name": "CFcount", "value": 3},
            {"name": "CFgone", "label": "Gone", "display": null, "value": "x"},
            {"name": "CFblank", "label": "Blank", "value": ""},
            {"label": " ", "value": "no name"},
            {"name": "CFmulti", "label": "Tags", "value": [{"id": 1, "name": "a"}]},
        ]}))
        .unwrap();
        assert_eq!(
            Value::Array(custom_fields(&raw)),
            json!([
                {"name": "Asset", "value": "Laptop 7"},
                {"name": "CFcount", "value": 3},
                {"name": "Tags", "value": [{"id": 1, "name": "a"}]},
            ])
        );
    }

    #[test]
    fn action_fields_keep_halo_numbers_and_drop_empty_ones() {
        let raw: Action = decode::one(json!({
            "id": 4, "ticket_id": 9, "note_html": "<p>Done</p>", "hiddenfromuser": true,
            "timetaken": 1.0, "new_status": 0, "datetime": "2026-11-24T09:30:05.1234567"
        }))
        .unwrap();
        let a = Value::Object(action_fields(&raw));
        assert_eq!(a["time_taken_hours"].to_string(), "1.0");
        assert_eq!(a["note"], "Done");
        assert_eq!(a["private"], true);
        assert_eq!(a["date"], "2026-11-24T09:30:05Z");
        assert!(a.get("new_status").is_none());
        let none: Action = decode::one(json!({"timetaken": 0})).unwrap();
        assert!(
            Value::Object(action_fields(&none))
                .get("time_taken_hours")
                .is_none()
        );
    }
}
