//! End-to-end tests: the real application (or the real binary) against the Halo sandbox,
//! driven over HTTP the way MCP clients drive it.

#[path = "../support/mod.rs"]
mod support;

// The banner belongs to the binary, not the library: compile the binary's own file here.
#[path = "../../src/bin_support/banner.rs"]
mod banner;

mod acorn_example;
mod agent_arguments;
mod agent_outputs;
mod custom_tools;
mod date_arguments;
mod deploy_first;
mod direct_calls;
mod docs_names;
mod faults;
mod first_run;
mod functions_host;
mod halo_calls;
mod load;
mod lookup_cache;
mod mcp_protocol;
mod resources;
mod rmcp_client;
mod ticket_records;
mod tools_dates;
mod tools_kb;
mod tools_openapi;
mod tools_people;
mod tools_read;
mod tools_write;
