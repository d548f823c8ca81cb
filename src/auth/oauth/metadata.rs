//! Discovery documents: RFC 9728 protected-resource metadata (served at the root and the
//! `/mcp`-suffixed path) and RFC 8414 authorization-server metadata.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::auth::{AuthContext, MCP_SCOPE};

pub async fn protected_resource(State(ctx): State<Arc<AuthContext>>) -> Json<Value> {
    Json(json!({
        "resource": ctx.resource,
        "authorization_servers": [ctx.issuer],
        "scopes_supported": [MCP_SCOPE],
        "bearer_methods_supported": ["header"],
        "resource_name": "Halo MCP",
    }))
}

pub async fn authorization_server(State(ctx): State<Arc<AuthContext>>) -> Json<Value> {
    let issuer = &ctx.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "registration_endpoint": format!("{issuer}/oauth/register"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "scopes_supported": [MCP_SCOPE],
        "authorization_response_iss_parameter_supported": true,
    }))
}
