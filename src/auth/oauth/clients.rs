//! OAuth clients: the static client (`MCP_OAUTH_CLIENT_ID`, Copilot Studio's Manual option) and
//! dynamically registered ones, whose `client_id` is their sealed registration. Both may only use
//! redirect URIs the allow-list accepts. The static client without a configured secret is a
//! public client like any other: PKCE is required and the agent approves it on the consent page.

use subtle::ConstantTimeEq;

use super::claims::ClientClaims;
use super::error::OAuthError;
use crate::auth::AuthContext;
use crate::auth::tokens::{TokenCodec, TokenKind};

#[derive(Debug, Clone)]
pub enum ClientKind {
    Static,
    Registered(ClientClaims),
}

#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub kind: ClientKind,
    /// No client secret: it authenticates with nothing but PKCE.
    public: bool,
}

impl Client {
    /// A public client authenticates with nothing but PKCE.
    pub fn is_public(&self) -> bool {
        self.public
    }

    /// Only the operator-configured static client with a secret counts as approved; anyone
    /// could be behind a public client (its id is not a secret), so the agent approves it.
    pub fn needs_consent(&self) -> bool {
        self.public || matches!(self.kind, ClientKind::Registered(_))
    }

    /// The name shown on the consent page, if the client gave one.
    pub fn name(&self) -> Option<&str> {
        match &self.kind {
            ClientKind::Static => None,
            ClientKind::Registered(claims) => claims.name.as_deref(),
        }
    }

    /// A short label for logs (registered client ids are long sealed blobs).
    pub fn label(&self) -> String {
        match &self.kind {
            ClientKind::Static => format!("static:{}", self.id),
            ClientKind::Registered(claims) => {
                format!("registered:{}", claims.name.as_deref().unwrap_or("unnamed"))
            }
        }
    }

    /// Whether this client may use `uri`.
    pub fn redirect_allowed(&self, ctx: &AuthContext, uri: &str) -> bool {
        let registered = match &self.kind {
            ClientKind::Static => true,
            ClientKind::Registered(claims) => claims.redirect_uris.iter().any(|r| r == uri),
        };
        registered && ctx.redirects.allows(uri)
    }
}

/// Finds the client `client_id` names.
pub fn resolve(
    ctx: &AuthContext,
    codec: &TokenCodec,
    client_id: &str,
) -> Result<Client, OAuthError> {
    if client_id.is_empty() {
        return Err(OAuthError::new("invalid_request", "client_id is required"));
    }
    if ctx.static_client_id.as_deref() == Some(client_id) {
        return Ok(Client {
            id: client_id.to_string(),
            kind: ClientKind::Static,
            public: !ctx.static_client_secret.is_set(),
        });
    }
    // Registered clients are sealed with the issuer as audience.
    let opened = codec
        .open::<ClientClaims>(TokenKind::Client, &ctx.issuer, client_id)
        .map_err(|_| OAuthError::new("invalid_client", "unknown client_id"))?;
    Ok(Client {
        id: client_id.to_string(),
        public: opened.payload.auth_method == "none",
        kind: ClientKind::Registered(opened.payload),
    })
}

/// Checks the client's secret at the token endpoint.
pub async fn authenticate(
    ctx: &AuthContext,
    codec: &TokenCodec,
    client: &Client,
    secret: Option<&str>,
) -> Result<(), OAuthError> {
    match &client.kind {
        ClientKind::Static => {
            let expected = ctx
                .static_client_secret
                .get_optional()
                .await
                .map_err(|e| OAuthError::new("temporarily_unavailable", e.to_string()))?;
            match (expected, secret) {
                // A static client without a configured secret is public: PKCE, required at
                // /oauth/authorize and checked at /oauth/token, stands in for the secret.
                (None, _) => Ok(()),
                (Some(expected), Some(given))
                    if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) =>
                {
                    Ok(())
                }
                _ => Err(OAuthError::new(
                    "invalid_client",
                    "client authentication failed",
                )),
            }
        }
        ClientKind::Registered(claims) if claims.auth_method == "none" => Ok(()),
        ClientKind::Registered(_) => {
            let given = secret
                .ok_or_else(|| OAuthError::new("invalid_client", "client authentication failed"))?;
            let opened = codec
                .open::<()>(TokenKind::ClientSecret, &ctx.issuer, given)
                .map_err(|_| OAuthError::new("invalid_client", "client authentication failed"))?;
            if opened.client_id == client.id {
                Ok(())
            } else {
                Err(OAuthError::new(
                    "invalid_client",
                    "client authentication failed",
                ))
            }
        }
    }
}
