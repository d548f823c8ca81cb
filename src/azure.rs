//! The identity halo-mcp signs in to Azure services with (Key Vault, the state container).
//!
//! The SDK has no environment-sniffing default credential, so the choice is made here once:
//! App Service and Functions set `IDENTITY_ENDPOINT` (+ `IDENTITY_HEADER`) for managed identity;
//! anywhere else a developer's Azure CLI or azd sign-in is used.

use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;
use azure_identity::{
    DeveloperToolsCredential, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId,
};

/// Managed identity on Azure (user-assigned when `client_id` is given), else a developer
/// credential. `client_options` carries the HTTP transport and retry policy for the identity
/// endpoint. The error text says which credential could not be built.
pub fn credential(
    client_id: Option<String>,
    client_options: ClientOptions,
) -> Result<Arc<dyn TokenCredential>, String> {
    if std::env::var_os("IDENTITY_ENDPOINT").is_some() {
        let credential = ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
            user_assigned_id: client_id.map(UserAssignedId::ClientId),
            client_options,
        }))
        .map_err(|e| format!("managed identity: {e}"))?;
        Ok(credential)
    } else {
        let credential = DeveloperToolsCredential::new(None)
            .map_err(|e| format!("developer credential: {e}"))?;
        Ok(credential)
    }
}
