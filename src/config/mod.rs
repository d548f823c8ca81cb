//! Typed configuration, read once from environment variables at start-up.
//!
//! Azure Functions passes app settings to the custom handler as environment variables, and
//! `func start` does the same from `local.settings.json`, so the environment is the only
//! configuration source. Each variable is a [`Setting`] descriptor declared once, in the module
//! of the concern that loads it (listen, limits, logging, halo, tools, auth, secrets, state);
//! [`SETTINGS`] lists them in `--help` order. That table feeds `halo-mcp --help`,
//! `local.settings.example.json` and the Bicep app settings checks, and a unit test proves the
//! loader reads exactly the variables the table declares.

pub mod auth;
mod env;
pub mod halo;
pub mod limits;
pub mod listen;
pub mod logging;
pub mod secrets;
pub mod setting;
pub mod state;
pub mod tools;

use std::net::SocketAddr;
use std::path::PathBuf;

use url::Url;

use crate::storage::StateContainer;

pub use auth::{AuthMode, AuthSettings, DEFAULT_REDIRECT_ALLOWLIST};
pub use env::Env;
pub use halo::HaloSettings;
pub use limits::ConnectionSettings;
pub use logging::{DEFAULT_LOG_FILTER, LogFormat};
pub use secrets::{SecretRef, SecretSettings};
pub use setting::{Fallback, Scope, Setting};
pub use tools::ToolSettings;

/// Every environment variable halo-mcp reads, in the order `--help` lists them.
pub const SETTINGS: &[&Setting] = &[
    // Listening and the HTTP edge.
    &listen::FUNCTIONS_CUSTOMHANDLER_PORT,
    &listen::PORT,
    &listen::BIND_ADDRESS,
    &listen::WEBSITE_HOSTNAME,
    &listen::PUBLIC_URL,
    &listen::MCP_ALLOWED_HOSTS,
    &listen::MCP_ALLOWED_ORIGINS,
    &limits::MCP_MAX_BODY_BYTES,
    &limits::MCP_HEADER_TIMEOUT_SECS,
    &limits::MCP_BODY_TIMEOUT_SECS,
    &limits::MCP_MAX_CONNECTIONS,
    &logging::LOG_FORMAT,
    &logging::RUST_LOG,
    &logging::FUNCTIONS_WORKER_RUNTIME,
    // Halo.
    &halo::HALO_URL,
    &halo::HALO_AUTH_URL,
    &halo::HALO_TENANT,
    &halo::HALO_CLIENT_ID,
    &halo::HALO_CLIENT_SECRET,
    &halo::HALO_CLIENT_SECRET_NAME,
    &halo::HALO_SERVICE_CLIENT_ID,
    &halo::HALO_SERVICE_CLIENT_SECRET,
    &halo::HALO_SERVICE_CLIENT_SECRET_NAME,
    &halo::HALO_SCOPES,
    &halo::HALO_TIMEOUT_SECS,
    &halo::HALO_RATE_LIMIT,
    &halo::HALO_RATE_WINDOW_SECS,
    &halo::HALO_MAX_INSTANCES,
    &halo::HALO_LOOKUP_TTL_SECS,
    // Tools.
    &tools::MCP_TOOLS_FILE,
    &tools::MCP_ENABLED_TOOLS,
    &tools::MCP_DISABLED_TOOLS,
    &tools::MCP_READ_ONLY,
    // Sign-in.
    &auth::MCP_AUTH_MODE,
    &auth::MCP_API_KEYS,
    &auth::MCP_API_KEYS_SECRET_NAME,
    &auth::MCP_OAUTH_CLIENT_ID,
    &auth::MCP_OAUTH_CLIENT_SECRET,
    &auth::MCP_OAUTH_CLIENT_SECRET_NAME,
    &auth::MCP_OAUTH_REDIRECT_ALLOWLIST,
    &auth::MCP_TOKEN_KEY,
    &auth::MCP_TOKEN_KEY_SECRET_NAME,
    &auth::MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME,
    &auth::MCP_ACCESS_TOKEN_TTL_SECS,
    &auth::MCP_REFRESH_TOKEN_TTL_SECS,
    // Secrets.
    &secrets::KEY_VAULT_URL,
    &secrets::SECRETS_REFRESH_SECS,
    &secrets::AZURE_CLIENT_ID,
    &secrets::IDENTITY_ENDPOINT,
    &secrets::IDENTITY_HEADER,
    // Shared state (issue 17).
    &state::MCP_STATE_CONTAINER_URL,
    // Sandbox.
    &state::SANDBOX_STATE_FILE,
];

/// A configuration problem, naming the variable and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

fn config_error(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        problem: problem.into(),
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// True when the Functions host started us (FUNCTIONS_CUSTOMHANDLER_PORT set).
    pub under_functions_host: bool,
    pub public_url: Url,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub connections: ConnectionSettings,
    pub log_format: LogFormat,
    /// A filter whose every directive parsed (see [`logging::log_filter`]).
    pub log_filter: String,
    pub halo: HaloSettings,
    pub tools: ToolSettings,
    pub auth: AuthSettings,
    pub secrets: SecretSettings,
    pub sandbox_state_file: Option<PathBuf>,
    /// Where state shared across instances lives; `None` keeps it in memory.
    pub state_container: Option<StateContainer>,
}

impl Config {
    /// Reads and validates the whole configuration, one concern at a time.
    pub fn load(env: &Env) -> Result<Config, ConfigError> {
        let listen = listen::Listen::load(env)?;
        let max_body_bytes = limits::max_body_bytes(env)?;
        let connections = ConnectionSettings::load(env)?;
        let log_format = LogFormat::load(env, listen.under_functions_host)?;
        let log_filter = logging::log_filter(env)?;
        let halo = HaloSettings::load(env)?;
        let tools = ToolSettings::load(env)?;
        let auth = AuthSettings::load(env, &listen, &halo)?;
        let secrets = SecretSettings::load(
            env,
            &[
                &halo.client_secret,
                &halo.service_client_secret,
                &auth.api_keys,
                &auth.oauth_client_secret,
                &auth.token_key,
                &auth.previous_token_key,
            ],
        )?;
        Ok(Config {
            listen: listen.listen,
            under_functions_host: listen.under_functions_host,
            public_url: listen.public_url,
            allowed_hosts: listen.allowed_hosts,
            allowed_origins: listen.allowed_origins,
            max_body_bytes,
            connections,
            log_format,
            log_filter,
            halo,
            tools,
            auth,
            secrets,
            sandbox_state_file: state::sandbox_state_file(env),
            state_container: state::state_container(env)?,
        })
    }

    /// True when no Halo URL is configured and the in-process sandbox stands in for Halo.
    pub fn embedded_sandbox(&self) -> bool {
        self.halo.url.is_none()
    }

    /// The MCP endpoint URL clients connect to.
    pub fn mcp_url(&self) -> String {
        format!("{}/mcp", self.public_url.as_str().trim_end_matches('/'))
    }
}

/// Plain http is only allowed to loopback: anywhere else it would carry tokens, codes and
/// secrets in clear text.
fn require_https_unless_loopback(name: &'static str, url: &Url) -> Result<(), ConfigError> {
    let loopback = url
        .host()
        .as_ref()
        .is_some_and(crate::auth::oauth::redirects::is_loopback);
    if url.scheme() == "http" && !loopback {
        return Err(config_error(
            name,
            format!(
                "'{url}' is plain http to a non-loopback host; use https (plain http is only \
                 allowed to localhost, 127.0.0.1 or [::1])"
            ),
        ));
    }
    Ok(())
}

/// The `--help` text describing every environment variable.
pub fn settings_help() -> String {
    setting::help(SETTINGS)
}

#[cfg(test)]
mod tests;
