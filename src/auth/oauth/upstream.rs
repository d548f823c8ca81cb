//! Halo's token endpoint as our upstream: exchanging Halo's authorization code and refreshing
//! Halo tokens through the one token-endpoint client ([`crate::halo::token_endpoint`]), with Halo's refusals (e.g. a reused single-use refresh token) kept apart from
//! outages so the client sees `invalid_grant` for the first and a retryable error for the second.

use oauth2::TokenResponse;

use super::claims::HaloTokens;
use crate::auth::AuthContext;
use crate::auth::tokens::now;
use crate::halo::token_endpoint::TokenError;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Halo answered 4xx: the grant (code, refresh token) is not valid.
    #[error("Halo refused: {0}")]
    Refused(String),
    #[error("Halo's token endpoint is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    Secret(String),
}

/// A grant the broker posts to Halo as our Authorisation Code application.
pub enum Grant<'a> {
    /// Halo's authorization code, with our callback URL and the PKCE verifier we sent Halo.
    Code {
        code: &'a str,
        redirect_uri: &'a str,
        verifier: &'a str,
    },
    /// A Halo refresh token (single-use on Halo).
    Refresh(&'a str),
}

/// Posts `grant` to Halo's token endpoint as our Halo application.
pub async fn halo_grant(ctx: &AuthContext, grant: Grant<'_>) -> Result<HaloTokens, UpstreamError> {
    let secret = ctx
        .halo_client_secret
        .get_optional()
        .await
        .map_err(|e| UpstreamError::Secret(e.to_string()))?;
    let endpoint = ctx
        .halo
        .token_endpoint()
        .await
        .map_err(|e| UpstreamError::Unavailable(e.to_string()))?;
    let client_id = ctx.halo_client_id.as_str();
    let secret = secret.as_deref();
    let answer = match grant {
        Grant::Code {
            code,
            redirect_uri,
            verifier,
        } => {
            endpoint
                .authorization_code(client_id, secret, code, redirect_uri, verifier)
                .await
        }
        Grant::Refresh(refresh) => endpoint.refresh(client_id, secret, refresh).await,
    }
    .map_err(|error| match error {
        TokenError::Refused { message, .. } => UpstreamError::Refused(message),
        TokenError::Failed { status, .. } => UpstreamError::Unavailable(format!("HTTP {status}")),
        other => UpstreamError::Unavailable(other.to_string()),
    })?;
    let lifetime = answer
        .expires_in()
        .map_or(3600, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Ok(HaloTokens {
        access: answer.access_token().secret().clone(),
        refresh: answer.refresh_token().map(|r| r.secret().clone()),
        exp: now().saturating_add(lifetime),
    })
}

/// Who the Halo token belongs to, for logs and our tokens' subject: "agent <id>".
pub async fn subject(ctx: &AuthContext, halo_access: &str) -> String {
    let session = ctx
        .halo
        .session(crate::halo::HaloCredential::Bearer(std::sync::Arc::from(
            halo_access,
        )));
    match session.me().await {
        Ok(me) => match me.id {
            Some(id) => format!("agent {id}"),
            None => "agent ?".into(),
        },
        Err(error) => {
            tracing::warn!(%error, "could not read the signed-in agent");
            "agent ?".into()
        }
    }
}
