//! Limits on client connections and request bodies at the HTTP edge.

use std::time::Duration;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, config_error};

pub const MCP_MAX_BODY_BYTES: Setting = Setting::operator(
    "MCP_MAX_BODY_BYTES",
    Fallback::Number(1024 * 1024),
    "Largest accepted request body in bytes; larger bodies get 413.",
);
pub const MCP_HEADER_TIMEOUT_SECS: Setting = Setting::operator(
    "MCP_HEADER_TIMEOUT_SECS",
    Fallback::Number(10),
    "Seconds a client has to send a request's headers, counted from when the connection opens \
     or the previous response ends (so also the idle keep-alive timeout); then it is closed.",
);
pub const MCP_BODY_TIMEOUT_SECS: Setting = Setting::operator(
    "MCP_BODY_TIMEOUT_SECS",
    Fallback::Number(30),
    "Seconds allowed to receive a request body: the longest pause between its parts, and the \
     whole /mcp body; a slower body gets 408 and the connection is closed.",
);
pub const MCP_MAX_CONNECTIONS: Setting = Setting::operator(
    "MCP_MAX_CONNECTIONS",
    Fallback::Number(256),
    "Concurrent client connections served; more wait in the OS accept queue. Lowered at \
     start-up to leave a quarter of the open-file limit (ulimit -n) for Halo calls.",
);

/// The smallest body limit that still fits an MCP request with a few arguments.
const MIN_BODY_BYTES: usize = 1024;

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
        header_timeout: Duration::from_secs(MCP_HEADER_TIMEOUT_SECS.number()),
        body_timeout: Duration::from_secs(MCP_BODY_TIMEOUT_SECS.number()),
        max_connections: MCP_MAX_CONNECTIONS.number() as usize,
    };

    pub fn load(env: &Env) -> Result<ConnectionSettings, ConfigError> {
        Ok(ConnectionSettings {
            header_timeout: env.secs(&MCP_HEADER_TIMEOUT_SECS)?,
            body_timeout: env.secs(&MCP_BODY_TIMEOUT_SECS)?,
            max_connections: env.positive::<usize>(&MCP_MAX_CONNECTIONS)?,
        })
    }
}

pub fn max_body_bytes(env: &Env) -> Result<usize, ConfigError> {
    let bytes = env.required::<usize>(&MCP_MAX_BODY_BYTES)?;
    if bytes < MIN_BODY_BYTES {
        return Err(config_error(
            MCP_MAX_BODY_BYTES.name,
            format!("must be at least {MIN_BODY_BYTES} bytes"),
        ));
    }
    Ok(bytes)
}
