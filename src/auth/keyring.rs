//! The token-encryption keys: the current key and, during a rotation, the previous one, read
//! through the secret store (so a key rotated in Key Vault applies without a restart). A value
//! that is not a key is logged as an error and reported naming the secret, so callers get a 503
//! that says which secret to fix.

use crate::secrets::{Secret, SecretError};

use super::tokens::{TokenCodec, TokenKey};

#[derive(Clone, Debug)]
pub enum Keyring {
    /// Keys from configuration (plain value or Key Vault).
    Configured { current: Secret, previous: Secret },
    /// A key generated at start-up (embedded sandbox without `MCP_TOKEN_KEY`): tokens die with
    /// the process, which is fine for local use.
    Ephemeral(Box<TokenKey>),
}

impl Keyring {
    /// A codec with the keys as they are now.
    pub async fn codec(&self) -> Result<TokenCodec, SecretError> {
        match self {
            Keyring::Ephemeral(key) => Ok(TokenCodec::new((**key).clone(), None)),
            Keyring::Configured { current, previous } => {
                let parse = |value: String, secret: &Secret, setting: &str| {
                    TokenKey::from_base64(&value).map_err(|_| {
                        let error = SecretError::Malformed {
                            name: secret.name_or(setting),
                            reason: format!(
                                "{setting} must name 32 random bytes in base64 (openssl rand -base64 32)"
                            ),
                        };
                        tracing::error!(%error, "the token-encryption key is unusable: sign-in and tool calls fail until it is fixed");
                        error
                    })
                };
                let current_key =
                    parse(current.get().await?, current, "MCP_TOKEN_KEY_SECRET_NAME")?;
                let previous_key = match previous.get_optional().await {
                    Ok(Some(value)) => Some(parse(
                        value,
                        previous,
                        "MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME",
                    )?),
                    Ok(None) => None,
                    // The previous key only matters for old tokens; its absence must not stop
                    // new sign-ins.
                    Err(error) => {
                        tracing::warn!(%error, "previous token key unavailable");
                        None
                    }
                };
                Ok(TokenCodec::new(current_key, previous_key))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use futures::future::BoxFuture;

    use super::*;
    use crate::secrets::{SecretSource, SecretStore};

    struct Vault(&'static str);

    impl SecretSource for Vault {
        fn fetch<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<String, SecretError>> {
            let value = self.0.to_string();
            Box::pin(async move { Ok(value) })
        }
    }

    #[tokio::test]
    async fn a_bad_key_from_key_vault_names_the_secret() {
        let store = SecretStore::new(Arc::new(Vault("dG9vIHNob3J0")), Duration::from_secs(300));
        let keyring = Keyring::Configured {
            current: Secret::Vault {
                store,
                name: "mcp-token-key".into(),
            },
            previous: Secret::Unset("MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME"),
        };
        let error = keyring.codec().await.expect_err("a 9-byte key");
        let message = error.to_string();
        assert!(
            matches!(error, SecretError::Malformed { ref name, .. } if name == "mcp-token-key"),
            "{message}"
        );
        assert!(message.contains("MCP_TOKEN_KEY_SECRET_NAME"), "{message}");
        assert!(
            !message.contains("dG9vIHNob3J0"),
            "never the value: {message}"
        );
    }
}
