//! Who is calling: sign-in modes (oauth, halo-token, api-key, none) and the Halo credentials
//! each authenticated caller's tool calls run with.

use crate::halo::HaloCredential;

/// An authenticated MCP caller, inserted into the request by the auth middleware.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The Halo credentials this caller's tool calls run with.
    pub credential: HaloCredential,
    /// Who it is, for logs (an agent id or key label; never a token).
    pub subject: String,
}
