//! Who is calling: sign-in modes (oauth, halo-token, api-key, none) and the Halo credentials
//! each authenticated caller's tool calls run with. See `docs/auth.md`.
//!
//! [`AuthContext`] is built once from configuration; [`middleware`] guards `/mcp` with it, and
//! [`oauth`] serves the authorization server (metadata, authorize, callback, token, register).

pub mod api_keys;
pub mod challenge;
pub mod context;
pub mod halo_token;
pub mod keyring;
pub mod middleware;
pub mod oauth;
pub mod tokens;

pub use context::AuthContext;

use crate::halo::HaloCredential;

/// An authenticated MCP caller, inserted into the request by the auth middleware.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The Halo credentials this caller's tool calls run with.
    pub credential: HaloCredential,
    /// Who it is, for logs (an agent id or key label; never a token).
    pub subject: String,
    /// The MCP client making the call, for the audit log.
    pub client: McpClient,
}

/// The MCP client behind a call: a registered or static OAuth client, or an API key. Never a
/// secret: a registered client's id is a sealed blob, so it is shortened to a hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct McpClient {
    pub id: String,
    pub name: Option<String>,
}

/// The scope our access tokens must carry to use `/mcp`.
pub const MCP_SCOPE: &str = "halo";
