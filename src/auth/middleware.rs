//! The axum middleware in front of `/mcp`: authenticates the caller according to the mode and
//! inserts a [`Caller`] carrying the Halo credentials the call runs with. Our own tokens never
//! reach Halo: in oauth mode the Caller holds the Halo token decrypted from ours.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, header};

use super::challenge::Refusal;
use super::halo_token::HaloTokenError;
use super::oauth::claims::AccessClaims;
use super::oauth::clients::{self, ClientKind};
use super::tokens::{TokenCodec, TokenError, TokenKind};
use super::{AuthContext, Caller, MCP_SCOPE, McpClient, api_keys};
use crate::config::AuthMode;
use crate::halo::HaloCredential;
use crate::secrets::SecretError;
use sha2::{Digest, Sha256};

/// The header Copilot Studio's API-key option can be told to use, besides `Authorization`.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The bearer token from `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

pub async fn require_caller(
    State(ctx): State<Arc<AuthContext>>,
    mut request: Request,
    next: Next,
) -> Response {
    match authenticate(&ctx, request.headers()).await {
        Ok(Some(caller)) => {
            tracing::debug!(subject = %caller.subject, "authenticated");
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Ok(None) => next.run(request).await,
        Err(refusal) => {
            tracing::info!(mode = ctx.mode.as_str(), refusal = ?kind(&refusal), "refused an MCP request");
            ctx.challenger.respond(refusal)
        }
    }
}

/// The OAuth client a token was issued to, as the audit log names it.
fn oauth_client(ctx: &AuthContext, codec: &TokenCodec, client_id: &str) -> McpClient {
    match clients::resolve(ctx, codec, client_id) {
        Ok(client) => match &client.kind {
            ClientKind::Static => McpClient {
                id: client.id.clone(),
                name: Some("static client".into()),
            },
            ClientKind::Registered(claims) => McpClient {
                id: format!(
                    "registered:{}",
                    &format!("{:x}", Sha256::digest(client_id.as_bytes()))[..16]
                ),
                name: claims.name.clone(),
            },
        },
        // The token opened, so the client existed when it was issued.
        Err(_) => McpClient {
            id: "unknown".into(),
            name: None,
        },
    }
}

/// The refusal without its detail, for the log line.
fn kind(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Missing => "missing",
        Refusal::InvalidToken(_) => "invalid_token",
        Refusal::InsufficientScope => "insufficient_scope",
        Refusal::Unavailable(_) => "unavailable",
        Refusal::Upstream(_) => "upstream",
    }
}

async fn authenticate(ctx: &AuthContext, headers: &HeaderMap) -> Result<Option<Caller>, Refusal> {
    match ctx.mode {
        AuthMode::None => Ok(None),
        AuthMode::ApiKey => {
            let presented = headers
                .get(API_KEY_HEADER)
                .and_then(|v| v.to_str().ok())
                .or_else(|| bearer(headers))
                .ok_or(Refusal::Missing)?;
            let keys = ctx
                .api_keys
                .get()
                .await
                .map_err(|e| Refusal::Unavailable(e.to_string()))?;
            // A plain value was checked at start-up; a Key Vault value is checked each read,
            // so a weak key put in the vault is refused loudly instead of accepted.
            if let Err(problem) = api_keys::check_keys(&keys) {
                let error = SecretError::Malformed {
                    name: ctx.api_keys.name_or("MCP_API_KEYS"),
                    reason: format!("{problem} (MCP_API_KEYS_SECRET_NAME)"),
                };
                tracing::error!(%error, "the API keys are unusable: every MCP call fails until they are fixed");
                return Err(Refusal::Unavailable(error.to_string()));
            }
            let index = api_keys::matching_key(&keys, presented)
                .ok_or_else(|| Refusal::InvalidToken("the API key is not valid".into()))?;
            let credential = ctx
                .service_credential
                .clone()
                .ok_or_else(|| Refusal::Unavailable("no Halo Services application".into()))?;
            Ok(Some(Caller {
                credential,
                subject: format!("api key #{index}"),
                client: McpClient {
                    id: format!("api-key-{index}"),
                    name: Some(format!("api key #{index}")),
                },
            }))
        }
        AuthMode::HaloToken => {
            let token = bearer(headers).ok_or(Refusal::Missing)?;
            let subject =
                ctx.halo_tokens
                    .validate(&ctx.halo, token)
                    .await
                    .map_err(|e| match e {
                        HaloTokenError::Refused => {
                            Refusal::InvalidToken("Halo refused the token".into())
                        }
                        HaloTokenError::Unavailable(e) => Refusal::Upstream(e.to_string()),
                        busy @ HaloTokenError::Busy(_) => Refusal::Unavailable(busy.to_string()),
                    })?;
            Ok(Some(Caller {
                credential: HaloCredential::Bearer(Arc::from(token)),
                subject,
                // A Halo token says nothing halo-mcp can check about the client that holds it.
                client: McpClient {
                    id: "halo-token".into(),
                    name: None,
                },
            }))
        }
        AuthMode::OAuth => {
            let token = bearer(headers).ok_or(Refusal::Missing)?;
            let codec = ctx
                .keyring
                .codec()
                .await
                .map_err(|e| Refusal::Unavailable(e.to_string()))?;
            let opened = codec
                .open::<AccessClaims>(TokenKind::Access, &ctx.resource, token)
                .map_err(|e| {
                    Refusal::InvalidToken(match e {
                        TokenError::Expired => "the access token has expired".into(),
                        TokenError::WrongAudience => {
                            "the access token was issued for another resource".into()
                        }
                        other => format!("the access token is not valid ({other})"),
                    })
                })?;
            if !opened.payload.scope.split(' ').any(|s| s == MCP_SCOPE) {
                return Err(Refusal::InsufficientScope);
            }
            Ok(Some(Caller {
                credential: HaloCredential::Bearer(Arc::from(opened.payload.halo.as_str())),
                subject: opened.payload.sub,
                client: oauth_client(ctx, &codec, &opened.client_id),
            }))
        }
    }
}
