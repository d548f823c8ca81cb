//! Typed configuration, read once from environment variables at start-up.
//!
//! Azure Functions passes app settings to the custom handler as environment variables, and
//! `func start` does the same from `local.settings.json`, so the environment is the only
//! configuration source. Every variable is declared in [`SETTINGS`]: that table feeds
//! `halo-mcp --help`, `local.settings.example.json` and the Bicep app settings check, and a unit
//! test proves the loader reads exactly the variables the table declares.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use url::Url;

use crate::storage::StateContainer;

/// One configuration variable, as documented to operators.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub default: &'static str,
    pub help: &'static str,
    /// Set by the platform (Azure Functions host or App Service), never by an operator.
    pub platform: bool,
}

const fn op(name: &'static str, default: &'static str, help: &'static str) -> Setting {
    Setting {
        name,
        default,
        help,
        platform: false,
    }
}

const fn platform(name: &'static str, help: &'static str) -> Setting {
    Setting {
        name,
        default: "",
        help,
        platform: true,
    }
}

/// Every environment variable halo-mcp reads.
/// The log filter when `RUST_LOG` is unset: our one line per request, without rmcp's
/// per-request lifecycle lines.
pub const DEFAULT_LOG_FILTER: &str = "info,rmcp=warn";

pub const SETTINGS: &[Setting] = &[
    // Listening and the HTTP edge.
    platform(
        "FUNCTIONS_CUSTOMHANDLER_PORT",
        "Port the Azure Functions host asks the handler to listen on (127.0.0.1).",
    ),
    op(
        "PORT",
        "8080",
        "Port to listen on when not under Azure Functions.",
    ),
    op(
        "BIND_ADDRESS",
        "127.0.0.1",
        "Address to bind when not under Azure Functions.",
    ),
    platform(
        "WEBSITE_HOSTNAME",
        "Public host name of the function app; added to the Host allow-list and used as the public URL.",
    ),
    op(
        "PUBLIC_URL",
        "https://$WEBSITE_HOSTNAME, else http://<bind address>:<port>",
        "Public base URL of this server (used in OAuth metadata and the printed MCP URL).",
    ),
    op(
        "MCP_ALLOWED_HOSTS",
        "localhost,127.0.0.1,::1",
        "Comma-separated Host header values accepted on /mcp (host or host:port). WEBSITE_HOSTNAME is always added.",
    ),
    op(
        "MCP_ALLOWED_ORIGINS",
        "(none)",
        "Comma-separated browser origins allowed to call /mcp; a request with any other Origin header gets 403.",
    ),
    op(
        "MCP_MAX_BODY_BYTES",
        "1048576",
        "Largest accepted request body in bytes; larger bodies get 413.",
    ),
    op(
        "MCP_HEADER_TIMEOUT_SECS",
        "10",
        "Seconds a client has to send a request's headers, counted from when the connection opens \
         or the previous response ends (so also the idle keep-alive timeout); then it is closed.",
    ),
    op(
        "MCP_BODY_TIMEOUT_SECS",
        "30",
        "Seconds allowed to receive a request body: the longest pause between its parts, and the \
         whole /mcp body; a slower body gets 408 and the connection is closed.",
    ),
    op(
        "MCP_MAX_CONNECTIONS",
        "256",
        "Concurrent client connections served; more wait in the OS accept queue. Lowered at \
         start-up to leave a quarter of the open-file limit (ulimit -n) for Halo calls.",
    ),
    op(
        "LOG_FORMAT",
        "text (json under Azure Functions)",
        "Log format: 'text' or 'json'.",
    ),
    op(
        "RUST_LOG",
        DEFAULT_LOG_FILTER,
        "Log filter in tracing-subscriber syntax, e.g. 'info,halo_mcp=debug'. The default keeps \
         rmcp at warn: at info it logs three lifecycle lines for every stateless request.",
    ),
    platform(
        "FUNCTIONS_WORKER_RUNTIME",
        "Set by the Functions host; its presence selects JSON logs.",
    ),
    // Halo.
    op(
        "HALO_URL",
        "(embedded sandbox)",
        "Base URL of the Halo instance, e.g. https://acme.halopsa.com. Unset: an in-process Halo sandbox with demo data.",
    ),
    op(
        "HALO_AUTH_URL",
        "from GET /api/authinfo, else $HALO_URL/auth",
        "Halo authorisation server URL.",
    ),
    op(
        "HALO_TENANT",
        "from GET /api/authinfo",
        "Halo tenant name sent as ?tenant= on auth calls (hosted Halo).",
    ),
    op(
        "HALO_CLIENT_ID",
        "",
        "Client id of the Halo 'Authorisation Code (Native Application)' API application (oauth mode).",
    ),
    op(
        "HALO_CLIENT_SECRET",
        "",
        "Its client secret as a plain value (local use only; prefer HALO_CLIENT_SECRET_NAME).",
    ),
    op(
        "HALO_CLIENT_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the Authorisation Code application's client secret.",
    ),
    op(
        "HALO_SERVICE_CLIENT_ID",
        "",
        "Client id of the Halo 'Client ID and Secret (Services)' application (api-key and none modes).",
    ),
    op(
        "HALO_SERVICE_CLIENT_SECRET",
        "",
        "Its client secret as a plain value (local use only).",
    ),
    op(
        "HALO_SERVICE_CLIENT_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the Services application's client secret.",
    ),
    op(
        "HALO_SCOPES",
        "all",
        "Space-separated Halo scopes requested for Halo tokens.",
    ),
    op(
        "HALO_TIMEOUT_SECS",
        "30",
        "Timeout for one Halo API call, in seconds.",
    ),
    op(
        "HALO_RATE_LIMIT",
        "250",
        "Halo calls allowed per rolling window, per Halo instance (hosted Halo allows about 300 per 5 minutes).",
    ),
    op(
        "HALO_RATE_WINDOW_SECS",
        "300",
        "Length of the rolling rate-limit window, in seconds.",
    ),
    op(
        "HALO_MAX_INSTANCES",
        "40",
        "Most instances the Functions plan may run (Bicep: maximumInstanceCount). With shared state unreachable, each instance limits itself to HALO_RATE_LIMIT divided by this.",
    ),
    op(
        "HALO_LOOKUP_TTL_SECS",
        "120",
        "How long name lookups (statuses, ticket types, teams, agents ...) are cached, in seconds.",
    ),
    // Tools.
    op(
        "MCP_TOOLS_FILE",
        "(embedded sandbox: the demo tools file)",
        "Path of the custom tools file (TOML or JSON): report, bound create-ticket and automation tools.",
    ),
    op(
        "MCP_ENABLED_TOOLS",
        "(all)",
        "Comma-separated allow-list of tool names; unset means every tool.",
    ),
    op(
        "MCP_DISABLED_TOOLS",
        "(none)",
        "Comma-separated deny-list of tool names.",
    ),
    op(
        "MCP_READ_ONLY",
        "false",
        "true hides every tool that writes to Halo.",
    ),
    // Sign-in.
    op(
        "MCP_AUTH_MODE",
        "none with the embedded sandbox, else oauth",
        "How MCP clients sign in: oauth, halo-token, api-key or none (none only on loopback).",
    ),
    op(
        "MCP_API_KEYS",
        "",
        "Comma-separated API keys as plain values (api-key mode, local use only).",
    ),
    op(
        "MCP_API_KEYS_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the comma-separated API keys (api-key mode).",
    ),
    op(
        "MCP_OAUTH_CLIENT_ID",
        "",
        "Static OAuth client id for Copilot Studio's Manual OAuth option (oauth mode).",
    ),
    op(
        "MCP_OAUTH_CLIENT_SECRET",
        "",
        "Its secret as a plain value (local use only).",
    ),
    op(
        "MCP_OAUTH_CLIENT_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the static OAuth client's secret.",
    ),
    op(
        "MCP_OAUTH_REDIRECT_ALLOWLIST",
        DEFAULT_REDIRECT_ALLOWLIST,
        "Comma-separated redirect URIs OAuth clients may use: exact URIs, or a trailing * for the rest of one path segment; each names one https host (http only to loopback). When PUBLIC_URL and BIND_ADDRESS are loopback, loopback http redirects on any port are also allowed.",
    ),
    op(
        "MCP_TOKEN_KEY",
        "",
        "Current token-encryption key, 32 bytes base64 (local use only).",
    ),
    op(
        "MCP_TOKEN_KEY_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the current token-encryption key.",
    ),
    op(
        "MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME",
        "",
        "Name of the Key Vault secret holding the previous token-encryption key (accepted during rotation).",
    ),
    op(
        "MCP_ACCESS_TOKEN_TTL_SECS",
        "3600",
        "Lifetime of access tokens this server issues, in seconds.",
    ),
    op(
        "MCP_REFRESH_TOKEN_TTL_SECS",
        "2592000",
        "Lifetime of refresh tokens this server issues, in seconds.",
    ),
    // Secrets.
    op(
        "KEY_VAULT_URL",
        "",
        "Key Vault URL, e.g. https://kv-halo-mcp.vault.azure.net/. Needed by every *_SECRET_NAME setting.",
    ),
    op(
        "SECRETS_REFRESH_SECS",
        "300",
        "How often secrets are re-read from Key Vault, so a rotated secret applies without a restart.",
    ),
    op(
        "AZURE_CLIENT_ID",
        "",
        "Client id of a user-assigned managed identity; unset uses the system-assigned identity.",
    ),
    platform(
        "IDENTITY_ENDPOINT",
        "App Service managed identity endpoint (set by the platform).",
    ),
    platform(
        "IDENTITY_HEADER",
        "App Service managed identity header secret (set by the platform).",
    ),
    // Shared state (issue 17).
    op(
        "MCP_STATE_CONTAINER_URL",
        "(memory only: one instance)",
        "Blob container every instance shares single-use sign-in records, the Halo budget and the audit log in, e.g. https://<account>.blob.core.windows.net/halo-mcp-state (managed identity).",
    ),
    // Sandbox.
    op(
        "SANDBOX_STATE_FILE",
        "(memory only)",
        "File the embedded Halo sandbox persists its state to, so a demo survives a restart.",
    ),
];

/// Settings meant for local development only; the Bicep templates never set them on Azure
/// (secrets there come from Key Vault by name, and the platform chooses the port).
pub const LOCAL_ONLY: &[&str] = &[
    "PORT",
    "BIND_ADDRESS",
    "HALO_CLIENT_SECRET",
    "HALO_SERVICE_CLIENT_SECRET",
    "MCP_API_KEYS",
    "MCP_OAUTH_CLIENT_SECRET",
    "MCP_TOKEN_KEY",
    "SANDBOX_STATE_FILE",
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

/// Where a secret value comes from.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum SecretRef {
    #[default]
    Unset,
    /// A plain value from the environment (local development).
    Value(String),
    /// The name of a Key Vault secret.
    KeyVault(String),
}

impl std::fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretRef::Unset => f.write_str("Unset"),
            SecretRef::Value(_) => f.write_str("Value(<redacted>)"),
            SecretRef::KeyVault(name) => write!(f, "KeyVault({name})"),
        }
    }
}

impl SecretRef {
    pub fn is_set(&self) -> bool {
        !matches!(self, SecretRef::Unset)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `MCP_OAUTH_REDIRECT_ALLOWLIST` when unset: every Power Platform connector's redirect. Fine to
/// set up with; a deployment narrows it to its own connector's exact redirect URL.
pub const DEFAULT_REDIRECT_ALLOWLIST: &str = "https://global.consent.azure-apim.net/redirect/*";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// This server is the OAuth authorization server and federates sign-in to Halo.
    OAuth,
    /// The bearer is a Halo access token, validated against Halo.
    HaloToken,
    /// Static API keys; Halo is called with the Services application.
    ApiKey,
    /// No sign-in; loopback only.
    None,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::OAuth => "oauth",
            AuthMode::HaloToken => "halo-token",
            AuthMode::ApiKey => "api-key",
            AuthMode::None => "none",
        }
    }
}

/// Limits on client connections at the listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    /// As configured; the listener lowers it to fit the open-file limit.
    pub max_connections: usize,
}

impl ConnectionSettings {
    /// What the three settings default to; also what the not-configured mode serves with.
    pub const DEFAULTS: ConnectionSettings = ConnectionSettings {
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(30),
        max_connections: 256,
    };
}

#[derive(Debug, Clone)]
pub struct HaloSettings {
    /// `None` runs the embedded sandbox.
    pub url: Option<Url>,
    pub auth_url: Option<Url>,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: SecretRef,
    pub service_client_id: Option<String>,
    pub service_client_secret: SecretRef,
    pub scopes: String,
    pub timeout: Duration,
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// The most instances that may share the rate limit (the plan's maximum instance count).
    pub max_instances: u32,
    pub lookup_ttl: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct ToolSettings {
    pub file: Option<PathBuf>,
    pub enabled: Option<Vec<String>>,
    pub disabled: Vec<String>,
    pub read_only: bool,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub mode: AuthMode,
    pub api_keys: SecretRef,
    pub oauth_client_id: Option<String>,
    pub oauth_client_secret: SecretRef,
    pub redirect_allowlist: Vec<String>,
    pub token_key: SecretRef,
    pub previous_token_key: SecretRef,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
}

#[derive(Debug, Clone)]
pub struct SecretSettings {
    pub key_vault_url: Option<Url>,
    pub refresh_interval: Duration,
    pub managed_identity_client_id: Option<String>,
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
    pub log_filter: String,
    pub halo: HaloSettings,
    pub tools: ToolSettings,
    pub auth: AuthSettings,
    pub secrets: SecretSettings,
    pub sandbox_state_file: Option<PathBuf>,
    /// Where state shared across instances lives; `None` keeps it in memory.
    pub state_container: Option<StateContainer>,
}

/// The environment, as a map, recording which names the loader asked for.
pub struct Env {
    vars: HashMap<String, String>,
    read: Mutex<BTreeSet<&'static str>>,
}

impl Env {
    pub fn from_process() -> Self {
        Self::from_map(std::env::vars().collect())
    }

    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Env {
            vars,
            read: Mutex::new(BTreeSet::new()),
        }
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::from_map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The variable's value; blank values count as unset, as in the Azure portal.
    pub fn get(&self, name: &'static str) -> Option<String> {
        debug_assert!(
            SETTINGS.iter().any(|s| s.name == name),
            "{name} is not declared in config::SETTINGS"
        );
        if let Ok(mut read) = self.read.lock() {
            read.insert(name);
        }
        self.vars
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The names read so far.
    pub fn names_read(&self) -> BTreeSet<&'static str> {
        self.read.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn parse<T: std::str::FromStr>(&self, name: &'static str) -> Result<Option<T>, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => raw
                .parse::<T>()
                .map(Some)
                .map_err(|e| config_error(name, format!("'{raw}' is not valid: {e}"))),
        }
    }

    fn secs(&self, name: &'static str, default: u64) -> Result<Duration, ConfigError> {
        let secs = self.parse::<u64>(name)?.unwrap_or(default);
        if secs == 0 {
            return Err(config_error(name, "must be greater than 0"));
        }
        Ok(Duration::from_secs(secs))
    }

    fn bool(&self, name: &'static str) -> Result<bool, ConfigError> {
        match self.get(name).map(|v| v.to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if ["true", "1", "yes", "on"].contains(&v.as_str()) => Ok(true),
            Some(v) if ["false", "0", "no", "off"].contains(&v.as_str()) => Ok(false),
            Some(v) => Err(config_error(name, format!("'{v}' is not true or false"))),
        }
    }

    fn list(&self, name: &'static str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn url(&self, name: &'static str) -> Result<Option<Url>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => {
                let url = Url::parse(&raw)
                    .map_err(|e| config_error(name, format!("'{raw}' is not a URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                    return Err(config_error(
                        name,
                        format!("'{raw}' must be an http(s) URL with a host"),
                    ));
                }
                Ok(Some(url))
            }
        }
    }

    fn secret(
        &self,
        value_name: &'static str,
        kv_name: &'static str,
    ) -> Result<SecretRef, ConfigError> {
        match (self.get(value_name), self.get(kv_name)) {
            (Some(_), Some(_)) => Err(config_error(
                value_name,
                format!("set either {value_name} or {kv_name}, not both"),
            )),
            (Some(value), None) => Ok(SecretRef::Value(value)),
            (None, Some(name)) => Ok(SecretRef::KeyVault(name)),
            (None, None) => Ok(SecretRef::Unset),
        }
    }
}

impl Config {
    /// Reads and validates the whole configuration.
    pub fn load(env: &Env) -> Result<Config, ConfigError> {
        let functions_port = env.parse::<u16>("FUNCTIONS_CUSTOMHANDLER_PORT")?;
        let under_functions_host = functions_port.is_some();
        let port = match functions_port {
            Some(port) => port,
            None => env.parse::<u16>("PORT")?.unwrap_or(8080),
        };
        let bind_ip: IpAddr = if under_functions_host {
            // The host proxies to localhost; binding wider would expose the handler needlessly.
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            env.parse::<IpAddr>("BIND_ADDRESS")?
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
        };
        let listen = SocketAddr::new(bind_ip, port);

        let website_hostname = env.get("WEBSITE_HOSTNAME");
        // Azure Functions Core Tools (`func start`) sets WEBSITE_HOSTNAME=localhost:7071 on a
        // developer machine; only a non-loopback host name means the app is on Azure.
        let local_website = website_hostname.as_deref().is_some_and(is_loopback_host);
        let on_azure = website_hostname.is_some() && !local_website;
        let public_url = match env.url("PUBLIC_URL")? {
            Some(url) => url,
            None => match &website_hostname {
                Some(host) if local_website => {
                    Url::parse(&format!("http://{host}")).map_err(|e| {
                        config_error(
                            "WEBSITE_HOSTNAME",
                            format!("'{host}' is not a host name: {e}"),
                        )
                    })?
                }
                Some(host) => Url::parse(&format!("https://{host}")).map_err(|e| {
                    config_error(
                        "WEBSITE_HOSTNAME",
                        format!("'{host}' is not a host name: {e}"),
                    )
                })?,
                None => {
                    let host = match bind_ip {
                        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
                        IpAddr::V4(ip) => ip.to_string(),
                        IpAddr::V6(ip) => format!("[{ip}]"),
                    };
                    Url::parse(&format!("http://{host}:{port}"))
                        .map_err(|e| config_error("BIND_ADDRESS", e.to_string()))?
                }
            },
        };

        require_https_unless_loopback("PUBLIC_URL", &public_url)?;

        let mut allowed_hosts = env.list("MCP_ALLOWED_HOSTS");
        if allowed_hosts.is_empty() {
            allowed_hosts = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        }
        if let Some(host) = &website_hostname {
            allowed_hosts.push(host.clone());
        }
        if let Some(host) = public_url.host_str() {
            allowed_hosts.push(host.trim_matches(['[', ']']).to_string());
        }
        allowed_hosts.sort();
        allowed_hosts.dedup();

        let allowed_origins = env.list("MCP_ALLOWED_ORIGINS");
        for origin in &allowed_origins {
            Url::parse(origin).map_err(|e| {
                config_error(
                    "MCP_ALLOWED_ORIGINS",
                    format!("'{origin}' is not an origin: {e}"),
                )
            })?;
        }

        let max_body_bytes = env
            .parse::<usize>("MCP_MAX_BODY_BYTES")?
            .unwrap_or(1024 * 1024);
        if max_body_bytes < 1024 {
            return Err(config_error(
                "MCP_MAX_BODY_BYTES",
                "must be at least 1024 bytes",
            ));
        }

        let connections = ConnectionSettings {
            header_timeout: env.secs(
                "MCP_HEADER_TIMEOUT_SECS",
                ConnectionSettings::DEFAULTS.header_timeout.as_secs(),
            )?,
            body_timeout: env.secs(
                "MCP_BODY_TIMEOUT_SECS",
                ConnectionSettings::DEFAULTS.body_timeout.as_secs(),
            )?,
            max_connections: match env.parse::<usize>("MCP_MAX_CONNECTIONS")? {
                Some(0) => {
                    return Err(config_error(
                        "MCP_MAX_CONNECTIONS",
                        "must be greater than 0",
                    ));
                }
                Some(n) => n,
                None => ConnectionSettings::DEFAULTS.max_connections,
            },
        };

        let on_functions = under_functions_host || env.get("FUNCTIONS_WORKER_RUNTIME").is_some();
        let log_format = match env.get("LOG_FORMAT").map(|v| v.to_ascii_lowercase()) {
            None if on_functions => LogFormat::Json,
            None => LogFormat::Text,
            Some(v) if v == "json" => LogFormat::Json,
            Some(v) if v == "text" => LogFormat::Text,
            Some(v) => {
                return Err(config_error(
                    "LOG_FORMAT",
                    format!("'{v}' is not 'text' or 'json'"),
                ));
            }
        };
        let log_filter = env
            .get("RUST_LOG")
            .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_string());

        let halo = HaloSettings {
            url: env.url("HALO_URL")?,
            auth_url: env.url("HALO_AUTH_URL")?,
            tenant: env.get("HALO_TENANT"),
            client_id: env.get("HALO_CLIENT_ID"),
            client_secret: env.secret("HALO_CLIENT_SECRET", "HALO_CLIENT_SECRET_NAME")?,
            service_client_id: env.get("HALO_SERVICE_CLIENT_ID"),
            service_client_secret: env.secret(
                "HALO_SERVICE_CLIENT_SECRET",
                "HALO_SERVICE_CLIENT_SECRET_NAME",
            )?,
            scopes: env.get("HALO_SCOPES").unwrap_or_else(|| "all".to_string()),
            timeout: env.secs("HALO_TIMEOUT_SECS", 30)?,
            rate_limit: match env.parse::<u32>("HALO_RATE_LIMIT")? {
                Some(0) => return Err(config_error("HALO_RATE_LIMIT", "must be greater than 0")),
                Some(n) => n,
                None => 250,
            },
            rate_window: env.secs("HALO_RATE_WINDOW_SECS", 300)?,
            max_instances: match env.parse::<u32>("HALO_MAX_INSTANCES")? {
                Some(0) => {
                    return Err(config_error("HALO_MAX_INSTANCES", "must be greater than 0"));
                }
                Some(n) => n,
                None => 40,
            },
            lookup_ttl: env.secs("HALO_LOOKUP_TTL_SECS", 120)?,
        };
        let embedded_sandbox = halo.url.is_none();
        if let Some(url) = &halo.url {
            require_https_unless_loopback("HALO_URL", url)?;
        }
        if let Some(url) = &halo.auth_url {
            require_https_unless_loopback("HALO_AUTH_URL", url)?;
        }

        let tools = ToolSettings {
            file: env.get("MCP_TOOLS_FILE").map(PathBuf::from),
            enabled: Some(env.list("MCP_ENABLED_TOOLS")).filter(|l| !l.is_empty()),
            disabled: env.list("MCP_DISABLED_TOOLS"),
            read_only: env.bool("MCP_READ_ONLY")?,
        };

        let mode = match env.get("MCP_AUTH_MODE").map(|v| v.to_ascii_lowercase()) {
            None if embedded_sandbox => AuthMode::None,
            None => AuthMode::OAuth,
            Some(v) => match v.as_str() {
                "oauth" => AuthMode::OAuth,
                "halo-token" => AuthMode::HaloToken,
                "api-key" => AuthMode::ApiKey,
                "none" => AuthMode::None,
                other => {
                    return Err(config_error(
                        "MCP_AUTH_MODE",
                        format!("'{other}' is not one of oauth, halo-token, api-key, none"),
                    ));
                }
            },
        };
        if mode == AuthMode::None && !listen.ip().is_loopback() {
            return Err(config_error(
                "MCP_AUTH_MODE",
                format!(
                    "'none' is only allowed when bound to loopback, but BIND_ADDRESS is {}",
                    listen.ip()
                ),
            ));
        }
        if mode == AuthMode::None && on_azure {
            return Err(config_error(
                "MCP_AUTH_MODE",
                "'none' is refused on Azure (WEBSITE_HOSTNAME is set): the app is reachable from the internet",
            ));
        }
        let mut redirect_allowlist = env.list("MCP_OAUTH_REDIRECT_ALLOWLIST");
        if redirect_allowlist.is_empty() {
            redirect_allowlist = vec![DEFAULT_REDIRECT_ALLOWLIST.into()];
        }
        crate::auth::oauth::redirects::parse_allowlist(&redirect_allowlist)
            .map_err(|problem| config_error("MCP_OAUTH_REDIRECT_ALLOWLIST", problem))?;
        let auth = AuthSettings {
            mode,
            api_keys: env.secret("MCP_API_KEYS", "MCP_API_KEYS_SECRET_NAME")?,
            oauth_client_id: env.get("MCP_OAUTH_CLIENT_ID"),
            oauth_client_secret: env
                .secret("MCP_OAUTH_CLIENT_SECRET", "MCP_OAUTH_CLIENT_SECRET_NAME")?,
            redirect_allowlist,
            token_key: env.secret("MCP_TOKEN_KEY", "MCP_TOKEN_KEY_SECRET_NAME")?,
            previous_token_key: env
                .get("MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME")
                .map(SecretRef::KeyVault)
                .unwrap_or_default(),
            access_token_ttl: env.secs("MCP_ACCESS_TOKEN_TTL_SECS", 3600)?,
            refresh_token_ttl: env.secs("MCP_REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
        };
        check_secret_values(&auth)?;
        if mode == AuthMode::ApiKey && !auth.api_keys.is_set() {
            return Err(config_error(
                "MCP_API_KEYS_SECRET_NAME",
                "api-key mode needs MCP_API_KEYS_SECRET_NAME (or MCP_API_KEYS locally)",
            ));
        }
        if !embedded_sandbox && matches!(mode, AuthMode::ApiKey | AuthMode::None) {
            if halo.service_client_id.is_none() {
                return Err(config_error(
                    "HALO_SERVICE_CLIENT_ID",
                    format!(
                        "{} mode calls Halo with a Services application: set its client id",
                        mode.as_str()
                    ),
                ));
            }
            if !halo.service_client_secret.is_set() {
                return Err(config_error(
                    "HALO_SERVICE_CLIENT_SECRET_NAME",
                    format!(
                        "{} mode needs the Services application's secret",
                        mode.as_str()
                    ),
                ));
            }
        }
        if mode == AuthMode::OAuth && !embedded_sandbox {
            if halo.client_id.is_none() {
                return Err(config_error(
                    "HALO_CLIENT_ID",
                    "oauth mode needs the Halo Authorisation Code application's client id",
                ));
            }
            if !auth.token_key.is_set() {
                return Err(config_error(
                    "MCP_TOKEN_KEY_SECRET_NAME",
                    "oauth mode needs a token-encryption key (MCP_TOKEN_KEY_SECRET_NAME, or MCP_TOKEN_KEY locally)",
                ));
            }
        }

        let secrets = SecretSettings {
            key_vault_url: env.url("KEY_VAULT_URL")?,
            refresh_interval: env.secs("SECRETS_REFRESH_SECS", 300)?,
            managed_identity_client_id: env.get("AZURE_CLIENT_ID"),
        };
        // The platform's managed-identity variables are read by azure_identity itself; they are
        // declared here so operators see them in --help.
        let _ = (env.get("IDENTITY_ENDPOINT"), env.get("IDENTITY_HEADER"));
        let uses_key_vault = [
            &halo.client_secret,
            &halo.service_client_secret,
            &auth.api_keys,
            &auth.oauth_client_secret,
            &auth.token_key,
            &auth.previous_token_key,
        ]
        .iter()
        .any(|s| matches!(s, SecretRef::KeyVault(_)));
        if uses_key_vault && secrets.key_vault_url.is_none() {
            return Err(config_error(
                "KEY_VAULT_URL",
                "a *_SECRET_NAME setting names a Key Vault secret, but KEY_VAULT_URL is not set",
            ));
        }

        Ok(Config {
            listen,
            under_functions_host,
            public_url,
            allowed_hosts,
            allowed_origins,
            max_body_bytes,
            connections,
            log_format,
            log_filter,
            halo,
            tools,
            auth,
            secrets,
            sandbox_state_file: env.get("SANDBOX_STATE_FILE").map(PathBuf::from),
            state_container: env
                .get("MCP_STATE_CONTAINER_URL")
                .map(|url| {
                    StateContainer::parse(&url)
                        .map_err(|problem| config_error("MCP_STATE_CONTAINER_URL", problem))
                })
                .transpose()?,
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

/// Secrets given as plain values are checked now; the same checks run when a value is read
/// from Key Vault (a bad one is logged and answered with a 503 naming the secret).
fn check_secret_values(auth: &AuthSettings) -> Result<(), ConfigError> {
    if let SecretRef::Value(key) = &auth.token_key {
        crate::auth::tokens::TokenKey::from_base64(key).map_err(|_| {
            config_error(
                "MCP_TOKEN_KEY",
                "must be 32 random bytes in base64 (generate one with `openssl rand -base64 32`)",
            )
        })?;
    }
    if let SecretRef::Value(keys) = &auth.api_keys {
        crate::auth::api_keys::check_keys(keys)
            .map_err(|problem| config_error("MCP_API_KEYS", problem))?;
    }
    Ok(())
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':')
            .map_or(host.as_str(), |(name, _)| name)
    };
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The `--help` text describing every environment variable.
pub fn settings_help() -> String {
    let mut out = String::from("Environment variables (Azure Functions app settings):\n");
    for s in SETTINGS {
        let default = if s.platform {
            "set by the platform".to_string()
        } else if s.default.is_empty() {
            "unset".to_string()
        } else {
            format!("default: {}", s.default)
        };
        out.push_str(&format!("  {:<36} {} [{}]\n", s.name, s.help, default));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_the_embedded_sandbox_on_loopback_without_sign_in() {
        let config = Config::load(&Env::from_pairs([])).expect("defaults load");
        assert!(config.embedded_sandbox());
        assert_eq!(config.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.auth.mode, AuthMode::None);
        assert_eq!(config.max_body_bytes, 1024 * 1024);
        assert_eq!(config.mcp_url(), "http://127.0.0.1:8080/mcp");
    }

    #[test]
    fn the_loader_reads_exactly_the_declared_settings() {
        let env = Env::from_pairs([]);
        Config::load(&env).expect("defaults load");
        let read = env.names_read();
        let declared: BTreeSet<&str> = SETTINGS.iter().map(|s| s.name).collect();
        assert_eq!(read, declared);
    }

    #[test]
    fn functions_port_wins_and_binds_loopback() {
        let env = Env::from_pairs([
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "7071"),
            ("PORT", "9000"),
            ("BIND_ADDRESS", "0.0.0.0"),
        ]);
        let config = Config::load(&env).unwrap();
        assert_eq!(config.listen, "127.0.0.1:7071".parse().unwrap());
        assert_eq!(config.log_format, LogFormat::Json);
    }

    #[test]
    fn website_hostname_joins_the_host_allow_list() {
        let env = Env::from_pairs([
            ("WEBSITE_HOSTNAME", "halo-mcp.azurewebsites.net"),
            ("MCP_AUTH_MODE", "api-key"),
            ("MCP_API_KEYS", "k1-long-enough-for-the-32-char-minimum"),
        ]);
        let config = Config::load(&env).unwrap();
        assert!(
            config
                .allowed_hosts
                .contains(&"halo-mcp.azurewebsites.net".to_string())
        );
        assert_eq!(
            config.public_url.as_str(),
            "https://halo-mcp.azurewebsites.net/"
        );
    }

    #[test]
    fn func_start_on_a_developer_machine_is_not_azure() {
        let env = Env::from_pairs([
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "5123"),
            ("WEBSITE_HOSTNAME", "localhost:7071"),
            ("MCP_AUTH_MODE", "none"),
        ]);
        let config = Config::load(&env).expect("func start with the sandbox loads");
        assert_eq!(config.public_url.as_str(), "http://localhost:7071/");
        let on_azure = Env::from_pairs([
            ("WEBSITE_HOSTNAME", "halo-mcp.azurewebsites.net"),
            ("MCP_AUTH_MODE", "none"),
        ]);
        assert_eq!(Config::load(&on_azure).unwrap_err().name, "MCP_AUTH_MODE");
    }

    #[test]
    fn errors_name_the_variable() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("PORT", "eighty")], "PORT"),
            (&[("HALO_URL", "not a url")], "HALO_URL"),
            (&[("MCP_AUTH_MODE", "magic")], "MCP_AUTH_MODE"),
            (
                &[("MCP_AUTH_MODE", "none"), ("BIND_ADDRESS", "0.0.0.0")],
                "MCP_AUTH_MODE",
            ),
            (&[("MCP_READ_ONLY", "perhaps")], "MCP_READ_ONLY"),
            (&[("HALO_TIMEOUT_SECS", "0")], "HALO_TIMEOUT_SECS"),
            (
                &[("MCP_HEADER_TIMEOUT_SECS", "0")],
                "MCP_HEADER_TIMEOUT_SECS",
            ),
            (
                &[("MCP_BODY_TIMEOUT_SECS", "soon")],
                "MCP_BODY_TIMEOUT_SECS",
            ),
            (&[("MCP_MAX_CONNECTIONS", "0")], "MCP_MAX_CONNECTIONS"),
            (&[("HALO_CLIENT_SECRET_NAME", "s")], "KEY_VAULT_URL"),
            (
                &[("HALO_URL", "https://acme.halopsa.com")],
                "HALO_CLIENT_ID",
            ),
            (&[("MCP_AUTH_MODE", "api-key")], "MCP_API_KEYS_SECRET_NAME"),
        ];
        for (pairs, expected) in cases {
            let err =
                Config::load(&Env::from_pairs(pairs.iter().copied())).expect_err("should fail");
            assert_eq!(err.name, *expected, "for {pairs:?}: {err}");
            assert!(err.to_string().contains(expected));
        }
    }

    #[test]
    fn unsafe_settings_stop_start_up_naming_the_variable() {
        let key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="; // 32 bytes
        let long = "0123456789abcdef0123456789abcdef";
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("MCP_TOKEN_KEY", "c2hvcnQ=")], "MCP_TOKEN_KEY"),
            (&[("MCP_TOKEN_KEY", "not base64 at all!")], "MCP_TOKEN_KEY"),
            (
                &[("MCP_AUTH_MODE", "api-key"), ("MCP_API_KEYS", "k1")],
                "MCP_API_KEYS",
            ),
            (
                &[
                    ("MCP_AUTH_MODE", "api-key"),
                    (
                        "MCP_API_KEYS",
                        &format!("{long},0123456789abcdef0123456789abcde"),
                    ),
                ],
                "MCP_API_KEYS",
            ),
            (&[("HALO_URL", "http://acme.halopsa.com")], "HALO_URL"),
            (&[("HALO_URL", "http://10.0.0.7:8080")], "HALO_URL"),
            (
                &[("HALO_AUTH_URL", "http://acme.halopsa.com/auth")],
                "HALO_AUTH_URL",
            ),
            (&[("PUBLIC_URL", "http://mcp.example.com")], "PUBLIC_URL"),
            (&[("BIND_ADDRESS", "10.0.0.7")], "PUBLIC_URL"),
            (
                &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "*")],
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
            ),
            (
                &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "https://*")],
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
            ),
            (
                &[(
                    "MCP_OAUTH_REDIRECT_ALLOWLIST",
                    "https://global.consent.azure-apim.net/redirect/*, https://*.example.com/cb",
                )],
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
            ),
            (
                &[("MCP_OAUTH_REDIRECT_ALLOWLIST", "http://example.com/cb")],
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
            ),
        ];
        for (pairs, expected) in cases {
            let err =
                Config::load(&Env::from_pairs(pairs.iter().copied())).expect_err("should fail");
            assert_eq!(err.name, *expected, "for {pairs:?}: {err}");
            assert!(err.to_string().contains(expected));
        }
        // Values never appear in the message.
        let err = Config::load(&Env::from_pairs([("MCP_TOKEN_KEY", "c2VjcmV0LXZhbHVl")]))
            .expect_err("short key");
        assert!(!err.to_string().contains("c2VjcmV0LXZhbHVl"), "{err}");
        // The safe forms load.
        for pairs in [
            vec![("MCP_TOKEN_KEY", key)],
            vec![("MCP_AUTH_MODE", "api-key"), ("MCP_API_KEYS", long)],
            vec![("PUBLIC_URL", "http://localhost:7071")],
            vec![("PUBLIC_URL", "https://mcp.example.com")],
            vec![
                ("BIND_ADDRESS", "0.0.0.0"),
                ("MCP_AUTH_MODE", "api-key"),
                ("MCP_API_KEYS", long),
            ],
            vec![(
                "MCP_OAUTH_REDIRECT_ALLOWLIST",
                "https://global.consent.azure-apim.net/redirect/halo-mcp-*, http://127.0.0.1:9/cb",
            )],
        ] {
            Config::load(&Env::from_pairs(pairs.iter().copied()))
                .unwrap_or_else(|e| panic!("{pairs:?} should load: {e}"));
        }
    }

    #[test]
    fn secret_refs_never_print_their_value() {
        let s = SecretRef::Value("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
