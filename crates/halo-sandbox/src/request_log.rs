//! A record of every request the sandbox received, so tests can assert what a client actually
//! sent (e.g. that it never used an unknown query parameter).

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;

/// The most entries kept: a long-running demo or a load test must not grow memory without
/// bound, and tests only look at recent requests.
pub const MAX_LOGGED_REQUESTS: usize = 10_000;

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
    entries: Arc<Mutex<VecDeque<LoggedRequest>>>,
}

impl RequestLog {
    pub fn push(&self, entry: LoggedRequest) {
        let mut entries = self.entries.lock();
        if entries.len() == MAX_LOGGED_REQUESTS {
            entries.pop_front();
        }
        entries.push_back(entry);
    }
    /// The logged requests, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.lock().iter().cloned().collect()
    }
}
