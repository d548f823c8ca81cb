//! Apply AI Suggestion: applies one of Halo AI's suggestions on a ticket (new priority, type,
//! team, agent, status …) through `_apply_ai_suggestions`, and reports what changed.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::args::positive_id;
use super::shape::{self, int, put};
use super::tickets::load_ticket;
use crate::halo::records::{Ticket, TicketWrite, decode};
use crate::mcp::registry::{TypedTool, typed};
use crate::mcp::{CallContext, Effect, ToolError, ToolHandler};

pub fn tools() -> Vec<Arc<dyn ToolHandler>> {
    vec![typed(
        ApplyAiSuggestion,
        "apply_ai_suggestion",
        "Apply AI Suggestion",
        "Apply one of Halo AI's suggestions to a ticket (for example a new priority, ticket \
         type, team or agent). get_ticket lists a ticket's pending suggestions with their ids. \
         Returns what changed on the ticket.",
        // Overwrites ticket fields, but applying an already-applied suggestion changes nothing.
        Effect::UpdateIdempotent,
    )]
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyArgs {
    /// The ticket number (id).
    pub ticket_id: i64,
    /// The suggestion's id, from the ticket's ai_suggestions (see get_ticket).
    pub suggestion_id: i64,
}

/// Ticket fields an AI suggestion can change, as (label, shaped key).
const WATCHED: &[(&str, &str)] = &[
    ("priority", "priority_name"),
    ("ticket type", "tickettype_name"),
    ("team", "team"),
    ("agent", "agent_name"),
    ("status", "status_name"),
    ("category", "category"),
];

/// What differs between two shaped tickets in the fields a suggestion can change.
fn changes(before: &Value, after: &Value) -> Vec<Value> {
    super::effects::changes_in(WATCHED, before, after)
}

fn pending_list(raw: &Ticket) -> String {
    let pending = shape::ai_suggestions(raw, false);
    if pending.is_empty() {
        return "It has no pending AI suggestions.".into();
    }
    let items: Vec<String> = pending
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s["id"],
                s["summary"].as_str().unwrap_or_default()
            )
        })
        .collect();
    format!("Its pending suggestions are: {}.", items.join("; "))
}

struct ApplyAiSuggestion;

impl TypedTool for ApplyAiSuggestion {
    type Args = ApplyArgs;
    async fn run(&self, ctx: &CallContext, args: ApplyArgs) -> Result<Value, ToolError> {
        let id = positive_id("ticket_id", args.ticket_id)?;
        let sid = positive_id("suggestion_id", args.suggestion_id)?;
        let raw = load_ticket(ctx, id).await?;
        let all = shape::ai_suggestions(&raw, true);
        let Some(suggestion) = all.iter().find(|s| int(s, "id") == Some(sid)).cloned() else {
            return Err(ToolError::Failed(format!(
                "Ticket {id} has no AI suggestion {sid}. {}",
                pending_list(&raw)
            )));
        };
        let before = shape::ticket(ctx, &raw, true).await;
        let mut out = Map::new();
        put(&mut out, "ticket_id", id);
        put(&mut out, "summary", decode::text(&raw.summary));
        let named = shape::named_suggestions(ctx, vec![suggestion.clone()]).await;
        out.insert(
            "suggestion".into(),
            named.into_iter().next().unwrap_or(suggestion.clone()),
        );
        if suggestion.get("applied").and_then(Value::as_bool) == Some(true) {
            out.insert("applied".into(), json!(true));
            out.insert("changes".into(), json!([]));
            out.insert(
                "message".into(),
                json!(format!(
                    "Suggestion {sid} was already applied to ticket {id}; nothing changed."
                )),
            );
            return Ok(Value::Object(out));
        }
        let apply = TicketWrite {
            id: Some(id),
            apply_ai_suggestions: vec![sid],
            ..TicketWrite::default()
        };
        let saved = ctx.halo.save_ticket(&apply).await?;
        // The saved record is the ticket as Halo now has it; read it back only if Halo
        // answered with something else.
        let after_raw = if saved.id == Some(id) {
            saved
        } else {
            // Halo took the apply; a failed read-back must not read as "nothing was sent".
            load_ticket(ctx, id).await.map_err(|e| match e {
                ToolError::Halo(e) => ToolError::Halo(e.for_write()),
                other => other,
            })?
        };
        let after = shape::ticket(ctx, &after_raw, true).await;
        let after_suggestion = shape::ai_suggestions(&after_raw, true)
            .into_iter()
            .find(|s| int(s, "id") == Some(sid));
        let applied = after_suggestion
            .as_ref()
            .and_then(|s| s.get("applied").and_then(Value::as_bool));
        // The suggestion as it is now, so the result never says applied: false next to a
        // successful apply.
        if let Some(now) = after_suggestion {
            let named = shape::named_suggestions(ctx, vec![now]).await;
            if let Some(now) = named.into_iter().next() {
                out.insert("suggestion".into(), now);
            }
        } else if let Some(Value::Object(s)) = out.get_mut("suggestion") {
            s.insert("applied".into(), json!(true));
        }
        let changed = changes(&before, &after);
        let message = if changed.is_empty() {
            format!(
                "Applied suggestion {sid} to ticket {id}; Halo reported no visible field change."
            )
        } else {
            let parts: Vec<String> = changed
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {}",
                        c["field"].as_str().unwrap_or_default(),
                        c["from"],
                        c["to"]
                    )
                })
                .collect();
            format!(
                "Applied suggestion {sid} to ticket {id}: {}.",
                parts.join(", ")
            )
        };
        out.insert("applied".into(), json!(applied.unwrap_or(true)));
        out.insert("changes".into(), Value::Array(changed));
        for key in [
            "priority_name",
            "tickettype_name",
            "team",
            "agent_name",
            "status_name",
        ] {
            if let Some(v) = after.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        out.insert("message".into(), json!(message));
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_list_only_differing_fields() {
        let before = json!({"priority_name": "P3 - Medium", "team": "Service Desk"});
        let after = json!({"priority_name": "P4 - Low", "team": "Service Desk"});
        let c = changes(&before, &after);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0],
            json!({"field": "priority", "from": "P3 - Medium", "to": "P4 - Low"})
        );
    }

    #[test]
    fn a_wrong_id_lists_the_pending_suggestions() {
        let raw: Ticket = decode::one(json!({"ai_suggestions": [
            {"id": 1, "summary": "Assign to Sam", "applied": false},
            {"id": 2, "summary": "Lower priority", "applied": true},
        ]}))
        .unwrap();
        let text = pending_list(&raw);
        assert!(text.contains("1 (Assign to Sam)"), "{text}");
        assert!(!text.contains("Lower priority"), "{text}");
        assert!(pending_list(&Ticket::default()).contains("no pending"));
    }
}
