//! `/api/Report`: the saved-report list and running a report (`loadreport=true`) against live
//! state. As in Halo, a report that cannot run still answers 200, with `report.load_error` set
//! and no rows. Needs `read:reporting`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::authz::Caller;
use super::demo::month_start;
use super::envelope::Paging;
use super::errors::{ApiError, ApiResult};
use super::model::{Report, ReportKind};
use super::params::{Params, path_id};
use super::store::{Data, SandboxState};

fn summary_json(r: &Report) -> Value {
    json!({"id": r.id, "name": r.name, "description": r.description, "group_id": r.group_id, "group_name": r.group_name, "type": r.r#type})
}

pub async fn list(
    State(state): State<SandboxState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:reporting")?;
    let p = Params::parse(q.as_deref());
    let paging = Paging::from_params(&p)?;
    let search = p.str("search").map(str::to_lowercase);
    let group = p.int("reportgroup_id")?;
    let rows = state.read(|d| {
        d.reports
            .iter()
            .filter(|r| group.is_none_or(|g| r.group_id == g))
            .filter(|r| {
                search.as_ref().is_none_or(|s| {
                    format!("{} {}", r.name, r.description)
                        .to_lowercase()
                        .contains(s)
                })
            })
            .map(summary_json)
            .collect::<Vec<_>>()
    });
    Ok(Json(paging.envelope("reports", rows)))
}

/// The report's output: columns and rows, or why it could not load.
struct Output {
    columns: Vec<(&'static str, &'static str)>,
    rows: Result<Vec<Value>, String>,
}

pub async fn one(
    State(state): State<SandboxState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    caller.require_scope("read:reporting")?;
    let id = path_id(&id)?;
    let p = Params::parse(q.as_deref());
    let load = p.bool("loadreport")?;
    let now = state.now();
    state.read(|d| {
        let r = d
            .reports
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| ApiError::not_found("Report", id))?;
        let out = run(d, r, &p, now);
        let mut v = summary_json(r);
        if let Value::Object(m) = &mut v {
            let columns: Vec<Value> = out
                .columns
                .iter()
                .map(|(n, t)| json!({"name": n, "data_type": t}))
                .collect();
            m.insert("columns".into(), Value::Array(columns.clone()));
            m.insert("available_columns".into(), Value::Array(columns));
            m.insert("reportingperiod".into(), json!(p.str("reportingperiod")));
            if load {
                let (rows, err) = match out.rows {
                    Ok(rows) => (rows, String::new()),
                    Err(e) => (Vec::new(), e),
                };
                m.insert(
                    "report".into(),
                    json!({"loaded": err.is_empty(), "load_error": err, "rows": rows}),
                );
            }
        }
        Ok(Json(v))
    })
}

fn run(d: &Data, r: &Report, p: &Params, now: DateTime<Utc>) -> Output {
    match r.kind {
        ReportKind::Whitespace => Output {
            columns: vec![
                ("Service", "string"),
                ("Category", "string"),
                ("Status", "string"),
            ],
            rows: whitespace(d, p),
        },
        ReportKind::MissedSlaByTechnicianMonthly => Output {
            columns: vec![
                ("Technician", "string"),
                ("Month", "string"),
                ("Tickets Closed", "int"),
                ("Missed SLA", "int"),
                ("Missed SLA %", "decimal"),
            ],
            rows: missed_sla(d, p, now),
        },
        ReportKind::Broken => Output {
            columns: vec![("Ticket", "int"), ("SLA Flag", "string")],
            rows: Err("Invalid column name 'legacy_sla_flag'.".into()),
        },
    }
}

/// The client chosen with `client_id` or `clientname`; `Ok(None)` when neither is given.
fn client_filter(d: &Data, p: &Params) -> Result<Option<i64>, String> {
    if let Some(raw) = p.str("client_id") {
        let id: i64 = raw.parse().map_err(|_| {
            format!("Conversion failed when converting the value '{raw}' to data type int.")
        })?;
        return d
            .client(id)
            .map(|c| Some(c.id))
            .ok_or_else(|| format!("No client with id {id} exists."));
    }
    if let Some(name) = p.str("clientname") {
        return d
            .clients
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .or_else(|| {
                let lower = name.to_lowercase();
                let hits: Vec<_> = d
                    .clients
                    .iter()
                    .filter(|c| c.name.to_lowercase().contains(&lower))
                    .collect();
                if hits.len() == 1 {
                    hits.first().copied()
                } else {
                    None
                }
            })
            .map(|c| Some(c.id))
            .ok_or_else(|| format!("No client named '{name}' exists."));
    }
    Ok(None)
}

fn whitespace(d: &Data, p: &Params) -> Result<Vec<Value>, String> {
    let client = client_filter(d, p)?
        .ok_or_else(|| "This report needs a client: pass client_id or clientname.".to_string())?;
    Ok(d.services
        .iter()
        .map(|s| {
            let has = d.subscriptions.contains(&(client, s.id));
            json!({
                "Service": s.name,
                "Category": s.service_category_name,
                "Status": if has { "Has" } else { "Does NOT have" },
            })
        })
        .collect())
}

/// The reporting window: explicit dates, a named period, or the last six months to now.
fn period(p: &Params, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let date = |name: &str| {
        p.date(name)
            .map_err(|_| format!("The {name} is not a valid date."))
    };
    let start = date("reportingperiodstartdate")?;
    let end = date("reportingperiodenddate")?;
    if start.is_some() || end.is_some() {
        return Ok((start.unwrap_or(month_start(now, 6)), end.unwrap_or(now)));
    }
    let named = p.str("reportingperiod").map(str::to_lowercase);
    Ok(match named.as_deref() {
        None => (month_start(now, 6), now),
        Some("thismonth") => (month_start(now, 0), now),
        Some("lastmonth") => (month_start(now, 1), month_start(now, 0)),
        Some("last3months") => (month_start(now, 3), now),
        Some("last6months") => (month_start(now, 6), now),
        Some("last12months") | Some("thisyear") => (month_start(now, 12), now),
        Some(other) => {
            return Err(format!(
                "Unknown reporting period '{other}' (use thismonth, lastmonth, last3months, last6months, last12months or reportingperiodstartdate/enddate)."
            ));
        }
    })
}

fn missed_sla(d: &Data, p: &Params, now: DateTime<Utc>) -> Result<Vec<Value>, String> {
    let client = client_filter(d, p)?;
    let (start, end) = period(p, now)?;
    let mut groups: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for t in &d.tickets {
        let Some(closed) = t.dateclosed else { continue };
        if closed < start || closed > end {
            continue;
        }
        if client.is_some_and(|c| c != t.client_id) || t.agent_id == 0 {
            continue;
        }
        let key = (d.agent_name(t.agent_id), closed.format("%Y-%m").to_string());
        let entry = groups.entry(key).or_default();
        entry.0 += 1;
        if closed > t.fixbydate {
            entry.1 += 1;
        }
    }
    Ok(groups
        .into_iter()
        .map(|((tech, month), (closed, missed))| {
            let pct = (missed as f64 * 1000.0 / closed as f64).round() / 10.0;
            json!({
                "Technician": tech, "Month": month, "Tickets Closed": closed,
                "Missed SLA": missed, "Missed SLA %": pct,
            })
        })
        .collect())
}
