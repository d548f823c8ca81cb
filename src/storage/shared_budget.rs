//! One Halo budget shared by every instance (issue 17): Halo limits calls per tenant, so N
//! instances each holding the whole budget would send N times too many and meet 429 storms.
//!
//! Each instance takes small leases of the budget (see [`lease_size`]) from a state blob
//! updated with optimistic concurrency, so storage is touched about once per lease, not once per
//! call. A Halo 429 is written to the same blob, and every instance reads it when it takes its
//! next lease.
//!
//! When storage fails or does not answer within [`STORAGE_TIMEOUT`], the instance falls back to
//! an in-memory limit of the budget divided by the most instances the plan may run
//! ([`fallback_limit`]), logs that once, tries storage again after [`FIRST_RETRY`], doubling
//! while it keeps failing up to [`RETRY_STORAGE_AFTER`] (so a single slow answer costs a second
//! of the smaller share, not half a minute), and logs once when it is back. Calls are never
//! refused just because storage is down, only held to the instance's share.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use parking_lot::Mutex;
use tokio::time::Instant;

use super::lease::{BudgetState, Grant, fallback_limit, lease_size};
use crate::halo::CallBudget;
use crate::halo::rate_limit::RateLimiter;

/// The longest a call waits on storage for a lease before using the fallback limit.
pub const STORAGE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the fallback lasts after the first storage failure before storage is tried again.
pub const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest the fallback lasts before storage is tried again, however often it failed.
pub const RETRY_STORAGE_AFTER: Duration = Duration::from_secs(30);
/// Lost races for the state blob before a call is told to wait a moment.
const MAX_CONFLICTS: u32 = 8;
/// The shortest wait reported, so a clock edge never becomes a busy loop.
const MIN_WAIT: Duration = Duration::from_millis(50);

/// Why the state blob could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another instance changed it since it was read (ETag mismatch): read again.
    #[error("changed by another instance")]
    Conflict,
    #[error("{0}")]
    Failed(String),
}

/// Where the state lives: a blob ([`super::BlobLeaseStore`]), or memory in unit tests.
pub trait LeaseStore: Send + Sync + 'static {
    /// The state and its version (ETag); a missing blob is the empty state with no version.
    fn load(&self) -> BoxFuture<'_, Result<(BudgetState, Option<String>), StoreError>>;
    /// Writes `state` only if the blob is still at `version` (`None`: only if it is absent).
    fn store<'a>(
        &'a self,
        state: &'a BudgetState,
        version: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

#[derive(Debug, Clone, Copy)]
pub struct BudgetSettings {
    /// Calls allowed per window, for all instances together.
    pub limit: u32,
    pub window: Duration,
    /// The most instances the plan may run (Bicep's `maximumInstanceCount`).
    pub max_instances: u32,
}

/// What this instance holds between leases.
struct Local {
    /// Calls left in the current lease.
    calls: u32,
    lease_until: Instant,
    paused_until: Option<Instant>,
    /// Storage failed: the fallback limit applies until `retry_storage_at`.
    degraded: bool,
    retry_storage_at: Instant,
    /// Storage failures in a row: the wait before the next try doubles with each.
    failures: u32,
}

pub struct SharedBudget {
    store: Arc<dyn LeaseStore>,
    settings: BudgetSettings,
    lease_size: u32,
    fallback: RateLimiter,
    local: Mutex<Local>,
    /// One lease request at a time per instance: the others wait and use its calls.
    leasing: tokio::sync::Mutex<()>,
    /// Wall clock at `started`: leases are stamped in Unix ms, which instances share, and
    /// measured with tokio's clock, which tests can pause.
    started_unix_ms: i64,
    started: Instant,
}

/// Either a decision, or "ask storage for a lease".
enum Step {
    Decided(Result<(), Duration>),
    NeedLease,
}

impl SharedBudget {
    pub fn new(store: Arc<dyn LeaseStore>, settings: BudgetSettings) -> SharedBudget {
        let now = Instant::now();
        SharedBudget {
            store,
            lease_size: lease_size(settings.limit, settings.max_instances),
            fallback: RateLimiter::new(
                fallback_limit(settings.limit, settings.max_instances),
                settings.window,
            ),
            settings,
            local: Mutex::new(Local {
                calls: 0,
                lease_until: now,
                paused_until: None,
                degraded: false,
                retry_storage_at: now,
                failures: 0,
            }),
            leasing: tokio::sync::Mutex::new(()),
            started_unix_ms: chrono::Utc::now().timestamp_millis(),
            started: now,
        }
    }

    fn now_ms(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX / 2);
        self.started_unix_ms.saturating_add(elapsed)
    }

    fn window_ms(&self) -> i64 {
        i64::try_from(self.settings.window.as_millis()).unwrap_or(i64::MAX / 4)
    }

    /// Decides from what this instance holds, when it can.
    fn take_local(&self, now: Instant) -> Step {
        let mut local = self.local.lock();
        if let Some(until) = local.paused_until {
            if until > now {
                return Step::Decided(Err(until - now));
            }
            local.paused_until = None;
        }
        if local.calls > 0 && now < local.lease_until {
            local.calls -= 1;
            return Step::Decided(Ok(()));
        }
        if local.degraded && now < local.retry_storage_at {
            return Step::Decided(self.fallback.try_acquire(std::time::Instant::now()));
        }
        Step::NeedLease
    }

    async fn try_take(&self) -> Result<(), Duration> {
        if let Step::Decided(decision) = self.take_local(Instant::now()) {
            return decision;
        }
        let _leasing = self.leasing.lock().await;
        // Another call may have leased while this one waited.
        if let Step::Decided(decision) = self.take_local(Instant::now()) {
            return decision;
        }
        let outcome = tokio::time::timeout(STORAGE_TIMEOUT, self.lease()).await;
        let now = Instant::now();
        let mut local = self.local.lock();
        match outcome {
            Ok(Ok(grant)) => {
                local.failures = 0;
                if local.degraded {
                    local.degraded = false;
                    tracing::info!(
                        kind = "halo_budget_shared",
                        "shared storage answers again: the Halo budget is shared across instances again"
                    );
                }
                match grant {
                    Grant::Calls(calls) => {
                        local.calls = calls.saturating_sub(1);
                        local.lease_until = now + self.settings.window;
                        Ok(())
                    }
                    Grant::Paused { until_ms } => {
                        let wait = self.until(until_ms);
                        local.paused_until = Some(now + wait);
                        Err(wait)
                    }
                    Grant::Exhausted { until_ms } => Err(self.until(until_ms)),
                }
            }
            Ok(Err(StoreError::Conflict)) => Err(MIN_WAIT),
            Ok(Err(StoreError::Failed(error))) => self.degrade(&mut local, now, &error),
            Err(_) => self.degrade(
                &mut local,
                now,
                &format!("no answer within {} s", STORAGE_TIMEOUT.as_secs()),
            ),
        }
    }

    fn degrade(&self, local: &mut Local, now: Instant, error: &str) -> Result<(), Duration> {
        if !local.degraded {
            local.degraded = true;
            tracing::warn!(
                kind = "halo_budget_fallback",
                %error,
                per_instance_limit = fallback_limit(self.settings.limit, self.settings.max_instances),
                "shared storage is unavailable: this instance limits itself to its share of the Halo budget (HALO_RATE_LIMIT / HALO_MAX_INSTANCES) until it answers"
            );
        }
        local.failures = local.failures.saturating_add(1);
        let backoff = FIRST_RETRY.saturating_mul(1 << local.failures.min(6).saturating_sub(1));
        local.retry_storage_at = now + backoff.min(RETRY_STORAGE_AFTER);
        self.fallback.try_acquire(std::time::Instant::now())
    }

    /// The wait until a shared timestamp, never less than [`MIN_WAIT`].
    fn until(&self, until_ms: i64) -> Duration {
        let ms = u64::try_from(until_ms.saturating_sub(self.now_ms())).unwrap_or(0);
        Duration::from_millis(ms).max(MIN_WAIT)
    }

    /// Reads the state, takes a lease, and writes it back if nobody else wrote in between.
    async fn lease(&self) -> Result<Grant, StoreError> {
        for _ in 0..MAX_CONFLICTS {
            let (mut state, version) = self.store.load().await?;
            let grant = state.take(
                self.now_ms(),
                self.window_ms(),
                self.settings.limit,
                self.lease_size,
            );
            if !matches!(grant, Grant::Calls(_)) {
                return Ok(grant);
            }
            match self.store.store(&state, version.as_deref()).await {
                Ok(()) => return Ok(grant),
                Err(StoreError::Conflict) => continue,
                Err(error) => return Err(error),
            }
        }
        Err(StoreError::Conflict)
    }

    async fn write_pause(&self, until_ms: i64) -> Result<(), StoreError> {
        for _ in 0..MAX_CONFLICTS {
            let (mut state, version) = self.store.load().await?;
            if state.paused_until_ms >= until_ms {
                return Ok(());
            }
            state.pause(until_ms);
            match self.store.store(&state, version.as_deref()).await {
                Err(StoreError::Conflict) => continue,
                other => return other,
            }
        }
        Err(StoreError::Conflict)
    }
}

impl CallBudget for SharedBudget {
    fn acquire(&self, wait: Duration) -> BoxFuture<'_, Result<(), Duration>> {
        Box::pin(async move {
            let deadline = Instant::now() + wait;
            loop {
                match self.try_take().await {
                    Ok(()) => return Ok(()),
                    Err(need) if Instant::now() + need <= deadline => {
                        tokio::time::sleep(need).await;
                    }
                    Err(need) => return Err(need),
                }
            }
        })
    }

    fn refund(&self) {
        let mut local = self.local.lock();
        if local.degraded {
            self.fallback.refund();
        } else if Instant::now() < local.lease_until {
            local.calls += 1;
        }
    }

    fn pause(&self, retry_after: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let retry_after = retry_after.min(self.settings.window);
            {
                let mut local = self.local.lock();
                let until = Instant::now() + retry_after;
                if local.paused_until.is_none_or(|current| current < until) {
                    local.paused_until = Some(until);
                }
            }
            self.fallback.block_for(retry_after);
            let until_ms = self
                .now_ms()
                .saturating_add(i64::try_from(retry_after.as_millis()).unwrap_or(0));
            let written = tokio::time::timeout(STORAGE_TIMEOUT, self.write_pause(until_ms)).await;
            if !matches!(written, Ok(Ok(()))) {
                tracing::warn!(
                    kind = "halo_budget_fallback",
                    "could not share Halo's 429 with the other instances: only this one pauses"
                );
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    use super::*;

    /// The state blob in memory, with a version per write, that can fail or hang on demand.
    #[derive(Default)]
    struct MemoryStore {
        blob: Mutex<(BudgetState, u64)>,
        down: AtomicBool,
        slow: AtomicBool,
        requests: AtomicU32,
    }

    impl MemoryStore {
        async fn fault(&self) -> Result<(), StoreError> {
            self.requests.fetch_add(1, Ordering::SeqCst);
            if self.slow.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            if self.down.load(Ordering::SeqCst) {
                return Err(StoreError::Failed("connection refused".into()));
            }
            Ok(())
        }
    }

    impl LeaseStore for MemoryStore {
        fn load(&self) -> BoxFuture<'_, Result<(BudgetState, Option<String>), StoreError>> {
            Box::pin(async move {
                self.fault().await?;
                let (state, version) = self.blob.lock().clone();
                Ok((state, (version > 0).then(|| version.to_string())))
            })
        }

        fn store<'a>(
            &'a self,
            state: &'a BudgetState,
            version: Option<&'a str>,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async move {
                self.fault().await?;
                let mut blob = self.blob.lock();
                let current = (blob.1 > 0).then(|| blob.1.to_string());
                if current.as_deref() != version {
                    return Err(StoreError::Conflict);
                }
                *blob = (state.clone(), blob.1 + 1);
                Ok(())
            })
        }
    }

    const WINDOW: Duration = Duration::from_secs(300);

    fn budget(store: &Arc<MemoryStore>, limit: u32, max_instances: u32) -> SharedBudget {
        SharedBudget::new(
            store.clone(),
            BudgetSettings {
                limit,
                window: WINDOW,
                max_instances,
            },
        )
    }

    async fn admitted(budget: &SharedBudget, calls: u32) -> u32 {
        let mut admitted = 0;
        for _ in 0..calls {
            if budget.acquire(Duration::ZERO).await.is_ok() {
                admitted += 1;
            }
        }
        admitted
    }

    #[tokio::test(start_paused = true)]
    async fn two_instances_share_one_budget_and_touch_storage_once_per_lease() {
        let store = Arc::new(MemoryStore::default());
        let (a, b) = (budget(&store, 25, 2), budget(&store, 25, 2));
        // Leases of 10: A takes 10, B takes 10, A gets the last 5.
        let mut total = 0;
        for _ in 0..20 {
            total += admitted(&a, 1).await + admitted(&b, 1).await;
        }
        assert_eq!(total, 25, "the budget is for both instances together");
        // Three granted leases (2 requests each) and refusals (1 read each) after that.
        let grants = 3 * 2;
        assert!(store.requests.load(Ordering::SeqCst) < grants + 20);

        // The window rolls: after it, the budget is whole again.
        tokio::time::advance(WINDOW).await;
        assert_eq!(admitted(&a, 30).await + admitted(&b, 30).await, 25);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_call_says_when_the_oldest_lease_leaves_the_window() {
        let store = Arc::new(MemoryStore::default());
        let a = budget(&store, 10, 1);
        assert_eq!(admitted(&a, 10).await, 10);
        tokio::time::advance(Duration::from_secs(100)).await;
        let wait = a.acquire(Duration::ZERO).await.unwrap_err();
        assert!(
            wait > Duration::from_secs(199) && wait <= Duration::from_secs(200),
            "{wait:?}"
        );
        // Waiting long enough is admitted.
        assert!(a.acquire(Duration::from_secs(201)).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_on_one_pauses_the_other_at_its_next_lease() {
        let store = Arc::new(MemoryStore::default());
        let (a, b) = (budget(&store, 100, 10), budget(&store, 100, 10));
        a.pause(Duration::from_secs(30)).await;
        assert!(a.acquire(Duration::ZERO).await.is_err());
        let wait = b.acquire(Duration::ZERO).await.unwrap_err();
        assert!(wait <= Duration::from_secs(30) && wait > Duration::from_secs(29));
        // No lease was recorded while paused.
        assert!(store.blob.lock().0.leases.is_empty());
        tokio::time::advance(Duration::from_secs(31)).await;
        assert!(b.acquire(Duration::ZERO).await.is_ok());
        assert!(a.acquire(Duration::ZERO).await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn storage_down_falls_back_to_a_share_and_recovers() {
        let store = Arc::new(MemoryStore::default());
        store.down.store(true, Ordering::SeqCst);
        // 100 calls for at most 4 instances: 25 each while storage is down.
        let a = budget(&store, 100, 4);
        assert_eq!(admitted(&a, 40).await, 25);
        let tried = store.requests.load(Ordering::SeqCst);
        assert_eq!(tried, 1, "storage is not asked again on every call");

        // Storage is back: after the retry interval the shared budget applies again.
        store.down.store(false, Ordering::SeqCst);
        tokio::time::advance(RETRY_STORAGE_AFTER).await;
        assert_eq!(admitted(&a, 1).await, 1);
        assert!(!a.local.lock().degraded);
    }

    #[tokio::test(start_paused = true)]
    async fn storage_is_tried_again_after_a_second_then_less_often_while_it_fails() {
        let store = Arc::new(MemoryStore::default());
        store.down.store(true, Ordering::SeqCst);
        let a = budget(&store, 100, 4);
        let tries = || store.requests.load(Ordering::SeqCst);
        let _ = a.acquire(Duration::ZERO).await;
        assert_eq!(tries(), 1);
        // Waits of 1, 2, 4, ... seconds between tries, never more than RETRY_STORAGE_AFTER.
        let mut expected_tries = 1;
        for wait in [1u64, 2, 4, 8, 16, 30, 30] {
            tokio::time::advance(Duration::from_secs(wait) - Duration::from_millis(10)).await;
            let _ = a.acquire(Duration::ZERO).await;
            assert_eq!(tries(), expected_tries, "not before {wait} s");
            tokio::time::advance(Duration::from_millis(10)).await;
            let _ = a.acquire(Duration::ZERO).await;
            expected_tries += 1;
            assert_eq!(tries(), expected_tries, "after {wait} s");
        }
        // Back: a success resets the wait to a second for the next failure.
        store.down.store(false, Ordering::SeqCst);
        tokio::time::advance(RETRY_STORAGE_AFTER).await;
        assert!(a.acquire(Duration::ZERO).await.is_ok());
        assert!(!a.local.lock().degraded);
        assert_eq!(a.local.lock().failures, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn slow_storage_counts_as_down() {
        let store = Arc::new(MemoryStore::default());
        store.slow.store(true, Ordering::SeqCst);
        let a = budget(&store, 100, 4);
        let started = Instant::now();
        assert!(a.acquire(Duration::ZERO).await.is_ok());
        assert_eq!(started.elapsed(), STORAGE_TIMEOUT);
        assert!(a.local.lock().degraded);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refund_returns_the_call_to_the_lease() {
        let store = Arc::new(MemoryStore::default());
        let a = budget(&store, 2, 1);
        assert!(a.acquire(Duration::ZERO).await.is_ok());
        a.refund();
        assert_eq!(admitted(&a, 5).await, 2);
    }
}
