//! Compact, model-friendly records: ids together with resolved names, HTML turned into text,
//! long bodies cut with a visible marker, and Halo's hundreds of ticket fields reduced to the
//! ones an agent asks about.

use serde_json::{Map, Value, json};

use crate::halo::lookups::LookupKind;
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
pub fn sla_state(raw: &Value, field: &str) -> Option<&'static str> {
    match text(raw, field)?.as_str() {
        "I" | "i" => Some("inside"),
        "O" | "o" => Some("breached"),
        _ => None,
    }
}

/// Puts `value` under `key` unless it is null, keeping results compact.
pub fn put(map: &mut Map<String, Value>, key: &str, value: impl Into<Value>) {
    let value = value.into();
    if !value.is_null() {
        map.insert(key.to_string(), value);
    }
}

/// A name from the record itself, else from the lookup cache.
async fn name(
    ctx: &CallContext,
    raw: &Value,
    name_field: &str,
    id: Option<i64>,
    kind: LookupKind,
) -> Option<String> {
    if let Some(name) = text(raw, name_field) {
        return Some(name);
    }
    ctx.lookups.name_of(&ctx.halo, kind, id?).await
}

/// A ticket as lists show it (`detailed = false`) or as one ticket is shown.
pub async fn ticket(ctx: &CallContext, raw: &Value, detailed: bool) -> Value {
    let mut t = Map::new();
    let status_id = int(raw, "status_id");
    let type_id = int(raw, "tickettype_id");
    let priority_id = int(raw, "priority_id");
    let agent_id = int(raw, "agent_id").filter(|id| *id > 0);
    put(&mut t, "id", int(raw, "id"));
    put(&mut t, "summary", text(raw, "summary"));
    put(&mut t, "status_id", status_id);
    put(
        &mut t,
        "status_name",
        name(ctx, raw, "status_name", status_id, LookupKind::Status).await,
    );
    put(&mut t, "tickettype_id", type_id);
    put(
        &mut t,
        "tickettype_name",
        name(ctx, raw, "tickettype_name", type_id, LookupKind::TicketType).await,
    );
    put(&mut t, "priority_id", priority_id);
    put(
        &mut t,
        "priority_name",
        name(ctx, raw, "priority_name", priority_id, LookupKind::Priority).await,
    );
    put(&mut t, "client_id", int(raw, "client_id"));
    put(&mut t, "client_name", text(raw, "client_name"));
    put(&mut t, "site_id", int(raw, "site_id"));
    put(&mut t, "site_name", text(raw, "site_name"));
    put(&mut t, "user_id", int(raw, "user_id"));
    put(&mut t, "user_name", text(raw, "user_name"));
    put(&mut t, "user_email", text(raw, "user_email"));
    put(&mut t, "agent_id", agent_id);
    put(
        &mut t,
        "agent_name",
        match agent_id {
            Some(id) => name(ctx, raw, "agent_name", Some(id), LookupKind::Agent).await,
            None => Some("Unassigned".to_string()),
        },
    );
    put(&mut t, "team", text(raw, "team"));
    put(&mut t, "date_opened", date(raw, "dateoccurred"));
    put(&mut t, "last_action_date", date(raw, "lastactiondate"));
    let respond_by = date(raw, "respondbydate");
    let fix_by = date(raw, "fixbydate");
    // Without a target (no SLA, or Halo's "not set" sentinel) there is no state to report.
    let response_state = respond_by
        .is_some()
        .then(|| sla_state(raw, "slaresponsestate"))
        .flatten();
    let fix_state = fix_by
        .is_some()
        .then(|| sla_state(raw, "slastate"))
        .flatten();
    put(&mut t, "respond_by", respond_by);
    put(&mut t, "fix_by", fix_by);
    put(&mut t, "sla_response_state", response_state);
    if detailed {
        put(&mut t, "sla_fix_state", fix_state);
        put(&mut t, "date_closed", date(raw, "dateclosed"));
        if let Some(service_id) = int(raw, "service_id").filter(|id| *id > 0) {
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
            body(raw, &["details_html", "details"], BODY_LIMIT),
        );
        put(&mut t, "category", text(raw, "category_1"));
        put(
            &mut t,
            "impact",
            raw.get("impact").cloned().filter(|v| !v.is_null()),
        );
        put(
            &mut t,
            "urgency",
            raw.get("urgency").cloned().filter(|v| !v.is_null()),
        );
        put(
            &mut t,
            "on_hold",
            raw.get("onhold").cloned().filter(|v| !v.is_null()),
        );
        // Pending AI suggestions, so the model can offer apply_ai_suggestion with their ids.
        let pending = named_suggestions(ctx, ai_suggestions(raw, false)).await;
        if !pending.is_empty() {
            t.insert("ai_suggestions".into(), Value::Array(pending));
        }
        if let Some(Value::Array(fields)) = raw.get("customfields") {
            let custom: Vec<Value> = fields
                .iter()
                .filter_map(|f| {
                    let label = text(f, "label").or_else(|| text(f, "name"))?;
                    let value = f.get("display").or_else(|| f.get("value"))?.clone();
                    (!value.is_null() && value != json!(""))
                        .then(|| json!({"name": label, "value": value}))
                })
                .collect();
            if !custom.is_empty() {
                t.insert("custom_fields".into(), Value::Array(custom));
            }
        }
    } else {
        put(
            &mut t,
            "details_excerpt",
            excerpt(raw, &["details", "details_html"], EXCERPT_LIMIT),
        );
    }
    Value::Object(t)
}

/// One ticket action (note, e-mail, status change ...), with names next to the status and
/// agent it set.
pub async fn action(ctx: &CallContext, raw: &Value) -> Value {
    let mut a = match action_fields(raw) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    if let Some(id) = int(raw, "new_status").filter(|v| *v > 0) {
        put(
            &mut a,
            "new_status_name",
            ctx.lookups.name_of(&ctx.halo, LookupKind::Status, id).await,
        );
    }
    if let Some(id) = int(raw, "new_agent").filter(|v| *v > 0) {
        put(
            &mut a,
            "new_agent_name",
            ctx.lookups.name_of(&ctx.halo, LookupKind::Agent, id).await,
        );
    }
    Value::Object(a)
}

fn action_fields(raw: &Value) -> Value {
    let mut a = Map::new();
    put(&mut a, "id", int(raw, "id"));
    put(&mut a, "ticket_id", int(raw, "ticket_id"));
    put(&mut a, "outcome", text(raw, "outcome"));
    put(&mut a, "who", text(raw, "who"));
    put(
        &mut a,
        "date",
        date(raw, "datetime").or_else(|| date(raw, "actiondatecreated")),
    );
    put(
        &mut a,
        "note",
        body(raw, &["note_html", "note"], NOTE_LIMIT),
    );
    put(
        &mut a,
        "private",
        raw.get("hiddenfromuser").cloned().filter(|v| !v.is_null()),
    );
    put(
        &mut a,
        "time_taken_hours",
        raw.get("timetaken")
            .cloned()
            .filter(|v| !v.is_null() && v != &json!(0) && v != &json!(0.0)),
    );
    put(
        &mut a,
        "new_status",
        int(raw, "new_status").filter(|v| *v > 0),
    );
    put(
        &mut a,
        "new_agent",
        int(raw, "new_agent").filter(|v| *v > 0),
    );
    Value::Object(a)
}

/// A ticket's AI suggestions (`AiSuggestionFault`): only pending ones unless `include_applied`.
pub fn ai_suggestions(raw: &Value, include_applied: bool) -> Vec<Value> {
    let Some(Value::Array(list)) = raw.get("ai_suggestions") else {
        return Vec::new();
    };
    list.iter()
        .filter(|s| include_applied || s.get("applied").and_then(Value::as_bool) != Some(true))
        .map(|s| {
            let mut m = Map::new();
            put(&mut m, "id", int(s, "id"));
            put(&mut m, "summary", text(s, "summary"));
            put(&mut m, "field", suggestion_field(s).map(|(label, _)| label));
            put(
                &mut m,
                "new_value",
                text(s, "new_value").or_else(|| int(s, "new_value").map(|v| v.to_string())),
            );
            put(
                &mut m,
                "applied",
                s.get("applied").and_then(Value::as_bool).unwrap_or(false),
            );
            put(&mut m, "applied_date", date(s, "applied_date"));
            Value::Object(m)
        })
        .collect()
}

/// The ticket field an AI suggestion sets (Halo's `AiSuggestion.type`: 1 priority, 2 ticket
/// type, 3 team, 4 agent, 5 status) and the lookup its `new_value` id belongs to.
fn suggestion_field(s: &Value) -> Option<(&'static str, Option<LookupKind>)> {
    match int(s, "type")? {
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
        let raw = json!({"ai_suggestions": [
            {"id": 1, "summary": "Lower priority", "new_value": "4", "applied": false},
            {"id": 2, "summary": "Assign", "new_value": "2", "applied": true},
        ]});
        let pending = ai_suggestions(&raw, false);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0]["id"], 1);
        assert_eq!(ai_suggestions(&raw, true).len(), 2);
        assert!(ai_suggestions(&json!({}), true).is_empty());
    }
}
