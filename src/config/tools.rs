//! Which tools are offered: the custom tools file, allow- and deny-lists, read-only mode.

use std::path::PathBuf;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env};

pub const MCP_TOOLS_FILE: Setting = Setting::operator(
    "MCP_TOOLS_FILE",
    Fallback::Derived("(embedded sandbox: the demo tools file)"),
    "Path of the custom tools file (TOML or JSON): report, bound create-ticket and automation tools.",
);
pub const MCP_ENABLED_TOOLS: Setting = Setting::operator(
    "MCP_ENABLED_TOOLS",
    Fallback::Derived("(all)"),
    "Comma-separated allow-list of tool names; unset means every tool.",
);
pub const MCP_DISABLED_TOOLS: Setting = Setting::operator(
    "MCP_DISABLED_TOOLS",
    Fallback::Derived("(none)"),
    "Comma-separated deny-list of tool names.",
);
pub const MCP_READ_ONLY: Setting = Setting::operator(
    "MCP_READ_ONLY",
    Fallback::Text("false"),
    "true hides every tool that writes to Halo.",
);

#[derive(Debug, Clone, Default)]
pub struct ToolSettings {
    pub file: Option<PathBuf>,
    pub enabled: Option<Vec<String>>,
    pub disabled: Vec<String>,
    pub read_only: bool,
}

impl ToolSettings {
    pub fn load(env: &Env) -> Result<ToolSettings, ConfigError> {
        Ok(ToolSettings {
            file: env.get(&MCP_TOOLS_FILE).map(PathBuf::from),
            enabled: Some(env.list(&MCP_ENABLED_TOOLS)).filter(|l| !l.is_empty()),
            disabled: env.list(&MCP_DISABLED_TOOLS),
            read_only: env.bool(&MCP_READ_ONLY)?,
        })
    }
}
