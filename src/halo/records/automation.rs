//! Runbooks (Halo's custom automations): `GET /Automation` to find one by name and
//! `POST /Automation/{runbookId}` to run one (halo-api.md; the OpenAPI document gives the POST
//! only its path parameter, no body or response schema).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::decode::Record;
use crate::halo::{HaloError, HaloSession};

/// A runbook as `GET /Automation` lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Runbook {
    #[serde(default, deserialize_with = "runbook_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for Runbook {
    const ENTITY: &'static str = "runbook";
}

/// Runbook ids are GUIDs; an integer id is taken as its digits.
fn runbook_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Int(i64),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(s) => s,
        Raw::Int(n) => n.to_string(),
    }))
}

/// Halo's answer to a run. Its shape is the runbook's own (Halo documents none), so it stays
/// JSON; the fields halo-mcp reads from it are named here.
#[derive(Debug, Clone)]
pub struct RunbookAnswer(Value);

/// Fields of an answer shown as they are (dates to the second).
const REPORTED: [&str; 5] = ["output", "log", "started", "finished_at", "finished"];

impl RunbookAnswer {
    pub fn new(answer: Value) -> RunbookAnswer {
        // Some endpoints answer with a one-item array.
        RunbookAnswer(match answer {
            Value::Array(mut items) if items.len() == 1 => items.remove(0),
            other => other,
        })
    }

    fn field(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// The runbook's name, when the answer carries it.
    pub fn name(&self) -> Option<String> {
        self.field("name")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The run's status as text (`Completed`, `Running`, ...).
    pub fn status(&self) -> Option<String> {
        self.field("status")
            .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string))
    }

    /// The output, log and timing fields present, dates shown to the second.
    pub fn reported(&self) -> Vec<(&'static str, Value)> {
        REPORTED
            .iter()
            .filter_map(|key| {
                let value = self.field(key)?;
                let shown = match *key {
                    "started" | "finished_at" => value
                        .as_str()
                        .and_then(crate::halo::dates::parse)
                        .map(|d| Value::String(crate::halo::dates::show(d))),
                    _ => None,
                };
                Some((*key, shown.unwrap_or_else(|| value.clone())))
            })
            .collect()
    }

    /// The whole answer, when it is not the documented shape (no `output`), so nothing is lost.
    pub fn unrecognised(&self) -> Option<&Value> {
        match &self.0 {
            Value::Object(map) if map.contains_key("output") => None,
            Value::Null => None,
            other => Some(other),
        }
    }
}

impl HaloSession {
    /// Every runbook Halo lists.
    pub async fn runbooks(&self) -> Result<Vec<Runbook>, HaloError> {
        Ok(self
            .read_list("Automation", "automations", &[])
            .await?
            .items)
    }

    /// Runs runbook `id` with `body`, waiting up to `wait` for its answer. Sent once, like
    /// every write.
    pub async fn run_runbook(
        &self,
        id: &str,
        body: Value,
        wait: Duration,
    ) -> Result<RunbookAnswer, HaloError> {
        let answer = self
            .post_body(&format!("Automation/{id}"), body, Some(wait))
            .await?;
        Ok(RunbookAnswer::new(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::halo::records::decode;
    use serde_json::json;

    #[test]
    fn runbook_ids_are_text_and_names_must_be() {
        let r: Runbook = decode::one(json!({"id": 12, "name": "Reset"})).unwrap();
        assert_eq!(r.id.as_deref(), Some("12"));
        let bad = decode::one::<Runbook>(json!({"id": "g", "name": 5}));
        assert!(
            matches!(bad, Err(HaloError::InvalidResponse(m)) if m.starts_with("runbook field 'name'"))
        );
    }

    #[test]
    fn answers_show_their_fields_and_keep_unknown_shapes() {
        let a = RunbookAnswer::new(json!([{"status": 3, "output": "ok",
            "started": "2026-11-24T09:30:05.1234567Z"}]));
        assert_eq!(a.status().as_deref(), Some("3"));
        assert!(a.unrecognised().is_none());
        let reported = a.reported();
        assert_eq!(reported[0], ("output", json!("ok")));
        assert_eq!(reported[1], ("started", json!("2026-11-24T09:30:05Z")));
        let odd = RunbookAnswer::new(json!({"status": "Running"}));
        assert_eq!(odd.unrecognised(), Some(&json!({"status": "Running"})));
        assert!(RunbookAnswer::new(Value::Null).unrecognised().is_none());
    }
}
