//! A record of every request the sandbox received, so tests can assert what a client actually
//! sent (e.g. that it never used an unknown query parameter).

use parking_lot::Mutex;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// Lowercased, as the sandbox routes it.
    pub path: String,
    /// Query parameter names only: values may hold search text or secrets.
    pub query_params: Vec<String>,
    pub status: u16,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RequestLog {
    entries: Arc<Mutex<Vec<LoggedRequest>>>,
}

impl RequestLog {
    pub fn push(&self, entry: LoggedRequest) {
        self.entries.lock().push(entry);
    }
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.lock().clone()
    }
}
