//! halo-token mode: the bearer is a Halo access token. It is validated with `GET /api/Agent/me`
//! and the answer cached briefly under the token's SHA-256 digest (never the token), so a burst
//! of tool calls costs one Halo round trip.
//!
//! An unknown bearer must not be able to spend the Halo budget of real users, so:
//! - a refusal is cached too ([`REFUSAL_TTL`]): the same junk token costs one Halo call;
//! - tokens never seen valid are validated on a small budget of their own
//!   ([`validation_budget`] per rate window, a fifth of `HALO_RATE_LIMIT`), without retries;
//!   beyond it they get 503 with Retry-After, and junk bearers can take at most that fifth of
//!   the Halo calls. Tokens that were valid before (real users whose cache entry expired) are
//!   revalidated on the ordinary budget, so a flood of junk never locks them out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::halo::client::ReadPolicy;
use crate::halo::rate_limit::RateLimiter;
use crate::halo::{HaloClient, HaloCredential, HaloError, LookupCache};

/// How long a validation is trusted. Short: a revoked Halo token stops working within this.
pub const VALIDATION_TTL: Duration = Duration::from_secs(60);
/// How long Halo's refusal of a token is remembered.
pub const REFUSAL_TTL: Duration = Duration::from_secs(60);
/// How long a token that was once valid counts as a real user's (revalidated on the ordinary
/// budget rather than the one for unknown tokens).
pub const KNOWN_TTL: Duration = Duration::from_secs(12 * 3600);
/// Entries per cache; beyond it the least used are dropped one by one (a flood of junk tokens
/// evicts junk, never the whole cache).
const MAX_ENTRIES: u64 = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum HaloTokenError {
    #[error("Halo refused the token")]
    Refused,
    #[error("{0}")]
    Unavailable(HaloError),
    /// The budget for validating unknown tokens is spent for now.
    #[error(
        "too many unknown Halo tokens to validate right now; try again in {} seconds",
        .0.as_secs().max(1)
    )]
    Busy(Duration),
}

/// Validations of unknown tokens allowed per rate window: a fifth of the Halo budget.
pub fn validation_budget(rate_limit: u32) -> u32 {
    (rate_limit / 5).max(1)
}

#[derive(Clone)]
struct Validated {
    subject: String,
    at: Instant,
}

pub struct HaloTokenValidator {
    valid: Cache<[u8; 32], Validated>,
    refused: Cache<[u8; 32], ()>,
    unknown_budget: RateLimiter,
    /// The tools' lookups, handed the agent record each validation reads, so a tool that
    /// needs the caller's own record (`Agent/me`) does not ask Halo for it again.
    lookups: std::sync::OnceLock<Arc<LookupCache>>,
}

impl HaloTokenValidator {
    /// `rate_limit` and `rate_window` are Halo's budget (`HALO_RATE_LIMIT` per
    /// `HALO_RATE_WINDOW_SECS`); unknown tokens get [`validation_budget`] of it.
    pub fn new(rate_limit: u32, rate_window: Duration) -> Self {
        HaloTokenValidator {
            valid: Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(KNOWN_TTL)
                .build(),
            refused: Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(REFUSAL_TTL)
                .build(),
            unknown_budget: RateLimiter::new(validation_budget(rate_limit), rate_window),
            lookups: std::sync::OnceLock::new(),
        }
    }

    /// Shares each validated token's agent record with the tools' lookups (set once, at
    /// start-up).
    pub fn share_agent_records(&self, lookups: Arc<LookupCache>) {
        let _ = self.lookups.set(lookups);
    }

    /// The agent the token belongs to (as "agent <id>"), validating with Halo when not cached.
    pub async fn validate(&self, halo: &HaloClient, token: &str) -> Result<String, HaloTokenError> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = Instant::now();
        let known = match self.valid.get(&key) {
            Some(entry) if now.duration_since(entry.at) < VALIDATION_TTL => {
                return Ok(entry.subject.clone());
            }
            Some(entry) => now.duration_since(entry.at) < KNOWN_TTL,
            None => false,
        };
        if self.refused.contains_key(&key) {
            return Err(HaloTokenError::Refused);
        }
        let policy = if known {
            ReadPolicy::default()
        } else {
            self.unknown_budget
                .try_acquire(now)
                .map_err(HaloTokenError::Busy)?;
            // One Halo call per unknown token, however Halo answers.
            ReadPolicy {
                retry: false,
                timeout: None,
            }
        };
        let session = halo.session(HaloCredential::Bearer(Arc::from(token)));
        let me = match session.me_with(policy).await {
            Ok(me) => me,
            Err(HaloError::Rejected(crate::halo::Rejection::Unauthorized(_))) => {
                self.valid.invalidate(&key);
                self.refused.insert(key, ());
                return Err(HaloTokenError::Refused);
            }
            Err(other) => return Err(HaloTokenError::Unavailable(other)),
        };
        if let Some(lookups) = self.lookups.get() {
            lookups.remember_me(&session, me.clone());
        }
        let subject = match me.id {
            Some(id) => format!("agent {id}"),
            None => "agent ?".to_string(),
        };
        self.valid.insert(
            key,
            Validated {
                subject: subject.clone(),
                at: Instant::now(),
            },
        );
        Ok(subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_tokens_get_a_fifth_of_the_halo_budget() {
        assert_eq!(validation_budget(250), 50);
        assert_eq!(validation_budget(4), 1);
        assert_eq!(validation_budget(1), 1);
    }

    #[test]
    fn a_flood_of_refusals_stays_bounded_without_forgetting_everything() {
        let validator = HaloTokenValidator::new(250, Duration::from_secs(300));
        for i in 0..MAX_ENTRIES + 500 {
            let mut key = [0u8; 32];
            key[..8].copy_from_slice(&i.to_le_bytes());
            validator.refused.insert(key, ());
        }
        validator.refused.run_pending_tasks();
        let kept = validator.refused.entry_count();
        assert!(kept <= MAX_ENTRIES, "{kept}");
        assert!(
            kept > MAX_ENTRIES / 2,
            "evicted one by one, not cleared: {kept}"
        );
    }
}
