//! Query-string and JSON-body helpers that turn malformed input into Halo-shaped 400s instead of
//! panics or framework default errors. Unknown query parameters are kept but never consulted, as
//! Halo ignores them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::errors::{ApiError, ApiResult};

/// Query parameters with lowercased names (Halo treats names case-insensitively).
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Params {
        let map = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
            .collect();
        Params(map)
    }

    /// A non-empty string value.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    pub fn int(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                ApiError::field(name, format!("The value '{v}' is not valid for {name}."))
            }),
        }
    }

    /// Comma-separated integers (Halo's "array of int" parameters).
    pub fn ints(&self, name: &str) -> ApiResult<Option<Vec<i64>>> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<i64>().map_err(|_| {
                        ApiError::field(name, format!("The value '{v}' is not valid for {name}."))
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(Some),
        }
    }

    pub fn bool(&self, name: &str) -> ApiResult<bool> {
        match self.str(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(ApiError::field(
                name,
                format!("The value '{v}' is not valid for {name}."),
            )),
        }
    }

    pub fn date(&self, name: &str) -> ApiResult<Option<DateTime<Utc>>> {
        match self.str(name) {
            None => Ok(None),
            Some(v) => parse_date(v).map(Some).ok_or_else(|| {
                ApiError::field(name, format!("The value '{v}' is not a valid date."))
            }),
        }
    }
}

/// Accepts the date forms Halo clients send: RFC 3339, `yyyy-MM-ddTHH:mm:ss[.fff]` (UTC) and
/// `yyyy-MM-dd`.
pub fn parse_date(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(v, fmt) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// A POST body: Halo takes an array of records; a bare object is accepted as a one-item array.
pub fn body_items(bytes: &[u8]) -> ApiResult<(Vec<serde_json::Map<String, Value>>, bool)> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::field("body", format!("The request body is not valid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok((vec![map], false)),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(ApiError::field(
                    "body",
                    "The request body is an empty array",
                ));
            }
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::Object(map) => Ok(map),
                    _ => Err(ApiError::field(
                        format!("[{i}]"),
                        "Each item must be an object",
                    )),
                })
                .collect::<ApiResult<Vec<_>>>()
                .map(|v| (v, true))
        }
        _ => Err(ApiError::field(
            "body",
            "The request body must be an array of objects",
        )),
    }
}

/// Typed field access on one posted record; errors carry the `[i].field` path Halo uses.
pub struct Item<'a> {
    pub index: usize,
    pub map: &'a serde_json::Map<String, Value>,
}

impl Item<'_> {
    pub fn path(&self, field: &str) -> String {
        format!("[{}].{}", self.index, field)
    }
    pub fn has(&self, field: &str) -> bool {
        self.map.get(field).is_some_and(|v| !v.is_null())
    }
    pub fn int(&self, field: &str) -> ApiResult<Option<i64>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Some)
                .ok_or_else(|| ApiError::field(self.path(field), "Must be a whole number")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::field(self.path(field), "Must be a whole number")),
            Some(_) => Err(ApiError::field(self.path(field), "Must be a whole number")),
        }
    }
    pub fn float(&self, field: &str) -> ApiResult<Option<f64>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .map(Some)
                .map_err(|_| ApiError::field(self.path(field), "Must be a number")),
            Some(_) => Err(ApiError::field(self.path(field), "Must be a number")),
        }
    }
    pub fn str(&self, field: &str) -> ApiResult<Option<String>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(ApiError::field(self.path(field), "Must be text")),
        }
    }
    pub fn bool(&self, field: &str) -> ApiResult<Option<bool>> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(Value::Number(n)) => Ok(Some(n.as_f64().is_some_and(|f| f != 0.0))),
            Some(_) => Err(ApiError::field(self.path(field), "Must be true or false")),
        }
    }
    pub fn date(&self, field: &str) -> ApiResult<Option<DateTime<Utc>>> {
        match self.str(field)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => parse_date(s.trim())
                .map(Some)
                .ok_or_else(|| ApiError::field(self.path(field), "Must be a date (ISO 8601)")),
        }
    }
}

/// An `{id}` path segment; Halo answers a non-numeric id with a 400.
pub fn path_id(raw: &str) -> ApiResult<i64> {
    raw.trim()
        .parse::<i64>()
        .map_err(|_| ApiError::field("id", format!("The value '{raw}' is not valid.")))
}
