//! The Halo instance: where it is, the two Halo applications halo-mcp signs in with, and how
//! hard it may be called.

use std::time::Duration;

use url::Url;

use super::setting::{Fallback, Setting};
use super::{ConfigError, Env, SecretRef, require_https_unless_loopback};

pub const HALO_URL: Setting = Setting::operator(
    "HALO_URL",
    Fallback::Derived("(embedded sandbox)"),
    "Base URL of the Halo instance, e.g. https://acme.halopsa.com. Unset: an in-process Halo sandbox with demo data.",
);
pub const HALO_AUTH_URL: Setting = Setting::operator(
    "HALO_AUTH_URL",
    Fallback::Derived("from GET /api/authinfo, else $HALO_URL/auth"),
    "Halo authorisation server URL.",
);
pub const HALO_TENANT: Setting = Setting::operator(
    "HALO_TENANT",
    Fallback::Derived("from GET /api/authinfo"),
    "Halo tenant name sent as ?tenant= on auth calls (hosted Halo).",
);
pub const HALO_CLIENT_ID: Setting = Setting::operator(
    "HALO_CLIENT_ID",
    Fallback::Unset,
    "Client id of the Halo 'Authorisation Code (Native Application)' API application (oauth mode).",
);
pub const HALO_CLIENT_SECRET: Setting = Setting::local_only(
    "HALO_CLIENT_SECRET",
    Fallback::Unset,
    "Its client secret as a plain value (local use only; prefer HALO_CLIENT_SECRET_NAME).",
);
pub const HALO_CLIENT_SECRET_NAME: Setting = Setting::operator(
    "HALO_CLIENT_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the Authorisation Code application's client secret.",
);
pub const HALO_SERVICE_CLIENT_ID: Setting = Setting::operator(
    "HALO_SERVICE_CLIENT_ID",
    Fallback::Unset,
    "Client id of the Halo 'Client ID and Secret (Services)' application (api-key and none modes).",
);
pub const HALO_SERVICE_CLIENT_SECRET: Setting = Setting::local_only(
    "HALO_SERVICE_CLIENT_SECRET",
    Fallback::Unset,
    "Its client secret as a plain value (local use only).",
);
pub const HALO_SERVICE_CLIENT_SECRET_NAME: Setting = Setting::operator(
    "HALO_SERVICE_CLIENT_SECRET_NAME",
    Fallback::Unset,
    "Name of the Key Vault secret holding the Services application's client secret.",
);
pub const HALO_SCOPES: Setting = Setting::operator(
    "HALO_SCOPES",
    Fallback::Text("all"),
    "Space-separated Halo scopes requested for Halo tokens.",
);
pub const HALO_TIMEOUT_SECS: Setting = Setting::operator(
    "HALO_TIMEOUT_SECS",
    Fallback::Number(30),
    "Timeout for one Halo API call, in seconds.",
);
pub const HALO_RATE_LIMIT: Setting = Setting::operator(
    "HALO_RATE_LIMIT",
    Fallback::Number(250),
    "Halo calls allowed per rolling window, per Halo instance (hosted Halo allows about 300 per 5 minutes).",
);
pub const HALO_RATE_WINDOW_SECS: Setting = Setting::operator(
    "HALO_RATE_WINDOW_SECS",
    Fallback::Number(300),
    "Length of the rolling rate-limit window, in seconds.",
);
pub const HALO_MAX_INSTANCES: Setting = Setting::operator(
    "HALO_MAX_INSTANCES",
    Fallback::Number(40),
    "Most instances the Functions plan may run (Bicep: maximumInstanceCount). With shared state unreachable, each instance limits itself to HALO_RATE_LIMIT divided by this.",
);
pub const HALO_LOOKUP_TTL_SECS: Setting = Setting::operator(
    "HALO_LOOKUP_TTL_SECS",
    Fallback::Number(120),
    "How long name lookups (statuses, ticket types, teams, agents ...) are cached, in seconds.",
);

#[derive(Debug, Clone)]
pub struct HaloSettings {
    /// `None` runs the embedded sandbox.
    pub url: Option<Url>,
    pub auth_url: Option<Url>,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: SecretRef,
    pub service_client_id: Option<String>,
    pub service_client_secret: SecretRef,
    pub scopes: String,
    pub timeout: Duration,
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// The most instances that may share the rate limit (the plan's maximum instance count).
    pub max_instances: u32,
    pub lookup_ttl: Duration,
}

impl HaloSettings {
    pub fn load(env: &Env) -> Result<HaloSettings, ConfigError> {
        let halo = HaloSettings {
            url: env.url(&HALO_URL)?,
            auth_url: env.url(&HALO_AUTH_URL)?,
            tenant: env.get(&HALO_TENANT),
            client_id: env.get(&HALO_CLIENT_ID),
            client_secret: env.secret(&HALO_CLIENT_SECRET, &HALO_CLIENT_SECRET_NAME)?,
            service_client_id: env.get(&HALO_SERVICE_CLIENT_ID),
            service_client_secret: env.secret(
                &HALO_SERVICE_CLIENT_SECRET,
                &HALO_SERVICE_CLIENT_SECRET_NAME,
            )?,
            scopes: env.required(&HALO_SCOPES)?,
            timeout: env.secs(&HALO_TIMEOUT_SECS)?,
            rate_limit: env.positive::<u32>(&HALO_RATE_LIMIT)?,
            rate_window: env.secs(&HALO_RATE_WINDOW_SECS)?,
            max_instances: env.positive::<u32>(&HALO_MAX_INSTANCES)?,
            lookup_ttl: env.secs(&HALO_LOOKUP_TTL_SECS)?,
        };
        if let Some(url) = &halo.url {
            require_https_unless_loopback(HALO_URL.name, url)?;
        }
        if let Some(url) = &halo.auth_url {
            require_https_unless_loopback(HALO_AUTH_URL.name, url)?;
        }
        Ok(halo)
    }
}
