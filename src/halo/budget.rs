//! The budget every Halo call draws from before it is sent. One process alone uses the
//! in-memory [`RateLimiter`]; instances that share Halo's per-tenant limit use a budget kept in
//! shared storage (`crate::storage::SharedBudget`). The client only sees this trait.

use std::time::Duration;

use futures::future::BoxFuture;

use super::rate_limit::RateLimiter;

pub trait CallBudget: Send + Sync + 'static {
    /// Takes one call, waiting at most `wait`; else says how long until one is free.
    fn acquire(&self, wait: Duration) -> BoxFuture<'_, Result<(), Duration>>;

    /// Gives back a call taken by [`acquire`](Self::acquire) but never sent (the budget counts
    /// only what reaches Halo).
    fn refund(&self);

    /// Halo answered 429 with this `Retry-After`: hold every call until it has passed.
    fn pause(&self, retry_after: Duration) -> BoxFuture<'_, ()>;
}

impl CallBudget for RateLimiter {
    fn acquire(&self, wait: Duration) -> BoxFuture<'_, Result<(), Duration>> {
        Box::pin(RateLimiter::acquire(self, wait))
    }

    fn refund(&self) {
        RateLimiter::refund(self);
    }

    fn pause(&self, retry_after: Duration) -> BoxFuture<'_, ()> {
        self.block_for(retry_after);
        Box::pin(std::future::ready(()))
    }
}
