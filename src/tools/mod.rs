//! The tools: Halo's 14 system tools (one file per family) and the admin's custom tools from the
//! tools file. Tools talk to Halo through [`crate::halo`] only.

pub mod args;
pub mod shape;
pub mod tickets;

use std::sync::Arc;

use crate::config::Config;
use crate::mcp::ToolHandler;

/// Every tool this deployment could offer, before the operator's selection is applied.
pub fn all_tools(_config: &Config) -> Result<Vec<Arc<dyn ToolHandler>>, String> {
    Ok(system_tools())
}

/// Halo's system tools, in the order Halo lists them.
pub fn system_tools() -> Vec<Arc<dyn ToolHandler>> {
    let mut tools = Vec::new();
    tools.extend(tickets::tools());
    tools
}
