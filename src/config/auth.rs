//! How MCP clients sign in, and the Halo application each sign-in mode needs.

use std::time::Duration;

use super::halo::{HALO_CLIENT_ID, HALO_SERVICE_CLIENT_ID, HALO_SERVICE_CLIENT_SECRET_NAME};
use super::listen::Listen;
use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, HaloSettings, SecretRef, config_error};

/// `MCP_OAUTH_REDIRECT_ALLOWLIST` when unset: every Power Platform connector's redirect. Fine to
/// set up with; a deployment narrows it to its own connector's exact redirect URL.
pub const DEFAULT_REDIRECT_ALLOWLIST: &str = "https://global.consent.azure-apim.net/redirect/*";

pub const MCP_AUTH_MODE: Setting = Setting::operator(
    "MCP_AUTH_MODE",
    Fallback::Derived("none with the embedded sandbox, else oauth"),
    "How MCP clients sign in: oauth, halo-token, api-key or none (none only on loopback).",
);
pub const MCP_API_KEYS: Setting = Setting::local_only(
    "MCP_API_KEYS",
    Fallback::Unset,
    "Comma-separated API keys as plain values (api-key mode, local use only).",
);
pub const MCP_API_KEYS_SECRET_NAME: Setting = Setting::operator(
    "MCP_API_KEYS_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the comma-separated API keys (api-key mode).",
);
pub const MCP_OAUTH_CLIENT_ID: Setting = Setting::operator(
    "MCP_OAUTH_CLIENT_ID",
    Fallback::Unset,
    "Static OAuth client id for Copilot Studio's Manual OAuth option (oauth mode).",
);
pub const MCP_OAUTH_CLIENT_SECRET: Setting = Setting::local_only(
    "MCP_OAUTH_CLIENT_SECRET",
    Fallback::Unset,
    "Its secret as a plain value (local use only).",
);
pub const MCP_OAUTH_CLIENT_SECRET_NAME: Setting = Setting::operator(
    "MCP_OAUTH_CLIENT_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the static OAuth client's secret.",
);
pub const MCP_OAUTH_REDIRECT_ALLOWLIST: Setting = Setting::operator(
    "MCP_OAUTH_REDIRECT_ALLOWLIST",
    Fallback::Text(DEFAULT_REDIRECT_ALLOWLIST),
    "Comma-separated redirect URIs OAuth clients may use: exact URIs, or a trailing * for the rest of one path segment; each names one https host (http only to loopback). When PUBLIC_URL and BIND_ADDRESS are loopback, loopback http redirects on any port are also allowed.",
);
pub const MCP_TOKEN_KEY: Setting = Setting::local_only(
    "MCP_TOKEN_KEY",
    Fallback::Unset,
    "Current token-encryption key, 32 bytes base64 (local use only).",
);
pub const MCP_TOKEN_KEY_SECRET_NAME: Setting = Setting::operator(
    "MCP_TOKEN_KEY_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the current token-encryption key.",
);
pub const MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME: Setting = Setting::operator(
    "MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the previous token-encryption key (accepted during rotation).",
);
pub const MCP_ACCESS_TOKEN_TTL_SECS: Setting = Setting::operator(
    "MCP_ACCESS_TOKEN_TTL_SECS",
    Fallback::Number(3600),
    "Lifetime of access tokens this server issues, in seconds.",
);
pub const MCP_REFRESH_TOKEN_TTL_SECS: Setting = Setting::operator(
    "MCP_REFRESH_TOKEN_TTL_SECS",
    Fallback::Number(30 * 24 * 3600),
    "Lifetime of refresh tokens this server issues, in seconds.",
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// This server is the OAuth authorization server and federates sign-in to Halo.
    OAuth,
    /// The bearer is a Halo access token, validated against Halo.
    HaloToken,
    /// Static API keys; Halo is called with the Services application.
    ApiKey,
    /// No sign-in; loopback only.
    None,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::OAuth => "oauth",
            AuthMode::HaloToken => "halo-token",
            AuthMode::ApiKey => "api-key",
            AuthMode::None => "none",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub mode: AuthMode,
    pub api_keys: SecretRef,
    pub oauth_client_id: Option<String>,
    pub oauth_client_secret: SecretRef,
    pub redirect_allowlist: Vec<String>,
    pub token_key: SecretRef,
    pub previous_token_key: SecretRef,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
}

impl AuthSettings {
    /// Loads the sign-in settings and checks that `halo` has what the chosen mode needs.
    pub fn load(
        env: &Env,
        listen: &Listen,
        halo: &HaloSettings,
    ) -> Result<AuthSettings, ConfigError> {
        let embedded_sandbox = halo.url.is_none();
        let mode = match env.get(&MCP_AUTH_MODE).map(|v| v.to_ascii_lowercase()) {
            None if embedded_sandbox => AuthMode::None,
            None => AuthMode::OAuth,
            Some(v) => match v.as_str() {
                "oauth" => AuthMode::OAuth,
                "halo-token" => AuthMode::HaloToken,
                "api-key" => AuthMode::ApiKey,
                "none" => AuthMode::None,
                other => {
                    return Err(config_error(
                        MCP_AUTH_MODE.name,
                        format!("'{other}' is not one of oauth, halo-token, api-key, none"),
                    ));
                }
            },
        };
        if mode == AuthMode::None && !listen.listen.ip().is_loopback() {
            return Err(config_error(
                MCP_AUTH_MODE.name,
                format!(
                    "'none' is only allowed when bound to loopback, but BIND_ADDRESS is {}",
                    listen.listen.ip()
                ),
            ));
        }
        if mode == AuthMode::None && listen.on_azure {
            return Err(config_error(
                MCP_AUTH_MODE.name,
                "'none' is refused on Azure (WEBSITE_HOSTNAME is set): the app is reachable from the internet",
            ));
        }
        let redirect_allowlist = env.list(&MCP_OAUTH_REDIRECT_ALLOWLIST);
        crate::auth::oauth::redirects::parse_allowlist(&redirect_allowlist)
            .map_err(|problem| config_error(MCP_OAUTH_REDIRECT_ALLOWLIST.name, problem))?;
        let auth = AuthSettings {
            mode,
            api_keys: env.secret(&MCP_API_KEYS, &MCP_API_KEYS_SECRET_NAME)?,
            oauth_client_id: env.get(&MCP_OAUTH_CLIENT_ID),
            oauth_client_secret: env
                .secret(&MCP_OAUTH_CLIENT_SECRET, &MCP_OAUTH_CLIENT_SECRET_NAME)?,
            redirect_allowlist,
            token_key: env.secret(&MCP_TOKEN_KEY, &MCP_TOKEN_KEY_SECRET_NAME)?,
            previous_token_key: env
                .get(&MCP_TOKEN_PREVIOUS_KEY_SECRET_NAME)
                .map(SecretRef::KeyVault)
                .unwrap_or_default(),
            access_token_ttl: env.secs(&MCP_ACCESS_TOKEN_TTL_SECS)?,
            refresh_token_ttl: env.secs(&MCP_REFRESH_TOKEN_TTL_SECS)?,
        };
        auth.check_secret_values()?;
        auth.check_mode_needs(embedded_sandbox, halo)?;
        Ok(auth)
    }

    /// Secrets given as plain values are checked now; the same checks run when a value is read
    /// from Key Vault (a bad one is logged and answered with a 503 naming the secret).
    fn check_secret_values(&self) -> Result<(), ConfigError> {
        if let SecretRef::Value(key) = &self.token_key {
            crate::auth::tokens::TokenKey::from_base64(key).map_err(|_| {
                config_error(
                    MCP_TOKEN_KEY.name,
                    "must be 32 random bytes in base64 (generate one with `openssl rand -base64 32`)",
                )
            })?;
        }
        if let SecretRef::Value(keys) = &self.api_keys {
            crate::auth::api_keys::check_keys(keys)
                .map_err(|problem| config_error(MCP_API_KEYS.name, problem))?;
        }
        Ok(())
    }

    fn check_mode_needs(
        &self,
        embedded_sandbox: bool,
        halo: &HaloSettings,
    ) -> Result<(), ConfigError> {
        let mode = self.mode;
        if mode == AuthMode::ApiKey && !self.api_keys.is_set() {
            return Err(config_error(
                MCP_API_KEYS_SECRET_NAME.name,
                "api-key mode needs MCP_API_KEYS_SECRET_NAME (or MCP_API_KEYS locally)",
            ));
        }
        if !embedded_sandbox && matches!(mode, AuthMode::ApiKey | AuthMode::None) {
            if halo.service_client_id.is_none() {
                return Err(config_error(
                    HALO_SERVICE_CLIENT_ID.name,
                    format!(
                        "{} mode calls Halo with a Services application: set its client id",
                        mode.as_str()
                    ),
                ));
            }
            if !halo.service_client_secret.is_set() {
                return Err(config_error(
                    HALO_SERVICE_CLIENT_SECRET_NAME.name,
                    format!(
                        "{} mode needs the Services application's secret",
                        mode.as_str()
                    ),
                ));
            }
        }
        if mode == AuthMode::OAuth && !embedded_sandbox {
            if halo.client_id.is_none() {
                return Err(config_error(
                    HALO_CLIENT_ID.name,
                    "oauth mode needs the Halo Authorisation Code application's client id",
                ));
            }
            if !self.token_key.is_set() {
                return Err(config_error(
                    MCP_TOKEN_KEY_SECRET_NAME.name,
                    "oauth mode needs a token-encryption key (MCP_TOKEN_KEY_SECRET_NAME, or MCP_TOKEN_KEY locally)",
                ));
            }
        }
        Ok(())
    }
}
