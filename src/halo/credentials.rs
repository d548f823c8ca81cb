//! Whose Halo credentials a call runs with: the signed-in agent's Halo token, or the
//! "Client ID and Secret (Services)" application's token, fetched and cached here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use oauth2::TokenResponse;
use sha2::{Digest, Sha256};

use super::HaloError;
use super::token_endpoint::HaloTokenResponse;

/// Supplies a secret's current value (from Key Vault or the environment); re-read on every
/// token fetch so a rotated secret applies without a restart.
pub trait SecretValue: Send + Sync {
    fn current(&self) -> BoxFuture<'_, Result<String, HaloError>>;
}

/// A fixed secret value (local development and the embedded sandbox).
pub struct StaticSecret(pub String);

impl SecretValue for StaticSecret {
    fn current(&self) -> BoxFuture<'_, Result<String, HaloError>> {
        let value = self.0.clone();
        Box::pin(async move { Ok(value) })
    }
}

/// The credentials one Halo call runs with.
#[derive(Clone)]
pub enum HaloCredential {
    /// A Halo access token belonging to the signed-in agent.
    Bearer(Arc<str>),
    /// The Services application (client credentials grant).
    Service(Arc<ClientCredentials>),
}

impl std::fmt::Debug for HaloCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HaloCredential::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            HaloCredential::Service(c) => write!(f, "Service({})", c.client_id),
        }
    }
}

impl HaloCredential {
    /// A short, non-reversible fingerprint for caches keyed by caller.
    pub fn fingerprint(&self) -> String {
        match self {
            HaloCredential::Bearer(token) => {
                let digest = Sha256::digest(token.as_bytes());
                format!("bearer:{:x}", digest)[..23].to_string()
            }
            HaloCredential::Service(c) => format!("service:{}", c.client_id),
        }
    }
}

/// The Services application: fetches a client-credentials token and caches it until shortly
/// before it expires.
pub struct ClientCredentials {
    pub client_id: String,
    secret: Arc<dyn SecretValue>,
    scope: String,
    cached: tokio::sync::Mutex<Option<(Arc<str>, Instant)>>,
}

impl ClientCredentials {
    pub fn new(client_id: String, secret: Arc<dyn SecretValue>, scope: String) -> Self {
        ClientCredentials {
            client_id,
            secret,
            scope,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// A valid access token, fetching a new one through `fetch` when the cached one is stale.
    pub async fn token<F, Fut>(&self, fetch: F) -> Result<Arc<str>, HaloError>
    where
        F: FnOnce(String, String, String) -> Fut,
        Fut: std::future::Future<Output = Result<HaloTokenResponse, HaloError>>,
    {
        // Holding the lock across the fetch means concurrent calls share one token request.
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && Instant::now() < *expires
        {
            return Ok(token.clone());
        }
        let secret = self.secret.current().await?;
        let response = fetch(self.client_id.clone(), secret, self.scope.clone()).await?;
        let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
        // Renew a minute early so a token never expires mid-call.
        let expires = Instant::now() + lifetime.saturating_sub(Duration::from_secs(60));
        let token: Arc<str> = Arc::from(response.access_token().secret().as_str());
        *cached = Some((token.clone(), expires));
        Ok(token)
    }

    /// Forgets the cached token after Halo refused it.
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }
}
