//! The tool registry: every tool's definition (name, title, description, schema, annotations)
//! and its handler, filtered by the operator's selection (allow-list, deny-list, read-only).

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use rmcp::model::{Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::arguments;
use super::schema::{self, JsonObject};
use super::{CallContext, ToolError};
use crate::config::ToolSettings;

/// What a tool does to Halo, which decides its annotations and whether read-only mode hides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Only reads.
    Read,
    /// Adds something new (a ticket, a note, a time entry): not destructive, and running it
    /// twice adds twice.
    Add,
    /// Changes existing data; running it twice with the same arguments leaves the same state.
    UpdateIdempotent,
    /// Changes or overwrites existing data in a way that is not repeatable.
    Update,
}

impl Effect {
    pub fn writes(self) -> bool {
        self != Effect::Read
    }
}

#[derive(Debug, Clone)]
pub struct ToolDefinition {
    pub name: String,
    pub title: String,
    pub description: String,
    pub input_schema: JsonObject,
    pub output_schema: Option<JsonObject>,
    pub effect: Effect,
}

impl ToolDefinition {
    /// A definition whose input schema comes from a Rust argument type.
    pub fn for_args<A: JsonSchema>(
        name: &str,
        title: &str,
        description: &str,
        effect: Effect,
    ) -> ToolDefinition {
        let raw = serde_json::to_value(schemars::schema_for!(A)).unwrap_or(Value::Null);
        let mut input_schema = schema::sanitize(raw);
        arguments::document_text_limits(&mut input_schema);
        ToolDefinition {
            name: name.to_string(),
            title: title.to_string(),
            description: description.to_string(),
            input_schema,
            output_schema: None,
            effect,
        }
    }

    /// The MCP tool as advertised in `tools/list`.
    pub fn to_tool(&self) -> Tool {
        let annotations = ToolAnnotations::with_title(self.title.clone())
            .read_only(self.effect == Effect::Read)
            .destructive(self.effect == Effect::Update || self.effect == Effect::UpdateIdempotent)
            .idempotent(matches!(
                self.effect,
                Effect::Read | Effect::UpdateIdempotent
            ))
            .open_world(true);
        let mut tool = Tool::new(
            self.name.clone(),
            self.description.clone(),
            Arc::new(self.input_schema.clone()),
        )
        .with_title(self.title.clone())
        .with_annotations(annotations);
        if let Some(output) = &self.output_schema {
            tool = tool.with_raw_output_schema(Arc::new(output.clone()));
        }
        tool
    }
}

/// A tool as the registry sees it: a definition and a call taking raw JSON arguments.
pub trait ToolHandler: Send + Sync + 'static {
    fn definition(&self) -> &ToolDefinition;
    fn call<'a>(
        &'a self,
        ctx: &'a CallContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>>;
}

/// A tool with typed arguments; [`typed`] turns it into a [`ToolHandler`].
pub trait TypedTool: Send + Sync + 'static {
    type Args: DeserializeOwned + JsonSchema + Send;
    fn run(
        &self,
        ctx: &CallContext,
        args: Self::Args,
    ) -> impl Future<Output = Result<Value, ToolError>> + Send;
}

struct Typed<T> {
    tool: T,
    definition: ToolDefinition,
}

/// Wraps a typed tool: its schema comes from `T::Args`, and arguments are parsed strictly
/// (unknown names are errors, because Halo silently ignores unknown filters).
pub fn typed<T: TypedTool>(
    tool: T,
    name: &str,
    title: &str,
    description: &str,
    effect: Effect,
) -> Arc<dyn ToolHandler> {
    Arc::new(Typed {
        definition: ToolDefinition::for_args::<T::Args>(name, title, description, effect),
        tool,
    })
}

impl<T: TypedTool> ToolHandler for Typed<T> {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn call<'a>(
        &'a self,
        ctx: &'a CallContext,
        args: JsonObject,
    ) -> BoxFuture<'a, Result<Value, ToolError>> {
        Box::pin(async move {
            let args = parse_checked::<T::Args>(&self.definition.input_schema, args)?;
            self.tool.run(ctx, args).await
        })
    }
}

/// Parses arguments strictly: checked and brought to the advertised types by
/// [`arguments::conform`] first, so a mistake is explained in plain words naming the argument.
pub fn parse_checked<A: DeserializeOwned>(
    schema: &JsonObject,
    args: JsonObject,
) -> Result<A, ToolError> {
    let args = arguments::conform(schema, args)?;
    serde_json::from_value(Value::Object(args)).map_err(|e| {
        // The schema check passed, so this is a rule the schema does not express; the
        // deserializer's wording is not for the model.
        tracing::debug!(error = %e, "arguments fit the schema but not the tool's type");
        ToolError::InvalidArguments(
            "the arguments do not fit this tool; check each argument against the tool's \
             description"
                .into(),
        )
    })
}

/// [`parse_checked`] against the schema `A` advertises (built on each call: for tests and
/// fuzzing; tools keep theirs in their definition).
pub fn parse_args<A: DeserializeOwned + JsonSchema>(args: JsonObject) -> Result<A, ToolError> {
    let definition = ToolDefinition::for_args::<A>("args", "", "", Effect::Read);
    parse_checked(&definition.input_schema, args)
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("two tools are named '{0}'")]
    Duplicate(String),
    #[error("tool name '{0}' is not 1-64 characters of letters, digits, '_' or '-'")]
    InvalidName(String),
    #[error("{setting} names '{name}', which is not a tool (known tools: {known})")]
    UnknownSelection {
        setting: &'static str,
        name: String,
        known: String,
    },
}

/// The tools this server advertises and runs.
pub struct ToolRegistry {
    tools: Vec<Arc<dyn ToolHandler>>,
    by_name: HashMap<String, usize>,
    listed: Vec<Tool>,
}

impl ToolRegistry {
    /// Builds the registry, applying the operator's tool selection.
    pub fn new(
        candidates: Vec<Arc<dyn ToolHandler>>,
        selection: &ToolSettings,
    ) -> Result<ToolRegistry, RegistryError> {
        let mut seen = HashMap::new();
        for tool in &candidates {
            let name = &tool.definition().name;
            if !schema::is_valid_tool_name(name) {
                return Err(RegistryError::InvalidName(name.clone()));
            }
            if seen.insert(name.clone(), ()).is_some() {
                return Err(RegistryError::Duplicate(name.clone()));
            }
        }
        let known = || {
            let mut names: Vec<&str> = candidates
                .iter()
                .map(|t| t.definition().name.as_str())
                .collect();
            names.sort();
            names.join(", ")
        };
        let lists = [
            (
                "MCP_ENABLED_TOOLS",
                selection.enabled.clone().unwrap_or_default(),
            ),
            ("MCP_DISABLED_TOOLS", selection.disabled.clone()),
        ];
        for (setting, names) in lists {
            for name in names {
                if !seen.contains_key(&name) {
                    return Err(RegistryError::UnknownSelection {
                        setting,
                        name,
                        known: known(),
                    });
                }
            }
        }
        let tools: Vec<Arc<dyn ToolHandler>> = candidates
            .into_iter()
            .filter(|t| {
                let d = t.definition();
                let allowed = selection
                    .enabled
                    .as_ref()
                    .is_none_or(|list| list.contains(&d.name));
                let denied = selection.disabled.contains(&d.name);
                let hidden_by_read_only = selection.read_only && d.effect.writes();
                allowed && !denied && !hidden_by_read_only
            })
            .collect();
        let by_name = tools
            .iter()
            .enumerate()
            .map(|(i, t)| (t.definition().name.clone(), i))
            .collect();
        let listed = tools.iter().map(|t| t.definition().to_tool()).collect();
        Ok(ToolRegistry {
            tools,
            by_name,
            listed,
        })
    }

    pub fn list(&self) -> &[Tool] {
        &self.listed
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn ToolHandler>> {
        self.by_name.get(name).map(|i| &self.tools[*i])
    }

    pub fn definitions(&self) -> impl Iterator<Item = &ToolDefinition> {
        self.tools.iter().map(|t| t.definition())
    }
}
