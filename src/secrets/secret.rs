//! One secret as the rest of the server sees it: a plain value, a Key Vault secret read through
//! the [`SecretStore`], or unset. Knows nothing of its users: `halo` adapts it so the Services
//! application's client secret can come from Key Vault.

use std::sync::Arc;

use super::{SecretError, SecretStore};
use crate::config::SecretRef;

#[derive(Clone)]
pub enum Secret {
    /// Not configured; the string names the setting that would supply it.
    Unset(&'static str),
    Value(Arc<str>),
    Vault {
        store: SecretStore,
        name: String,
    },
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Unset(setting) => write!(f, "Unset({setting})"),
            Secret::Value(_) => f.write_str("Value(<redacted>)"),
            Secret::Vault { name, .. } => write!(f, "KeyVault({name})"),
        }
    }
}

impl Secret {
    /// Resolves a configured reference; `setting` names the variable for error messages.
    pub fn from_ref(reference: &SecretRef, setting: &'static str, store: &SecretStore) -> Secret {
        match reference {
            SecretRef::Unset => Secret::Unset(setting),
            SecretRef::Value(value) => Secret::Value(Arc::from(value.as_str())),
            SecretRef::KeyVault(name) => Secret::Vault {
                store: store.clone(),
                name: name.clone(),
            },
        }
    }

    pub fn is_set(&self) -> bool {
        !matches!(self, Secret::Unset(_))
    }

    /// The name to report a bad value under: the Key Vault secret's name, else `setting` (the
    /// variable that supplied a plain value).
    pub fn name_or(&self, setting: &str) -> String {
        match self {
            Secret::Vault { name, .. } => name.clone(),
            Secret::Unset(unset) => (*unset).to_string(),
            Secret::Value(_) => setting.to_string(),
        }
    }

    /// The current value.
    pub async fn get(&self) -> Result<String, SecretError> {
        match self {
            Secret::Unset(setting) => Err(SecretError::Unset((*setting).to_string())),
            Secret::Value(value) => Ok(value.to_string()),
            Secret::Vault { store, name } => store.get(name).await,
        }
    }

    /// The current value, or `None` when unset.
    pub async fn get_optional(&self) -> Result<Option<String>, SecretError> {
        match self {
            Secret::Unset(_) => Ok(None),
            _ => self.get().await.map(Some),
        }
    }
}
