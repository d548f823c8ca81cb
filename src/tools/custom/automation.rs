//! Automation tools: run a Halo custom automation / integration runbook
//! (`POST /api/Automation/{runbookId}`) with the inputs the tools file declares, wait for its
//! answer within the tool's `wait_seconds`, and report what it did.
//!
//! Halo's OpenAPI document gives this endpoint only a GUID path parameter: no body and no
//! response schema. halo-mcp sends the inputs as one JSON object (flat, or under `inputs_key`),
//! and reads `status`, `output` and `log` from the answer when present, passing anything else
//! through. Halo's own MCP custom tools offer "Execute and await completion", so the answer to
//! the POST is taken as the result; there is no documented status endpoint to poll, so a run that
//! is still going when the answer comes back is reported as such. See `docs/custom-tools.md`
//! for what to confirm on a real tenant.

use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

use super::dynamic::{ArgReader, SchemaBuilder, missing};
use super::file::{AutomationInput, AutomationTool, InputType, Resolve, RunbookRef};
use crate::halo::HaloError;
use crate::halo::lookups::LookupKind;
use crate::halo::records::RunbookAnswer;
use crate::mcp::agent_dates::Kind;
use crate::mcp::schema::JsonObject;
use crate::mcp::{CallContext, ToolDefinition, ToolError, ToolHandler};
use crate::tools::args::resolve_agent;

/// Statuses that mean the runbook has not finished yet.
const UNFINISHED: &[&str] = &[
    "queued",
    "pending",
    "running",
    "inprogress",
    "in progress",
    "started",
];
/// Statuses that mean it failed.
const FAILED: &[&str] = &[
    "failed",
    "error",
    "errored",
    "cancelled",
    "canceled",
    "timedout",
];

pub struct AutomationHandler {
    spec: AutomationTool,
    definition: ToolDefinition,
}

impl AutomationHandler {
    pub fn new(spec: AutomationTool) -> AutomationHandler {
        let mut schema = SchemaBuilder::new();
        for input in &spec.inputs {
            let description = match input.resolve {
                Some(Resolve::Customer) => format!("{} (customer name or id)", input.description),
                Some(Resolve::EndUser) => {
                    format!(
                        "{} (end user name, e-mail address or id)",
                        input.description
                    )
                }
                Some(Resolve::Agent) => {
                    format!(
                        "{} (\"me\", an agent's name, e-mail address or id)",
                        input.description
                    )
                }
                None => input.description.clone(),
            };
            match &input.allowed {
                Some(values) => {
                    let values: Vec<&str> = values.iter().map(String::as_str).collect();
                    schema.string_enum(&input.name, &description, &values, input.required);
                }
                None => {
                    schema.prop(
                        &input.name,
                        input.kind.json_type(),
                        &describe_format(&description, input),
                        input.required,
                    );
                }
            }
            if let Some(format) = input.kind.format() {
                schema.constrain(&input.name, "format", format.into());
            }
            if let Some(max) = input.max_length {
                schema.constrain(&input.name, "maxLength", max.into());
            }
            if let Some(pattern) = &input.pattern {
                // Anchored: the whole value must match, as the error says.
                schema.constrain(&input.name, "pattern", format!("^(?:{pattern})$").into());
            }
        }
        let definition = ToolDefinition {
            name: spec.header.name.clone(),
            title: spec.header.title.clone(),
            description: format!(
                "{} Runs a Halo automation runbook and waits up to {} seconds for its result.",
                spec.header.description,
                spec.wait.as_secs()
            ),
            input_schema: schema.build(),
            output_schema: None,
            effect: spec.effect,
        };
        AutomationHandler { spec, definition }
    }

    /// Reads and resolves the caller's inputs into the object Halo receives.
    async fn inputs(
        &self,
        ctx: &CallContext,
        args: JsonObject,
    ) -> Result<(Map<String, Value>, Map<String, Value>), ToolError> {
        let args = crate::mcp::arguments::conform(&self.definition.input_schema, args)?;
        let mut reader = ArgReader::new(args);
        let mut out = Map::new();
        let mut names = Map::new();
        for input in &self.spec.inputs {
            let value = read(&mut reader, input)?;
            let value = match value {
                None if input.required => return Err(missing(&input.name)),
                None => continue,
                Some(v) => v,
            };
            let value = match (input.resolve, &value) {
                (Some(kind), Value::String(text)) => {
                    let (id, name) = resolve(ctx, kind, text).await?;
                    names.insert(input.halo_name.clone(), json!(name));
                    json!(id)
                }
                _ => value,
            };
            out.insert(input.halo_name.clone(), value);
        }
        let known: Vec<&str> = self.spec.inputs.iter().map(|i| i.name.as_str()).collect();
        reader.finish(&known)?;
        Ok((out, names))
    }

    /// The runbook's id: from the file, else found by name in `GET /api/Automation`.
    async fn runbook(&self, ctx: &CallContext) -> Result<(String, Option<String>), ToolError> {
        let name = match &self.spec.runbook {
            RunbookRef::Id(id) => return Ok((id.clone(), None)),
            RunbookRef::Name(name) => name,
        };
        let found: Vec<(String, String)> = ctx
            .halo
            .runbooks()
            .await?
            .into_iter()
            .filter_map(|r| Some((r.id?, r.name?)))
            .collect();
        let matches: Vec<&(String, String)> = found
            .iter()
            .filter(|(_, n)| n.trim().eq_ignore_ascii_case(name))
            .collect();
        match matches.as_slice() {
            [(id, n)] => Ok((id.clone(), Some(n.clone()))),
            [] => Err(ToolError::Failed(format!(
                "Halo has no runbook named '{name}' (tool {}). Runbooks Halo lists: {}.",
                self.spec.header.name,
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found
                        .iter()
                        .map(|(_, n)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))),
            _ => Err(ToolError::Failed(format!(
                "More than one Halo runbook is named '{name}': use runbook_id in the tools file."
            ))),
        }
    }

    async fn run(&self, ctx: &CallContext, args: JsonObject) -> Result<Value, ToolError> {
        let (inputs, names) = self.inputs(ctx, args).await?;
        let (id, known_name) = self.runbook(ctx).await?;
        let body = match &self.spec.inputs_key {
            Some(key) => json!({ key.clone(): inputs.clone() }),
            None => Value::Object(inputs.clone()),
        };
        let answer = ctx.halo.run_runbook(&id, body, self.spec.wait).await;
        let applied_nothing = matches!(
            &answer,
            Err(HaloError::NotSent(_) | HaloError::Rejected(_) | HaloError::SignIn(_))
        );
        if self.spec.effect.writes() && !applied_nothing {
            // What the runbook changed is not known here, so nothing cached on this Halo is
            // trusted after it.
            ctx.lookups.forget_instance(&ctx.halo);
        }
        let answer = answer.map_err(|e| match e {
            e if e.is_not_found() => ToolError::Failed(format!(
                "Halo has no runbook {id} (tool {}): check runbook_id in the tools file.",
                self.spec.header.name
            )),
            HaloError::MayHaveBeenApplied(failure) => ToolError::MayHaveBeenApplied(format!(
                "The runbook did not answer within {} seconds ({}). It may still be \
                     running in Halo: check its log there before running it again.",
                self.spec.wait.as_secs(),
                failure.detail()
            )),
            other => other.into(),
        })?;
        let mut out = report(&self.spec, &id, known_name, inputs, answer);
        if !names.is_empty() {
            // The names behind the ids sent, so the result never shows a bare id.
            out["input_names"] = Value::Object(names);
        }
        Ok(out)
    }
}

/// The input's description with its accepted form spelled out, for models that read only
/// descriptions.
fn describe_format(description: &str, input: &AutomationInput) -> String {
    let form = match input.kind {
        InputType::Date => return Kind::Day.describe(description),
        InputType::Email => " Format: one e-mail address, e.g. jo.bloggs@contoso.com.",
        _ => "",
    };
    format!("{}{form}", description.trim_end())
}

fn read(reader: &mut ArgReader, input: &AutomationInput) -> Result<Option<Value>, ToolError> {
    let value = match input.kind {
        InputType::String | InputType::Date | InputType::Email => {
            reader.string(&input.name)?.map(Value::String)
        }
        InputType::Integer => reader.integer(&input.name)?.map(Value::from),
        InputType::Number => reader.number(&input.name)?.map(Value::from),
        InputType::Boolean => reader.boolean(&input.name)?.map(Value::from),
    };
    if let (Some(Value::String(text)), Some(allowed)) = (&value, &input.allowed)
        && !allowed.iter().any(|a| a == text)
    {
        return Err(ToolError::InvalidArguments(format!(
            "{} must be one of: {}",
            input.name,
            allowed.join(", ")
        )));
    }
    Ok(value)
}

/// The id Halo receives and the name it stands for (shown next to the id in the result).
async fn resolve(ctx: &CallContext, kind: Resolve, text: &str) -> Result<(i64, String), ToolError> {
    let lookup = |kind| crate::tools::args::resolve_hinted(ctx, kind, text, None);
    Ok(match kind {
        Resolve::Customer => {
            let n = lookup(LookupKind::Client).await?;
            (n.id, n.name)
        }
        Resolve::EndUser => {
            let n = lookup(LookupKind::User).await?;
            (n.id, n.name)
        }
        Resolve::Agent => resolve_agent(ctx, text).await?,
    })
}

/// What the tool returns: the run's status in words, Halo's output and log, and the inputs sent.
fn report(
    spec: &AutomationTool,
    id: &str,
    known_name: Option<String>,
    inputs: Map<String, Value>,
    answer: RunbookAnswer,
) -> Value {
    let name = answer
        .name()
        .or(known_name)
        .unwrap_or_else(|| spec.header.title.clone());
    let status = answer.status().unwrap_or_else(|| "Completed".to_string());
    let lowered = status.to_ascii_lowercase();
    let (finished, failed) = (
        !UNFINISHED.contains(&lowered.as_str()),
        FAILED.contains(&lowered.as_str()),
    );
    let message = if failed {
        format!("The runbook '{name}' ran and reported {status}; see its output and log.")
    } else if finished {
        format!("The runbook '{name}' ran: {status}.")
    } else {
        format!(
            "Halo started the runbook '{name}' ({status}); it had not finished when Halo \
             answered. Check its progress in Halo before running it again."
        )
    };
    let mut out = json!({
        "runbook": {"id": id, "name": name},
        "status": status,
        "finished": finished,
        "succeeded": finished && !failed,
        "message": message,
        "inputs_sent": Value::Object(inputs),
    });
    if let Value::Object(m) = &mut out {
        for (key, value) in answer.reported() {
            // The result's own `finished` wins over Halo's.
            if !m.contains_key(key) {
                m.insert(key.into(), value);
            }
        }
        if let Some(unrecognised) = answer.unrecognised() {
            // Unknown shape: pass Halo's answer through rather than lose it.
            m.insert("halo_answer".into(), unrecognised.clone());
        }
    }
    out
}

impl ToolHandler for AutomationHandler {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn call<'a>(
        &'a self,
        ctx: &'a CallContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>> {
        Box::pin(self.run(ctx, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::schema::violations;
    use crate::tools::custom::file::{Format, parse};

    fn spec() -> AutomationTool {
        let text = r#"
[[automation_tools]]
name = "reset_password"
description = "Reset a password."
runbook_id = "5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a01"
inputs = [
  { name = "user", description = "The end user", required = true, resolve = "end_user", halo_name = "user_id" },
  { name = "mode", description = "How", enum = ["email", "sms"] },
  { name = "ticket_id", type = "integer", description = "Ticket to note it on" },
]
"#;
        parse("t.toml", Format::Toml, text, &[])
            .unwrap()
            .automations[0]
            .clone()
    }

    #[test]
    fn schema_is_flat_and_described() {
        let h = AutomationHandler::new(spec());
        let schema = &h.definition().input_schema;
        assert!(violations(schema).is_empty(), "{:?}", violations(schema));
        assert_eq!(schema["properties"]["ticket_id"]["type"], "integer");
        assert_eq!(schema["required"], json!(["user"]));
        assert!(
            h.definition()
                .description
                .contains("waits up to 30 seconds")
        );
    }

    #[test]
    fn answers_are_reported() {
        let s = spec();
        let done = report(
            &s,
            "id",
            None,
            Map::new(),
            RunbookAnswer::new(
                json!({"name": "Reset user password", "status": "Completed", "output": {"ok": 1}, "log": ["x"]}),
            ),
        );
        assert_eq!(done["finished"], true);
        assert_eq!(done["succeeded"], true);
        assert_eq!(done["output"], json!({"ok": 1}));
        assert!(done["message"].as_str().unwrap().contains("ran: Completed"));
        let running = report(
            &s,
            "id",
            None,
            Map::new(),
            RunbookAnswer::new(json!({"status": "Running"})),
        );
        assert_eq!(running["finished"], false);
        assert_eq!(running["halo_answer"], json!({"status": "Running"}));
        let failed = report(
            &s,
            "id",
            None,
            Map::new(),
            RunbookAnswer::new(json!([{"status": "Failed", "output": "boom"}])),
        );
        assert_eq!(failed["succeeded"], false);
        let bare = report(&s, "id", None, Map::new(), RunbookAnswer::new(Value::Null));
        assert_eq!(bare["status"], "Completed");
        assert_eq!(bare["runbook"]["name"], "reset password");
    }
}
