//! Single use of authorization codes and pending sign-ins (Halo's `state` at `/oauth/callback`).
//!
//! Both are sealed tokens, valid until they expire wherever they are presented; this records the
//! ones already accepted so a replay is refused without calling Halo. [`SingleUse`] is the seam:
//! [`InMemorySingleUse`] holds within one instance, and [`crate::storage::BlobSingleUse`], shared by
//! every instance, takes its place when `MCP_STATE_CONTAINER_URL` is set.
//!
//! Entries are keyed by the SHA-256 of the token text (never the token) and kept until the
//! token's own expiry, after which the token is refused anyway. The set is bounded: when it is
//! full of unexpired entries a new one is refused (fail closed, the caller answers "try again"),
//! so a flood of sign-ins can neither grow memory without bound nor evict an entry and reopen a
//! replay.

use std::collections::HashMap;

use futures::future::BoxFuture;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};

use crate::auth::tokens::now;

/// Why a token could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SingleUseError {
    /// The token was accepted before: a replay.
    #[error("it has already been used")]
    Replayed,
    /// The set is full; try again later.
    #[error("too many sign-ins are in progress; try again in a minute")]
    Unavailable,
    /// The shared store did not record it (unreachable, refused or too slow): refused rather
    /// than risk a second use.
    #[error(
        "sign-in records cannot be stored right now (shared storage is unreachable); try again in a minute"
    )]
    Unreachable,
}

/// Records tokens that may be accepted once.
pub trait SingleUse: Send + Sync {
    /// Marks `token` used until `expires_at` (Unix seconds). `Ok` the first time only.
    fn use_once<'a>(
        &'a self,
        token: &'a str,
        expires_at: i64,
    ) -> BoxFuture<'a, Result<(), SingleUseError>>;
}

/// Capacity of the in-memory set: pending sign-ins live ten minutes and codes one, so this is
/// about 160 sign-ins a second per instance, in a few megabytes.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The set within one instance.
pub struct InMemorySingleUse {
    capacity: usize,
    used: Mutex<HashMap<[u8; 32], i64>>,
}

impl InMemorySingleUse {
    pub fn new(capacity: usize) -> InMemorySingleUse {
        InMemorySingleUse {
            capacity,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// How many tokens are recorded (expired ones included until the next purge).
    pub fn len(&self) -> usize {
        self.used.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn record(&self, token: &str, expires_at: i64) -> Result<(), SingleUseError> {
        let key: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        let now = now();
        let mut used = self.used.lock();
        if used.get(&key).is_some_and(|exp| *exp >= now) {
            return Err(SingleUseError::Replayed);
        }
        if used.len() >= self.capacity {
            used.retain(|_, exp| *exp >= now);
            if used.len() >= self.capacity {
                return Err(SingleUseError::Unavailable);
            }
        }
        used.insert(key, expires_at);
        Ok(())
    }
}

impl Default for InMemorySingleUse {
    fn default() -> Self {
        InMemorySingleUse::new(DEFAULT_CAPACITY)
    }
}

impl SingleUse for InMemorySingleUse {
    fn use_once<'a>(
        &'a self,
        token: &'a str,
        expires_at: i64,
    ) -> BoxFuture<'a, Result<(), SingleUseError>> {
        Box::pin(async move { self.record(token, expires_at) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_token_is_accepted_once() {
        let set = InMemorySingleUse::default();
        let exp = now() + 60;
        assert_eq!(set.use_once("code-a", exp).await, Ok(()));
        assert_eq!(
            set.use_once("code-a", exp).await,
            Err(SingleUseError::Replayed)
        );
        // Surrounding whitespace is trimmed by the token parser, so it is not a new token.
        assert_eq!(
            set.use_once(" code-a\n", exp).await,
            Err(SingleUseError::Replayed)
        );
        assert_eq!(set.use_once("code-b", exp).await, Ok(()));
    }

    #[tokio::test]
    async fn the_set_is_bounded_and_purges_expired_entries() {
        let set = InMemorySingleUse::new(2);
        let later = now() + 60;
        set.use_once("a", now() - 5).await.expect("first");
        set.use_once("b", later).await.expect("second");
        // Full: the expired entry makes room.
        set.use_once("c", later).await.expect("after a purge");
        assert_eq!(set.len(), 2);
        // Full of live entries: refused, and no live entry was evicted.
        assert_eq!(
            set.use_once("d", later).await,
            Err(SingleUseError::Unavailable)
        );
        assert_eq!(
            set.use_once("b", later).await,
            Err(SingleUseError::Replayed)
        );
        assert_eq!(
            set.use_once("c", later).await,
            Err(SingleUseError::Replayed)
        );
    }
}
