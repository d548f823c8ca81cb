//! The typed ticket and action writes send only fields Halo's OpenAPI document has on the record
//! it posts (`Faults` for `POST /Tickets`, `Actions` for `POST /Actions`): Halo ignores unknown
//! fields silently, so a misspelt one would be a write that quietly does less.

use halo_mcp::halo::records::{ActionWrite, CustomFieldWrite, TicketWrite};
use serde_json::{Value, json};

use crate::support::openapi::halo_openapi as spec;

/// Every key of `body` that is not a property of the schema `posted` by `path`.
fn undocumented(spec: &Value, path: &str, body: &Value) -> Vec<String> {
    let items = &spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["items"]["$ref"];
    let name = items.as_str().and_then(|r| r.rsplit('/').next());
    let name = name.unwrap_or_else(|| panic!("POST {path} posts an array of a schema"));
    let properties = &spec["components"]["schemas"][name]["properties"];
    let keys = body
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>());
    let keys = keys.unwrap_or_default();
    assert!(keys.len() > 10, "every field set: {body}");
    keys.into_iter()
        .filter(|k| properties.get(k).is_none())
        .collect()
}

#[test]
fn ticket_and_action_writes_use_only_documented_fields() {
    let Some(spec) = spec() else { return };
    let ticket = serde_json::to_value(TicketWrite {
        id: Some(1),
        summary: Some("s".into()),
        ticket_type_id: Some(1),
        details_html: Some("d".into()),
        client_id: Some(1),
        site_id: Some(1),
        user_id: Some(1),
        agent_id: Some(1),
        team: Some("t".into()),
        priority_id: Some(1),
        status_id: Some(1),
        category: Some("c".into()),
        service_id: Some(1),
        template_id: Some(1),
        custom_fields: vec![CustomFieldWrite {
            id: 1,
            value: json!("v"),
        }],
        apply_ai_suggestions: vec![1],
    })
    .unwrap();
    assert_eq!(
        undocumented(&spec, "/Tickets", &ticket),
        Vec::<String>::new()
    );
    let action = serde_json::to_value(ActionWrite {
        ticket_id: 1,
        outcome_id: 1,
        note_html: Some("n".into()),
        private: Some(true),
        send_email: Some(false),
        email_to: Some("a@b.c".into()),
        new_status: Some(1),
        new_agent: Some(1),
        new_team: Some("t".into()),
        time_taken: Some(1.0),
        important: Some(true),
        started: Some("2026-11-24T09:00:00".into()),
        ended: Some("2026-11-24T10:00:00".into()),
        billable: Some(true),
    })
    .unwrap();
    assert_eq!(
        undocumented(&spec, "/Actions", &action),
        Vec::<String>::new()
    );
}
