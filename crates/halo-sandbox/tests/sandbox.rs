//! Contract tests for the Halo sandbox, through real HTTP: envelopes, paging, upsert, actions,
//! errors, scopes and roles, every OAuth grant, the sign-in page, the rate limit, reports,
//! persistence, concurrency, fault injection, and the check against Halo's OpenAPI document.

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
