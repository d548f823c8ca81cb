//! The outcome slot: how the tool-call handler ([`super::server`]) tells the HTTP edge
//! ([`super::http`]) what a `tools/call` came to, through the request's extensions. Its own
//! module so the edge depends on the handler and not the other way round.

use std::sync::Arc;

/// Where the tool-call handler leaves the outcome of a `tools/call` for the log line, so the
/// edge need not read it back out of a large result. Other methods leave it empty and the edge
/// reads their (small) responses instead.
#[derive(Debug, Clone, Default)]
pub struct OutcomeSlot(Arc<std::sync::OnceLock<&'static str>>);

impl OutcomeSlot {
    pub fn set(&self, outcome: &'static str) {
        // The first outcome wins; a request has exactly one.
        let _ = self.0.set(outcome);
    }

    pub fn get(&self) -> Option<&'static str> {
        self.0.get().copied()
    }
}
