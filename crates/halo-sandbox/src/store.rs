//! The sandbox's state: every record behind one lock, plus optional persistence to a JSON file
//! (written atomically after each change so a demo survives a restart).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use super::faults::FaultInjector;
use super::model::*;
use super::rate_limit::{RateLimit, RateLimiter};
use super::request_log::{LoggedRequest, RequestLog};

/// Everything the sandbox knows; serialised whole into the state file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Data {
    pub agents: Vec<Agent>,
    pub users: Vec<User>,
    pub clients: Vec<Client>,
    pub sites: Vec<Site>,
    pub teams: Vec<Team>,
    pub statuses: Vec<Status>,
    pub priorities: Vec<Priority>,
    pub tickettypes: Vec<TicketType>,
    pub outcomes: Vec<Outcome>,
    pub tickets: Vec<Ticket>,
    pub actions: Vec<Action>,
    pub articles: Vec<KbArticle>,
    pub services: Vec<Service>,
    /// (client_id, service_id) pairs: which customers have which services.
    pub subscriptions: Vec<(i64, i64)>,
    pub reports: Vec<Report>,
    pub timesheets: Vec<TimesheetEvent>,
    pub runbooks: Vec<Runbook>,
    #[serde(default)]
    pub assets: Vec<Asset>,
    #[serde(default)]
    pub assettypes: Vec<AssetType>,
    pub apps: Vec<ApiApp>,
    pub access_tokens: Vec<AccessToken>,
    pub refresh_tokens: Vec<RefreshToken>,
    pub auth_codes: Vec<AuthCode>,
    /// Similarity corpora derived from the tickets and articles; never persisted.
    #[serde(skip)]
    pub(crate) corpus_cache: super::matches::CorpusCache,
    pub next_ticket_id: i64,
    pub next_timesheet_id: i64,
    pub next_suggestion_id: i64,
}

impl Data {
    pub fn ticket(&self, id: i64) -> Option<&Ticket> {
        self.tickets.iter().find(|t| t.id == id)
    }
    pub fn ticket_mut(&mut self, id: i64) -> Option<&mut Ticket> {
        self.tickets.iter_mut().find(|t| t.id == id)
    }
    pub fn agent(&self, id: i64) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }
    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
    pub fn client(&self, id: i64) -> Option<&Client> {
        self.clients.iter().find(|c| c.id == id)
    }
    pub fn site(&self, id: i64) -> Option<&Site> {
        self.sites.iter().find(|s| s.id == id)
    }
    pub fn status(&self, id: i64) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }
    pub fn priority(&self, priorityid: i64) -> Option<&Priority> {
        self.priorities.iter().find(|p| p.priorityid == priorityid)
    }
    pub fn tickettype(&self, id: i64) -> Option<&TicketType> {
        self.tickettypes.iter().find(|t| t.id == id)
    }
    pub fn team_by_name(&self, name: &str) -> Option<&Team> {
        self.teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
    pub fn outcome(&self, id: i64) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.id == id)
    }
    pub fn is_closed_status(&self, status_id: i64) -> bool {
        self.status(status_id)
            .is_some_and(|s| s.r#type == STATUS_TYPE_CLOSED)
    }
    pub fn client_name(&self, id: i64) -> String {
        self.client(id).map(|c| c.name.clone()).unwrap_or_default()
    }
    pub fn agent_name(&self, id: i64) -> String {
        self.agent(id).map(|a| a.name.clone()).unwrap_or_default()
    }
}

/// Knobs the embedding program sets when it starts a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Persist state as JSON here (loaded on start if present; written atomically after each change).
    pub state_file: Option<PathBuf>,
    /// Rolling-window limit per API client id; `None` = unlimited.
    pub rate_limit: Option<RateLimit>,
    /// Access-token lifetime.
    pub token_ttl: Duration,
    /// Added to the demo Authorisation Code app's allowed redirect URLs (exact match).
    pub extra_redirect_uris: Vec<String>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            state_file: None,
            rate_limit: None,
            token_ttl: Duration::from_secs(3600),
            extra_redirect_uris: Vec::new(),
        }
    }
}

/// Why state could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read sandbox state file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sandbox state file {path} is not valid sandbox state: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write sandbox state file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<StoreError> for std::io::Error {
    fn from(e: StoreError) -> Self {
        std::io::Error::other(e.to_string())
    }
}

pub(crate) struct Inner {
    pub data: RwLock<Data>,
    pub options: SandboxOptions,
    /// Serialises file writes so an older snapshot never overwrites a newer one.
    persist_lock: Mutex<()>,
    pub limiter: RateLimiter,
    pub faults: FaultInjector,
    pub log: RequestLog,
    pub base_url: RwLock<String>,
}

/// Shared handle to the sandbox's state; cloning is cheap.
#[derive(Clone)]
pub struct SandboxState {
    pub(crate) inner: Arc<Inner>,
}

impl SandboxState {
    /// Builds state from the demo data, or from `options.state_file` when it exists.
    pub fn new(options: SandboxOptions) -> Result<SandboxState, StoreError> {
        let data = match &options.state_file {
            Some(path) if path.exists() => load(path)?,
            _ => super::demo::build(Utc::now(), &options),
        };
        let limiter = RateLimiter::new(options.rate_limit);
        let state = SandboxState {
            inner: Arc::new(Inner {
                data: RwLock::new(data),
                options,
                persist_lock: Mutex::new(()),
                limiter,
                faults: FaultInjector::default(),
                log: RequestLog::default(),
                base_url: RwLock::new("http://127.0.0.1/".to_string()),
            }),
        };
        state.persist()?;
        Ok(state)
    }

    /// Reads the state; the closure must not await.
    pub fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        f(&self.inner.data.read())
    }

    /// Changes the state and persists it. Persistence failures are logged, not returned: the
    /// in-memory change has happened and the caller's request succeeded.
    pub fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        let result = {
            let mut data = self.inner.data.write();
            let result = f(&mut data);
            data.corpus_cache.clear();
            result
        };
        if let Err(e) = self.persist() {
            tracing::error!(error = %e, "sandbox state not persisted");
        }
        result
    }

    /// Back to the deterministic demo data (tokens issued so far stop working).
    pub fn reset(&self) {
        let fresh = super::demo::build(Utc::now(), &self.inner.options);
        self.write(|d| *d = fresh);
    }

    /// A copy of every ticket, for tests.
    pub fn tickets(&self) -> Vec<Ticket> {
        self.read(|d| d.tickets.clone())
    }
    pub fn actions(&self) -> Vec<Action> {
        self.read(|d| d.actions.clone())
    }
    pub fn timesheets(&self) -> Vec<TimesheetEvent> {
        self.read(|d| d.timesheets.clone())
    }
    /// A full copy of the state, for tests that need more than the helpers above.
    pub fn snapshot(&self) -> Data {
        self.read(|d| d.clone())
    }

    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.inner.log.entries()
    }
    pub fn faults(&self) -> FaultInjector {
        self.inner.faults.clone()
    }
    pub fn options(&self) -> &SandboxOptions {
        &self.inner.options
    }
    pub(crate) fn base_url(&self) -> String {
        self.inner.base_url.read().clone()
    }
    pub(crate) fn set_base_url(&self, url: String) {
        *self.inner.base_url.write() = url;
    }
    pub(crate) fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn persist(&self) -> Result<(), StoreError> {
        let Some(path) = &self.inner.options.state_file else {
            return Ok(());
        };
        let _guard = self.inner.persist_lock.lock();
        let json = {
            let data = self.inner.data.read();
            serde_json::to_vec_pretty(&*data).map_err(|e| StoreError::Write {
                path: path.clone(),
                source: std::io::Error::other(e),
            })?
        };
        write_atomically(path, &json)
    }
}

fn load(path: &Path) -> Result<Data, StoreError> {
    let bytes = std::fs::read(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| StoreError::Parse {
        path: path.to_path_buf(),
        source,
    })
}

/// Write-then-rename so a crash mid-write never leaves a truncated state file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let err = |source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
