//! The tools file (`MCP_TOOLS_FILE`): TOML or JSON text → validated custom tool definitions.
//!
//! Checks, for any text, read both as TOML and as JSON:
//! - `tools::custom::file::parse` never panics (including its error messages, which point at a
//!   line and column of the text);
//! - a file it accepts always yields tools the registry accepts next to the system tools (valid,
//!   unique names), whose definitions become MCP tools with JSON input schemas — so a file that
//!   passes validation can never stop the server at start-up.

#![no_main]

use std::sync::OnceLock;

use halo_mcp::config::ToolSettings;
use halo_mcp::mcp::ToolRegistry;
use halo_mcp::tools::{custom, system_tools};
use libfuzzer_sys::fuzz_target;

fn reserved() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(halo_mcp_fuzz::system_tool_names)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for format in [custom::file::Format::Toml, custom::file::Format::Json] {
        let parsed = custom::file::parse("fuzz.toml", format, text, reserved());
        let tools = match parsed {
            Ok(tools) => tools,
            Err(error) => {
                let _ = error.to_string();
                continue;
            }
        };
        let mut all = system_tools();
        all.extend(custom::handlers(tools));
        let registry = ToolRegistry::new(all, &ToolSettings::default())
            .unwrap_or_else(|e| panic!("a validated tools file was refused at start-up: {e}"));
        for tool in registry.list() {
            serde_json::to_string(tool).expect("a tool serialises");
        }
    }
});
