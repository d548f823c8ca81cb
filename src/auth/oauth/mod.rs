//! This server as the OAuth 2.1 authorization server MCP clients (Copilot Studio) talk to,
//! federating the sign-in itself to Halo's Authorization Code flow. Stateless: every
//! intermediate artefact is a sealed token (see [`super::tokens`]).
//!
//! Flow: client → `/oauth/authorize` (→ our consent page for dynamically registered clients) → Halo `/auth/authorize` (our own PKCE; `state` = sealed
//! pending authorization) → agent signs in → `/oauth/callback` (Halo code exchanged with our
//! client secret) → client redirect with our sealed code → `/oauth/token` → our sealed access
//! and refresh tokens, which carry the Halo tokens inside.

pub mod authorize;
pub mod callback;
pub mod claims;
pub mod clients;
pub mod connector_refresh;
pub mod consent;
pub mod error;
pub mod metadata;
pub mod pkce;
pub mod redirects;
pub mod register;
pub mod single_use;
pub mod token;
pub mod upstream;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use super::AuthContext;

/// The authorization server's routes and the protected-resource metadata.
pub fn routes(ctx: Arc<AuthContext>) -> Router {
    Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server),
        )
        .route(
            "/.well-known/openid-configuration",
            get(metadata::authorization_server),
        )
        .route(
            "/oauth/authorize",
            get(authorize::authorize).post(consent::decide),
        )
        .route("/oauth/callback", get(callback::callback))
        .route("/oauth/token", post(token::token))
        .route("/oauth/register", post(register::register))
        .with_state(ctx)
}
