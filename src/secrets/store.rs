//! The in-memory secret cache: the first use of a secret reads it from the source, a background
//! task re-reads every cached secret each `SECRETS_REFRESH_SECS`, and a failed re-read keeps the
//! last good value. Nothing is read at start-up, so an unreachable Key Vault never stops the
//! process from starting; calls that need a secret get a clear error until it is back.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::RwLock;

use super::{SecretError, SecretSource};

struct Inner {
    source: Option<Arc<dyn SecretSource>>,
    cache: RwLock<HashMap<String, String>>,
}

/// A cheap-to-clone handle to the cache.
#[derive(Clone)]
pub struct SecretStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values never reach a log line.
        let names: Vec<String> = self.inner.cache.read().keys().cloned().collect();
        f.debug_struct("SecretStore")
            .field("has_source", &self.inner.source.is_some())
            .field("cached", &names)
            .finish()
    }
}

impl SecretStore {
    /// A store without Key Vault: only plain values can be used.
    pub fn without_vault() -> SecretStore {
        SecretStore {
            inner: Arc::new(Inner {
                source: None,
                cache: RwLock::new(HashMap::new()),
            }),
        }
    }

    /// A store reading from `source`, re-reading cached secrets every `refresh` in a background
    /// task that ends when the last handle is dropped. Must be called inside a Tokio runtime.
    pub fn new(source: Arc<dyn SecretSource>, refresh: Duration) -> SecretStore {
        let store = SecretStore {
            inner: Arc::new(Inner {
                source: Some(source),
                cache: RwLock::new(HashMap::new()),
            }),
        };
        tokio::spawn(refresh_loop(Arc::downgrade(&store.inner), refresh));
        store
    }

    /// The secret's current value: from the cache, else read now.
    pub async fn get(&self, name: &str) -> Result<String, SecretError> {
        if let Some(value) = self.inner.cache.read().get(name) {
            return Ok(value.clone());
        }
        let source = self
            .inner
            .source
            .as_ref()
            .ok_or_else(|| SecretError::NoVault { name: name.into() })?;
        let value = source.fetch(name).await?;
        self.inner
            .cache
            .write()
            .insert(name.to_string(), value.clone());
        tracing::info!(secret = name, "read secret from Key Vault");
        Ok(value)
    }
}

async fn refresh_loop(inner: Weak<Inner>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let Some(source) = inner.source.clone() else {
            return;
        };
        let names: Vec<String> = inner.cache.read().keys().cloned().collect();
        for name in names {
            match source.fetch(&name).await {
                Ok(value) => {
                    let changed = inner.cache.read().get(&name) != Some(&value);
                    inner.cache.write().insert(name.clone(), value);
                    if changed {
                        tracing::info!(secret = %name, "secret changed in Key Vault; using the new value");
                    }
                }
                // Keep serving the last good value: a short Key Vault outage must not break
                // sign-in for callers whose secret was already read.
                Err(error) => {
                    tracing::warn!(secret = %name, %error, "could not re-read secret; keeping the cached value")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::future::BoxFuture;
    use parking_lot::Mutex;

    /// The vault's value (`None`: down), and how many reads it has answered.
    struct Fake(Mutex<Option<String>>, std::sync::atomic::AtomicUsize);

    impl Fake {
        fn reads(&self) -> usize {
            self.1.load(std::sync::atomic::Ordering::SeqCst)
        }

        /// Waits until the refresh loop has read the vault again: the event the test needs,
        /// rather than a guess at how long the loop takes.
        async fn refreshed(&self) {
            let before = self.reads();
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while self.reads() == before {
                assert!(std::time::Instant::now() < deadline, "no refresh");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }

    impl SecretSource for Fake {
        fn fetch<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, SecretError>> {
            self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let value = self.0.lock().clone();
            Box::pin(async move {
                value.ok_or_else(|| SecretError::Unreachable {
                    name: name.into(),
                    reason: "down".into(),
                })
            })
        }
    }

    #[tokio::test]
    async fn caches_refreshes_and_survives_an_outage() {
        let fake = Arc::new(Fake(Mutex::new(None), Default::default()));
        let store = SecretStore::new(fake.clone(), Duration::from_millis(50));
        let err = store.get("s").await.expect_err("down at start");
        assert!(err.to_string().contains("Key Vault unreachable"));
        *fake.0.lock() = Some("v1".into());
        assert_eq!(store.get("s").await.unwrap(), "v1");
        *fake.0.lock() = Some("v2".into());
        fake.refreshed().await;
        assert_eq!(store.get("s").await.unwrap(), "v2");
        *fake.0.lock() = None;
        fake.refreshed().await;
        assert_eq!(store.get("s").await.unwrap(), "v2", "last good value kept");
    }

    #[tokio::test]
    async fn without_a_vault_names_the_problem() {
        let err = SecretStore::without_vault().get("x").await.unwrap_err();
        assert!(matches!(err, SecretError::NoVault { .. }));
    }
}
