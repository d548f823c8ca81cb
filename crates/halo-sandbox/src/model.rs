//! The sandbox's stored records: the subset of each Halo entity the sandbox keeps, serialised as-is
//! into the state file. API output is shaped separately (see each endpoint module) so stored-only
//! fields such as passwords never leak into responses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an agent's role lets them do; Halo combines this with the token's scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentRole {
    Administrator,
    Technician,
    ReadOnly,
    ApiAgent,
}

impl AgentRole {
    pub fn name(self) -> &'static str {
        match self {
            AgentRole::Administrator => "Administrator",
            AgentRole::Technician => "Technician",
            AgentRole::ReadOnly => "Read-only",
            AgentRole::ApiAgent => "API Agent",
        }
    }
    pub fn can_edit(self) -> bool {
        !matches!(self, AgentRole::ReadOnly)
    }
    pub fn can_edit_others_timesheets(self) -> bool {
        matches!(self, AgentRole::Administrator | AgentRole::ApiAgent)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Agent {
    pub id: i64,
    pub name: String,
    pub firstname: String,
    pub surname: String,
    pub email: String,
    pub team: String,
    pub teams: Vec<String>,
    pub role: AgentRole,
    pub isdisabled: bool,
    pub login: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub firstname: String,
    pub surname: String,
    pub emailaddress: String,
    pub phonenumber: String,
    pub client_id: i64,
    pub site_id: i64,
    pub inactive: bool,
    pub linked_agent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    pub id: i64,
    pub name: String,
    pub client_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Team {
    pub id: i64,
    pub name: String,
}

/// Status `type`: 0 open, 1 closed, 2 pending (waiting / on hold). Halo uses an integer type too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub id: i64,
    pub name: String,
    pub shortname: String,
    pub r#type: i64,
    pub colour: String,
    pub sequence: i64,
}

pub const STATUS_TYPE_CLOSED: i64 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Priority {
    /// Halo keys priorities by GUID; tickets store `priorityid` instead.
    pub id: String,
    pub priorityid: i64,
    pub name: String,
    pub responsetime: f64,
    pub fixtime: f64,
    pub colour: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketType {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub default_priority: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub id: i64,
    pub outcome: String,
    pub buttonname: String,
    pub systemid: i64,
    pub hidden: bool,
    pub newstatus: i64,
    pub hidefromuser: bool,
    pub sendemail: bool,
    pub defaultagent: i64,
    pub defaultteam: String,
    pub mustaddnote: bool,
    /// Ticket types the outcome is offered for; empty = all.
    pub tickettypes: Vec<i64>,
}

impl Outcome {
    /// An outcome with Halo's defaults: no status change, e-mail, default agent or team, offered
    /// for every ticket type.
    pub fn named(id: i64, outcome: &str, buttonname: &str) -> Outcome {
        Outcome {
            id,
            outcome: outcome.into(),
            buttonname: buttonname.into(),
            systemid: 0,
            hidden: false,
            newstatus: 0,
            hidefromuser: false,
            sendemail: false,
            defaultagent: 0,
            defaultteam: String::new(),
            mustaddnote: false,
            tickettypes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AiSuggestion {
    pub id: i64,
    pub suggestion_id: i64,
    pub ticket_id: i64,
    pub summary: String,
    /// 1 priority, 2 ticket type, 3 team, 4 agent, 5 status.
    pub r#type: i64,
    pub new_value: String,
    pub applied: bool,
    pub applied_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ticket {
    pub id: i64,
    pub summary: String,
    pub details: String,
    pub tickettype_id: i64,
    pub status_id: i64,
    pub priority_id: i64,
    pub client_id: i64,
    pub site_id: i64,
    pub user_id: i64,
    pub agent_id: i64,
    pub team: String,
    pub category_1: String,
    pub service_id: Option<i64>,
    pub dateoccurred: DateTime<Utc>,
    pub lastactiondate: DateTime<Utc>,
    pub respondbydate: DateTime<Utc>,
    pub fixbydate: DateTime<Utc>,
    pub responsedate: Option<DateTime<Utc>>,
    pub dateclosed: Option<DateTime<Utc>>,
    pub timetaken: f64,
    pub customfields: Vec<serde_json::Value>,
    pub ai_suggestions: Vec<AiSuggestion>,
    /// Fields real tickets carry that clients read (CIPP, HaloAPI, the Halo MCP servers); a state
    /// file written before they existed loads with their defaults.
    #[serde(default)]
    pub extra: TicketExtra,
}

/// The rest of a ticket's commonly read fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TicketExtra {
    pub category_2: String,
    pub category_3: String,
    pub category_4: String,
    /// Halo's impact and urgency codes (1 high … 3 low); 0 = not set.
    pub impact: i64,
    pub urgency: i64,
    pub onhold: bool,
    pub flagged: bool,
    pub excludefromsla: bool,
    /// 0 = no SLA.
    pub sla_id: i64,
    pub targetdate: Option<DateTime<Utc>>,
    pub deadlinedate: Option<DateTime<Utc>>,
    pub asset_ids: Vec<i64>,
    pub attachment_count: i64,
    /// Set once the ticket has been in a closed status; stays set if it is reopened.
    pub hasbeenclosed: bool,
}

/// An asset (device) as the sandbox keeps it; Halo's `/Asset`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Asset {
    pub id: i64,
    pub inventory_number: String,
    pub key_field: String,
    pub assettype_id: i64,
    pub client_id: i64,
    pub site_id: i64,
    /// End users the asset is assigned to.
    pub user_ids: Vec<i64>,
    pub inactive: bool,
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssetType {
    pub id: i64,
    pub name: String,
    pub assetgroup_id: i64,
    pub assetgroup_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    /// Halo numbers actions per ticket, which is why `GET /Actions/{id}` needs `ticket_id`.
    pub id: i64,
    pub ticket_id: i64,
    pub outcome_id: i64,
    pub outcome: String,
    pub who: String,
    pub who_agentid: i64,
    pub who_type: i64,
    pub datetime: DateTime<Utc>,
    pub note: String,
    pub note_html: String,
    pub hiddenfromuser: bool,
    pub important: bool,
    pub timetaken: f64,
    pub new_status: i64,
    pub new_agent: i64,
    pub new_team: String,
    pub sendemail: bool,
    pub emailto: String,
    pub system: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KbArticle {
    pub id: i64,
    pub name: String,
    pub description_html: String,
    pub resolution_html: String,
    pub r#type: i64,
    pub tags: Vec<String>,
    pub view_count: i64,
    pub useful_count: i64,
    pub notuseful_count: i64,
    pub date_created: DateTime<Utc>,
    pub date_edited: DateTime<Utc>,
    pub creator_name: String,
    pub related_ticket_ids: Vec<i64>,
    pub inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub service_category_id: i64,
    pub service_category_name: String,
    pub current_status: i64,
    pub subscribable: bool,
    pub showinusercatalog: bool,
    pub service_tickettype_id: i64,
    pub incident_tickettype_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    Whitespace,
    MissedSlaByTechnicianMonthly,
    Broken,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub group_id: i64,
    pub group_name: String,
    pub r#type: i64,
    pub kind: ReportKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimesheetEvent {
    pub id: i64,
    pub event_type: i64,
    pub subject: String,
    pub start_date: DateTime<Utc>,
    pub end_date: DateTime<Utc>,
    pub timetaken: f64,
    pub agent_id: i64,
    pub ticket_id: Option<i64>,
    pub note: String,
    pub client_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunbookKind {
    ResetPassword,
    OnboardStarter,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunbookInput {
    pub name: String,
    pub description: String,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Runbook {
    pub id: String,
    pub name: String,
    pub description: String,
    pub inputs: Vec<RunbookInput>,
    pub kind: RunbookKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppKind {
    /// "Client ID and Secret (Services)": client_credentials, runs as a fixed agent.
    Services,
    /// "Authorisation Code (Native Application)" with "Allow Agent Logins".
    AuthorisationCode,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiApp {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub name: String,
    pub kind: AppKind,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub agent_id: i64,
}

/// Tokens, codes and refresh tokens are stored by SHA-256 hash so a state file never holds a
/// usable credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessToken {
    pub hash: String,
    pub client_id: String,
    pub agent_id: i64,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshToken {
    pub hash: String,
    pub client_id: String,
    pub agent_id: i64,
    pub scopes: Vec<String>,
    pub used: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    pub hash: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub agent_id: i64,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}
