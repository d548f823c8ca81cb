//! Copilot-Studio-safe JSON schemas.
//!
//! Copilot Studio filters out tools whose schemas use `$ref`, truncates schemas with type
//! arrays such as `["string","null"]`, crashes on numeric `exclusiveMinimum`, and treats enums
//! as plain strings. schemars emits all of these, so every advertised schema goes through
//! [`sanitize`], and [`violations`] (run by a unit test over every tool) proves the result flat.

use serde_json::{Map, Value};

pub type JsonObject = Map<String, Value>;

/// Rewrites a schemars schema into the flat form Copilot Studio accepts.
pub fn sanitize(schema: Value) -> JsonObject {
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut out = match clean(schema, &defs, 0) {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    };
    out.remove("title");
    out.insert("type".into(), Value::String("object".into()));
    out.entry("properties")
        .or_insert_with(|| Value::Object(JsonObject::new()));
    out
}

fn clean(value: Value, defs: &Value, depth: usize) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    if depth > 16 {
        return Value::Object(map);
    }
    // Inline references.
    if let Some(Value::String(reference)) = map.remove("$ref") {
        let name = reference.rsplit('/').next().unwrap_or_default();
        if let Some(Value::Object(target)) = defs.get(name) {
            for (k, v) in target.clone() {
                map.entry(k).or_insert(v);
            }
        }
        return clean(Value::Object(map), defs, depth + 1);
    }
    for key in ["$schema", "$defs", "definitions", "nullable"] {
        map.remove(key);
    }
    // Option<T> arrives as anyOf/oneOf [T, null]: keep T.
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(variants)) = map.get(key).cloned() {
            let non_null: Vec<Value> = variants
                .into_iter()
                .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            if non_null.len() == 1 {
                map.remove(key);
                if let Value::Object(inner) = clean(non_null[0].clone(), defs, depth + 1) {
                    for (k, v) in inner {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
    }
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let non_null: Vec<&Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        if non_null.len() == 1 {
            map.insert("type".into(), non_null[0].clone());
        }
    }
    let is_integer = map.get("type").and_then(Value::as_str) == Some("integer");
    if let Some(n) = map.remove("exclusiveMinimum").and_then(|b| b.as_f64()) {
        let min = if is_integer { n.floor() + 1.0 } else { n };
        map.entry("minimum").or_insert(number(min, is_integer));
    }
    if let Some(n) = map.remove("exclusiveMaximum").and_then(|b| b.as_f64()) {
        let max = if is_integer { n.ceil() - 1.0 } else { n };
        map.entry("maximum").or_insert(number(max, is_integer));
    }
    if map.get("default") == Some(&Value::Null) {
        map.remove("default");
    }
    // Enums are read as plain strings, so the allowed values go into the description too.
    if let Some(Value::Array(values)) = map.get("enum") {
        let listed: Vec<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect();
        let filtered: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        map.insert("enum".into(), Value::Array(filtered));
        let note = format!("Allowed values: {}.", listed.join(", "));
        let description = map
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if !description.contains("Allowed values:") {
            let joined = if description.is_empty() {
                note
            } else {
                format!("{} {note}", description.trim_end())
            };
            map.insert("description".into(), Value::String(joined));
        }
    }
    for key in ["properties"] {
        if let Some(Value::Object(props)) = map.remove(key) {
            let cleaned: JsonObject = props
                .into_iter()
                .map(|(k, v)| (k, clean(v, defs, depth + 1)))
                .collect();
            map.insert(key.into(), Value::Object(cleaned));
        }
    }
    if let Some(items) = map.remove("items") {
        map.insert("items".into(), clean(items, defs, depth + 1));
    }
    Value::Object(map)
}

fn number(n: f64, integer: bool) -> Value {
    if integer {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

/// Everything in `schema` Copilot Studio would choke on, as readable paths.
pub fn violations(schema: &JsonObject) -> Vec<String> {
    let mut found = vec![];
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        found.push("root: type must be \"object\"".to_string());
    }
    walk(&Value::Object(schema.clone()), "root", 0, &mut found);
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
            let flat = match ty {
                "string" | "integer" | "number" | "boolean" => true,
                "array" => matches!(
                    prop.get("items")
                        .and_then(|i| i.get("type"))
                        .and_then(Value::as_str),
                    Some("string" | "integer" | "number" | "boolean")
                ),
                _ => false,
            };
            if !flat {
                found.push(format!(
                    "root.properties.{name}: not a primitive or array of primitives"
                ));
            }
            if prop
                .get("description")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                found.push(format!("root.properties.{name}: no description"));
            }
        }
    }
    found
}

fn walk(value: &Value, path: &str, depth: usize, found: &mut Vec<String>) {
    if depth > 32 {
        found.push(format!("{path}: nested too deeply"));
        return;
    }
    match value {
        Value::Object(map) => {
            for key in [
                "$ref",
                "$defs",
                "definitions",
                "anyOf",
                "oneOf",
                "allOf",
                "exclusiveMinimum",
                "exclusiveMaximum",
            ] {
                if map.contains_key(key) {
                    found.push(format!("{path}: uses {key}"));
                }
            }
            if map.get("type").is_some_and(Value::is_array) {
                found.push(format!("{path}: type is an array"));
            }
            if let Some(Value::Array(values)) = map.get("enum") {
                let description = map.get("description").and_then(Value::as_str).unwrap_or("");
                for v in values {
                    let text = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    if !description.contains(&text) {
                        found.push(format!("{path}: enum value {text} not in the description"));
                    }
                }
            }
            for (k, v) in map {
                if k == "enum" || k == "default" || k == "examples" {
                    continue;
                }
                walk(v, &format!("{path}.{k}"), depth + 1, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{i}]"), depth + 1, found);
            }
        }
        _ => {}
    }
}

/// Tool names Copilot Studio and the MCP conformance suite accept: snake_case for system
/// tools; custom tools keep the admin's spelling, `[A-Za-z0-9_-]`, at most 64 characters.
pub fn is_valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn is_snake_case(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemars_output_becomes_flat() {
        #[derive(schemars::JsonSchema, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Args {
            /// The ticket.
            ticket_id: u32,
            /// Which state.
            status: Option<State>,
            /// Free text.
            note: Option<String>,
            /// Ids.
            ids: Option<Vec<i64>>,
        }
        #[derive(schemars::JsonSchema, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(dead_code)]
        enum State {
            Open,
            Closed,
        }
        let raw = serde_json::to_value(schemars::schema_for!(Args)).unwrap();
        let clean = sanitize(raw);
        assert_eq!(violations(&clean), Vec::<String>::new(), "{clean:#?}");
        let status = &clean["properties"]["status"];
        assert_eq!(status["type"], "string");
        assert!(
            status["description"]
                .as_str()
                .unwrap()
                .contains("Allowed values: open, closed.")
        );
        assert_eq!(clean["properties"]["note"]["type"], "string");
        assert_eq!(clean["additionalProperties"], false);
    }

    #[test]
    fn violations_are_found() {
        let bad = json!({
            "type": "object",
            "properties": {
                "a": {"type": ["string", "null"], "description": "x"},
                "b": {"$ref": "#/$defs/B", "description": "y"},
                "c": {"type": "integer", "exclusiveMinimum": 0, "description": "z"},
                "d": {"type": "object", "description": "nested"},
                "e": {"type": "string", "enum": ["p", "q"], "description": "no list"}
            }
        });
        let found = violations(bad.as_object().unwrap());
        for needle in [
            "type is an array",
            "uses $ref",
            "exclusiveMinimum",
            "properties.d",
            "enum value p",
        ] {
            assert!(
                found.iter().any(|f| f.contains(needle)),
                "{needle} in {found:?}"
            );
        }
    }

    #[test]
    fn exclusive_bounds_become_inclusive() {
        let clean = sanitize(json!({"type": "object", "properties": {
            "n": {"type": "integer", "exclusiveMinimum": 0, "description": "n"}}}));
        assert_eq!(clean["properties"]["n"]["minimum"], 1);
        assert!(violations(&clean).is_empty());
    }

    #[test]
    fn names() {
        assert!(is_snake_case("search_tickets"));
        assert!(!is_snake_case("SearchTickets"));
        assert!(is_valid_tool_name(
            "CF_Missed_SLA_By_Technician_Monthly_Report"
        ));
        assert!(!is_valid_tool_name("has space"));
        assert!(!is_valid_tool_name(&"x".repeat(65)));
    }
}
