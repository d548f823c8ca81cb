//! Contract tests for the Halo sandbox, through real HTTP: envelopes, paging, upsert, actions,
//! errors, scopes and roles, every OAuth grant, the sign-in page, the rate limit, reports,
//! persistence, concurrency, fault injection, and the check against Halo's OpenAPI document.

// The parts of the workspace's test support (`tests/support/`) that need no halo-mcp.
#[path = "../../../tests/support/assert.rs"]
mod support_assert;
#[allow(dead_code)] // the operation lookups serve the api suite
#[path = "../../../tests/support/openapi.rs"]
mod support_openapi;
#[path = "../../../tests/support/sign_in.rs"]
mod support_sign_in;
mod support {
    pub(crate) use super::support_assert as assert;
    pub(crate) use super::support_openapi as openapi;
    pub(crate) use super::support_sign_in as sign_in;
}

#[path = "sandbox/common.rs"]
mod common;

#[path = "sandbox/api.rs"]
mod api;
#[path = "sandbox/faults.rs"]
mod faults;
#[path = "sandbox/fidelity.rs"]
mod fidelity;
#[path = "sandbox/oauth.rs"]
mod oauth;
#[path = "sandbox/openapi.rs"]
mod openapi;
#[path = "sandbox/state.rs"]
mod state;
