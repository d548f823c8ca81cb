//! Shaping tool results: `structuredContent` plus the same JSON as text (clients read one or
//! the other), never more than [`MAX_RESULT_BYTES`] (Copilot Studio rejects connector
//! responses over 500 KB, and big results waste the model's context).

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use super::ToolError;

/// The largest tool result text, in bytes.
pub const MAX_RESULT_BYTES: usize = 100 * 1024;

/// A successful result, trimmed to the size cap.
pub fn success(value: Value) -> CallToolResult {
    // structuredContent must be an object for clients on revisions up to 2025-11-25, and the
    // text must be the same JSON.
    let value = match value {
        Value::Object(_) => value,
        other => json!({ "result": other }),
    };
    // Serialise once in the common case; only an oversized result is shrunk and re-serialised.
    let mut text = json_text(&value);
    let value = if text.len() <= MAX_RESULT_BYTES {
        value
    } else {
        let fitted = fit(value, MAX_RESULT_BYTES);
        text = json_text(&fitted);
        fitted
    };
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

/// `value` as compact JSON text. The same bytes as `Value`'s `Display`, written straight into
/// a buffer rather than through the formatting machinery, which costs twice as much.
fn json_text(value: &Value) -> String {
    // Only a map with non-string keys fails to serialise, and a JSON value holds none.
    serde_json::to_string(value).unwrap_or_else(|_| value.to_string())
}

/// A tool error (`isError: true`) with an actionable message.
pub fn failure(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.user_message())])
}

/// Shrinks `value` until its JSON fits in `max_bytes`: drops trailing elements of the largest
/// array and says so in a `truncated` field, so nothing is cut silently.
pub fn fit(mut value: Value, max_bytes: usize) -> Value {
    let mut size = value.to_string().len();
    if size <= max_bytes {
        return value;
    }
    let mut dropped = 0usize;
    while size > max_bytes {
        let Some(array) = largest_array(&mut value) else {
            break;
        };
        if array.is_empty() {
            break;
        }
        // Drop a proportional share at once so very large results shrink in a few steps.
        let keep = ((array.len() as f64) * (max_bytes as f64 / size as f64) * 0.9) as usize;
        let keep = keep.min(array.len() - 1);
        dropped += array.len() - keep;
        array.truncate(keep);
        size = value.to_string().len();
    }
    if let Value::Object(map) = &mut value {
        map.insert(
            "truncated".into(),
            Value::String(format!(
                "{dropped} item(s) left out to keep the result under {} KB; narrow the request \
                 (filters, smaller page_size) to see them",
                max_bytes / 1024
            )),
        );
        map.insert("has_more".into(), Value::Bool(true));
    }
    if value.to_string().len() > max_bytes {
        // No array to shrink: fall back to a plain, cut-down text.
        let text = value.to_string();
        let cut: String = text.chars().take(max_bytes / 2).collect();
        return json!({ "truncated": "the result was too large and was cut", "partial": cut });
    }
    value
}

fn largest_array(value: &mut Value) -> Option<&mut Vec<Value>> {
    fn size(v: &Value) -> usize {
        v.to_string().len()
    }
    match value {
        Value::Array(_) => value.as_array_mut(),
        Value::Object(map) => {
            let key = map
                .iter()
                .filter(|(_, v)| v.is_array())
                .max_by_key(|(_, v)| size(v))
                .map(|(k, _)| k.clone())?;
            map.get_mut(&key).and_then(Value::as_array_mut)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_results_pass_through_with_text_and_structure() {
        let result = success(json!({"id": 1}));
        assert_eq!(result.structured_content, Some(json!({"id": 1})));
        assert_eq!(result.is_error, Some(false));
    }

    #[test]
    fn non_object_results_are_wrapped_in_text_and_structure_alike() {
        let result = success(json!([1, 2]));
        let structured = result.structured_content.clone().unwrap();
        assert_eq!(structured, json!({"result": [1, 2]}));
        let text = serde_json::to_value(&result.content[0]).unwrap();
        assert_eq!(text["text"], structured.to_string());
    }

    #[test]
    fn large_results_are_cut_below_the_cap_and_say_so() {
        let rows: Vec<Value> = (0..5000)
            .map(|i| json!({"id": i, "summary": "x".repeat(100)}))
            .collect();
        let value = fit(
            json!({"tickets": rows, "record_count": 5000}),
            MAX_RESULT_BYTES,
        );
        assert!(value.to_string().len() <= MAX_RESULT_BYTES);
        assert!(value["truncated"].as_str().unwrap().contains("left out"));
        assert_eq!(value["has_more"], true);
        assert!(!value["tickets"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_huge_string_is_cut_too() {
        let value = fit(json!({"body": "y".repeat(300_000)}), MAX_RESULT_BYTES);
        assert!(value.to_string().len() <= MAX_RESULT_BYTES);
    }
}
