//! One audit entry: who wrote what in Halo, through which client, with what outcome. Bounded
//! in size and free of secrets: arguments are kept only as a SHA-256 digest, so an entry
//! proves what was sent without storing ticket text, and messages and names are truncated.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::halo::HaloError;
use crate::mcp::ToolError;

/// Longest text kept for a message or a name, in characters.
pub const MAX_TEXT: usize = 300;
/// Most Halo ids kept per entry.
pub const MAX_IDS: usize = 20;

/// An id and a display name (either may be unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: Option<String>,
    pub name: Option<String>,
}

impl Party {
    pub fn new(id: Option<String>, name: Option<String>) -> Party {
        Party {
            id: id.map(|t| truncate(&t)),
            name: name.map(|t| truncate(&t)),
        }
    }
}

/// A Halo record the call named or created: the field it came from (`ticket_id`,
/// `action_id`, ...) and the id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HaloRef {
    pub field: String,
    pub id: i64,
}

/// How the write ended, as far as halo-mcp can know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    /// Never sent to Halo (bad arguments, unknown names, rate limit, no connection).
    NotSent {
        message: String,
    },
    /// Halo refused it: nothing was written.
    Rejected {
        message: String,
    },
    /// The request may have reached Halo and the answer was lost.
    MayHaveBeenApplied {
        message: String,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotSent { .. } => "not_sent",
            Outcome::Rejected { .. } => "rejected",
            Outcome::MayHaveBeenApplied { .. } => "may_have_been_applied",
        }
    }

    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Ok => None,
            Outcome::NotSent { message }
            | Outcome::Rejected { message }
            | Outcome::MayHaveBeenApplied { message } => Some(message),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC.
    pub time: String,
    /// The Halo agent the call ran as.
    pub agent: Party,
    /// The MCP client that made the call.
    pub client: Party,
    pub tool: String,
    pub halo_ids: Vec<HaloRef>,
    pub outcome: Outcome,
    /// SHA-256 (hex) of the arguments as JSON with sorted keys.
    pub args_sha256: String,
}

/// The one place a tool error becomes an audit outcome: decided on the error variant, never
/// on its text.
pub fn classify(result: &Result<Value, ToolError>) -> Outcome {
    let error = match result {
        Ok(_) => return Outcome::Ok,
        Err(error) => error,
    };
    let message = truncate(&error.user_message());
    match error {
        ToolError::Halo(HaloError::MayHaveBeenApplied(_)) | ToolError::MayHaveBeenApplied(_) => {
            Outcome::MayHaveBeenApplied { message }
        }
        ToolError::Halo(HaloError::Rejected(_)) => Outcome::Rejected { message },
        // A read failing on the way (a lookup), or a write refused before it was sent.
        ToolError::Halo(
            HaloError::NotSent(_)
            | HaloError::ReadFailed(_)
            | HaloError::SignIn(_)
            | HaloError::InvalidResponse(_),
        )
        | ToolError::InvalidArguments(_)
        | ToolError::Resolve(_)
        | ToolError::Hinted { .. }
        | ToolError::Failed(_)
        | ToolError::Unavailable(_) => Outcome::NotSent { message },
    }
}

/// SHA-256 of the arguments (serde_json's map keeps keys sorted, so equal arguments digest
/// equally whatever order the client sent them in).
pub fn digest(args: &Map<String, Value>) -> String {
    let text = serde_json::to_string(args).unwrap_or_default();
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// The Halo ids a write named (its arguments) and created or changed (its result): every
/// positive integer under a key `id` or ending in `_id`, two levels deep (a nested one is
/// named by its path, e.g. `ticket.id`), deduplicated.
pub fn halo_ids(args: &Map<String, Value>, result: Option<&Value>) -> Vec<HaloRef> {
    // What the write created or changed comes first, so the bound never drops it.
    let mut found = Vec::new();
    if let Some(Value::Object(map)) = result {
        // A ticket's own id is `id`: name it so a search by ticket finds its creation.
        let is_ticket = map.contains_key("tickettype_id") || map.contains_key("tickettype_name");
        collect(map, None, &mut found);
        if is_ticket {
            for r in found.iter_mut().filter(|r| r.field == "id") {
                r.field = "ticket.id".into();
            }
        }
    }
    collect(args, None, &mut found);
    let mut seen = std::collections::HashSet::new();
    found.retain(|r| seen.insert((r.field.clone(), r.id)));
    found.truncate(MAX_IDS);
    found
}

fn collect(map: &Map<String, Value>, parent: Option<&str>, found: &mut Vec<HaloRef>) {
    for (key, value) in map {
        match value {
            Value::Number(n) if key == "id" || key.ends_with("_id") => {
                if let Some(id) = n.as_i64().filter(|id| *id > 0) {
                    let field = match parent {
                        Some(parent) => format!("{parent}.{key}"),
                        None => key.clone(),
                    };
                    found.push(HaloRef {
                        field: truncate(&field),
                        id,
                    });
                }
            }
            Value::Object(inner) if parent.is_none() => collect(inner, Some(key), found),
            _ => {}
        }
    }
}

pub fn truncate(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(MAX_TEXT).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn outcomes_follow_the_error_variant() {
        use crate::halo::{InFlight, NotSent, Rejection};

        assert_eq!(classify(&Ok(json!({}))), Outcome::Ok);
        let unknown = classify(&Err(ToolError::Halo(HaloError::MayHaveBeenApplied(
            InFlight::ConnectionLost("no answer".into()),
        ))));
        assert_eq!(unknown.label(), "may_have_been_applied");
        let rejected = classify(&Err(ToolError::Halo(HaloError::Rejected(
            Rejection::Invalid("Summary is required".into()),
        ))));
        assert_eq!(rejected.label(), "rejected");
        assert!(
            rejected
                .message()
                .is_some_and(|m| m.contains("Summary is required"))
        );
        let not_sent = classify(&Err(ToolError::Halo(HaloError::NotSent(
            NotSent::Unreachable("refused".into()),
        ))));
        assert_eq!(not_sent.label(), "not_sent");
        let runbook = classify(&Err(ToolError::MayHaveBeenApplied(
            "The runbook did not answer; it may still be running".into(),
        )));
        assert_eq!(runbook.label(), "may_have_been_applied");
        let long = classify(&Err(ToolError::Failed("x".repeat(5000))));
        assert!(
            long.message()
                .is_some_and(|m| m.chars().count() <= MAX_TEXT + 1)
        );
    }

    #[test]
    fn ids_come_from_arguments_and_result() {
        let args = object(json!({"ticket_id": 1001, "note": "text", "agent_id": 0}));
        let result = json!({"ticket_id": 1001, "action": {"id": 7}, "list": [{"id": 9}]});
        assert_eq!(
            halo_ids(&args, Some(&result)),
            vec![
                HaloRef {
                    field: "action.id".into(),
                    id: 7
                },
                HaloRef {
                    field: "ticket_id".into(),
                    id: 1001
                },
            ]
        );
        let created = json!({"id": 1042, "tickettype_id": 1, "client_id": 12});
        assert_eq!(
            halo_ids(&object(json!({"summary": "x"})), Some(&created)),
            vec![
                HaloRef {
                    field: "client_id".into(),
                    id: 12
                },
                HaloRef {
                    field: "ticket.id".into(),
                    id: 1042
                },
                HaloRef {
                    field: "tickettype_id".into(),
                    id: 1
                },
            ],
            "a created ticket's id is named as a ticket's"
        );
        let many: Map<String, Value> = (0..50)
            .map(|i| (format!("f{i:02}_id"), json!(i + 1)))
            .collect();
        assert_eq!(halo_ids(&many, None).len(), MAX_IDS);
    }

    #[test]
    fn the_digest_ignores_key_order_and_hides_the_text() {
        let a = object(json!({"summary": "secret text", "ticket_id": 1}));
        let b = object(json!({"ticket_id": 1, "summary": "secret text"}));
        assert_eq!(digest(&a), digest(&b));
        assert_eq!(digest(&a).len(), 64);
        assert!(!digest(&a).contains("secret"));
    }
}
