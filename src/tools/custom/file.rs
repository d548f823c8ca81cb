//! The tools file: the admin's custom tools, in TOML or JSON (chosen by the file extension),
//! parsed strictly (unknown keys are errors, so a typo cannot silently drop a setting) and then
//! validated into [`CustomTools`]. Every problem names the file, the entry and what is wrong,
//! because it stops start-up and the admin has only the log to go on.
//!
//! The format is documented in `docs/custom-tools.md`; `tools/example-tools.toml` shows every key.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::period::Period;
use crate::mcp::Effect;
use crate::mcp::schema::is_valid_tool_name;

/// Rows a report tool returns when neither the file nor the caller says otherwise.
pub const DEFAULT_MAX_ROWS: u32 = 200;
/// The most rows one call may return (the model's context is the limit, not Halo).
pub const MAX_ROWS_LIMIT: u32 = 2000;
/// Halo's gateway gives up on a report after about 60 seconds.
pub const DEFAULT_REPORT_TIMEOUT_SECS: u64 = 65;
/// Azure Functions answers 504 after 230 seconds on HTTP triggers: stay under it.
pub const MAX_TIMEOUT_SECS: u64 = 200;
/// How long an automation tool waits for its runbook by default, and at most.
pub const DEFAULT_WAIT_SECS: u64 = 30;
pub const MAX_WAIT_SECS: u64 = 120;

// ---------------------------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[serde(default)]
    pub report_tools: Vec<RawReportTool>,
    #[serde(default)]
    pub create_ticket_tools: Vec<RawCreateTool>,
    #[serde(default)]
    pub automation_tools: Vec<RawAutomationTool>,
}

/// A number or a name; Halo records can be named either way in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum IdOrName {
    Id(i64),
    Name(String),
}

impl IdOrName {
    /// The text lookups accept (an id is matched as an id).
    pub fn as_lookup(&self) -> String {
        match self {
            IdOrName::Id(id) => id.to_string(),
            IdOrName::Name(name) => name.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReportTool {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub report_id: Option<i64>,
    pub report_name: Option<String>,
    #[serde(default)]
    pub parameters: Vec<String>,
    #[serde(default)]
    pub required: Vec<String>,
    pub default_period: Option<String>,
    pub max_rows: Option<u32>,
    pub timeout_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCreateTool {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub ticket_type: IdOrName,
    pub template_id: Option<i64>,
    pub fields: Vec<String>,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub defaults: RawDefaults,
}

/// Fixed values for a bound create-ticket tool; the model can override only those also listed
/// in `fields`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub summary: Option<String>,
    pub details: Option<String>,
    pub customer: Option<IdOrName>,
    pub site: Option<IdOrName>,
    pub end_user: Option<IdOrName>,
    pub agent: Option<IdOrName>,
    pub team: Option<String>,
    pub priority: Option<IdOrName>,
    pub status: Option<IdOrName>,
    pub category: Option<String>,
    pub service: Option<IdOrName>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAutomationTool {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub runbook_id: Option<String>,
    pub runbook_name: Option<String>,
    #[serde(default)]
    pub inputs: Vec<RawInput>,
    pub wait_seconds: Option<u64>,
    pub inputs_key: Option<String>,
    pub effect: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: String,
    #[serde(default)]
    pub required: bool,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<String>>,
    /// The allowed values of a `type = "enum"` input (`enum = [...]` on a string says the same).
    pub values: Option<Vec<String>>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub halo_name: Option<String>,
    pub resolve: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The validated tools.

#[derive(Debug, Clone, Default)]
pub struct CustomTools {
    pub reports: Vec<ReportTool>,
    pub creates: Vec<CreateTool>,
    pub automations: Vec<AutomationTool>,
}

/// What every custom tool has.
#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportRef {
    Id(i64),
    Name(String),
}

/// Report filters a tool can offer the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportParam {
    /// `customer` (name or id) → `client_id` and `clientname`.
    Customer,
    /// `reporting_period`, `start_date`, `end_date` → `reportingperiodstartdate`/`enddate`.
    ReportingPeriod,
}

impl ReportParam {
    pub const ALL: &[(&'static str, ReportParam)] = &[
        ("customer", ReportParam::Customer),
        ("reporting_period", ReportParam::ReportingPeriod),
    ];

    pub fn key(self) -> &'static str {
        match self {
            ReportParam::Customer => "customer",
            ReportParam::ReportingPeriod => "reporting_period",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReportTool {
    pub header: Header,
    pub report: ReportRef,
    pub parameters: Vec<ReportParam>,
    pub required: Vec<ReportParam>,
    pub default_period: Option<Period>,
    pub max_rows: u32,
    pub timeout: Duration,
}

pub use crate::tools::ticket_fields::TicketField;

#[derive(Debug, Clone)]
pub struct CreateTool {
    pub header: Header,
    pub ticket_type: IdOrName,
    pub template_id: Option<i64>,
    /// What the model may fill, in the file's order.
    pub fields: Vec<TicketField>,
    pub required: Vec<TicketField>,
    /// Fixed values, used when the model does not (or may not) give the field.
    pub defaults: Vec<(TicketField, IdOrName)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    String,
    Integer,
    Number,
    Boolean,
    /// A calendar date, in the forms `mcp::agent_dates` accepts; sent on as `YYYY-MM-DD`.
    Date,
    /// An e-mail address (JSON Schema `format: email`).
    Email,
}

impl InputType {
    pub fn json_type(self) -> &'static str {
        match self {
            InputType::String | InputType::Date | InputType::Email => "string",
            InputType::Integer => "integer",
            InputType::Number => "number",
            InputType::Boolean => "boolean",
        }
    }

    /// The JSON Schema `format` advertised (and checked) for the type.
    pub fn format(self) -> Option<&'static str> {
        match self {
            InputType::Date => crate::mcp::agent_dates::Kind::Day.schema_format(),
            InputType::Email => Some("email"),
            _ => None,
        }
    }
}

/// Halo records an automation input may name, resolved to an id before the runbook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolve {
    Customer,
    EndUser,
    Agent,
}

#[derive(Debug, Clone)]
pub struct AutomationInput {
    pub name: String,
    pub kind: InputType,
    pub description: String,
    pub required: bool,
    pub allowed: Option<Vec<String>>,
    /// Longest text accepted (string, date and e-mail inputs).
    pub max_length: Option<u64>,
    /// A regular expression the whole text must match (string and e-mail inputs).
    pub pattern: Option<String>,
    /// The input's name in the body sent to Halo.
    pub halo_name: String,
    pub resolve: Option<Resolve>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookRef {
    Id(String),
    Name(String),
}

#[derive(Debug, Clone)]
pub struct AutomationTool {
    pub header: Header,
    pub runbook: RunbookRef,
    pub inputs: Vec<AutomationInput>,
    pub wait: Duration,
    /// Send the inputs as `{"<key>": {...}}` instead of a flat object.
    pub inputs_key: Option<String>,
    pub effect: Effect,
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// A problem with the tools file; its text is what start-up prints.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ToolsFileError {
    #[error("tools file {file}: cannot read it: {problem}")]
    Unreadable { file: String, problem: String },
    #[error("tools file {file}: {problem}")]
    Syntax { file: String, problem: String },
    #[error("tools file {file}: {entry}: {problem}")]
    Entry {
        file: String,
        entry: String,
        problem: String,
    },
}

// ---------------------------------------------------------------------------------------------
// Loading.

/// The formats the file may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// By extension: `.json` is JSON, `.toml` is TOML; anything else is refused so a YAML
    /// file is not half-read as TOML.
    pub fn of(path: &Path) -> Result<Format, String> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("toml") => Ok(Format::Toml),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!(
                "unsupported extension '.{other}': write the file as TOML (.toml) or JSON (.json)"
            )),
            None => Err("the file name needs a .toml or .json extension".into()),
        }
    }
}

/// Reads and validates the file at `path`. `reserved` are the system tools' names.
pub fn load(path: &Path, reserved: &[String]) -> Result<CustomTools, ToolsFileError> {
    let file = path.display().to_string();
    let format = Format::of(path).map_err(|problem| ToolsFileError::Unreadable {
        file: file.clone(),
        problem,
    })?;
    let text = std::fs::read_to_string(path).map_err(|e| ToolsFileError::Unreadable {
        file: file.clone(),
        problem: e.to_string(),
    })?;
    parse(&file, format, &text, reserved)
}

/// Parses and validates file text; `file` names it in errors.
pub fn parse(
    file: &str,
    format: Format,
    text: &str,
    reserved: &[String],
) -> Result<CustomTools, ToolsFileError> {
    let syntax = |problem: String| ToolsFileError::Syntax {
        file: file.to_string(),
        problem,
    };
    let raw: RawFile = match format {
        Format::Toml => toml::from_str(text).map_err(|e| syntax(toml_error(&e, text)))?,
        Format::Json => serde_json::from_str(text).map_err(|e| syntax(e.to_string()))?,
    };
    validate(file, raw, reserved)
}

/// toml's message spans several lines with a source excerpt; keep it to one line with the
/// position, which is what a log line can show.
fn toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

fn validate(file: &str, raw: RawFile, reserved: &[String]) -> Result<CustomTools, ToolsFileError> {
    let mut names = Names {
        seen: reserved
            .iter()
            .map(|n| (n.clone(), "a system tool".to_string()))
            .collect(),
    };
    let mut out = CustomTools::default();
    for (i, tool) in raw.report_tools.into_iter().enumerate() {
        let entry = format!("report_tools[{i}] '{}'", tool.name);
        let err = |problem: String| ToolsFileError::Entry {
            file: file.to_string(),
            entry: entry.clone(),
            problem,
        };
        names.claim(&tool.name, &entry).map_err(err)?;
        out.reports.push(report_tool(tool).map_err(err)?);
    }
    for (i, tool) in raw.create_ticket_tools.into_iter().enumerate() {
        let entry = format!("create_ticket_tools[{i}] '{}'", tool.name);
        let err = |problem: String| ToolsFileError::Entry {
            file: file.to_string(),
            entry: entry.clone(),
            problem,
        };
        names.claim(&tool.name, &entry).map_err(err)?;
        out.creates.push(create_tool(tool).map_err(err)?);
    }
    for (i, tool) in raw.automation_tools.into_iter().enumerate() {
        let entry = format!("automation_tools[{i}] '{}'", tool.name);
        let err = |problem: String| ToolsFileError::Entry {
            file: file.to_string(),
            entry: entry.clone(),
            problem,
        };
        names.claim(&tool.name, &entry).map_err(err)?;
        out.automations.push(automation_tool(tool).map_err(err)?);
    }
    Ok(out)
}

/// Tool names seen so far, and who has each.
struct Names {
    seen: Vec<(String, String)>,
}

impl Names {
    fn claim(&mut self, name: &str, entry: &str) -> Result<(), String> {
        if !is_valid_tool_name(name) {
            return Err("name must be 1-64 characters of letters, digits, '_' or '-'".into());
        }
        if let Some((_, owner)) = self.seen.iter().find(|(n, _)| n == name) {
            return Err(format!("the name '{name}' is already used by {owner}"));
        }
        self.seen.push((name.to_string(), entry.to_string()));
        Ok(())
    }
}

fn header(name: String, title: Option<String>, description: String) -> Result<Header, String> {
    let description = description.trim().to_string();
    if description.is_empty() {
        return Err("description must not be empty (the model picks tools by it)".into());
    }
    let title = match title.map(|t| t.trim().to_string()) {
        Some(t) if t.is_empty() => return Err("title must not be empty when given".into()),
        Some(t) => t,
        None => name.replace('_', " "),
    };
    Ok(Header {
        name,
        title,
        description,
    })
}

fn report_tool(raw: RawReportTool) -> Result<ReportTool, String> {
    let header = header(raw.name, raw.title, raw.description)?;
    let report = match (raw.report_id, raw.report_name) {
        (Some(id), None) if id > 0 => ReportRef::Id(id),
        (Some(id), None) => return Err(format!("report_id must be positive, not {id}")),
        (None, Some(name)) if !name.trim().is_empty() => ReportRef::Name(name.trim().into()),
        (None, Some(_)) => return Err("report_name must not be empty".into()),
        (Some(_), Some(_)) => {
            return Err("give report_id or report_name, not both".into());
        }
        (None, None) => return Err("give the Halo report as report_id or report_name".into()),
    };
    let known = || {
        ReportParam::ALL
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parameters = Vec::new();
    for key in &raw.parameters {
        let param = ReportParam::ALL
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                format!(
                    "unknown parameter '{key}' (report parameters are: {})",
                    known()
                )
            })?;
        if parameters.contains(&param) {
            return Err(format!("parameter '{key}' is listed twice"));
        }
        parameters.push(param);
    }
    let mut required = Vec::new();
    for key in &raw.required {
        let param = parameters
            .iter()
            .copied()
            .find(|p| p.key() == key)
            .ok_or_else(|| format!("required names '{key}', which is not in parameters"))?;
        required.push(param);
    }
    let default_period = match raw.default_period {
        None => None,
        Some(text) => {
            if !parameters.contains(&ReportParam::ReportingPeriod) {
                return Err("default_period needs 'reporting_period' in parameters".to_string());
            }
            let period = Period::parse(&text)?;
            if period == Period::Custom {
                return Err(
                    "default_period cannot be 'custom' (it needs dates from the caller)".into(),
                );
            }
            Some(period)
        }
    };
    let max_rows = raw.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
    if max_rows == 0 || max_rows > MAX_ROWS_LIMIT {
        return Err(format!(
            "max_rows must be between 1 and {MAX_ROWS_LIMIT}, not {max_rows}"
        ));
    }
    let timeout = seconds(
        "timeout_seconds",
        raw.timeout_seconds,
        DEFAULT_REPORT_TIMEOUT_SECS,
        MAX_TIMEOUT_SECS,
    )?;
    Ok(ReportTool {
        header,
        report,
        parameters,
        required,
        default_period,
        max_rows,
        timeout,
    })
}

fn seconds(key: &str, value: Option<u64>, default: u64, max: u64) -> Result<Duration, String> {
    let secs = value.unwrap_or(default);
    if secs == 0 || secs > max {
        return Err(format!("{key} must be between 1 and {max}, not {secs}"));
    }
    Ok(Duration::from_secs(secs))
}

fn create_tool(raw: RawCreateTool) -> Result<CreateTool, String> {
    let header = header(raw.name, raw.title, raw.description)?;
    if let IdOrName::Name(name) = &raw.ticket_type
        && name.trim().is_empty()
    {
        return Err("ticket_type must not be empty".into());
    }
    if let Some(id) = raw.template_id
        && id <= 0
    {
        return Err(format!("template_id must be positive, not {id}"));
    }
    let known = || {
        TicketField::ALL
            .iter()
            .map(|f| f.key())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fields = Vec::new();
    for key in &raw.fields {
        let field = TicketField::parse(key)
            .ok_or_else(|| format!("unknown field '{key}' (fields are: {})", known()))?;
        if fields.contains(&field) {
            return Err(format!("field '{key}' is listed twice"));
        }
        fields.push(field);
    }
    let mut required = Vec::new();
    for key in &raw.required {
        let field = fields
            .iter()
            .copied()
            .find(|f| f.key() == key)
            .ok_or_else(|| format!("required names '{key}', which is not in fields"))?;
        required.push(field);
    }
    let d = raw.defaults;
    let text = |v: Option<String>| v.map(IdOrName::Name);
    let defaults: Vec<(TicketField, IdOrName)> = [
        (TicketField::Summary, text(d.summary)),
        (TicketField::Details, text(d.details)),
        (TicketField::Customer, d.customer),
        (TicketField::Site, d.site),
        (TicketField::EndUser, d.end_user),
        (TicketField::Agent, d.agent),
        (TicketField::Team, text(d.team)),
        (TicketField::Priority, d.priority),
        (TicketField::Status, d.status),
        (TicketField::Category, text(d.category)),
        (TicketField::Service, d.service),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.map(|v| (f, v)))
    .collect();
    for (field, value) in &defaults {
        if matches!(value, IdOrName::Name(n) if n.trim().is_empty()) {
            return Err(format!("defaults.{} must not be empty", field.key()));
        }
    }
    // Halo needs a summary; a tool that can neither take nor fix one cannot create anything.
    let has = |f: TicketField| fields.contains(&f) || defaults.iter().any(|(d, _)| *d == f);
    if !has(TicketField::Summary) {
        return Err(
            "the ticket needs a summary: list 'summary' in fields or set defaults.summary".into(),
        );
    }
    Ok(CreateTool {
        header,
        ticket_type: raw.ticket_type,
        template_id: raw.template_id,
        fields,
        required,
        defaults,
    })
}

/// Input names that would clash with a tool argument or are not plain identifiers.
fn valid_input_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn automation_tool(raw: RawAutomationTool) -> Result<AutomationTool, String> {
    let header = header(raw.name, raw.title, raw.description)?;
    let runbook = match (raw.runbook_id, raw.runbook_name) {
        (Some(id), None) => {
            let id = id.trim().to_string();
            // Halo's OpenAPI document types runbookId as a GUID.
            if uuid::Uuid::parse_str(&id).is_err() {
                return Err(format!(
                    "runbook_id '{id}' is not a GUID (Halo runbook ids are GUIDs)"
                ));
            }
            RunbookRef::Id(id)
        }
        (None, Some(name)) if !name.trim().is_empty() => RunbookRef::Name(name.trim().into()),
        (None, Some(_)) => return Err("runbook_name must not be empty".into()),
        (Some(_), Some(_)) => return Err("give runbook_id or runbook_name, not both".into()),
        (None, None) => {
            return Err("give the Halo runbook as runbook_id or runbook_name".into());
        }
    };
    let mut inputs: Vec<AutomationInput> = Vec::new();
    let mut seen = HashSet::new();
    for input in raw.inputs {
        let name = input.name.trim().to_string();
        if !valid_input_name(&name) {
            return Err(format!(
                "input '{name}': names start with a letter and use letters, digits and '_'"
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(format!("input '{name}' is declared twice"));
        }
        let description = input.description.trim().to_string();
        if description.is_empty() {
            return Err(format!("input '{name}': description must not be empty"));
        }
        let resolve = match input.resolve.as_deref() {
            None => None,
            Some("customer") => Some(Resolve::Customer),
            Some("end_user") => Some(Resolve::EndUser),
            Some("agent") => Some(Resolve::Agent),
            Some(other) => {
                return Err(format!(
                    "input '{name}': unknown resolve '{other}' (use customer, end_user or agent)"
                ));
            }
        };
        let kind = match (input.kind.as_deref(), resolve) {
            // A resolved input takes a name or an id from the model and sends Halo the id.
            (None | Some("string"), Some(_)) => InputType::String,
            (Some(other), Some(_)) => {
                return Err(format!(
                    "input '{name}': an input with resolve takes a name or id, so its type must be string, not '{other}'"
                ));
            }
            (None | Some("string" | "enum"), None) => InputType::String,
            (Some("integer"), None) => InputType::Integer,
            (Some("number"), None) => InputType::Number,
            (Some("boolean"), None) => InputType::Boolean,
            (Some("date"), None) => InputType::Date,
            (Some("email"), None) => InputType::Email,
            (Some(other), None) => {
                return Err(format!(
                    "input '{name}': unknown type '{other}' (use string, integer, number, \
                     boolean, date, email or enum)"
                ));
            }
        };
        let is_enum_type = input.kind.as_deref() == Some("enum");
        let allowed = match (input.allowed, input.values) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "input '{name}': give the allowed values once, as values"
                ));
            }
            (None, None) if is_enum_type => {
                return Err(format!(
                    "input '{name}': type enum needs values = [\"...\", ...]"
                ));
            }
            (Some(_), None) | (None, Some(_))
                if !is_enum_type
                    && input.kind.is_some()
                    && input.kind.as_deref() != Some("string") =>
            {
                return Err(format!(
                    "input '{name}': enum is only for plain string inputs"
                ));
            }
            (a, v) => a.or(v),
        };
        let text_like = matches!(kind, InputType::String | InputType::Email | InputType::Date);
        if let Some(max) = input.max_length
            && (!text_like || max == 0)
        {
            return Err(format!(
                "input '{name}': max_length is a positive number of characters, for string, \
                 date and email inputs"
            ));
        }
        if let Some(pattern) = &input.pattern {
            if !matches!(kind, InputType::String | InputType::Email) || allowed.is_some() {
                return Err(format!(
                    "input '{name}': pattern is only for string and email inputs"
                ));
            }
            if let Err(e) = regex::Regex::new(pattern) {
                return Err(format!(
                    "input '{name}': pattern is not a valid regular expression ({e})"
                ));
            }
        }
        if let Some(values) = &allowed {
            if kind != InputType::String || resolve.is_some() {
                return Err(format!(
                    "input '{name}': enum is only for plain string inputs"
                ));
            }
            if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
                return Err(format!("input '{name}': enum needs non-empty values"));
            }
        }
        let halo_name = input
            .halo_name
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|| name.clone());
        if halo_name.is_empty() {
            return Err(format!("input '{name}': halo_name must not be empty"));
        }
        inputs.push(AutomationInput {
            name,
            kind,
            description,
            required: input.required,
            allowed,
            max_length: input.max_length,
            pattern: input.pattern,
            halo_name,
            resolve,
        });
    }
    let wait = seconds(
        "wait_seconds",
        raw.wait_seconds,
        DEFAULT_WAIT_SECS,
        MAX_WAIT_SECS,
    )?;
    let inputs_key = match raw.inputs_key.map(|k| k.trim().to_string()) {
        Some(k) if k.is_empty() => return Err("inputs_key must not be empty when given".into()),
        other => other,
    };
    let effect = match raw.effect.as_deref() {
        None | Some("update") => Effect::Update,
        Some("read") => Effect::Read,
        Some("add") => Effect::Add,
        Some("update_idempotent") => Effect::UpdateIdempotent,
        Some(other) => {
            return Err(format!(
                "unknown effect '{other}' (use read, add, update_idempotent or update)"
            ));
        }
    };
    Ok(AutomationTool {
        header,
        runbook,
        inputs,
        wait,
        inputs_key,
        effect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reserved() -> Vec<String> {
        vec!["search_tickets".into(), "create_ticket".into()]
    }

    fn toml_err(text: &str) -> String {
        parse("tools/x.toml", Format::Toml, text, &reserved())
            .unwrap_err()
            .to_string()
    }

    const REPORT: &str = r#"
[[report_tools]]
name = "CF_Missed_SLA_By_Technician_Monthly_Report"
description = "Missed SLAs"
report_id = 2
parameters = ["reporting_period", "customer"]
required = ["customer"]
default_period = "last_month"
max_rows = 50
"#;

    #[test]
    fn a_full_file_validates() {
        let text = format!(
            "{REPORT}{}",
            r#"
[[create_ticket_tools]]
name = "create_opportunity"
description = "Log a sales opportunity"
ticket_type = "Opportunity"
template_id = 4
fields = ["summary", "details", "customer", "end_user"]
required = ["summary", "customer"]
defaults = { team = "Sales", priority = 4 }

[[automation_tools]]
name = "reset_password"
description = "Reset a password"
runbook_id = "5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a01"
wait_seconds = 20
inputs = [
  { name = "user", description = "End user", required = true, resolve = "end_user", halo_name = "user_id" },
  { name = "ticket_id", type = "integer", description = "Ticket" },
]
"#
        );
        let tools = parse("x.toml", Format::Toml, &text, &reserved()).unwrap();
        let r = &tools.reports[0];
        assert_eq!(r.header.name, "CF_Missed_SLA_By_Technician_Monthly_Report");
        assert_eq!(r.header.title, "CF Missed SLA By Technician Monthly Report");
        assert_eq!(r.report, ReportRef::Id(2));
        assert_eq!(r.required, vec![ReportParam::Customer]);
        assert_eq!(r.default_period, Some(Period::LastMonth));
        assert_eq!(r.max_rows, 50);
        let c = &tools.creates[0];
        assert_eq!(c.ticket_type, IdOrName::Name("Opportunity".into()));
        assert!(
            c.defaults
                .contains(&(TicketField::Priority, IdOrName::Id(4)))
        );
        let a = &tools.automations[0];
        assert_eq!(a.inputs[0].halo_name, "user_id");
        assert_eq!(a.inputs[0].resolve, Some(Resolve::EndUser));
        assert_eq!(a.inputs[1].kind, InputType::Integer);
        assert_eq!(a.wait, Duration::from_secs(20));
        assert_eq!(a.effect, Effect::Update);
    }

    #[test]
    fn json_is_accepted() {
        let text =
            r#"{"report_tools": [{"name": "R", "description": "d", "report_name": "Whitespace"}]}"#;
        let tools = parse("x.json", Format::Json, text, &reserved()).unwrap();
        assert_eq!(
            tools.reports[0].report,
            ReportRef::Name("Whitespace".into())
        );
        assert_eq!(tools.reports[0].max_rows, DEFAULT_MAX_ROWS);
    }

    #[test]
    fn bad_names_name_the_file_and_entry() {
        let text = r#"
[[report_tools]]
name = "Good"
description = "d"
report_id = 1
[[report_tools]]
name = "Bad Name!"
description = "d"
report_id = 1
"#;
        assert_eq!(
            toml_err(text),
            "tools file tools/x.toml: report_tools[1] 'Bad Name!': name must be 1-64 characters of letters, digits, '_' or '-'"
        );
        let long = format!(
            "[[report_tools]]\nname = \"{}\"\ndescription = \"d\"\nreport_id = 1\n",
            "x".repeat(65)
        );
        assert!(toml_err(&long).contains("name must be 1-64"));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let text = r#"
[[report_tools]]
name = "search_tickets"
description = "d"
report_id = 1
"#;
        assert_eq!(
            toml_err(text),
            "tools file tools/x.toml: report_tools[0] 'search_tickets': the name 'search_tickets' is already used by a system tool"
        );
        let text = r#"
[[report_tools]]
name = "Twice"
description = "d"
report_id = 1
[[automation_tools]]
name = "Twice"
description = "d"
runbook_name = "x"
"#;
        assert!(
            toml_err(text).ends_with(
                "automation_tools[0] 'Twice': the name 'Twice' is already used by report_tools[0] 'Twice'"
            ),
            "{}",
            toml_err(text)
        );
    }

    #[test]
    fn report_entries_are_checked() {
        let base = "[[report_tools]]\nname = \"R\"\ndescription = \"d\"\n";
        let cases = [
            (
                "report_id = 1\nparameters = [\"site\"]",
                "unknown parameter 'site' (report parameters are: customer, reporting_period)",
            ),
            ("", "give the Halo report as report_id or report_name"),
            (
                "report_id = 1\nreport_name = \"x\"",
                "give report_id or report_name, not both",
            ),
            ("report_id = 0", "report_id must be positive, not 0"),
            (
                "report_id = 1\nrequired = [\"customer\"]",
                "required names 'customer', which is not in parameters",
            ),
            (
                "report_id = 1\nmax_rows = 0",
                "max_rows must be between 1 and 2000, not 0",
            ),
            (
                "report_id = 1\ndefault_period = \"last_month\"",
                "default_period needs 'reporting_period' in parameters",
            ),
            (
                "report_id = 1\nparameters = [\"reporting_period\"]\ndefault_period = \"fortnight\"",
                "unknown reporting period 'fortnight'",
            ),
            (
                "report_id = 1\ntimeout_seconds = 999",
                "timeout_seconds must be between 1 and 200, not 999",
            ),
        ];
        for (extra, expected) in cases {
            let message = toml_err(&format!("{base}{extra}\n"));
            assert!(
                message.starts_with("tools file tools/x.toml: report_tools[0] 'R': ")
                    && message.contains(expected),
                "{extra}: {message}"
            );
        }
        let blank =
            toml_err("[[report_tools]]\nname = \"R\"\ndescription = \" \"\nreport_id = 1\n");
        assert!(blank.contains("description must not be empty"), "{blank}");
    }

    #[test]
    fn create_entries_are_checked() {
        let base = "[[create_ticket_tools]]\nname = \"C\"\ndescription = \"d\"\nticket_type = \"Opportunity\"\n";
        let cases = [
            (
                "fields = [\"summary\", \"colour\"]",
                "unknown field 'colour' (fields are: summary, details",
            ),
            ("fields = [\"details\"]", "the ticket needs a summary"),
            (
                "fields = [\"summary\"]\nrequired = [\"details\"]",
                "required names 'details', which is not in fields",
            ),
            (
                "fields = [\"summary\"]\ntemplate_id = -1",
                "template_id must be positive",
            ),
            (
                "fields = [\"summary\"]\ndefaults = { team = \"\" }",
                "defaults.team must not be empty",
            ),
        ];
        for (extra, expected) in cases {
            let message = toml_err(&format!("{base}{extra}\n"));
            assert!(
                message.starts_with("tools file tools/x.toml: create_ticket_tools[0] 'C': ")
                    && message.contains(expected),
                "{extra}: {message}"
            );
        }
        // Unknown default keys are caught by the parser, with the line.
        let message = toml_err(&format!(
            "{base}fields = [\"summary\"]\ndefaults = {{ colour = \"red\" }}\n"
        ));
        assert!(
            message.contains("line 6") && message.contains("colour"),
            "{message}"
        );
    }

    #[test]
    fn automation_entries_are_checked() {
        let base = "[[automation_tools]]\nname = \"A\"\ndescription = \"d\"\n";
        let id = "runbook_id = \"5b0f3c1e-8f3d-4c36-9a57-2f1a1c9e0a01\"\n";
        let cases = [
            (
                "runbook_id = \"42\"".to_string(),
                "runbook_id '42' is not a GUID",
            ),
            (
                String::new(),
                "give the Halo runbook as runbook_id or runbook_name",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", type = \"datetime\", description = \"d\" }}]"
                ),
                "input 'x': unknown type 'datetime'",
            ),
            (
                format!("{id}inputs = [{{ name = \"x\", type = \"enum\", description = \"d\" }}]"),
                "input 'x': type enum needs values",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", type = \"integer\", description = \"d\", max_length = 3 }}]"
                ),
                "max_length is a positive number of characters",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", type = \"date\", description = \"d\", pattern = \"a\" }}]"
                ),
                "pattern is only for string and email inputs",
            ),
            (
                format!("{id}inputs = [{{ name = \"x\", description = \"d\", pattern = \"(\" }}]"),
                "pattern is not a valid regular expression",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", description = \"d\" }}, {{ name = \"x\", description = \"d\" }}]"
                ),
                "input 'x' is declared twice",
            ),
            (
                format!("{id}inputs = [{{ name = \"1x\", description = \"d\" }}]"),
                "input '1x': names start with a letter",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", description = \"d\", resolve = \"site\" }}]"
                ),
                "unknown resolve 'site'",
            ),
            (
                format!(
                    "{id}inputs = [{{ name = \"x\", type = \"integer\", description = \"d\", enum = [\"a\"] }}]"
                ),
                "enum is only for plain string inputs",
            ),
            (
                format!("{id}wait_seconds = 0"),
                "wait_seconds must be between 1 and 120, not 0",
            ),
            (
                format!("{id}effect = \"delete\""),
                "unknown effect 'delete'",
            ),
        ];
        for (extra, expected) in cases {
            let message = toml_err(&format!("{base}{extra}\n"));
            assert!(
                message.starts_with("tools file tools/x.toml: automation_tools[0] 'A': ")
                    && message.contains(expected),
                "{extra}: {message}"
            );
        }
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        let message = toml_err(
            "[[report_tools]]\nname = \"R\"\ndescription = \"d\"\nreport_id = 1\nrows = 5\n",
        );
        assert!(
            message.starts_with("tools file tools/x.toml: line 5, column 1: unknown field"),
            "{message}"
        );
        let message = toml_err("[[report_tools]\n");
        assert!(message.contains("line 1"), "{message}");
        let message = parse(
            "t.json",
            Format::Json,
            "{\n \"report_tools\": [\n",
            &reserved(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            message.starts_with("tools file t.json: ") && message.contains("line 3"),
            "{message}"
        );
        let message = toml_err("[[dashboards]]\nname = \"x\"\n");
        assert!(
            message.contains("unknown field") && message.contains("dashboards"),
            "{message}"
        );
    }

    #[test]
    fn files_are_read_by_extension() {
        let missing = load(Path::new("/nonexistent/tools.toml"), &[])
            .unwrap_err()
            .to_string();
        assert!(
            missing.starts_with("tools file /nonexistent/tools.toml: cannot read it: "),
            "{missing}"
        );
        let yaml = load(Path::new("tools.yaml"), &[]).unwrap_err().to_string();
        assert!(yaml.contains("unsupported extension '.yaml'"), "{yaml}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, r#"{"report_tools": []}"#).unwrap();
        assert!(load(&path, &[]).unwrap().reports.is_empty());
    }
}
