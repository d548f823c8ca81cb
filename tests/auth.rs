//! Sign-in and secrets (issue 6): the OAuth dance against the sandbox's Halo sign-in page, its
//! failure cases, each sign-in mode, Key Vault through the real Azure SDK against local HTTPS
//! fakes, log hygiene, the consent page for dynamically registered clients, and the sign-in
//! server against a hostile client (issue 12).

#[path = "support/mod.rs"]
mod support;

mod auth {
    mod connector_refresh;
    mod consent;
    pub mod helpers;
    mod keyvault;
    mod kv_fake;
    mod logs;
    mod modes;
    mod oauth_flow;
    mod readme_sign_in;
    mod resources;
    mod security;
    mod token_endpoint;
}
