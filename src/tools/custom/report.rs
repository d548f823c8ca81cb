//! Report tools: run one saved Halo report (`halo::records::report`) with the filters the
//! tools file allows, and return its rows as a compact table that keeps Halo's column names.
//! A report that failed to load (Halo answers 200 with its error) becomes a tool error
//! carrying Halo's message.

use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::dynamic::{ArgReader, SchemaBuilder, missing};
use super::file::{MAX_ROWS_LIMIT, ReportParam, ReportRef, ReportTool};
use super::period::{self, Period};
use crate::halo::client::ReadPolicy;
use crate::halo::dates::wire;
use crate::halo::lookups::LookupKind;
use crate::halo::records::{Cell, ReportProfile, ReportQuery, ReportRun};
use crate::halo::text::truncate;
use crate::halo::{HaloError, InFlight, PageRequest};
use crate::mcp::agent_dates::{self, Kind};
use crate::mcp::schema::JsonObject;
use crate::mcp::{CallContext, Effect, ToolDefinition, ToolError, ToolHandler};

/// Longest text cell returned; report cells can hold whole ticket bodies.
const CELL_LIMIT: usize = 500;

pub struct ReportHandler {
    spec: ReportTool,
    definition: ToolDefinition,
}

impl ReportHandler {
    pub fn new(spec: ReportTool) -> ReportHandler {
        let mut schema = SchemaBuilder::new();
        for param in &spec.parameters {
            let required = spec.required.contains(param);
            match param {
                ReportParam::Customer => {
                    schema.prop(
                        "customer",
                        "string",
                        "Customer (client) name or id to run the report for, e.g. \"Acorn Construction\".",
                        required,
                    );
                }
                ReportParam::ReportingPeriod => {
                    let default = spec
                        .default_period
                        .and_then(|d| Period::ALL.iter().find(|(_, p)| *p == d))
                        .map_or(String::new(), |(n, _)| format!(" Default {n}."));
                    schema.string_enum(
                        "reporting_period",
                        &format!(
                            "The period the report covers, in whole UTC days (this_month runs from 00:00 UTC on the 1st to now; last_month is the previous calendar month); custom takes start_date and end_date.{default}"
                        ),
                        &Period::names(),
                        required,
                    );
                    for (name, lead) in [
                        ("start_date", "First day of a custom period."),
                        ("end_date", "Last day of a custom period (included)."),
                    ] {
                        schema.date(name, Kind::Day, lead, false);
                    }
                }
            }
        }
        schema.bounded_integer(
            "max_rows",
            &format!(
                "Most rows to return, 1-{MAX_ROWS_LIMIT}. Default {}.",
                spec.max_rows
            ),
            1,
            MAX_ROWS_LIMIT as i64,
        );
        schema.bounded_integer(
            "skip_rows",
            "Rows to skip before the first one returned, to see more when has_more is true. Default 0.",
            0,
            1_000_000,
        );
        let definition = ToolDefinition {
            name: spec.header.name.clone(),
            title: spec.header.title.clone(),
            description: format!(
                "{} Runs a Halo report and returns its rows as a table (columns, rows); has_more \
                 says when rows were left out.",
                spec.header.description
            ),
            input_schema: schema.build(),
            output_schema: None,
            effect: Effect::Read,
        };
        ReportHandler { spec, definition }
    }

    async fn run(&self, ctx: &CallContext, args: JsonObject) -> Result<Value, ToolError> {
        let args = crate::mcp::arguments::conform(&self.definition.input_schema, args)?;
        let mut reader = ArgReader::new(args);
        let mut client = None;
        let mut period_range = None;
        let mut filters = serde_json::Map::new();
        let mut known = vec![];
        for param in &self.spec.parameters {
            match param {
                ReportParam::Customer => {
                    known.push("customer");
                    match reader.string("customer")? {
                        Some(customer) => {
                            let found = ctx
                                .lookups
                                .resolve(&ctx.halo, LookupKind::Client, &customer)
                                .await?;
                            filters.insert(
                                "customer".into(),
                                json!({"id": found.id, "name": found.name}),
                            );
                            // Report SQL may filter on the id or the name; Halo passes both.
                            client = Some((found.id, found.name));
                        }
                        None if self.spec.required.contains(param) => {
                            return Err(missing("customer"));
                        }
                        None => {}
                    }
                }
                ReportParam::ReportingPeriod => {
                    known.extend(["reporting_period", "start_date", "end_date"]);
                    let named = reader.string("reporting_period")?;
                    let now = chrono::Utc::now();
                    let mut day = |name| -> Result<_, ToolError> {
                        Ok(match reader.string(name)? {
                            Some(text) => Some(agent_dates::parse_day(name, &text, now)?),
                            None => None,
                        })
                    };
                    let (start, end) = (day("start_date")?, day("end_date")?);
                    let chosen = match named {
                        Some(name) => {
                            Some(Period::parse(&name).map_err(ToolError::InvalidArguments)?)
                        }
                        // Dates alone mean a custom period.
                        None if start.is_some() || end.is_some() => Some(Period::Custom),
                        None => self.spec.default_period,
                    };
                    match chosen {
                        Some(p) => {
                            let range = period::range(p, start, end, now)
                                .map_err(ToolError::InvalidArguments)?;
                            period_range = Some((range.start, range.end));
                            filters.insert(
                                "period".into(),
                                json!({
                                    "name": Period::ALL.iter().find(|(_, q)| *q == p).map(|(n, _)| *n),
                                    "from": wire(range.start),
                                    "to": wire(range.end),
                                }),
                            );
                        }
                        None if self.spec.required.contains(param) => {
                            return Err(missing("reporting_period"));
                        }
                        None => {}
                    }
                }
            }
        }
        known.extend(["max_rows", "skip_rows"]);
        let max_rows = reader
            .integer("max_rows")?
            .unwrap_or(self.spec.max_rows as i64);
        if !(1..=MAX_ROWS_LIMIT as i64).contains(&max_rows) {
            return Err(ToolError::InvalidArguments(format!(
                "max_rows must be between 1 and {MAX_ROWS_LIMIT}"
            )));
        }
        let skip = reader.integer("skip_rows")?.unwrap_or(0);
        if skip < 0 {
            return Err(ToolError::InvalidArguments(
                "skip_rows must not be negative".into(),
            ));
        }
        reader.finish(&known)?;

        let id = self.report_id(ctx).await?;
        let policy = ReadPolicy {
            retry: false,
            timeout: Some(self.spec.timeout),
        };
        let run = ReportRun {
            report_id: id,
            client,
            period: period_range,
        };
        let profile = ctx
            .halo
            .run_report(&run, policy)
            .await
            .map_err(|e| match e {
                e if e.is_not_found() => ToolError::Failed(format!(
                    "Halo has no report {id} (tool {}): check report_id in the tools file.",
                    self.spec.header.name
                )),
                HaloError::ReadFailed(InFlight::Timeout(t)) => ToolError::Failed(format!(
                    "The report did not finish within {} seconds. Try a shorter period or a \
                     narrower filter; it was not retried, to spare Halo a second long run.",
                    t.as_secs()
                )),
                HaloError::ReadFailed(InFlight::ServerFailure { status: 504, .. }) => ToolError::Failed(
                    "Halo gave up running the report (504 after about a minute). Try a shorter \
                     period or a narrower filter."
                        .into(),
                ),
                other => other.into(),
            })?;
        let name = profile.name.clone().unwrap_or_default();
        let table = table(profile).map_err(|e| match e {
            TableError::LoadError(message) => ToolError::Failed(format!(
                "Halo could not run the report '{name}' (id {id}): {message}"
            )),
            TableError::Missing => ToolError::Halo(HaloError::InvalidResponse(format!(
                "report {id} came back without rows (no 'report' object)"
            ))),
        })?;
        let total = table.rows.len();
        let start = (skip as usize).min(total);
        let end = start.saturating_add(max_rows as usize).min(total);
        Ok(json!({
            "report": {"id": id, "name": name},
            "filters": Value::Object(filters),
            "columns": table.columns,
            "rows": table.rows[start..end].to_vec(),
            "row_count": total,
            "first_row": start + 1,
            "returned": end - start,
            "has_more": end < total,
        }))
    }

    /// The report's id: from the file, else found by name in Halo's report list now (Halo may be
    /// unreachable at start-up, and a renamed report should not stop the server).
    async fn report_id(&self, ctx: &CallContext) -> Result<i64, ToolError> {
        let name = match &self.spec.report {
            ReportRef::Id(id) => return Ok(*id),
            ReportRef::Name(name) => name,
        };
        let page = ctx
            .halo
            .reports(&ReportQuery {
                page: PageRequest::first(100),
                search: Some(name.clone()),
            })
            .await?;
        let reports: Vec<(i64, String)> = page
            .items
            .into_iter()
            .filter_map(|r| Some((r.id?, r.name?)))
            .collect();
        let exact: Vec<&(i64, String)> = reports
            .iter()
            .filter(|(_, n)| n.trim().eq_ignore_ascii_case(name))
            .collect();
        match (exact.as_slice(), reports.as_slice()) {
            ([(id, _)], _) => Ok(*id),
            ([], [(id, _)]) => Ok(*id),
            ([], []) => Err(ToolError::Failed(format!(
                "Halo has no report named '{name}' (tool {}): check report_name in the tools file, \
                 or that your Halo agent can see the report.",
                self.spec.header.name
            ))),
            (many, _) => {
                let listed = if many.is_empty() {
                    reports.iter().collect()
                } else {
                    many.to_vec()
                };
                Err(ToolError::Failed(format!(
                    "'{name}' matches more than one Halo report: {}. Use report_id in the tools \
                     file.",
                    listed
                        .iter()
                        .map(|(id, n)| format!("{n} (id {id})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            }
        }
    }
}

impl ToolHandler for ReportHandler {
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

#[derive(Debug, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

pub use crate::halo::records::ReportFailure as TableError;

/// A report run as a table of cells in column order: long text cut, and an unset date (Halo's
/// sentinel) no date at all.
pub fn table(profile: ReportProfile) -> Result<Table, TableError> {
    let table = profile.into_table()?;
    let rows = table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .map(|c| match row.get(c) {
                    Some(Cell::Text(s)) if crate::halo::dates::is_sentinel(s) => Value::Null,
                    Some(Cell::Text(s)) => Value::String(truncate(s, CELL_LIMIT)),
                    Some(Cell::Number(n)) => Value::Number(n.clone()),
                    Some(Cell::Bool(b)) => Value::Bool(*b),
                    Some(Cell::Null) | None => Value::Null,
                })
                .collect()
        })
        .collect();
    Ok(Table {
        columns: table.columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(profile: &Value) -> Result<Table, TableError> {
        table(crate::halo::records::decode::one(profile.clone()).unwrap())
    }

    #[test]
    fn rows_become_a_table_in_column_order() {
        let profile = json!({
            "columns": [{"name": "Service"}, {"name": "Status"}, {"name": "Unused"}],
            "report": {"loaded": true, "load_error": "", "rows": [
                {"Status": "Has", "Service": "Backup", "Extra": 1},
                {"Service": "VoIP", "Status": "Does NOT have", "Extra": "1900-01-01T00:00:00"},
            ]}
        });
        let t = table_of(&profile).unwrap();
        assert_eq!(t.columns, vec!["Service", "Status", "Extra"]);
        assert_eq!(t.rows[0], vec![json!("Backup"), json!("Has"), json!(1)]);
        assert_eq!(
            t.rows[1],
            vec![json!("VoIP"), json!("Does NOT have"), Value::Null]
        );
    }

    #[test]
    fn load_errors_and_adhoc_shapes() {
        let failed = json!({"report": {"loaded": false, "load_error": "Invalid column name 'x'.", "rows": []}});
        assert_eq!(
            table_of(&failed),
            Err(TableError::LoadError("Invalid column name 'x'.".into()))
        );
        let adhoc = json!({"rows": [{"a": 1}]});
        assert_eq!(table_of(&adhoc).unwrap().columns, vec!["a"]);
        assert_eq!(table_of(&json!({"name": "x"})), Err(TableError::Missing));
        let empty = json!({"columns": [{"name": "A"}], "report": {"rows": []}});
        assert_eq!(table_of(&empty).unwrap().columns, vec!["A"]);
    }
}
