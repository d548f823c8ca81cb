//! Azure Key Vault as a [`SecretSource`], through the official SDK: managed identity on Azure
//! (`IDENTITY_ENDPOINT` set by App Service / Functions), a developer credential (Azure CLI or
//! azd) elsewhere. The vault URL and HTTP transport are injectable so tests can point the real
//! SDK at a local HTTPS fake.

use azure_core::http::{ClientOptions, FixedRetryOptions, RetryOptions, Transport};
use azure_core::time::Duration as SdkDuration;
use azure_security_keyvault_secrets::{SecretClient, SecretClientOptions};
use futures::future::BoxFuture;
use std::sync::Arc;
use url::Url;

use super::{SecretError, SecretSource};

/// How to reach Key Vault.
#[derive(Clone)]
pub struct KeyVaultOptions {
    pub vault_url: Url,
    /// Client id of a user-assigned managed identity (`AZURE_CLIENT_ID`).
    pub managed_identity_client_id: Option<String>,
    /// HTTP client for Key Vault and the identity endpoint; `None` uses the SDK's default.
    pub transport: Option<reqwest::Client>,
}

pub struct KeyVaultSource {
    client: SecretClient,
    vault: String,
}

fn client_options(transport: &Option<reqwest::Client>) -> ClientOptions {
    ClientOptions {
        transport: transport.clone().map(|http| Transport::new(Arc::new(http))),
        // Few, quick retries: a request that needs a secret should fail with a clear error in
        // seconds rather than hang; the store retries on the next call and in the background.
        retry: RetryOptions::fixed(FixedRetryOptions {
            delay: SdkDuration::milliseconds(200),
            max_retries: 2,
            max_total_elapsed: SdkDuration::seconds(5),
        }),
        ..Default::default()
    }
}

impl KeyVaultSource {
    pub fn new(options: KeyVaultOptions) -> Result<KeyVaultSource, SecretError> {
        let vault = options.vault_url.to_string();
        let unreachable = |reason: String| SecretError::Unreachable {
            name: "(client)".into(),
            reason,
        };
        let credential = crate::azure::credential(
            options.managed_identity_client_id.clone(),
            client_options(&options.transport),
        )
        .map_err(unreachable)?;
        let client = SecretClient::new(
            &vault,
            credential,
            Some(SecretClientOptions {
                client_options: client_options(&options.transport),
                ..Default::default()
            }),
        )
        .map_err(|e| unreachable(format!("bad vault URL {vault}: {e}")))?;
        Ok(KeyVaultSource { client, vault })
    }
}

impl SecretSource for KeyVaultSource {
    fn fetch<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, SecretError>> {
        Box::pin(async move {
            let response = self.client.get_secret(name, None).await.map_err(|e| {
                if e.http_status() == Some(azure_core::http::StatusCode::NotFound) {
                    SecretError::NotFound { name: name.into() }
                } else {
                    // `{}` not `{:?}`: the Debug form can carry a backtrace; neither carries
                    // the secret value.
                    SecretError::Unreachable {
                        name: name.into(),
                        reason: format!("{} ({e})", self.vault),
                    }
                }
            })?;
            let secret = response
                .into_model()
                .map_err(|e| SecretError::Unreachable {
                    name: name.into(),
                    reason: format!("unreadable answer: {e}"),
                })?;
            secret
                .value
                .ok_or_else(|| SecretError::NotFound { name: name.into() })
        })
    }
}
