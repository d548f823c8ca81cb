//! What can go wrong reading a secret. Messages name the secret, never its value.

#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretError {
    /// Key Vault (or the managed-identity endpoint in front of it) could not be reached or
    /// refused us; the store keeps trying and recovers by itself.
    #[error("Key Vault unreachable while reading secret '{name}': {reason}")]
    Unreachable { name: String, reason: String },
    /// Key Vault answered, but there is no such secret (or it has no value).
    #[error("Key Vault has no secret named '{name}'")]
    NotFound { name: String },
    /// A `*_SECRET_NAME` setting names a Key Vault secret but no vault is configured.
    #[error("secret '{name}' is in Key Vault, but KEY_VAULT_URL is not set")]
    NoVault { name: String },
    /// The setting that should supply this secret is not set.
    #[error("{0} is not set")]
    Unset(String),
    /// The value was read but is not usable (e.g. a token key that is not 32 bytes of base64).
    #[error("secret '{name}' is malformed: {reason}")]
    Malformed { name: String, reason: String },
}
