//! Halo's list conventions: `pageinate`/`page_size`/`page_no` (1-based, size capped at 100),
//! `count` without paging, and the `{record_count, <key>: [...]}` envelope.

use serde_json::{Map, Value, json};

use super::errors::ApiResult;
use super::params::Params;

pub const MAX_PAGE_SIZE: i64 = 100;
const DEFAULT_PAGE_SIZE: i64 = 50;

/// Paging as requested by the caller.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pageinate: bool,
    page_size: i64,
    page_no: i64,
    count: Option<i64>,
}

impl Paging {
    pub fn from_params(p: &Params) -> ApiResult<Paging> {
        let page_size = p
            .int("page_size")?
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE);
        Ok(Paging {
            pageinate: p.bool("pageinate")?,
            page_size,
            page_no: p.int("page_no")?.unwrap_or(1).max(1),
            count: p.int("count")?.map(|c| c.max(0)),
        })
    }

    fn slice(&self, items: Vec<Value>) -> Vec<Value> {
        let (skip, take) = if self.pageinate {
            (
                (self.page_no - 1).saturating_mul(self.page_size) as usize,
                self.page_size as usize,
            )
        } else {
            (0, self.count.map_or(usize::MAX, |c| c as usize))
        };
        items.into_iter().skip(skip).take(take).collect()
    }

    /// `{record_count, [page_no, page_size,] key: [...]}`; `record_count` is the total before paging.
    pub fn envelope(&self, key: &str, items: Vec<Value>) -> Value {
        let total = items.len();
        let mut out = Map::new();
        if self.pageinate {
            out.insert("page_no".into(), json!(self.page_no));
            out.insert("page_size".into(), json!(self.page_size));
        }
        out.insert("record_count".into(), json!(total));
        out.insert(key.into(), Value::Array(self.slice(items)));
        Value::Object(out)
    }
}

/// Sorts JSON rows by a caller-chosen column (`order`, `orderdesc`), numbers numerically.
pub fn order_rows(rows: &mut [Value], p: &Params, default: &str) -> ApiResult<()> {
    let field = p.str("order").unwrap_or(default).to_ascii_lowercase();
    let desc = p.bool("orderdesc")?;
    rows.sort_by(|a, b| {
        let ord =
            compare(a.get(&field), b.get(&field)).then_with(|| compare(a.get("id"), b.get("id")));
        if desc { ord.reverse() } else { ord }
    });
    Ok(())
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None, Some(_)) | (Some(Value::Null), Some(_)) => Ordering::Less,
        (Some(_), None) | (Some(_), Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}
