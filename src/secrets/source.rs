//! Where secret values are read from: a trait so the store can be tested without Azure, with
//! Key Vault as the real implementation.

use futures::future::BoxFuture;

use super::SecretError;

/// Reads the current value of a named secret.
pub trait SecretSource: Send + Sync {
    fn fetch<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, SecretError>>;
}
