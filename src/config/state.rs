//! Where state lives beyond one process: the blob container instances share, and the file the
//! embedded sandbox persists its demo data to.

use std::path::PathBuf;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, config_error};
use crate::storage::StateContainer;

pub const MCP_STATE_CONTAINER_URL: Setting = Setting::operator(
    "MCP_STATE_CONTAINER_URL",
    Fallback::Derived("(memory only: one instance)"),
    "Blob container every instance shares single-use sign-in records, the Halo budget and the audit log in, e.g. https://<account>.blob.core.windows.net/halo-mcp-state (managed identity).",
);
pub const SANDBOX_STATE_FILE: Setting = Setting::local_only(
    "SANDBOX_STATE_FILE",
    Fallback::Derived("(memory only)"),
    "File the embedded Halo sandbox persists its state to, so a demo survives a restart.",
);

pub fn state_container(env: &Env) -> Result<Option<StateContainer>, ConfigError> {
    env.get(&MCP_STATE_CONTAINER_URL)
        .map(|url| {
            StateContainer::parse(&url)
                .map_err(|problem| config_error(MCP_STATE_CONTAINER_URL.name, problem))
        })
        .transpose()
}

pub fn sandbox_state_file(env: &Env) -> Option<PathBuf> {
    env.get(&SANDBOX_STATE_FILE).map(PathBuf::from)
}
