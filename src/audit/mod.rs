//! The audit log of writes (issue 17): one entry per write tool call, recording the Halo agent
//! it ran as, the MCP client, the tool, the Halo ids it touched, the outcome and a digest of
//! the arguments. Hooked once at the `tools/call` dispatch; stored append-only
//! ([`log::AuditLog`]) and emitted as a log line with target `audit`. `halo-mcp audit` reads it
//! back ([`cli`]).

pub mod cli;
pub mod entry;
pub mod log;
pub mod query;
pub mod recorder;

pub use entry::{AuditEntry, HaloRef, Outcome, Party};
pub use log::{AuditLog, AuditLogError, MemoryAuditLog};
pub use query::AuditQuery;
pub use recorder::{Auditor, WriteCall};
