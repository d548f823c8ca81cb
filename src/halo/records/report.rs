//! Saved reports: the list (`GET /Report`, to find a report by name) and a run
//! (`GET /Report/{id}?loadreport=true` with the report's filters), which answers with an
//! `AnalyzerProfile` whose rows are `{column: value}` objects chosen by the report's SQL
//! (halo-api.md §5). A report that failed to run is HTTP 200 with `report.load_error`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::decode::{self, Record, Records};
use crate::halo::client::ReadPolicy;
use crate::halo::{HaloError, HaloSession, PageRequest};

/// A report as Halo's report list shows it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSummary {
    #[serde(default, deserialize_with = "decode::int")]
    pub id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Record for ReportSummary {
    const ENTITY: &'static str = "report";
}

/// A report-list search.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub page: PageRequest,
    /// Words in report names.
    pub search: Option<String>,
}

impl ReportQuery {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(search) = &self.search {
            query.push(("search", search.clone()));
        }
        query.extend(self.page.pairs());
        query
    }
}

/// One run of a saved report with the filters its SQL may use.
#[derive(Debug, Clone)]
pub struct ReportRun {
    pub report_id: i64,
    /// The customer (client) id and name; Halo passes both to the SQL, which uses either.
    pub client: Option<(i64, String)>,
    /// The reporting period, start inclusive, end exclusive.
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl ReportRun {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("loadreport", "true".to_string())];
        if let Some((id, name)) = &self.client {
            query.push(("client_id", id.to_string()));
            query.push(("clientname", name.clone()));
        }
        if let Some((start, end)) = self.period {
            query.push(("reportingperiodstartdate", crate::halo::dates::wire(start)));
            query.push(("reportingperiodenddate", crate::halo::dates::wire(end)));
        }
        query
    }
}

/// A report's run: its name, declared columns and rows (`AnalyzerProfile`).
#[derive(Debug, Clone, Deserialize)]
pub struct ReportProfile {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    columns: Option<Vec<Column>>,
    #[serde(default)]
    available_columns: Option<Vec<Column>>,
    #[serde(default)]
    report: Option<ReportContent>,
    /// Where ad-hoc SQL runs put their rows.
    #[serde(default)]
    rows: Option<Vec<Row>>,
}

impl Record for ReportProfile {
    const ENTITY: &'static str = "report";
}

/// `ReportContent`: the rows, or why there are none.
#[derive(Debug, Clone, Deserialize)]
struct ReportContent {
    #[serde(default)]
    load_error: Option<String>,
    #[serde(default)]
    rows: Option<Vec<Row>>,
}

/// A declared column: a bare name or an `AnalyzerProfileColumn` object.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Column {
    Name(String),
    Described {
        #[serde(default)]
        name: Option<String>,
    },
}

impl Column {
    fn name(&self) -> Option<&str> {
        match self {
            Column::Name(name) => Some(name),
            Column::Described { name } => name.as_deref(),
        }
    }
}

/// One cell of a report row: what SQL can select.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Cell, D::Error> {
        struct CellVisitor;
        impl Visitor<'_> for CellVisitor {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a report cell (text, a number, true/false or null)")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
                serde_json::Number::from_f64(v)
                    .map(Cell::Number)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
                Ok(Cell::Text(v))
            }
        }
        deserializer.deserialize_any(CellVisitor)
    }
}

/// One report row: column name to cell, in the order Halo's JSON gave them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row(Vec<(String, Cell)>);

impl Row {
    pub fn get(&self, column: &str) -> Option<&Cell> {
        self.0
            .iter()
            .find(|(c, _)| c == column)
            .map(|(_, cell)| cell)
    }

    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(c, _)| c.as_str())
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Row, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a report row (an object of column name to value)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut cells: Vec<(String, Cell)> = Vec::new();
                while let Some((column, cell)) = map.next_entry::<String, Cell>()? {
                    match cells.iter_mut().find(|(c, _)| *c == column) {
                        // Like any JSON reader, the last of repeated keys wins.
                        Some(existing) => existing.1 = cell,
                        None => cells.push((column, cell)),
                    }
                }
                Ok(Row(cells))
            }
        }
        deserializer.deserialize_map(RowVisitor)
    }
}

/// A report's rows, with its columns: the declared ones the rows carry, then any others in the
/// order the rows show them.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// Why a run has no table.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportFailure {
    /// Halo could not run the report's SQL; its message.
    LoadError(String),
    /// The answer holds no rows at all (no `report` object).
    Missing,
}

impl ReportProfile {
    /// The rows of a run, at `report.rows` (saved reports) or at `rows` (ad-hoc SQL runs).
    pub fn into_table(self) -> Result<ReportTable, ReportFailure> {
        let content = self.report;
        if let Some(error) = content.as_ref().and_then(|r| decode::text(&r.load_error)) {
            return Err(ReportFailure::LoadError(error));
        }
        let rows = content
            .and_then(|r| r.rows)
            .or(self.rows)
            .ok_or(ReportFailure::Missing)?;
        let mut columns: Vec<String> = [self.columns, self.available_columns]
            .into_iter()
            .flatten()
            .find(|cols| !cols.is_empty())
            .map(|cols| {
                cols.iter()
                    .filter_map(|c| c.name().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(first) = rows.first() {
            columns.retain(|c| first.get(c).is_some());
        }
        for row in &rows {
            for column in row.columns() {
                if !columns.iter().any(|c| c == column) {
                    columns.push(column.to_string());
                }
            }
        }
        Ok(ReportTable { columns, rows })
    }
}

impl HaloSession {
    /// One page of the reports the agent can see.
    pub async fn reports(&self, query: &ReportQuery) -> Result<Records<ReportSummary>, HaloError> {
        self.read_list("Report", "reports", &query.pairs()).await
    }

    /// Runs a saved report; `policy` because report runs are long and not worth repeating.
    pub async fn run_report(
        &self,
        run: &ReportRun,
        policy: ReadPolicy,
    ) -> Result<ReportProfile, HaloError> {
        self.read(&format!("Report/{}", run.report_id), &run.pairs(), policy)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn profile(value: serde_json::Value) -> ReportProfile {
        decode::one(value).unwrap()
    }

    #[test]
    fn rows_hold_typed_cells_and_unknown_fields_are_ignored() {
        let p = profile(json!({
            "id": 7, "name": "Whitespace", "sql": "SELECT ...", "filters": [],
            "columns": [{"name": "Service", "data_type": 0}, "Count", {"data_type": 1}],
            "report": {"loaded": true, "load_error": " ", "chart_labels": [], "rows": [
                {"Service": "Backup", "Count": 3, "Ratio": 0.5, "Active": true, "Closed": null},
            ]}
        }));
        assert_eq!(p.name.as_deref(), Some("Whitespace"));
        let t = p.into_table().unwrap();
        assert_eq!(t.columns[..2], ["Service", "Count"]);
        assert_eq!(t.columns.len(), 5);
        let row = &t.rows[0];
        assert_eq!(row.get("Service"), Some(&Cell::Text("Backup".into())));
        assert_eq!(row.get("Count"), Some(&Cell::Number(3.into())));
        assert_eq!(
            row.get("Ratio"),
            Some(&Cell::Number(serde_json::Number::from_f64(0.5).unwrap()))
        );
        assert_eq!(row.get("Active"), Some(&Cell::Bool(true)));
        assert_eq!(row.get("Closed"), Some(&Cell::Null));
        assert_eq!(row.get("Nope"), None);
    }

    #[test]
    fn load_errors_missing_rows_and_adhoc_runs() {
        let failed = profile(json!({"report": {"load_error": "Invalid column name 'x'."}}));
        assert_eq!(
            failed.into_table(),
            Err(ReportFailure::LoadError("Invalid column name 'x'.".into()))
        );
        assert_eq!(
            profile(json!({"name": "x"})).into_table(),
            Err(ReportFailure::Missing)
        );
        let adhoc = profile(json!({"available_columns": [{"name": "a"}], "rows": [{"a": 1}]}));
        assert_eq!(adhoc.into_table().unwrap().columns, ["a"]);
    }

    #[test]
    fn a_cell_or_field_of_the_wrong_type_names_the_report_and_the_field() {
        for (bad, field) in [
            (
                json!({"report": {"rows": [{"A": 1}, {"A": {"nested": 1}}]}}),
                "report.rows[1].A",
            ),
            (json!({"report": {"rows": [[1, 2]]}}), "report.rows[0]"),
            (json!({"columns": [3]}), "columns[0]"),
            (
                json!({"report": {"load_error": false}}),
                "report.load_error",
            ),
        ] {
            match decode::one::<ReportProfile>(bad) {
                Err(HaloError::InvalidResponse(m)) => {
                    assert!(m.starts_with(&format!("report field '{field}'")), "{m}")
                }
                other => panic!("{other:?}"),
            }
        }
        match decode::one::<ReportSummary>(json!({"id": "seven"})) {
            Err(HaloError::InvalidResponse(m)) => {
                assert!(m.starts_with("report field 'id'"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn runs_and_searches_ask_for_what_the_tools_need() {
        let run = ReportRun {
            report_id: 7,
            client: Some((12, "Acorn".into())),
            period: Some((
                Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            )),
        };
        let pairs = run.pairs();
        for pair in [
            ("loadreport", "true"),
            ("client_id", "12"),
            ("clientname", "Acorn"),
            ("reportingperiodstartdate", "2026-10-01T00:00:00Z"),
            ("reportingperiodenddate", "2026-11-01T00:00:00Z"),
        ] {
            assert!(pairs.contains(&(pair.0, pair.1.to_string())), "{pair:?}");
        }
        let bare = ReportRun {
            report_id: 7,
            client: None,
            period: None,
        };
        assert_eq!(bare.pairs(), [("loadreport", "true".to_string())]);
        let search = ReportQuery {
            page: PageRequest::first(100),
            search: Some("SLA".into()),
        }
        .pairs();
        assert!(search.contains(&("search", "SLA".to_string())));
        assert!(search.contains(&("page_size", "100".to_string())));
    }
}
