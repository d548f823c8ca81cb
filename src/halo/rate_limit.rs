//! A rolling-window rate limiter per Halo instance, so halo-mcp stays under Halo's limit
//! (hosted Halo allows about 300 requests per rolling 5 minutes) instead of hitting 429s.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

#[derive(Debug)]
pub struct RateLimiter {
    max_requests: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
    /// Set from a 429's Retry-After: no request is sent before this instant.
    blocked_until: Mutex<Option<Instant>>,
}

impl RateLimiter {
    pub fn new(max_requests: u32, window: Duration) -> Self {
        RateLimiter {
            max_requests: max_requests.max(1) as usize,
            window,
            sent: Mutex::new(VecDeque::new()),
            blocked_until: Mutex::new(None),
        }
    }

    /// Takes a slot now, or says how long until one frees up.
    pub fn try_acquire(&self, now: Instant) -> Result<(), Duration> {
        if let Some(until) = *self.blocked_until.lock()
            && until > now
        {
            return Err(until - now);
        }
        let mut sent = self.sent.lock();
        while sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            sent.pop_front();
        }
        if sent.len() < self.max_requests {
            sent.push_back(now);
            return Ok(());
        }
        let oldest = sent.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)))
    }

    /// Waits for a slot for at most `budget`; returns the wait still needed if that is not enough.
    pub async fn acquire(&self, budget: Duration) -> Result<(), Duration> {
        let deadline = Instant::now() + budget;
        loop {
            let now = Instant::now();
            match self.try_acquire(now) {
                Ok(()) => return Ok(()),
                Err(wait) if now + wait <= deadline => tokio::time::sleep(wait).await,
                Err(wait) => return Err(wait),
            }
        }
    }

    /// Returns the most recent slot, taken for a call that was never sent.
    pub fn refund(&self) {
        self.sent.lock().pop_back();
    }

    /// Halo said 429: hold every request until `retry_after` has passed, but never for longer
    /// than one window (a slot always frees within it).
    pub fn block_for(&self, retry_after: Duration) {
        let now = Instant::now();
        let until = now.checked_add(retry_after.min(self.window)).unwrap_or(now);
        let mut blocked = self.blocked_until.lock();
        if blocked.is_none_or(|current| current < until) {
            *blocked = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_then_reports_the_wait() {
        let limiter = RateLimiter::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(limiter.try_acquire(t0).is_ok());
        assert!(limiter.try_acquire(t0 + Duration::from_secs(1)).is_ok());
        let wait = limiter
            .try_acquire(t0 + Duration::from_secs(2))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(8));
        // The window rolls: the first slot frees after 10 s.
        assert!(limiter.try_acquire(t0 + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn a_refunded_slot_is_free_again() {
        let limiter = RateLimiter::new(1, Duration::from_secs(10));
        let now = Instant::now();
        assert!(limiter.try_acquire(now).is_ok());
        limiter.refund();
        assert!(limiter.try_acquire(now).is_ok());
        assert!(limiter.try_acquire(now).is_err());
    }

    #[test]
    fn a_huge_retry_after_blocks_for_one_window_at_most() {
        let limiter = RateLimiter::new(100, Duration::from_secs(10));
        limiter.block_for(Duration::MAX);
        let wait = limiter.try_acquire(Instant::now()).unwrap_err();
        assert!(wait <= Duration::from_secs(10), "{wait:?}");
    }

    #[test]
    fn retry_after_blocks_until_it_passes() {
        let limiter = RateLimiter::new(100, Duration::from_secs(10));
        limiter.block_for(Duration::from_secs(30));
        assert!(limiter.try_acquire(Instant::now()).is_err());
    }
}
