//! The Model Context Protocol side: the HTTP edge at `/mcp`, the rmcp server handler, the tool
//! registry, Copilot-Studio-safe schemas, the shaping of tool results and errors, and the
//! resources (tickets and knowledge-base articles as documents).

pub mod agent_dates;
pub mod arguments;
pub mod body;
pub mod context;
pub mod direct;
pub mod error;
pub mod http;
pub mod outcome;
pub mod registry;
pub mod resources;
pub mod result;
pub mod schema;
pub mod server;

pub use context::CallContext;
pub use error::ToolError;
pub use registry::{Effect, ToolDefinition, ToolHandler, ToolRegistry};
pub use server::HaloMcpServer;
