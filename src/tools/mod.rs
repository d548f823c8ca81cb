//! The tools: Halo's 14 system tools (one file per family) and the admin's custom tools from the
//! tools file. Tools talk to Halo through [`crate::halo`] only.

pub mod actions;
pub mod ai;
pub mod args;
pub mod custom;
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
/// A bad tools file is an error naming the file, the entry and the problem.
pub fn all_tools(config: &Config) -> Result<Vec<Arc<dyn ToolHandler>>, String> {
    let mut tools = system_tools();
    let reserved: Vec<String> = tools.iter().map(|t| t.definition().name.clone()).collect();
    tools.extend(custom::load(config, &reserved).map_err(|e| e.to_string())?);
    Ok(tools)
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
