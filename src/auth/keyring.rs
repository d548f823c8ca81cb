//! The token-encryption keys: the current key and, during a rotation, the previous one, read
//! through the secret store (so a key rotated in Key Vault applies without a restart).

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
                let parse = |value: String, name: &str| {
                    TokenKey::from_base64(&value).map_err(|e| SecretError::Malformed {
                        name: name.to_string(),
                        reason: e.to_string(),
                    })
                };
                let current_key = parse(current.get().await?, "token key")?;
                let previous_key = match previous.get_optional().await {
                    Ok(Some(value)) => Some(parse(value, "previous token key")?),
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
