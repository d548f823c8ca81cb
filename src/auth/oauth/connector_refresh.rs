//! The refresh request Power Platform's generic OAuth 2 connectors send.
//!
//! Copilot Studio reaches an OAuth-protected MCP server through a Power Platform connector (a
//! custom connector, or the one its MCP wizard creates for "Manual" OAuth). Unless the connector
//! defines a `refreshBodyTemplate`, its refresh request carries `grant_type`, `refresh_token` and
//! `redirect_uri` and **no client credentials** (Troy Taylor, "Fix Salesforce custom connector
//! OAuth refresh token failures", 2026-03-11; the fix there is the template our connector/ now
//! ships). Refusing it would sign every Copilot Studio user out when their first access token
//! expires.
//!
//! Such a request is accepted only when it carries no client credentials at all, the refresh
//! token opens (it is sealed and names the client it was issued to), Halo issued the Halo
//! refresh token inside in its last answer, and `redirect_uri` is one that client may use. The refresh token then stands in for client authentication, as for a
//! public client: the Halo refresh token inside is single-use, so a replayed or stolen refresh
//! token is refused by Halo after its first use (OAuth 2.0 Security BCP, RFC 9700 §4.14.2,
//! refresh token rotation). Where Halo keeps a refresh token unchanged on refresh, Halo would
//! not refuse a replay, so the next refresh must authenticate the client as usual (our
//! connector/ definition sends the credentials). Requests that carry credentials are
//! authenticated as before.

use std::collections::HashMap;

use super::claims::RefreshClaims;
use super::clients::{self, Client};
use crate::auth::AuthContext;
use crate::auth::tokens::{TokenCodec, TokenKind};

/// The client a credential-less connector refresh belongs to, or `None` when `form` is not
/// such a request (the caller then authenticates the client the usual way).
pub fn client(
    ctx: &AuthContext,
    codec: &TokenCodec,
    form: &HashMap<String, String>,
) -> Option<Client> {
    let get = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    if get("grant_type") != Some("refresh_token") {
        return None;
    }
    let redirect_uri = get("redirect_uri")?;
    let opened = codec
        .open::<RefreshClaims>(TokenKind::Refresh, &ctx.issuer, get("refresh_token")?)
        .ok()?;
    if !opened.payload.halo_issued {
        return None;
    }
    let client = clients::resolve(ctx, codec, &opened.client_id).ok()?;
    client.redirect_allowed(ctx, redirect_uri).then(|| {
        tracing::info!(client = %client.label(), "refresh without client credentials (Power Platform connector)");
        client
    })
}
