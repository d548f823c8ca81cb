//! Everything sign-in needs, built once from configuration: the mode, this server's URLs, the
//! secrets (API keys, token keys, client secrets) as [`Secret`] handles, and the Halo client.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{AuthMode, Config};
use crate::halo::{HaloClient, HaloCredential};
use crate::secrets::{Secret, SecretStore};

use super::MCP_SCOPE;
use super::challenge::Challenger;
use super::halo_token::HaloTokenValidator;
use super::keyring::Keyring;
use super::oauth::redirects::RedirectPolicy;
use super::oauth::single_use::{InMemorySingleUse, SingleUse};
use super::tokens::TokenKey;

pub struct AuthContext {
    pub mode: AuthMode,
    /// This server's issuer / base URL, without a trailing slash.
    pub issuer: String,
    /// The protected resource (`<issuer>/mcp`): the audience of our access tokens.
    pub resource: String,
    pub halo: HaloClient,
    pub api_keys: Secret,
    /// The Services application, for api-key mode.
    pub service_credential: Option<HaloCredential>,
    pub halo_tokens: HaloTokenValidator,
    pub keyring: Keyring,
    /// The Halo "Authorisation Code (Native Application)" application.
    pub halo_client_id: String,
    pub halo_client_secret: Secret,
    pub halo_scopes: String,
    /// Copilot Studio's Manual option: a pre-registered client.
    pub static_client_id: Option<String>,
    pub static_client_secret: Secret,
    /// Which redirect URIs clients may register and use.
    pub redirects: RedirectPolicy,
    /// Codes and pending sign-ins already accepted (single use).
    pub single_use: Arc<dyn SingleUse>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub challenger: Challenger,
}

impl std::fmt::Debug for AuthContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthContext")
            .field("mode", &self.mode)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl AuthContext {
    pub fn new(
        config: &Config,
        halo: HaloClient,
        store: &SecretStore,
        service_credential: Option<HaloCredential>,
        embedded_sign_in: Option<(String, Secret)>,
    ) -> AuthContext {
        let issuer = config.public_url.as_str().trim_end_matches('/').to_string();
        let auth = &config.auth;
        // The embedded sandbox hands over its demo Authorisation Code application; use it unless
        // told otherwise, so `MCP_AUTH_MODE=oauth` works locally with no other setting.
        let (halo_client_id, halo_client_secret) = match (&config.halo.client_id, embedded_sign_in)
        {
            (Some(id), _) => (
                id.clone(),
                Secret::from_ref(&config.halo.client_secret, "HALO_CLIENT_SECRET_NAME", store),
            ),
            (None, Some(app)) => app,
            (None, None) => (String::new(), Secret::Unset("HALO_CLIENT_ID")),
        };
        let keyring = if auth.token_key.is_set() {
            Keyring::Configured {
                current: Secret::from_ref(&auth.token_key, "MCP_TOKEN_KEY_SECRET_NAME", store),
                previous: Secret::from_ref(
                    &auth.previous_token_key,
                    "MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME",
                    store,
                ),
            }
        } else {
            Keyring::Ephemeral(Box::new(TokenKey::generate()))
        };
        let challenger = Challenger {
            resource_metadata: (auth.mode == AuthMode::OAuth)
                .then(|| format!("{issuer}/.well-known/oauth-protected-resource")),
            scope: (auth.mode == AuthMode::OAuth).then(|| MCP_SCOPE.to_string()),
        };
        AuthContext {
            mode: auth.mode,
            resource: config.mcp_url(),
            issuer,
            halo,
            api_keys: Secret::from_ref(&auth.api_keys, "MCP_API_KEYS_SECRET_NAME", store),
            service_credential,
            halo_tokens: HaloTokenValidator::new(config.halo.rate_limit, config.halo.rate_window),
            keyring,
            halo_client_id,
            halo_client_secret,
            halo_scopes: config.halo.scopes.clone(),
            static_client_id: auth.oauth_client_id.clone(),
            static_client_secret: Secret::from_ref(
                &auth.oauth_client_secret,
                "MCP_OAUTH_CLIENT_SECRET_NAME",
                store,
            ),
            redirects: RedirectPolicy::from_settings(
                &auth.redirect_allowlist,
                &config.public_url,
                config.listen.ip(),
            ),
            single_use: Arc::new(InMemorySingleUse::default()),
            access_ttl: auth.access_token_ttl,
            refresh_ttl: auth.refresh_token_ttl,
            challenger,
        }
    }

    /// Where Halo sends the signed-in agent back to (registered on the Halo application).
    pub fn callback_url(&self) -> String {
        format!("{}/oauth/callback", self.issuer)
    }
}
