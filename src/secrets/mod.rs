//! Secrets: plain values from the environment (local use) or Azure Key Vault secrets read with
//! the function app's managed identity, cached in memory and re-read on an interval so a rotated
//! secret applies without a restart.

pub mod error;
pub mod keyvault;
pub mod secret;
pub mod source;
pub mod store;

pub use error::SecretError;
pub use keyvault::{KeyVaultOptions, KeyVaultSource};
pub use secret::Secret;
pub use source::SecretSource;
pub use store::SecretStore;
