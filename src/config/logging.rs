//! How logs are written: the format, and the filter a bad value of which stops start-up like
//! any other setting's (tracing would otherwise drop the bad directive without a word).

use tracing_subscriber::filter::Directive;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, config_error};

/// The log filter when `RUST_LOG` is unset: our one line per request, without rmcp's
/// per-request lifecycle lines.
pub const DEFAULT_LOG_FILTER: &str = "info,rmcp=warn";

pub const LOG_FORMAT: Setting = Setting::operator(
    "LOG_FORMAT",
    Fallback::Derived("text (json under Azure Functions)"),
    "Log format: 'text' or 'json'.",
);
pub const RUST_LOG: Setting = Setting::operator(
    "RUST_LOG",
    Fallback::Text(DEFAULT_LOG_FILTER),
    "Log filter in tracing-subscriber syntax, e.g. 'info,halo_mcp=debug'. The default keeps \
     rmcp at warn: at info it logs three lifecycle lines for every stateless request.",
);
pub const FUNCTIONS_WORKER_RUNTIME: Setting = Setting::platform(
    "FUNCTIONS_WORKER_RUNTIME",
    "Set by the Functions host; its presence selects JSON logs.",
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// `under_functions_host`: the Functions host started us, which also means JSON.
    pub fn load(env: &Env, under_functions_host: bool) -> Result<LogFormat, ConfigError> {
        let on_functions = under_functions_host || env.get(&FUNCTIONS_WORKER_RUNTIME).is_some();
        match env.get(&LOG_FORMAT).map(|v| v.to_ascii_lowercase()) {
            None if on_functions => Ok(LogFormat::Json),
            None => Ok(LogFormat::Text),
            Some(v) if v == "json" => Ok(LogFormat::Json),
            Some(v) if v == "text" => Ok(LogFormat::Text),
            Some(v) => Err(config_error(
                LOG_FORMAT.name,
                format!("'{v}' is not 'text' or 'json'"),
            )),
        }
    }
}

/// The `RUST_LOG` filter, each of its comma-separated directives checked.
pub fn log_filter(env: &Env) -> Result<String, ConfigError> {
    let filter = env.required::<String>(&RUST_LOG)?;
    for directive in filter.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        directive.parse::<Directive>().map_err(|e| {
            config_error(
                RUST_LOG.name,
                format!(
                    "'{directive}' is not a valid log directive ({e}); use e.g. \
                     'info,halo_mcp=debug' (levels: error, warn, info, debug, trace, off)"
                ),
            )
        })?;
    }
    Ok(filter)
}
