//! Schemas and argument reading for tools whose arguments come from the tools file rather than
//! a Rust type. Schemas are built flat from the start (primitive properties, each described,
//! enum values repeated in the description) so they pass [`crate::mcp::schema::violations`];
//! arguments are read strictly, because Halo silently ignores names it does not know.

use serde_json::{Map, Value, json};

use crate::mcp::ToolError;
use crate::mcp::agent_dates::Kind;
use crate::mcp::schema::JsonObject;

/// Builds a flat object schema property by property.
#[derive(Debug, Default)]
pub struct SchemaBuilder {
    properties: Map<String, Value>,
    required: Vec<String>,
}

impl SchemaBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a property of JSON type `ty` ("string", "integer", "number", "boolean").
    pub fn prop(&mut self, name: &str, ty: &str, description: &str, required: bool) -> &mut Self {
        self.properties
            .insert(name.into(), json!({"type": ty, "description": description}));
        if required {
            self.required.push(name.into());
        }
        self
    }

    /// Adds a date argument: its description says the accepted forms and its `format` is the
    /// one [`crate::mcp::arguments::conform`] checks, both from [`crate::mcp::agent_dates`].
    pub fn date(&mut self, name: &str, kind: Kind, lead: &str, required: bool) -> &mut Self {
        self.prop(name, "string", &kind.describe(lead), required);
        if let Some(format) = kind.schema_format() {
            self.constrain(name, "format", format.into());
        }
        self
    }

    /// Adds a string property limited to `values`, listed in the description too because
    /// Copilot Studio reads enums as plain strings.
    pub fn string_enum(
        &mut self,
        name: &str,
        description: &str,
        values: &[&str],
        required: bool,
    ) -> &mut Self {
        let description = format!(
            "{} Allowed values: {}.",
            description.trim_end(),
            values.join(", ")
        );
        self.properties.insert(
            name.into(),
            json!({"type": "string", "description": description, "enum": values}),
        );
        if required {
            self.required.push(name.into());
        }
        self
    }

    /// Adds an integer property with inclusive bounds.
    pub fn bounded_integer(
        &mut self,
        name: &str,
        description: &str,
        minimum: i64,
        maximum: i64,
    ) -> &mut Self {
        self.properties.insert(
            name.into(),
            json!({"type": "integer", "description": description, "minimum": minimum, "maximum": maximum}),
        );
        self
    }

    /// Adds `key: value` (e.g. `maxLength`, `format`, `pattern`) to an added property; the
    /// checks in [`crate::mcp::arguments::conform`] enforce them before any Halo call.
    pub fn constrain(&mut self, name: &str, key: &str, value: Value) -> &mut Self {
        if let Some(Value::Object(p)) = self.properties.get_mut(name) {
            p.insert(key.into(), value);
        }
        self
    }

    pub fn build(&self) -> JsonObject {
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        schema.insert("properties".into(), Value::Object(self.properties.clone()));
        if !self.required.is_empty() {
            schema.insert("required".into(), json!(self.required));
        }
        schema.insert("additionalProperties".into(), json!(false));
        crate::mcp::arguments::document_text_limits(&mut schema);
        schema
    }
}

/// Reads arguments one by one; [`ArgReader::finish`] refuses any left over.
pub struct ArgReader {
    args: JsonObject,
}

fn invalid(message: String) -> ToolError {
    ToolError::InvalidArguments(message)
}

impl ArgReader {
    /// Explicit nulls count as absent: clients send them for optional arguments.
    pub fn new(args: JsonObject) -> Self {
        ArgReader {
            args: args.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        }
    }

    /// A trimmed, non-blank string (numbers are accepted as their text: ids often arrive so).
    pub fn string(&mut self, name: &str) -> Result<Option<String>, ToolError> {
        match self.args.remove(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(other) => Err(invalid(format!("{name} must be a string, not {other}"))),
        }
    }

    pub fn integer(&mut self, name: &str) -> Result<Option<i64>, ToolError> {
        match self.args.remove(name) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| invalid(format!("{name} must be a whole number, not {n}"))),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("{name} must be a whole number, not '{s}'"))),
            Some(other) => Err(invalid(format!(
                "{name} must be a whole number, not {other}"
            ))),
        }
    }

    pub fn number(&mut self, name: &str) -> Result<Option<f64>, ToolError> {
        match self.args.remove(name) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("{name} must be a number, not '{s}'"))),
            Some(other) => Err(invalid(format!("{name} must be a number, not {other}"))),
        }
    }

    pub fn boolean(&mut self, name: &str) -> Result<Option<bool>, ToolError> {
        match self.args.remove(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(invalid(format!("{name} must be true or false, not '{s}'"))),
            },
            Some(other) => Err(invalid(format!(
                "{name} must be true or false, not {other}"
            ))),
        }
    }

    /// Fails on any argument the tool does not take, naming it and the ones it does.
    pub fn finish(self, known: &[&str]) -> Result<(), ToolError> {
        if let Some(name) = self.args.keys().next() {
            return Err(invalid(format!(
                "unknown argument '{name}' (this tool takes: {})",
                if known.is_empty() {
                    "no arguments".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        Ok(())
    }
}

/// The error for a missing required argument.
pub fn missing(name: &str) -> ToolError {
    invalid(format!("{name} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::schema::violations;

    #[test]
    fn built_schemas_are_copilot_safe() {
        let schema = SchemaBuilder::new()
            .prop("customer", "string", "Customer name or id.", true)
            .string_enum(
                "period",
                "Which period.",
                &["this_month", "last_month"],
                false,
            )
            .bounded_integer("max_rows", "Rows.", 1, 100)
            .build();
        assert!(violations(&schema).is_empty(), "{:?}", violations(&schema));
        assert_eq!(schema["required"], json!(["customer"]));
        assert!(
            schema["properties"]["period"]["description"]
                .as_str()
                .unwrap()
                .contains("this_month, last_month")
        );
    }

    #[test]
    fn arguments_are_read_strictly() {
        let args = json!({"a": " x ", "b": "12", "c": 3.0, "d": "true", "e": null, "f": 1});
        let mut r = ArgReader::new(args.as_object().unwrap().clone());
        assert_eq!(r.string("a").unwrap().as_deref(), Some("x"));
        assert_eq!(r.integer("b").unwrap(), Some(12));
        assert_eq!(r.integer("c").unwrap(), Some(3));
        assert_eq!(r.boolean("d").unwrap(), Some(true));
        assert_eq!(r.string("e").unwrap(), None);
        let err = r.finish(&["a", "b"]).unwrap_err().to_string();
        assert!(
            err.contains("unknown argument 'f'") && err.contains("a, b"),
            "{err}"
        );
        let mut r = ArgReader::new(json!({"n": "many"}).as_object().unwrap().clone());
        assert!(r.integer("n").is_err());
    }
}
