//! Halo's rolling-window rate limit ("300 requests per rolling 5 minute window"), kept per API
//! client id so one noisy integration does not starve another.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// At most `max_requests` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max_requests: u32,
    pub window: Duration,
}

impl RateLimit {
    /// What hosted Halo documented for years: 300 requests per rolling 5 minutes.
    pub fn halo_hosted() -> RateLimit {
        RateLimit {
            max_requests: 300,
            window: Duration::from_secs(300),
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request for `key`; `Err(retry_after_secs)` when the window is full.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut seen = self.seen.lock();
        let times = seen.entry(key.to_string()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= limit.window)
        {
            times.pop_front();
        }
        if times.len() >= limit.max_requests as usize {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = limit.window.saturating_sub(now.duration_since(oldest));
            // Round up: a client that waits exactly Retry-After seconds must get through.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Err(secs.max(1));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_and_reports_retry_after() {
        let limiter = RateLimiter::new(Some(RateLimit {
            max_requests: 2,
            window: Duration::from_secs(60),
        }));
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        let retry = limiter.check("a").unwrap_err();
        assert!((1..=60).contains(&retry));
        assert!(limiter.check("b").is_ok(), "limits are per client");
    }
}
