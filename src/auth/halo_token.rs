//! halo-token mode: the bearer is a Halo access token. It is validated with `GET /api/Agent/me`
//! and the answer cached briefly under the token's SHA-256 digest (never the token), so a burst
//! of tool calls costs one Halo round trip.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::halo::{HaloClient, HaloCredential, HaloError};

/// How long a validation is trusted. Short: a revoked Halo token stops working within this.
pub const VALIDATION_TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum HaloTokenError {
    #[error("Halo refused the token")]
    Refused,
    #[error("{0}")]
    Unavailable(HaloError),
}

#[derive(Default)]
pub struct HaloTokenValidator {
    cache: Mutex<HashMap<[u8; 32], (String, Instant)>>,
}

impl HaloTokenValidator {
    /// The agent the token belongs to (as "agent <id>"), validating with Halo when not cached.
    pub async fn validate(&self, halo: &HaloClient, token: &str) -> Result<String, HaloTokenError> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some((subject, at)) = self.cache.lock().get(&key)
            && at.elapsed() < VALIDATION_TTL
        {
            return Ok(subject.clone());
        }
        let session = halo.session(HaloCredential::Bearer(Arc::from(token)));
        let me = session.get("Agent/me", &[]).await.map_err(|e| match e {
            HaloError::Unauthorized(_) => HaloTokenError::Refused,
            other => HaloTokenError::Unavailable(other),
        })?;
        let subject = match me.get("id").and_then(Value::as_i64) {
            Some(id) => format!("agent {id}"),
            None => "agent ?".to_string(),
        };
        let mut cache = self.cache.lock();
        if cache.len() >= MAX_ENTRIES {
            cache.retain(|_, (_, at)| at.elapsed() < VALIDATION_TTL);
        }
        cache.insert(key, (subject.clone(), Instant::now()));
        Ok(subject)
    }
}
