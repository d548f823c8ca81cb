//! The payloads inside our sealed tokens. Field names are short because they travel in URLs.

use serde::{Deserialize, Serialize};

/// The `state` sent to Halo while the agent signs in: the client's request, and our PKCE
/// verifier for Halo's code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingClaims {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub challenge: Option<String>,
    pub scope: String,
    pub verifier: String,
}

/// Halo's tokens for the signed-in agent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HaloTokens {
    pub access: String,
    pub refresh: Option<String>,
    /// When the Halo access token expires, Unix seconds.
    pub exp: i64,
}

/// Our authorization code: bound to the client (sealed client id), its redirect URI and its
/// PKCE challenge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeClaims {
    pub redirect_uri: String,
    pub challenge: Option<String>,
    pub scope: String,
    pub sub: String,
    pub halo: HaloTokens,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The Halo access token tool calls run with.
    pub halo: String,
    pub sub: String,
    pub scope: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshClaims {
    pub halo_refresh: String,
    pub sub: String,
    pub scope: String,
}

/// A dynamically registered client; the sealed form of this is its `client_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientClaims {
    pub redirect_uris: Vec<String>,
    pub name: Option<String>,
    /// `none`, `client_secret_basic` or `client_secret_post`.
    pub auth_method: String,
}
