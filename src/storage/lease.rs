//! The arithmetic of the shared Halo budget, apart from storage and clocks: the state every
//! instance reads and writes (one small JSON blob per Halo instance), and what one instance may
//! take from it.
//!
//! The window rolls like Halo's: each lease is recorded with the time it was granted and counts
//! against the budget for one window from then, whether or not all its calls were sent (unused
//! calls of a lease are lost, never lent twice, so instances together never exceed the limit).

use serde::{Deserialize, Serialize};

/// What the blob holds. Times are Unix milliseconds: instances share only the wall clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetState {
    /// Leases granted within the last window: `[granted_at_ms, calls]`.
    #[serde(default)]
    pub leases: Vec<(i64, u32)>,
    /// From a Halo 429's `Retry-After`: no instance sends before this.
    #[serde(default)]
    pub paused_until_ms: i64,
}

/// What a request for a lease gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// This many calls, valid until one window after now.
    Calls(u32),
    /// Halo said 429; nothing until then (ms).
    Paused { until_ms: i64 },
    /// The window's budget is spent; the oldest lease leaves it at `until_ms`.
    Exhausted { until_ms: i64 },
}

impl BudgetState {
    /// Drops leases older than one window.
    fn forget_old(&mut self, now_ms: i64, window_ms: i64) {
        self.leases.retain(|(at, _)| at + window_ms > now_ms);
    }

    /// Calls granted within the window ending now.
    pub fn used(&self, now_ms: i64, window_ms: i64) -> u64 {
        self.leases
            .iter()
            .filter(|(at, _)| at + window_ms > now_ms)
            .map(|(_, calls)| u64::from(*calls))
            .sum()
    }

    /// Grants up to `want` calls of `limit` per window, recording the lease when any are
    /// granted. The state changes only on [`Grant::Calls`].
    pub fn take(&mut self, now_ms: i64, window_ms: i64, limit: u32, want: u32) -> Grant {
        if self.paused_until_ms > now_ms {
            return Grant::Paused {
                until_ms: self.paused_until_ms,
            };
        }
        self.forget_old(now_ms, window_ms);
        let left = u64::from(limit).saturating_sub(self.used(now_ms, window_ms));
        let calls = u32::try_from(left.min(u64::from(want))).unwrap_or(want);
        if calls == 0 {
            let oldest = self
                .leases
                .iter()
                .map(|(at, _)| *at)
                .min()
                .unwrap_or(now_ms);
            return Grant::Exhausted {
                until_ms: oldest + window_ms,
            };
        }
        self.leases.push((now_ms, calls));
        Grant::Calls(calls)
    }

    /// Records a 429: pause until `until_ms`, unless a longer pause is already set.
    pub fn pause(&mut self, until_ms: i64) {
        self.paused_until_ms = self.paused_until_ms.max(until_ms);
    }
}

/// Calls per lease: few enough that a fleet at its maximum size can share the budget (each
/// instance can hold a lease), at most 10 so storage is touched about once per 10 calls.
pub fn lease_size(limit: u32, max_instances: u32) -> u32 {
    (limit / max_instances.max(1)).clamp(1, 10)
}

/// The per-instance limit when shared storage cannot be reached: the budget split evenly over
/// the most instances the plan may run, so together they still stay under Halo's limit.
pub fn fallback_limit(limit: u32, max_instances: u32) -> u32 {
    (limit / max_instances.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: i64 = 300_000;

    #[test]
    fn leases_are_granted_until_the_limit_then_the_wait_is_the_oldest_leases_expiry() {
        let mut state = BudgetState::default();
        assert_eq!(state.take(0, WINDOW, 25, 10), Grant::Calls(10));
        assert_eq!(state.take(1_000, WINDOW, 25, 10), Grant::Calls(10));
        // Only 5 left: a partial lease, so the instances together reach exactly the limit.
        assert_eq!(state.take(2_000, WINDOW, 25, 10), Grant::Calls(5));
        assert_eq!(
            state.take(3_000, WINDOW, 25, 10),
            Grant::Exhausted { until_ms: WINDOW }
        );
        assert_eq!(state.used(3_000, WINDOW), 25);
        // The window rolls: the first lease leaves it, freeing its 10 calls only.
        assert_eq!(state.take(WINDOW, WINDOW, 25, 10), Grant::Calls(10));
        assert_eq!(state.leases.len(), 3);
    }

    #[test]
    fn a_pause_holds_every_lease_and_never_shortens() {
        let mut state = BudgetState::default();
        state.pause(60_000);
        state.pause(30_000);
        assert_eq!(
            state.take(1_000, WINDOW, 100, 10),
            Grant::Paused { until_ms: 60_000 }
        );
        assert!(state.leases.is_empty());
        assert_eq!(state.take(60_000, WINDOW, 100, 10), Grant::Calls(10));
    }

    #[test]
    fn lease_and_fallback_sizes_follow_the_fleet() {
        assert_eq!(lease_size(250, 40), 6);
        assert_eq!(lease_size(250, 1), 10);
        assert_eq!(lease_size(5, 40), 1);
        assert_eq!(fallback_limit(250, 40), 6);
        assert_eq!(fallback_limit(5, 40), 1);
        assert_eq!(fallback_limit(250, 0), 250);
    }

    #[test]
    fn the_state_survives_its_json_form() {
        let mut state = BudgetState::default();
        state.take(5, WINDOW, 10, 3);
        state.pause(9);
        let text = serde_json::to_string(&state).expect("json");
        assert_eq!(
            serde_json::from_str::<BudgetState>(&text).expect("parse"),
            state
        );
        assert_eq!(
            serde_json::from_str::<BudgetState>("{}").expect("empty"),
            BudgetState::default()
        );
    }
}
