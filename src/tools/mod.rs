//! The tools: Halo's 14 system tools (one file per family) and the admin's custom tools from the
//! tools file. Tools talk to Halo through [`crate::halo`] only.

pub mod actions;
pub mod ai;
pub mod args;
pub mod custom;
pub mod effects;
pub mod hints;
pub mod knowledge;
pub mod people;
pub mod services;
pub mod shape;
pub mod ticket_fields;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::Effect;
    use crate::mcp::schema::{is_snake_case, violations};

    /// Every advertised schema is flat and Copilot-safe; every tool has a snake_case name, a
    /// title, a description and annotations that match what it does.
    #[test]
    fn every_system_tool_is_copilot_safe() {
        let tools = system_tools();
        assert_eq!(tools.len(), 14, "Halo has 14 system tools");
        for tool in &tools {
            let d = tool.definition();
            assert!(is_snake_case(&d.name), "{} is not snake_case", d.name);
            assert!(!d.title.is_empty(), "{} has no title", d.name);
            assert!(
                d.description.len() > 40,
                "{} needs a real description",
                d.name
            );
            let problems = violations(&d.input_schema);
            assert!(problems.is_empty(), "{}: {problems:?}", d.name);
            assert_eq!(
                d.input_schema.get("additionalProperties"),
                Some(&serde_json::Value::Bool(false)),
                "{} must refuse unknown arguments",
                d.name
            );
            let advertised = d.to_tool();
            let hints = advertised.annotations.expect("annotations");
            let read_only = d.effect == Effect::Read;
            assert_eq!(hints.read_only_hint, Some(read_only), "{}", d.name);
            assert_eq!(hints.open_world_hint, Some(true), "{}", d.name);
            if d.effect == Effect::Add {
                assert_eq!(hints.destructive_hint, Some(false), "{}", d.name);
                assert_eq!(hints.idempotent_hint, Some(false), "{}", d.name);
            }
        }
    }
}
