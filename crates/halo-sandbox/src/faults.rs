//! Fault injection: tests and benchmarks make the next matching requests fail in the ways a real
//! Halo instance (or the network in front of it) fails.

use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use parking_lot::Mutex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and a plain-text body.
    Status(u16),
    /// 429 with `Retry-After`.
    RateLimited { retry_after_secs: u64 },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Drop the connection without an answer; nothing is performed.
    ResetConnection,
    /// 200, JSON content type, truncated body.
    MalformedJson,
    /// 200 `text/html` login page, as a misrouted proxy would answer.
    WrongContentType,
    /// Perform the request, then drop the connection: a lost response.
    DropResponseAfterCommit,
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// Matches when the lowercased path contains this (lowercased) text; `None` = any path.
    pub path_contains: Option<String>,
    /// `None` = any method.
    pub method: Option<Method>,
    /// How many matching requests it affects.
    pub times: u32,
    pub kind: FaultKind,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            path_contains: None,
            method: None,
            times: 1,
            kind,
        }
    }
}

/// Cheap clone; all clones share the same queue of faults.
#[derive(Debug, Clone, Default)]
pub struct FaultInjector {
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl FaultInjector {
    pub fn inject(&self, fault: Fault) {
        if fault.times > 0 {
            self.faults.lock().push(fault);
        }
    }

    pub fn clear(&self) {
        self.faults.lock().clear();
    }

    /// Consumes one use of the first fault matching the request, if any.
    pub(crate) fn take(&self, method: &Method, lower_path: &str) -> Option<FaultKind> {
        let mut faults = self.faults.lock();
        let index = faults.iter().position(|f| {
            f.method.as_ref().is_none_or(|m| m == method)
                && f.path_contains
                    .as_ref()
                    .is_none_or(|p| lower_path.contains(&p.to_ascii_lowercase()))
        })?;
        let fault = &mut faults[index];
        let kind = fault.kind.clone();
        fault.times -= 1;
        if fault.times == 0 {
            faults.remove(index);
        }
        Some(kind)
    }
}
