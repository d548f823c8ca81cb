//! The tools: Halo's 14 system tools (one file per family) and the admin's custom tools from the
//! tools file. Tools talk to Halo through [`crate::halo`] only.

pub mod actions;
pub mod ai;
pub mod args;
pub mod knowledge;
pub mod people;
pub mod services;
pub mod shape;
pub mod ticket_writes;
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
    tools.extend(ticket_writes::tools());
    tools.push(actions::action_tool());
    tools.push(actions::note_tool());
    tools.push(ticket_writes::assign_tool());
    tools.push(actions::time_tool());
    tools.extend(knowledge::tools());
    tools.extend(ai::tools());
    tools.extend(people::tools());
    tools.extend(services::tools());
    tools
}
