//! Where secrets come from: plain values locally, Key Vault by name on Azure, read with the
//! app's managed identity.

use std::time::Duration;

use url::Url;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, config_error};

pub const KEY_VAULT_URL: Setting = Setting::operator(
    "KEY_VAULT_URL",
    Fallback::Unset,
    "Key Vault URL, e.g. https://kv-halo-mcp.vault.azure.net/. Needed by every *_SECRET_NAME setting.",
);
pub const SECRETS_REFRESH_SECS: Setting = Setting::operator(
    "SECRETS_REFRESH_SECS",
    Fallback::Number(300),
    "How often secrets are re-read from Key Vault, so a rotated secret applies without a restart.",
);
pub const AZURE_CLIENT_ID: Setting = Setting::operator(
    "AZURE_CLIENT_ID",
    Fallback::Unset,
    "Client id of a user-assigned managed identity; unset uses the system-assigned identity.",
);
pub const IDENTITY_ENDPOINT: Setting = Setting::platform(
    "IDENTITY_ENDPOINT",
    "App Service managed identity endpoint (set by the platform).",
);
pub const IDENTITY_HEADER: Setting = Setting::platform(
    "IDENTITY_HEADER",
    "App Service managed identity header secret (set by the platform).",
);

/// Where a secret value comes from.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum SecretRef {
    #[default]
    Unset,
    /// A plain value from the environment (local development).
    Value(String),
    /// The name of a Key Vault secret.
    KeyVault(String),
}

impl std::fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretRef::Unset => f.write_str("Unset"),
            SecretRef::Value(_) => f.write_str("Value(<redacted>)"),
            SecretRef::KeyVault(name) => write!(f, "KeyVault({name})"),
        }
    }
}

impl SecretRef {
    pub fn is_set(&self) -> bool {
        !matches!(self, SecretRef::Unset)
    }
}

#[derive(Debug, Clone)]
pub struct SecretSettings {
    pub key_vault_url: Option<Url>,
    pub refresh_interval: Duration,
    pub managed_identity_client_id: Option<String>,
}

impl SecretSettings {
    /// `refs`: every secret the other settings name, so a Key Vault name without a vault
    /// stops start-up here rather than at the first sign-in.
    pub fn load(env: &Env, refs: &[&SecretRef]) -> Result<SecretSettings, ConfigError> {
        let secrets = SecretSettings {
            key_vault_url: env.url(&KEY_VAULT_URL)?,
            refresh_interval: env.secs(&SECRETS_REFRESH_SECS)?,
            managed_identity_client_id: env.get(&AZURE_CLIENT_ID),
        };
        // The platform's managed-identity variables are read by azure_identity itself; they are
        // declared here so operators see them in --help.
        let _ = (env.get(&IDENTITY_ENDPOINT), env.get(&IDENTITY_HEADER));
        let uses_key_vault = refs.iter().any(|s| matches!(s, SecretRef::KeyVault(_)));
        if uses_key_vault && secrets.key_vault_url.is_none() {
            return Err(config_error(
                KEY_VAULT_URL.name,
                "a *_SECRET_NAME setting names a Key Vault secret, but KEY_VAULT_URL is not set",
            ));
        }
        Ok(secrets)
    }
}
