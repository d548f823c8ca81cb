//! The admin's custom tools, declared in the tools file (`MCP_TOOLS_FILE`): Halo reports as
//! tools, create-ticket tools bound to one ticket type, and automation (runbook) tools.
//!
//! With the embedded sandbox and no `MCP_TOOLS_FILE`, the demo tools file compiled into the
//! binary is used, so `cargo run` shows custom tools from any working directory. A relative
//! `MCP_TOOLS_FILE` is read relative to the working directory; the Azure Functions host starts
//! the handler in the app root, so `tools/halo-tools.toml` names the file shipped in the package.

pub mod automation;
pub mod bound_create;
pub mod dynamic;
pub mod file;
pub mod period;
pub mod report;

use std::sync::Arc;

use crate::config::Config;
use crate::mcp::ToolHandler;

pub use file::{CustomTools, ToolsFileError};

/// The demo tools file, for the sandbox's reports, ticket types and runbooks (only in a build
/// with the embedded sandbox, which is the only Halo that has them).
#[cfg(feature = "embedded-sandbox")]
pub const DEMO_TOOLS: &str = include_str!("../../../tools/demo-tools.toml");
/// How the embedded demo file is named in messages.
#[cfg(feature = "embedded-sandbox")]
pub const DEMO_TOOLS_NAME: &str = "tools/demo-tools.toml (built in)";

/// Loads the custom tools this configuration asks for. `reserved` are the system tools' names,
/// which custom tools may not reuse.
pub fn load(
    config: &Config,
    reserved: &[String],
) -> Result<Vec<Arc<dyn ToolHandler>>, ToolsFileError> {
    let tools = match &config.tools.file {
        Some(path) => file::load(path, reserved)?,
        #[cfg(feature = "embedded-sandbox")]
        None if config.embedded_sandbox() => {
            file::parse(DEMO_TOOLS_NAME, file::Format::Toml, DEMO_TOOLS, reserved)?
        }
        None => CustomTools::default(),
    };
    Ok(handlers(tools))
}

/// One handler per declared tool, reports first, in the file's order.
pub fn handlers(tools: CustomTools) -> Vec<Arc<dyn ToolHandler>> {
    let mut out: Vec<Arc<dyn ToolHandler>> = Vec::new();
    for spec in tools.reports {
        out.push(Arc::new(report::ReportHandler::new(spec)));
    }
    for spec in tools.creates {
        out.push(Arc::new(bound_create::BoundCreateHandler::new(spec)));
    }
    for spec in tools.automations {
        out.push(Arc::new(automation::AutomationHandler::new(spec)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "embedded-sandbox")]
    use crate::mcp::schema::violations;

    #[test]
    #[cfg(feature = "embedded-sandbox")]
    fn the_demo_file_loads_and_its_schemas_are_copilot_safe() {
        let reserved: Vec<String> = crate::tools::system_tools()
            .iter()
            .map(|t| t.definition().name.clone())
            .collect();
        let tools = file::parse(DEMO_TOOLS_NAME, file::Format::Toml, DEMO_TOOLS, &reserved)
            .unwrap_or_else(|e| panic!("{e}"));
        let handlers = handlers(tools);
        let names: Vec<&str> = handlers
            .iter()
            .map(|h| h.definition().name.as_str())
            .collect();
        for expected in [
            "Whitespace_Report",
            "CF_Missed_SLA_By_Technician_Monthly_Report",
            "create_opportunity",
            "reset_user_password",
        ] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
        for h in &handlers {
            let d = h.definition();
            assert!(
                violations(&d.input_schema).is_empty(),
                "{}: {:?}",
                d.name,
                violations(&d.input_schema)
            );
        }
    }

    #[test]
    fn the_example_file_loads() {
        let text = include_str!("../../../tools/example-tools.toml");
        let tools = file::parse("tools/example-tools.toml", file::Format::Toml, text, &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !tools.reports.is_empty() && !tools.creates.is_empty() && !tools.automations.is_empty()
        );
    }
}
