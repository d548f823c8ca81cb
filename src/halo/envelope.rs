//! Halo's list envelopes: `{record_count, <key>: [...]}`, sometimes a bare array, sometimes
//! another key. Unwrapping is tolerant on purpose, because Halo is not consistent across
//! endpoints or versions.

use serde_json::Value;

use super::HaloError;

/// One page of records from a Halo list endpoint.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Value>,
    /// Halo's total across all pages, when it sent one.
    pub record_count: Option<u64>,
}

/// Unwraps a list response: the named key, else the first array property, else a bare array.
pub fn unwrap_list(body: Value, key: &str) -> Result<Page, HaloError> {
    let record_count = body.get("record_count").and_then(Value::as_u64);
    match body {
        Value::Array(items) => Ok(Page {
            items,
            record_count,
        }),
        Value::Object(mut map) => {
            if let Some(Value::Array(items)) = map.remove(key) {
                return Ok(Page {
                    items,
                    record_count,
                });
            }
            let first_array = map.into_iter().find_map(|(_, v)| match v {
                Value::Array(items) => Some(items),
                _ => None,
            });
            match first_array {
                Some(items) => Ok(Page {
                    items,
                    record_count,
                }),
                None if record_count == Some(0) => Ok(Page {
                    items: vec![],
                    record_count,
                }),
                None => Err(HaloError::InvalidResponse(format!(
                    "expected a list under '{key}'"
                ))),
            }
        }
        _ => Err(HaloError::InvalidResponse(format!(
            "expected a list under '{key}'"
        ))),
    }
}

/// A POST to Halo answers with the saved object, or an array when several were posted.
pub fn first_saved(body: Value) -> Result<Value, HaloError> {
    match body {
        Value::Array(mut items) if !items.is_empty() => Ok(items.swap_remove(0)),
        Value::Object(_) => Ok(body),
        _ => Err(HaloError::InvalidResponse(
            "expected the saved record in the response".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unwraps_every_known_shape() {
        let named = unwrap_list(
            json!({"record_count": 5, "tickets": [{"id": 1}]}),
            "tickets",
        )
        .unwrap();
        assert_eq!(named.items.len(), 1);
        assert_eq!(named.record_count, Some(5));
        let other = unwrap_list(json!({"results": [{"id": 1}, {"id": 2}]}), "agents").unwrap();
        assert_eq!(other.items.len(), 2);
        let bare = unwrap_list(json!([{"id": 1}]), "agents").unwrap();
        assert_eq!(bare.items.len(), 1);
        let empty = unwrap_list(json!({"record_count": 0}), "tickets").unwrap();
        assert!(empty.items.is_empty());
        assert!(unwrap_list(json!({"x": 1}), "tickets").is_err());
        assert!(unwrap_list(json!("nope"), "tickets").is_err());
    }

    #[test]
    fn first_saved_takes_object_or_first_element() {
        assert_eq!(first_saved(json!({"id": 3})).unwrap()["id"], 3);
        assert_eq!(first_saved(json!([{"id": 4}])).unwrap()["id"], 4);
        assert!(first_saved(json!([])).is_err());
    }
}
