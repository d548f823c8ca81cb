//! Where audit entries are kept: append-only. [`MemoryAuditLog`] holds them within one process
//! (local runs, the embedded sandbox); `crate::storage::BlobAuditLog` keeps one append blob per
//! day in the state container, shared by every instance.

use std::collections::VecDeque;

use futures::future::BoxFuture;
use parking_lot::Mutex;

use super::entry::AuditEntry;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AuditLogError(pub String);

pub trait AuditLog: Send + Sync + 'static {
    /// Appends one entry; never rewrites earlier ones.
    fn append<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, Result<(), AuditLogError>>;

    /// Every entry kept, oldest first (for `halo-mcp audit` and tests).
    fn read_all(&self) -> BoxFuture<'_, Result<Vec<AuditEntry>, AuditLogError>>;
}

/// The last [`MemoryAuditLog::CAPACITY`] entries, in memory.
#[derive(Default)]
pub struct MemoryAuditLog {
    entries: Mutex<VecDeque<AuditEntry>>,
}

impl MemoryAuditLog {
    /// Bounded, so a long-running local server cannot grow without end; the log lines carry
    /// every entry anyway.
    pub const CAPACITY: usize = 10_000;
}

impl AuditLog for MemoryAuditLog {
    fn append<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, Result<(), AuditLogError>> {
        let mut entries = self.entries.lock();
        if entries.len() == Self::CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry.clone());
        Box::pin(std::future::ready(Ok(())))
    }

    fn read_all(&self) -> BoxFuture<'_, Result<Vec<AuditEntry>, AuditLogError>> {
        let entries = self.entries.lock().iter().cloned().collect();
        Box::pin(std::future::ready(Ok(entries)))
    }
}
