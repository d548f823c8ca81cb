//! The server's [`Secret`] as the Services application's client secret. The adapter lives here,
//! not in `secrets`, so secrets know nothing of Halo and Halo turns their errors into its own.

use futures::future::BoxFuture;

use super::HaloError;
use super::credentials::SecretValue;
use crate::secrets::{Secret, SecretError};

impl From<SecretError> for HaloError {
    /// Without the client secret no token can be had, so nothing was sent to Halo.
    fn from(error: SecretError) -> Self {
        HaloError::SignIn(error.to_string())
    }
}

impl SecretValue for Secret {
    fn current(&self) -> BoxFuture<'_, Result<String, HaloError>> {
        Box::pin(async move { Ok(self.get().await?) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unset_secret_is_a_sign_in_failure_naming_the_setting() {
        let secret = Secret::Unset("HALO_CLIENT_SECRET");
        match secret.current().await {
            Err(HaloError::SignIn(message)) => {
                assert!(message.contains("HALO_CLIENT_SECRET"), "{message}")
            }
            other => panic!("expected a sign-in failure, got {other:?}"),
        }
        let plain = Secret::Value("s3cret".into());
        assert_eq!(plain.current().await.ok().as_deref(), Some("s3cret"));
    }
}
