//! Tool arguments checked against the tool's own advertised schema before any tool code runs,
//! so every tool answers a mistake the same way: in plain words, naming the argument, what it
//! takes and an example (never a deserializer's message).
//!
//! Models are loose with JSON types (Copilot Studio's orchestrator often sends numbers as
//! strings), so values are also brought to the advertised type where the meaning is certain:
//! `"1001"` for a whole number, `1001` for a "name or id" text, `"true"` for a boolean.

use serde_json::{Map, Value, json};

use super::ToolError;
use super::agent_dates;
use super::schema::JsonObject;

/// The longest text a string argument takes when its tool sets no tighter limit: longer than
/// any name, e-mail or id, short enough that a pasted document is refused before Halo sees it.
pub const DEFAULT_MAX_TEXT: u64 = 500;

/// Checks `args` against the flat object `schema` and returns them with values brought to the
/// advertised types. Explicit nulls count as absent (clients send them for optional arguments).
pub fn conform(schema: &JsonObject, args: JsonObject) -> Result<JsonObject, ToolError> {
    let empty = Map::new();
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut out = Map::new();
    for (name, value) in args {
        if value.is_null() {
            continue;
        }
        let Some(prop) = props.get(&name) else {
            return Err(unknown_argument(&name, props));
        };
        out.insert(name.clone(), conform_value(&name, prop, value)?);
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        for name in required.iter().filter_map(Value::as_str) {
            if !out.contains_key(name) {
                let what = props
                    .get(name)
                    .and_then(|p| p.get("description"))
                    .and_then(Value::as_str)
                    .map(|d| format!(" ({})", d.trim_end_matches('.')))
                    .unwrap_or_default();
                return Err(invalid(format!("{name} is required{what}")));
            }
        }
    }
    Ok(out)
}

/// Gives every string property without a `maxLength` the default one, and says each limit in
/// the property's description (Copilot Studio's orchestrator reads descriptions, not keywords).
pub fn document_text_limits(schema: &mut JsonObject) {
    let Some(Value::Object(props)) = schema.get_mut("properties") else {
        return;
    };
    for prop in props.values_mut() {
        let Value::Object(p) = prop else { continue };
        if p.get("type").and_then(Value::as_str) != Some("string") || p.contains_key("enum") {
            continue;
        }
        let max = p
            .get("maxLength")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_MAX_TEXT);
        p.insert("maxLength".into(), json!(max));
        let description = p
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_end()
            .to_string();
        let note = format!("At most {max} characters.");
        if !description.contains(&note) {
            let joined = if description.is_empty() {
                note
            } else {
                format!("{description} {note}")
            };
            p.insert("description".into(), Value::String(joined));
        }
    }
}

fn invalid(message: String) -> ToolError {
    ToolError::InvalidArguments(message)
}

fn unknown_argument(name: &str, props: &JsonObject) -> ToolError {
    let mut known: Vec<&str> = props.keys().map(String::as_str).collect();
    known.sort_unstable();
    let closest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(k, name), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" Did you mean '{k}'?"))
        .unwrap_or_default();
    let takes = if known.is_empty() {
        "no arguments".to_string()
    } else {
        known.join(", ")
    };
    invalid(format!(
        "unknown argument '{name}'.{closest} This tool takes: {takes}."
    ))
}

/// A value as it appears in a message: text quoted and cut short, anything else as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) if s.chars().count() > 60 => {
            format!("\"{}…\"", s.chars().take(60).collect::<String>())
        }
        Value::String(s) => format!("\"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        other => other.to_string(),
    }
}

fn bound(prop: &Value, key: &str) -> Option<f64> {
    prop.get(key).and_then(Value::as_f64)
}

/// A whole number a model can copy: 1001 for ids (a ticket number), else something in range.
fn integer_example(name: &str, prop: &Value) -> i64 {
    let base: i64 = if name.ends_with("id") { 1001 } else { 10 };
    let min = bound(prop, "minimum").map(|m| m as i64);
    let max = bound(prop, "maximum").map(|m| m as i64);
    let low = min.unwrap_or(i64::MIN).max(1.min(max.unwrap_or(1)));
    base.clamp(low, max.unwrap_or(i64::MAX).max(low))
}

fn conform_value(name: &str, prop: &Value, value: Value) -> Result<Value, ToolError> {
    let ty = prop.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "integer" => integer(name, prop, value),
        "number" => number(name, prop, value),
        "boolean" => boolean(name, value),
        "string" => string(name, prop, value),
        "array" => match value {
            Value::Array(items) => {
                let item = prop.get("items").cloned().unwrap_or(Value::Null);
                items
                    .into_iter()
                    .map(|v| conform_value(name, &item, v))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
            // One value where a list is expected is a list of one.
            single => Ok(Value::Array(vec![conform_value(
                name,
                prop.get("items").unwrap_or(&Value::Null),
                single,
            )?])),
        },
        _ => Ok(value),
    }
}

fn integer(name: &str, prop: &Value, value: Value) -> Result<Value, ToolError> {
    let n = match &value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let Some(n) = n else {
        return Err(invalid(format!(
            "{name} must be a whole number such as {}; got {}",
            integer_example(name, prop),
            shown(&value)
        )));
    };
    in_range(name, prop, n as f64, &n.to_string())?;
    Ok(json!(n))
}

fn number(name: &str, prop: &Value, value: Value) -> Result<Value, ToolError> {
    let n = match &value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite());
    let Some(n) = n else {
        return Err(invalid(format!(
            "{name} must be a number such as 1.5; got {}",
            shown(&value)
        )));
    };
    in_range(name, prop, n, &n.to_string())?;
    Ok(json!(n))
}

fn in_range(name: &str, prop: &Value, n: f64, text: &str) -> Result<(), ToolError> {
    match (bound(prop, "minimum"), bound(prop, "maximum")) {
        (Some(min), Some(max)) if n < min || n > max => Err(invalid(format!(
            "{name} must be between {min} and {max}; got {text}"
        ))),
        (Some(min), None) if n < min => Err(invalid(format!(
            "{name} must be at least {min}; got {text}"
        ))),
        (None, Some(max)) if n > max => {
            Err(invalid(format!("{name} must be at most {max}; got {text}")))
        }
        _ => Ok(()),
    }
}

fn boolean(name: &str, value: Value) -> Result<Value, ToolError> {
    let b = match &value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    };
    b.map(Value::Bool).ok_or_else(|| {
        invalid(format!(
            "{name} must be true or false; got {}",
            shown(&value)
        ))
    })
}

fn string(name: &str, prop: &Value, value: Value) -> Result<Value, ToolError> {
    let text = match value {
        Value::String(s) => s,
        // An id given as a number where a name or id is taken.
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        other => {
            return Err(invalid(format!(
                "{name} must be text{}; got {}",
                example_text(prop),
                shown(&other)
            )));
        }
    };
    if let Some(Value::Array(allowed)) = prop.get("enum") {
        // "Last month" and "last-month" mean last_month: models write values as words.
        let folded = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
        let wanted = folded(&text);
        let found = allowed
            .iter()
            .filter_map(Value::as_str)
            .find(|a| folded(a) == wanted);
        return match found {
            Some(a) => Ok(json!(a)),
            None => Err(invalid(format!(
                "{name} must be one of: {}; got {}",
                allowed
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                shown(&Value::String(text))
            ))),
        };
    }
    if let Some(max) = prop.get("maxLength").and_then(Value::as_u64) {
        let length = text.chars().count() as u64;
        if length > max {
            return Err(invalid(format!(
                "{name} is {length} characters long; the limit is {max}. Shorten it \
                 (for a search, use a few distinctive words)"
            )));
        }
    }
    // A date goes on in its one canonical form, so tools and runbooks never see "today".
    let text = match prop.get("format").and_then(Value::as_str) {
        Some(agent_dates::DAY_FORMAT) if !text.trim().is_empty() => {
            agent_dates::canonical_day(agent_dates::parse_day(name, &text, chrono::Utc::now())?)
        }
        _ => text,
    };
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        match prop.get("format").and_then(Value::as_str) {
            Some("email") if !is_email(trimmed) => {
                return Err(invalid(format!(
                    "{name} must be an e-mail address such as jo.bloggs@contoso.com; got {}",
                    shown(&Value::String(text.clone()))
                )));
            }
            _ => {}
        }
        if let Some(pattern) = prop.get("pattern").and_then(Value::as_str)
            && let Ok(re) = regex::Regex::new(pattern)
            && !re.is_match(trimmed)
        {
            return Err(invalid(format!(
                "{name} must match the pattern {pattern}; got {}",
                shown(&Value::String(text.clone()))
            )));
        }
    }
    Ok(Value::String(text))
}

fn example_text(prop: &Value) -> String {
    match prop.get("format").and_then(Value::as_str) {
        Some("email") => " such as \"jo.bloggs@contoso.com\"".into(),
        Some(agent_dates::DAY_FORMAT) => " such as \"2026-12-01\"".into(),
        _ => String::new(),
    }
}

/// A plausible single e-mail address: one `@`, something before it, a dotted domain after it,
/// no spaces. Deliverability is Halo's business; this catches names and free text.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> JsonObject {
        json!({
            "type": "object",
            "properties": {
                "ticket_id": {"type": "integer", "description": "The ticket number."},
                "page_size": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Rows."},
                "hours": {"type": "number", "description": "Hours."},
                "public": {"type": "boolean", "description": "Public."},
                "ticket_type": {"type": "string", "description": "Name or id."},
                "query": {"type": "string", "maxLength": 5, "description": "Words."},
                "order_by": {"type": "string", "enum": ["id", "fix_by"], "description": "Sort."},
                "email": {"type": "string", "format": "email", "description": "E-mail."},
                "start": {"type": "string", "format": "date", "description": "Start."},
            },
            "required": ["ticket_id"],
            "additionalProperties": false,
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn check(args: Value) -> Result<JsonObject, String> {
        conform(&schema(), args.as_object().unwrap().clone()).map_err(|e| e.to_string())
    }

    #[test]
    fn loose_types_are_brought_to_the_advertised_ones() {
        let out = check(
            json!({"ticket_id": " 1001 ", "hours": "1.5", "public": "TRUE",
            "ticket_type": 3, "order_by": "FIX_BY", "page_size": 20.0, "query": null}),
        )
        .unwrap();
        assert_eq!(
            Value::Object(out),
            json!({"ticket_id": 1001, "hours": 1.5, "public": true, "ticket_type": "3",
                "order_by": "fix_by", "page_size": 20})
        );
    }

    #[test]
    fn mistakes_name_the_argument_and_give_an_example() {
        let e = check(json!({"ticket_id": "abc"})).unwrap_err();
        assert_eq!(
            e,
            "Invalid arguments: ticket_id must be a whole number such as 1001; got \"abc\""
        );
        let e = check(json!({"ticket_id": 1, "page_size": 500})).unwrap_err();
        assert!(
            e.contains("page_size must be between 1 and 100; got 500"),
            "{e}"
        );
        let e = check(json!({"ticket_id": 1, "public": "yes please"})).unwrap_err();
        assert!(e.contains("public must be true or false"), "{e}");
        let e = check(json!({"ticket_id": 1, "order_by": "date"})).unwrap_err();
        assert!(e.contains("order_by must be one of: id, fix_by"), "{e}");
        let e = check(json!({"ticket_id": 1, "query": "too long"})).unwrap_err();
        assert!(
            e.contains("query is 8 characters long; the limit is 5"),
            "{e}"
        );
        let e = check(json!({"ticket_id": 1, "ticketid": 1})).unwrap_err();
        assert!(
            e.contains("unknown argument 'ticketid'. Did you mean 'ticket_id'?"),
            "{e}"
        );
        let e = check(json!({})).unwrap_err();
        assert!(
            e.contains("ticket_id is required (The ticket number)"),
            "{e}"
        );
        let e = check(json!({"ticket_id": 1, "email": "not-an-email"})).unwrap_err();
        assert!(e.contains("email must be an e-mail address"), "{e}");
        for bad in ["2026-13-45", "next monday", "01/12/2026"] {
            let e = check(json!({"ticket_id": 1, "start": bad})).unwrap_err();
            assert!(e.contains("start must be a calendar date"), "{e}");
        }
    }

    #[test]
    fn dates_go_on_in_one_canonical_form() {
        for (given, day) in [
            ("2026-12-01", "2026-12-01"),
            (" 2026/12/01 ", "2026-12-01"),
            ("13/12/2026", "2026-12-13"),
            ("2026-12-01T23:30:00-05:00", "2026-12-01"),
        ] {
            let out = check(json!({"ticket_id": 1, "start": given})).unwrap();
            assert_eq!(out["start"], day, "{given}");
        }
        let today = chrono::Utc::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let out = check(json!({"ticket_id": 1, "start": "Today"})).unwrap();
        // Midnight may pass between the two readings of the clock.
        assert!(out["start"] == today || out["start"].as_str() > Some(&today));
    }

    #[test]
    fn text_limits_are_added_and_described() {
        let mut s = schema();
        document_text_limits(&mut s);
        let p = &s["properties"];
        assert_eq!(p["ticket_type"]["maxLength"], DEFAULT_MAX_TEXT);
        assert_eq!(p["query"]["maxLength"], 5);
        assert!(
            p["query"]["description"]
                .as_str()
                .unwrap()
                .ends_with("At most 5 characters.")
        );
        assert!(p["order_by"].get("maxLength").is_none());
    }

    #[test]
    fn emails_are_checked_for_shape_only() {
        assert!(is_email("Ben.Castle@contoso.com"));
        for bad in ["not-an-email", "a@b", "a b@c.com", "@c.com", "a@b..com"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
