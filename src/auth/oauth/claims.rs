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

/// An authorization request that passed every check in `/oauth/authorize`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthorizationRequest {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub challenge: Option<String>,
    pub scope: String,
}

/// The consent page's sealed form token: the request awaiting the agent's decision, bound to
/// the browser that was shown the page (SHA-256 of its consent cookie), so another site cannot
/// submit a token it obtained itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsentClaims {
    #[serde(rename = "r")]
    pub request: AuthorizationRequest,
    #[serde(rename = "b")]
    pub browser: String,
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
    /// Halo issued `halo_refresh` in its last answer (a code grant, or a refresh that rotated the
    /// token). False when Halo kept the previous refresh token, so Halo would not refuse a replay:
    /// a refresh without client credentials is then not accepted (see connector_refresh).
    #[serde(default)]
    pub halo_issued: bool,
}

/// A dynamically registered client; the sealed form of this is its `client_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientClaims {
    pub redirect_uris: Vec<String>,
    pub name: Option<String>,
    /// `none`, `client_secret_basic` or `client_secret_post`.
    pub auth_method: String,
}
